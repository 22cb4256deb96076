package index

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/devopsbot/devopsbot/notes"
)

// shortQueries are lookups of the kind people type.
var shortQueries = []string{
	"how big can a cloudformation template be",
	"ASG termination policy",
	"cloudtrial retention",
	"lanch config instance type",
	"codedeploy lifecycle event order",
	"kinesis retention",
	"EB worker environment",
	"x-ray service map",
}

// examQuestions returns scenario texts of about 60 words.
func examQuestions(tb testing.TB) []string {
	tb.Helper()
	var qs []string
	for _, it := range mustLoadEval(tb, "testdata/dev.jsonl") {
		if it.Kind == "exam" {
			qs = append(qs, it.Query)
		}
	}
	return qs
}

// benchSearch runs Search over queries and reports the 99th percentile
// latency of single searches next to the mean.
func benchSearch(b *testing.B, ix *Index, queries []string) {
	b.Helper()
	ctx := context.Background()
	lat := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		hits, err := ix.Search(ctx, queries[i%len(queries)], 5)
		lat = append(lat, time.Since(t0))
		if err != nil || len(hits) == 0 {
			b.Fatalf("search %q: %d hits, %v", queries[i%len(queries)], len(hits), err)
		}
	}
	b.StopTimer()
	slices.Sort(lat)
	p99 := lat[min(len(lat)-1, len(lat)*99/100)]
	b.ReportMetric(float64(p99.Microseconds()), "p99-µs")
}

func BenchmarkBuildDefault(b *testing.B) {
	d, err := notes.Default()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		ix, err := Build(d)
		if err != nil {
			b.Fatal(err)
		}
		ix.Close()
	}
}

// BenchmarkParseAndBuildDefault is the start-up budget: parse and index the
// embedded notes.
func BenchmarkParseAndBuildDefault(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		d, err := notes.Default()
		if err != nil {
			b.Fatal(err)
		}
		ix, err := Build(d)
		if err != nil {
			b.Fatal(err)
		}
		ix.Close()
	}
}

func BenchmarkSearchShort(b *testing.B) {
	benchSearch(b, mustDefault(b), shortQueries)
}

func BenchmarkSearchExam(b *testing.B) {
	benchSearch(b, mustDefault(b), examQuestions(b))
}

// tenDocs makes ten notes documents of about 1.2 MB together: each is the
// default notes followed by one of the corpus files, under its own name.
func tenDocs(b *testing.B) ([]*notes.Document, int) {
	b.Helper()
	d, err := notes.Default()
	if err != nil {
		b.Fatal(err)
	}
	_ = d
	base, err := os.ReadFile(filepath.Join("..", "notes", notes.DefaultName+".md"))
	if err != nil {
		b.Skipf("default notes source: %v", err)
	}
	corpus, _ := filepath.Glob(filepath.Join("..", "..", "shared", "corpus", "*", "*.md"))
	if len(corpus) == 0 {
		b.Skip("shared/corpus not found beside the repository")
	}
	var docs []*notes.Document
	total := 0
	for i := 0; i < 10; i++ {
		extra, err := os.ReadFile(corpus[i%len(corpus)])
		if err != nil {
			b.Fatal(err)
		}
		data := string(base) + "\n\n" + string(extra)
		total += len(data)
		doc, err := notes.Parse(fmt.Sprintf("notes-%02d-%s", i+1, strings.TrimSuffix(filepath.Base(corpus[i%len(corpus)]), ".md")), []byte(data))
		if err != nil {
			b.Fatal(err)
		}
		docs = append(docs, doc)
	}
	return docs, total
}

func BenchmarkBuildTen(b *testing.B) {
	docs, total := tenDocs(b)
	b.SetBytes(int64(total))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ix, err := Build(docs...)
		if err != nil {
			b.Fatal(err)
		}
		ix.Close()
	}
}

func BenchmarkSearchTenShort(b *testing.B) {
	docs, _ := tenDocs(b)
	ix, err := Build(docs...)
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	benchSearch(b, ix, shortQueries)
}

func BenchmarkSearchTenExam(b *testing.B) {
	docs, _ := tenDocs(b)
	ix, err := Build(docs...)
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	benchSearch(b, ix, examQuestions(b))
}

// BenchmarkSearchHuge is a 10 KB pasted query (cut to maxQueryBytes).
func BenchmarkSearchHuge(b *testing.B) {
	qs := examQuestions(b)
	var sb strings.Builder
	for sb.Len() < 10<<10 {
		for _, q := range qs {
			sb.WriteString(q)
			sb.WriteByte(' ')
		}
	}
	benchSearch(b, mustDefault(b), []string{sb.String()})
}

// lookupQueries are the distinct lookups the load soak sends (the rule of
// bot/slackfake.Lookups, which index may not import): every section title
// cut to six words and every fact's first four words, letters and digits
// only.
func lookupQueries(doc *notes.Document) []string {
	seen := map[string]bool{}
	var qs []string
	add := func(s string, n int) {
		ws := strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
		if q := strings.Join(ws[:min(n, len(ws))], " "); q != "" && !seen[q] {
			seen[q] = true
			qs = append(qs, q)
		}
	}
	for _, s := range doc.Sections {
		add(s.Title, 6)
		for _, f := range s.Facts {
			add(f.Text, 4)
		}
	}
	return qs
}

// BenchmarkSearchLookups is Search as an uncached `/devops lookup` runs
// it (three hits), over the soak's distinct queries in turn, after a first
// pass over them. For
// instruction counts, count searchLookups alone:
//
//	go test -c ./index && GOGC=off GODEBUG=asyncpreemptoff=1 valgrind --tool=callgrind \
//	  --toggle-collect='*index.searchLookups' ./index.test -test.run '^$' -test.bench 'SearchLookups$' -test.benchtime 1x
//
// (one pass over all queries per iteration; the total divided by the
// number of queries, which the benchmark reports).
func BenchmarkSearchLookups(b *testing.B) {
	d, err := notes.Default()
	if err != nil {
		b.Fatal(err)
	}
	ix, err := Build(d)
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	qs := lookupQueries(d)
	// One pass before the timer: what the index keeps per snapshot is made
	// and filled, as in a server that has run a while, and the goroutine's
	// stack has grown (callgrind loses count when Go switches stacks).
	for _, q := range qs {
		if _, err := ix.Search(context.Background(), q, 3); err != nil && !errors.Is(err, ErrEmptyQuery) {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if err := searchLookups(ix, qs); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(qs)), "queries")
}

// searchLookups searches each query for three hits.
//
//go:noinline
func searchLookups(ix *Index, qs []string) error {
	ctx := context.Background()
	for _, q := range qs {
		if _, err := ix.Search(ctx, q, 3); err != nil && !errors.Is(err, ErrEmptyQuery) {
			return fmt.Errorf("%q: %w", q, err)
		}
	}
	return nil
}
