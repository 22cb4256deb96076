package memory

import (
	"context"
	"time"
)

// FirstRequest records a signed request's key until expires and reports
// whether no unexpired record of it existed (see the bolt store). Expired
// records are dropped when the map has doubled since the last sweep.
func (s *Store) FirstRequest(ctx context.Context, key []byte, now, expires time.Time) (bool, error) {
	if err := ctx.Err(); err != nil {
		return true, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.requests == nil {
		s.requests = map[string]time.Time{}
	}
	if exp, ok := s.requests[string(key)]; ok && exp.After(now) {
		return false, nil
	}
	if !expires.After(now) {
		return true, nil
	}
	s.requests[string(key)] = expires
	if len(s.requests) > 2*s.requestsSwept {
		for k, exp := range s.requests {
			if !exp.After(now) {
				delete(s.requests, k)
			}
		}
		s.requestsSwept = max(len(s.requests), 64)
	}
	return true, nil
}
