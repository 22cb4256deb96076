package bolt

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
)

func TestCloseStateSurvivesARestart(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "bot.db")
	s, err := Open(nil, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		id, old, new string
		want         bool
	}{
		{"r1", "", "pending", true},
		{"r1", "", "pending", false}, // already recorded
		{"r2", "", "pending", true},
		{"r1", "pending", "unknown", true},
		{"r1", "pending", "unknown", false}, // claimed once
	}
	for _, st := range steps {
		if got, err := s.SwapClose(ctx, st.id, st.old, st.new); err != nil || got != st.want {
			t.Errorf("SwapClose(%s, %q -> %q) = %v, %v; want %v", st.id, st.old, st.new, got, err, st.want)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if s, err = Open(nil, path, Options{}); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if ids, err := s.PendingCloses(ctx); err != nil || !slices.Equal(ids, []string{"r2"}) {
		t.Errorf("PendingCloses after restart = %v, %v; want [r2]", ids, err)
	}
	if ok, err := s.SwapClose(ctx, "r1", "unknown", "1700000000.000100"); err != nil || !ok {
		t.Errorf("record the answer after restart = %v, %v", ok, err)
	}
}
