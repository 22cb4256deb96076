// Package quiz writes questions from the notes, keeps the hand-written bank,
// selects the question of the day and practice questions, records answers and
// computes scores, streaks, the leaderboard and per-domain readiness.
// It persists through Store; it never imports Slack or Bleve.
package quiz

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/devopsbot/devopsbot/notes"
)

// Sentinel errors.
var (
	ErrNotFound    = errors.New("quiz: not found")
	ErrNoQuestions = errors.New("quiz: no questions")
)

// Question is a multiple-choice question with a stable ID.
type Question struct {
	ID          string   `json:"id" yaml:"id"`
	Stem        string   `json:"stem" yaml:"stem"`
	Options     []string `json:"options" yaml:"options"`
	Correct     int      `json:"correct" yaml:"-"` // index into Options
	Explanation string   `json:"explanation" yaml:"explanation"`
	Source      Source   `json:"source" yaml:"source"`
	Domains     []int    `json:"domains" yaml:"domains"` // exam domains 1-6
	Kind        string   `json:"kind" yaml:"kind"`       // generator kind, or "bank"
}

// Source is where a question comes from in the notes.
type Source struct {
	Doc     string   `json:"doc" yaml:"doc"`
	Section string   `json:"section" yaml:"section"`
	Path    []string `json:"path,omitempty" yaml:"-"`
}

// Round is one posted question of the day (one firing of the schedule).
type Round struct {
	ID        string    `json:"id"` // the slot, e.g. "2026-11-25T09:00:00Z"
	Question  Question  `json:"question"`
	Channel   string    `json:"channel,omitempty"`
	MessageTS string    `json:"message_ts,omitempty"` // "" until posted
	OpenedAt  time.Time `json:"opened_at"`
	ClosedAt  time.Time `json:"closed_at,omitzero"` // zero while open
}

// Result is the outcome of one answer.
type Result struct {
	Question Question `json:"question"`
	Choice   int      `json:"choice"`  // the choice that counts (the first one)
	Correct  bool     `json:"correct"` // Choice == Question.Correct
	Already  bool     `json:"already"` // a repeat: ignored, the first answer stands
	Closed   bool     `json:"closed"`  // refused: the round is closed
	Points   int      `json:"points"`
	Streak   int      `json:"streak"`   // the person's current daily streak
	Answered int      `json:"answered"` // answers to this round so far
}

// Summary is a closed round's outcome.
type Summary struct {
	Round         Round `json:"round"`
	Answered      int   `json:"answered"`
	Correct       int   `json:"correct"`
	AlreadyClosed bool  `json:"already_closed"`
}

// Period selects the leaderboard window.
type Period string

const (
	Week  Period = "week"
	Month Period = "month"
	All   Period = "all"
)

// Standing is one row of the leaderboard.
type Standing struct {
	Rank     int     `json:"rank"`
	User     string  `json:"user"`
	Points   int     `json:"points"`
	Answered int     `json:"answered"`
	Correct  int     `json:"correct"`
	Accuracy float64 `json:"accuracy"`
}

// Stats is readiness for one person or (User "") the team.
type Stats struct {
	User       string        `json:"user,omitempty"`
	Answered   int           `json:"answered"`
	Correct    int           `json:"correct"`
	Accuracy   float64       `json:"accuracy"`
	Domains    []DomainStats `json:"domains"` // all six, in order
	Streak     int           `json:"streak"`
	BestStreak int           `json:"best_streak"`
	Weakest    int           `json:"weakest,omitempty"`      // domain number, 0 if unknown
	DaysToExam int           `json:"days_to_exam,omitempty"` // 0 when no exam date is set
	ExamSet    bool          `json:"exam_set"`
}

// DomainStats is accuracy in one exam domain.
type DomainStats struct {
	Domain   int     `json:"domain"`
	Name     string  `json:"name"`
	Answered int     `json:"answered"`
	Correct  int     `json:"correct"`
	Accuracy float64 `json:"accuracy"`
}

// Options configure an Engine.
type Options struct {
	Seed     int64            // selection seed; 0 means time-based
	ExamDate time.Time        // zero when unset
	Location *time.Location   // for days, weeks, months and streaks; nil means UTC
	Now      func() time.Time // nil means time.Now
}

// Engine is the quiz: question pool, selection, answers and scores.
type Engine struct {
	lg    *slog.Logger
	store Store
	pool  []Question
	opts  Options
}

// Store persists rounds, answers and practice state. SKELETON: the quiz work
// defines its methods.
type Store interface{}

// New returns an Engine over pool, persisting through store.
func New(lg *slog.Logger, store Store, pool []Question, opts Options) *Engine {
	return &Engine{lg: lg, store: store, pool: pool, opts: opts}
}

// Generate writes questions from the parsed notes.
func Generate(docs ...*notes.Document) []Question { return nil } // SKELETON

// DomainName returns the exam domain's name ("SDLC Automation" for 1).
func DomainName(n int) string { return "" } // SKELETON

// Questions returns the pool.
func (e *Engine) Questions() []Question { return e.pool }

// Question returns the question with the given ID.
func (e *Engine) Question(id string) (Question, bool) {
	for _, q := range e.pool {
		if q.ID == id {
			return q, true
		}
	}
	return Question{}, false
}

var errTODO = errors.New("quiz: not implemented yet") // SKELETON

// OpenRound opens the round for a schedule slot, choosing its question. It is
// idempotent: opening a slot that exists returns the stored round.
func (e *Engine) OpenRound(ctx context.Context, slot string, at time.Time) (Round, error) {
	return Round{}, errTODO
}

// SetRoundMessage records where a round was posted.
func (e *Engine) SetRoundMessage(ctx context.Context, roundID, channel, ts string) error {
	return errTODO
}

// Round returns a stored round.
func (e *Engine) Round(ctx context.Context, roundID string) (Round, error) { return Round{}, errTODO }

// OpenRounds returns rounds not yet closed, oldest first.
func (e *Engine) OpenRounds(ctx context.Context) ([]Round, error) { return nil, errTODO }

// CloseRound closes a round; closing a closed round returns its summary with
// AlreadyClosed set.
func (e *Engine) CloseRound(ctx context.Context, roundID string) (Summary, error) {
	return Summary{}, errTODO
}

// AnswerRound records user's answer to a round; durable before it returns.
func (e *Engine) AnswerRound(ctx context.Context, roundID, user string, choice int) (Result, error) {
	return Result{}, errTODO
}

// Practice picks a practice question for user (Leitner spaced repetition).
func (e *Engine) Practice(ctx context.Context, user string) (Question, error) {
	return Question{}, errTODO
}

// PracticeFrom picks a practice question about one section.
func (e *Engine) PracticeFrom(ctx context.Context, user, doc, section string) (Question, error) {
	return Question{}, errTODO
}

// AnswerPractice records a practice answer (moves the question between
// Leitner boxes; counts toward readiness, not the leaderboard).
func (e *Engine) AnswerPractice(ctx context.Context, user, questionID string, choice int) (Result, error) {
	return Result{}, errTODO
}

// Leaderboard ranks people for a period: points, then accuracy, then who got
// there first.
func (e *Engine) Leaderboard(ctx context.Context, p Period, limit int) ([]Standing, error) {
	return nil, errTODO
}

// Stats returns readiness for user, or for the team when user is "".
func (e *Engine) Stats(ctx context.Context, user string) (Stats, error) {
	return Stats{}, errTODO
}
