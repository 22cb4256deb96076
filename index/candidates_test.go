package index

import (
	"context"
	"testing"

	"github.com/blevesearch/bleve/v2"
)

// TestCandidatesMatchBleveSearch: running the candidate query's searcher
// and collector directly gives the same hits, in the same order with the
// same scores, as bleve.Index.SearchInContext.
func TestCandidatesMatchBleveSearch(t *testing.T) {
	ix := mustDefault(t)
	ctx := context.Background()
	for _, q := range []string{"canary deployment", "how big can a cloudformation template be",
		"codedeploy lifecycle hooks appspec", "s3 cross region replication", "ecs task definition"} {
		p, err := ix.plan(q)
		if err != nil {
			t.Fatal(err)
		}
		got, err := ix.candidates(ctx, p, 10)
		if err != nil {
			t.Fatal(err)
		}
		dq, size := ix.candidateQuery(p, 10)
		want, err := ix.bi.SearchInContext(ctx, bleve.NewSearchRequestOptions(dq, size, 0, false))
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want.Hits) || len(got) == 0 {
			t.Fatalf("%q: %d hits, Bleve's search %d", q, len(got), len(want.Hits))
		}
		for i := range got {
			if got[i].ID != want.Hits[i].ID || got[i].Score != want.Hits[i].Score {
				t.Errorf("%q hit %d: %s %.6f, Bleve's search %s %.6f", q, i, got[i].ID, got[i].Score, want.Hits[i].ID, want.Hits[i].Score)
			}
		}
	}
}
