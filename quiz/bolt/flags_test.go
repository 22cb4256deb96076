package bolt

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/devopsbot/devopsbot/quiz"
)

// TestFlagsSurviveReopen: a flag is on disk when AddFlag returns.
func TestFlagsSurviveReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "flags.db")
	s, err := Open(nil, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	at := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	if _, created, err := s.AddFlag(ctx, quiz.Flag{Question: "q1", User: "U1", Reason: quiz.FlagTwo, Admin: true, At: at}); err != nil || !created {
		t.Fatalf("AddFlag = %v, %v", created, err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = Open(nil, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	fs, err := s.Flags(ctx, "")
	if err != nil || len(fs) != 1 || fs[0].Reason != quiz.FlagTwo || !fs[0].Admin || !fs[0].At.Equal(at) {
		t.Fatalf("Flags after reopen = %+v, %v", fs, err)
	}
}

// BenchmarkFlag records one flag per iteration through the engine: the
// question lookup, one durable bbolt commit (fsync) and the read of every
// flag that decides whether the question leaves rotation.
func BenchmarkFlag(b *testing.B) {
	e, _, _ := benchSetup(b, 0)
	ctx := context.Background()
	qs := e.Questions()
	lat := make([]time.Duration, 0, b.N)
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		t0 := time.Now()
		_, err := e.Flag(ctx, fmt.Sprintf("U%06d", i), qs[i%len(qs)].ID, quiz.FlagUnclear, false)
		lat = append(lat, time.Since(t0))
		if err != nil {
			b.Fatal(err)
		}
		i++
	}
	reportP99(b, lat)
}
