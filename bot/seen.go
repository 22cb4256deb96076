package bot

import (
	"sync"
	"time"
)

// seenSet remembers keys for ttl.
type seenSet struct {
	ttl time.Duration
	mu  sync.Mutex
	m   map[string]time.Time
	n   int
}

func newSeenSet(ttl time.Duration) *seenSet {
	return &seenSet{ttl: ttl, m: map[string]time.Time{}}
}

// add records key and reports whether it was new.
func (s *seenSet) add(key string, now time.Time) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t, ok := s.m[key]; ok && now.Sub(t) < s.ttl {
		return false
	}
	s.m[key] = now
	if s.n++; s.n%1024 == 0 {
		for k, t := range s.m {
			if now.Sub(t) >= s.ttl {
				delete(s.m, k)
			}
		}
	}
	return true
}

// forget drops key, so add reports it as new again.
func (s *seenSet) forget(key string) {
	s.mu.Lock()
	delete(s.m, key)
	s.mu.Unlock()
}
