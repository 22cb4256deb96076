package index

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/devopsbot/devopsbot/index/stem"
	"math"
	"strings"
	"unicode"

	"github.com/devopsbot/devopsbot/notes"
)

// Answer is the product's answer to an exam question.
type Answer struct {
	// Chosen holds the keys of the best-supported options, as many as the
	// question asks for (Choose), in key order ("BD"); also when the notes
	// do not decide (Decided false: show it as a guess, not an answer);
	// "" when there are no options.
	Chosen     string  `json:"chosen"`
	Choose     int     `json:"choose"`              // how many options the question asks for
	RunnerUp   string  `json:"runner_up,omitempty"` // the best option not chosen
	Confidence float64 `json:"confidence"`          // 0..1, calibrated: the share of such answers that are right
	Covered    bool    `json:"covered"`             // the notes cover the question (its words, a matching section)
	Decided    bool    `json:"decided"`             // covered and confident enough to answer
	Note       string  `json:"note,omitempty"`      // why the answer is undecided or has no options
	// Technique lists the exam technique that favours the first chosen
	// option ("a managed or automatic feature does the work"): only when
	// technique ranks it above every option not chosen, and only reasons
	// none of those share (technique, ask_prior.go); it backs a best
	// guess, not an answer from the notes.
	Technique []string      `json:"technique,omitempty"`
	Options   []OptionScore `json:"options"`
	Sections  []Hit         `json:"sections"`
}

// OptionScore is an option with its support in the notes. Score (0..1) is
// its standing under both scorers (see ensemble); Evidence are the facts
// that state the option best by the fact-vote scorer (its quotes), best
// first: a reply quotes the first that holds QuoteCover of what sets the
// option apart (Evidence.States).
type OptionScore struct {
	Key      string     `json:"key"`
	Text     string     `json:"text"`
	Score    float64    `json:"score"`
	Evidence []Evidence `json:"evidence"`
}

// Evidence is a fact that supports an option. Doc names the notes document
// (for links); the JSON form is {id, path, fact, cover}.
type Evidence struct {
	Doc  string   `json:"-"`
	ID   string   `json:"id"`
	Path []string `json:"path"`
	Fact string   `json:"fact"`
	// Cover (0..1) is the share of what sets the option apart from the
	// others that the fact holds: the weight (idf times how few options
	// use it) of the option's terms the fact holds, over that of all its
	// terms capped at the weight of a long written option, so that a
	// 40-word real-exam option is not held to every detail. 0 when the
	// fact shares only the scenario's words.
	// Unrounded, for States; JSON rounds it to three places.
	Cover float64 `json:"cover"`
}

// MarshalJSON writes e with Cover rounded to three places, as the other
// scores of an answer are: rounding it where States reads it would quote
// a fact of 0.2995.
func (e Evidence) MarshalJSON() ([]byte, error) {
	type plain Evidence // without this method
	e.Cover = round3(e.Cover)
	return json.Marshal(plain(e))
}

// Answering parameters.
const (
	askSections = 10 // sections returned with an answer
	askSearchK  = 10 // sections ranked to weigh facts by their section
	// askConfidencePower sharpens the fact-vote scorer's option scores into
	// shares, and askMaxConfidence caps the confidence: notes can be wrong
	// or dated.
	askConfidencePower = 4.0
	askMaxConfidence   = 0.95
)

// Notes on undecided answers, for the user.
const (
	NoteNoOptions  = "no options found: these are the sections that match the question"
	NoteNoEvidence = "the notes say nothing that supports any option"
	NoteUndecided  = "the notes do not separate the options clearly; closest evidence shown"
	NoteNotCovered = "the notes don't cover this"
	NoteInverted   = "a NOT/EXCEPT question: the guess is the option the notes support least"
	NoteNoScenario = "no question text to go on"
)

// Ask answers q from the notes: it ranks sections for the scenario, scores
// every option twice, by the facts that support it (facts relevant to the
// scenario that contain what sets the option apart, ask_score.go) and as a
// hypothesis "scenario + option" stated by single facts (ask_hyp.go),
// chooses as many options as the question asks for by the two rankings
// together with exam technique (ask_prior.go), and judges whether the notes
// cover the question and how sure the choice is (ask_judge.go). A question without options is answered
// like a lookup of its text. Errors: ErrEmptyQuery when the text has
// nothing to search for and there are no options, ErrQuestionTooLong,
// ErrTooManyOptions, and a cancelled ctx.
func (ix *Index) Ask(ctx context.Context, q Question) (Answer, error) {
	ans, _, err := ix.answer(ctx, q)
	return ans, err
}

// answer is Ask, also returning the signals of the verdict.
func (ix *Index) answer(ctx context.Context, q Question) (Answer, askSignals, error) {
	switch {
	case len(q.Text) > MaxQuestionBytes:
		return Answer{}, askSignals{}, ErrQuestionTooLong
	case len(q.Options) > MaxOptions:
		return Answer{}, askSignals{}, ErrTooManyOptions
	}
	query := ix.keyTerms(q.Text) // "" when only stop and frame words
	if query == "" && len(q.Options) < MinOptions {
		return Answer{}, askSignals{}, ErrEmptyQuery
	}
	var hits []Hit
	if query != "" {
		var err error
		hits, err = ix.Search(ctx, q.Text, askSearchK)
		if err != nil && !errors.Is(err, ErrEmptyQuery) {
			return Answer{}, askSignals{}, fmt.Errorf("ask: %w", err)
		}
	}
	ans := Answer{Options: []OptionScore{}, Sections: hits}
	if len(ans.Sections) > askSections {
		ans.Sections = ans.Sections[:askSections]
	}
	if len(q.Options) < MinOptions {
		if len(hits) == 0 {
			return Answer{}, askSignals{}, ErrEmptyQuery
		}
		ans.Note = NoteNoOptions
		return ans, askSignals{}, nil
	}
	if err := ctx.Err(); err != nil {
		return Answer{}, askSignals{}, fmt.Errorf("ask: %w", err)
	}
	secRel := sectionRelevance(hits)
	fx := ix.factIndex()
	ot := fx.optionTermSets(q.Options)
	st := fx.termSet(q.Text) // the scenario's terms, read by the scorers and the verdict
	sup := fx.scoreOptions(st, q.Options, ot, secRel, fx.ruledWords(q.Text), defaultAskParams)
	hyp := fx.scoreHypotheses(st, q.Options, ot, secRel, defaultAskParams)
	fx.penalizeConstraints(q.Text, q.Options, ot, sup, hyp, defaultAskParams)
	en := ensemble(sup, hyp)
	pri := ix.pr.priorSignals(q.Text, q.Options)
	settled := fx.notesSettle(ot, sup, en, q.choose())
	// The notes' standing weighs less where the notes do not cover the
	// question as their own first choice reads it: their ranking there
	// is word overlap, no better than chance (ask_prior.go).
	standing := guessStanding
	var first choice
	var firstSig askSignals
	if !settled {
		first = choose(en.score, q.choose(), inverted(q.Text))
		firstSig = fx.signals(st, q.Options, ot, sup, hyp, en, first, hits)
		if !firstSig.covered() {
			standing = guessStandingUncovered
		}
	}
	guess := guessScores(en, pri, settled, standing)
	ans.Choose = q.choose()
	c := choose(guess, ans.Choose, inverted(q.Text))
	sig := firstSig
	if settled || !c.equal(first) {
		sig = fx.signals(st, q.Options, ot, sup, hyp, en, c, hits)
	}
	sig.denied = fx.quoteDenies(q, st, ot, sup, c)
	judge(&ans, q, c, sup, sig, query == "")
	if !ans.Decided {
		// A guess leads with the section where the notes compare the
		// options; an answer with the fact that decides it.
		fx.orderQuotes(sup, defaultAskParams.sharedQuote)
	}
	for i, s := range sup {
		o := OptionScore{Key: q.Options[i].Key, Text: q.Options[i].Text, Score: round3(en.score[i]), Evidence: []Evidence{}}
		for _, e := range s.quotes {
			f := fx.facts[e.fact]
			if authorsTodo(f.text) {
				continue // a reminder states nothing: never shown as evidence
			}
			cover, _ := fx.factCover(e.fact, ot.sorted[i], float64(len(q.Options)), ot.count)
			o.Evidence = append(o.Evidence, Evidence{Doc: f.sec.Doc, ID: f.sec.ID, Path: f.sec.Path, Fact: f.text, Cover: cover})
		}
		ans.Options = append(ans.Options, o)
	}
	if !inverted(q.Text) && !settled {
		ans.Technique = technique(pri, c)
	}
	ans.Sections = evidenceFirst(ans.Sections, hits, sup[c.best], fx)
	return ans, sig, nil
}

// sectionRelevance maps the ranked sections to their score relative to
// the best one (0..1).
func sectionRelevance(hits []Hit) map[*notes.Section]float64 {
	rel := map[*notes.Section]float64{}
	if len(hits) > 0 && hits[0].Score > 0 {
		for _, h := range hits {
			if h.Section != nil {
				rel[h.Section] = h.Score / hits[0].Score
			}
		}
	}
	return rel
}

// evidenceFirst moves the section of the chosen option's first quoted fact
// to the front of the ranked sections when the scenario ranking has it
// lower. It does so also when the reply does not quote that fact
// (Evidence.States): the section is still the likeliest source (BENCHMARKS.md,
// "ask: the verdict and the reply a learner reads").
func evidenceFirst(secs, hits []Hit, s optionSupport, fx *factIndex) []Hit {
	if len(s.quotes) == 0 {
		return secs
	}
	sec := fx.facts[s.quotes[0].fact].sec
	out := make([]Hit, 0, len(secs)+1)
	var lead *Hit
	for i := range hits {
		if hits[i].Section == sec {
			lead = &hits[i]
			break
		}
	}
	if lead == nil {
		lead = &Hit{Section: sec, Doc: sec.Doc, ID: sec.ID, Title: sec.Title, Path: sec.Path}
	}
	out = append(out, *lead)
	for _, h := range secs {
		if h.Section != sec {
			out = append(out, h)
		}
	}
	if len(out) > askSections {
		out = out[:askSections]
	}
	return out
}

// confidences turns option scores into shares that sum to 1: score^k over
// the sum of them, k = askConfidencePower.
func confidences(sup []optionSupport) []float64 {
	p := make([]float64, len(sup))
	sum := 0.0
	for i, s := range sup {
		p[i] = math.Pow(math.Max(s.score, 0), askConfidencePower)
		sum += p[i]
	}
	for i := range p {
		if sum > 0 {
			p[i] /= sum
		}
	}
	return p
}

func round3(x float64) float64 { return math.Round(x*1000) / 1000 }

// keyTerms keeps the words of a scenario that say what it is about: no stop
// words, no words of the question's frame ("which approach fits best").
func (ix *Index) keyTerms(text string) string {
	var kept []string
	seen := map[string]bool{}
	for _, w := range strings.Fields(text) {
		w = strings.TrimFunc(w, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
		if w == "" {
			continue
		}
		lw := strings.ToLower(w)
		if stopWords[lw] || ix.al.frame[stem.Word(lw)] || seen[lw] {
			continue
		}
		seen[lw] = true
		kept = append(kept, w)
	}
	return strings.Join(kept, " ")
}
