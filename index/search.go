package index

import (
	"context"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
)

// Search limits and ranking weights. The weights were tuned on the
// development eval set as a whole (see BENCHMARKS.md and the report of issue
// 3), never for single items.
const (
	maxQueryBytes     = 4 << 10 // longer queries are cut (a long exam question is ~2 KB)
	maxQueryTerms     = 48      // distinct terms kept, highest IDF first
	maxBleveTerms     = 24      // of which Bleve ranks candidates by at most these
	commonShare       = 0.3     // and, in long queries, not terms in more than this share of sections
	maxCorrections    = 8       // misspelt words corrected per query
	maxCorrectedQuery = 24      // queries with more tokens are not spelling-corrected
	maxK              = 100     // hits returned at most
	minCandidates     = 20      // sections ranked by Bleve before re-ranking
	maxFactsPerHit    = 3
	frameMinTokens    = 12  // queries with more tokens are exam questions: their frame words weigh little
	frameWeight       = 0.1 // the weight of such a frame word ("company", "solution")
)

// rankParams are the ranking weights. A section's score adds up: Bleve's
// BM25 score (relative to the best hit's), the best fact's weighted share of
// the query's ideas (plus a bonus for query word pairs side by side in it),
// and the shares found in the path and in the own title.
type rankParams struct {
	alias    float64 // an alias class term, relative to an exact term
	fuzzy    float64 // a spelling correction at distance 1 (halved at 2)
	fact     float64 // best fact coverage
	head     float64 // path coverage
	title    float64 // own title coverage
	bigram   float64 // share of adjacent query word pairs adjacent in a fact
	bm25     float64 // weight of Bleve's score relative to the best hit's
	factKeep float64 // extra facts shown must score this share of the best
	factPath float64 // share of a path match that counts inside each fact
	specific float64 // an enclosing section yields to a descendant scoring at least this share of it (0: off)
}

// defaultParams returns the weights measured best on the development set
// (see BENCHMARKS.md, "## index").
func defaultParams() rankParams {
	return rankParams{
		alias:    1.0,
		fuzzy:    0.6,
		fact:     0.9,
		head:     0.35,
		title:    0.3,
		bigram:   0.15,
		bm25:     1.0,
		factKeep: 0.5,
		factPath: 0.5,
		specific: 0.7,
	}
}

// qterm is one distinct search term of a query.
type qterm struct {
	term   string
	weight float64 // boost relative to an exact term
	idf    float64
	group  int // index into plan.groups
}

// qgroup is one idea of the query: the terms of one word or phrase (its
// parts, glued form, spelling corrections and alias class terms). Coverage
// counts each group once, so "ASG" and "auto scaling group" in a fact
// weigh the same.
type qgroup struct {
	weight float64 // what a full match is worth: the alias class's IDF, else the best term's
	terms  []int   // indexes into plan.terms
}

// plan is an analysed query.
type plan struct {
	terms   []qterm
	groups  []qgroup
	index   map[string]int // term -> index in terms
	bigrams [][2]string    // adjacent query words, for proximity
	total   float64        // sum of group weights

	// The same terms and word pairs by their number in the index (ix.ids),
	// for matching fact tokens (factEntry.ids) without hashing strings: a
	// 256-bit filter turns most tokens away, the rest look through ids.
	ids         []int32    // ix.ids of terms[i]
	filter      [4]uint64  // bit id&255 set for every id
	bigramID    [][2]int32 // bigrams by number
	bigramFirst [4]uint64  // filter of the first ids of bigramID
}

// term returns the index in p.terms of the term numbered id, or -1.
func (p *plan) term(id int32) int {
	if id < 0 || p.filter[(id>>6)&3]&(1<<(id&63)) == 0 {
		return -1
	}
	for i, x := range p.ids {
		if x == id {
			return i
		}
	}
	return -1
}

// plan analyses query: tokens, spelling correction of unknown words, alias
// terms, groups and weights. It returns ErrEmptyQuery when the query has no
// words at all; a plan with no terms means words that nothing in the notes
// contains.
func (ix *Index) plan(q string) (*plan, error) {
	q = strings.ToValidUTF8(q, " ")
	if len(q) > maxQueryBytes {
		cut := maxQueryBytes
		for cut > 0 && !utf8.RuneStart(q[cut]) {
			cut--
		}
		q = q[:cut]
	}
	all := analyzeAll(q)
	toks := dropStops(slices.Clone(all))
	if len(toks) == 0 {
		return nil, ErrEmptyQuery
	}
	// Correct unknown words (not in the notes, not in an alias form) to
	// close words of the notes; corrected tokens take part in alias matching.
	corrected := make([]token, 0, len(all))
	fuzzy := map[string]float64{}
	var guessed []occ // words replaced by spelling guesses
	nCorr := 0
	if len(toks) > maxCorrectedQuery {
		nCorr = maxCorrections // long questions: spelling is seldom the problem, guesses add noise
	}
	for _, t := range all {
		if _, ok := ix.df[t.term]; ok || t.stop || ix.al.terms[t.term] || nCorr >= maxCorrections {
			corrected = append(corrected, t)
			continue
		}
		nCorr++
		guessed = append(guessed, occ{t.term, t.start, t.end})
		for _, c := range ix.corrections(t.term) {
			corrected = append(corrected, token{term: c.term, start: t.start, end: t.end, pos: t.pos})
			w := max(ix.prm.fuzzy, 1e-9) / float64(c.dist)
			if w > fuzzy[c.term] {
				fuzzy[c.term] = w
			}
		}
	}
	expanded := ix.al.expand(corrected)

	// Distinct known terms with their weight, and every occurrence's byte
	// range in the query for grouping.
	weights := map[string]float64{}
	order := []string{}
	exact := false // some word matched as written (or through an alias)
	occs := make([]occ, 0, len(expanded))
	for _, t := range expanded {
		if _, ok := ix.df[t.term]; !ok {
			continue
		}
		// A term is a guess when it stands where a misspelt word was: a
		// correction, or an alias reached through one.
		isFuzzy := within(t, guessed)
		if _, corrected := fuzzy[t.term]; isFuzzy && !corrected && !strings.HasPrefix(t.term, "_") {
			isFuzzy = false // a known part of a misspelt compound ("Capabilities")
		}
		if isFuzzy && ix.prm.fuzzy == 0 {
			continue
		}
		w := 1.0
		switch {
		case strings.HasPrefix(t.term, "_"):
			w = ix.prm.alias
			if isFuzzy {
				w = ix.prm.fuzzy
			}
		case isFuzzy:
			w = fuzzy[t.term]
		}
		if len(toks) > frameMinTokens && ix.al.frame[t.term] {
			w *= frameWeight
		}
		occs = append(occs, occ{t.term, t.start, t.end})
		if !isFuzzy {
			exact = true
		}
		if old, ok := weights[t.term]; ok {
			weights[t.term] = max(old, w)
			continue
		}
		weights[t.term] = w
		order = append(order, t.term)
	}
	p := &plan{index: map[string]int{}}
	if !exact && unmatched(toks, occs) {
		// Only guessed spellings, and some words matched nothing at all:
		// better "nothing matched" than sections about the guesses.
		return p, nil
	}
	n := float64(len(ix.secs))
	for _, term := range order {
		df := float64(ix.df[term])
		idf := math.Log(1 + (n-df+0.5)/(df+0.5))
		p.terms = append(p.terms, qterm{term: term, weight: weights[term], idf: idf})
	}
	sort.SliceStable(p.terms, func(i, j int) bool {
		return p.terms[i].weight*p.terms[i].idf > p.terms[j].weight*p.terms[j].idf
	})
	if len(p.terms) > maxQueryTerms {
		p.terms = p.terms[:maxQueryTerms]
	}
	p.ids = make([]int32, len(p.terms))
	for i := range p.terms {
		p.index[p.terms[i].term] = i
		id := ix.ids[p.terms[i].term] // every term of the plan is in df
		p.ids[i] = id
		p.filter[(id>>6)&3] |= 1 << (id & 63)
	}
	// Group terms with overlapping occurrences in the query: one word, its
	// parts, its corrections, the alias phrases it belongs to.
	parent := make([]int, len(p.terms))
	for i := range parent {
		parent[i] = i
	}
	find := func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	sort.Slice(occs, func(i, j int) bool { return occs[i].start < occs[j].start })
	open := -1 // the occurrence reaching furthest among those overlapping so far
	for i, o := range occs {
		ti, ok := p.index[o.term]
		if !ok {
			continue
		}
		if open >= 0 && o.start < occs[open].end {
			parent[find(ti)] = find(p.index[occs[open].term])
			if o.end > occs[open].end {
				open = i
			}
			continue
		}
		open = i
	}
	gi := map[int]int{}
	for i := range p.terms {
		r := find(i)
		g, ok := gi[r]
		if !ok {
			g = len(p.groups)
			gi[r] = g
			p.groups = append(p.groups, qgroup{})
		}
		p.terms[i].group = g
		p.groups[g].terms = append(p.groups[g].terms, i)
	}
	for g := range p.groups {
		grp := &p.groups[g]
		canon, best := 0.0, 0.0
		for _, i := range grp.terms {
			t := p.terms[i]
			if strings.HasPrefix(t.term, "_") {
				canon = max(canon, t.weight*t.idf)
			}
			best = max(best, t.weight*t.idf)
		}
		grp.weight = best
		if canon > 0 {
			grp.weight = canon
		}
		p.total += grp.weight
	}
	// Adjacent words (the first term at each position) for proximity.
	prevPos, prev := -1, ""
	for _, t := range toks {
		if t.pos == prevPos {
			continue
		}
		if _, ok := p.index[t.term]; ok && prev != "" && t.pos == prevPos+1 {
			p.bigrams = append(p.bigrams, [2]string{prev, t.term})
			first := ix.ids[prev]
			p.bigramID = append(p.bigramID, [2]int32{first, ix.ids[t.term]})
			p.bigramFirst[(first>>6)&3] |= 1 << (first & 63)
		}
		prevPos, prev = t.pos, t.term
		if _, ok := p.index[t.term]; !ok {
			prev = ""
		}
	}
	return p, nil
}

// occ is one occurrence of a search term in the query, by byte range.
type occ struct {
	term       string
	start, end int
}

// within reports whether t lies inside one of the ranges.
func within(t token, rs []occ) bool {
	for _, r := range rs {
		if r.start <= t.start && t.end <= r.end {
			return true
		}
	}
	return false
}

// unmatched reports whether some token of the query overlaps no term
// occurrence.
func unmatched(toks []token, occs []occ) bool {
	for _, t := range toks {
		hit := false
		for _, o := range occs {
			if o.start < t.end && t.start < o.end {
				hit = true
				break
			}
		}
		if !hit {
			return true
		}
	}
	return false
}

type correction struct {
	term string
	dist int
}

// corrections returns the words of the notes closest to an unknown word:
// edit distance 1 for words of 4-8 letters, up to 2 from 9 letters, with
// transpositions counting once ("cloudtrial"). Ties go to the more common
// word; at most two are returned.
func (ix *Index) corrections(w string) []correction {
	rw := []rune(w)
	n := len(rw)
	if n < 4 {
		return nil
	}
	maxD := 1
	if n >= 9 {
		maxD = 2
	}
	type cand struct {
		vocabTerm
		d int
	}
	var best []cand
	buf := make([]int, 3*(n+maxD+2))
	for l := n - maxD; l <= n+maxD; l++ {
		for _, v := range ix.vocab[l] {
			d := osaDistance(rw, v.term, maxD, buf)
			if d <= maxD {
				best = append(best, cand{v, d})
			}
		}
	}
	if len(best) == 0 {
		return nil
	}
	sort.Slice(best, func(i, j int) bool {
		if best[i].d != best[j].d {
			return best[i].d < best[j].d
		}
		if best[i].df != best[j].df {
			return best[i].df > best[j].df
		}
		return best[i].term < best[j].term
	})
	var out []correction
	for _, c := range best {
		if c.d > best[0].d || len(out) == 2 {
			break
		}
		out = append(out, correction{c.term, c.d})
	}
	return out
}

// osaDistance is the optimal string alignment distance between a and b
// (insertions, deletions, substitutions, adjacent transpositions), or
// maxD+1 when it exceeds maxD. buf is scratch space.
func osaDistance(a []rune, bs string, maxD int, buf []int) int {
	var br [64]rune
	b := br[:0]
	for _, r := range bs {
		if len(b) == cap(br) {
			return maxD + 1
		}
		b = append(b, r)
	}
	if len(a) >= cap(br) {
		return maxD + 1
	}
	la, lb := len(a), len(b)
	if la-lb > maxD || lb-la > maxD {
		return maxD + 1
	}
	w := lb + 1
	if len(buf) < 3*w {
		buf = make([]int, 3*w)
	}
	prev2, prev, cur := buf[0:w], buf[w:2*w], buf[2*w:3*w]
	for j := 0; j <= lb; j++ {
		prev[j] = j
	}
	for i := 1; i <= la; i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= lb; j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				v = min(v, prev2[j-2]+1)
			}
			cur[j] = v
			rowMin = min(rowMin, v)
		}
		if rowMin > maxD {
			return maxD + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[lb]
}

// Search returns up to k hits for query, best first. A query with nothing
// searchable (no words, only stop words or punctuation) returns
// ErrEmptyQuery; words that nothing in the notes matches give no hits and no
// error. The query is plain text: no query-string syntax is interpreted.
func (ix *Index) Search(ctx context.Context, q string, k int) ([]Hit, error) {
	if k <= 0 {
		k = 10
	}
	k = min(k, maxK)
	p, err := ix.plan(q)
	if err != nil {
		return nil, err
	}
	if len(p.terms) == 0 {
		return nil, nil
	}
	clauses := make([]query.Query, 0, len(p.terms))
	for i, t := range p.terms {
		// Long queries: only the most telling terms go to Bleve (the rest
		// still count in re-ranking); common terms cost the most postings.
		if i >= maxBleveTerms {
			break
		}
		if len(p.terms) > 12 && float64(ix.df[t.term]) > commonShare*float64(len(ix.secs)) {
			continue
		}
		tq := bleve.NewTermQuery(t.term)
		tq.SetField(bodyField)
		tq.SetBoost(t.weight)
		clauses = append(clauses, tq)
	}
	dq := bleve.NewDisjunctionQuery(clauses...)
	req := bleve.NewSearchRequestOptions(dq, max(k, minCandidates), 0, false)
	res, err := ix.bi.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", truncate(q, 60), err)
	}
	if len(res.Hits) == 0 {
		return nil, nil
	}
	top := res.Hits[0].Score
	if top <= 0 {
		top = 1
	}
	type ranked struct {
		e     *secEntry
		score float64
		facts []rankedFact
	}
	rs := make([]ranked, 0, len(res.Hits))
	scored := make([]rankedFact, 0, 4*len(res.Hits))
	for _, h := range res.Hits {
		i, err := strconv.Atoi(h.ID)
		if err != nil || i < 0 || i >= len(ix.secs) {
			continue
		}
		e := &ix.secs[i]
		from := len(scored)
		scored = p.scoreFacts(e, ix.prm.bigram, ix.prm.factPath, scored)
		facts := scored[from:len(scored):len(scored)]
		best := 0.0
		if len(facts) > 0 {
			best = facts[0].score
		}
		score := ix.prm.bm25*h.Score/top + ix.prm.fact*best + ix.prm.head*p.coverage(e.head) + ix.prm.title*p.coverage(e.title)
		rs = append(rs, ranked{e: e, score: score, facts: facts})
	}
	// A heading with no text of its own ranks only when nothing else matched.
	if slices.ContainsFunc(rs, func(r ranked) bool { return !r.e.empty }) {
		rs = slices.DeleteFunc(rs, func(r ranked) bool { return r.e.empty })
	}
	sort.SliceStable(rs, func(i, j int) bool { return rs[i].score > rs[j].score })
	preferSpecific(rs, ix.prm.specific, func(r ranked) (float64, float64, *secEntry) {
		best := 0.0
		if len(r.facts) > 0 {
			best = r.facts[0].score
		}
		return r.score, best, r.e
	})
	if len(rs) > k {
		rs = rs[:k]
	}
	hits := make([]Hit, 0, len(rs))
	for _, r := range rs {
		s := r.e.sec
		h := Hit{Section: s, Doc: r.e.doc, ID: s.ID, Title: s.Title, Path: s.Path, Score: math.Round(r.score*1000) / 1000}
		h.Facts = p.pickFacts(r.e, r.facts, ix.prm.factKeep)
		hits = append(hits, h)
	}
	return hits, nil
}

// preferSpecific moves a section below a descendant of it (by the Parent
// chain, same document) that ranks lower but scores at least frac of its
// score and whose best fact matches the query at least as well as the
// section's own best fact: the notes' answers sit in the most specific
// section, and an enclosing one mostly ranks high on the breadth of its
// text, not on a better fact. Sections keep their scores; only the order
// changes. rs must be sorted best first; of reports a candidate's score,
// best fact score and entry.
func preferSpecific[T any](rs []T, frac float64, of func(T) (float64, float64, *secEntry)) {
	if frac <= 0 {
		return
	}
	// Each move puts a section below one of its descendants, so it happens at
	// most once per (section, descendant) pair; the bound is a safeguard.
	for i, moves := 0, 0; i < len(rs) && moves < len(rs)*len(rs); i++ {
		score, fact, e := of(rs[i])
		for j := len(rs) - 1; j > i; j-- {
			ds, df, de := of(rs[j])
			if ds < frac*score || df < fact || de.doc != e.doc || !slices.Contains(de.anc, e.sec.ID) {
				continue
			}
			a := rs[i]
			copy(rs[i:j], rs[i+1:j+1])
			rs[j] = a
			moves++
			i-- // look again at the section now at i
			break
		}
	}
}

// coverage is the weighted share of the query's groups found in set.
func (p *plan) coverage(set map[string]bool) float64 {
	if p.total == 0 {
		return 0
	}
	var arr [maxQueryTerms]float64
	buf := arr[:len(p.groups)]
	for _, t := range p.terms {
		if set[t.term] {
			buf[t.group] = max(buf[t.group], min(t.weight*t.idf, p.groups[t.group].weight))
		}
	}
	s := 0.0
	for _, v := range buf {
		s += v
	}
	return s / p.total
}

// rankedFact is a fact of a section with its match score.
type rankedFact struct {
	i     int
	score float64
}

// scoreFacts scores every fact of e by the weighted share of the query's
// groups it holds, plus a bonus for query word pairs that appear side by
// side, best first; facts matching nothing are left out. The scored facts
// are appended to out, and the extended slice is returned.
func (p *plan) scoreFacts(e *secEntry, bigramW, ctxW float64, out []rankedFact) []rankedFact {
	if p.total == 0 {
		return out
	}
	start := len(out)
	var arr, headArr [maxQueryTerms]float64
	buf := arr[:len(p.groups)]
	// What the path already says counts for every fact of the section
	// ("Parameters per stack: 60" under "CloudFormation › Limits").
	head := headArr[:len(p.groups)]
	if ctxW > 0 {
		for _, t := range p.terms {
			if e.head[t.term] {
				head[t.group] = max(head[t.group], ctxW*min(t.weight*t.idf, p.groups[t.group].weight))
			}
		}
	}
	for fi := range e.facts {
		f := &e.facts[fi]
		copy(buf, head)
		matched := false
		for _, id := range f.ids {
			if i := p.term(id); i >= 0 {
				t := &p.terms[i]
				buf[t.group] = max(buf[t.group], min(t.weight*t.idf, p.groups[t.group].weight))
				matched = true
			}
		}
		if !matched {
			continue
		}
		s := 0.0
		for _, v := range buf {
			s += v
		}
		s /= p.total
		if len(p.bigrams) > 0 && bigramW > 0 {
			s += bigramW * bigramShare(f.toks, f.ids, p.bigramID, &p.bigramFirst)
		}
		out = append(out, rankedFact{fi, s})
	}
	slices.SortStableFunc(out[start:], func(a, b rankedFact) int {
		switch {
		case a.score > b.score:
			return -1
		case a.score < b.score:
			return 1
		}
		return 0
	})
	return out
}

// bigramShare is the share of the query's adjacent word pairs that occur at
// adjacent positions in toks (at most 64 pairs count).
// first filters the tokens that may begin a pair (bit id&255 of each pair's
// first id).
func bigramShare(toks []token, ids []int32, bigrams [][2]int32, first *[4]uint64) float64 {
	var found uint64
	n := min(len(bigrams), 64)
	for i := range toks {
		if id := ids[i]; id < 0 || first[(id>>6)&3]&(1<<(id&63)) == 0 {
			continue
		}
		for j := i + 1; j < len(toks) && toks[j].pos <= toks[i].pos+1; j++ {
			if toks[j].pos != toks[i].pos+1 {
				continue
			}
			for b := 0; b < n; b++ {
				if bigrams[b][0] == ids[i] && bigrams[b][1] == ids[j] {
					found |= 1 << b
				}
			}
		}
	}
	return float64(bits.OnesCount64(found)) / float64(len(bigrams))
}

// pickFacts returns the one to three best facts of a hit with their matched
// terms located; a hit matched only through its title shows its first fact.
func (p *plan) pickFacts(e *secEntry, facts []rankedFact, keep float64) []HitFact {
	var out []HitFact
	for _, sf := range facts {
		if len(out) == maxFactsPerHit || (len(out) > 0 && sf.score < keep*facts[0].score) {
			break
		}
		f := &e.facts[sf.i]
		out = append(out, HitFact{Text: f.text, Matches: p.spans(f)})
	}
	if len(out) == 0 && len(e.facts) > 0 {
		out = append(out, HitFact{Text: e.facts[0].text})
	}
	if out == nil {
		out = []HitFact{}
	}
	return out
}

// spans returns the merged byte ranges of f's tokens that match the query.
func (p *plan) spans(f *factEntry) []Span {
	var sp []Span
	for k, t := range f.toks {
		if p.term(f.ids[k]) >= 0 {
			sp = append(sp, Span{t.start, t.end})
		}
	}
	if len(sp) == 0 {
		return nil
	}
	slices.SortFunc(sp, func(a, b Span) int {
		if a.Start != b.Start {
			return a.Start - b.Start
		}
		return b.End - a.End
	})
	out := sp[:1]
	for _, s := range sp[1:] {
		last := &out[len(out)-1]
		if s.Start <= last.End {
			last.End = max(last.End, s.End)
			continue
		}
		out = append(out, s)
	}
	return out
}

// suggest ranks section titles by shared letter trigrams with query.
func (ix *Index) suggest(q string, k int) []string {
	q = strings.ToValidUTF8(q, " ")
	if len(q) > maxQueryBytes {
		q = q[:maxQueryBytes]
		q = strings.ToValidUTF8(q, "")
	}
	qg := trigrams(q)
	type cand struct {
		title string
		score float64
		level int
	}
	var cs []cand
	seen := map[string]bool{}
	for i := range ix.secs {
		s := ix.secs[i].sec
		if s.Title == "" || seen[s.Title] {
			continue
		}
		seen[s.Title] = true
		tg := trigrams(s.Title)
		shared := 0
		for g := range tg {
			if qg[g] {
				shared++
			}
		}
		score := 0.0
		if len(tg) > 0 && shared > 0 {
			score = float64(shared) / math.Sqrt(float64(len(tg)*max(len(qg), 1)))
		}
		cs = append(cs, cand{s.Title, score, s.Level})
	}
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].score > cs[j].score })
	var out []string
	for _, c := range cs {
		if len(out) == k || c.score < 0.2 {
			break
		}
		out = append(out, c.title)
	}
	if len(out) > 0 {
		return out
	}
	// Nothing close: offer the level-two headings (the services and topics).
	for i := range ix.secs {
		s := ix.secs[i].sec
		if s.Level == 2 && s.Title != "" && len(out) < k {
			out = append(out, s.Title)
		}
	}
	return out
}

// trigrams returns the letter trigrams of the lower-cased words of s, each
// word padded with spaces.
func trigrams(s string) map[string]bool {
	g := map[string]bool{}
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !isWordRune(r) }) {
		if stopWords[w] {
			continue
		}
		r := []rune(" " + w + " ")
		for i := 0; i+3 <= len(r); i++ {
			g[string(r[i:i+3])] = true
		}
		if len(g) > 2000 {
			break
		}
	}
	return g
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
