// Package quiz writes questions from the notes, keeps the hand-written bank,
// selects the question of the day and practice questions, records answers and
// computes scores, streaks, the leaderboard and per-domain readiness.
// It persists through Store; it never imports Slack or Bleve.
//
// Rules the team can rely on:
//
//   - Points: a correct answer to the question of the day is worth 10 points
//     (PointsCorrect); a wrong answer 0. There is no speed bonus: ties on points
//     are broken by accuracy and then by who reached the score first. Practice
//     answers count toward readiness (Stats), never toward the leaderboard.
//   - One answer per person per round: the first counts; repeats are reported
//     with Result.Already, answers after the round closed with Result.Closed.
//   - Daily streak: the days (in Options.Location) on which questions of the
//     day were opened form the calendar; a day counts for a person when they
//     answered at least one of that day's questions and every answer they gave
//     that day was right. The current streak runs back from the latest such
//     day; today does not break it while the person has not answered yet, and
//     days without a question of the day (weekends) are skipped. For the team
//     a day counts when at least half of that day's answers were right.
//   - Weeks start on Monday 00:00 and months on the 1st, in Options.Location.
//   - Practice uses Leitner boxes 1-5: a miss sends the question to box 1
//     (back after 10 minutes); a right answer moves it one box up (back after
//     1, 3, 7 and then 21 days).
//
// Questions come from Generate (kinds listed in generate.go, every one
// checked by Problems) and from YAML bank files (format in bank.go; the
// default bank is embedded from bank/*.yaml). A quality gate (gate.go)
// decides which may be the question of the day; flags (flag.go) take a
// question out of rotation until an admin restores it. Each section's exam
// domains come from the data file domains.txt.
//
// It owns questions, selection, answers, scores, the exam calendar
// (DaysUntil) and the Store interface. Import rules (DESIGN.md, checked by deploy's TestImportRules): it imports notes and
// index/stem, never index itself, Bleve, Slack, bot, cmd or a store.
package quiz

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// Sentinel errors.
var (
	ErrNotFound    = errors.New("quiz: not found")
	ErrNoQuestions = errors.New("quiz: no questions")
	ErrBadChoice   = errors.New("quiz: no such option")
	ErrNoUser      = errors.New("quiz: no user given")
	ErrBadPeriod   = errors.New("quiz: unknown leaderboard period (want week, month or all)")
	ErrBank        = errors.New("quiz: invalid question bank")
	ErrBadFlag     = errors.New("quiz: unknown flag reason")
	// ErrReadOnly is wrapped by stores that cannot write (a read-only or
	// full disk): answers are refused while reads keep working.
	ErrReadOnly = errors.New("quiz: store cannot save (read-only or full disk)")
)

// PointsCorrect is what a correct answer to the question of the day earns.
const PointsCorrect = 10

// Question is a multiple-choice question with a stable ID.
type Question struct {
	ID      string   `json:"id"`
	Stem    string   `json:"stem"`
	Options []string `json:"options"`
	// Correct is the index of the right option; for a "Choose two"
	// question, the first of Corrects.
	Correct int `json:"-"`
	// Corrects lists the right options, ascending, when there are two
	// ("Choose two"); nil otherwise. In JSON, "correct" is an index or a
	// list of indexes.
	Corrects    []int    `json:"-"`
	Explanation string   `json:"explanation"`
	Wrong       []string `json:"wrong,omitempty"` // why each option fails, by index; "" for right ones
	Source      Source   `json:"source"`
	Quote       string   `json:"quote,omitempty"` // the deciding line, as found in the source section
	Also        []Cite   `json:"also,omitempty"`  // further deciding lines
	Domains     []int    `json:"domains"`         // exam domains 1-6
	Kind        string   `json:"kind"`            // scenario, recall, or a generator kind
	Bank        string   `json:"bank,omitempty"`  // the bank file of a hand-written question
}

// Cite is a deciding line in another section.
type Cite struct {
	Section string `json:"section"`
	Quote   string `json:"quote"`
}

// Source is where a question comes from in the notes.
type Source struct {
	Doc     string   `json:"doc"`
	Section string   `json:"section"`
	Path    []string `json:"path,omitempty"`
}

// ChooseTwo reports whether the question has two right options.
func (q Question) ChooseTwo() bool { return len(q.Corrects) > 1 }

// Right returns the indexes of the right options, ascending.
func (q Question) Right() []int {
	if len(q.Corrects) > 0 {
		return q.Corrects
	}
	return []int{q.Correct}
}

// IsRight reports whether choosing option i alone answers q: false for
// every option of a "Choose two" question.
func (q Question) IsRight(i int) bool { return !q.ChooseTwo() && i == q.Correct }

type questionJSON Question

// MarshalJSON writes "correct" as an index, or a list of indexes for a
// "Choose two" question.
func (q Question) MarshalJSON() ([]byte, error) {
	var c any = q.Correct
	if q.ChooseTwo() {
		c = q.Corrects
	}
	return json.Marshal(struct {
		questionJSON
		Correct any `json:"correct"`
	}{questionJSON(q), c})
}

// UnmarshalJSON reads what MarshalJSON writes.
func (q *Question) UnmarshalJSON(b []byte) error {
	var v struct {
		*questionJSON
		Correct json.RawMessage `json:"correct"`
	}
	v.questionJSON = (*questionJSON)(q)
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	q.Correct, q.Corrects = 0, nil
	if len(v.Correct) == 0 || string(v.Correct) == "null" {
		return nil
	}
	if v.Correct[0] == '[' {
		if err := json.Unmarshal(v.Correct, &q.Corrects); err != nil {
			return fmt.Errorf("question %s: correct: %w", q.ID, err)
		}
		if len(q.Corrects) > 0 {
			q.Correct = q.Corrects[0]
		}
		if len(q.Corrects) < 2 {
			q.Corrects = nil
		}
		return nil
	}
	return json.Unmarshal(v.Correct, &q.Correct)
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

// Open reports whether the round still takes answers.
func (r Round) Open() bool { return r.ClosedAt.IsZero() }

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
	Weakest    int           `json:"weakest,omitempty"`      // lowest-accuracy domain with a miss; 0 if none
	DaysToExam int           `json:"days_to_exam,omitempty"` // see Engine.DaysToExam; 0 when no exam date is set
	ExamSet    bool          `json:"exam_set"`
	Points     int           `json:"points"` // all-time points from questions of the day
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
	Seed     int64          // selection seed; 0 means time-based
	ExamDate time.Time      // zero when unset
	Location *time.Location // for days, weeks, months and streaks; nil means UTC
	// Channel is the default quiz channel (the environment's); ID "" for
	// none. See Channel and Engine.QuizChannels.
	Channel Channel
	Now     func() time.Time // nil means time.Now
}

// Engine is the quiz: question pool, selection, answers and scores. It is
// safe for concurrent use; all state lives in the Store.
type Engine struct {
	lg    *slog.Logger
	store Store
	set   atomic.Pointer[questionSet] // the pool; SetPool replaces it
	opts  Options
	// asked caches each round's question (it never changes once the round
	// is stored), sparing a store read per answer.
	asked sync.Map // round ID -> Question
}

// New returns an Engine over pool, persisting through store. Questions with a
// repeated ID are kept once (the first wins).
func New(lg *slog.Logger, store Store, pool []Question, opts Options) *Engine {
	if lg == nil {
		lg = slog.New(slog.DiscardHandler)
	}
	if opts.Location == nil {
		opts.Location = time.UTC
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Seed == 0 {
		opts.Seed = time.Now().UnixNano()
	}
	e := &Engine{lg: lg, store: store, opts: opts}
	e.SetPool(pool)
	return e
}

// questionSet is a question pool with its indexes.
type questionSet struct {
	pool  []Question
	daily map[string]bool // IDs of the questions above the quality gate
	byID  map[string]int
}

func newQuestionSet(pool []Question) *questionSet {
	s := &questionSet{byID: make(map[string]int, len(pool)), daily: map[string]bool{}}
	for _, q := range pool {
		if _, dup := s.byID[q.ID]; dup {
			continue
		}
		s.byID[q.ID] = len(s.pool)
		s.pool = append(s.pool, q)
		if InDaily(q) {
			s.daily[q.ID] = true
		}
	}
	return s
}

func (s *questionSet) question(id string) (Question, bool) {
	i, ok := s.byID[id]
	if !ok {
		return Question{}, false
	}
	return s.pool[i], true
}

// SetPool replaces the question pool, as when the notes are reloaded; calls
// in progress finish on the pool they started with. Everything else lives in
// the Store and stays: a question whose ID is in both pools keeps its
// answers, scores and practice cards; one no longer in the pool leaves
// rotation and practice, and its answers still count in scores. Questions
// with a repeated ID are kept once (the first wins).
func (e *Engine) SetPool(pool []Question) { e.set.Store(newQuestionSet(pool)) }

// rotation returns the questions that may be the question of the day now:
// those above the quality gate (all one-answer questions when none is) and
// not taken out by flags.
func (e *Engine) rotation(retired map[string]bool) []Question {
	qs := e.set.Load()
	var out, fallback []Question
	for _, q := range qs.pool {
		switch {
		case retired[q.ID]:
		case qs.daily[q.ID]:
			out = append(out, q)
		case !q.ChooseTwo():
			fallback = append(fallback, q)
		}
	}
	if len(out) == 0 {
		return fallback
	}
	return out
}

// Questions returns the pool.
func (e *Engine) Questions() []Question { return e.set.Load().pool }

// Question returns the question with the given ID.
func (e *Engine) Question(id string) (Question, bool) { return e.set.Load().question(id) }

func (e *Engine) now() time.Time { return e.opts.Now() }

// day returns midnight of t's day in the engine's location.
func (e *Engine) day(t time.Time) time.Time {
	t = t.In(e.opts.Location)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, e.opts.Location)
}

// DomainName returns the exam domain's name ("SDLC Automation" for 1), or ""
// for a number outside 1-6.
func DomainName(n int) string {
	m := defaultDomainMap()
	if n < 1 || n > len(m.names) {
		return ""
	}
	return m.names[n-1]
}
