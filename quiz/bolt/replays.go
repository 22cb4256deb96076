package bolt

import (
	"bytes"
	"context"
	"encoding/binary"
	"sync"
	"time"

	bbolt "go.etcd.io/bbolt"
)

// bRequests holds the signed Slack requests seen (key: the request's
// identity, value: when it expires); bRequestsByExpiry indexes them by
// expiry (key: expiry then identity), so expired ones are removed oldest
// first without a scan. Both are created on first use (schema 1 files stay
// valid).
var (
	bRequests         = []byte("requests")
	bRequestsByExpiry = []byte("requests_by_expiry")
)

// maxRequestPrune bounds how many expired requests one commit removes.
const maxRequestPrune = 256

// FirstRequest records a signed request's key until expires and reports
// whether no unexpired record of it existed: a replay is refused after a
// restart too. The record is durable before it returns nil. Calls that
// arrive while a commit is running share the next commit (one fsync for
// all of them), so many concurrent requests cost few commits.
func (s *Store) FirstRequest(ctx context.Context, key []byte, now, expires time.Time) (bool, error) {
	if err := ctx.Err(); err != nil {
		return true, err
	}
	r := &replayReq{key: bytes.Clone(key), now: now, expires: expires, done: make(chan bool, 1)}
	b := &s.replays
	b.mu.Lock()
	b.pending = append(b.pending, r)
	lead := !b.running
	b.running = true
	b.mu.Unlock()
	if !lead {
		lead = <-r.done // false: r was committed by another call
	}
	if lead {
		s.commitReplays()
	}
	return r.first, r.err
}

// replayBatch gathers FirstRequest calls for one commit.
type replayBatch struct {
	mu      sync.Mutex
	pending []*replayReq
	running bool // a call is committing; the others wait for it
}

// replayReq is one FirstRequest call: its result, and done, which receives
// false once the result is set or true when the call must commit the
// pending calls itself.
type replayReq struct {
	key          []byte
	now, expires time.Time
	first        bool
	err          error
	done         chan bool
}

// commitReplays commits every pending call (its own among them) in one
// transaction, then hands the commit of calls that arrived meanwhile to
// the first of them.
func (s *Store) commitReplays() {
	b := &s.replays
	b.mu.Lock()
	batch := b.pending
	b.pending = nil
	b.mu.Unlock()

	err := s.update(context.Background(), "record request", func(tx *bbolt.Tx) error {
		reqs, err := tx.CreateBucketIfNotExists(bRequests)
		if err != nil {
			return err
		}
		byExp, err := tx.CreateBucketIfNotExists(bRequestsByExpiry)
		if err != nil {
			return err
		}
		for _, r := range batch {
			r.first = true
			if v := reqs.Get(r.key); len(v) == 8 && int64(binary.BigEndian.Uint64(v)) > r.now.UnixNano() {
				r.first = false
				continue
			}
			if !r.expires.After(r.now) {
				continue // already stale: nothing to remember
			}
			var exp [8]byte
			binary.BigEndian.PutUint64(exp[:], uint64(r.expires.UnixNano()))
			if err := reqs.Put(r.key, exp[:]); err != nil {
				return err
			}
			if err := byExp.Put(append(exp[:], r.key...), nil); err != nil {
				return err
			}
		}
		return pruneRequests(reqs, byExp, batch[len(batch)-1].now)
	})
	for _, r := range batch {
		if err != nil {
			r.first, r.err = true, err
		}
	}

	b.mu.Lock()
	var next *replayReq
	if len(b.pending) > 0 {
		next = b.pending[0]
	} else {
		b.running = false
	}
	b.mu.Unlock()
	for _, r := range batch {
		r.done <- false
	}
	if next != nil {
		next.done <- true
	}
}

// pruneRequests removes up to maxRequestPrune requests that expired
// before now, oldest first.
func pruneRequests(reqs, byExp *bbolt.Bucket, now time.Time) error {
	var stale [][]byte
	c := byExp.Cursor()
	for k, _ := c.First(); k != nil && len(stale) < maxRequestPrune; k, _ = c.Next() {
		if len(k) < 8 || int64(binary.BigEndian.Uint64(k)) > now.UnixNano() {
			break
		}
		stale = append(stale, bytes.Clone(k))
	}
	for _, k := range stale {
		if err := byExp.Delete(k); err != nil {
			return err
		}
		// A newer record of the same key (the request came back after
		// expiring) keeps its own expiry.
		if v := reqs.Get(k[8:]); len(v) == 8 && bytes.Equal(v, k[:8]) {
			if err := reqs.Delete(k[8:]); err != nil {
				return err
			}
		}
	}
	return nil
}
