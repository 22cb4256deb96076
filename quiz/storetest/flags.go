package storetest

import (
	"sync"
	"testing"
	"time"

	"github.com/devopsbot/devopsbot/quiz"
)

// testFlags: one flag per person per question, the first stands; flags are
// listed in time order and cleared per question.
func testFlags(t *testing.T, s quiz.Store) {
	if fs, err := s.Flags(ctx, ""); err != nil || len(fs) != 0 {
		t.Fatalf("Flags on an empty store = %v, %v; want none", fs, err)
	}
	first := quiz.Flag{Question: "q1", User: "U1", Reason: quiz.FlagWrong, At: t0}
	got, created, err := s.AddFlag(ctx, first)
	if err != nil || !created || !sameFlag(got, first) {
		t.Fatalf("AddFlag(first) = %+v, %v, %v; want it stored", got, created, err)
	}
	again := quiz.Flag{Question: "q1", User: "U1", Reason: quiz.FlagUnclear, Admin: true, At: t0.Add(time.Minute)}
	got, created, err = s.AddFlag(ctx, again)
	if err != nil || created || !sameFlag(got, first) {
		t.Fatalf("AddFlag(same person again) = %+v, %v, %v; want the first flag, not created", got, created, err)
	}
	more := []quiz.Flag{
		{Question: "q2", User: "U1", Reason: quiz.FlagOther, At: t0.Add(2 * time.Minute)},
		{Question: "q1", User: "U2", Reason: quiz.FlagTwo, Admin: true, At: t0.Add(3 * time.Minute)},
		{Question: "q1", User: "U0", Reason: quiz.FlagOutdated, At: t0.Add(3 * time.Minute)},
	}
	for _, f := range more {
		if _, created, err := s.AddFlag(ctx, f); err != nil || !created {
			t.Fatalf("AddFlag(%+v) = %v, %v; want stored", f, created, err)
		}
	}
	want := []quiz.Flag{first, more[0], more[2], more[1]}
	fs, err := s.Flags(ctx, "")
	if err != nil {
		t.Fatalf("Flags: %v", err)
	}
	sameFlags(t, fs, want)
	q1, err := s.Flags(ctx, "q1")
	if err != nil {
		t.Fatalf("Flags(q1): %v", err)
	}
	sameFlags(t, q1, []quiz.Flag{first, more[2], more[1]})
	if none, err := s.Flags(ctx, "q"); err != nil || len(none) != 0 {
		t.Fatalf("Flags(q), a prefix of other IDs = %v, %v; want none", none, err)
	}

	n, err := s.ClearFlags(ctx, "q1")
	if err != nil || n != 3 {
		t.Fatalf("ClearFlags(q1) = %d, %v; want 3", n, err)
	}
	if n, err := s.ClearFlags(ctx, "q1"); err != nil || n != 0 {
		t.Fatalf("ClearFlags(q1) again = %d, %v; want 0", n, err)
	}
	fs, err = s.Flags(ctx, "")
	if err != nil {
		t.Fatalf("Flags after clear: %v", err)
	}
	sameFlags(t, fs, []quiz.Flag{more[0]})
	if _, created, err := s.AddFlag(ctx, again); err != nil || !created {
		t.Fatalf("AddFlag after clear = %v, %v; want stored again", created, err)
	}
}

// testConcurrentFlags: many goroutines flagging the same question as the
// same person store one flag.
func testConcurrentFlags(t *testing.T, s quiz.Store) {
	var wg sync.WaitGroup
	created := make(chan bool, 16)
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, c, err := s.AddFlag(ctx, quiz.Flag{Question: "q", User: "U1", Reason: quiz.FlagUnclear, At: t0.Add(time.Duration(i) * time.Second)})
			if err != nil {
				t.Errorf("AddFlag: %v", err)
			}
			created <- c
		}()
	}
	wg.Wait()
	close(created)
	n := 0
	for c := range created {
		if c {
			n++
		}
	}
	fs, err := s.Flags(ctx, "")
	if err != nil || n != 1 || len(fs) != 1 {
		t.Fatalf("16 concurrent flags by one person: created %d, stored %v, %v; want 1", n, fs, err)
	}
}

func sameFlags(t *testing.T, got, want []quiz.Flag) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("flags = %+v, want %+v", got, want)
	}
	for i := range want {
		if !sameFlag(got[i], want[i]) {
			t.Fatalf("flag %d = %+v, want %+v (all: %+v)", i, got[i], want[i], got)
		}
	}
}

func sameFlag(g, w quiz.Flag) bool {
	return g.Question == w.Question && g.User == w.User && g.Reason == w.Reason && g.Admin == w.Admin && g.At.Equal(w.At)
}
