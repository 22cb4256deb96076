package memory

import (
	"context"
	"slices"
)

// SwapClose sets round id's close state to new if it is old ("" when there
// is none) and reports whether it did (bot.CloseLog).
func (s *Store) SwapClose(ctx context.Context, id, old, new string) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closes[id] != old {
		return false, nil
	}
	if s.closes == nil {
		s.closes = map[string]string{}
	}
	s.closes[id] = new
	return true, nil
}

// PendingCloses returns the rounds whose close state is "pending", in ID
// order.
func (s *Store) PendingCloses(ctx context.Context) ([]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var ids []string
	for id, state := range s.closes {
		if state == "pending" {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids, nil
}
