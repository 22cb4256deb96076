package index

import (
	"maps"
	"math"
	"slices"

	"github.com/devopsbot/devopsbot/notes"
)

// scoreHypotheses is a second, differently built option scorer: each
// option is a hypothesis "scenario + option", and its score is a soft
// maximum over facts of how well one fact states the whole hypothesis: the
// fact's match of the scenario's terms plus its match of the option's
// distinctive terms, both as shares of what could be matched, so that the
// fact has to be about the scenario and about this option at once. The
// shares are not length-normalised: they are bounded already, and dividing
// them by the fact's length favoured short facts that hold one option word
// over the longer fact that states the option (BENCHMARKS.md, "ask: the
// deciding section as the reply shows it"). scenario holds the scenario's
// terms (termSet).
func (fx *factIndex) scoreHypotheses(scenario map[string]bool, options []Option, ot optionTermSets, secRel map[*notes.Section]float64, p askParams) []float64 {
	q := map[string]float64{}
	qTotal := 0.0
	for _, t := range slices.Sorted(maps.Keys(scenario)) {
		if !fx.frame[t] {
			q[t] = fx.weight(t)
			if _, ok := fx.post[t]; ok {
				qTotal += q[t]
			}
		}
	}
	rqp := fx.overlaps(q)
	defer putFloats(rqp)
	rq := *rqp
	// m holds, per fact, the weight of the option's terms it holds (every
	// weight is above 0, so 0 is a fact without any); the soft maximum
	// clears it for the next option. sv holds the facts' scores in id order.
	mp := getFloats(len(fx.facts))
	defer putFloats(mp)
	m := *mp
	srp := fx.sectionValues(secRel)
	defer putFloats(srp)
	sr := *srp
	var sv []float64
	optTerms, count := ot.terms, ot.count
	n := float64(len(options))
	out := make([]float64, len(options))
	for i := range options {
		// The scenario part counts the terms the scenario has already; an
		// option made only of the scenario's words (it restates the cause
		// the scenario describes) is matched on those instead, or no fact
		// could state it.
		w, total := fx.hypOptionWeights(optTerms[i], q, n, count, true)
		if total == 0 {
			w, total = fx.hypOptionWeights(optTerms[i], q, n, count, false)
		}
		if total == 0 || qTotal == 0 {
			continue
		}
		held := false
		for _, t := range slices.Sorted(maps.Keys(w)) {
			wt := w[t]
			for _, id := range fx.post[t] {
				m[id] += wt
				held = true
			}
		}
		if !held {
			continue // no fact holds any of its words: no support
		}
		// Soft maximum over facts: T·log Σ exp(s/T), shifted by the best s
		// so that the exponentials stay finite.
		sv = sv[:0]
		best := 0.0
		for id, mi := range m {
			if mi == 0 {
				continue
			}
			m[id] = 0
			s := rq[id]/qTotal + p.hypOption*mi/total + p.hypSection*sr[fx.facts[id].seci]
			sv = append(sv, s)
			best = math.Max(best, s)
		}
		sum := 0.0
		for _, s := range sv {
			sum += math.Exp((s - best) / p.hypTemp)
		}
		out[i] = best + p.hypTemp*math.Log(sum)
	}
	return out
}

// hypOptionWeights weighs an option's terms for the hypothesis scorer: idf
// times distinctiveness among the n options, without the scenario's terms
// (q) when skipScenario. It returns the weights and their sum.
func (fx *factIndex) hypOptionWeights(terms map[string]bool, q map[string]float64, n float64, count map[string]int, skipScenario bool) (map[string]float64, float64) {
	w := map[string]float64{}
	total := 0.0
	// Sorted, so that the float sum comes out the same on every run.
	for _, t := range slices.Sorted(maps.Keys(terms)) {
		if _, ok := q[t]; ok && skipScenario {
			continue
		}
		d := distinctiveness(n, count[t])
		if d <= 0 {
			continue
		}
		w[t] = fx.weight(t) * d
		total += w[t]
	}
	return w, total
}

// ensembleResult is the two scorers' joint ranking.
type ensembleResult struct {
	best  int       // the option ranked first
	score []float64 // per option, 0..1: rank votes with the main scorer's share breaking ties
}

// ensemble joins the fact-vote scorer (sup) and the hypothesis scorer
// (hyp) by rank: each option gets one point for every option a scorer puts
// below it, from each scorer; the fact-vote scorer's share breaks ties, so
// the hypothesis scorer overturns its choice only when it ranks that
// choice below another option that the fact-vote scorer has second or
// close. Whether the two agree, and how sure the choice is, is the
// verdict's business (ask_judge.go).
func ensemble(sup []optionSupport, hyp []float64) ensembleResult {
	n := len(sup)
	pc := confidences(sup)
	r := ensembleResult{score: make([]float64, n)}
	for i := range sup {
		pts := 0.0
		for j := range sup {
			if sup[i].score > sup[j].score {
				pts++
			}
			if hyp[i] > hyp[j] {
				pts++
			}
		}
		r.score[i] = (pts + pc[i]) / float64(2*(n-1)+1)
	}
	for i := 1; i < n; i++ {
		if r.score[i] > r.score[r.best] {
			r.best = i
		}
	}
	return r
}

// hypShareTemp turns hypothesis scores into shares (softmax temperature).
const hypShareTemp = 0.1
