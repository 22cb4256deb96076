package bolt_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/devopsbot/devopsbot/quiz"
	"github.com/devopsbot/devopsbot/quiz/bolt"
	"github.com/devopsbot/devopsbot/quiz/storetest"
)

func mustOpen(t *testing.T, path string) *bolt.Store {
	t.Helper()
	s, err := bolt.Open(nil, path, bolt.Options{})
	if err != nil {
		t.Fatalf("Open(%s): %v", path, err)
	}
	return s
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) quiz.Store {
		s := mustOpen(t, filepath.Join(t.TempDir(), "quiz.db"))
		t.Cleanup(func() { s.Close() })
		return s
	})
}

func TestOpenCreatesDirectory(t *testing.T) {
	path := filepath.Join(t.TempDir(), "data", "nested", "devopsbot.db")
	s := mustOpen(t, path)
	defer s.Close()
	if _, err := os.Stat(path); err != nil {
		t.Errorf("database file not created: %v", err)
	}
}

func TestDataSurvivesReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "quiz.db")
	s := mustOpen(t, path)
	at := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	q := quiz.Question{ID: "q1", Stem: "stem", Options: []string{"a", "b"}, Correct: 1, Domains: []int{3}}
	if _, _, err := s.CreateRound(ctx, quiz.Round{ID: "r1", Question: q, OpenedAt: at}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AnswerRound(ctx, quiz.Answer{Round: "r1", User: "U1", Question: "q1", Choice: 1, Correct: true, Points: 10, At: at.Add(time.Minute), Domains: []int{3}}); err != nil {
		t.Fatal(err)
	}
	if err := s.PutCard(ctx, quiz.Card{User: "U1", Question: "q1", Box: 2, Due: at}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = mustOpen(t, path)
	defer s.Close()
	r, err := s.GetRound(ctx, "r1")
	if err != nil || r.Question.Options[1] != "b" {
		t.Fatalf("round after reopen = %+v, %v", r, err)
	}
	answers, err := s.Answers(ctx, quiz.AnswerQuery{User: "U1"})
	if err != nil || len(answers) != 1 || answers[0].Points != 10 {
		t.Fatalf("answers after reopen = %+v, %v", answers, err)
	}
	again, err := s.AnswerRound(ctx, quiz.Answer{Round: "r1", User: "U1", Choice: 0, At: at.Add(2 * time.Minute)})
	if err != nil || !again.Already || again.Answer.Choice != 1 {
		t.Fatalf("repeat after reopen = %+v, %v", again, err)
	}
	if c, ok, err := s.Card(ctx, "U1", "q1"); err != nil || !ok || c.Box != 2 {
		t.Fatalf("card after reopen = %+v, %v, %v", c, ok, err)
	}
}

func TestOpenRefusesBadFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	garbage := make([]byte, 64*1024)
	for i := range garbage {
		garbage[i] = byte(i * 7)
	}
	foreign := filepath.Join(dir, "foreign.db")
	db, err := bbolt.Open(foreign, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Update(func(tx *bbolt.Tx) error {
		_, err := tx.CreateBucket([]byte("index"))
		return err
	}); err != nil {
		t.Fatal(err)
	}
	db.Close()

	newer := filepath.Join(dir, "newer.db")
	s := mustOpen(t, newer)
	s.Close()
	db, err = bbolt.Open(newer, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Update(func(tx *bbolt.Tx) error {
		return tx.Bucket([]byte("meta")).Put([]byte("schema"), []byte("99"))
	}); err != nil {
		t.Fatal(err)
	}
	db.Close()

	tests := []struct {
		name string
		path string
		want error
	}{
		{"text file", write("notes.db", []byte("# my notes\nnot a database\n")), bolt.ErrCorrupt},
		{"garbage", write("garbage.db", garbage), bolt.ErrCorrupt},
		{"other bbolt database", foreign, bolt.ErrForeign},
		{"newer schema", newer, bolt.ErrSchema},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before, _ := os.ReadFile(tt.path)
			s, err := bolt.Open(nil, tt.path, bolt.Options{Timeout: 200 * time.Millisecond})
			if err == nil {
				s.Close()
				t.Fatal("Open succeeded")
			}
			if !errors.Is(err, tt.want) {
				t.Errorf("Open error = %v, want %v", err, tt.want)
			}
			after, _ := os.ReadFile(tt.path)
			if string(before) != string(after) {
				t.Error("Open changed the refused file")
			}
		})
	}
}

func TestOpenLockedFileTimesOut(t *testing.T) {
	path := filepath.Join(t.TempDir(), "quiz.db")
	s := mustOpen(t, path)
	defer s.Close()
	start := time.Now()
	_, err := bolt.Open(nil, path, bolt.Options{Timeout: 100 * time.Millisecond})
	if !errors.Is(err, bolt.ErrLocked) {
		t.Fatalf("second Open error = %v, want ErrLocked", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("second Open took %v", d)
	}
}

func TestReadOnlyDirectoryIsAnError(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root ignores directory permissions")
	}
	dir := filepath.Join(t.TempDir(), "ro")
	if err := os.Mkdir(dir, 0o500); err != nil {
		t.Fatal(err)
	}
	if _, err := bolt.Open(nil, filepath.Join(dir, "quiz.db"), bolt.Options{}); err == nil {
		t.Fatal("Open in a read-only directory succeeded")
	}
}

func TestUnwritablePathIsAnError(t *testing.T) {
	file := filepath.Join(t.TempDir(), "plainfile")
	if err := os.WriteFile(file, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	// A directory that cannot be created (a file is in the way) fails even
	// for root, like a read-only mount does.
	if _, err := bolt.Open(nil, filepath.Join(file, "data", "quiz.db"), bolt.Options{}); err == nil {
		t.Fatal("Open under a regular file succeeded")
	}
}

func TestReadOnlyStoreReadsAndRefusesWrites(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "quiz.db")
	s := mustOpen(t, path)
	at := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	if _, _, err := s.CreateRound(ctx, quiz.Round{ID: "r1", Question: quiz.Question{ID: "q1", Options: []string{"a", "b"}}, OpenedAt: at}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AnswerRound(ctx, quiz.Answer{Round: "r1", User: "U1", Correct: true, Points: 10, At: at}); err != nil {
		t.Fatal(err)
	}
	s.Close()

	ro, err := bolt.Open(nil, path, bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("read-only open: %v", err)
	}
	defer ro.Close()
	if !ro.ReadOnly() {
		t.Error("ReadOnly() = false")
	}
	if _, err := ro.AnswerRound(ctx, quiz.Answer{Round: "r1", User: "U2", At: at}); !errors.Is(err, quiz.ErrReadOnly) {
		t.Errorf("AnswerRound on a read-only store: %v, want ErrReadOnly", err)
	}
	if err := ro.PutCard(ctx, quiz.Card{User: "U1", Question: "q1"}); !errors.Is(err, quiz.ErrReadOnly) {
		t.Errorf("PutCard on a read-only store: %v, want ErrReadOnly", err)
	}
	// Reads keep working: the engine's leaderboard and stats.
	e := quiz.New(nil, ro, nil, quiz.Options{Now: func() time.Time { return at.Add(time.Hour) }})
	if lb, err := e.Leaderboard(ctx, quiz.All, 5); err != nil || len(lb) != 1 || lb[0].Points != 10 {
		t.Errorf("Leaderboard = %+v, %v", lb, err)
	}
	if st, err := e.Stats(ctx, "U1"); err != nil || st.Answered != 1 {
		t.Errorf("Stats = %+v, %v", st, err)
	}
	if _, err := bolt.Open(nil, filepath.Join(t.TempDir(), "new.db"), bolt.Options{ReadOnly: true}); err == nil {
		t.Error("read-only open of a missing file succeeded")
	}
}

func TestOpenRefusesDamagedPages(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "quiz.db")
	s := mustOpen(t, path)
	at := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	if _, _, err := s.CreateRound(ctx, quiz.Round{ID: "r1", Question: quiz.Question{ID: "q1", Options: []string{"a", "b"}}, OpenedAt: at}); err != nil {
		t.Fatal(err)
	}
	// Enough answers for several levels of pages.
	for i := range 1500 {
		if _, err := s.AnswerRound(ctx, quiz.Answer{Round: "r1", User: fmt.Sprintf("U%05d", i), At: at}); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	flipped := append([]byte(nil), data...)
	for i := len(flipped) / 2; i < len(flipped)/2+8192 && i < len(flipped); i++ {
		flipped[i] ^= 0x5a
	}
	tests := []struct {
		name string
		data []byte
	}{
		{"bytes flipped mid-file", flipped},
		{"truncated to a third", data[:len(data)/3]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "damaged.db")
			if err := os.WriteFile(p, tt.data, 0o600); err != nil {
				t.Fatal(err)
			}
			s, err := bolt.Open(nil, p, bolt.Options{})
			if err == nil {
				s.Close()
				t.Fatal("Open succeeded on a damaged file")
			}
			if !errors.Is(err, bolt.ErrCorrupt) {
				t.Errorf("Open error = %v, want ErrCorrupt", err)
			}
		})
	}
}
