package bot

import (
	"context"
	"time"

	"github.com/devopsbot/devopsbot/index"
	"github.com/devopsbot/devopsbot/quiz"
)

// InstrumentSearcher returns s with every Search and Ask timed in m's lookup
// latency histogram. With a nil m it returns s.
func InstrumentSearcher(s Searcher, m *Metrics) Searcher {
	if m == nil {
		return s
	}
	return timedSearcher{Searcher: s, m: m}
}

type timedSearcher struct {
	Searcher
	m *Metrics
}

func (t timedSearcher) Search(ctx context.Context, q string, k int) ([]index.Hit, error) {
	start := time.Now()
	defer func() { t.m.ObserveLookup(time.Since(start)) }()
	return t.Searcher.Search(ctx, q, k)
}

func (t timedSearcher) Ask(ctx context.Context, q index.Question) (index.Answer, error) {
	start := time.Now()
	defer func() { t.m.ObserveLookup(time.Since(start)) }()
	return t.Searcher.Ask(ctx, q)
}

// InstrumentQuiz returns q with every answer (question of the day and
// practice) counted in m by outcome, and every new flag by reason. With a nil m it returns q.
func InstrumentQuiz(q Quiz, m *Metrics) Quiz {
	if m == nil {
		return q
	}
	return countedQuiz{Quiz: q, m: m}
}

type countedQuiz struct {
	Quiz
	m *Metrics
}

func (c countedQuiz) AnswerRound(ctx context.Context, roundID, user string, choice int) (quiz.Result, error) {
	res, err := c.Quiz.AnswerRound(ctx, roundID, user, choice)
	c.count(res, err)
	return res, err
}

func (c countedQuiz) AnswerPractice(ctx context.Context, user, questionID string, choice int) (quiz.Result, error) {
	res, err := c.Quiz.AnswerPractice(ctx, user, questionID, choice)
	c.count(res, err)
	return res, err
}

// Flag counts a stored flag (not a repeat) by its reason.
func (c countedQuiz) Flag(ctx context.Context, user, questionID string, reason quiz.FlagReason, admin bool) (quiz.FlagResult, error) {
	res, err := c.Quiz.Flag(ctx, user, questionID, reason, admin)
	if err == nil && !res.Already {
		c.m.QuestionFlagged(res.Flag.Reason)
	}
	return res, err
}

func (c countedQuiz) count(res quiz.Result, err error) {
	switch {
	case err != nil:
		return
	case res.Closed:
		c.m.AnswerRecorded(AnswerClosed)
	case res.Already:
		c.m.AnswerRecorded(AnswerDuplicate)
	case res.Correct:
		c.m.AnswerRecorded(AnswerCorrect)
	default:
		c.m.AnswerRecorded(AnswerWrong)
	}
}
