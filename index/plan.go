package index

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"unicode/utf8"
)

// This file analyses a query into a plan: its terms with weights, grouped
// by the idea they stand for, and the word pairs used for proximity.

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
	share   []float64      // what terms[i] is worth in its group: min(weight × idf, the group's weight)

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
	all := analyzeAll(cutQuery(q))
	toks := dropStops(slices.Clone(all))
	if len(toks) == 0 {
		return nil, ErrEmptyQuery
	}
	corrected, fuzzy, guessed := ix.correctQuery(all, len(toks) > maxCorrectedQuery)
	weights, order, occs, exact := ix.weighTerms(ix.al.expand(corrected), fuzzy, guessed)
	p := &plan{index: make(map[string]int, len(order))}
	if !exact && unmatched(toks, occs) {
		// Only guessed spellings, and some words matched nothing at all:
		// better "nothing matched" than sections about the guesses.
		return p, nil
	}
	n := float64(len(ix.secs))
	p.terms = make([]qterm, 0, len(order))
	for _, term := range order {
		df := float64(ix.df[term])
		idf := math.Log(1 + (n-df+0.5)/(df+0.5))
		p.terms = append(p.terms, qterm{term: term, weight: weights[term], idf: idf})
	}
	slices.SortStableFunc(p.terms, func(a, b qterm) int { return cmp.Compare(b.weight*b.idf, a.weight*a.idf) })
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
	p.group(occs)
	p.addBigrams(ix, toks)
	return p, nil
}

// cutQuery makes q valid UTF-8 and cuts it to maxQueryBytes at a rune
// boundary.
func cutQuery(q string) string {
	q = strings.ToValidUTF8(q, " ")
	if len(q) > maxQueryBytes {
		cut := maxQueryBytes
		for cut > 0 && !utf8.RuneStart(q[cut]) {
			cut--
		}
		q = q[:cut]
	}
	return q
}

// correctQuery replaces words that are neither in the notes nor in an
// alias form by close words of the notes (at most maxCorrections; in long
// queries none, since spelling is seldom their problem and guesses add
// noise). It returns the tokens with the corrections in place, the weight
// of each correction term, and where the guessed words were.
func (ix *Index) correctQuery(all []token, long bool) ([]token, map[string]float64, []occ) {
	corrected := make([]token, 0, len(all))
	fuzzy := map[string]float64{}
	var guessed []occ
	nCorr := 0
	if long {
		nCorr = maxCorrections
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
	return corrected, fuzzy, guessed
}

// weighTerms returns the distinct known terms of expanded with their weight
// (exact 1, alias class terms ix.prm.alias, guesses their correction
// weight), in order of first occurrence, every occurrence's byte range in
// the query for grouping, and whether some word matched as written or
// through an alias. Frame words ("company", "solution") keep their weight
// here: weighing them down in long queries cost answers on the blind sets
// (BENCHMARKS.md, "ask: honest answers"); the answer scorers ignore them.
func (ix *Index) weighTerms(expanded []token, fuzzy map[string]float64, guessed []occ) (map[string]float64, []string, []occ, bool) {
	weights := make(map[string]float64, len(expanded))
	order := make([]string, 0, len(expanded))
	exact := false
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
	return weights, order, occs, exact
}

// group puts terms with overlapping occurrences in the query into one
// group (one word, its parts, its corrections, the alias phrases it belongs
// to) and weighs each group.
func (p *plan) group(occs []occ) {
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
	slices.SortFunc(occs, func(a, b occ) int { return cmp.Compare(a.start, b.start) })
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
	// Groups are numbered in order of their first term; their term lists
	// share one array.
	gi := make([]int, len(p.terms)) // root -> group + 1
	size := make([]int, 0, len(p.terms))
	for i := range p.terms {
		r := find(i)
		if gi[r] == 0 {
			size = append(size, 0)
			gi[r] = len(size)
		}
		p.terms[i].group = gi[r] - 1
		size[gi[r]-1]++
	}
	p.groups = make([]qgroup, len(size))
	all := make([]int, 0, len(p.terms))
	for g, n := range size {
		p.groups[g].terms = all[len(all) : len(all) : len(all)+n]
		all = all[:len(all)+n]
	}
	for i := range p.terms {
		g := &p.groups[p.terms[i].group]
		g.terms = append(g.terms, i)
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
	p.share = make([]float64, len(p.terms))
	for i, t := range p.terms {
		p.share[i] = min(t.weight*t.idf, p.groups[t.group].weight)
	}
}

// addBigrams records adjacent query words (the first term at each
// position) for proximity.
func (p *plan) addBigrams(ix *Index, toks []token) {
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
