package bolt

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"
)

// TestWriteErrUntilAWriteSucceeds: when the file cannot grow (a full
// disk), WriteErr reports it until a write succeeds again; errors of the
// operation itself (a round that does not exist) are not write failures.
func TestWriteErrUntilAWriteSucceeds(t *testing.T) {
	ctx := context.Background()
	s, err := Open(nil, filepath.Join(t.TempDir(), "bot.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.SetRoundMessage(ctx, "no-such-round", "C1", "1.2"); err == nil {
		t.Fatal("SetRoundMessage on a missing round succeeded")
	}
	if err := s.WriteErr(); err != nil {
		t.Fatalf("WriteErr after a missing round = %v, want nil", err)
	}
	s.db.MaxSize = 1 // the file may not grow: like a full disk
	now := time.Now()
	failed := false
	for i := 0; i < 5000 && !failed; i++ {
		_, err := s.FirstRequest(ctx, fmt.Appendf(nil, "%064d", i), now, now.Add(5*time.Minute))
		failed = err != nil
	}
	if !failed {
		t.Fatal("writes kept succeeding with a full file")
	}
	if s.WriteErr() == nil {
		t.Fatal("WriteErr = nil after a failed write")
	}
	// The disk recovers; nothing else writes: the next probe notices.
	s.db.MaxSize = 0
	s.lastProbe.Store(0)
	if err := s.CheckWrite(ctx); err != nil {
		t.Errorf("CheckWrite after the disk recovered = %v, want nil", err)
	}
	if err := s.WriteErr(); err != nil {
		t.Errorf("WriteErr after a good write = %v, want nil", err)
	}
}
