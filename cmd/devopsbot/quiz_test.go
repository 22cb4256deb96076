package main

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/devopsbot/devopsbot/index"
	"github.com/devopsbot/devopsbot/notes"
	"github.com/devopsbot/devopsbot/quiz"
)

func TestQuizJSONListsValidQuestions(t *testing.T) {
	out, errOut, code := runCLI(t, Config{}, "quiz", "--json", "--n", "1000")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var qs []quiz.Question
	if err := json.Unmarshal([]byte(out), &qs); err != nil {
		t.Fatalf("output is not a JSON array of questions: %v", err)
	}
	if len(qs) < 70 {
		t.Fatalf("%d questions, want at least 70", len(qs))
	}
	for _, q := range qs {
		if p := quiz.Problems(q); len(p) > 0 && q.Bank == "" {
			t.Errorf("%s: %v", q.ID, p)
		}
		if q.Source.Section == "" || len(q.Domains) == 0 || q.Kind == "" {
			t.Errorf("%s: missing source, domains or kind: %+v", q.ID, q)
		}
	}
}

func TestQuizHumanOutput(t *testing.T) {
	out, errOut, code := runCLI(t, Config{}, "quiz", "--n", "3", "--seed", "5")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if strings.Count(out, "  source: devops-engineer-professional#") != 3 || strings.Count(out, "  * ") < 3 ||
		!strings.Contains(out, "domains: ") || !strings.HasSuffix(out, "3 questions ("+out[strings.LastIndex(out, "(")+1:]) {
		t.Errorf("output:\n%s", out)
	}
	again, _, _ := runCLI(t, Config{}, "quiz", "--n", "3", "--seed", "5")
	if again != out {
		t.Error("same seed, different sample")
	}
	other, _, _ := runCLI(t, Config{}, "quiz", "--n", "3", "--seed", "6")
	if other == out {
		t.Error("seeds 5 and 6 printed the same sample")
	}
}

func TestQuizKindFilterAndBank(t *testing.T) {
	dir := t.TempDir()
	bank := filepath.Join(dir, "bank.yaml")
	if err := os.WriteFile(bank, []byte("- stem: Which service records API calls?\n  options: [CloudTrail, X-Ray]\n  correct: A\n  section: 4_3\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := runCLI(t, Config{Questions: []string{bank}}, "quiz", "--json", "--kind", "recall")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var all, qs []quiz.Question
	if err := json.Unmarshal([]byte(out), &all); err != nil {
		t.Fatal(err)
	}
	for _, q := range all {
		if q.Kind != "recall" {
			t.Errorf("--kind recall printed a %s question", q.Kind)
		}
		if q.Bank == bank {
			qs = append(qs, q)
		}
	}
	if len(qs) != 1 || qs[0].Options[qs[0].Correct] != "CloudTrail" {
		t.Errorf("bank questions = %+v", qs)
	}
}

func TestQuizCheck(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.yaml")
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(good, []byte("- stem: Which service records API calls?\n  options: [CloudTrail, X-Ray]\n  correct: A\n  section: 4_3\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, []byte("- stem: Two right?\n  options: [{text: A1, correct: true}, {text: B1, correct: true}]\n  section: 4_3\n- stem: Where?\n  options: [A1, B1]\n  correct: A\n  section: 99\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		args  []string
		code  int
		out   []string
		inErr string
	}{
		{"valid file", []string{good}, 0, []string{"ok: 1 question(s) in 1 file(s)"}, ""},
		{"every problem with file and line", []string{good, bad}, 1,
			[]string{bad + ":2: two correct options", bad + ":7: unknown section \"99\""}, "2 problem(s) in 2 file(s)"},
		{"missing file", []string{filepath.Join(dir, "nope.yaml")}, 1, []string{"nope.yaml:0: cannot read"}, "1 problem(s)"},
		{"no files", nil, 2, nil, "no bank files given"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, code := runCLI(t, Config{}, append([]string{"quiz", "check"}, tt.args...)...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d: %s%s", code, tt.code, out, errOut)
			}
			for _, w := range tt.out {
				if !strings.Contains(out, w) {
					t.Errorf("stdout lacks %q:\n%s", w, out)
				}
			}
			if !strings.Contains(errOut, tt.inErr) {
				t.Errorf("stderr lacks %q:\n%s", tt.inErr, errOut)
			}
		})
	}
}

func TestQuizBadFlags(t *testing.T) {
	for _, args := range [][]string{{"quiz", "--n", "-1"}, {"quiz", "extra"}, {"quiz", "--n", "x"}} {
		if _, _, code := runCLI(t, Config{}, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}

func TestQuizBadBankEntryIsSkippedWithAWarning(t *testing.T) {
	bank := filepath.Join(t.TempDir(), "bank.yaml")
	data := "- stem: Which service records API calls?\n  options: [CloudTrail, X-Ray]\n  correct: A\n  section: 4_3\n" +
		"- stem: Which one is broken?\n  options: [CloudTrail, X-Ray]\n  correct: Q\n  section: 4_3\n"
	if err := os.WriteFile(bank, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := runCLI(t, Config{Questions: []string{bank}}, "quiz", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var qs []quiz.Question
	if err := json.Unmarshal([]byte(out), &qs); err != nil {
		t.Fatal(err)
	}
	mine := 0
	for _, q := range qs {
		if q.Bank == bank {
			mine++
		}
	}
	if mine != 1 || !strings.Contains(errOut, "quiz bank question skipped") || !strings.Contains(errOut, `correct \"Q\"`) {
		t.Errorf("%d questions from the bank (want 1); stderr:\n%s", mine, errOut)
	}
}

var updateBankEval = flag.Bool("update-bank-eval", false, "rewrite index/testdata/bank_eval.jsonl from the embedded question bank")

// TestBankEvalFile keeps index/testdata/bank_eval.jsonl (the question bank
// as eval lines, which the index's calibration and sweeps read) equal to
// what `devopsbot quiz --format eval` prints for the embedded bank. After
// changing the bank: go test ./cmd/devopsbot -run BankEvalFile -update-bank-eval
func TestBankEvalFile(t *testing.T) {
	out, errOut, code := runCLI(t, Config{}, "quiz", "--format", "eval")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	items, err := index.ReadEval(strings.NewReader(out))
	if err != nil {
		t.Fatalf("output is not an eval file: %v", err)
	}
	doc, err := notes.Default()
	if err != nil {
		t.Fatal(err)
	}
	bank, err := quiz.LoadDefaultBank([]*notes.Document{doc})
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != len(bank) {
		t.Fatalf("%d eval items, want one per bank question (%d)", len(items), len(bank))
	}
	for _, it := range items {
		if it.Kind != "exam" || len(it.Options) < 2 || it.Correct == "" || len(it.Anchors) != 1 {
			t.Errorf("%s: incomplete item %+v", it.ID, it)
		}
		for _, k := range it.Correct {
			if _, ok := it.Options[string(k)]; !ok {
				t.Errorf("%s: key %q is not an option", it.ID, it.Correct)
			}
		}
	}
	path := filepath.Join("..", "..", "index", "testdata", "bank_eval.jsonl")
	if *updateBankEval {
		if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if got, err := os.ReadFile(path); err != nil || string(got) != out {
		t.Errorf("%s is not the bank's eval lines (err %v): run go test ./cmd/devopsbot -run BankEvalFile -update-bank-eval", path, err)
	}
}

func TestQuizEvalFormatOnlyBankQuestions(t *testing.T) {
	dir := t.TempDir()
	bank := filepath.Join(dir, "bank.yaml")
	if err := os.WriteFile(bank, []byte("- id: own-trail\n  stem: Which service records API calls?\n  options: [CloudTrail, X-Ray]\n  correct: A\n  section: 4_3\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := runCLI(t, Config{Notes: []string{"../../notes/devops-engineer-professional.md"}, Questions: []string{bank}}, "quiz", "--format", "eval")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	items, err := index.ReadEval(strings.NewReader(out))
	if err != nil || len(items) != 1 {
		t.Fatalf("items %+v, err %v; want only the bank's one question", items, err)
	}
	if it := items[0]; it.ID != "own-trail" || it.Query != "Which service records API calls?" || it.Correct != "A" ||
		it.Options["A"] != "CloudTrail" || it.Options["B"] != "X-Ray" || len(it.Anchors) != 1 || it.Anchors[0] != "4_3" {
		t.Errorf("item %+v", it)
	}
}
