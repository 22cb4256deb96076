package index

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"unicode/utf8"

	"github.com/devopsbot/devopsbot/notes"
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
	cands, err := ix.candidates(ctx, p, k)
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", truncate(q, 60), err)
	}
	if len(cands) == 0 {
		return nil, nil
	}
	top := cands[0].score
	if top <= 0 {
		top = 1
	}
	rs := make([]ranked, 0, len(cands))
	scored := make([]rankedFact, 0, 4*len(cands))
	masks := p.pairMasks()
	held := ix.candidateFacts(p, cands)
	for _, c := range cands {
		e := &ix.secs[c.sec]
		head := p.termBits(e.headIDs)
		from := len(scored)
		scored = p.scoreFacts(e, head, ix.prm.bigram, ix.prm.factPath, masks, held[:len(e.facts)], scored)
		held = held[len(e.facts):]
		facts := scored[from:len(scored):len(scored)]
		best := 0.0
		if len(facts) > 0 {
			best = facts[0].score
		}
		score := ix.prm.bm25*c.score/top + ix.prm.fact*best + ix.prm.head*p.coverage(head) + ix.prm.title*p.coverage(p.termBits(e.titleIDs))
		rs = append(rs, ranked{e: e, score: score, best: best, facts: facts})
	}
	// A heading with no text of its own ranks only when nothing else matched.
	if slices.ContainsFunc(rs, func(r ranked) bool { return !r.e.empty }) {
		rs = slices.DeleteFunc(rs, func(r ranked) bool { return r.e.empty })
	}
	slices.SortStableFunc(rs, func(a, b ranked) int { return cmp.Compare(b.score, a.score) })
	preferSpecific(rs, ix.prm.specific)
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

// ranked is a candidate section with its score, its best fact's score and
// its scored facts, best first.
type ranked struct {
	e     *secEntry
	score float64
	best  float64
	facts []rankedFact
}

// preferSpecific moves a section below a descendant of it (by the Parent
// chain) that ranks lower but scores at least frac of its
// score and whose best fact matches the query at least as well as the
// section's own best fact: the notes' answers sit in the most specific
// section, and an enclosing one mostly ranks high on the breadth of its
// text, not on a better fact. Sections keep their scores; only the order
// changes. rs must be sorted best first.
func preferSpecific(rs []ranked, frac float64) {
	if frac <= 0 {
		return
	}
	// Each move puts a section below one of its descendants, so it happens at
	// most once per (section, descendant) pair; the bound is a safeguard.
	for i, moves := 0, 0; i < len(rs) && moves < len(rs)*len(rs); i++ {
		r := &rs[i]
		low := frac * r.score
		for j := len(rs) - 1; j > i; j-- {
			d := &rs[j]
			if d.score < low || d.best < r.best || !slices.Contains(d.e.anc, r.e.n) {
				continue
			}
			a := *r
			copy(rs[i:j], rs[i+1:j+1])
			rs[j] = a
			moves++
			i-- // look again at the section now at i
			break
		}
	}
}

// termBits returns the query terms among set, the sorted numbers of a
// section's terms (headIDs, titleIDs): bit i for p.terms[i].
func (p *plan) termBits(set []int32) uint64 {
	var m uint64
	for _, id := range set {
		if i := p.term(id); i >= 0 {
			m |= 1 << i
		}
	}
	return m
}

// coverage is the weighted share of the query's groups that the terms in
// m (termBits) hold.
func (p *plan) coverage(m uint64) float64 {
	if p.total == 0 {
		return 0
	}
	var arr [maxQueryTerms]float64
	buf := arr[:len(p.groups)]
	p.addShares(buf, m, 1)
	s := 0.0
	for _, v := range buf {
		s += v
	}
	return s / p.total
}

// addShares raises buf[g], for the group g of each term in m, to the
// term's share of the query (p.share) times w, if that is more.
func (p *plan) addShares(buf []float64, m uint64, w float64) {
	for ; m != 0; m &= m - 1 {
		i := bits.TrailingZeros64(m)
		g := p.terms[i].group
		if w == 1 {
			buf[g] = max(buf[g], p.share[i])
		} else {
			buf[g] = max(buf[g], w*p.share[i])
		}
	}
}

// rankedFact is a fact of a section with its match score.
type rankedFact struct {
	i     int
	score float64
}

// scoreFacts scores every fact of e by the weighted share of the query's
// groups it holds, plus a bonus for query word pairs that appear side by
// side, best first; facts matching nothing are left out. head holds the
// query terms of e's path (termBits), held the query terms of its facts
// (candidateFacts' records of e). The scored facts are appended to out, and
// the extended slice is returned.
func (p *plan) scoreFacts(e *secEntry, head uint64, bigramW, ctxW float64, pairMasks []uint64, held []uint64, out []rankedFact) []rankedFact {
	if p.total == 0 {
		return out
	}
	start := len(out)
	var arr, headArr [maxQueryTerms]float64
	buf, headShares := arr[:len(p.groups)], headArr[:len(p.groups)]
	// What the path already says counts for every fact of the section
	// ("Parameters per stack: 60" under "CloudFormation › Limits").
	if ctxW > 0 {
		p.addShares(headShares, head, ctxW)
	}
	for fi, h := range held {
		if h == 0 {
			continue
		}
		copy(buf, headShares)
		p.addShares(buf, h, 1)
		s := 0.0
		for _, v := range buf {
			s += v
		}
		s /= p.total
		// Only a fact holding both words of a pair can have them side by side.
		if len(p.bigrams) > 0 && bigramW > 0 && slices.ContainsFunc(pairMasks, func(m uint64) bool { return h&m == m }) {
			f := &e.facts[fi]
			s += bigramW * bigramShare(f.toks, f.ids, p.bigramID, &p.bigramFirst)
		}
		out = append(out, rankedFact{fi, s})
	}
	slices.SortStableFunc(out[start:], func(a, b rankedFact) int { return cmp.Compare(b.score, a.score) })
	return out
}

// candidateFacts returns, for each fact of each candidate in turn, the
// query terms it holds (bit i for p.terms[i]), from the index's lists of
// facts by term (factPost).
func (ix *Index) candidateFacts(p *plan, cands []candidate) []uint64 {
	sp := ix.slots.Get().(*[]int32)
	defer ix.slots.Put(sp)
	at := *sp // by section: 1 + where its facts start in held
	n := 0
	for _, c := range cands {
		at[c.sec] = int32(n + 1)
		n += len(ix.secs[c.sec].facts)
	}
	held := make([]uint64, n)
	for ti, id := range p.ids {
		for _, sf := range ix.factPost[ix.factOff[id]:ix.factOff[id+1]] {
			if i := at[sf.sec]; i > 0 {
				held[int(i)-1+int(sf.fact)] |= 1 << ti
			}
		}
	}
	for _, c := range cands {
		at[c.sec] = 0
	}
	return held
}

// pairMasks returns for each word pair of the query (p.bigrams) the bits
// of its two terms (bit i for p.terms[i]).
func (p *plan) pairMasks() []uint64 {
	masks := make([]uint64, 0, len(p.bigramID))
	for _, b := range p.bigramID {
		var m uint64 // 0, which every fact passes, were a word not a term
		if i, j := p.term(b[0]), p.term(b[1]); i >= 0 && j >= 0 {
			m = 1<<i | 1<<j
		}
		masks = append(masks, m)
	}
	return masks
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
	out := make([]HitFact, 0, min(maxFactsPerHit, max(len(facts), 1)))
	var spanArr [32]Span
	for _, sf := range facts {
		if len(out) == maxFactsPerHit || (len(out) > 0 && sf.score < keep*facts[0].score) {
			break
		}
		f := &e.facts[sf.i]
		out = append(out, f.hit(p.spans(f, spanArr[:0])))
	}
	if len(out) == 0 && len(e.facts) > 0 {
		out = append(out, e.facts[0].hit(nil))
	}
	return out
}

// hit returns f as a HitFact: its context and own text apart, and the
// spans, byte ranges of f.text, as ranges of those parts.
func (f *factEntry) hit(spans []Span) HitFact {
	h := HitFact{Context: f.ctx, Text: f.text}
	if len(spans) > 0 {
		h.Matches = make([]Span, 0, len(spans))
	}
	var startArr [8]int
	starts := startArr[:0]
	off := 0
	for _, c := range f.ctx {
		starts = append(starts, off)
		off += len(c) + len(notes.Sep)
	}
	starts = append(starts, off)
	h.Text = f.text[off:]
	for _, s := range spans {
		in := len(starts) - 1
		for in > 0 && starts[in] > s.Start {
			in--
		}
		end := len(f.text)
		if in < len(f.ctx) {
			end = starts[in] + len(f.ctx[in])
		}
		if s.End > end { // never across a separator: tokens are analysed per part
			continue
		}
		h.Matches = append(h.Matches, Span{In: in, Start: s.Start - starts[in], End: s.End - starts[in]})
	}
	return h
}

// spans returns the merged byte ranges of f's tokens that match the query,
// in sp's memory (appended to sp[:0]).
func (p *plan) spans(f *factEntry, sp []Span) []Span {
	sp = sp[:0]
	for k, t := range f.toks {
		if p.term(f.ids[k]) >= 0 {
			sp = append(sp, Span{Start: t.start, End: t.end})
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

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
