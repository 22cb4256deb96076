// Package index is a Bleve full-text index over note sections: it builds the
// index, searches it, picks out the facts that answer a query, and answers
// pasted exam questions from the notes.
//
// It owns the search index, the query analysis (with index/stem, shared by
// quiz), ranking, highlighting and the answers to exam questions, and the
// eval files. Import rules (DESIGN.md, checked by deploy's TestImportRules): it
// imports notes and Bleve, never quiz, bot, cmd, a store or Slack.
package index

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	bindex "github.com/blevesearch/bleve_index_api"

	"github.com/devopsbot/devopsbot/notes"
)

// ErrEmptyQuery is returned when a query has no searchable words.
var ErrEmptyQuery = errors.New("index: empty query")

// ErrNoDocuments is returned by Build when it is given nothing to index.
var ErrNoDocuments = errors.New("index: no documents")

// bodyField is the one searchable field: a section's path (ancestor titles
// and its own title) followed by its text. A first measurement on these notes
// found one field far better than a boosted title field: Bleve scales a
// disjunction by the share of matching clauses, so a short boosted title
// ("Overview", used by 20 sections) wins wrongly.
const bodyField = "body"

// Index searches the sections of one or more notes documents. It is safe for
// concurrent use once built.
type Index struct {
	docs  []*notes.Document
	secs  []secEntry
	bi    bleve.Index
	al    *aliases
	pr    *priors             // exam technique for best guesses (ask_prior.go)
	df    map[string]int      // sections containing each term (with alias terms)
	ids   map[string]int32    // a number for each term of df, for matching fact tokens without string hashing
	vocab map[int][]vocabTerm // real words by length, for spelling correction
	multi bool                // more than one document: hits name theirs
	prm   rankParams
	// factPost lists the facts holding each term, by term number, in
	// order of section and fact: those of term id are
	// factPost[factOff[id]:factOff[id+1]]. A query's matching facts are
	// found there, not by going through every token.
	factPost []secFact
	factOff  []int32
	slots    sync.Pool // *[]int32 by section, all zero: candidateFacts' memory
	ask      askCache  // the answerer's fact index, built on first Ask (ask_score.go)

	snap   atomic.Pointer[snapshot] // the candidates' state for the index's snapshot (candidates.go)
	titles struct {                 // section titles with their trigrams (titleGrams)
		once sync.Once
		list []titleGram
	}
}

// secEntry is what the index keeps about one section for ranking and
// highlighting.
type secEntry struct {
	sec   *notes.Section
	doc   string
	head  map[string]bool // terms of the path and title
	title map[string]bool // terms of the own title
	facts []factEntry
	// headIDs and titleIDs are the numbers of the terms of head and title,
	// sorted: a query term is looked up by number, not hashed.
	headIDs, titleIDs []int32
	n                 int32   // its index in ix.secs
	anc               []int32 // the enclosing sections (indexes in ix.secs), nearest first
	empty             bool    // a heading with no text of its own (at most one word, numbers aside): never ranked
}

// factEntry is a fact's display text and its analysed tokens, with byte
// ranges into text.
type factEntry struct {
	text string   // the context bullets and the fact's own text, joined by notes.Sep
	ctx  []string // the context bullets
	toks []token
	ids  []int32 // ix.ids of each token's term, -1 when not in df
}

// secFact is fact number fact (an index into secEntry.facts) of section
// number sec (an index into Index.secs).
type secFact struct {
	sec, fact int32
}

type vocabTerm struct {
	term  string
	df    int
	runes uint64 // runeMask(term): lets corrections skip words too different to be close
}

// Hit is one ranked section.
type Hit struct {
	Section *notes.Section `json:"-"`
	Doc     string         `json:"doc"`
	ID      string         `json:"id"`
	Title   string         `json:"title"`
	Path    []string       `json:"path"`
	Score   float64        `json:"score"`
	Facts   []HitFact      `json:"facts"`
}

// HitFact is a fact of a hit with the query's matched terms located.
type HitFact struct {
	Context []string `json:"context,omitempty"` // parent bullets, outermost first
	Text    string   `json:"text"`              // the fact's own plain text
	Matches []Span   `json:"matches,omitempty"` // matched terms, in order
}

// Span is a half-open byte range [Start, End) of part In of a fact: In
// indexes its Context, and len(Context) (0 without context) is its Text.
type Span struct {
	In    int `json:"in,omitempty"`
	Start int `json:"start"`
	End   int `json:"end"`
}

// Part returns the text a span is in: a context bullet or the fact's text;
// "" for a span outside the fact.
func (f HitFact) Part(in int) string {
	switch {
	case in == len(f.Context):
		return f.Text
	case in >= 0 && in < len(f.Context):
		return f.Context[in]
	}
	return ""
}

// Options adjust Build.
type Options struct {
	// AliasFiles are extra alias lists in the format of the embedded one
	// (aliases.txt: one class of equivalent forms per line, separated by
	// "|"); they extend it, and lines sharing a form merge.
	AliasFiles [][]byte
	// NoDefaultAliases leaves out the embedded alias list.
	NoDefaultAliases bool

	// tfidf scores with Bleve's classic TF-IDF instead of BM25 (for
	// measurements).
	tfidf bool
}

// Build indexes all sections of docs in memory with the embedded aliases.
func Build(docs ...*notes.Document) (*Index, error) {
	return BuildWith(Options{}, docs...)
}

// BuildWith indexes all sections of docs in memory with opts.
func BuildWith(opts Options, docs ...*notes.Document) (*Index, error) {
	var files [][]byte
	if !opts.NoDefaultAliases {
		files = append(files, defaultAliases)
	}
	files = append(files, opts.AliasFiles...)
	al, err := parseAliases(files...)
	if err != nil {
		return nil, fmt.Errorf("build index: %w", err)
	}
	pr, err := parsePriors(defaultPriors)
	if err != nil {
		return nil, fmt.Errorf("build index: %w", err)
	}
	ix := &Index{al: al, pr: pr, df: map[string]int{}, vocab: map[int][]vocabTerm{}, prm: defaultParams()}
	for _, d := range docs {
		if d != nil {
			ix.docs = append(ix.docs, d)
		}
	}
	if len(ix.docs) == 0 {
		return nil, fmt.Errorf("build index: %w", ErrNoDocuments)
	}
	ix.multi = len(ix.docs) > 1

	im := mapping.NewIndexMapping()
	im.ScoringModel = bindex.BM25Scoring
	if opts.tfidf {
		im.ScoringModel = bindex.TFIDFScoring
	}
	im.DefaultMapping.Dynamic = false
	bi, err := bleve.NewUsing("", im, scorch.Name, scorch.Name, nil)
	if err != nil {
		return nil, fmt.Errorf("build index: create: %w", err)
	}
	batch := bi.NewBatch()
	seen := map[string]bool{}
	cache := analysisCache{}
	for _, d := range ix.docs {
		// The document's sections are ix.secs[base:base+len(d.Sections)].
		base := len(ix.secs)
		pos := make(map[string]int, len(d.Sections))
		for i := range d.Sections {
			pos[d.Sections[i].ID] = i
		}
		for i := range d.Sections {
			s := &d.Sections[i]
			e, body := ix.entry(d, s, cache)
			e.n = int32(base + i)
			for p := s.Parent; p != "" && len(e.anc) < 16; {
				j, ok := pos[p]
				if !ok {
					break
				}
				e.anc = append(e.anc, int32(base+j))
				p = d.Sections[j].Parent
			}
			for _, t := range body {
				if !seen[t.term] {
					seen[t.term] = true
					ix.df[t.term]++
				}
			}
			clear(seen)
			doc := document.NewDocument(strconv.Itoa(len(ix.secs)))
			doc.AddField(document.NewTextFieldCustom(bodyField, nil, nil,
				bindex.IndexField, preAnalyzed(body)))
			if err := batch.IndexAdvanced(doc); err != nil {
				_ = bi.Close()
				return nil, fmt.Errorf("build index: section %s: %w", s.ID, err)
			}
			ix.secs = append(ix.secs, e)
		}
	}
	if err := bi.Batch(batch); err != nil {
		_ = bi.Close()
		return nil, fmt.Errorf("build index: batch: %w", err)
	}
	ix.bi = bi
	ix.numberTerms()
	return ix, nil
}

// numberTerms numbers every indexed term (ix.ids), gives each fact token
// its term's number, and lists the vocabulary by length for spelling
// guesses.
func (ix *Index) numberTerms() {
	ix.ids = make(map[string]int32, len(ix.df))
	for term := range ix.df {
		ix.ids[term] = int32(len(ix.ids))
	}
	// Each (term, section, fact) once, in order of section and fact, then
	// placed by term (a counting sort keeps that order).
	type termFact struct{ id, sec, fact int32 }
	var all []termFact
	var seen []int32
	for i := range ix.secs {
		e := &ix.secs[i]
		for j := range e.facts {
			f := &e.facts[j]
			f.ids = make([]int32, len(f.toks))
			seen = seen[:0]
			for k, t := range f.toks {
				id, ok := ix.ids[t.term]
				if !ok {
					id = -1
				}
				f.ids[k] = id
				if ok && !slices.Contains(seen, id) {
					seen = append(seen, id)
					all = append(all, termFact{id, int32(i), int32(j)})
				}
			}
		}
		e.headIDs, e.titleIDs = ix.termIDs(e.head), ix.termIDs(e.title)
	}
	ix.factOff = make([]int32, len(ix.ids)+1)
	for _, a := range all {
		ix.factOff[a.id+1]++
	}
	for id := range len(ix.ids) {
		ix.factOff[id+1] += ix.factOff[id]
	}
	ix.factPost = make([]secFact, len(all))
	next := slices.Clone(ix.factOff[:len(ix.ids)])
	for _, a := range all {
		ix.factPost[next[a.id]] = secFact{a.sec, a.fact}
		next[a.id]++
	}
	n := len(ix.secs)
	ix.slots.New = func() any { s := make([]int32, n); return &s }
	for term, n := range ix.df {
		if strings.HasPrefix(term, "_") {
			continue
		}
		l := len([]rune(term))
		ix.vocab[l] = append(ix.vocab[l], vocabTerm{term, n, runeMask(term)})
	}
}

// termIDs returns the sorted numbers of the terms of set that have one.
func (ix *Index) termIDs(set map[string]bool) []int32 {
	out := make([]int32, 0, len(set))
	for term := range set {
		if id, ok := ix.ids[term]; ok {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

// entry analyses one section: its facts for highlighting and the token
// stream of the searchable field (path, title and text, with alias terms).
func (ix *Index) entry(d *notes.Document, s *notes.Section, cache analysisCache) (secEntry, []token) {
	e := secEntry{sec: s, doc: s.Doc, head: map[string]bool{}, title: map[string]bool{}}
	if e.doc == "" {
		e.doc = d.Name
	}
	path := strings.Join(s.Path, notes.Sep)
	if len(s.Path) == 0 {
		path = s.Title
	}
	body := ix.al.expand(analyzeAll(path))
	for _, t := range body {
		e.head[t.term] = true
	}
	for _, t := range ix.al.expand(analyzeAll(s.Title)) {
		e.title[t.term] = true
	}
	text := s.Text
	if strings.TrimSpace(text) == "" {
		var b strings.Builder
		for _, f := range s.Facts {
			b.WriteString(f.Text)
			b.WriteByte('\n')
		}
		text = b.String()
	}
	last := 0
	if len(body) > 0 {
		last = body[len(body)-1].pos
	}
	// A gap of positions keeps phrases from spanning path and text.
	body = append(body, ix.al.expand(appendTokens(nil, text, last+1))...)
	for _, f := range s.Facts {
		ft := f.FullText()
		if strings.TrimSpace(ft) == "" {
			continue
		}
		e.facts = append(e.facts, factEntry{text: ft, ctx: f.Context, toks: ix.al.expand(cache.fact(f))})
	}
	// Code blocks are searchable too (IAM policies, appspec files) and can
	// be shown as facts, cut to a readable length.
	for _, c := range s.Code {
		if strings.TrimSpace(c.Text) == "" {
			continue
		}
		if len(body) > 0 {
			last = body[len(body)-1].pos
		}
		body = append(body, ix.al.expand(appendTokens(nil, c.Text, last+1))...)
		ct := shorten(strings.TrimSpace(c.Text), maxCodeFact)
		e.facts = append(e.facts, factEntry{text: ct, toks: ix.al.expand(analyzeAll(ct))})
	}
	e.empty = len(s.Code) == 0 && wordCount(text) < 2
	return e, body
}

// wordCount returns how many distinct words with letters text has, stop
// words aside.
func wordCount(text string) int {
	seen := map[string]bool{}
	for _, t := range analyze(text) {
		if strings.IndexFunc(t.term, unicode.IsLetter) >= 0 {
			seen[t.term] = true
		}
	}
	return len(seen)
}

// analysisCache holds the tokens of fact texts: a parent bullet is the
// context of each of its children and is analysed once.
type analysisCache map[string][]token

// fact returns the tokens of f.FullText() (stop words included), with byte
// ranges into it. The slice is the caller's.
func (c analysisCache) fact(f notes.Fact) []token {
	var parts [8][]token
	pieces := parts[:0]
	n := 0
	for i := 0; i <= len(f.Context); i++ {
		piece := f.Text
		if i < len(f.Context) {
			piece = f.Context[i]
		}
		toks, ok := c[piece]
		if !ok {
			toks = analyzeAll(piece)
			c[piece] = toks
		}
		pieces = append(pieces, toks)
		n += len(toks)
	}
	out := make([]token, 0, n)
	off, base := 0, 0
	for i, toks := range pieces {
		for _, t := range toks {
			t.start += off
			t.end += off
			t.pos += base
			out = append(out, t)
		}
		if i < len(f.Context) {
			off += len(f.Context[i]) + len(notes.Sep)
		}
		if len(out) > 0 {
			base = out[len(out)-1].pos + 1
		}
	}
	return out
}

// preAnalyzed is a Bleve analyzer that returns tokens analysed beforehand by
// our own analyzer, so Bleve indexes exactly the terms we search for.
type preAnalyzed []token

// Analyze implements analysis.Analyzer; the input is ignored.
func (p preAnalyzed) Analyze([]byte) analysis.TokenStream {
	ts := make(analysis.TokenStream, len(p))
	backing := make([]analysis.Token, len(p))
	for i, t := range p {
		backing[i] = analysis.Token{Term: []byte(t.term), Start: t.start, End: t.end, Position: t.pos, Type: analysis.AlphaNumeric}
		ts[i] = &backing[i]
	}
	return ts
}

// Docs returns the indexed documents.
func (ix *Index) Docs() []*notes.Document { return ix.docs }

// Close releases the Bleve index.
func (ix *Index) Close() error {
	if ix == nil || ix.bi == nil {
		return nil
	}
	return ix.bi.Close()
}

// Suggest returns up to k section titles close to query, for "nothing
// matched" replies: titles sharing the most letter trigrams with the query,
// or when none does, the top-level titles.
func (ix *Index) Suggest(ctx context.Context, query string, k int) []string {
	if ix == nil || k <= 0 {
		return nil
	}
	return ix.suggest(query, k)
}

// maxCodeFact is the longest code block shown as a fact, in bytes.
const maxCodeFact = 600

// shorten cuts s to at most n bytes at a line end when it can.
func shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := strings.LastIndexByte(s[:n], '\n')
	if cut < n/2 {
		cut = n
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
	}
	return strings.TrimRight(s[:cut], " \t\n") + "\n…"
}
