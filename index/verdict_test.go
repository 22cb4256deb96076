package index

import (
	"context"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/devopsbot/devopsbot/notes"
)

func TestChooseCount(t *testing.T) {
	tests := []struct {
		text string
		want int
	}{
		{"Which two actions should the engineer take? (Choose two.)", 2},
		{"Which steps meet the requirements? (Select THREE.)", 3},
		{"Pick them. Choose 2", 2},
		{"Which option should the team choose?", 1},
		{"Select the best answer.", 1},
		{"", 1},
	}
	for _, tt := range tests {
		if got := ChooseCount(tt.text); got != tt.want {
			t.Errorf("ChooseCount(%q) = %d, want %d", tt.text, got, tt.want)
		}
	}
	q, err := ParseQuestion("Which two hooks run after the files are copied? (Choose two.)\nA) BeforeInstall\nB) AfterInstall\nC) ApplicationStart\nD) DownloadBundle")
	if err != nil || q.Choose != 2 || len(q.Options) != 4 {
		t.Errorf("ParseQuestion: Choose %d, %d options, %v; want 2, 4", q.Choose, len(q.Options), err)
	}
}

func TestAskVerdict(t *testing.T) {
	ix := mustDefault(t)
	ctx := context.Background()
	t.Run("choose two gives two letters in key order", func(t *testing.T) {
		ans, err := ix.Ask(ctx, Question{
			Text: "A CodeDeploy AppSpec file for EC2 needs scripts that run after the revision's files are copied and before the service is validated. Which two lifecycle event hooks can run them? (Choose two.)",
			Options: []Option{{"A", "ApplicationStop"}, {"B", "AfterInstall"}, {"C", "DownloadBundle"},
				{"D", "ApplicationStart"}, {"E", "BeforeBlockTraffic"}},
		})
		if err != nil {
			t.Fatal(err)
		}
		if ans.Choose != 2 || len(ans.Chosen) != 2 || ans.Chosen[0] > ans.Chosen[1] || ans.RunnerUp == "" || strings.Contains(ans.Chosen, ans.RunnerUp) {
			t.Errorf("Chosen %q (choose %d), runner-up %q; want two keys in order and another runner-up", ans.Chosen, ans.Choose, ans.RunnerUp)
		}
	})
	t.Run("a topic the notes lack is not covered and not decided", func(t *testing.T) {
		ans, err := ix.Ask(ctx, Question{
			Text: "A company must detect cryptocurrency mining on its EC2 instances and compromised IAM credentials with the least operational effort. What should the DevOps engineer do?",
			Options: []Option{
				{"A", "Enable Amazon GuardDuty in every account and send its findings to Security Hub"},
				{"B", "Run Amazon Inspector assessments weekly and review the findings by hand"},
				{"C", "Enable Amazon Macie on every bucket and alert on sensitive data findings"},
				{"D", "Install a third-party antivirus agent through a Systems Manager association"},
			},
		})
		if err != nil {
			t.Fatal(err)
		}
		if ans.Covered || ans.Decided || ans.Note != NoteNotCovered || len(ans.Chosen) != 1 {
			t.Errorf("covered %v decided %v note %q chosen %q; want a guess, not covered", ans.Covered, ans.Decided, ans.Note, ans.Chosen)
		}
	})
	t.Run("options the notes never mention do not make a settled question uncovered", func(t *testing.T) {
		ans, err := ix.Ask(ctx, Question{
			Text:    "Which service records the API calls made in an AWS account?",
			Options: []Option{{"A", "AWS CloudTrail"}, {"B", "AWS X-Ray"}, {"C", "Amazon Inspector"}, {"D", "AWS Trusted Advisor"}},
		})
		if err != nil {
			t.Fatal(err)
		}
		if !ans.Covered || !ans.Decided || ans.Chosen != "A" {
			t.Errorf("covered %v decided %v chosen %q (confidence %v, note %q); want A, covered and decided", ans.Covered, ans.Decided, ans.Chosen, ans.Confidence, ans.Note)
		}
	})
	t.Run("a question the notes decide is decided", func(t *testing.T) {
		ans, err := ix.Ask(ctx, Question{
			Text:    "How long does an Auto Scaling instance wait in a lifecycle hook's wait state by default before the group continues the launch?",
			Options: []Option{{"A", "Five minutes"}, {"B", "One hour"}, {"C", "Two days"}, {"D", "Thirty seconds"}},
		})
		if err != nil {
			t.Fatal(err)
		}
		if !ans.Covered || ans.Chosen != "B" {
			t.Errorf("covered %v chosen %q (decided %v, confidence %v); want B, covered", ans.Covered, ans.Chosen, ans.Decided, ans.Confidence)
		}
		if ans.Decided != (ans.Confidence >= askDecide) {
			t.Errorf("decided %v with confidence %v (threshold %v)", ans.Decided, ans.Confidence, askDecide)
		}
	})
}

func TestSameKeys(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"BD", "DB", true}, {"b,d", "BD", true}, {"B", "B", true},
		{"B", "BD", false}, {"", "", false}, {"BD", "BE", false},
	}
	for _, tt := range tests {
		if got := SameKeys(tt.a, tt.b); got != tt.want {
			t.Errorf("SameKeys(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

// fakeAsker answers every question with the same answer.
type fakeAsker struct{ ans Answer }

func (f fakeAsker) Ask(context.Context, Question) (Answer, error) { return f.ans, nil }

func TestEvaluateVerdicts(t *testing.T) {
	ix := mustDefault(t)
	no, yes := false, true
	opts := map[string]string{"A": "a", "B": "b", "C": "c", "D": "d", "E": "e"}
	items := []EvalItem{
		{ID: "1", Kind: "exam", Query: "cloudtrail", Options: opts, Correct: "BD", Covered: &yes},
		{ID: "2", Kind: "exam", Query: "cloudtrail", Options: opts, Correct: "A", Covered: &no},
	}
	rep, err := ix.Evaluate(context.Background(), items, fakeAsker{Answer{Chosen: "DB", Decided: true, Confidence: 0.8}})
	if err != nil {
		t.Fatal(err)
	}
	k := rep.Kinds["exam"]
	if k.Correct != 1 || k.Decided != 2 || k.DecidedCorrect != 1 || *k.DecidedAccuracy != 0.5 || *k.DecidedShare != 1 ||
		k.ChooseK != 1 || *k.ChooseKExact != 1 || k.NotCovered != 1 || k.Declined != 0 || *k.CoveredAccuracy != 1 {
		t.Errorf("summary %+v", *k)
	}
	if !rep.Results[0].Right || rep.Results[1].Right || !rep.Results[0].Decided || rep.Results[0].Confidence != 0.8 {
		t.Errorf("results %+v", rep.Results)
	}
}

func TestFrameWords(t *testing.T) {
	al, err := parseAliases([]byte("frame: DevOps engineer company\nasg | auto scaling group\n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"devop", "engineer", "company"} {
		if !al.frame[w] {
			t.Errorf("frame word %q missing: %v", w, al.frame)
		}
	}
	if al.frame["asg"] || len(al.forms) != 1 {
		t.Errorf("frame %v, forms %v", al.frame, al.forms)
	}
}

func TestEmptyHeadingNeverRanks(t *testing.T) {
	md := "# Lifecycle hooks\n\n## Hooks\n\nA hook pauses an instance while it launches.\n"
	ix := mustBuild(t, mustParse(t, "t", md))
	hits, err := ix.Search(context.Background(), "lifecycle hooks", 5)
	if err != nil || len(hits) != 1 || hits[0].Title != "Hooks" {
		t.Errorf("hits %v, %v; want only the section with text", ids(hits), err)
	}
}

func TestForbidden(t *testing.T) {
	fx := mustDefault(t).factIndex()
	tests := []struct {
		scenario string
		want     []string // terms ruled out
		not      []string // terms not ruled out
	}{
		{"DNS is managed elsewhere, so the cutover must not involve any DNS changes. Which approach?", nil, []string{"dns"}},
		{"The team does not want to change the application code. What should they do?", []string{"code"}, []string{"team"}},
		{"Keep every failed event without writing retry logic.", []string{"retry", "logic"}, []string{"event"}},
		{"The team can't request record changes during releases, and wants speed.", []string{"record"}, []string{"speed"}},
		{"A plain scenario with nothing ruled out.", nil, []string{"plain"}},
		// A hyphenated word is one word of the scope, not two.
		{"Builds must run with no hard-coded build secrets in them.", []string{"secret"}, []string{"run"}},
	}
	for _, tt := range tests {
		got := fx.forbidden(tt.scenario)
		checkTerms(t, "forbidden", tt.scenario, got, tt.want, tt.not)
	}
}

func TestRuledWords(t *testing.T) {
	fx := mustDefault(t).factIndex()
	tests := []struct {
		name, scenario string
		want           int // scopes that state a requirement
	}{
		{"wish after the negator", "The script does not need the application's source code.", 1},
		{"modal before the negator", "The cutover must not involve any DNS changes to records.", 1},
		{"no as a requirement", "Deploy with no second environment and no URL or DNS change.", 2},
		{"no after a stating verb", "The stack has no termination protection, yet deletion fails.", 0},
		{"a negation that describes", "These metrics do not appear in CloudWatch yet.", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := fx.ruledWords(tt.scenario); len(got) != tt.want {
				t.Errorf("ruledWords(%q) = %v, want %d scopes", tt.scenario, got, tt.want)
			}
		})
	}
}

func TestRuledOut(t *testing.T) {
	fx := mustDefault(t).factIndex()
	ruledText := func(scenario string) []string {
		var out []string
		for id := range fx.ruledOut(fx.ruledWords(scenario)) {
			out = append(out, fx.facts[id].text)
		}
		return out
	}
	has := func(texts []string, sub string) bool {
		return slices.ContainsFunc(texts, func(s string) bool { return strings.Contains(s, sub) })
	}
	got := ruledText("On every instance a script must run before the application and the web server are set up; it does not need the application's source code.")
	if !has(got, "Affects application source code") {
		t.Errorf("the container_commands fact is not ruled out: %q", got)
	}
	if has(got, "Folder is part of application source bundle") {
		t.Errorf("a fact holding one word of the scope is ruled out: %q", got)
	}
	// "'Blue/Green' - not really supported" negates in a parent bullet only.
	if got := ruledText("Everything stays in one environment, with no URL or DNS change."); !has(got, "swap URL") {
		t.Errorf("the swap URL fact is not ruled out: %q", got)
	}
	if got := ruledText("The team does not want to manage the scaling of cluster instances at all."); has(got, "managed by Amazon ECS") {
		t.Errorf("a fact saying someone else does it is ruled out: %q", got)
	}
}

func TestInverted(t *testing.T) {
	for text, want := range map[string]bool{
		"Which of these is NOT a lifecycle hook?":          true,
		"All of these run on EC2 EXCEPT which one?":        true,
		"Which hook does not run on Lambda deployments?":   false,
		"NOTE: the team uses CodeDeploy. Which hook runs?": false,
	} {
		if got := inverted(text); got != want {
			t.Errorf("inverted(%q) = %v, want %v", text, got, want)
		}
	}
}

func TestCoveredAndMayDecide(t *testing.T) {
	known := askSignals{unknown: 0.1, optUnk: 0.1, otherUnk: 0.2, notes: true, cover: 0.7, coverGap: 0.4, wholeCover: 0.7, wholeGap: 0.4, margin: 0.6}
	tests := []struct {
		name              string
		edit              func(*askSignals)
		covered, deciding bool
	}{
		{"every word known and a fact naming the option", func(*askSignals) {}, true, true},
		{"scenario mostly unknown", func(s *askSignals) { s.unknown = 0.4 }, false, false},
		{"scenario partly unknown beside a settled option", func(s *askSignals) { s.unknown = 0.32 }, true, true},
		{"scenario partly unknown and no clear lead", func(s *askSignals) { s.unknown, s.wholeGap, s.margin = 0.32, 0.1, 0.2 }, false, false},
		{"chosen option mostly unknown", func(s *askSignals) { s.optUnk = 0.6 }, false, false},
		{"an unknown distractor beside a settled option", func(s *askSignals) { s.otherUnk = 0.9 }, true, true},
		{"an unknown distractor, lead in support only", func(s *askSignals) { s.otherUnk, s.wholeGap = 0.9, 0 }, true, true},
		{"an unknown distractor and no clear lead", func(s *askSignals) { s.otherUnk, s.wholeGap, s.margin = 0.9, 0.1, 0.2 }, false, false},
		{"an unknown distractor, the deciding fact names little", func(s *askSignals) { s.otherUnk, s.wholeCover = 0.9, 0.5 }, false, false},
		{"covered, but no fact names what sets the option apart", func(s *askSignals) { s.cover = askDecideCover - 0.01 }, true, false},
		{"covered, but exam technique chose", func(s *askSignals) { s.notes = false }, true, false},
		// A long option: its deciding fact holds its point (cover, of at
		// most askCoverWeight) but little of all its words (wholeCover).
		{"a long option named by its fact", func(s *askSignals) { s.wholeCover, s.wholeGap = 0.3, 0.1 }, true, true},
		{"a long option named by its fact, scenario partly unknown", func(s *askSignals) { s.unknown, s.wholeCover, s.wholeGap = 0.32, 0.3, 0.1 }, false, false},
		// The scenario's known words in one section: its topic, whatever
		// everyday words the notes lack beside them.
		{"scenario mostly unknown, its known words in one section", func(s *askSignals) { s.unknown, s.focus = 0.4, askFocus }, true, true},
		{"scenario mostly unknown, its known words spread", func(s *askSignals) { s.unknown, s.focus = 0.4, askFocus-0.01 }, false, false},
		{"scenario over half unknown, its known words in one section", func(s *askSignals) { s.unknown, s.focus = 0.55, 1 }, false, false},
		{"chosen option mostly unknown, the scenario's words in one section", func(s *askSignals) { s.optUnk, s.focus = 0.6, 1 }, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := known
			tt.edit(&s)
			if s.covered() != tt.covered || s.mayDecide() != tt.deciding {
				t.Errorf("covered %v, may decide %v; want %v, %v", s.covered(), s.mayDecide(), tt.covered, tt.deciding)
			}
		})
	}
}

// TestSectionShare checks the share of a scenario's known term weight that
// one section's facts hold: words the notes lack and frame words do not
// count either way.
func TestSectionShare(t *testing.T) {
	md := "# Kinesis\n\n## Streams\n\n- Shards keep records so consumers can reprocess them.\n\n" +
		"## Firehose\n\n- Firehose delivers batches to buckets.\n"
	ix := mustBuild(t, mustParse(t, "t", md))
	fx := ix.factIndex()
	section := func(title string) *notes.Section {
		for _, f := range fx.facts {
			if f.sec.Title == title {
				return f.sec
			}
		}
		t.Fatalf("no section %q", title)
		return nil
	}
	streams, firehose := section("Streams"), section("Firehose")
	tests := []struct {
		name     string
		scenario string
		sec      *notes.Section
		lo, hi   float64
	}{
		{"every known word in the section", "Consumers reprocess records from shards.", streams, 1, 1},
		{"words the notes lack do not count", "Consumers reprocess telemetry records from shards for analytics.", streams, 1, 1},
		{"every known word elsewhere", "Firehose delivers batches.", streams, 0, 0},
		{"known words in two sections", "Consumers reprocess records; Firehose delivers batches.", streams, 0.2, 0.8},
		{"the same, the other section", "Consumers reprocess records; Firehose delivers batches.", firehose, 0.2, 0.8},
		{"no known word", "Telemetry analytics.", streams, 0, 0},
		{"no section", "Consumers reprocess records from shards.", nil, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := fx.termSet(tt.scenario)
			got := fx.sectionShare(slices.Sorted(maps.Keys(st)), tt.sec)
			if got < tt.lo || got > tt.hi {
				t.Errorf("sectionShare = %.3f, want %.2f..%.2f", got, tt.lo, tt.hi)
			}
		})
	}
}

// TestExcludes checks that only a negation that limits what something
// holds ("does not include") yields the terms it excludes, without the
// words the text also uses outside it.
func TestExcludes(t *testing.T) {
	fx := mustDefault(t).factIndex()
	tests := []struct {
		text      string
		want, not []string
	}{
		{"The number of 5XX error codes from the load balancer. This count does not include any response codes generated by the targets.",
			[]string{"respons"}, []string{"includ", "code", "count"}},
		{"A pending instance is not yet in service. This metric doesn't contain instances that are terminating.",
			[]string{"terminat"}, []string{"instanc", "servic"}},
		{"Does not need EC2 instance roles to create the cluster", nil, []string{"ec2", "role"}},
		{"You can't delete a stack if another stack references its outputs", nil, []string{"delet", "stack"}},
	}
	for _, tt := range tests {
		got := fx.excludes(tt.text)
		checkTerms(t, "excludes", tt.text, got, tt.want, tt.not)
	}
}

// TestQuoteDenies checks that an answer whose quoted fact says the chosen
// option's thing does not include what the question asks for is not
// decided, and that a quote whose negation the question shares still
// decides.
func TestQuoteDenies(t *testing.T) {
	ix := mustDefault(t)
	q := Question{Text: "A web application runs on EC2 instances behind a Classic Load Balancer. Support wants an alarm on the number of 5xx responses that the instances themselves return to clients. Which CloudWatch metric should the alarm use?",
		Options: []Option{{"A", "HTTPCode_ELB_5XX"}, {"B", "HTTPCode_Backend_5XX"}, {"C", "SurgeQueueLength"}, {"D", "UnHealthyHostCount"}}}
	ans, sig, err := ix.answer(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	if ans.Chosen == "A" && (!sig.denied || ans.Decided || ans.Note != NoteUndecided) {
		t.Errorf("A quoted with %q: denied %v, decided %v, note %q; want an undecided guess", ans.Options[0].Evidence[0].Fact, sig.denied, ans.Decided, ans.Note)
	}
	q = Question{Text: "An Auto Scaling group is scaling out. Operations wants a graph of how many instances are still being launched and are not yet serving, so that pending launches can be seen. Which group metric shows that?",
		Options: []Option{{"A", "GroupInServiceInstances"}, {"B", "GroupPendingInstances"}, {"C", "GroupStandbyInstances"}, {"D", "GroupTerminatingInstances"}}}
	ans, sig, err = ix.answer(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	if ans.Chosen != "B" || sig.denied || !ans.Decided {
		t.Errorf("pending instances: chosen %q, denied %v, decided %v; want B decided (its quote excludes what the question does not ask for)", ans.Chosen, sig.denied, ans.Decided)
	}
}

// checkTerms reports each of want that got, the terms fn found in text,
// lacks and each of not that it holds.
func checkTerms(t *testing.T, fn, text string, got map[string]bool, want, not []string) {
	t.Helper()
	for _, w := range want {
		if !got[w] {
			t.Errorf("%s(%q) = %v, lacks %q", fn, text, got, w)
		}
	}
	for _, w := range not {
		if got[w] {
			t.Errorf("%s(%q) = %v, has %q", fn, text, got, w)
		}
	}
}

func TestTypoOf(t *testing.T) {
	facts := map[string]int{"environment": 60, "environemt": 3, "content": 30, "context": 1, "health": 20, "healthy": 5, "multipl": 17, "mulitpl": 3}
	byLen := map[int][]string{}
	for w := range facts {
		byLen[len(w)] = append(byLen[len(w)], w)
	}
	for w, want := range map[string]string{
		"environemt":  "environment", // swapped letters and one missing
		"mulitpl":     "multipl",     // swapped letters
		"context":     "",            // another word: one letter replaced
		"healthy":     "",            // another word: a letter added at the end
		"environment": "",            // common
	} {
		if got := typoOf(w, byLen, facts); got != want {
			t.Errorf("typoOf(%q) = %q, want %q", w, got, want)
		}
	}
}
