package bolt

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/devopsbot/devopsbot/quiz"
)

// TestDamagedRecordsAreSkipped: one damaged round and one damaged answer
// in the file leave the leaderboard, team and personal stats, the round
// list and the next question of the day working; the records are skipped
// and counted.
func TestDamagedRecordsAreSkipped(t *testing.T) {
	ctx := context.Background()
	s, err := Open(nil, filepath.Join(t.TempDir(), "bot.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	day := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	now := day
	pool := []quiz.Question{
		{ID: "q1", Stem: "One?", Options: []string{"Alpha", "Beta"}, Correct: 1, Domains: []int{2}, Source: quiz.Source{Doc: "d", Section: "s1"}},
		{ID: "q2", Stem: "Two?", Options: []string{"Gamma", "Delta"}, Correct: 0, Domains: []int{3}, Source: quiz.Source{Doc: "d", Section: "s2"}},
		{ID: "q3", Stem: "Three?", Options: []string{"Eps", "Zeta"}, Correct: 0, Domains: []int{1}, Source: quiz.Source{Doc: "d", Section: "s3"}},
	}
	e := quiz.New(nil, s, pool, quiz.Options{Seed: 1, Now: func() time.Time { return now }})
	var rounds []quiz.Round
	for i := range 2 {
		now = day.AddDate(0, 0, i)
		r, err := e.OpenRound(ctx, now.Format(time.RFC3339), now)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range []string{"U1", "U2"} {
			if _, err := e.AnswerRound(ctx, r.ID, u, r.Question.Correct); err != nil {
				t.Fatal(err)
			}
		}
		rounds = append(rounds, r)
	}
	// Damage the first round's record and one answer of U2 in both of the
	// buckets answers are listed from.
	err = s.db.Update(func(tx *bbolt.Tx) error {
		if err := tx.Bucket(bRounds).Put([]byte(rounds[0].ID), []byte(`{"id": "trunc`)); err != nil {
			return err
		}
		for _, name := range [][]byte{bAnswers, bByUser} {
			c := tx.Bucket(name).Cursor()
			for k, v := c.First(); k != nil; k, v = c.Next() {
				if a, err := decodeAnswer(v); err == nil && a.User == "U2" && a.Round == rounds[1].ID {
					if err := tx.Bucket(name).Put(k, v[:5]); err != nil {
						return err
					}
					break
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	if _, err := e.Leaderboard(ctx, quiz.All, 10); err != nil {
		t.Errorf("leaderboard: %v", err)
	}
	if st, err := e.Stats(ctx, ""); err != nil || st.Answered != 3 {
		t.Errorf("team stats = %d answered, %v; want 3 (one damaged answer skipped)", st.Answered, err)
	}
	if _, err := e.Stats(ctx, "U2"); err != nil {
		t.Errorf("stats of U2: %v", err)
	}
	if rs, err := s.Rounds(ctx, false); err != nil || len(rs) != 1 {
		t.Errorf("Rounds = %d rounds, %v; want 1 (the damaged one skipped)", len(rs), err)
	}
	now = day.AddDate(0, 0, 2)
	if _, err := e.OpenRound(ctx, now.Format(time.RFC3339), now); err != nil {
		t.Errorf("next question of the day: %v", err)
	}
	if n := s.Damaged(); n == 0 {
		t.Error("damaged records not counted")
	}
}
