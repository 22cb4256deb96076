package bolt

import (
	"context"
	"encoding/json"

	bbolt "go.etcd.io/bbolt"

	"github.com/devopsbot/devopsbot/quiz"
)

// bChannels holds the quiz channels admins set, keyed by channel ID, the
// value the channel as JSON. Created on first use (schema 1 files stay
// valid).
var bChannels = []byte("channels")

// PutChannel implements quiz.Store.
func (s *Store) PutChannel(ctx context.Context, c quiz.Channel) error {
	c.Default = false
	v, err := json.Marshal(c)
	if err != nil {
		return err
	}
	return s.update(ctx, "put channel", func(tx *bbolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bChannels)
		if err != nil {
			return err
		}
		return b.Put([]byte(c.ID), v)
	})
}

// DeleteChannel implements quiz.Store.
func (s *Store) DeleteChannel(ctx context.Context, id string) (bool, error) {
	found := false
	err := s.update(ctx, "delete channel", func(tx *bbolt.Tx) error {
		b := tx.Bucket(bChannels)
		if b == nil || b.Get([]byte(id)) == nil {
			return nil
		}
		found = true
		return b.Delete([]byte(id))
	})
	return found, err
}

// Channels implements quiz.Store: in key order, which is ID order.
func (s *Store) Channels(ctx context.Context) ([]quiz.Channel, error) {
	var out []quiz.Channel
	err := s.view(ctx, "list channels", func(tx *bbolt.Tx) error {
		b := tx.Bucket(bChannels)
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			var c quiz.Channel
			if err := json.Unmarshal(v, &c); err != nil {
				s.damaged.Add(1)
				s.lg.Warn("quiz/bolt.Store damaged channel skipped", "channel", string(k), "err", err)
				return nil
			}
			out = append(out, c)
			return nil
		})
	})
	return out, err
}
