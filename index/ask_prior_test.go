package index

import (
	"errors"
	"slices"
	"testing"
)

func TestParsePriors(t *testing.T) {
	if _, err := parsePriors(defaultPriors); err != nil {
		t.Fatalf("embedded priors: %v", err)
	}
	for name, text := range map[string]string{
		"no kind":          "manually | cron\n",
		"unknown kind":     "hunch: manually\n",
		"need without =>":  "need: audit | cloudtrail\n",
		"empty phrase":     "effort: manually | | cron\n",
		"empty mechanism":  "need: audit =>\n",
		"punctuation only": "risky: --\n",
	} {
		t.Run(name+" is refused", func(t *testing.T) {
			if _, err := parsePriors([]byte(text)); !errors.Is(err, ErrPriors) {
				t.Errorf("parsePriors(%q) = %v, want ErrPriors", text, err)
			}
		})
	}
}

func TestHasPhrase(t *testing.T) {
	tests := []struct {
		text, phrase string
		want         bool
	}{
		{"Run a custom scripts job", "custom script", true},
		{"Run a custom-scripted job", "custom script", true},
		{"customer script", "custom script", false},
		{"a script that is custom", "custom script", false},
		{"Use AWS CloudTrail", "cloudtrail", true},
		{"", "cloudtrail", false},
	}
	for _, tt := range tests {
		if got := hasPhrase(priorWords(tt.text), priorWords(tt.phrase)); got != tt.want {
			t.Errorf("hasPhrase(%q, %q) = %v, want %v", tt.text, tt.phrase, got, tt.want)
		}
	}
}

func TestPriorSignals(t *testing.T) {
	p, err := parsePriors([]byte(`
effort: manually
effort: cron
managed: automatic
risky: root user
need: audit => cloudtrail
need: encrypt => kms
`))
	if err != nil {
		t.Fatal(err)
	}
	opts := []Option{
		{"A", "Record API calls with CloudTrail and encrypt the trail with KMS"},
		{"B", "Have an operator manually copy the logs every night"},
		{"C", "Sign in as the root user and review the logs"},
		{"D", "Turn on automatic encryption of the log bucket with KMS"},
	}
	got := p.priorSignals("The team must audit who changed the bucket and encrypt what it keeps.", opts)
	want := []optionPrior{{meets: 2, need: "audit"}, {effort: true}, {risky: true}, {managed: true, meets: 1, need: "encrypt"}}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("option %s: %+v, want %+v", opts[i].Key, got[i], want[i])
		}
	}
	t.Run("a mechanism every option names tells nothing apart", func(t *testing.T) {
		same := []Option{{"A", "CloudTrail to S3"}, {"B", "CloudTrail to CloudWatch Logs"}}
		for i, s := range p.priorSignals("Audit the API calls.", same) {
			if s.meets != 0 {
				t.Errorf("option %d meets %d, want 0", i, s.meets)
			}
		}
	})
	t.Run("no requirement in the scenario, nothing met", func(t *testing.T) {
		for i, s := range p.priorSignals("Deploy a new version.", opts) {
			if s.meets != 0 {
				t.Errorf("option %d meets %d, want 0", i, s.meets)
			}
		}
	})
}

func TestGuessScores(t *testing.T) {
	en := ensembleResult{score: []float64{0.3, 0.3, 0.3, 0.9}}
	g := guessScores(en, []optionPrior{{meets: 1}, {effort: true}, {managed: true}, {}}, false)
	if !(g[3] > g[0] && g[0] > g[2] && g[2] > g[1]) {
		t.Errorf("guess %v: want the notes' clear lead first, then the option meeting a requirement, then the managed one, then the one needing custom work", g)
	}
	tied := guessScores(ensembleResult{score: []float64{0.5, 0.5}}, []optionPrior{{meets: 5}, {meets: guessMeetsCap}}, false)
	if tied[0] != tied[1] {
		t.Errorf("meets above the cap counted: %v", tied)
	}
}

func TestTechnique(t *testing.T) {
	pri := []optionPrior{{effort: true}, {managed: true, meets: 1, need: "cross account"}, {}}
	got := technique(pri, choice{chosen: []int{1}, best: 1, runner: 0})
	want := []string{
		`it names a mechanism for the requirement "cross account"`,
		"a managed or automatic feature does the work",
		"it needs no custom code, schedule or manual step, unlike another option",
	}
	if !slices.Equal(got, want) {
		t.Errorf("technique = %q, want %q", got, want)
	}
	if got := technique(pri, choice{chosen: []int{0}, best: 0, runner: 1}); len(got) != 0 {
		t.Errorf("the option needing custom work: technique %q, want none", got)
	}
}

// TestNotesSettle checks that exam technique stays out of a question the
// notes settle: their first option's deciding fact names what sets it
// apart, and the runner-up's does not.
func TestNotesSettle(t *testing.T) {
	fx, _, ot, fact := ecsServiceFacts(t)
	en := ensembleResult{score: []float64{0.9, 0.6, 0.1}}
	pri := []optionPrior{{effort: true}, {managed: true, meets: 2}, {}}
	tests := []struct {
		name string
		sup  []optionSupport
		want bool
	}{
		{"deciding fact names the option, the runner-up has none", []optionSupport{{score: 1, evidence: fact("daemon")}, {score: 0.5}, {}}, true},
		{"both deciding facts name their option", []optionSupport{{score: 1, evidence: fact("daemon")}, {score: 0.5, evidence: fact("replica")}, {}}, false},
		{"the deciding fact is about another option", []optionSupport{{score: 1, evidence: fact("replica")}, {score: 0.5}, {}}, false},
		{"no evidence", []optionSupport{{score: 1}, {score: 0.5}, {}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			settled := fx.notesSettle(ot, tt.sup, en, 1)
			if settled != tt.want {
				t.Fatalf("notesSettle = %v, want %v", settled, tt.want)
			}
			g := guessScores(en, pri, settled)
			if first := choose(g, 1, false).best; settled && first != 0 {
				t.Errorf("settled, guess %v: exam technique outvoted the notes' first option", g)
			} else if !settled && first != 1 {
				t.Errorf("not settled, guess %v: want exam technique to favour the managed option meeting two requirements", g)
			}
		})
	}
}
