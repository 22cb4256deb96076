package quiz

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"time"
)

// Leitner boxes: after an answer a card goes to box 1 (miss) or one box up
// (right, at most 5) and is due again after the box's interval.
var boxInterval = [...]time.Duration{
	1: 10 * time.Minute,
	2: 24 * time.Hour,
	3: 3 * 24 * time.Hour,
	4: 7 * 24 * time.Hour,
	5: 21 * 24 * time.Hour,
}

const maxBox = 5

// Practice picks a practice question for user (Leitner spaced repetition):
// the due card in the lowest box first (earliest due first); otherwise a
// question the person has not seen, drawn with more weight in the domains
// they get wrong most (questions below the quality gate a quarter as
// often); otherwise the card due soonest. Questions out of rotation
// (flagged) and "Choose two" questions are left out.
func (e *Engine) Practice(ctx context.Context, user string) (Question, error) {
	return e.practice(ctx, user, func(Question) bool { return true })
}

// PracticeFrom picks a practice question about one section or its
// subsections; doc "" matches any document. It wraps ErrNoQuestions when the
// section has no questions.
func (e *Engine) PracticeFrom(ctx context.Context, user, doc, section string) (Question, error) {
	section = strings.TrimPrefix(section, "#")
	return e.practice(ctx, user, func(q Question) bool {
		return (doc == "" || q.Source.Doc == doc) && idPrefix(q.Source.Section, section)
	})
}

// PracticeDomain picks a practice question in exam domain d (1-6). It
// wraps ErrNoQuestions when the domain has none in rotation.
func (e *Engine) PracticeDomain(ctx context.Context, user string, d int) (Question, error) {
	return e.practice(ctx, user, func(q Question) bool { return slices.Contains(q.Domains, d) })
}

// PracticeMissed picks a practice question among those user got wrong the
// last time they answered them, as a question of the day or in practice.
// It wraps ErrNoQuestions when there is none (nothing missed, or every
// missed question is out of rotation).
func (e *Engine) PracticeMissed(ctx context.Context, user string) (Question, error) {
	if user == "" {
		return Question{}, fmt.Errorf("practice missed: %w", ErrNoUser)
	}
	right := map[string]bool{} // question -> the user's latest answer was right
	if err := e.store.EachAnswer(ctx, AnswerQuery{User: user}, func(a Answer) error {
		right[a.Question] = a.Correct
		return nil
	}); err != nil {
		return Question{}, fmt.Errorf("practice missed %s: %w", user, err)
	}
	return e.practice(ctx, user, func(q Question) bool {
		r, answered := right[q.ID]
		return answered && !r
	})
}

func (e *Engine) practice(ctx context.Context, user string, keep func(Question) bool) (Question, error) {
	if user == "" {
		return Question{}, fmt.Errorf("practice: %w", ErrNoUser)
	}
	retired, err := e.retiredIDs(ctx)
	if err != nil {
		return Question{}, fmt.Errorf("practice %s: %w", user, err)
	}
	qs := e.set.Load()
	var pool []Question
	for _, q := range qs.pool {
		if keep(q) && !retired[q.ID] && !q.ChooseTwo() {
			pool = append(pool, q)
		}
	}
	if len(pool) == 0 {
		return Question{}, fmt.Errorf("practice %s: %w", user, ErrNoQuestions)
	}
	cards, err := e.store.Cards(ctx, user)
	if err != nil {
		return Question{}, fmt.Errorf("practice %s: %w", user, err)
	}
	byQ := make(map[string]Card, len(cards))
	for _, c := range cards {
		byQ[c.Question] = c
	}
	now := e.now()
	var due, later []Card
	var fresh []Question
	for _, q := range pool {
		c, ok := byQ[q.ID]
		switch {
		case !ok || c.Box == 0:
			fresh = append(fresh, q)
		case !c.Due.After(now):
			due = append(due, c)
		default:
			later = append(later, c)
		}
	}
	var pick Question
	switch {
	case len(due) > 0:
		sort.SliceStable(due, func(i, j int) bool {
			if due[i].Box != due[j].Box {
				return due[i].Box < due[j].Box
			}
			return due[i].Due.Before(due[j].Due)
		})
		pick, _ = qs.question(due[0].Question)
	case len(fresh) > 0:
		if pick, err = e.pickFresh(ctx, user, qs, fresh, len(cards), now); err != nil {
			return Question{}, err
		}
	default:
		sort.SliceStable(later, func(i, j int) bool { return later[i].Due.Before(later[j].Due) })
		pick, _ = qs.question(later[0].Question)
	}
	c, ok := byQ[pick.ID]
	if !ok {
		c = Card{User: user, Question: pick.ID, Due: now}
	}
	if !c.Pending {
		c.Pending = true
		if err := e.store.PutCard(ctx, c); err != nil {
			return Question{}, fmt.Errorf("practice %s: %w", user, err)
		}
	}
	return pick, nil
}

// pickFresh draws a question the person has not seen, weighted toward
// the domains they get wrong; questions below the quality gate weigh a
// quarter.
func (e *Engine) pickFresh(ctx context.Context, user string, qs *questionSet, fresh []Question, ncards int, now time.Time) (Question, error) {
	errs := newErrorRates()
	if err := e.store.EachAnswer(ctx, AnswerQuery{User: user}, errs.add); err != nil {
		return Question{}, fmt.Errorf("practice %s: %w", user, err)
	}
	weights := make([]float64, len(fresh))
	total := 0.0
	for i, q := range fresh {
		weights[i] = 1 + 3*errs.domains(q.Domains)
		if !qs.daily[q.ID] {
			weights[i] /= 4
		}
		total += weights[i]
	}
	rng := rand.New(rand.NewPCG(uint64(e.opts.Seed), hashString(fmt.Sprintf("%s/%d/%d", user, ncards, now.UnixNano()))))
	x := rng.Float64() * total
	for i, w := range weights {
		if x < w {
			return fresh[i], nil
		}
		x -= w
	}
	return fresh[len(fresh)-1], nil
}

// AnswerPractice records a practice answer (moves the question between
// Leitner boxes; counts toward readiness, not the leaderboard). One answer
// counts per hand-out: a repeat returns the recorded answer with Already set.
func (e *Engine) AnswerPractice(ctx context.Context, user, questionID string, choice int) (Result, error) {
	if user == "" {
		return Result{}, fmt.Errorf("answer practice %s: %w", questionID, ErrNoUser)
	}
	q, ok := e.Question(questionID)
	if !ok {
		return Result{}, fmt.Errorf("answer practice %s: question %s: %w", user, questionID, ErrNotFound)
	}
	if choice < 0 || choice >= len(q.Options) {
		return Result{}, fmt.Errorf("answer practice %s: choice %d of %d: %w", questionID, choice, len(q.Options), ErrBadChoice)
	}
	old, exists, err := e.store.Card(ctx, user, questionID)
	if err != nil {
		return Result{}, fmt.Errorf("answer practice %s: %w", questionID, err)
	}
	already := func(c Card) Result {
		return Result{Question: q, Choice: c.LastChoice, Correct: c.LastCorrect, Already: true, Answered: c.Seen}
	}
	if exists && !old.Pending {
		return already(old), nil
	}
	now := e.now()
	correct := choice == q.Correct
	next := old
	if !exists {
		next = Card{User: user, Question: questionID}
	}
	next.Pending = false
	if next.Box == 0 {
		next.Box = 1 // a new card starts in box 1
	}
	next.Seen++
	next.LastChoice, next.LastCorrect, next.LastAt = choice, correct, now
	if correct {
		next.Right++
		next.Box = min(next.Box+1, maxBox)
	} else {
		next.Box = 1
	}
	next.Due = now.Add(boxInterval[next.Box])
	a := Answer{User: user, Question: questionID, Choice: choice, Correct: correct, At: now,
		Doc: q.Source.Doc, Section: q.Source.Section, Domains: q.Domains}
	applied, err := e.store.AnswerPractice(ctx, a, next)
	if err != nil {
		return Result{}, fmt.Errorf("answer practice %s: %w", questionID, err)
	}
	if !applied {
		c, _, err := e.store.Card(ctx, user, questionID)
		if err != nil {
			return Result{}, fmt.Errorf("answer practice %s: %w", questionID, err)
		}
		return already(c), nil
	}
	return Result{Question: q, Choice: choice, Correct: correct, Answered: next.Seen}, nil
}
