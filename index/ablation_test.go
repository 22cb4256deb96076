package index

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"

	"github.com/devopsbot/devopsbot/notes"
)

// TestAblation prints the measurement log of BENCHMARKS.md ("## index"):
// the eval figures of a plain Bleve index and of our search with one part
// added or removed at a time. It only measures (nothing to assert), so it
// runs only when asked:
//
//	DEVOPSBOT_ABLATION=1 go test ./index -run Ablation -v
func TestAblation(t *testing.T) {
	if os.Getenv("DEVOPSBOT_ABLATION") == "" {
		t.Skip("set DEVOPSBOT_ABLATION=1 to print the measurement log")
	}
	items := mustLoadEval(t, "testdata/dev.jsonl")
	extra := append(mustLoadEval(t, "testdata/extra.jsonl"), mustLoadEval(t, "testdata/extra_exam.jsonl")...)
	d, err := notes.Default()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	// Plain Bleve: default mapping, one text field, match query.
	{
		bi, _ := bleve.NewUsing("", bleve.NewIndexMapping(), "scorch", "scorch", nil)
		b := bi.NewBatch()
		for i, s := range d.Sections {
			_ = b.Index(fmt.Sprint(i), map[string]string{"body": strings.Join(s.Path, " ") + "\n" + s.Text})
		}
		_ = bi.Batch(b)
		rep := &EvalReport{Kinds: map[string]*EvalKind{}}
		for _, it := range items {
			res, _ := bi.Search(bleve.NewSearchRequestOptions(bleve.NewMatchQuery(it.Query), 30, 0, false))
			var ids []string
			seen := map[string]bool{}
			for _, h := range res.Hits {
				var i int
				fmt.Sscan(h.ID, &i)
				a := AnchorOf(d.Sections[i].ID)
				if !seen[a] {
					seen[a] = true
					ids = append(ids, d.Sections[i].ID)
				}
			}
			r := EvalResult{Item: it, Ranked: ids, Rank: FirstRank(ids, it.Anchors)}
			rep.Results = append(rep.Results, r)
			rep.tally(it.Kind, r.Rank)
		}
		for _, k := range rep.Kinds {
			k.Hit1 /= float64(k.Items)
			k.Hit3 /= float64(k.Items)
			k.MRR /= float64(k.Items)
		}
		fmt.Printf("%-34s %s\n", "plain bleve (default mapping)", fig(rep))
	}
	run := func(name string, opts Options, mod func(*rankParams)) {
		ix, err := BuildWith(opts, d)
		if err != nil {
			t.Fatal(err)
		}
		defer ix.Close()
		if mod != nil {
			mod(&ix.prm)
		}
		rep, err := ix.Evaluate(ctx, items, nil)
		if err != nil {
			t.Fatal(err)
		}
		rx, err := ix.Evaluate(ctx, extra, nil)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Printf("%-34s %s | extra L %.3f X %.3f/%.3f\n", name, fig(rep), rx.Kinds["lookup"].Hit1, rx.Kinds["exam"].Hit1, rx.Kinds["exam"].Hit3)
	}
	norerank := func(p *rankParams) { p.fact, p.head, p.title, p.bigram, p.factPath, p.specific = 0, 0, 0, 0, 0, 0 }
	run("our analyzer only", Options{NoDefaultAliases: true}, func(p *rankParams) { norerank(p); p.fuzzy = 0 })
	run("+ spelling", Options{NoDefaultAliases: true}, norerank)
	run("+ aliases", Options{}, norerank)
	run("+ fact coverage", Options{}, func(p *rankParams) { p.head, p.title, p.bigram, p.factPath, p.specific = 0, 0, 0, 0, 0 })
	run("+ path coverage", Options{}, func(p *rankParams) { p.title, p.bigram, p.factPath, p.specific = 0, 0, 0, 0 })
	run("+ title coverage", Options{}, func(p *rankParams) { p.bigram, p.factPath, p.specific = 0, 0, 0 })
	run("+ bigrams", Options{}, func(p *rankParams) { p.factPath, p.specific = 0, 0 })
	run("+ path inside facts", Options{}, func(p *rankParams) { p.specific = 0 })
	run("+ specific before enclosing (= default)", Options{}, nil)
	run("default but TF-IDF", Options{tfidf: true}, nil)
	run("default without aliases", Options{NoDefaultAliases: true}, nil)
	run("default without spelling", Options{}, func(p *rankParams) { p.fuzzy = 0 })
	run("default without fact coverage", Options{}, func(p *rankParams) { p.fact = 0 })
	run("default without path in facts", Options{}, func(p *rankParams) { p.factPath = 0 })
	if os.Getenv("DEVOPSBOT_SWEEP") != "" {
		for _, v := range []float64{0.6, 1.2} {
			run(fmt.Sprintf("fact=%.2f", v), Options{}, func(p *rankParams) { p.fact = v })
		}
		for _, v := range []float64{0.15, 0.5} {
			run(fmt.Sprintf("title=%.2f", v), Options{}, func(p *rankParams) { p.title = v })
		}
		for _, v := range []float64{0.2, 0.6} {
			run(fmt.Sprintf("head=%.2f", v), Options{}, func(p *rankParams) { p.head = v })
		}
		for _, v := range []float64{0, 0.3} {
			run(fmt.Sprintf("bigram=%.2f", v), Options{}, func(p *rankParams) { p.bigram = v })
		}
	}
}

// fig formats Hit@1, Hit@3 and MRR per kind and the items not ranked first.
func fig(rep *EvalReport) string {
	lk, ex := rep.Kinds["lookup"], rep.Kinds["exam"]
	miss := ""
	for _, r := range rep.Results {
		if r.Rank != 1 {
			miss += fmt.Sprintf(" %s:%d", r.Item.ID, r.Rank)
		}
	}
	return fmt.Sprintf("L %.3f %.3f %.3f | X %.3f %.3f %.3f |%s", lk.Hit1, lk.Hit3, lk.MRR, ex.Hit1, ex.Hit3, ex.MRR, miss)
}
