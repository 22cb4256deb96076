package bolt

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"
)

func TestFirstRequest(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "bot.db")
	s, err := Open(nil, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	exp := t0.Add(5 * time.Minute)
	// The conformance suite covers the rules; this test, what bbolt adds:
	// records survive a restart and expired ones are pruned.
	for _, key := range []string{"sig-1", "sig-2"} {
		if got, err := s.FirstRequest(ctx, []byte(key), t0, exp); err != nil || !got {
			t.Fatalf("FirstRequest(%s) = %v, %v; want true", key, got, err)
		}
	}
	// A restart on the same file still knows the requests.
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if s, err = Open(nil, path, Options{}); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got, err := s.FirstRequest(ctx, []byte("sig-2"), t0.Add(2*time.Minute), exp); err != nil || got {
		t.Errorf("replay after restart = %v, %v; want false", got, err)
	}
	// Past its expiry a key is new again (the signature check refuses such
	// a stale request anyway), and expired records go as new ones come in.
	if got, err := s.FirstRequest(ctx, []byte("sig-1"), exp.Add(time.Second), exp); err != nil || !got {
		t.Errorf("expired key = %v, %v; want true", got, err)
	}
	later := t0.Add(time.Hour)
	if _, err := s.FirstRequest(ctx, []byte("sig-3"), later, later.Add(5*time.Minute)); err != nil {
		t.Fatal(err)
	}
	for _, bucket := range [][]byte{bRequests, bRequestsByExpiry} {
		n := 0
		_ = s.db.View(func(tx *bbolt.Tx) error { n = tx.Bucket(bucket).Stats().KeyN; return nil })
		if n != 1 {
			t.Errorf("bucket %s holds %d records after the others expired, want 1", bucket, n)
		}
	}
}

func TestFirstRequestConcurrentCallsShareCommits(t *testing.T) {
	s, err := Open(nil, filepath.Join(t.TempDir(), "bot.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	now := time.Now()
	const keys, copies = 100, 3
	var firsts atomic.Int64
	var wg sync.WaitGroup
	for i := range keys * copies {
		wg.Go(func() {
			first, err := s.FirstRequest(context.Background(), fmt.Appendf(nil, "sig-%d", i%keys), now, now.Add(5*time.Minute))
			if err != nil {
				t.Error(err)
			}
			if first {
				firsts.Add(1)
			}
		})
	}
	wg.Wait()
	if n := firsts.Load(); n != keys {
		t.Errorf("%d calls reported first, want %d (one per key)", n, keys)
	}
}
