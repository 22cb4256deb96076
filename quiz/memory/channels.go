package memory

import (
	"cmp"
	"context"
	"maps"
	"slices"

	"github.com/devopsbot/devopsbot/quiz"
)

// PutChannel implements quiz.Store.
func (s *Store) PutChannel(ctx context.Context, c quiz.Channel) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.channels == nil {
		s.channels = map[string]quiz.Channel{}
	}
	c.Default = false
	s.channels[c.ID] = c
	return nil
}

// DeleteChannel implements quiz.Store.
func (s *Store) DeleteChannel(ctx context.Context, id string) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.channels[id]
	delete(s.channels, id)
	return ok, nil
}

// Channels implements quiz.Store.
func (s *Store) Channels(ctx context.Context) ([]quiz.Channel, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.SortedFunc(maps.Values(s.channels), func(a, b quiz.Channel) int { return cmp.Compare(a.ID, b.ID) }), nil
}
