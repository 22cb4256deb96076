package main

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const evalFixture = `{"id": "L1", "kind": "lookup", "query": "how big can a cloudformation template be", "anchors": ["4_2_4"]}
{"id": "L2", "kind": "lookup", "query": "zzqxv", "anchors": ["4_2_4"]}

{"id": "X1", "kind": "exam", "query": "Which CloudFormation section is the only mandatory one in a template?", "anchors": ["4_2_2_1"], "options": {"A": "Parameters", "B": "Resources", "C": "Outputs", "D": "Mappings"}, "correct": "B"}
`

func writeEvalFile(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "eval.jsonl")
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestEvalJSONContract(t *testing.T) {
	out, _, err := searchRun(t, "", "eval", "--json", writeEvalFile(t, evalFixture))
	if err != nil {
		t.Fatalf("eval --json: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 4 {
		t.Fatalf("%d lines, want 3 items and a summary:\n%s", len(lines), out)
	}
	for i, l := range lines[:3] {
		var item map[string]json.RawMessage
		if err := json.Unmarshal([]byte(l), &item); err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		var ranked []string
		if err := json.Unmarshal(item["ranked"], &ranked); err != nil || len(ranked) > 10 {
			t.Errorf("line %d ranked = %s (%v), want up to 10 IDs", i+1, item["ranked"], err)
		}
		_, hasChosen := item["chosen"]
		if wantChosen := i == 2; hasChosen != wantChosen {
			t.Errorf("line %d: chosen present %v, want %v (only items with options)", i+1, hasChosen, wantChosen)
		}
	}
	var first struct{ Ranked []string }
	_ = json.Unmarshal([]byte(lines[0]), &first)
	if len(first.Ranked) == 0 || first.Ranked[0] != "4_2_4" {
		t.Errorf("L1 ranked %v, want 4_2_4 first", first.Ranked)
	}
	var sum struct {
		Summary map[string]map[string]float64 `json:"summary"`
	}
	if err := json.Unmarshal([]byte(lines[3]), &sum); err != nil {
		t.Fatalf("summary: %v", err)
	}
	lk := sum.Summary["lookup"]
	if lk["items"] != 2 || lk["hit@1"] != 0.5 || lk["hit@3"] != 0.5 || lk["mrr"] != 0.5 {
		t.Errorf("lookup summary %v, want 2 items, Hit@1 = Hit@3 = MRR = 0.5", lk)
	}
	if _, ok := sum.Summary["exam"]["accuracy"]; !ok {
		t.Errorf("exam summary %v lacks accuracy", sum.Summary["exam"])
	}
}

func TestEvalTable(t *testing.T) {
	out, _, err := searchRun(t, "", "eval", "--no-ask", writeEvalFile(t, evalFixture))
	if err != nil {
		t.Fatalf("eval: %v", err)
	}
	for _, want := range []string{"lookup    2 items  Hit@1 0.500", "Not ranked first:", "L2 not in the first 10"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestEvalBadInput(t *testing.T) {
	var ue usageError
	if _, _, err := searchRun(t, "", "eval"); !errors.As(err, &ue) {
		t.Errorf("no file: err = %v, want usage error", err)
	}
	if _, _, err := searchRun(t, "", "eval", filepath.Join(t.TempDir(), "missing.jsonl")); err == nil {
		t.Error("missing file: no error")
	}
	_, _, err := searchRun(t, "", "eval", writeEvalFile(t, "{\"id\": \"a\", \"kind\": \"lookup\"}\nnot json\n"))
	if err == nil || !strings.Contains(err.Error(), "line 1") {
		t.Errorf("bad file: err = %v, want one naming the line", err)
	}
	out, _, err := searchRun(t, evalFixture, "eval", "--no-ask", "-")
	if err != nil || !strings.Contains(out, "Hit@1") {
		t.Errorf("eval from stdin: %v\n%s", err, out)
	}
}
