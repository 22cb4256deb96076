package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/devopsbot/devopsbot/quiz"
)

// EventLog is what the bot keeps of Slack event IDs (bot.EventLog): every
// store implements it, so a retry is answered once across restarts and
// replicas.
type EventLog interface {
	FirstDelivery(ctx context.Context, id string, now time.Time, ttl time.Duration) (bool, error)
}

// ReplayLog is what the bot keeps of signed requests (bot.ReplayLog).
type ReplayLog interface {
	FirstRequest(ctx context.Context, key []byte, now, expires time.Time) (bool, error)
}

// CloseLog is what the bot keeps of each round's close (bot.CloseLog).
type CloseLog interface {
	SwapClose(ctx context.Context, id, old, new string) (bool, error)
	PendingCloses(ctx context.Context) ([]string, error)
}

// testCloses: a close state moves only from the state the caller names;
// pending ones are listed in ID order.
func testCloses(t *testing.T, s quiz.Store) {
	l, ok := s.(CloseLog)
	if !ok {
		t.Fatalf("%T does not keep close states (SwapClose)", s)
	}
	steps := []struct {
		id, old, new string
		want         bool
	}{
		{"r1", "", "pending", true},
		{"r1", "", "pending", false}, // already recorded
		{"r2", "", "pending", true},
		{"r0", "", "pending", true},
		{"r1", "pending", "unknown", true},
		{"r1", "pending", "unknown", false}, // claimed once
		{"r1", "unknown", "pending", true},  // released: Slack refused the post
		{"r1", "pending", "unknown", true},
		{"r1", "unknown", "1700000000.000100", true},
		{"r9", "pending", "unknown", false}, // no record
	}
	for _, st := range steps {
		if got, err := l.SwapClose(ctx, st.id, st.old, st.new); err != nil || got != st.want {
			t.Errorf("SwapClose(%s, %q -> %q) = %v, %v; want %v", st.id, st.old, st.new, got, err, st.want)
		}
	}
	if ids, err := l.PendingCloses(ctx); err != nil || !slices.Equal(ids, []string{"r0", "r2"}) {
		t.Errorf("PendingCloses = %v, %v; want [r0 r2]", ids, err)
	}
	wins := countTrue(t, 12, func(int) (bool, error) { return l.SwapClose(ctx, "r2", "pending", "unknown") })
	if wins != 1 {
		t.Errorf("12 concurrent claims of a pending close: %d won, want 1", wins)
	}
}

// testClaimRoundMessage: a round is claimed once, the claim is visible, a
// cleared message can be claimed again.
func testClaimRoundMessage(t *testing.T, s quiz.Store) {
	if _, _, err := s.ClaimRoundMessage(ctx, "nope", "C1", "unknown"); !errors.Is(err, quiz.ErrNotFound) {
		t.Errorf("ClaimRoundMessage(missing round): err = %v, want ErrNotFound", err)
	}
	r := MustCreate(t, s, round("slot1", t0))
	got, claimed, err := s.ClaimRoundMessage(ctx, r.ID, "C1", "unknown")
	if err != nil || !claimed || got.Channel != "C1" || got.MessageTS != "unknown" {
		t.Fatalf("first claim = %+v, %v, %v; want claimed with C1/unknown", got, claimed, err)
	}
	got, claimed, err = s.ClaimRoundMessage(ctx, r.ID, "C2", "other")
	if err != nil || claimed || got.Channel != "C1" || got.MessageTS != "unknown" {
		t.Fatalf("second claim = %+v, %v, %v; want not claimed, the first claim returned", got, claimed, err)
	}
	if err := s.SetRoundMessage(ctx, r.ID, "C1", "1700000000.000100"); err != nil {
		t.Fatal(err)
	}
	if _, claimed, err := s.ClaimRoundMessage(ctx, r.ID, "C1", "unknown"); err != nil || claimed {
		t.Fatalf("claim of a posted round = %v, %v; want not claimed", claimed, err)
	}
	// A post that surely failed clears the message: the round is free again.
	if err := s.SetRoundMessage(ctx, r.ID, "C1", ""); err != nil {
		t.Fatal(err)
	}
	if _, claimed, err := s.ClaimRoundMessage(ctx, r.ID, "C1", "unknown"); err != nil || !claimed {
		t.Fatalf("claim after the message was cleared = %v, %v; want claimed", claimed, err)
	}
	if _, _, err := s.ClaimRoundMessage(ctx, "slot1", "C1", ""); err == nil {
		t.Error("claim with an empty mark: no error")
	}
}

// testConcurrentClaims: of many callers claiming one round, one wins.
func testConcurrentClaims(t *testing.T, s quiz.Store) {
	r := MustCreate(t, s, round("slot1", t0))
	wins := countTrue(t, 16, func(i int) (bool, error) {
		_, claimed, err := s.ClaimRoundMessage(ctx, r.ID, "C1", fmt.Sprintf("poster-%d", i))
		return claimed, err
	})
	if wins != 1 {
		t.Errorf("16 concurrent claims: %d won, want 1", wins)
	}
}

func eventLog(t *testing.T, s quiz.Store) EventLog {
	t.Helper()
	l, ok := s.(EventLog)
	if !ok {
		t.Fatalf("%T does not keep Slack event IDs (FirstDelivery)", s)
	}
	return l
}

func replayLog(t *testing.T, s quiz.Store) ReplayLog {
	t.Helper()
	l, ok := s.(ReplayLog)
	if !ok {
		t.Fatalf("%T does not keep signed requests (FirstRequest)", s)
	}
	return l
}

// testEvents: an event ID is first once within the ttl, again after it.
func testEvents(t *testing.T, s quiz.Store) {
	l := eventLog(t, s)
	steps := []struct {
		id   string
		at   time.Time
		want bool
	}{
		{"Ev1", t0, true},
		{"Ev1", t0.Add(time.Minute), false},      // a retry
		{"Ev2", t0.Add(time.Minute), true},       // another event
		{"Ev1", t0.Add(59 * time.Minute), false}, // still within the ttl of the first
		{"Ev1", t0.Add(61 * time.Minute), true},  // past it
		{"Ev1", t0.Add(62 * time.Minute), false}, // the new record counts from 61
	}
	for _, st := range steps {
		got, err := l.FirstDelivery(ctx, st.id, st.at, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if got != st.want {
			t.Errorf("FirstDelivery(%s, %s) = %v, want %v", st.id, st.at.Format(time.Kitchen), got, st.want)
		}
	}
	// Many more events, past the ttl of the first ones: each is first once
	// (stores prune old records as they go).
	for i := range 200 {
		id := fmt.Sprintf("Ev-%d", i)
		at := t0.Add(3*time.Hour + time.Duration(i)*time.Second)
		if got, err := l.FirstDelivery(ctx, id, at, time.Hour); err != nil || !got {
			t.Fatalf("FirstDelivery(%s) = %v, %v; want true", id, got, err)
		}
		if got, err := l.FirstDelivery(ctx, id, at.Add(time.Second), time.Hour); err != nil || got {
			t.Fatalf("FirstDelivery(%s) again = %v, %v; want false", id, got, err)
		}
	}
}

// testConcurrentEvents: one event delivered to many handlers at once (a
// retry reaching two replicas) is first for one of them.
func testConcurrentEvents(t *testing.T, s quiz.Store) {
	l := eventLog(t, s)
	firsts := countTrue(t, 16, func(int) (bool, error) { return l.FirstDelivery(ctx, "EvSame", t0, time.Hour) })
	if firsts != 1 {
		t.Errorf("16 concurrent deliveries of one event: %d first, want 1", firsts)
	}
}

// testReplays: a key is first once until it expires; a key already past
// its expiry is not remembered. Time only moves forward, as the clock does.
func testReplays(t *testing.T, s quiz.Store) {
	l := replayLog(t, s)
	exp := t0.Add(5 * time.Minute)
	steps := []struct {
		key          string
		now, expires time.Time
		want         bool
	}{
		{"sig-1", t0, exp, true},
		{"sig-1", t0.Add(time.Minute), exp, false},                // a replay
		{"sig-2", t0.Add(time.Minute), exp, true},                 // another request
		{"sig-3", t0.Add(time.Minute), t0.Add(time.Minute), true}, // stale already: not recorded
		{"sig-3", t0.Add(61 * time.Second), exp, true},            // so this is first
		{"sig-3", t0.Add(62 * time.Second), exp, false},           // and this a replay
		{"sig-2", t0.Add(2 * time.Minute), t0, false},             // a stale copy of a live record
		{"sig-1", exp.Add(time.Second), exp, true},                // past its expiry: new again
		{"sig-4", t0.Add(time.Hour), t0.Add(65 * time.Minute), true},
	}
	for i, st := range steps {
		got, err := l.FirstRequest(ctx, []byte(st.key), st.now, st.expires)
		if err != nil {
			t.Fatal(err)
		}
		if got != st.want {
			t.Errorf("step %d: FirstRequest(%s, now %s, expires %s) = %v, want %v", i, st.key,
				st.now.Format(time.TimeOnly), st.expires.Format(time.TimeOnly), got, st.want)
		}
	}
	// Binary keys (decoded signatures) are kept byte for byte.
	a, b := []byte{0, 1, 2, 0xff}, []byte{0, 1, 2, 0xfe}
	later := t0.Add(time.Hour)
	for _, k := range [][]byte{a, b} {
		if got, err := l.FirstRequest(ctx, k, later, later.Add(5*time.Minute)); err != nil || !got {
			t.Fatalf("FirstRequest(%x) = %v, %v; want true", k, got, err)
		}
	}
}

// testConcurrentReplays: copies of one request arriving together are
// first once.
func testConcurrentReplays(t *testing.T, s quiz.Store) {
	l := replayLog(t, s)
	firsts := countTrue(t, 30, func(i int) (bool, error) {
		return l.FirstRequest(ctx, fmt.Appendf(nil, "sig-%d", i%10), t0, t0.Add(5*time.Minute))
	})
	if firsts != 10 {
		t.Errorf("3 copies each of 10 requests: %d first, want 10", firsts)
	}
}

// countTrue runs fn(0) to fn(n-1) at once and counts the true results; an
// error fails the test.
func countTrue(t *testing.T, n int, fn func(i int) (bool, error)) int {
	t.Helper()
	var count atomic.Int32
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			ok, err := fn(i)
			if err != nil {
				t.Error(err)
			}
			if ok {
				count.Add(1)
			}
		})
	}
	wg.Wait()
	return int(count.Load())
}
