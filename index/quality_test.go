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

// mustLoadEval reads the eval items of path, failing the test when it
// cannot.
func mustLoadEval(tb testing.TB, path string) []EvalItem {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	items, err := ReadEval(f)
	if err != nil {
		tb.Fatal(err)
	}
	return items
}

// TestDevSetQuality fails when search on the development eval set drops
// below the quality bars of issue 3 (DESIGN.md, quality targets), or when
// our own extra lookups (testdata/extra.jsonl, written by hand from sections
// the dev set does not ask about, never tuned on) drop below the lookup bars.
func TestDevSetQuality(t *testing.T) {
	ix := mustDefault(t)
	tests := []struct {
		file string
		kind string
		hit1 float64
		hit3 float64
	}{
		{"testdata/dev.jsonl", "lookup", 0.90, 0.95},
		{"testdata/dev.jsonl", "exam", 0, 0.92},
		{"testdata/extra.jsonl", "lookup", 0.90, 0.95},
		// Hand-written scenarios that avoid the notes' wording; a loose
		// guard against regressions, not a target.
		{"testdata/extra_exam.jsonl", "exam", 0, 0.85},
		// Written blind from the notes by a later helper, before the ranking
		// code was read (commit 75d67bc); guarded at the level reached
		// (lookup 0.956 / 1.000, exam Hit@3 0.964) less a small margin.
		{"testdata/holdout2.jsonl", "lookup", 0.92, 0.97},
		{"testdata/holdout2_exam.jsonl", "exam", 0, 0.89},
		// A second blind set, written after the first changes (commit
		// 016995f): lookup 0.971 / 1.000, exam Hit@3 0.867 when set.
		{"testdata/holdout3.jsonl", "lookup", 0.91, 0.97},
		{"testdata/holdout3_exam.jsonl", "exam", 0, 0.80},
		// A third blind set of exam items (commit 284c050), scenario
		// Hit@3 1.000 when set.
		{"testdata/holdout4_exam.jsonl", "exam", 0, 0.90},
		// The fourth (commit cece040): Hit@3 1.000 when set.
		{"testdata/holdout5_exam.jsonl", "exam", 0, 0.90},
	}
	reports := map[string]*EvalReport{}
	for _, tt := range tests {
		t.Run(tt.file+"/"+tt.kind, func(t *testing.T) {
			rep := reports[tt.file]
			if rep == nil {
				var err error
				rep, err = ix.Evaluate(context.Background(), mustLoadEval(t, tt.file), nil)
				if err != nil {
					t.Fatal(err)
				}
				reports[tt.file] = rep
			}
			for _, r := range rep.Results {
				if r.Item.Kind == tt.kind && (*verboseEval || r.Rank != 1) {
					top := r.Ranked[:min(4, len(r.Ranked))]
					t.Logf("%s rank %d want %v got %v  %.80q", r.Item.ID, r.Rank, r.Item.Anchors, top, r.Item.Query)
				}
			}
			k := rep.Kinds[tt.kind]
			if k == nil {
				t.Fatalf("no %s items", tt.kind)
			}
			t.Logf("%s: Hit@1 %.3f Hit@3 %.3f MRR %.3f", tt.kind, k.Hit1, k.Hit3, k.MRR)
			if k.Hit1 < tt.hit1 {
				t.Errorf("Hit@1 = %.3f, below the bar %.2f", k.Hit1, tt.hit1)
			}
			if k.Hit3 < tt.hit3 {
				t.Errorf("Hit@3 = %.3f, below the bar %.2f", k.Hit3, tt.hit3)
			}
		})
	}
}
