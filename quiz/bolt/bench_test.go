package bolt

import (
	"context"
	"encoding/binary"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/devopsbot/devopsbot/notes"
	"github.com/devopsbot/devopsbot/quiz"
)

// yearOfAnswers fills s with a round every day for a year and an answer to
// each from every one of people users, in one transaction per day (a fast
// load for benchmarks; the product writes one answer per transaction).
func yearOfAnswers(tb testing.TB, s *Store, pool []quiz.Question, people int, end time.Time) {
	tb.Helper()
	start := end.AddDate(-1, 0, 0)
	for d := range 365 {
		at := start.AddDate(0, 0, d)
		q := pool[d%len(pool)]
		r := quiz.Round{ID: at.Format(time.RFC3339), Question: q, OpenedAt: at, ClosedAt: at.Add(8 * time.Hour)}
		err := s.db.Update(func(tx *bbolt.Tx) error {
			if err := putRound(tx, r); err != nil {
				return err
			}
			ra, err := tx.Bucket(bRoundAns).CreateBucketIfNotExists([]byte(r.ID))
			if err != nil {
				return err
			}
			if err := ra.Put(countKey, binary.AppendUvarint(nil, uint64(people))); err != nil {
				return err
			}
			for u := range people {
				correct := (d+u)%3 != 0
				a := quiz.Answer{Round: r.ID, User: fmt.Sprintf("U%03d", u), Question: q.ID, Choice: 0, Correct: correct,
					At: at.Add(time.Duration(u) * time.Second), Doc: q.Source.Doc, Section: q.Source.Section, Domains: q.Domains}
				if correct {
					a.Points = quiz.PointsCorrect
				}
				seq, err := putAnswer(tx, a)
				if err != nil {
					return err
				}
				if err := ra.Put([]byte(a.User), cat(seqKey(seq), encodeAnswer(a))); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			tb.Fatal(err)
		}
	}
}

func benchSetup(b *testing.B, people int) (*quiz.Engine, *Store, time.Time) {
	b.Helper()
	d, err := notes.Default()
	if err != nil {
		b.Fatal(err)
	}
	pool := quiz.Generate(d)
	s, err := Open(nil, filepath.Join(b.TempDir(), "bench.db"), Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	if people > 0 {
		yearOfAnswers(b, s, pool, people, now.AddDate(0, 0, -1))
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
// engine: round lookup, the durable bbolt commit (fsync) and the streak.
func BenchmarkAnswerRound(b *testing.B) {
	e, _, now := benchSetup(b, 100)
	ctx := context.Background()
	r, err := e.OpenRound(ctx, "today", now)
	if err != nil {
		b.Fatal(err)
	}
	lat := make([]time.Duration, 0, b.N)
	i := 0
	b.ReportAllocs()
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

// BenchmarkStoreAnswerRound is the store alone: one durable transaction.
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

// BenchmarkLeaderboard ranks 100 people over a year of daily answers.
func BenchmarkLeaderboard(b *testing.B) {
	e, _, _ := benchSetup(b, 100)
	ctx := context.Background()
	for _, p := range []quiz.Period{quiz.Week, quiz.Month, quiz.All} {
		b.Run(string(p), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				st, err := e.Leaderboard(ctx, p, 10)
				if err != nil || len(st) != 10 {
					b.Fatalf("%d rows, %v", len(st), err)
				}
			}
		})
	}
}

// BenchmarkStats computes readiness for one person and for the team of 100
// over a year of daily answers.
func BenchmarkStats(b *testing.B) {
	e, _, _ := benchSetup(b, 100)
	ctx := context.Background()
	for _, user := range []string{"U042", ""} {
		name := "person"
		if user == "" {
			name = "team"
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				st, err := e.Stats(ctx, user)
				if err != nil || st.Answered < 365 {
					b.Fatalf("%+v, %v", st, err)
				}
			}
		})
	}
}
