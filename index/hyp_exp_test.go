package index

import (
	"context"
	"fmt"
	"os"
	"testing"
)

// TestEnsembleSweep prints, per eval file with options, how many questions
// the fact-vote scorer alone, the hypothesis scorer alone and their rank
// ensemble (what Ask uses) get right, while the hypothesis scorer's
// parameters vary over a small grid. It only measures:
//
//	DEVOPSBOT_ENSEMBLE=1 go test ./index -run EnsembleSweep -v
func TestEnsembleSweep(t *testing.T) {
	if os.Getenv("DEVOPSBOT_ENSEMBLE") == "" {
		t.Skip("set DEVOPSBOT_ENSEMBLE=1 to print the sweep")
	}
	ix := mustDefault(t)
	ctx := context.Background()
	fx := ix.factIndex()
	base := defaultAskParams
	defer func() { defaultAskParams = base }()
	run := func(name string, p askParams) {
		s := ""
		var rc, rh, re, n, agree, agreeRight int
		for _, f := range evalSets {
			var c, h, e, m int
			for _, it := range evalItems(t, f) {
				if len(it.Options) == 0 {
					continue
				}
				opts := sortedOptions(it.Options)
				hits, err := ix.Search(ctx, it.Query, askSearchK)
				if err != nil {
					t.Fatal(err)
				}
				rel := sectionRelevance(hits)
				sup := fx.scoreOptions(it.Query, opts, rel, p)
				hyp := fx.scoreHypotheses(it.Query, opts, rel, p)
				en := ensemble(sup, hyp)
				bc, bh := 0, 0
				for i := range opts {
					if sup[i].score > sup[bc].score {
						bc = i
					}
					if hyp[i] > hyp[bh] {
						bh = i
					}
				}
				m++
				right := func(i int) int {
					if opts[i].Key == it.Correct {
						return 1
					}
					return 0
				}
				c += right(bc)
				h += right(bh)
				e += right(en.best)
				if bc == bh {
					agree++
					agreeRight += right(bc)
				}
			}
			if m > 0 {
				s += fmt.Sprintf(" %s %d/%d/%d of %d;", f[len("testdata/"):], c, h, e, m)
				rc, rh, re, n = rc+c, rh+h, re+e, n+m
			}
		}
		fmt.Printf("%-34s votes %d hyp %d ensemble %d of %d (agree %d, %d right) |%s\n", name, rc, rh, re, n, agree, agreeRight, s)
	}
	run("default", base)
	for _, temp := range []float64{0.01, 0.02, 0.05} {
		for _, opt := range []float64{0.25, 0.5, 1} {
			for _, sec := range []float64{0, 0.5, 1} {
				p := base
				p.hypTemp, p.hypOption, p.hypSection = temp, opt, sec
				run(fmt.Sprintf("temp=%g option=%g section=%g", temp, opt, sec), p)
			}
		}
	}
}
