package quiz

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// OpenRound opens the round for a schedule slot, choosing its question. It is
// idempotent: opening a slot that exists returns the stored round. Opening a
// round closes nothing; the caller closes older rounds with CloseRound.
func (e *Engine) OpenRound(ctx context.Context, slot string, at time.Time) (Round, error) {
	if slot == "" {
		return Round{}, fmt.Errorf("open round: empty slot: %w", ErrNotFound)
	}
	r, err := e.store.GetRound(ctx, slot)
	if err == nil {
		return r, nil
	}
	if !errors.Is(err, ErrNotFound) {
		return Round{}, fmt.Errorf("open round %s: %w", slot, err)
	}
	retired, err := e.retiredIDs(ctx)
	if err != nil {
		return Round{}, fmt.Errorf("open round %s: %w", slot, err)
	}
	pool := e.rotation(retired)
	if len(pool) == 0 {
		return Round{}, fmt.Errorf("open round %s: %w", slot, ErrNoQuestions)
	}
	rounds, err := e.store.Rounds(ctx, false)
	if err != nil {
		return Round{}, fmt.Errorf("open round %s: %w", slot, err)
	}
	errs := newErrorRates()
	if err := e.store.EachAnswer(ctx, AnswerQuery{}, errs.add); err != nil {
		return Round{}, fmt.Errorf("open round %s: %w", slot, err)
	}
	q := pickDaily(pool, rounds, errs, e.opts.Seed, slot)
	if at.IsZero() {
		at = e.now()
	}
	r, created, err := e.store.CreateRound(ctx, Round{ID: slot, Question: q, OpenedAt: at})
	if err != nil {
		return Round{}, fmt.Errorf("open round %s: %w", slot, err)
	}
	if created {
		e.lg.Info("quiz.Engine open round", "round_id", r.ID, "question_id", r.Question.ID,
			"section", r.Question.Source.Section, "kind", r.Question.Kind)
	}
	return r, nil
}

// SetRoundMessage records where a round was posted.
func (e *Engine) SetRoundMessage(ctx context.Context, roundID, channel, ts string) error {
	if err := e.store.SetRoundMessage(ctx, roundID, channel, ts); err != nil {
		return fmt.Errorf("set round message %s: %w", roundID, err)
	}
	return nil
}

// ClaimRoundMessage marks a round as being posted to channel with mark
// unless it has a message already; true when this call claimed it (see
// Store.ClaimRoundMessage): the caller that claims a round posts it.
func (e *Engine) ClaimRoundMessage(ctx context.Context, roundID, channel, mark string) (bool, error) {
	_, claimed, err := e.store.ClaimRoundMessage(ctx, roundID, channel, mark)
	if err != nil {
		return false, fmt.Errorf("claim round message %s: %w", roundID, err)
	}
	return claimed, nil
}

// Round returns a stored round.
func (e *Engine) Round(ctx context.Context, roundID string) (Round, error) {
	r, err := e.store.GetRound(ctx, roundID)
	if err != nil {
		return Round{}, fmt.Errorf("round %s: %w", roundID, err)
	}
	return r, nil
}

// OpenRounds returns rounds not yet closed, oldest first.
func (e *Engine) OpenRounds(ctx context.Context) ([]Round, error) {
	rs, err := e.store.Rounds(ctx, true)
	if err != nil {
		return nil, fmt.Errorf("open rounds: %w", err)
	}
	return rs, nil
}

// Seen is a question of the day as one person sees it: the round, their
// answer to it and how many have answered.
type Seen struct {
	Round    Round
	Answer   Answer // the person's answer; zero unless Answered
	Answered bool
	Count    int // answers to the round so far
}

// LatestRounds returns the question of the day opened last in each quiz
// channel, as user sees them, newest first: at most n of them, found among
// the latest maxLatestScan rounds. It is empty when none was opened.
func (e *Engine) LatestRounds(ctx context.Context, user string, n int) ([]Seen, error) {
	infos, err := e.store.RoundInfos(ctx)
	if err != nil {
		return nil, fmt.Errorf("latest rounds: %w", err)
	}
	var out []Seen
	channels := map[string]bool{}
	for i := len(infos) - 1; i >= 0 && i >= len(infos)-maxLatestScan && len(out) < n; i-- {
		r, err := e.store.GetRound(ctx, infos[i].ID)
		if err != nil {
			return nil, fmt.Errorf("latest rounds: %w", err)
		}
		if channels[r.Channel] {
			continue
		}
		channels[r.Channel] = true
		s, err := e.seen(ctx, r, user)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// maxLatestScan bounds the rounds LatestRounds reads: a channel whose last
// question is older than that many others is left out.
const maxLatestScan = 200

// seen is round r as user sees it.
func (e *Engine) seen(ctx context.Context, r Round, user string) (Seen, error) {
	answers, err := e.store.RoundAnswers(ctx, r.ID)
	if err != nil {
		return Seen{}, fmt.Errorf("round %s answers: %w", r.ID, err)
	}
	s := Seen{Round: r, Count: len(answers)}
	for _, a := range answers {
		if a.User == user && user != "" {
			s.Answer, s.Answered = a, true
			break
		}
	}
	return s, nil
}

// CloseRound closes a round; closing a closed round returns its summary with
// AlreadyClosed set.
func (e *Engine) CloseRound(ctx context.Context, roundID string) (Summary, error) {
	r, already, err := e.store.CloseRound(ctx, roundID, e.now())
	if err != nil {
		return Summary{}, fmt.Errorf("close round %s: %w", roundID, err)
	}
	answers, err := e.store.RoundAnswers(ctx, roundID)
	if err != nil {
		return Summary{}, fmt.Errorf("close round %s: %w", roundID, err)
	}
	s := Summary{Round: r, Answered: len(answers), AlreadyClosed: already}
	for _, a := range answers {
		if a.Correct {
			s.Correct++
		}
	}
	if !already {
		e.lg.Info("quiz.Engine close round", "round_id", r.ID, "answered", s.Answered, "correct", s.Correct)
	}
	return s, nil
}

// AnswerRound records user's answer to a round; durable before it returns.
// The first answer counts; a repeat returns the first with Already set; an
// answer to a closed round is refused with Closed set. A choice outside the
// question's options is an error wrapping ErrBadChoice.
func (e *Engine) AnswerRound(ctx context.Context, roundID, user string, choice int) (Result, error) {
	if user == "" {
		return Result{}, fmt.Errorf("answer round %s: %w", roundID, ErrNoUser)
	}
	var q Question
	if v, ok := e.asked.Load(roundID); ok {
		q = v.(Question)
	} else {
		r, err := e.store.GetRound(ctx, roundID)
		if err != nil {
			return Result{}, fmt.Errorf("answer round %s: %w", roundID, err)
		}
		q = r.Question
		e.asked.Store(roundID, q)
	}
	if choice < 0 || choice >= len(q.Options) {
		return Result{}, fmt.Errorf("answer round %s: choice %d of %d: %w", roundID, choice, len(q.Options), ErrBadChoice)
	}
	a := Answer{Round: roundID, User: user, Question: q.ID, Choice: choice, Correct: choice == q.Correct,
		At: e.now(), Doc: q.Source.Doc, Section: q.Source.Section, Domains: q.Domains}
	if a.Correct {
		a.Points = PointsCorrect
	}
	out, err := e.store.AnswerRound(ctx, a)
	if err != nil {
		return Result{}, fmt.Errorf("answer round %s: %w", roundID, err)
	}
	res := Result{Question: q, Choice: out.Answer.Choice, Correct: out.Answer.Correct, Already: out.Already,
		Closed: out.Closed, Points: out.Answer.Points, Answered: out.Count}
	if out.Closed {
		res.Points = 0
	}
	streak, err := e.personStreak(ctx, user)
	if err != nil {
		// The answer is stored; a failed read only loses the streak figure.
		e.lg.Warn("quiz.Engine streak", "round_id", roundID, "err", err)
	}
	res.Streak = streak
	return res, nil
}
