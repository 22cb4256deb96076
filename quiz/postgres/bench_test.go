package postgres_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/devopsbot/devopsbot/notes"
	"github.com/devopsbot/devopsbot/quiz"
	"github.com/devopsbot/devopsbot/quiz/postgres"
	"github.com/devopsbot/devopsbot/quiz/postgres/pgtest"
)

// yearOfAnswers is a round every day for a year, closed, with an answer
// from each of people users, loaded with Import (COPY).
func yearOfAnswers(pool []quiz.Question, people int, end time.Time) postgres.Snapshot {
	var snap postgres.Snapshot
	start := end.AddDate(-1, 0, 0)
	for d := range 365 {
		at := start.AddDate(0, 0, d)
		q := pool[d%len(pool)]
		r := quiz.Round{ID: at.Format(time.RFC3339), Question: q, OpenedAt: at, ClosedAt: at.Add(8 * time.Hour)}
		snap.Rounds = append(snap.Rounds, r)
		for u := range people {
			correct := (d+u)%3 != 0
			a := quiz.Answer{Round: r.ID, User: fmt.Sprintf("U%03d", u), Question: q.ID, Choice: 0, Correct: correct,
				At: at.Add(time.Duration(u) * time.Second), Doc: q.Source.Doc, Section: q.Source.Section, Domains: q.Domains}
			if correct {
				a.Points = quiz.PointsCorrect
			}
			snap.Answers = append(snap.Answers, a)
		}
	}
	return snap
}

func benchSetup(b *testing.B, people int) (*quiz.Engine, *postgres.Store, time.Time) {
	b.Helper()
	d, err := notes.Default()
	if err != nil {
		b.Fatal(err)
	}
	pool := quiz.Generate(d)
	s := mustOpen(b, pgtest.URL(b))
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	if people > 0 {
		if _, err := s.Import(context.Background(), yearOfAnswers(pool, people, now.AddDate(0, 0, -1))); err != nil {
			b.Fatal(err)
		}
	}
	e := quiz.New(nil, s, pool, quiz.Options{Seed: 1, Now: func() time.Time { return now }})
	return e, s, now
}

func reportP99(b *testing.B, lat []time.Duration) {
	b.Helper()
	if len(lat) == 0 {
		return
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
}

// BenchmarkAnswerRound records one answer per iteration through the
// engine, on a database holding a year of answers from 100 people: the
// committed insert and the person's streak.
func BenchmarkAnswerRound(b *testing.B) {
	e, _, now := benchSetup(b, 100)
	ctx := context.Background()
	r, err := e.OpenRound(ctx, "today", now)
	if err != nil {
		b.Fatal(err)
	}
	lat := make([]time.Duration, 0, b.N)
	i := 0
	for b.Loop() {
		t0 := time.Now()
		res, err := e.AnswerRound(ctx, r.ID, fmt.Sprintf("U%06d", i), i%len(r.Question.Options))
		lat = append(lat, time.Since(t0))
		if err != nil || res.Already || res.Closed {
			b.Fatalf("answer %d: %+v, %v", i, res, err)
		}
		i++
	}
	reportP99(b, lat)
}

// BenchmarkStoreAnswerRound is the store alone: one committed statement.
func BenchmarkStoreAnswerRound(b *testing.B) {
	_, s, now := benchSetup(b, 0)
	ctx := context.Background()
	q := quiz.Question{ID: "q1", Options: []string{"a", "b"}, Domains: []int{1}}
	if _, _, err := s.CreateRound(ctx, quiz.Round{ID: "r1", Question: q, OpenedAt: now}); err != nil {
		b.Fatal(err)
	}
	lat := make([]time.Duration, 0, b.N)
	i := 0
	for b.Loop() {
		t0 := time.Now()
		_, err := s.AnswerRound(ctx, quiz.Answer{Round: "r1", User: fmt.Sprintf("U%06d", i), Question: "q1", At: now, Domains: []int{1}})
		lat = append(lat, time.Since(t0))
		if err != nil {
			b.Fatal(err)
		}
		i++
	}
	reportP99(b, lat)
}

// BenchmarkStoreAnswerRoundConcurrent: 16 people answering the same
// question at once, each answer a committed statement (answers to one
// round do not wait for each other).
func BenchmarkStoreAnswerRoundConcurrent(b *testing.B) {
	_, s, now := benchSetup(b, 0)
	ctx := context.Background()
	q := quiz.Question{ID: "q1", Options: []string{"a", "b"}, Domains: []int{1}}
	if _, _, err := s.CreateRound(ctx, quiz.Round{ID: "r1", Question: q, OpenedAt: now}); err != nil {
		b.Fatal(err)
	}
	const clients = 16
	var mu sync.Mutex
	lat := make([]time.Duration, 0, b.N)
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range clients {
		wg.Go(func() {
			for i := range jobs {
				t0 := time.Now()
				_, err := s.AnswerRound(ctx, quiz.Answer{Round: "r1", User: fmt.Sprintf("U%06d", i), Question: "q1", At: now, Domains: []int{1}})
				d := time.Since(t0)
				if err != nil {
					b.Error(err)
				}
				mu.Lock()
				lat = append(lat, d)
				mu.Unlock()
			}
		})
	}
	i := 0
	for b.Loop() {
		jobs <- i
		i++
	}
	close(jobs)
	wg.Wait()
	reportP99(b, lat)
}

// BenchmarkLeaderboard ranks 100 people over a year of daily answers.
func BenchmarkLeaderboard(b *testing.B) {
	e, _, _ := benchSetup(b, 100)
	ctx := context.Background()
	for _, p := range []quiz.Period{quiz.Week, quiz.Month, quiz.All} {
		b.Run(string(p), func(b *testing.B) {
			lat := make([]time.Duration, 0, b.N)
			for b.Loop() {
				t0 := time.Now()
				st, err := e.Leaderboard(ctx, p, 10)
				lat = append(lat, time.Since(t0))
				if err != nil || len(st) != 10 {
					b.Fatalf("%d rows, %v", len(st), err)
				}
			}
			reportP99(b, lat)
		})
	}
}
