package bolt

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"
)

func TestFirstDelivery(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "bot.db")
	s, err := Open(nil, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	// The conformance suite covers the rules; this test, what bbolt adds:
	// records survive a restart and stale ones are pruned.
	t0 := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	for _, id := range []string{"Ev1", "Ev2"} {
		if got, err := s.FirstDelivery(ctx, id, t0, time.Hour); err != nil || !got {
			t.Fatalf("FirstDelivery(%s) = %v, %v; want true", id, got, err)
		}
	}
	// A restart on the same file still knows the events.
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = Open(nil, path, Options{})
	if err != nil {
		t.Fatalf("reopen with an events bucket: %v", err)
	}
	defer s.Close()
	if got, err := s.FirstDelivery(ctx, "Ev1", t0.Add(time.Minute), time.Hour); err != nil || got {
		t.Errorf("retry after restart = %v, %v; want false", got, err)
	}
	// Stale entries are pruned as new ones come in.
	if _, err := s.FirstDelivery(ctx, "Ev3", t0.Add(5*time.Hour), time.Hour); err != nil {
		t.Fatal(err)
	}
	var keys []string
	if err := s.db.View(func(tx *bbolt.Tx) error {
		return tx.Bucket(bEvents).ForEach(func(k, _ []byte) error {
			keys = append(keys, string(k))
			return nil
		})
	}); err != nil {
		t.Fatal(err)
	}
	if len(keys) != 1 || keys[0] != "Ev3" {
		t.Errorf("events kept after pruning = %q, want only Ev3", keys)
	}
}

func TestFirstDeliveryReadOnly(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "bot.db")
	s, err := Open(nil, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	ro, err := Open(nil, path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	got, err := ro.FirstDelivery(ctx, "Ev1", time.Now(), time.Hour)
	if err == nil || !got {
		t.Errorf("read-only store: FirstDelivery = %v, %v; want true and an error", got, err)
	}
}
