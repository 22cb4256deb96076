package quiz

import (
	"hash/fnv"
	"math/rand/v2"
)

// Selection of the question of the day:
//
//   - no repeat until the pool is used up: only questions asked the fewest
//     times so far are candidates;
//   - weighted toward what the team gets wrong: a candidate's weight is
//     1 + 4*(wrong answers in its section)/(answers in its section + 2)
//     + 2*(the same over its domains), so sections and domains with many
//     wrong answers come up more often while unseen ones keep weight 1;
//   - scenarios first: a scenario weighs twice as much;
//   - variety: candidates from the sections of the last three rounds weigh a
//     quarter;
//   - deterministic: the draw uses a generator seeded with Options.Seed and
//     the slot, so the same seed, history and slot give the same question.

func pickDaily(pool []Question, rounds []Round, errs *errorRates, seed int64, slot string) Question {
	asked := make(map[string]int, len(rounds))
	for _, r := range rounds {
		asked[r.Question.ID]++
	}
	minAsked := -1
	for _, q := range pool {
		if n := asked[q.ID]; minAsked < 0 || n < minAsked {
			minAsked = n
		}
	}
	recent := map[string]bool{}
	for i := len(rounds) - 1; i >= 0 && i >= len(rounds)-3; i-- {
		recent[sectionKey(rounds[i].Question.Source.Doc, rounds[i].Question.Source.Section)] = true
	}
	var cands []Question
	var weights []float64
	total := 0.0
	for _, q := range pool {
		if asked[q.ID] != minAsked {
			continue
		}
		w := 1 + 4*errs.section(q.Source.Doc, q.Source.Section) + 2*errs.domains(q.Domains)
		if recent[sectionKey(q.Source.Doc, q.Source.Section)] {
			w *= 0.25
		}
		if q.Kind == KindScenario {
			w *= 2
		}
		cands = append(cands, q)
		weights = append(weights, w)
		total += w
	}
	rng := rand.New(rand.NewPCG(uint64(seed), hashString(slot)))
	x := rng.Float64() * total
	for i, w := range weights {
		if x < w {
			return cands[i]
		}
		x -= w
	}
	return cands[len(cands)-1]
}

func sectionKey(doc, section string) string { return doc + "#" + section }

func hashString(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64()
}

// errorRates are shrunk wrong-answer rates per section and per domain.
type errorRates struct {
	sec map[string][2]int // wrong, total
	dom [7][2]int
}

func newErrorRates() *errorRates { return &errorRates{sec: map[string][2]int{}} }

func (e *errorRates) add(a Answer) error {
	k := sectionKey(a.Doc, a.Section)
	c := e.sec[k]
	c[1]++
	if !a.Correct {
		c[0]++
	}
	e.sec[k] = c
	for _, d := range a.Domains {
		if d >= 1 && d <= 6 {
			e.dom[d][1]++
			if !a.Correct {
				e.dom[d][0]++
			}
		}
	}
	return nil
}

func shrunk(c [2]int) float64 { return float64(c[0]) / float64(c[1]+2) }

func (e *errorRates) section(doc, section string) float64 {
	return shrunk(e.sec[sectionKey(doc, section)])
}

func (e *errorRates) domains(ds []int) float64 {
	if len(ds) == 0 {
		return 0
	}
	s := 0.0
	for _, d := range ds {
		if d >= 1 && d <= 6 {
			s += shrunk(e.dom[d])
		}
	}
	return s / float64(len(ds))
}

// domain returns the shrunk error rate of one domain.
func (e *errorRates) domain(d int) float64 {
	if d < 1 || d > 6 {
		return 0
	}
	return shrunk(e.dom[d])
}
