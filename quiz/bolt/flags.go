package bolt

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"

	bbolt "go.etcd.io/bbolt"

	"github.com/devopsbot/devopsbot/quiz"
)

// bFlags holds question flags, keyed question ‖ 0 ‖ user, one per person
// per question, the value the flag as JSON. It is created on first use:
// files written before it existed stay valid (schema 1).
var bFlags = []byte("flags")

func flagKey(question, user string) []byte {
	return cat([]byte(question), []byte{0}, []byte(user))
}

// flagPrefix starts the keys of a question's flags.
func flagPrefix(question string) []byte { return cat([]byte(question), []byte{0}) }

// AddFlag implements quiz.Store.
func (s *Store) AddFlag(ctx context.Context, f quiz.Flag) (quiz.Flag, bool, error) {
	stored, created := f, false
	err := s.update(ctx, "add flag", func(tx *bbolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bFlags)
		if err != nil {
			return err
		}
		k := flagKey(f.Question, f.User)
		if v := b.Get(k); v != nil {
			stored = quiz.Flag{}
			return json.Unmarshal(v, &stored)
		}
		v, err := json.Marshal(f)
		if err != nil {
			return err
		}
		created = true
		return b.Put(k, v)
	})
	if err != nil {
		return quiz.Flag{}, false, err
	}
	return stored, created, nil
}

// Flags implements quiz.Store.
func (s *Store) Flags(ctx context.Context, question string) ([]quiz.Flag, error) {
	var out []quiz.Flag
	err := s.view(ctx, "list flags", func(tx *bbolt.Tx) error {
		b := tx.Bucket(bFlags)
		if b == nil {
			return nil
		}
		var prefix []byte
		if question != "" {
			prefix = flagPrefix(question)
		}
		c := b.Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			var f quiz.Flag
			if err := json.Unmarshal(v, &f); err != nil {
				return fmt.Errorf("flag %q: %w", k, ErrCorrupt)
			}
			out = append(out, f)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(out, quiz.CompareFlags)
	return out, nil
}

// ClearFlags implements quiz.Store.
func (s *Store) ClearFlags(ctx context.Context, question string) (int, error) {
	n := 0
	err := s.update(ctx, "clear flags", func(tx *bbolt.Tx) error {
		b := tx.Bucket(bFlags)
		if b == nil {
			return nil
		}
		prefix := flagPrefix(question)
		var keys [][]byte
		c := b.Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			keys = append(keys, slices.Clone(k))
		}
		for _, k := range keys {
			if err := b.Delete(k); err != nil {
				return err
			}
		}
		n = len(keys)
		return nil
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}
