package bolt_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/devopsbot/devopsbot/quiz"
	"github.com/devopsbot/devopsbot/quiz/bolt"
)

// TestEngineSurvivesRestart runs the engine on the bbolt store, reopens the
// file and checks that rounds, answers and scores came back.
func TestEngineSurvivesRestart(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "data", "devopsbot.db")
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	pool := []quiz.Question{
		{ID: "q1", Stem: "One?", Options: []string{"Alpha", "Beta"}, Correct: 1, Domains: []int{2}, Source: quiz.Source{Doc: "d", Section: "s1"}},
		{ID: "q2", Stem: "Two?", Options: []string{"Gamma", "Delta"}, Correct: 0, Domains: []int{3}, Source: quiz.Source{Doc: "d", Section: "s2"}},
	}
	s := mustOpen(t, path)
	e := quiz.New(nil, s, pool, quiz.Options{Seed: 3, Now: clock})
	r, err := e.OpenRound(ctx, "2026-11-24T09:00:00Z", now)
	if err != nil {
		t.Fatal(err)
	}
	if res, err := e.AnswerRound(ctx, r.ID, "U1", r.Question.Correct); err != nil || res.Points != 10 {
		t.Fatalf("answer = %+v, %v", res, err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s2, err := bolt.Open(nil, path, bolt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	e2 := quiz.New(nil, s2, pool, quiz.Options{Seed: 99, Now: clock})
	again, err := e2.OpenRound(ctx, r.ID, now.Add(time.Hour))
	if err != nil || again.Question.ID != r.Question.ID {
		t.Fatalf("reopened round = %+v, %v; want the stored question %s", again, err, r.Question.ID)
	}
	if res, err := e2.AnswerRound(ctx, r.ID, "U1", 0); err != nil || !res.Already || res.Points != 10 {
		t.Errorf("answer after restart = %+v, %v; want Already with 10 points", res, err)
	}
	lb, err := e2.Leaderboard(ctx, quiz.All, 10)
	if err != nil || len(lb) != 1 || lb[0].User != "U1" || lb[0].Points != 10 {
		t.Errorf("leaderboard after restart = %+v, %v", lb, err)
	}
	// The next round picks the other question: no repeat until used up.
	next, err := e2.OpenRound(ctx, "2026-11-25T09:00:00Z", now.Add(24*time.Hour))
	if err != nil || next.Question.ID == r.Question.ID {
		t.Errorf("next round = %+v, %v; want the other question", next.Question.ID, err)
	}
}
