package index

import (
	"context"
	"encoding/json"
	"errors"
	"github.com/devopsbot/devopsbot/index/stem"
	"maps"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/devopsbot/devopsbot/notes"
)

// askEval answers every exam item of an eval file and returns the share of
// right choices and the share with a deciding section among the answer's
// first three sections.
func askEval(t *testing.T, ix *Index, path string) (acc, hit3 float64) {
	t.Helper()
	n, right, hits := 0, 0, 0
	for _, it := range mustLoadEval(t, path) {
		if len(it.Options) == 0 {
			continue
		}
		n++
		ans, err := ix.Ask(context.Background(), Question{Text: it.Query, Options: sortedOptions(it.Options)})
		if err != nil {
			t.Fatalf("%s: Ask: %v", it.ID, err)
		}
		var ranked []string
		for _, h := range ans.Sections {
			ranked = append(ranked, h.ID)
		}
		rank := FirstRank(ranked, it.Anchors)
		if rank >= 1 && rank <= 3 {
			hits++
		}
		ok := ans.Chosen == it.Correct
		if ok {
			right++
		}
		if !ok || *verboseEval {
			var scores []string
			for _, o := range ans.Options {
				scores = append(scores, o.Key+"="+strings.TrimRight(strings.TrimRight(jsonNum(o.Score), "0"), "."))
			}
			t.Logf("%s want %s chose %s (decided %v, confidence %.2f) %v rank %d", it.ID, it.Correct, ans.Chosen, ans.Decided, ans.Confidence, scores, rank)
		}
	}
	if n == 0 {
		t.Fatalf("%s: no exam items", path)
	}
	return float64(right) / float64(n), float64(hits) / float64(n)
}

func jsonNum(x float64) string {
	b, _ := json.Marshal(x)
	return string(b)
}

// TestAskDevAccuracy fails when answering the exam items of the development
// set (and the extra items written from the notes for this package) drops
// below the bars of issue 7: 60% right, deciding section in the top 3 of
// the answer's sections for 92%.
func TestAskDevAccuracy(t *testing.T) {
	ix := mustDefault(t)
	tests := []struct {
		name string
		file string
		acc  float64 // least share of right choices
		hit3 float64 // least share with a deciding section in the top 3; 0: not checked
	}{
		{"dev exam", "testdata/dev.jsonl", 0.60, 0.92},
		{"extra exam", "testdata/exam_extra.jsonl", 0.60, 0},
		// Written blind from the notes (commit 75d67bc); 17 of 28 right when
		// this guard was set, so it fails when two more go wrong.
		{"blind exam", "testdata/holdout2_exam.jsonl", 0.53, 0.92},
		// The second blind set (commit 016995f): 11 of 15 right when set.
		{"second blind exam", "testdata/holdout3_exam.jsonl", 0.60, 0.80},
		// The third blind set (commit 284c050, committed before it was run):
		// 16 of 20 right with the fact-vote scorer alone, 18 with the rank
		// ensemble; the guard fails when four more go wrong.
		{"third blind exam", "testdata/holdout4_exam.jsonl", 0.70, 0.90},
		// The fourth blind set (commit cece040, committed before it was run):
		// 16 of 16 right both with and without the ensemble; its wording is
		// close to the notes', so it guards against regressions only.
		{"fourth blind exam", "testdata/holdout5_exam.jsonl", 0.80, 0.90},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			acc, hit3 := askEval(t, ix, tt.file)
			t.Logf("%s: accuracy %.3f, answer sections Hit@3 %.3f", tt.name, acc, hit3)
			if acc < tt.acc {
				t.Errorf("%s accuracy %.3f below %.2f", tt.name, acc, tt.acc)
			}
			if tt.hit3 > 0 && hit3 < tt.hit3 {
				t.Errorf("%s answer sections Hit@3 %.3f below %.2f", tt.name, hit3, tt.hit3)
			}
		})
	}
}

// baselineChoice is the rule issue 7 measures against: the option whose
// words, added to the question, give the best-scoring section.
func baselineChoice(ctx context.Context, ix *Index, q Question) string {
	best, bestScore := "", -1.0
	for _, o := range q.Options {
		hits, err := ix.Search(ctx, q.Text+" "+o.Text, 1)
		if err == nil && len(hits) > 0 && hits[0].Score > bestScore {
			best, bestScore = o.Key, hits[0].Score
		}
	}
	return best
}

// TestAskBeatsBaseline compares Ask with the baseline rule on the exam
// items; Ask must not be worse. go test ./index -run BeatsBaseline -v
// prints both accuracies.
func TestAskBeatsBaseline(t *testing.T) {
	ix := mustDefault(t)
	for _, path := range []string{"testdata/dev.jsonl", "testdata/exam_extra.jsonl"} {
		n, ours, base := 0, 0, 0
		for _, it := range mustLoadEval(t, path) {
			if len(it.Options) == 0 {
				continue
			}
			n++
			q := Question{Text: it.Query, Options: sortedOptions(it.Options)}
			ans, err := ix.Ask(context.Background(), q)
			if err != nil {
				t.Fatal(err)
			}
			if ans.Chosen == it.Correct {
				ours++
			}
			if baselineChoice(context.Background(), ix, q) == it.Correct {
				base++
			}
		}
		t.Logf("%s: Ask %d/%d right, baseline rule %d/%d", path, ours, n, base, n)
		if ours < base {
			t.Errorf("%s: Ask (%d) is worse than the baseline rule (%d)", path, ours, base)
		}
	}
}

func TestAsk(t *testing.T) {
	ix := mustDefault(t)
	ctx := context.Background()
	t.Run("chooses the option the notes support and shows the fact", func(t *testing.T) {
		q, err := ParseQuestion(`An ECS cluster must run exactly one copy of a monitoring agent container on every container instance. Which option?
A) A service with the Daemon scheduling type
B) A service with the Replica scheduling type
C) Static host port mapping
D) Service Auto Scaling`)
		if err != nil {
			t.Fatal(err)
		}
		ans, err := ix.Ask(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if ans.Chosen != "A" {
			t.Fatalf("Chosen = %q, want A; %+v", ans.Chosen, ans.Options)
		}
		ev := ans.Options[0].Evidence
		if len(ev) == 0 || ev[0].ID == "" || len(ev[0].Path) == 0 || !strings.Contains(strings.ToLower(ev[0].Fact), "daemon") && !strings.Contains(strings.ToLower(ev[0].Fact), "demon") {
			t.Errorf("evidence %+v does not show the daemon fact with its path", ev)
		}
		if ans.Confidence <= 0 || ans.Confidence > 1 {
			t.Errorf("Confidence = %v, want in (0, 1]", ans.Confidence)
		}
		if len(ans.Sections) == 0 || !strings.HasPrefix(ans.Sections[0].ID, "4_11") {
			t.Errorf("first section %v, want an ECS section", ans.Sections)
		}
	})
	t.Run("text without options is answered like a lookup", func(t *testing.T) {
		q, err := ParseQuestion("A team asks how long CloudTrail keeps events in its event history?")
		if err != nil {
			t.Fatal(err)
		}
		ans, err := ix.Ask(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if ans.Chosen != "" || ans.Decided || ans.Note != NoteNoOptions || len(ans.Options) != 0 {
			t.Errorf("answer %+v, want no choice and NoteNoOptions", ans)
		}
		if len(ans.Sections) == 0 || !strings.HasPrefix(ans.Sections[0].ID, "4_3") {
			t.Errorf("sections %v, want CloudTrail first", ids(ans.Sections))
		}
	})
	t.Run("options the notes know nothing about are undecided", func(t *testing.T) {
		ans, err := ix.Ask(ctx, Question{Text: "Quel service choisir pour stocker les fichiers ?", Options: []Option{{"A", "Utiliser un seau"}, {"B", "Utiliser un disque"}}})
		if err != nil {
			t.Fatal(err)
		}
		if ans.Decided || ans.Covered || ans.Confidence != 0 || len(ans.Chosen) != 1 || ans.Note != NoteNoEvidence || len(ans.Options) != 2 {
			t.Errorf("answer %+v, want an undecided guess with a note", ans)
		}
	})
	t.Run("identical options are undecided", func(t *testing.T) {
		ans, err := ix.Ask(ctx, Question{Text: "How should CloudFormation wait for the instances to finish installing?", Options: []Option{{"A", "cfn-signal with a CreationPolicy"}, {"B", "cfn-signal with a CreationPolicy"}}})
		if err != nil {
			t.Fatal(err)
		}
		if ans.Decided {
			t.Errorf("decided between identical options: %+v", ans)
		}
	})
	t.Run("options without a question still get an answer", func(t *testing.T) {
		ans, err := ix.Ask(ctx, Question{Options: []Option{{"A", "Kinesis Data Firehose"}, {"B", "CodeCommit"}}})
		if err != nil {
			t.Fatal(err)
		}
		if ans.Decided {
			t.Errorf("decided without a scenario: %+v", ans)
		}
	})
	t.Run("empty question is ErrEmptyQuery", func(t *testing.T) {
		if _, err := ix.Ask(ctx, Question{Text: "  the of a "}); !errors.Is(err, ErrEmptyQuery) {
			t.Errorf("err = %v, want ErrEmptyQuery", err)
		}
	})
	t.Run("oversized questions are refused", func(t *testing.T) {
		many := make([]Option, 50)
		for i := range many {
			many[i] = Option{Key: string(rune('A' + i%26)), Text: "option"}
		}
		if _, err := ix.Ask(ctx, Question{Text: "Which?", Options: many}); !errors.Is(err, ErrTooManyOptions) {
			t.Errorf("50 options: err = %v, want ErrTooManyOptions", err)
		}
		long := strings.Repeat("cloudformation stack ", 1000)
		if _, err := ix.Ask(ctx, Question{Text: long}); !errors.Is(err, ErrQuestionTooLong) {
			t.Errorf("20 KB: err = %v, want ErrQuestionTooLong", err)
		}
	})
	t.Run("answers are the same on every run", func(t *testing.T) {
		first, err := ix.Ask(ctx, sixtyWordQuestion)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := json.Marshal(first)
		for range 10 {
			a, err := ix.Ask(ctx, sixtyWordQuestion)
			if err != nil {
				t.Fatal(err)
			}
			if got, _ := json.Marshal(a); string(got) != string(want) {
				t.Fatalf("answer changed between runs:\n%s\n%s", got, want)
			}
		}
	})
	t.Run("cancelled context", func(t *testing.T) {
		c, cancel := context.WithCancel(ctx)
		cancel()
		_, err := ix.Ask(c, Question{Text: "lambda retries", Options: []Option{{"A", "two"}, {"B", "three"}}})
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", err)
		}
	})
	t.Run("JSON has the documented shape", func(t *testing.T) {
		ans, err := ix.Ask(ctx, Question{Text: "Which service records configuration history and checks compliance?", Options: []Option{{"A", "AWS Config"}, {"B", "AWS X-Ray"}}})
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(ans)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"chosen", "confidence", "options", "sections"} {
			if _, ok := m[k]; !ok {
				t.Errorf("JSON lacks %q: %s", k, b)
			}
		}
		o := m["options"].([]any)[0].(map[string]any)
		keys := slices.Sorted(func(yield func(string) bool) {
			for k := range o {
				if !yield(k) {
					return
				}
			}
		})
		if !slices.Equal(keys, []string{"evidence", "key", "score", "text"}) {
			t.Errorf("option keys %v", keys)
		}
		if ev := o["evidence"].([]any); len(ev) > 0 {
			var ek []string
			for k := range ev[0].(map[string]any) {
				ek = append(ek, k)
			}
			sort.Strings(ek)
			if !slices.Equal(ek, []string{"cover", "fact", "id", "path"}) {
				t.Errorf("evidence keys %v", ek)
			}
		}
	})
}

func ids(hits []Hit) []string {
	var out []string
	for _, h := range hits {
		out = append(out, h.ID)
	}
	return out
}

// sixtyWordQuestion is a 60-word scenario with four options, the size of a
// real practice question.
var sixtyWordQuestion = Question{
	Text: "A company runs a web application on EC2 instances in an Auto Scaling group behind an Application Load Balancer. " +
		"During scale-in events the application logs stored on the instances are lost before they can be copied to S3. " +
		"The operations team wants every terminating instance to wait until a script has uploaded its logs. " +
		"What should the team configure to meet this requirement with the least effort?",
	Options: []Option{
		{"A", "A lifecycle hook for instance termination, with a CloudWatch Events rule that invokes a Lambda function"},
		{"B", "Scale-in protection on every instance, with a cron job that ships the logs nightly"},
		{"C", "Suspend the Terminate process until a scheduled Lambda function has copied the logs"},
		{"D", "A termination policy of OldestInstance with a larger instance type"},
	},
}

// BenchmarkAsk answers a 60-word question with four options and reports
// the 99th percentile latency.
func BenchmarkAsk(b *testing.B) {
	ix := mustDefault(b)
	ctx := context.Background()
	if _, err := ix.Ask(ctx, sixtyWordQuestion); err != nil { // builds the fact index
		b.Fatal(err)
	}
	var lat []time.Duration
	b.ReportAllocs()
	for b.Loop() {
		start := time.Now()
		if _, err := ix.Ask(ctx, sixtyWordQuestion); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(start))
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
}

func BenchmarkParseQuestion(b *testing.B) {
	text := sixtyWordQuestion.Text
	for _, o := range sixtyWordQuestion.Options {
		text += "\n" + o.Key + ") " + o.Text
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseQuestion(text); err != nil {
			b.Fatal(err)
		}
	}
}

func TestTopFacts(t *testing.T) {
	for n := range 30 {
		for _, k := range []int{1, 3, 5} {
			var facts []scoredFact
			for i := range n {
				facts = append(facts, scoredFact{fact: int32(i), score: float64((i * 7919) % 11)})
			}
			want := slices.Clone(facts)
			sort.SliceStable(want, func(a, b int) bool { return want[a].score > want[b].score })
			if len(want) > k {
				want = want[:k]
			}
			if got := topFacts(facts, k); !slices.Equal(got, want) {
				t.Fatalf("n=%d k=%d: got %v, want %v", n, k, got, want)
			}
		}
	}
}

func TestAskConcurrent(t *testing.T) {
	d, err := notes.Default()
	if err != nil {
		t.Fatal(err)
	}
	ix, err := Build(d) // fresh index: the fact index is built by the first callers, concurrently
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	// Several questions at once: the scorers' scratch slices come from a
	// pool, so each answer must be what the question gets on its own.
	qs := []Question{sixtyWordQuestion}
	for _, it := range mustLoadEval(t, "testdata/dev.jsonl") {
		if len(it.Options) > 0 && len(qs) < 4 {
			qs = append(qs, Question{Text: it.Query, Options: sortedOptions(it.Options)})
		}
	}
	type result struct {
		q   int
		ans Answer
		err error
	}
	res := make(chan result, 8*len(qs))
	for g := range 8 {
		go func() {
			for k := range qs {
				q := (g + k) % len(qs)
				ans, err := ix.Ask(context.Background(), qs[q])
				res <- result{q, ans, err}
			}
		}()
	}
	got := make([]result, 0, 8*len(qs))
	for range 8 * len(qs) {
		got = append(got, <-res)
	}
	for _, r := range got {
		if r.err != nil {
			t.Fatal(r.err)
		}
		want, err := ix.Ask(context.Background(), qs[r.q])
		if err != nil {
			t.Fatal(err)
		}
		if r.ans.Chosen != want.Chosen || r.ans.Confidence != want.Confidence || !reflect.DeepEqual(r.ans.Options, want.Options) {
			t.Errorf("question %d asked concurrently: %s %.3f %v, alone: %s %.3f %v", r.q, r.ans.Chosen, r.ans.Confidence, r.ans.Options, want.Chosen, want.Confidence, want.Options)
		}
	}
}

// TestAskOptionOrder checks that the choice follows the option, not its
// letter: the dev questions with their options in reverse order get the
// same option text chosen.
func TestAskOptionOrder(t *testing.T) {
	ix := mustDefault(t)
	ctx := context.Background()
	for _, it := range mustLoadEval(t, "testdata/dev.jsonl") {
		if len(it.Options) == 0 {
			continue
		}
		opts := sortedOptions(it.Options)
		a, err := ix.Ask(ctx, Question{Text: it.Query, Options: opts})
		if err != nil {
			t.Fatal(err)
		}
		rev := make([]Option, len(opts))
		for i, o := range opts {
			rev[len(opts)-1-i] = Option{Key: string(rune('A' + len(opts) - 1 - i)), Text: o.Text}
		}
		b, err := ix.Ask(ctx, Question{Text: it.Query, Options: rev})
		if err != nil {
			t.Fatal(err)
		}
		if optionText(a) != optionText(b) {
			t.Errorf("%s: chose %q, reversed %q", it.ID, optionText(a), optionText(b))
		}
	}
}

func optionText(a Answer) string {
	for _, o := range a.Options {
		if o.Key == a.Chosen {
			return o.Text
		}
	}
	return ""
}

// BenchmarkFactIndex builds the answerer's fact index, the one-time cost
// of the first Ask.
func BenchmarkFactIndex(b *testing.B) {
	ix := mustDefault(b)
	b.ReportAllocs()
	for b.Loop() {
		newFactIndex(ix.docs, ix.al.expand)
	}
}

func TestSentences(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"One short line.", []string{"One short line."}},
		{"AWS Config records the configuration of resources over time. It also checks them against rules you define.",
			[]string{"AWS Config records the configuration of resources over time.", "It also checks them against rules you define."}},
		{"Use e.g. S3. Then more text follows here in the same paragraph.", []string{"Use e.g. S3. Then more text follows here in the same paragraph."}},
		{"Version 1.2 is out and the build number went up by one again. Next.", []string{"Version 1.2 is out and the build number went up by one again.", "Next."}},
	}
	for _, tt := range tests {
		if got := sentences(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("sentences(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestAddTerm(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"lambda", []string{"lambda"}},
		{"canary10", []string{"10", "canary", "canary10"}},
		{"8h", []string{"8", "8h", stem.Word("hours")}},
		{"15min", []string{"15", "15min", stem.Word("minutes")}},
		{"ten", []string{"10", "ten"}},
		{"10gb", []string{"10gb"}},
		{"x509", []string{"509", "x", "x509"}},
	}
	for _, tt := range tests {
		m := map[string]bool{}
		addTerm(m, tt.in)
		if got := slices.Sorted(maps.Keys(m)); !slices.Equal(got, tt.want) {
			t.Errorf("addTerm(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestQuotesNameTheOption checks that the fact quoted for an option is the
// one that states it, even when a fact closer to the scenario that shares
// only one of its words casts the larger vote.
func TestQuotesNameTheOption(t *testing.T) {
	d := mustParse(t, "cfn", "# CloudFormation\n\n## Templates\n\n"+
		"- Mappings match keys to values, such as an AMI ID for each region, read with Fn::FindInMap\n\n"+
		"## Instances\n\n"+
		"- An EC2 instance that a template launches in a region takes its AMI ID and instance type from the template\n")
	fx := newFactIndex([]*notes.Document{d}, nil)
	opts := []Option{{"A", "Mappings keyed by region, read with Fn::FindInMap"}, {"B", "A parameter with a list of values"}}
	scenario := "A template launches an EC2 instance in several regions and needs the right AMI ID and instance type in each region."
	sup := fx.scoreOptions(fx.termSet(scenario), opts, fx.optionTermSets(opts), nil, nil, defaultAskParams)
	text := func(fs []scoredFact) string {
		if len(fs) == 0 {
			return ""
		}
		return fx.facts[fs[0].fact].text
	}
	if got := text(sup[0].quotes); !strings.HasPrefix(got, "Mappings") {
		t.Errorf("quoted for A: %q, want the Mappings fact", got)
	}
	// The example is the case above only while the vote prefers the
	// other fact.
	if got := text(sup[0].evidence); !strings.HasPrefix(got, "An EC2 instance") {
		t.Errorf("largest vote for A: %q, want the EC2 instance fact (the example no longer shows the case)", got)
	}
}

// The answer scorers match alias forms that hold stop words ("at the same
// time") as the search does: the stop words are dropped after matching.
func TestAskTermsMatchStopWordForms(t *testing.T) {
	al, err := parseAliases([]byte("simultaneous | in parallel | at the same time\n"))
	if err != nil {
		t.Fatal(err)
	}
	fx := &factIndex{expand: al.expand}
	for _, text := range []string{"both jobs run at the same time", "runs builds in parallel"} {
		terms := fx.termSet(text)
		if !terms["_simultaneous"] {
			t.Errorf("termSet(%q) = %v, want the class term _simultaneous", text, terms)
		}
		for _, stop := range []string{"at", "the", "in"} {
			if terms[stop] {
				t.Errorf("termSet(%q) holds the stop word %q", text, stop)
			}
		}
	}
	if terms := (&factIndex{expand: dropStops}).termSet("run at the build"); terms["at"] || terms["the"] || !terms["build"] {
		t.Errorf("termSet without aliases = %v, want the words without stop words", terms)
	}
}

// Exam wordings of ideas the notes name otherwise share an alias class
// term ("_dashboard") with the notes' wording through the embedded
// aliases, so the answer scorers and the search can link them.
func TestEverydayParaphrases(t *testing.T) {
	fx := mustDefault(t).factIndex()
	for _, c := range []struct{ exam, notes string }{
		{"one screen on the office wall", "Can be added to dashboard"},
		{"must use the computed price in the same request", "invoke a function synchronously"},
		{"SQL injection attempts", "common web exploits"},
		{"a release manager must sign off first", "Approval"},
		{"the job calls PutMetricData", "Can also create Custom Metrics"},
		{"writes exceeded what one shard accepts", "maximum number of resources"},
	} {
		exam, notes := fx.termSet(c.exam), fx.termSet(c.notes)
		shared := false
		for term := range exam {
			shared = shared || strings.HasPrefix(term, "_") && notes[term]
		}
		if !shared {
			t.Errorf("%q and %q share no class term: %v, %v", c.exam, c.notes, exam, notes)
		}
	}
}

func TestOrderQuotes(t *testing.T) {
	// Facts 0-4; fact i lies in section secs[i].
	secs := []int32{0, 1, 1, 2, 3}
	fx := &factIndex{}
	for _, s := range secs {
		fx.facts = append(fx.facts, askFact{seci: s})
	}
	q := func(fact int32, score float64) scoredFact { return scoredFact{fact, score} }
	ids := func(qs [][]scoredFact) [][]int32 {
		out := make([][]int32, len(qs))
		for i, o := range qs {
			for _, f := range o {
				out[i] = append(out[i], f.fact)
			}
		}
		return out
	}
	for _, c := range []struct {
		name   string
		w      float64
		quotes [][]scoredFact
		want   [][]int32
	}{
		{"no weight: unchanged", 0,
			[][]scoredFact{{q(0, 1), q(1, 0.8)}, {q(2, 0.5)}},
			[][]int32{{0, 1}, {2}}},
		{"a section quoted for the other option too comes first", 2,
			[][]scoredFact{{q(0, 1), q(1, 0.8)}, {q(2, 0.5)}},
			[][]int32{{1, 0}, {2}}},
		{"too far behind to come first", 2,
			[][]scoredFact{{q(0, 1), q(1, 0.3)}, {q(2, 0.5)}},
			[][]int32{{0, 1}, {2}}},
		{"shared by one of two other options: half the weight", 2,
			[][]scoredFact{{q(0, 1), q(1, 0.45)}, {q(2, 0.5)}, {q(4, 0.5)}},
			[][]int32{{0, 1}, {2}, {4}}},
		{"shared by both other options", 2,
			[][]scoredFact{{q(0, 1), q(3, 0.45)}, {q(3, 0.5)}, {q(3, 0.4)}},
			[][]int32{{3, 0}, {3}, {3}}},
		{"equal scores: the earlier fact first", 1,
			[][]scoredFact{{q(4, 1), q(2, 0.5)}, {q(1, 0.5)}, {q(2, 1)}},
			[][]int32{{2, 4}, {1}, {2}}},
		{"one option: unchanged", 2,
			[][]scoredFact{{q(0, 1), q(1, 0.8)}},
			[][]int32{{0, 1}}},
	} {
		sup := make([]optionSupport, len(c.quotes))
		for i, qs := range c.quotes {
			sup[i].quotes = qs
		}
		fx.orderQuotes(sup, c.w)
		for i := range sup {
			c.quotes[i] = sup[i].quotes
		}
		if got := ids(c.quotes); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: got %v, want %v", c.name, got, c.want)
		}
	}
}

func TestAuthorsTodo(t *testing.T) {
	for _, tt := range []struct {
		text string
		want bool
	}{
		{"TODO: play with gateway stages, variables, lambda alias and versions", true},
		{"todo", true},
		{"Todo - look at the drawings", true},
		{"Todoist integration posts to the channel", false},
		{"To do this, create a stack policy", false},
		{"Canary deployments shift 10% first", false},
		{"", false},
	} {
		if got := authorsTodo(tt.text); got != tt.want {
			t.Errorf("authorsTodo(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
}
