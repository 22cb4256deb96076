package bot

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/devopsbot/devopsbot/index"
)

// examQuestion is an exam question as people paste it: a long scenario
// and options of a full sentence each.
func examQuestion() (index.Question, index.Answer) {
	q := index.Question{
		Text: "A company wants to use CodeDeploy to deploy an application to 400 servers in its own data center. " +
			"The security team does not allow long-term access keys stored on the servers, and the solution must scale " +
			"to more servers being added over time. How should the DevOps engineer register the on-premises servers?",
		Options: []index.Option{
			{Key: "A", Text: "Create an IAM user for each server, store the user's access key in the CodeDeploy agent configuration file, and register each server with the register command."},
			{Key: "B", Text: "Create an IAM role for the servers, have each server obtain temporary credentials through AWS STS, and register each server with the register-on-premises-instance command."},
			{Key: "C", Text: "Create one IAM user with permissions for CodeDeploy, copy its access key to all servers, and register the servers in bulk with a shared name prefix."},
			{Key: "D", Text: "Install the CodeDeploy agent on the servers and add the servers to a Systems Manager hybrid activation, which registers them with CodeDeploy automatically."},
		},
	}
	onPrem := []string{"Services", "CodeDeploy", "How it works", "On-prem Deploys"}
	ev := func(fact string) []index.Evidence {
		return []index.Evidence{{ID: "6_1_3/on-prem-deploys", Path: onPrem, Fact: fact, Cover: 1}}
	}
	a := index.Answer{Chosen: "B", RunnerUp: "A", Covered: true, Decided: true, Confidence: 0.66}
	for _, o := range q.Options {
		s := index.OptionScore{Key: o.Key, Text: o.Text, Evidence: ev("Configure each on-premise instance, register it with CodeDeploy, and then tag it. › Can create IAM User per instance › Needs configuration file with AK/SAK")}
		if o.Key == "B" {
			s.Evidence = ev("Configure each on-premise instance, register it with CodeDeploy, and then tag it. › Use an IAM role and AWS STS to obtain periodically refreshed temporary credentials for each instance")
		}
		a.Options = append(a.Options, s)
	}
	for _, p := range [][]string{onPrem, {"Services", "CodeDeploy", "Overview"}, {"Services", "CloudWatch", "Overview"}, {"Services", "OpsWorks Stacks", "Overview"}} {
		id := strings.ToLower(p[len(p)-1])
		if len(p) == len(onPrem) {
			id = "6_1_3/on-prem-deploys"
		}
		a.Sections = append(a.Sections, index.Hit{ID: id, Title: p[len(p)-1], Path: p})
	}
	return q, a
}

func TestAskTextIsShortAndSaysEachOptionOnce(t *testing.T) {
	q, decided := examQuestion()
	guess := decided
	guess.Decided, guess.Covered, guess.Note, guess.Confidence = false, false, index.NoteNotCovered, 0.3
	guess.Technique = []string{"a managed or automatic feature does the work"}
	undecided := decided
	undecided.Decided, undecided.Note, undecided.Confidence, undecided.Chosen = false, index.NoteUndecided, 0.45, "BD"
	for name, a := range map[string]index.Answer{"decided": decided, "not covered": guess, "undecided, choose two": undecided} {
		t.Run(name, func(t *testing.T) {
			got := AskText(q, a, AskTextOptions{})
			if n := strings.Count(got, "\n") + 1; n > 6 {
				t.Errorf("%d lines, want at most 6:\n%s", n, got)
			}
			if n := utf8.RuneCountInString(got); n > 700 {
				t.Errorf("%d characters, want at most 700:\n%s", n, got)
			}
			if strings.Contains(got, q.Text[:40]) {
				t.Errorf("reply echoes the question the user just pasted:\n%s", got)
			}
			for _, o := range q.Options {
				if strings.Contains(got, o.Text) {
					t.Errorf("reply repeats option %s's full text:\n%s", o.Key, got)
				}
			}
			if !strings.Contains(got, "B (Create an IAM role for the…)") {
				t.Errorf("reply does not name B by letter and short label:\n%s", got)
			}
			if _, src, _ := strings.Cut(got, "Sources: "); strings.Contains(src, "On-prem Deploys") {
				t.Errorf("reply names the quoted section again under Sources:\n%s", got)
			}
			if strings.Contains(got, "Services ›") || strings.Contains(got, "How it works") {
				t.Errorf("reply shows whole breadcrumbs, want short paths:\n%s", got)
			}
		})
	}
}

func TestAskSharedInChannelNamesTheQuestionBelow(t *testing.T) {
	q, a := examQuestion()
	r := renderAsk(q, a, q.Text, view{public: true, sharedBy: "U7"})
	checkSlackLimits(t, r)
	got := blocksText(r)
	shared := strings.Index(got, "Shared by <@U7> · question: A company wants to use CodeDeploy")
	if !strings.HasPrefix(got, "*Answer: B") || shared < 0 {
		t.Errorf("want the verdict first and a short line of the question below it:\n%s", got)
	}
	if strings.Contains(got, q.Text) {
		t.Errorf("shared reply repeats the whole question:\n%s", got)
	}
	if fb := r.slack().Text; !strings.Contains(fb, "Answer: B") {
		t.Errorf("notification text %q lacks the verdict", fb)
	}
}

func TestChosenLabels(t *testing.T) {
	q, a := examQuestion()
	for chosen, want := range map[string]string{
		"B":   "B (Create an IAM role for the…)",
		"BD":  "B (Create an IAM role for the…) and D (Install the CodeDeploy agent on…)",
		"ABD": "A (Create an IAM user for each…), B (Create an IAM role for the…) and D (Install the CodeDeploy agent on…)",
	} {
		a.Chosen = chosen
		if got := chosenLabels(a, q); got != want {
			t.Errorf("chosenLabels(%s) = %q, want %q", chosen, got, want)
		}
	}
}

func TestConfidenceLabel(t *testing.T) {
	tests := []struct {
		c    float64
		want string
	}{
		{0.95, "high confidence"}, {0.85, "high confidence"}, {0.84, "good confidence"}, {0.7, "good confidence"},
		{0.63, "fair confidence"}, {0.55, "fair confidence"}, {0.5, "low confidence"}, {0.39, "very low confidence"}, {0, "very low confidence"},
	}
	for _, tt := range tests {
		if got := confidenceLabel(tt.c); got != tt.want {
			t.Errorf("confidenceLabel(%v) = %q, want %q", tt.c, got, tt.want)
		}
	}
}

func TestCutWords(t *testing.T) {
	tests := []struct {
		s    string
		n    int
		want string
	}{
		{"Use a stack policy", 32, "Use a stack policy"},
		{"Configure a dead-letter queue for the source queue", 32, "Configure a dead-letter queue…"},
		{"Create X-Ray sampling rules: a higher-priority rule", 32, "Create X-Ray sampling rules…"},
		{"Clone the environment, deploy the new version", 32, "Clone the environment…"},
		{"Supercalifragilisticexpialidocious words", 10, "Supercalif…"},
	}
	for _, tt := range tests {
		if got := cutWords(tt.s, tt.n); got != tt.want {
			t.Errorf("cutWords(%q, %d) = %q, want %q", tt.s, tt.n, got, tt.want)
		}
	}
}

func TestShortPath(t *testing.T) {
	tests := []struct {
		path []string
		want string
	}{
		{[]string{"Services", "CodeDeploy", "How it works", "On-prem Deploys"}, "CodeDeploy › On-prem Deploys"},
		{[]string{"Concepts", "Deployment Strategies", "Blue/green deployment"}, "Deployment Strategies › Blue/green deployment"},
		{[]string{"Services", "Kinesis"}, "Services › Kinesis"},
		{nil, "Title"},
	}
	for _, tt := range tests {
		if got := shortPath(tt.path, "Title"); got != tt.want {
			t.Errorf("shortPath(%q) = %q, want %q", tt.path, got, tt.want)
		}
	}
}

func TestFactSentence(t *testing.T) {
	tests := []struct{ fact, want string }{
		{"Instance › Servers have to exist and to be pre-assigned to be load-based.", "Servers have to exist and to be pre-assigned to be load-based."},
		{"DeletionPolicy › Snapshot › Some resourcetypes only › AWS::RDS::DBInstance", "Some resourcetypes only › AWS::RDS::DBInstance"},
		{"Instance › Can run › 24/7", "Instance › Can run › 24/7"},
		{"A sentence on its own, without bullets above it.", "A sentence on its own, without bullets above it."},
	}
	for _, tt := range tests {
		if got := factSentence(tt.fact); got != tt.want {
			t.Errorf("factSentence(%q) = %q, want %q", tt.fact, got, tt.want)
		}
	}
}

// TestAskSourcesLeaveOutFarSections checks that the Sources line leaves
// out sections the search ranks far below the best one, but keeps the
// answer's first section.
func TestAskSourcesLeaveOutFarSections(t *testing.T) {
	q, a := examQuestion()
	scores := []float64{0.2, 0.92, 0.14, 0.5}
	for i := range a.Sections {
		a.Sections[i].Score = scores[i]
	}
	// The quoted fact's section (the first) is cited, so the sources are
	// the other three: 0.92 and 0.5 stay, 0.14 (under 0.3 of 0.92) goes.
	got := AskText(q, a, AskTextOptions{})
	for _, want := range []string{"CodeDeploy › Overview", "OpsWorks Stacks › Overview"} {
		if !strings.Contains(got, want) {
			t.Errorf("reply lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "CloudWatch › Overview") {
		t.Errorf("reply lists a section at 0.14 of the best:\n%s", got)
	}
	// A guess without a quote keeps its first section, however low.
	a.Decided, a.Note = false, index.NoteUndecided
	for i := range a.Options {
		a.Options[i].Evidence[0].Cover = 0
	}
	got = AskText(q, a, AskTextOptions{})
	if !strings.Contains(got, "On-prem Deploys") {
		t.Errorf("reply lacks the answer's first section:\n%s", got)
	}
}

func TestOptionLabelTellsOptionsApart(t *testing.T) {
	q := index.Question{Text: "How should the migration run once per deployment?"}
	a := index.Answer{Chosen: "D", Options: []index.OptionScore{
		{Key: "A", Text: "Add the migration to the commands section of a .ebextensions file, so that it runs first"},
		{Key: "B", Text: "Run the migration from a worker environment that reads from SQS"},
		{Key: "C", Text: "Add the migration to the instances' user data through the launch template"},
		{Key: "D", Text: "Add the migration to container_commands in a .ebextensions file and set leader_only"},
	}}
	for key, want := range map[string]string{
		"B": "Run the migration from a worker…",
		"D": "Add the migration to container_commands in a…",
		"A": "Add the migration to the commands section of a…",
	} {
		if got := optionLabel(a, q, key); got != want {
			t.Errorf("optionLabel(%s) = %q, want %q", key, got, want)
		}
	}
	same := index.Answer{Options: []index.OptionScore{
		{Key: "A", Text: strings.Repeat("word ", 40) + "one"},
		{Key: "B", Text: strings.Repeat("word ", 40) + "two"},
	}}
	if got := optionLabel(same, q, "A"); utf8.RuneCountInString(got) > maxDistinctLabelRunes+1 {
		t.Errorf("label of options alike for %d runes is %d runes long, want at most %d", 200, utf8.RuneCountInString(got), maxDistinctLabelRunes+1)
	}
}
