package index

import (
	"cmp"
	"maps"
	"math"
	"slices"
	"sync"

	"github.com/devopsbot/devopsbot/notes"
)

// This file scores exam options against the facts of the notes. It keeps
// its own small inverted index over facts (not sections): an option is
// supported by a fact that says something about both the scenario and what
// sets the option apart from the others, so the unit of evidence is one
// bullet or table row, not a whole section.

// askFact is one fact of the notes as the answerer sees it.
type askFact struct {
	sec   *notes.Section
	seci  int32  // the section's number in the fact index (0..nsec-1)
	text  string // the fact with its parent bullets
	neg   bool   // the fact negates something ("not", "no", "can't", ...)
	nterm int    // distinct terms, for length normalisation
	// ownNeg: the fact's own text negates, not only a parent bullet
	// ("'Blue/Green' - not really supported › Either use swap URL ...").
	ownNeg bool
}

// factIndex is an inverted index from terms to facts.
type factIndex struct {
	expand  func([]token) []token     // alias expansion, as the section index does it
	frame   map[string]bool           // terms of the exam question's frame ("company", "solution"): ignored
	correct func(string) []correction // spelling: words of the notes close to an unknown word
	facts   []askFact
	post    map[string][]int32 // term -> facts holding it
	// pathOnly lists, for a term, the facts that hold it only through
	// their section path, in id order (a subset of post).
	pathOnly map[string][]int32
	idf      map[string]float64
	avgLen   float64                  // mean distinct terms per fact
	nsec     int                      // sections numbered by askFact.seci
	secNum   map[*notes.Section]int32 // section -> its askFact.seci
	built    bool                     // every fact is indexed: termSet reads a query
}

// sectionValues spreads a per-section map (the sections' Search relevance)
// over a slice indexed by askFact.seci, 0 for sections the map lacks. The
// slice comes from getFloats: the caller returns it with putFloats.
func (fx *factIndex) sectionValues(m map[*notes.Section]float64) *[]float64 {
	vp := getFloats(fx.nsec)
	for sec, v := range m {
		if n, ok := fx.secNum[sec]; ok {
			(*vp)[n] = v
		}
	}
	return vp
}

// weight returns the idf of term t, or a high default for terms the notes
// never use (they cannot match anyway).
func (fx *factIndex) weight(t string) float64 {
	if w, ok := fx.idf[t]; ok {
		return w
	}
	return math.Log(1 + float64(len(fx.facts)))
}

// askParams tunes the option scorer.
type askParams struct {
	queryTermShare float64 // weight of an option term that the scenario also uses
	secShare       float64 // weight of the section's rank against the fact's own overlap with the scenario
	relPower       float64 // sharpens fact relevance: the facts closest to the scenario decide
	smoothing      float64 // keeps a fact that barely mentions one option from giving it a full vote
	normPower      float64 // option length normalisation: match / total^normPower
	topFacts       int     // facts counted per option: the best one fully, the others by restShare
	restShare      float64 // weight of an option's facts after the best one
	negation       float64 // factor for a fact that negates something
	polarity       float64 // factor for a fact and an option of which one negates and the other does not
	lenNorm        float64 // BM25-like length normalisation of a fact's scenario overlap in the vote (0: none)
	secBest        float64 // weight of the best scenario overlap among the facts of the fact's section
	forbidden      float64 // factor for an option using what the scenario rules out ("must not involve DNS changes")
	preserved      float64 // factor for an option stopping what the scenario says must keep working ("existing connections must not be dropped")
	ruledFact      float64 // factor for the relevance of a fact that states what the scenario requires not to be (ruledOut)
	optPath        float64 // share of an option term's weight a fact earns when it holds the term only through its section path
	sharedQuote    float64 // weight, in ordering a guess's quotes, of the share of the other options quoted from the same section (orderQuotes)

	// The hypothesis scorer (ask_hyp.go).
	hypOption  float64 // weight of a fact's share of the option's distinctive terms against its share of the scenario's
	hypSection float64 // weight of the fact's section's Search rank score
	hypTemp    float64 // temperature of the soft maximum over facts (small: close to the best fact)
}

// defaultAskParams were set on the tuning sets and kept round (how each
// was set: BENCHMARKS.md, "## ask" onward; optPath in "ask: the notes
// first", sharedQuote in "ask: the deciding section where the options are
// compared"; preserved in "ask: what the scenario says must keep
// working").
// TestAskSweep prints the sweep.
var defaultAskParams = askParams{
	queryTermShare: 0.3,
	secShare:       0.5,
	relPower:       3,
	smoothing:      3,
	normPower:      0.5,
	topFacts:       5,
	restShare:      0.1,
	negation:       1,
	polarity:       0.7,
	lenNorm:        0.25,
	secBest:        0.5,
	forbidden:      0.8,
	preserved:      0.5,
	ruledFact:      0.5,
	optPath:        0.8,
	sharedQuote:    2,
	hypOption:      0.5,
	hypSection:     0.5,
	hypTemp:        0.02,
}

const askEvidence = 3 // facts shown per option

// scoredFact is a fact with its support for one option.
type scoredFact struct {
	fact  int32
	score float64
}

// compareFacts orders facts best first: by score, then earlier fact first.
func compareFacts(a, b scoredFact) int {
	return cmp.Or(cmp.Compare(b.score, a.score), cmp.Compare(a.fact, b.fact))
}

// optionSupport is the scorer's result for one option.
type optionSupport struct {
	score    float64
	evidence []scoredFact // the facts with the largest votes for the option, best first
	// quotes are the facts that state the option's case best, best first:
	// by relevance to the scenario times the share of the fact's mention
	// that goes to this option, not cubed relevance as in the vote; for a
	// guess, Ask reorders them by the sections the other options are
	// quoted from (orderQuotes). The reply quotes the first (Answer's
	// Evidence, ask_reply.go).
	quotes []scoredFact
}

// scoreOptions scores each option by the facts that support it, given the
// scenario's terms (termSet), the relevance of sections to it (0..1,
// from Search) and the words of what it requires not to be (ruledWords).
//
// The method, in the order it runs:
//
//   - Scenario terms (frame words such as "team" or "best" dropped) weigh
//     their idf over facts. A fact's overlap with the scenario is the sum
//     of the weights of the scenario terms it holds (with its parent
//     bullets and section path), length-normalised like BM25.
//   - An option term weighs its idf times how distinctive it is: 1 when only
//     this option uses it, 0 when every option does, linear in between;
//     terms the scenario uses too weigh queryTermShare of that. Unknown
//     words are spelling-corrected against the notes.
//   - A fact's relevance is its overlap with the scenario (relative to the
//     best fact), plus secBest times the best overlap in its section, plus
//     secShare times its section's Search rank score, raised to relPower so
//     that the facts closest to the scenario decide.
//   - A fact that states what the scenario requires not to be ("affects
//     application source code" under "does not need the application's
//     source code", ruledOut) has its relevance weighed down (ruledFact).
//   - Every fact that mentions options casts a vote of its relevance,
//     shared among the options by their matched weight (over their total
//     weight^normPower; a term the fact holds only through its section
//     path counts optPath of its weight: the fact itself should name what
//     sets the option apart), with smoothing left unassigned so that a fact
//     barely touching one option does not give it a full vote. Facts that
//     negate are weighed down (negation), and so is a vote between a fact
//     and an option of which only one negates ("cannot use a custom
//     location" against "can specify a custom location": polarity).
//   - An option's score is its best vote plus restShare of the next ones.
//   - The facts quoted for an option are those with the largest relevance
//     times the option's share of the fact: with relevance cubed, as in
//     the vote, a fact close to the scenario that barely names the option
//     (one shared word) would be quoted over the fact that states it.
func (fx *factIndex) scoreOptions(scenario map[string]bool, options []Option, ot optionTermSets, secRel map[*notes.Section]float64, excl [][]map[string]bool, p askParams) []optionSupport {
	q := map[string]float64{}
	for t := range scenario {
		if !fx.frame[t] {
			q[t] = fx.weight(t)
		}
	}
	rqp, rqMax, secMaxp := fx.scenarioOverlaps(q, p)
	rq, secMax := *rqp, *secMaxp
	srp := fx.sectionValues(secRel)
	sr := *srp
	om := fx.optionMatches(ot, q, p)
	ruled := fx.ruledOut(excl)
	optNeg := make([]bool, len(options))
	for i, o := range options {
		optNeg[i] = hasNegation(o.Text)
	}
	// Every fact that mentions an option votes: its weight is its relevance
	// to the scenario, shared among the options by how much of each it
	// mentions.
	nf := len(fx.facts)
	per := make([][]scoredFact, len(options))
	quotes := make([][]scoredFact, len(options))
	keep := max(p.topFacts, askEvidence) // all tallyVotes reads of an option's votes
	for _, id := range om.facts {
		f := &fx.facts[id]
		rel := p.secShare * sr[f.seci]
		if rqMax > 0 {
			rel += (rq[id] + p.secBest*secMax[f.seci]) / rqMax
		}
		if rel <= 0 {
			continue
		}
		if ruled[id] {
			rel *= p.ruledFact
		}
		vote := math.Pow(rel, p.relPower)
		if f.neg {
			vote *= p.negation
		}
		sum := p.smoothing
		for i := range options {
			sum += om.match[i*nf+int(id)]
		}
		for i := range options {
			if m := om.match[i*nf+int(id)]; m > 0 {
				share := m / sum
				if optNeg[i] != f.neg {
					share *= p.polarity
				}
				per[i] = pushTopFact(per[i], scoredFact{id, vote * share}, keep)
				quotes[i] = pushTopFact(quotes[i], scoredFact{id, rel * share}, askEvidence)
			}
		}
	}
	putFloats(rqp)
	putFloats(secMaxp)
	putFloats(srp)
	putFloats(om.pooled)
	out := tallyVotes(per, p)
	for i := range out {
		out[i].quotes = quotes[i]
	}
	return out
}

// ruledOut marks the facts that state what the scenario requires not to
// be (scopes, ruledWords): a fact whose own text negates nothing (a
// parent bullet may) and that holds two or more words of one such scope,
// as "container_commands › Affects application source code" under "the
// script does not need the application's source code", or "swap URL
// feature or manually create DNS" under "no URL or DNS change". Such a
// fact is about the scenario's words but states the case it excludes: it
// argues against the options it names, not for them. A fact that negates
// may say what the scenario says ("no extra costs"); one that holds a
// single word of a scope shares a modifier, not the thing ruled out
// ("logging" of "no extra logging charge"), or another sense of the word
// ("second" of "no second environment" in "seconds"); one that says
// someone else does it offers what the scenario wants (doneByOthers).
func (fx *factIndex) ruledOut(scopes [][]map[string]bool) map[int32]bool {
	var ruled map[int32]bool
	for _, words := range scopes {
		if len(words) < 2 {
			continue
		}
		held := map[int32]int{}
		for _, w := range words {
			seen := map[int32]bool{}
			for _, t := range slices.Sorted(maps.Keys(w)) {
				for _, id := range fx.post[t] {
					if !seen[id] && !fx.facts[id].ownNeg {
						seen[id] = true
						held[id]++
					}
				}
			}
		}
		for id, n := range held {
			if n >= 2 && !fx.doneByOthers(id, words) {
				if ruled == nil {
					ruled = map[int32]bool{}
				}
				ruled[id] = true
			}
		}
	}
	return ruled
}

// doneByOthers reports whether fact id says one of words is done by
// someone else ("a serverless infrastructure that is managed by Amazon
// ECS"): what the scenario rules out doing itself, the fact offers.
func (fx *factIndex) doneByOthers(id int32, words []map[string]bool) bool {
	toks := analyzeAll(fx.facts[id].text)
	for i := 0; i+1 < len(toks); i++ {
		if toks[i+1].term != "by" {
			continue
		}
		for _, w := range words {
			if w[toks[i].term] {
				return true
			}
		}
	}
	return false
}

// orderQuotes reorders each option's quotes (best first by relevance x
// share) by that score times 1 + w x the share of the other options that
// have a quote from the same section. A section quoted for several
// options is where the notes set the options side by side (the table of
// deployment types, the list of lifecycle hooks, the trail's settings),
// and so where a reader weighs a question the notes do not decide; the
// fact that names a guessed option best often lies elsewhere (a sibling
// section, a service that shares a word with it) and sends the reader
// away from the comparison. Only the order of the facts an option
// already has changes: votes, scores and choices do not.
func (fx *factIndex) orderQuotes(sup []optionSupport, w float64) {
	n := len(sup)
	if w == 0 || n < 2 {
		return
	}
	// shared counts the options other than i with a quote from section seci.
	shared := func(i int, seci int32) int {
		c := 0
		for j := range sup {
			if j == i {
				continue
			}
			for _, q := range sup[j].quotes {
				if fx.facts[q.fact].seci == seci {
					c++
					break
				}
			}
		}
		return c
	}
	// Reordering one option's quotes does not change which sections the
	// others' come from, so each option can be reordered in turn.
	for i := range sup {
		qs := sup[i].quotes
		for k, q := range qs {
			qs[k].score *= 1 + w*float64(shared(i, fx.facts[q.fact].seci))/float64(n-1)
		}
		slices.SortStableFunc(qs, compareFacts)
	}
}

// scenarioOverlaps returns the scenario overlap of every fact (BM25-like
// length-normalised with p.lenNorm), the best of them, and the best overlap
// in each section (by section number, askFact.seci). Both slices come
// from getFloats: the caller returns them with putFloats.
func (fx *factIndex) scenarioOverlaps(q map[string]float64, p askParams) (*[]float64, float64, *[]float64) {
	rqp := fx.overlaps(q)
	rq := *rqp
	rqMax := 0.0
	for id, r := range rq {
		if r > 0 && p.lenNorm > 0 {
			rq[id] = r / fx.lengthNorm(id, p.lenNorm)
		}
		rqMax = math.Max(rqMax, rq[id])
	}
	secMaxp := getFloats(fx.nsec)
	secMax := *secMaxp
	for id, r := range rq {
		if r > 0 {
			sec := fx.facts[id].seci
			secMax[sec] = math.Max(secMax[sec], r)
		}
	}
	return rqp, rqMax, secMaxp
}

// optionMatch is how much of each option every fact holds.
type optionMatch struct {
	match  []float64  // option i, fact id at i*len(facts)+id: matched distinctive weight over the option's total^normPower
	facts  []int32    // the facts that hold some option term, in first-seen order
	pooled *[]float64 // match's slice, for putFloats once the caller is done
}

// optionMatches weighs each option term by its idf times how distinctive it
// is (terms every option uses tell nothing apart; terms the scenario q uses
// too weigh p.queryTermShare of that) and sums, for every fact, the weights
// of each option's terms it holds.
func (fx *factIndex) optionMatches(ot optionTermSets, q map[string]float64, p askParams) optionMatch {
	nf := len(fx.facts)
	optTerms, count := ot.terms, ot.count
	n := float64(len(optTerms))
	om := optionMatch{pooled: getFloats(len(optTerms) * nf)}
	om.match = *om.pooled
	touched := make([]bool, nf)
	for i := range optTerms {
		w := map[string]float64{}
		terms := slices.Sorted(maps.Keys(optTerms[i]))
		total := 0.0
		for _, t := range terms {
			d := distinctiveness(n, count[t])
			if _, ok := q[t]; ok {
				d *= p.queryTermShare
			}
			if d <= 0 {
				continue
			}
			w[t] = fx.weight(t) * d
			total += w[t]
		}
		if total == 0 {
			continue
		}
		norm := math.Pow(total, p.normPower)
		for _, t := range terms {
			wt, ok := w[t]
			if !ok {
				continue
			}
			fx.holders(t, p.optPath, func(id int32, share float64) {
				om.match[i*nf+int(id)] += share * wt / norm
				if !touched[id] {
					touched[id] = true
					om.facts = append(om.facts, id)
				}
			})
		}
	}
	return om
}

// tallyVotes scores each option by its best vote plus p.restShare of the
// next ones (up to p.topFacts), and keeps its best askEvidence facts.
func tallyVotes(per [][]scoredFact, p askParams) []optionSupport {
	out := make([]optionSupport, len(per))
	keep := max(p.topFacts, askEvidence)
	for i, facts := range per {
		facts = topFacts(facts, keep)
		for k, f := range facts {
			if k >= p.topFacts {
				break
			}
			w := 1.0
			if k > 0 {
				w = p.restShare
			}
			out[i].score += w * f.score
		}
		if len(facts) > askEvidence {
			facts = facts[:askEvidence]
		}
		out[i].evidence = facts
	}
	return out
}

// pushTopFact adds f to top, the at most k best facts so far, best first
// (ties: earlier fact first, as topFacts orders them).
func pushTopFact(top []scoredFact, f scoredFact, k int) []scoredFact {
	better := func(a, b scoredFact) bool { return compareFacts(a, b) < 0 }
	if len(top) == k && !better(f, top[k-1]) {
		return top
	}
	if len(top) < k {
		top = append(top, f)
	}
	j := len(top) - 1
	for j > 0 && better(f, top[j-1]) {
		top[j] = top[j-1]
		j--
	}
	top[j] = f
	return top
}

// topFacts returns the k best facts, best first (ties: earlier fact
// first), reusing the backing array of facts.
func topFacts(facts []scoredFact, k int) []scoredFact {
	top := facts[:0] // f is read before pushTopFact writes at or before its position
	for _, f := range facts {
		top = pushTopFact(top, f, k)
	}
	return top
}

// askCache holds the answerer's fact index, built on the first Ask.
type askCache struct {
	once sync.Once
	fx   *factIndex
}

// factIndex returns the answerer's index over facts, building it once.
func (ix *Index) factIndex() *factIndex {
	ix.ask.once.Do(func() {
		ix.ask.fx = newFactIndex(ix.docs, ix.al.expand)
		ix.ask.fx.frame = ix.al.frame
		ix.ask.fx.correct = ix.corrections
	})
	return ix.ask.fx
}

// overlaps returns, for every fact, the sum of the weights of the query
// terms it holds. Terms are visited in sorted order so that float sums, and
// so ties, come out the same on every run. The slice comes from getFloats:
// the caller returns it with putFloats.
func (fx *factIndex) overlaps(q map[string]float64) *[]float64 {
	rp := getFloats(len(fx.facts))
	r := *rp
	for _, t := range slices.Sorted(maps.Keys(q)) {
		w := q[t]
		for _, id := range fx.post[t] {
			r[id] += w
		}
	}
	return rp
}

// floatPool holds the scorers' per-call scratch slices (a value per fact,
// per option and fact, or per section), so that an Ask does not allocate
// and zero them afresh; the pool is safe for concurrent Asks, each
// getting its own slice.
var floatPool sync.Pool

// getFloats returns a zeroed slice of n values, from floatPool when it holds
// one large enough.
func getFloats(n int) *[]float64 {
	if p, ok := floatPool.Get().(*[]float64); ok && cap(*p) >= n {
		*p = (*p)[:n]
		clear(*p)
		return p
	}
	s := make([]float64, n)
	return &s
}

// putFloats gives a slice from getFloats back to floatPool; the caller must
// not use it afterwards.
func putFloats(p *[]float64) { floatPool.Put(p) }

// optionTermSets are the terms of each option (frame words dropped) and,
// for every term, how many options use it; computed once per question.
type optionTermSets struct {
	terms  []map[string]bool
	sorted [][]string // each option's terms in order, for sums that come out the same every time
	count  map[string]int
}

// optionTermSets returns the terms of every option of a question.
func (fx *factIndex) optionTermSets(options []Option) optionTermSets {
	t, c := fx.optionTerms(options)
	sorted := make([][]string, len(t))
	for i, m := range t {
		sorted[i] = slices.Sorted(maps.Keys(m))
	}
	return optionTermSets{terms: t, sorted: sorted, count: c}
}

// optionTerms returns the terms of each option with the frame words
// dropped, and for every term how many options use it.
func (fx *factIndex) optionTerms(options []Option) ([]map[string]bool, map[string]int) {
	terms := make([]map[string]bool, len(options))
	count := map[string]int{}
	for i, o := range options {
		terms[i] = fx.askTerms(o.Text)
		for t := range terms[i] {
			if fx.frame[t] {
				delete(terms[i], t)
				continue
			}
			count[t]++
		}
	}
	return terms, count
}

// distinctiveness is how well a term that c of n options use tells them
// apart: 1 when only one option uses it (or there is only one option), 0
// when every option does, linear in between.
func distinctiveness(n float64, c int) float64 {
	if n <= 1 {
		return 1
	}
	return (n - float64(c)) / (n - 1)
}

// lengthNorm is the BM25-style length factor of fact id with strength b:
// 1 for a fact of mean length, more for longer ones.
func (fx *factIndex) lengthNorm(id int, b float64) float64 {
	return 1 - b + b*float64(fx.facts[id].nterm)/fx.avgLen
}
