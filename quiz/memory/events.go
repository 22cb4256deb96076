package memory

import (
	"context"
	"time"
)

// FirstDelivery records a Slack event ID and reports whether it was not
// seen within ttl before now (see the bolt store). Old IDs are dropped
// when the map has doubled since the last sweep.
func (s *Store) FirstDelivery(ctx context.Context, id string, now time.Time, ttl time.Duration) (bool, error) {
	if err := ctx.Err(); err != nil {
		return true, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.events == nil {
		s.events = map[string]time.Time{}
	}
	if seen, ok := s.events[id]; ok && now.Sub(seen) < ttl {
		return false, nil
	}
	s.events[id] = now
	if len(s.events) > 2*s.eventsSwept {
		for k, seen := range s.events {
			if now.Sub(seen) >= ttl {
				delete(s.events, k)
			}
		}
		s.eventsSwept = max(len(s.events), 64)
	}
	return true, nil
}
