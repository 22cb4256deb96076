package index

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/searcher"
)

// TestCandidatesMatchBleveSearch: the candidates are the best of
// bleve.Index.SearchInContext's hits for the same query, with the same
// scores, ordered by score and then by section (Bleve breaks ties by its
// document number instead, which changes from one build to the next). Over
// every section title and the first 4, 8 and 16 words of every fact of the
// default notes, and longer queries: the exam questions of the eval set.
func TestCandidatesMatchBleveSearch(t *testing.T) {
	ix := mustDefault(t)
	ctx := context.Background()
	queries := []string{"canary deployment", "how big can a cloudformation template be",
		"codedeploy lifecycle hooks appspec", "s3 cross region replication", "ecs task definition",
		"A company runs a web application on EC2 instances behind an Application Load Balancer in an Auto Scaling group and wants blue/green deployments with automatic rollback on CloudWatch alarms"}
	seen := map[string]bool{}
	for _, e := range ix.secs {
		queries = append(queries, e.sec.Title)
		for _, f := range e.facts {
			words := strings.Fields(f.text)
			for _, n := range []int{4, 8, 16} {
				queries = append(queries, strings.Join(words[:min(n, len(words))], " "))
			}
		}
	}
	queries = append(queries, examQuestions(t)...)
	ties, heaped := 0, 0
	for _, q := range queries {
		if seen[q] {
			continue
		}
		seen[q] = true
		p, err := ix.plan(q)
		if err != nil || len(p.terms) == 0 {
			continue
		}
		cls := ix.candidateClauses(p)
		if len(cls) > searcher.DisjunctionHeapTakeover {
			heaped++
		}
		got, err := ix.candidates(ctx, p, 10)
		if err != nil {
			t.Fatal(err)
		}
		dq, size := candidateQuery(ix.candidateClauses(p)), max(10, minCandidates)
		res, err := ix.bi.SearchInContext(ctx, bleve.NewSearchRequestOptions(dq, len(ix.secs), 0, false))
		if err != nil {
			t.Fatal(err)
		}
		want := make([]candidate, 0, len(res.Hits))
		for _, h := range res.Hits {
			i, err := strconv.Atoi(h.ID)
			if err != nil {
				t.Fatal(err)
			}
			want = append(want, candidate{sec: i, score: h.Score})
		}
		slices.SortFunc(want, func(a, b candidate) int {
			return cmp.Or(cmp.Compare(b.score, a.score), cmp.Compare(a.sec, b.sec))
		})
		for i := 1; i < min(size, len(want)); i++ {
			if want[i].score == want[i-1].score {
				ties++
			}
		}
		want = want[:min(size, len(want))]
		if !slices.Equal(got, want) {
			t.Fatalf("%q: candidates\n%v\nBleve's search\n%v", q, got, want)
		}
	}
	if ties == 0 {
		t.Error("no query had tied candidates: the order of ties is not tested")
	}
	if heaped < 100 {
		t.Errorf("%d queries had more than %d terms: Bleve's heap disjunction is hardly tested", heaped, searcher.DisjunctionHeapTakeover)
	}
}

// Postings beyond the snapshot's budget are read for each search and not
// kept; the candidates stay the same.
func TestCandidatesBeyondBudget(t *testing.T) {
	ix := mustDefault(t)
	ctx := context.Background()
	var plans []*plan
	for _, e := range ix.secs[:min(200, len(ix.secs))] {
		if p, err := ix.plan(e.sec.Title); err == nil && len(p.terms) > 0 {
			plans = append(plans, p)
		}
	}
	kept := make([][]candidate, len(plans))
	for i, p := range plans {
		c, err := ix.candidates(ctx, p, 10)
		if err != nil {
			t.Fatal(err)
		}
		kept[i] = c
	}
	s := ix.snap.Load()
	if n := s.bytes.Load(); n <= 0 || n > s.budget {
		t.Fatalf("postings kept: %d bytes, want some and at most %d", n, s.budget)
	}
	for i := range s.terms {
		s.terms[i].Store(nil)
	}
	s.bytes.Store(0)
	s.budget = 0
	for i, p := range plans {
		c, err := ix.candidates(ctx, p, 10)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(c, kept[i]) {
			t.Fatalf("%q: candidates read anew\n%v\nfrom kept postings\n%v", p.terms[0].term, c, kept[i])
		}
	}
	for i := range s.terms {
		if s.terms[i].Load() != nil {
			t.Fatalf("term %d kept beyond the budget", i)
		}
	}
}

// candidateQuery is the Bleve query whose hits the candidates are: the
// disjunction of the clauses' term queries, each boosted.
func candidateQuery(cls []clause) *query.DisjunctionQuery {
	qs := make([]query.Query, 0, len(cls))
	for _, c := range cls {
		tq := bleve.NewTermQuery(c.term)
		tq.SetField(bodyField)
		tq.SetBoost(c.boost)
		qs = append(qs, tq)
	}
	return bleve.NewDisjunctionQuery(qs...)
}

// keepTop keeps the n best, by score and then section.
func TestKeepTop(t *testing.T) {
	var top []candidate
	for _, c := range []candidate{{5, 1}, {3, 2}, {4, 1}, {9, 0.5}, {1, 1}, {2, 2}, {7, 3}} {
		top = keepTop(top, c, 4)
	}
	want := []candidate{{7, 3}, {2, 2}, {3, 2}, {1, 1}}
	if !slices.Equal(top, want) {
		t.Fatalf("keepTop: %v, want %v", top, want)
	}
}
