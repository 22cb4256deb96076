package index

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/devopsbot/devopsbot/notes"
)

const fixtureA = `<a name="1"></a>
# Services

<a name="1_1"></a>
## CloudTrail

* Events are stored for 90 days
* Log file integrity validation uses digest files

<a name="1_2"></a>
## Auto Scaling

* An Auto Scaling group launches instances from a launch configuration
* Launch configurations cannot be modified

<a name="1_3"></a>
## X-Ray

* Traces requests across microservices and draws a service map

<a name="1_4"></a>
## Limits

Limit|Value
-|-
Max template size|460kB
Max stacks|200
`

const fixtureB = `# Other notes

## Lambda

* Asynchronous invocations are retried twice

## CloudTrail trails

* A trail delivers events to an S3 bucket
`

func mustParse(t testing.TB, name, md string) *notes.Document {
	t.Helper()
	d, err := notes.Parse(name, []byte(md))
	if err != nil {
		t.Fatalf("parse %s: %v", name, err)
	}
	return d
}

func mustBuild(t testing.TB, docs ...*notes.Document) *Index {
	t.Helper()
	ix, err := Build(docs...)
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	t.Cleanup(func() { _ = ix.Close() })
	return ix
}

func TestSearchFindsSection(t *testing.T) {
	ix := mustBuild(t, mustParse(t, "a", fixtureA))
	tests := []struct {
		name, query, want string
	}{
		{"exact words", "cloudtrail events stored", "1_1"},
		{"misspelling", "cloudtrial events", "1_1"},
		{"misspelt word in a phrase", "lanch configuration modified", "1_2"},
		{"abbreviation", "ASG launch", "1_2"},
		{"alias phrase", "lc cannot be modified", "1_2"},
		{"hyphenated name written glued", "xray service map", "1_3"},
		{"hyphenated name", "X-Ray traces", "1_3"},
		{"synonym", "how big can a template be", "1_4"},
		{"query syntax is plain text", `+cloudtrail -"events" ~stored: AWS::CloudTrail::Trail`, "1_1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hits, err := ix.Search(context.Background(), tt.query, 3)
			if err != nil {
				t.Fatalf("Search(%q): %v", tt.query, err)
			}
			if len(hits) == 0 || hits[0].ID != tt.want {
				var got []string
				for _, h := range hits {
					got = append(got, h.ID)
				}
				t.Fatalf("Search(%q) = %v, want %s first", tt.query, got, tt.want)
			}
		})
	}
}

func TestSearchFactsAndSpans(t *testing.T) {
	ix := mustBuild(t, mustParse(t, "a", fixtureA))
	hits, err := ix.Search(context.Background(), "max template size", 1)
	if err != nil || len(hits) != 1 {
		t.Fatalf("Search: %v, %d hits", err, len(hits))
	}
	h := hits[0]
	if h.ID != "1_4" || len(h.Facts) == 0 {
		t.Fatalf("hit %s with %d facts, want 1_4 with facts", h.ID, len(h.Facts))
	}
	f := h.Facts[0]
	if !strings.Contains(f.Text, "460kB") {
		t.Errorf("best fact %q, want the 460kB row", f.Text)
	}
	var marked []string
	for _, s := range f.Matches {
		if s.Start < 0 || s.End > len(f.Text) || s.Start >= s.End {
			t.Fatalf("bad span %+v in %q", s, f.Text)
		}
		marked = append(marked, strings.ToLower(f.Text[s.Start:s.End]))
	}
	for _, w := range []string{"max", "template", "size"} {
		found := false
		for _, m := range marked {
			if m == w {
				found = true
			}
		}
		if !found {
			t.Errorf("matches %v lack %q", marked, w)
		}
	}
	if len(h.Facts) > maxFactsPerHit {
		t.Errorf("%d facts, want at most %d", len(h.Facts), maxFactsPerHit)
	}
}

func TestSearchFuzzyNeverBeatsExact(t *testing.T) {
	md := "# N\n\n## Alpha\n\n* the cloudtrail service\n\n## Beta\n\n* a cloudtrial typo in the notes\n"
	ix := mustBuild(t, mustParse(t, "n", md))
	hits, err := ix.Search(context.Background(), "cloudtrial", 2)
	if err != nil || len(hits) == 0 {
		t.Fatalf("Search: %v, %d hits", err, len(hits))
	}
	if hits[0].Title != "Beta" {
		t.Errorf("first hit %q, want the exact match Beta", hits[0].Title)
	}
}

func TestSearchSeveralDocuments(t *testing.T) {
	ix := mustBuild(t, mustParse(t, "alpha", fixtureA), mustParse(t, "beta", fixtureB))
	hits, err := ix.Search(context.Background(), "cloudtrail", 5)
	if err != nil {
		t.Fatal(err)
	}
	docs := map[string]bool{}
	for _, h := range hits {
		if h.Doc == "" {
			t.Errorf("hit %s has no document", h.ID)
		}
		docs[h.Doc] = true
	}
	if !docs["alpha"] || !docs["beta"] {
		t.Errorf("hits from %v, want both documents", docs)
	}
}

func TestSearchBadInput(t *testing.T) {
	ix := mustBuild(t, mustParse(t, "a", fixtureA))
	long := strings.Repeat("cloudtrail events ", 700) // ~12 KB
	tests := []struct {
		name    string
		query   string
		wantErr error
	}{
		{"empty", "", ErrEmptyQuery},
		{"spaces", "   \t\n", ErrEmptyQuery},
		{"punctuation only", "?!.,;:-+~\"'()[]{}", ErrEmptyQuery},
		{"stop words only", "what is the of and to", ErrEmptyQuery},
		{"control characters", "\x00\x01\x1b\x7f\u200b", ErrEmptyQuery},
		{"control characters around words", "\x1b[1mcloudtrail\x07", nil},
		{"other script", "Облако данных 云计算", nil},
		{"unknown words", "zzqxv wvwvw", nil},
		{"invalid utf-8", "\xff\xfe cloudtrail \xc3", nil},
		{"10 KB query", long, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hits, err := ix.Search(context.Background(), tt.query, 5)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			for _, h := range hits {
				for _, f := range h.Facts {
					if !utf8.ValidString(f.Text) {
						t.Errorf("invalid UTF-8 in fact %q", f.Text)
					}
				}
			}
		})
	}
}

func TestSuggest(t *testing.T) {
	ix := mustBuild(t, mustParse(t, "a", fixtureA))
	ctx := context.Background()
	got := ix.Suggest(ctx, "cloud trial", 3)
	if len(got) == 0 || got[0] != "CloudTrail" {
		t.Errorf("Suggest(cloud trial) = %v, want CloudTrail first", got)
	}
	if got := ix.Suggest(ctx, "зззз", 3); len(got) == 0 {
		t.Errorf("Suggest for nothing close = %v, want top-level titles", got)
	}
	if got := ix.Suggest(ctx, "x", 0); got != nil {
		t.Errorf("Suggest with k=0 = %v, want nil", got)
	}
}

func TestBuildErrors(t *testing.T) {
	if _, err := Build(); !errors.Is(err, ErrNoDocuments) {
		t.Errorf("Build() err = %v, want ErrNoDocuments", err)
	}
	_, err := BuildWith(Options{AliasFiles: [][]byte{[]byte("lonely\n")}}, mustParse(t, "a", fixtureA))
	if !errors.Is(err, ErrAliases) {
		t.Errorf("bad alias file err = %v, want ErrAliases", err)
	}
}

func TestExtraAliases(t *testing.T) {
	d := mustParse(t, "a", fixtureA)
	ix, err := BuildWith(Options{AliasFiles: [][]byte{[]byte("# ours\nbreadcrumbs | x-ray\n")}}, d)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	hits, err := ix.Search(context.Background(), "breadcrumbs", 1)
	if err != nil || len(hits) == 0 || hits[0].ID != "1_3" {
		t.Fatalf("Search(breadcrumbs) = %v, %v; want 1_3 through the extra alias", hits, err)
	}
}

func TestAliasExpand(t *testing.T) {
	al, err := parseAliases([]byte("asg | auto scaling group\ncw | cloudwatch | cloud watch\n"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		in   string
		want int // canonical terms added
	}{
		{"the Auto Scaling group", 1},
		{"ASG", 1},
		{"CloudWatch", 1}, // "cloud watch" parts and the glued word count once
		{"auto scaling", 0},
		{"cw and asg", 2},
	}
	for _, tt := range tests {
		got := 0
		for _, tk := range al.expand(analyze(tt.in)) {
			if strings.HasPrefix(tk.term, "_") {
				got++
			}
		}
		if got != tt.want {
			t.Errorf("expand(%q) added %d alias terms, want %d", tt.in, got, tt.want)
		}
	}
}

func TestEvalScoring(t *testing.T) {
	tests := []struct {
		name    string
		ranked  []string
		anchors []string
		want    int
	}{
		{"first", []string{"4_2", "1"}, []string{"4_2"}, 1},
		{"sub-section counts as its anchor", []string{"1", "4_2_2_2/stack-policy"}, []string{"4_2_2_2"}, 2},
		{"repeated anchor counts once", []string{"1", "1/a", "1/b", "3"}, []string{"3"}, 2},
		{"either anchor", []string{"9", "8"}, []string{"8", "7"}, 2},
		{"miss", []string{"9"}, []string{"8"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := FirstRank(tt.ranked, tt.anchors); got != tt.want {
				t.Errorf("FirstRank = %d, want %d", got, tt.want)
			}
		})
	}
	if _, err := ReadEval(strings.NewReader("{\"id\":\"a\"}\n")); !errors.Is(err, ErrEvalFile) {
		t.Errorf("item without kind: err = %v, want ErrEvalFile", err)
	}
	if _, err := ReadEval(strings.NewReader("not json\n")); !errors.Is(err, ErrEvalFile) {
		t.Errorf("bad json: err = %v, want ErrEvalFile", err)
	}
}

func FuzzSearch(f *testing.F) {
	ix := mustBuild(f, mustParse(f, "a", fixtureA), mustParse(f, "b", fixtureB))
	for _, s := range []string{"", "cloudtrial", "AWS::CloudFormation::Init", "x-ray", "\x00\xff", "Облако", "a/b blue/green", strings.Repeat("ab ", 100)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		hits, err := ix.Search(context.Background(), q, 5)
		if err != nil && !errors.Is(err, ErrEmptyQuery) {
			t.Fatalf("Search(%q): %v", q, err)
		}
		for _, h := range hits {
			for _, fa := range h.Facts {
				for _, s := range fa.Matches {
					if s.Start < 0 || s.End > len(fa.Text) || s.Start >= s.End {
						t.Fatalf("bad span %+v in %q", s, fa.Text)
					}
				}
			}
		}
		_ = ix.Suggest(context.Background(), q, 3)
	})
}

// Searches at once (the first ones filling the index's kept postings
// together) find what the same searches find one at a time on another index
// of the same documents.
func TestSearchConcurrent(t *testing.T) {
	a, b := mustParse(t, "a", fixtureA), mustParse(t, "b", fixtureB)
	ix, alone := mustBuild(t, a, b), mustBuild(t, a, b)
	queries := []string{"cloudtrail events", "lanch config", "x-ray", "how big is a template", "lambda retries"}
	want := make([][]Hit, len(queries))
	for i, q := range queries {
		hits, err := alone.Search(context.Background(), q, 3)
		if err != nil || len(hits) == 0 {
			t.Fatalf("%q: %d hits, %v", q, len(hits), err)
		}
		want[i] = hits
	}
	errc := make(chan error, 8)
	for g := 0; g < 8; g++ {
		go func(g int) {
			for i := 0; i < 50; i++ {
				qi := (g + i) % len(queries)
				hits, err := ix.Search(context.Background(), queries[qi], 3)
				if err == nil && !reflect.DeepEqual(hits, want[qi]) {
					err = fmt.Errorf("%q: %v, alone %v", queries[qi], hits, want[qi])
				}
				if err != nil {
					errc <- err
					return
				}
			}
			errc <- nil
		}(g)
	}
	for g := 0; g < 8; g++ {
		if err := <-errc; err != nil {
			t.Error(err)
		}
	}
}

func TestSearchCanceledContext(t *testing.T) {
	ix := mustBuild(t, mustParse(t, "a", fixtureA))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := ix.Search(ctx, "cloudtrail", 3); err == nil {
		t.Error("Search with a canceled context: no error")
	}
}

func TestSearchGuessesNeedSupport(t *testing.T) {
	ix := mustBuild(t, mustParse(t, "a", fixtureA))
	ctx := context.Background()
	if hits, err := ix.Search(ctx, "evnts", 3); err != nil || len(hits) == 0 {
		t.Errorf("a lone misspelling: %d hits, %v; want its section", len(hits), err)
	}
	if hits, err := ix.Search(ctx, "zzqxv evnts", 3); err != nil || len(hits) != 0 {
		t.Errorf("a guess next to a word matching nothing: %d hits, %v; want none", len(hits), err)
	}
}

func TestSearchLimitQuestionPicksRow(t *testing.T) {
	ix := mustBuild(t, mustParse(t, "a", fixtureA))
	hits, err := ix.Search(context.Background(), "how many stacks can I have", 1)
	if err != nil || len(hits) == 0 {
		t.Fatalf("Search: %v, %d hits", err, len(hits))
	}
	if hits[0].ID != "1_4" || len(hits[0].Facts) == 0 || !strings.Contains(hits[0].Facts[0].Text, "200") {
		t.Errorf("first hit %s facts %+v, want 1_4 with the 200 stacks row first", hits[0].ID, hits[0].Facts)
	}
}

func TestPlanWeights(t *testing.T) {
	ix := mustBuild(t, mustParse(t, "a", fixtureA))
	tests := []struct {
		name, query, term string
		want              float64
	}{
		{"exact word", "launch", "launch", 1},
		{"guess weighs less", "lanch", "launch", defaultParams().fuzzy},
		{"exact beats the same word guessed", "lanch launch", "launch", 1},
		{"known part of a misspelt compound stays exact", "LanchConfigurations", "configuration", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ix.plan(tt.query)
			if err != nil {
				t.Fatal(err)
			}
			i, ok := p.index[tt.term]
			if !ok {
				t.Fatalf("plan(%q) lacks %q: %+v", tt.query, tt.term, p.terms)
			}
			if got := p.terms[i].weight; got != tt.want {
				t.Errorf("weight of %q = %v, want %v", tt.term, got, tt.want)
			}
		})
	}
}

func TestEmptyDocument(t *testing.T) {
	ix := mustBuild(t, &notes.Document{Name: "empty"})
	hits, err := ix.Search(context.Background(), "cloudtrail", 3)
	if err != nil || len(hits) != 0 {
		t.Errorf("Search on an empty document: %d hits, %v", len(hits), err)
	}
	_ = ix.Suggest(context.Background(), "cloudtrail", 3)
	md := "# Only a title\n\n## Empty section\n"
	ix = mustBuild(t, mustParse(t, "t", md))
	hits, err = ix.Search(context.Background(), "empty section", 3)
	if err != nil || len(hits) == 0 || hits[0].Title != "Empty section" || hits[0].Facts == nil {
		t.Errorf("title-only section: %+v, %v", hits, err)
	}
}

func TestPreferSpecific(t *testing.T) {
	// Sections numbered as in an index: 4_5 is 0, 4_5_3 is 1 and so on.
	n := int32(0)
	sec := func(id string, anc ...int32) *secEntry {
		n++
		return &secEntry{sec: &notes.Section{ID: id}, doc: "d", n: n - 1, anc: anc}
	}
	type cand struct {
		e           *secEntry
		score, fact float64
	}
	parent := sec("4_5")
	child := sec("4_5_3", parent.n)
	grand := sec("4_5_3_2", child.n, parent.n)
	other := sec("4_6")
	tests := []struct {
		name string
		in   []cand
		want []string
	}{
		{"descendant close with as good a fact goes first",
			[]cand{{parent, 1.0, 0.2}, {other, 0.9, 0.3}, {child, 0.8, 0.3}},
			[]string{"4_6", "4_5_3", "4_5"}},
		{"descendant too far keeps its place",
			[]cand{{parent, 1.0, 0.2}, {other, 0.9, 0.3}, {child, 0.5, 0.3}},
			[]string{"4_5", "4_6", "4_5_3"}},
		{"descendant with a weaker fact keeps its place",
			[]cand{{parent, 1.0, 0.4}, {child, 0.9, 0.3}},
			[]string{"4_5", "4_5_3"}},
		{"a sibling section is not a descendant",
			[]cand{{sec("4_5_1", parent.n), 1.0, 0.2}, {child, 0.9, 0.3}},
			[]string{"4_5_1", "4_5_3"}},
		{"a chain ends most specific first",
			[]cand{{parent, 1.0, 0.1}, {child, 0.9, 0.2}, {grand, 0.8, 0.3}},
			[]string{"4_5_3_2", "4_5_3", "4_5"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var rs []ranked
			for _, c := range tc.in {
				rs = append(rs, ranked{e: c.e, score: c.score, best: c.fact})
			}
			preferSpecific(rs, 0.7)
			var got []string
			for _, c := range rs {
				got = append(got, c.e.sec.ID)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("order %v, want %v", got, tc.want)
			}
		})
	}
}
