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
	t0 := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	steps := []struct {
		id   string
		at   time.Time
		want bool
	}{
		{"Ev1", t0, true},
		{"Ev1", t0.Add(time.Minute), false},     // a retry
		{"Ev2", t0.Add(time.Minute), true},      // another event
		{"Ev1", t0.Add(61 * time.Minute), true}, // past the ttl
	}
	for _, st := range steps {
		got, err := s.FirstDelivery(ctx, st.id, st.at, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if got != st.want {
			t.Errorf("FirstDelivery(%s, %s) = %v, want %v", st.id, st.at.Format(time.Kitchen), got, st.want)
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
	if got, err := s.FirstDelivery(ctx, "Ev1", t0.Add(62*time.Minute), time.Hour); err != nil || got {
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
