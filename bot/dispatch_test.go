package bot

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestCommandName(t *testing.T) {
	tests := map[string]string{
		"":                     CommandHelp,
		"help":                 CommandHelp,
		"lookup canary":        CommandLookup,
		"canary deployment":    CommandLookup,
		"LEADERBOARD month":    CommandLeaderboard,
		"stats <@U1>":          CommandStats,
		"quiz":                 CommandQuiz,
		"quiz post":            CommandQuizPost,
		"quiz close":           CommandQuizClose,
		"ask Which service? A": CommandAsk,
		"<@UBOT> lookup x":     CommandLookup,
	}
	for text, want := range tests {
		if got := commandName(text); got != want {
			t.Errorf("commandName(%q) = %q, want %q", text, got, want)
		}
	}
}

func TestSeenSetForgetsAfterTTL(t *testing.T) {
	s := newSeenSet(time.Hour)
	now := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	steps := []struct {
		name  string
		at    time.Duration
		first bool
	}{
		{"first delivery", 0, true},
		{"retry after a minute", time.Minute, false},
		{"retry after 59 minutes", 59 * time.Minute, false},
		{"after the TTL it is new again", 61 * time.Minute, true},
	}
	for _, st := range steps {
		if got := s.add("Ev1", now.Add(st.at)); got != st.first {
			t.Errorf("%s: first = %v, want %v", st.name, got, st.first)
		}
	}
}

func TestTrackerWaitsThenRefuses(t *testing.T) {
	tr := newTracker()
	release := make(chan struct{})
	done := make(chan struct{})
	if !tr.goCtx(func(ctx context.Context) { <-release; close(done) }) {
		t.Fatal("refused before close")
	}
	short, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if err := tr.close(short); err == nil {
		t.Errorf("close returned before the work finished")
	}
	if tr.goCtx(func(context.Context) {}) {
		t.Errorf("took work after close")
	}
	close(release)
	<-done
}

func TestOutcomeRecorder(t *testing.T) {
	ctx, o := withOutcome(context.Background())
	if *o != OutcomeOK {
		t.Errorf("default outcome %q", *o)
	}
	setOutcome(ctx, OutcomeNoResult)
	if *o != OutcomeNoResult {
		t.Errorf("outcome %q, want %q", *o, OutcomeNoResult)
	}
	setOutcome(context.Background(), OutcomeError) // no recorder: nothing happens
}

// eventLogFunc is a hand-written fake EventLog.
type eventLogFunc func(ctx context.Context, id string, now time.Time, ttl time.Duration) (bool, error)

func (f eventLogFunc) FirstDelivery(ctx context.Context, id string, now time.Time, ttl time.Duration) (bool, error) {
	return f(ctx, id, now, ttl)
}

// TestFirstDeliveryAcrossRestart: with an event log, a retry that reaches a
// new process (empty memory) is still recognised; when the log fails, the
// event is handled rather than dropped.
func TestFirstDeliveryAcrossRestart(t *testing.T) {
	ctx := context.Background()
	seen := map[string]bool{}
	log := eventLogFunc(func(_ context.Context, id string, _ time.Time, _ time.Duration) (bool, error) {
		first := !seen[id]
		seen[id] = true
		return first, nil
	})
	before := NewDispatcher(nil, nil, nil, nil, log)
	if !before.firstDelivery(ctx, "Ev1") {
		t.Fatal("first delivery reported as a repeat")
	}
	if before.firstDelivery(ctx, "Ev1") {
		t.Error("retry in the same process handled again")
	}
	after := NewDispatcher(nil, nil, nil, nil, log) // a restart: nothing in memory
	if after.firstDelivery(ctx, "Ev1") {
		t.Error("retry after a restart handled again")
	}
	broken := NewDispatcher(nil, nil, nil, nil, eventLogFunc(func(context.Context, string, time.Time, time.Duration) (bool, error) {
		return false, errors.New("disk full")
	}))
	if !broken.firstDelivery(ctx, "Ev2") {
		t.Error("an event was dropped because the log could not be written")
	}
}
