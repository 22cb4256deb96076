package bolt

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/devopsbot/devopsbot/quiz"
)

func roundIdxKey(r quiz.Round) []byte { return cat(tsKey(r.OpenedAt), []byte(r.ID)) }

func getRound(tx *bbolt.Tx, id string) (quiz.Round, error) {
	v := tx.Bucket(bRounds).Get([]byte(id))
	if v == nil {
		return quiz.Round{}, fmt.Errorf("round %q: %w", id, quiz.ErrNotFound)
	}
	var r quiz.Round
	if err := json.Unmarshal(v, &r); err != nil {
		return quiz.Round{}, fmt.Errorf("round %q: %v: %w", id, err, ErrCorrupt)
	}
	return r, nil
}

func putRound(tx *bbolt.Tx, r quiz.Round) error {
	v, err := json.Marshal(r)
	if err != nil {
		return err
	}
	if err := tx.Bucket(bRounds).Put([]byte(r.ID), v); err != nil {
		return err
	}
	state := []byte("o")
	if !r.Open() {
		state = []byte("c")
	}
	return tx.Bucket(bRoundIdx).Put(roundIdxKey(r), state)
}

// CreateRound implements quiz.Store.
func (s *Store) CreateRound(ctx context.Context, r quiz.Round) (quiz.Round, bool, error) {
	var out quiz.Round
	created := false
	err := s.update(ctx, "create round "+r.ID, func(tx *bbolt.Tx) error {
		old, err := getRound(tx, r.ID)
		if err == nil {
			out = old
			return nil
		}
		if !errors.Is(err, quiz.ErrNotFound) {
			return err
		}
		r.OpenedAt = r.OpenedAt.UTC()
		if err := putRound(tx, r); err != nil {
			return err
		}
		if _, err := tx.Bucket(bRoundAns).CreateBucketIfNotExists([]byte(r.ID)); err != nil {
			return err
		}
		out, created = r, true
		return nil
	})
	if err != nil {
		return quiz.Round{}, false, err
	}
	return out, created, nil
}

// GetRound implements quiz.Store.
func (s *Store) GetRound(ctx context.Context, id string) (quiz.Round, error) {
	var out quiz.Round
	err := s.view(ctx, "get round", func(tx *bbolt.Tx) error {
		var err error
		out, err = getRound(tx, id)
		return err
	})
	return out, err
}

// SetRoundMessage implements quiz.Store.
func (s *Store) SetRoundMessage(ctx context.Context, id, channel, ts string) error {
	return s.update(ctx, "set round message", func(tx *bbolt.Tx) error {
		r, err := getRound(tx, id)
		if err != nil {
			return err
		}
		r.Channel, r.MessageTS = channel, ts
		return putRound(tx, r)
	})
}

// ClaimRoundMessage implements quiz.Store: the check and the write are
// one read-write transaction, and bbolt runs one at a time.
func (s *Store) ClaimRoundMessage(ctx context.Context, id, channel, mark string) (quiz.Round, bool, error) {
	if mark == "" {
		return quiz.Round{}, false, fmt.Errorf("claim round message %s: empty mark", id)
	}
	var out quiz.Round
	claimed := false
	err := s.update(ctx, "claim round message", func(tx *bbolt.Tx) error {
		r, err := getRound(tx, id)
		if err != nil {
			return err
		}
		out = r
		if r.MessageTS != "" {
			return nil
		}
		r.Channel, r.MessageTS = channel, mark
		out, claimed = r, true
		return putRound(tx, r)
	})
	if err != nil {
		return quiz.Round{}, false, err
	}
	return out, claimed, nil
}

// CloseRound implements quiz.Store.
func (s *Store) CloseRound(ctx context.Context, id string, at time.Time) (quiz.Round, bool, error) {
	var out quiz.Round
	already := false
	err := s.update(ctx, "close round", func(tx *bbolt.Tx) error {
		r, err := getRound(tx, id)
		if err != nil {
			return err
		}
		if !r.Open() {
			out, already = r, true
			return nil
		}
		r.ClosedAt = at.UTC()
		out = r
		return putRound(tx, r)
	})
	if err != nil {
		return quiz.Round{}, false, err
	}
	return out, already, nil
}

// Rounds implements quiz.Store.
func (s *Store) Rounds(ctx context.Context, openOnly bool) ([]quiz.Round, error) {
	var out []quiz.Round
	err := s.view(ctx, "list rounds", func(tx *bbolt.Tx) error {
		c := tx.Bucket(bRoundIdx).Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			if openOnly && string(v) != "o" {
				continue
			}
			if len(k) < 8 {
				return fmt.Errorf("round index key %x: %w", k, ErrCorrupt)
			}
			r, err := getRound(tx, string(k[8:]))
			if errors.Is(err, ErrCorrupt) {
				s.skipDamaged("round", k[8:], err)
				continue
			}
			if err != nil {
				return err
			}
			out = append(out, r)
		}
		return nil
	})
	return out, err
}

// RoundInfos implements quiz.Store from the round index alone.
func (s *Store) RoundInfos(ctx context.Context) ([]quiz.RoundInfo, error) {
	var out []quiz.RoundInfo
	err := s.view(ctx, "list round infos", func(tx *bbolt.Tx) error {
		c := tx.Bucket(bRoundIdx).Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			if len(k) < 8 {
				return fmt.Errorf("round index key %x: %w", k, ErrCorrupt)
			}
			out = append(out, quiz.RoundInfo{ID: string(k[8:]), OpenedAt: keyTime(k[:8]), Open: string(v) == "o"})
		}
		return nil
	})
	return out, err
}
