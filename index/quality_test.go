package index

import (
	"context"
	"flag"
	"os"
	"testing"

	"github.com/devopsbot/devopsbot/notes"
)

var verboseEval = flag.Bool("eval.v", false, "print every eval item")

// mustDefault builds the index over the embedded default notes.
func mustDefault(tb testing.TB) *Index {
	tb.Helper()
	d, err := notes.Default()
	if err != nil {
		tb.Fatalf("parse default notes: %v", err)
	}
	ix, err := Build(d)
	if err != nil {
		tb.Fatalf("build: %v", err)
	}
	tb.Cleanup(func() { _ = ix.Close() })
	return ix
}

// TestDevSetQuality fails when search on the development eval set drops
// below the quality bars of issue 3 (DESIGN.md, quality targets).
func TestDevSetQuality(t *testing.T) {
	ix := mustDefault(t)
	f, err := os.Open("testdata/dev.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	items, err := ReadEval(f)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := ix.Evaluate(context.Background(), items, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rep.Results {
		if *verboseEval || r.Rank == 0 || r.Rank > 1 {
			top := r.Ranked
			if len(top) > 4 {
				top = top[:4]
			}
			t.Logf("%s rank %d want %v got %v  %q", r.Item.ID, r.Rank, r.Item.Anchors, top, r.Item.Query)
		}
	}
	lk, ex := rep.Kinds["lookup"], rep.Kinds["exam"]
	t.Logf("lookup: Hit@1 %.3f Hit@3 %.3f MRR %.3f; exam: Hit@1 %.3f Hit@3 %.3f MRR %.3f",
		lk.Hit1, lk.Hit3, lk.MRR, ex.Hit1, ex.Hit3, ex.MRR)
	bars := []struct {
		name      string
		got, want float64
	}{
		{"lookup Hit@1", lk.Hit1, 0.90},
		{"lookup Hit@3", lk.Hit3, 0.95},
		{"exam Hit@3", ex.Hit3, 0.92},
	}
	for _, b := range bars {
		if b.got < b.want {
			t.Errorf("%s = %.3f, below the bar %.2f", b.name, b.got, b.want)
		}
	}
}
