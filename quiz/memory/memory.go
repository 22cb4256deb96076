// Package memory is an in-memory quiz.Store for tests and for running
// without a database file. Nothing survives a restart.
//
// Import rules (DESIGN.md, checked by deploy's TestImportRules): it imports quiz only, never index, bot, cmd, Bleve or
// Slack.
package memory

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/devopsbot/devopsbot/quiz"
)

var _ quiz.Store = (*Store)(nil)

// Store keeps everything in maps behind one mutex.
type Store struct {
	mu           sync.Mutex
	rounds       map[string]quiz.Round
	roundAnswers map[string][]quiz.Answer
	answers      []quiz.Answer // in recording order
	cards        map[string]map[string]quiz.Card
	flags        []quiz.Flag // in recording order

	requests      map[string]time.Time // FirstRequest keys and their expiry
	requestsSwept int                  // len(requests) after the last sweep
	events        map[string]time.Time // FirstDelivery IDs and when they were recorded
	eventsSwept   int                  // len(events) after the last sweep
	closes        map[string]string    // SwapClose states by round
	channels      map[string]quiz.Channel
}

// New returns an empty Store.
func New() *Store {
	return &Store{
		rounds:       map[string]quiz.Round{},
		roundAnswers: map[string][]quiz.Answer{},
		cards:        map[string]map[string]quiz.Card{},
	}
}

func clone(a quiz.Answer) quiz.Answer {
	a.Domains = slices.Clone(a.Domains)
	return a
}

func cloneRound(r quiz.Round) quiz.Round {
	r.Question.Options = slices.Clone(r.Question.Options)
	r.Question.Domains = slices.Clone(r.Question.Domains)
	r.Question.Source.Path = slices.Clone(r.Question.Source.Path)
	return r
}

// CreateRound implements quiz.Store.
func (s *Store) CreateRound(ctx context.Context, r quiz.Round) (quiz.Round, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if old, ok := s.rounds[r.ID]; ok {
		return cloneRound(old), false, nil
	}
	s.rounds[r.ID] = cloneRound(r)
	return cloneRound(r), true, nil
}

// GetRound implements quiz.Store.
func (s *Store) GetRound(ctx context.Context, id string) (quiz.Round, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.rounds[id]
	if !ok {
		return quiz.Round{}, fmt.Errorf("get round %q: %w", id, quiz.ErrNotFound)
	}
	return cloneRound(r), nil
}

// SetRoundMessage implements quiz.Store.
func (s *Store) SetRoundMessage(ctx context.Context, id, channel, ts string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.rounds[id]
	if !ok {
		return fmt.Errorf("set round message %q: %w", id, quiz.ErrNotFound)
	}
	r.Channel, r.MessageTS = channel, ts
	s.rounds[id] = r
	return nil
}

// ClaimRoundMessage implements quiz.Store.
func (s *Store) ClaimRoundMessage(ctx context.Context, id, channel, mark string) (quiz.Round, bool, error) {
	if mark == "" {
		return quiz.Round{}, false, fmt.Errorf("claim round message %q: empty mark", id)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.rounds[id]
	if !ok {
		return quiz.Round{}, false, fmt.Errorf("claim round message %q: %w", id, quiz.ErrNotFound)
	}
	if r.MessageTS != "" {
		return cloneRound(r), false, nil
	}
	r.Channel, r.MessageTS = channel, mark
	s.rounds[id] = r
	return cloneRound(r), true, nil
}

// CloseRound implements quiz.Store.
func (s *Store) CloseRound(ctx context.Context, id string, at time.Time) (quiz.Round, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.rounds[id]
	if !ok {
		return quiz.Round{}, false, fmt.Errorf("close round %q: %w", id, quiz.ErrNotFound)
	}
	if !r.ClosedAt.IsZero() {
		return cloneRound(r), true, nil
	}
	r.ClosedAt = at
	s.rounds[id] = r
	return cloneRound(r), false, nil
}

// Rounds implements quiz.Store.
func (s *Store) Rounds(ctx context.Context, openOnly bool) ([]quiz.Round, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]quiz.Round, 0, len(s.rounds))
	for _, r := range s.rounds {
		if openOnly && !r.ClosedAt.IsZero() {
			continue
		}
		out = append(out, cloneRound(r))
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].OpenedAt.Equal(out[j].OpenedAt) {
			return out[i].OpenedAt.Before(out[j].OpenedAt)
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}

// RoundInfos implements quiz.Store.
func (s *Store) RoundInfos(ctx context.Context) ([]quiz.RoundInfo, error) {
	rs, err := s.Rounds(ctx, false)
	if err != nil {
		return nil, err
	}
	out := make([]quiz.RoundInfo, len(rs))
	for i, r := range rs {
		out[i] = quiz.RoundInfo{ID: r.ID, OpenedAt: r.OpenedAt, Open: r.Open()}
	}
	return out, nil
}

// AnswerRound implements quiz.Store.
func (s *Store) AnswerRound(ctx context.Context, a quiz.Answer) (quiz.RoundAnswer, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.rounds[a.Round]
	if !ok {
		return quiz.RoundAnswer{}, fmt.Errorf("answer round %q: %w", a.Round, quiz.ErrNotFound)
	}
	list := s.roundAnswers[a.Round]
	for _, old := range list {
		if old.User == a.User {
			return quiz.RoundAnswer{Answer: clone(old), Already: true, Count: len(list)}, nil
		}
	}
	if !r.ClosedAt.IsZero() {
		return quiz.RoundAnswer{Answer: clone(a), Closed: true, Count: len(list)}, nil
	}
	s.roundAnswers[a.Round] = append(list, clone(a))
	s.answers = append(s.answers, clone(a))
	return quiz.RoundAnswer{Answer: clone(a), Count: len(list) + 1}, nil
}

// RoundAnswers implements quiz.Store.
func (s *Store) RoundAnswers(ctx context.Context, roundID string) ([]quiz.Answer, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.rounds[roundID]; !ok {
		return nil, fmt.Errorf("round answers %q: %w", roundID, quiz.ErrNotFound)
	}
	out := make([]quiz.Answer, 0, len(s.roundAnswers[roundID]))
	for _, a := range s.roundAnswers[roundID] {
		out = append(out, clone(a))
	}
	return out, nil
}

// Answers implements quiz.Store.
func (s *Store) Answers(ctx context.Context, q quiz.AnswerQuery) ([]quiz.Answer, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []quiz.Answer
	for _, a := range s.answers {
		if q.Match(a) {
			out = append(out, clone(a))
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	return out, nil
}

// EachAnswer implements quiz.Store.
func (s *Store) EachAnswer(ctx context.Context, q quiz.AnswerQuery, fn func(quiz.Answer) error) error {
	list, err := s.Answers(ctx, q)
	if err != nil {
		return err
	}
	for _, a := range list {
		if err := fn(a); err != nil {
			return err
		}
	}
	return nil
}

// Card implements quiz.Store.
func (s *Store) Card(ctx context.Context, user, question string) (quiz.Card, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.cards[user][question]
	return c, ok, nil
}

// Cards implements quiz.Store.
func (s *Store) Cards(ctx context.Context, user string) ([]quiz.Card, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]quiz.Card, 0, len(s.cards[user]))
	for _, c := range s.cards[user] {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Question < out[j].Question })
	return out, nil
}

// PutCard implements quiz.Store.
func (s *Store) PutCard(ctx context.Context, c quiz.Card) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.putCard(c)
	return nil
}

func (s *Store) putCard(c quiz.Card) {
	m := s.cards[c.User]
	if m == nil {
		m = map[string]quiz.Card{}
		s.cards[c.User] = m
	}
	m[c.Question] = c
}

// AnswerPractice implements quiz.Store.
func (s *Store) AnswerPractice(ctx context.Context, a quiz.Answer, c quiz.Card) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if old, ok := s.cards[a.User][a.Question]; ok && !old.Pending {
		return false, nil
	}
	s.putCard(c)
	s.answers = append(s.answers, clone(a))
	return true, nil
}
