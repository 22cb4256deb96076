package quiz

import (
	"testing"

	"github.com/devopsbot/devopsbot/notes"
)

// TestDefaultPoolIsValid: over the questions generated from the default
// notes and the embedded bank, at least 98% pass every mechanical check.
func TestDefaultPoolIsValid(t *testing.T) {
	d := mustDefault(t)
	docs := []*notes.Document{d}
	bank, err := LoadDefaultBank(docs)
	if err != nil {
		t.Logf("embedded bank: %v", err)
	}
	pool := Pool(docs, bank)
	bad := 0
	for _, q := range pool {
		if p := Validate(q, docs); len(p) > 0 {
			bad++
			t.Logf("%s (%s): %v", q.ID, q.Kind, p)
		}
	}
	if 50*bad > len(pool) {
		t.Errorf("%d of %d questions fail a mechanical check, want at most 2%%", bad, len(pool))
	}
}

func TestQualityGate(t *testing.T) {
	good := Question{ID: "x", Stem: "A team must deploy with no downtime at no extra cost. Which strategy should they use?",
		Options: []string{"Rolling", "All at once", "Immutable", "Blue/green"}, Correct: 0, Kind: KindScenario, Bank: "b.yaml",
		Quote: "q", Wrong: []string{"", "a", "b", "c"}, Domains: []int{1}}
	tests := []struct {
		name  string
		edit  func(q *Question)
		daily bool
	}{
		{"a scenario with reasons and a quote", func(q *Question) {}, true},
		{"a heading path in the stem", func(q *Question) { q.Stem = "Concepts › Deployment: which strategy?" }, false},
		{"a retired kind", func(q *Question) { q.Kind = "statement"; q.Bank = "" }, false},
		{"the right option much longer", func(q *Question) {
			q.Options[0] = "Rolling, one batch at a time, keeping the rest in service"
			q.Kind = KindTerm
			q.Bank = ""
		}, false},
		{"choose two", func(q *Question) { q.Corrects = []int{0, 1}; q.Stem += " (Choose two.)" }, false},
		{"a generated definition", func(q *Question) { q.Kind = KindDefinition; q.Bank = "" }, false},
		{"a generated number", func(q *Question) { q.Kind = KindNumber; q.Bank = "" }, false},
		{"a hand-written recall question", func(q *Question) { q.Kind = KindRecall }, true},
		{"a generated scenario without reasons", func(q *Question) { q.Bank = ""; q.Wrong = nil }, false},
		{"a hand-written scenario without reasons", func(q *Question) { q.Wrong = nil }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := good
			q.Options = append([]string(nil), good.Options...)
			tt.edit(&q)
			if got := InDaily(q); got != tt.daily {
				t.Errorf("InDaily = %v (quality %.2f), want %v", got, Quality(q), tt.daily)
			}
		})
	}
}
