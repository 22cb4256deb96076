package bolt

import (
	"context"
	"encoding/binary"
	"time"

	bbolt "go.etcd.io/bbolt"
)

// bEvents holds the Slack event IDs already handled, so that a delivery
// Slack retries after a restart is not answered twice. It is created on
// first use: files written before it existed stay valid (schema 1).
var bEvents = []byte("events")

// maxEventScan bounds how many stale entries one call removes.
const maxEventScan = 64

// FirstDelivery records an event ID and reports whether it was not seen
// within ttl before now. The record is durable before it returns. Each call
// also drops a few entries older than ttl, so the bucket stays small.
func (s *Store) FirstDelivery(ctx context.Context, id string, now time.Time, ttl time.Duration) (bool, error) {
	first := false
	err := s.update(ctx, "record event", func(tx *bbolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bEvents)
		if err != nil {
			return err
		}
		if v := b.Get([]byte(id)); len(v) == 8 {
			seen := time.Unix(0, int64(binary.BigEndian.Uint64(v)))
			if now.Sub(seen) < ttl {
				return nil
			}
		}
		first = true
		var v [8]byte
		binary.BigEndian.PutUint64(v[:], uint64(now.UnixNano()))
		if err := b.Put([]byte(id), v[:]); err != nil {
			return err
		}
		return pruneEvents(b, now, ttl)
	})
	if err != nil {
		return true, err
	}
	return first, nil
}

// pruneEvents deletes up to maxEventScan entries older than ttl.
func pruneEvents(b *bbolt.Bucket, now time.Time, ttl time.Duration) error {
	var stale [][]byte
	c := b.Cursor()
	for k, v := c.First(); k != nil && len(stale) < maxEventScan; k, v = c.Next() {
		if len(v) != 8 || now.Sub(time.Unix(0, int64(binary.BigEndian.Uint64(v)))) >= ttl {
			stale = append(stale, append([]byte(nil), k...))
		}
	}
	for _, k := range stale {
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	return nil
}
