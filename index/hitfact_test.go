package index

import (
	"context"
	"testing"
)

// Hits carry a fact's context bullets and its own text apart, with each
// match located in one of them.
func TestHitFactsKeepContextApart(t *testing.T) {
	ix := mustBuild(t, mustParse(t, "n", "# Gateway\n\n## Stage\n\n"+
		"* Can enable canary deployments for a stage\n"+
		"  * Canary releases shift a share of traffic\n"))
	hits, err := ix.Search(context.Background(), "canary traffic share", 3)
	if err != nil || len(hits) == 0 {
		t.Fatalf("search: %v %v", hits, err)
	}
	var nested bool
	for _, h := range hits {
		for _, f := range h.Facts {
			for _, m := range f.Matches {
				part := f.Part(m.In)
				if part == "" || m.Start < 0 || m.End > len(part) || m.Start >= m.End {
					t.Fatalf("match %+v outside %+v", m, f)
				}
			}
			if len(f.Context) == 1 && f.Context[0] == "Can enable canary deployments for a stage" &&
				f.Text == "Canary releases shift a share of traffic" {
				nested = true
				inContext, inText := false, false
				for _, m := range f.Matches {
					inContext = inContext || m.In == 0 && f.Context[0][m.Start:m.End] == "canary"
					inText = inText || m.In == 1 && f.Text[m.Start:m.End] == "traffic"
				}
				if !inContext || !inText {
					t.Errorf("matches %+v: want canary in the context and traffic in the text", f.Matches)
				}
			}
		}
	}
	if !nested {
		t.Errorf("no fact with its parent as context in %+v", hits)
	}
}
