package quiz

import (
	"context"
	"time"
)

// Store persists rounds, answers and practice state. It lists only what the
// Engine calls; implementations live in sub-packages (quiz/bolt, quiz/memory)
// and all pass the conformance suite in quiz/storetest.
//
// Every method that writes must have made the write durable before it
// returns nil. Errors wrap ErrNotFound where a round does not exist.
type Store interface {
	// CreateRound stores r unless a round with r.ID already exists. It returns
	// the stored round and whether this call created it.
	CreateRound(ctx context.Context, r Round) (Round, bool, error)
	// GetRound returns the round with the given ID.
	GetRound(ctx context.Context, id string) (Round, error)
	// SetRoundMessage records where a round was posted.
	SetRoundMessage(ctx context.Context, id, channel, ts string) error
	// ClaimRoundMessage sets the round's Channel and MessageTS to channel
	// and mark (not "") if it has no message yet, atomically: of callers
	// racing to post a round (replicas, say) exactly one claims it. It
	// returns the stored round and whether this call claimed it.
	ClaimRoundMessage(ctx context.Context, id, channel, mark string) (Round, bool, error)
	// CloseRound sets the round's ClosedAt to at unless it is already closed.
	// It returns the stored round and whether it was closed before the call.
	CloseRound(ctx context.Context, id string, at time.Time) (Round, bool, error)
	// Rounds returns rounds ordered by OpenedAt then ID; only those not yet
	// closed when openOnly is set.
	Rounds(ctx context.Context, openOnly bool) ([]Round, error)
	// RoundInfos returns every round's ID, opening time and state, ordered
	// like Rounds, without the questions (cheap: streaks need only days).
	RoundInfos(ctx context.Context) ([]RoundInfo, error)

	// AnswerRound atomically records a.User's answer to round a.Round unless
	// the round is closed (Closed set, nothing stored) or the user already
	// answered it (Already set, the stored first answer returned).
	AnswerRound(ctx context.Context, a Answer) (RoundAnswer, error)
	// RoundAnswers returns a round's answers in the order they were recorded.
	RoundAnswers(ctx context.Context, roundID string) ([]Answer, error)
	// Answers returns the answers (round and practice) matching q, ordered by
	// time (ties in the order recorded).
	Answers(ctx context.Context, q AnswerQuery) ([]Answer, error)
	// EachAnswer calls fn for every answer Answers would return, in the same
	// order, without collecting them; an error from fn stops the scan and is
	// returned. fn must not keep a.Domains: its array may be reused.
	EachAnswer(ctx context.Context, q AnswerQuery, fn func(a Answer) error) error

	// Card returns user's Leitner card for a question; false if none.
	Card(ctx context.Context, user, question string) (Card, bool, error)
	// Cards returns all of user's cards.
	Cards(ctx context.Context, user string) ([]Card, error)
	// PutCard stores a card, replacing the one for the same user and question.
	PutCard(ctx context.Context, c Card) error
	// AnswerPractice atomically stores the practice answer a and the card c
	// if the stored card for (a.User, a.Question) is absent or Pending; it
	// reports whether it did. A false result means the question was already
	// answered since it was last handed out.
	AnswerPractice(ctx context.Context, a Answer, c Card) (bool, error)

	// AddFlag stores f unless f.User already flagged f.Question; it returns
	// the stored flag (the earlier one when not created) and whether this
	// call stored it.
	AddFlag(ctx context.Context, f Flag) (Flag, bool, error)
	// Flags returns the flags on one question, or every flag when question
	// is "", ordered by At, then question, then user (CompareFlags).
	Flags(ctx context.Context, question string) ([]Flag, error)
	// ClearFlags deletes a question's flags and returns how many there were.
	ClearFlags(ctx context.Context, question string) (int, error)

	// PutChannel stores a quiz channel, replacing the one with its ID.
	PutChannel(ctx context.Context, c Channel) error
	// DeleteChannel deletes the quiz channel id and reports whether there
	// was one.
	DeleteChannel(ctx context.Context, id string) (bool, error)
	// Channels returns the stored quiz channels ordered by ID (cheap: the
	// scheduler of every replica reads it each minute).
	Channels(ctx context.Context) ([]Channel, error)
}

// Tally is one person's round answers since a time, summed: what the
// leaderboard ranks.
type Tally struct {
	User                      string
	Answered, Correct, Points int
	// Reached is when the person's last scoring answer came (their first
	// answer when none scored): earlier ranks higher among equals.
	Reached time.Time
}

// Tallier is a Store that sums round answers where they are kept (a
// database server), instead of handing each one over; the leaderboard
// uses it when the store has it. TallyRounds sums the round answers at or
// after since (all when since is zero), one Tally per person, in any order.
type Tallier interface {
	TallyRounds(ctx context.Context, since time.Time) ([]Tally, error)
}

// RoundInfo is a round without its question.
type RoundInfo struct {
	ID       string
	OpenedAt time.Time
	Open     bool
}

// Answer is one recorded answer. It carries what scoring needs (section and
// domains) so stats survive changes to the notes.
type Answer struct {
	Round    string    `json:"round,omitempty"` // "" for practice
	User     string    `json:"user"`
	Question string    `json:"question"`
	Choice   int       `json:"choice"`
	Correct  bool      `json:"correct"`
	Points   int       `json:"points"`
	At       time.Time `json:"at"`
	Doc      string    `json:"doc,omitempty"`
	Section  string    `json:"section,omitempty"`
	Domains  []int     `json:"domains,omitempty"`
}

// Practice reports whether a is a practice answer.
func (a Answer) Practice() bool { return a.Round == "" }

// RoundAnswer is the outcome of Store.AnswerRound.
type RoundAnswer struct {
	Answer  Answer // the answer that counts (the stored first one when Already)
	Already bool
	Closed  bool
	Count   int // answers to the round after this call
}

// AnswerQuery filters Store.Answers. Zero fields do not filter.
type AnswerQuery struct {
	User  string
	Since time.Time // inclusive
	Until time.Time // exclusive
	Kind  AnswerKind
}

// AnswerKind selects round or practice answers.
type AnswerKind int

const (
	AnyAnswer AnswerKind = iota
	RoundAnswers
	PracticeAnswers
)

// Match reports whether a passes the query; stores may use it to filter.
func (q AnswerQuery) Match(a Answer) bool {
	if q.User != "" && a.User != q.User {
		return false
	}
	if !q.Since.IsZero() && a.At.Before(q.Since) {
		return false
	}
	if !q.Until.IsZero() && !a.At.Before(q.Until) {
		return false
	}
	switch q.Kind {
	case RoundAnswers:
		return !a.Practice()
	case PracticeAnswers:
		return a.Practice()
	}
	return true
}

// Card is one person's Leitner state for one question.
type Card struct {
	User        string    `json:"user"`
	Question    string    `json:"question"`
	Box         int       `json:"box"` // 1-5; 0 before the first answer
	Due         time.Time `json:"due"`
	Pending     bool      `json:"pending"` // handed out, not answered yet
	Seen        int       `json:"seen"`    // answers so far
	Right       int       `json:"right"`
	LastChoice  int       `json:"last_choice"`
	LastCorrect bool      `json:"last_correct"`
	LastAt      time.Time `json:"last_at,omitzero"`
}
