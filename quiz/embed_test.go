package quiz

import (
	"strings"
	"testing"

	"github.com/devopsbot/devopsbot/notes"
)

// TestEmbeddedBankIsClean: every question of the embedded bank passes its
// checks against the default notes, without warnings, and the bank as a
// whole is balanced: each letter right about as often as chance has it,
// and the right option the longest no more often than chance.
func TestEmbeddedBankIsClean(t *testing.T) {
	docs := []*notes.Document{mustDefault(t)}
	qs, probs := CheckBank(DefaultBankFS(), docs, DefaultBankFiles()...)
	for _, p := range probs {
		t.Errorf("%s", p)
	}
	for _, p := range Report(qs).Problems() {
		t.Errorf("embedded bank: %s", p)
	}
	t.Logf("%d files: %s", len(DefaultBankFiles()), Report(qs))
}

func TestReportFindsImbalance(t *testing.T) {
	var qs []Question
	for i := range 40 {
		q := Question{ID: "q", Options: []string{"a short one", "bb", "cc", "dd"}, Correct: 0}
		if i%4 == 0 {
			q.Options[0] = "a"
		}
		qs = append(qs, q)
	}
	r := Report(qs)
	if r.Letters[0] != 40 || r.Longest != 30 {
		t.Fatalf("report = %+v", r)
	}
	p := strings.Join(r.Problems(), "\n")
	if !strings.Contains(p, "letter A is right 40 times") || !strings.Contains(p, "the longest in 30 questions") {
		t.Errorf("problems = %q, want letter A and the longest option", p)
	}
	for i := range qs {
		qs[i].Correct = i % 4
		qs[i].Options = []string{"aa", "bb", "cc", "dd"}
	}
	if p := Report(qs).Problems(); len(p) != 0 {
		t.Errorf("balanced bank: problems %q", p)
	}
}

// TestDefaultDailyPool: on the default notes with the embedded bank, the
// question of the day draws from at least 250 questions, at least 60% of
// them scenarios, over all six domains and at least 18 services.
func TestDefaultDailyPool(t *testing.T) {
	docs := []*notes.Document{mustDefault(t)}
	bank, err := LoadDefaultBank(docs)
	if err != nil {
		t.Fatal(err)
	}
	s := Summarize(DailyPool(Pool(docs, bank)))
	if s.Questions < 250 {
		t.Errorf("daily pool of %d questions, want at least 250", s.Questions)
	}
	if 10*s.Scenarios < 6*s.Questions {
		t.Errorf("%d of %d daily questions are scenarios, want at least 60%%", s.Scenarios, s.Questions)
	}
	for d, n := range s.Domains {
		if n == 0 {
			t.Errorf("no daily question in domain %d", d+1)
		}
	}
	if len(s.Services) < 18 {
		t.Errorf("daily questions cover %d services, want at least 18: %v", len(s.Services), s.ServiceNames())
	}
	t.Logf("daily pool: %d questions, %d scenarios, domains %v, %d services", s.Questions, s.Scenarios, s.Domains, len(s.Services))
}
