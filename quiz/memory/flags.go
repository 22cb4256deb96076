package memory

import (
	"context"
	"slices"

	"github.com/devopsbot/devopsbot/quiz"
)

// AddFlag implements quiz.Store.
func (s *Store) AddFlag(ctx context.Context, f quiz.Flag) (quiz.Flag, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, o := range s.flags {
		if o.Question == f.Question && o.User == f.User {
			return o, false, nil
		}
	}
	s.flags = append(s.flags, f)
	return f, true, nil
}

// Flags implements quiz.Store.
func (s *Store) Flags(ctx context.Context, question string) ([]quiz.Flag, error) {
	s.mu.Lock()
	var out []quiz.Flag
	for _, f := range s.flags {
		if question == "" || f.Question == question {
			out = append(out, f)
		}
	}
	s.mu.Unlock()
	slices.SortStableFunc(out, quiz.CompareFlags)
	return out, nil
}

// ClearFlags implements quiz.Store.
func (s *Store) ClearFlags(ctx context.Context, question string) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := len(s.flags)
	s.flags = slices.DeleteFunc(s.flags, func(f quiz.Flag) bool { return f.Question == question })
	return n - len(s.flags), nil
}
