package bolt

import (
	"context"
	"slices"

	bbolt "go.etcd.io/bbolt"
)

// bCloses holds how far each round's close got (bot.CloseLog): "pending"
// until its answer is out, a mark while it is being posted, then the
// answer's message timestamp. Created on first use (schema 1 files stay
// valid).
var bCloses = []byte("closes")

// SwapClose sets round id's close state to new if it is old ("" when there
// is none) and reports whether it did; durable before it returns.
func (s *Store) SwapClose(ctx context.Context, id, old, new string) (bool, error) {
	swapped := false
	err := s.update(ctx, "record close", func(tx *bbolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bCloses)
		if err != nil {
			return err
		}
		if string(b.Get([]byte(id))) != old {
			return nil
		}
		swapped = true
		return b.Put([]byte(id), []byte(new))
	})
	return swapped, err
}

// PendingCloses returns the rounds whose close state is "pending", in ID
// order.
func (s *Store) PendingCloses(ctx context.Context) ([]string, error) {
	var ids []string
	err := s.view(ctx, "pending closes", func(tx *bbolt.Tx) error {
		b := tx.Bucket(bCloses)
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			if string(v) == "pending" {
				ids = append(ids, string(k))
			}
			return nil
		})
	})
	slices.Sort(ids)
	return ids, err
}
