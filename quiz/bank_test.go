package quiz

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/devopsbot/devopsbot/notes"
)

func TestLoadBankGoodFile(t *testing.T) {
	d := mustDefault(t)
	data, err := os.ReadFile("testdata/bank.yaml")
	if err != nil {
		t.Fatal(err)
	}
	fsys := fstest.MapFS{"bank.yaml": {Data: data}}
	qs, err := LoadBank(fsys, []*notes.Document{d}, "bank.yaml")
	if err != nil {
		t.Fatalf("LoadBank: %v", err)
	}
	if len(qs) != 3 {
		t.Fatalf("LoadBank = %d questions, want 3", len(qs))
	}
	want := []struct {
		id      string
		correct int
		section string
		domains []int
	}{
		{"cfn-no-stack-policy", 0, "4_2_2_2/stack-policy", []int{2}},
		{"", 1, "4_13_1_2", []int{3, 6}},
		{"", 0, "3_3_2_5", []int{2, 6}},
	}
	for i, w := range want {
		q := qs[i]
		if w.id != "" && q.ID != w.id {
			t.Errorf("question %d: id %q, want %q", i, q.ID, w.id)
		}
		if q.ID == "" || q.Kind != KindRecall || q.Bank != "bank.yaml" || q.Correct != w.correct || q.Source.Section != w.section ||
			!slices.Equal(q.Domains, w.domains) || len(q.Source.Path) == 0 || q.Source.Doc != d.Name {
			t.Errorf("question %d = %+v, want correct %d, section %s, domains %v", i, q, w.correct, w.section, w.domains)
		}
		if p := Problems(q); len(p) > 0 {
			t.Errorf("question %d: %v", i, p)
		}
	}
	again, _ := LoadBank(fsys, []*notes.Document{d}, "bank.yaml")
	if again[1].ID != qs[1].ID {
		t.Error("default ID changes between loads")
	}
	pool := Pool([]*notes.Document{d}, qs)
	if n := len(pool); n != len(Generate(d))+3 {
		t.Errorf("Pool = %d questions, want generated + 3", n)
	}
}

func TestLoadBankListsEveryProblem(t *testing.T) {
	d := mustDefault(t)
	fsys := fstest.MapFS{
		"syntax.yaml": {Data: []byte("questions:\n  - stem: ok\n    options: [a, b\n")},
		"fields.yaml": {Data: []byte(`questions:
  - stem: Which one?
    options: [Alpha, Beta]
    section: 4_2_4
  - options: [Alpha, Beta]
    correct: A
    section: 4_2_4
  - stem: Which two?
    options:
      - text: Alpha
        correct: true
      - text: Beta
        correct: true
    section: 4_2_4
  - stem: Which section?
    options: [Alpha, Beta]
    correct: B
    section: 9_9_9
  - stem: Too few?
    options: [Alpha]
    correct: A
    section: 4_2_4
  - stem: Bad letter?
    options: [Alpha, Beta]
    correct: E
    section: 4_2_4
  - stem: Bad domain?
    options: [Alpha, Beta]
    correct: A
    section: 4_2_4
    domains: [7]
  - stem: Typo field?
    optoins: [Alpha, Beta]
    correct: A
    section: 4_2_4
  - stem: Same options?
    options: [Alpha, alpha]
    correct: A
    section: 4_2_4
  - stem: List of correct?
    options: [Alpha, Beta]
    correct: [A, B]
    section: 4_2_4
  - stem: Markup in **bold**?
    options: [Alpha, Beta]
    correct: A
    section: 4_2_4
`)},
		"dup1.yaml": {Data: []byte("- id: same\n  stem: One?\n  options: [Alpha, Beta]\n  correct: A\n  section: 4_2_4\n")},
		"dup2.yaml": {Data: []byte("- id: same\n  stem: Two?\n  options: [Alpha, Beta]\n  correct: A\n  section: 4_2_4\n")},
	}
	qs, err := LoadBank(fsys, []*notes.Document{d}, "syntax.yaml", "fields.yaml", "dup1.yaml", "dup2.yaml", "missing.yaml")
	var be *BankError
	if !errors.As(err, &be) || !errors.Is(err, ErrBank) {
		t.Fatalf("LoadBank error = %v, want *BankError matching ErrBank", err)
	}
	want := []string{
		"syntax.yaml:2: bad YAML",
		"fields.yaml:2: missing field correct",
		"fields.yaml:5: missing field stem",
		"fields.yaml:12: two correct options",
		"fields.yaml:18: unknown section \"9_9_9\"",
		"fields.yaml:20: 1 options, want 2-5",
		"fields.yaml:25: correct \"E\" is neither",
		"fields.yaml:31: domain 7 is not 1-6",
		"fields.yaml:33: unknown field \"optoins\"",
		"fields.yaml:32: missing field options",
		"fields.yaml:37: options A and B are the same",
		"fields.yaml:42: two correct options but the stem does not say (Choose two.)",
		"fields.yaml:44: leftover markup",
		"dup2.yaml:1: id \"same\" already used at dup1.yaml:1",
		"missing.yaml:0: cannot read",
	}
	var got []string
	for _, p := range be.Problems {
		got = append(got, p.String())
	}
	if len(got) != len(want) {
		t.Errorf("%d problems, want %d:\n%s", len(got), len(want), strings.Join(got, "\n"))
	}
	for _, w := range want {
		if !slices.ContainsFunc(got, func(g string) bool { return strings.HasPrefix(g, w) }) {
			t.Errorf("no problem %q in:\n%s", w, strings.Join(got, "\n"))
		}
	}
	if len(qs) != 1 || qs[0].ID != "same" {
		t.Errorf("valid questions = %+v, want only dup1's", qs)
	}
}

func TestParseBankShapes(t *testing.T) {
	d := mustDefault(t)
	tests := []struct {
		name, data, want string
	}{
		{"empty", "", "empty file"},
		{"scalar", "hello\n", "want a list"},
		{"unknown top field", "questions: []\nextra: 1\n", "unknown field \"extra\""},
		{"questions not a list", "questions: {a: 1}\n", "must be a list"},
		{"question not a mapping", "- just text\n", "must be a mapping"},
		{"correct text matches", "- stem: S?\n  options: [Alpha, Beta]\n  correct: beta\n  section: 4_2_4\n", ""},
		{"doc that does not exist", "- stem: S?\n  options: [Alpha, Beta]\n  correct: A\n  section: 4_2_4\n  doc: other\n", "unknown section \"4_2_4\" in notes \"other\""},
		{"marked and letter disagree", "- stem: S?\n  options: [{text: Alpha, correct: true}, Beta]\n  correct: B\n  section: 4_2_4\n", "two correct options"},
		{"answer in stem", "- stem: Is Alpha right?\n  options: [Alpha, Beta]\n  correct: A\n  section: 4_2_4\n", "appears in the stem"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, probs := ParseBank("f.yaml", []byte(tt.data), []*notes.Document{d})
			if tt.want == "" {
				if len(probs) > 0 {
					t.Errorf("problems = %v, want none", probs)
				}
				return
			}
			if !slices.ContainsFunc(probs, func(p BankProblem) bool { return strings.Contains(p.Msg, tt.want) }) {
				t.Errorf("problems = %v, want one containing %q", probs, tt.want)
			}
		})
	}
}

func TestLoadBankScenarioFormat(t *testing.T) {
	d := mustDefault(t)
	data, err := os.ReadFile("testdata/bank-scenario.yaml")
	if err != nil {
		t.Fatal(err)
	}
	qs, probs := ParseBank("bank-scenario.yaml", data, []*notes.Document{d})
	if len(probs) > 0 || len(qs) != 2 {
		t.Fatalf("ParseBank = %d questions, problems %v; want 2, none", len(qs), probs)
	}
	eb, cfn := qs[0], qs[1]
	if eb.Kind != KindScenario || eb.Correct != 1 || eb.ChooseTwo() || len(eb.Wrong) != 4 || eb.Wrong[1] != "" ||
		!strings.HasPrefix(eb.Wrong[2], "Immutable") || eb.Quote == "" || !slices.Equal(eb.Domains, []int{1}) {
		t.Errorf("scenario question = %+v", eb)
	}
	if !cfn.ChooseTwo() || !slices.Equal(cfn.Right(), []int{0, 2}) || cfn.IsRight(0) || len(cfn.Also) != 1 || cfn.Also[0].Section != "4_2_3_1" {
		t.Errorf("choose-two question = %+v", cfn)
	}
}

func TestParseBankScenarioProblems(t *testing.T) {
	d := mustDefault(t)
	base := "- id: x\n  kind: scenario\n  stem: %s\n  options: [Rolling, All at once, Immutable, Blue/green]\n  correct: %s\n" +
		"  wrong: {%s}\n  section: 3_1\n  quote: %q\n"
	const stem, quote = "A team must deploy at no extra cost. Which strategy?", "Deployment Costs: no extra costs"
	tests := []struct {
		name, stem, correct, wrong, quote, want string
		warning                                 bool
	}{
		{"valid", stem, "A", "B: b, C: c, D: d", quote, "", false},
		{"quote missing from the section", stem, "A", "B: b, C: c, D: d", "costs nothing at all", "quote not found in section 3_1", false},
		{"quote spaced and cased differently", stem, "A", "B: b, C: c, D: d", "deployment   COSTS: no extra costs", "", false},
		{"two correct without choose two", stem, "[A, B]", "C: c, D: d", quote, "does not say (Choose two.)", false},
		{"choose two with one correct", stem + " (Choose two.)", "A", "B: b, C: c, D: d", quote, "says (Choose two.) but one", false},
		{"reason for the right option", stem, "A", "A: a, B: b, C: c, D: d", quote, "a correct option", false},
		{"reason missing", stem, "A", "B: b, C: c", quote, "no reason why D", true},
		{"heading path in the stem", "Concepts › Deployment Strategies, which one?", "A", "B: b, C: c, D: d", quote, "heading path", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := fmt.Sprintf(base, tt.stem, tt.correct, tt.wrong, tt.quote)
			qs, probs := ParseBank("f.yaml", []byte(data), []*notes.Document{d})
			if tt.want == "" {
				if len(probs) > 0 || len(qs) != 1 {
					t.Fatalf("problems = %v, want none", probs)
				}
				return
			}
			i := slices.IndexFunc(probs, func(p BankProblem) bool { return strings.Contains(p.Msg, tt.want) })
			if i < 0 {
				t.Fatalf("problems = %v, want one containing %q", probs, tt.want)
			}
			if probs[i].Warning != tt.warning || (len(qs) == 1) != tt.warning {
				t.Errorf("warning = %v with %d questions kept, want warning %v", probs[i].Warning, len(qs), tt.warning)
			}
		})
	}
}

func TestQuestionJSONCorrect(t *testing.T) {
	for _, q := range []Question{
		{ID: "one", Options: []string{"a", "b"}, Correct: 1},
		{ID: "two", Options: []string{"a", "b", "c"}, Correct: 0, Corrects: []int{0, 2}},
	} {
		b, err := json.Marshal(q)
		if err != nil {
			t.Fatal(err)
		}
		want := `"correct":1`
		if q.ChooseTwo() {
			want = `"correct":[0,2]`
		}
		if !strings.Contains(string(b), want) {
			t.Errorf("%s: JSON %s, want %s", q.ID, b, want)
		}
		var back Question
		if err := json.Unmarshal(b, &back); err != nil || back.Correct != q.Correct || !slices.Equal(back.Corrects, q.Corrects) {
			t.Errorf("%s: round trip = %+v, %v", q.ID, back, err)
		}
	}
}
