package main

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/devopsbot/devopsbot/quiz"
	"github.com/devopsbot/devopsbot/quiz/bolt"
	"github.com/devopsbot/devopsbot/quiz/postgres"
	"github.com/devopsbot/devopsbot/quiz/postgres/pgtest"
)

// fillBolt writes a small history: two rounds (one closed), round and
// practice answers, cards and a flag.
func fillBolt(t *testing.T, path string) {
	t.Helper()
	ctx := context.Background()
	s, err := bolt.Open(nil, path, bolt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	t0 := time.Date(2026, 11, 23, 9, 0, 0, 123456789, time.UTC)
	q := quiz.Question{ID: "q1", Stem: "Which?", Options: []string{"a", "b", "c"}, Correct: 1, Domains: []int{2, 4}}
	for i, id := range []string{"2026-11-23T09:00:00Z", "2026-11-24T09:00:00Z"} {
		at := t0.Add(time.Duration(i) * 24 * time.Hour)
		if _, _, err := s.CreateRound(ctx, quiz.Round{ID: id, Question: q, OpenedAt: at}); err != nil {
			t.Fatal(err)
		}
		if err := s.SetRoundMessage(ctx, id, "CQUIZ", "1700000000.00010"+string(rune('0'+i))); err != nil {
			t.Fatal(err)
		}
		for u, user := range []string{"U1", "U2", "U3"} {
			a := quiz.Answer{Round: id, User: user, Question: "q1", Choice: u % 3, Correct: u%3 == 1, At: at.Add(time.Duration(u) * time.Minute), Domains: []int{2, 4}}
			if _, err := s.AnswerRound(ctx, a); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, _, err := s.CloseRound(ctx, "2026-11-23T09:00:00Z", t0.Add(8*time.Hour)); err != nil {
		t.Fatal(err)
	}
	p := quiz.Answer{User: "U1", Question: "q9", Choice: 2, At: t0.Add(time.Hour)}
	if ok, err := s.AnswerPractice(ctx, p, quiz.Card{User: "U1", Question: "q9", Box: 1, Due: t0.Add(2 * time.Hour), Seen: 1}); err != nil || !ok {
		t.Fatalf("AnswerPractice = %v, %v", ok, err)
	}
	if err := s.PutCard(ctx, quiz.Card{User: "U2", Question: "q8", Pending: true}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.AddFlag(ctx, quiz.Flag{Question: "q1", User: "U3", Reason: quiz.FlagUnclear, At: t0}); err != nil {
		t.Fatal(err)
	}
	if err := s.PutChannel(ctx, quiz.Channel{ID: "CTOKYO001", Name: "quiz-tokyo", Post: "0 9 * * *", TZ: "Asia/Tokyo",
		ExamDate: "2027-02-01", By: "UADMIN", At: t0}); err != nil {
		t.Fatal(err)
	}
	// The first round's answer had not reached Slack yet.
	if _, err := s.SwapClose(ctx, "2026-11-23T09:00:00Z", "", "pending"); err != nil {
		t.Fatal(err)
	}
}

func TestMigrateCopiesTheFileOnce(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "devopsbot.db")
	fillBolt(t, path)
	dbURL := pgtest.URL(t)

	out, _, err := opsRun(t, Config{}, "migrate", "--from", path, "--to", dbURL)
	if err != nil {
		t.Fatalf("migrate: %v\n%s", err, out)
	}
	for _, want := range []string{"rounds  2  2  0", "answers  7  7  0", "cards  2  2  0", "flags  1  1  0", "channels  1  1  0", "verified"} {
		if !strings.Contains(strings.Join(strings.Fields(out), "  "), want) {
			t.Errorf("migrate output lacks %q:\n%s", want, out)
		}
	}

	src, err := bolt.Open(nil, path, bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	want, err := snapshot(ctx, src)
	src.Close()
	if err != nil {
		t.Fatal(err)
	}
	dst, err := postgres.Open(ctx, nil, dbURL, postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	got := mustSnapshot(t, dst, want.Cards)
	if !slices.EqualFunc(got.Rounds, want.Rounds, sameRound) {
		t.Errorf("rounds = %+v, want %+v", got.Rounds, want.Rounds)
	}
	if !slices.EqualFunc(got.Answers, want.Answers, sameAnswer) {
		t.Errorf("answers = %+v, want %+v", got.Answers, want.Answers)
	}
	if !slices.EqualFunc(got.Cards, want.Cards, func(a, b quiz.Card) bool { return a == b }) {
		t.Errorf("cards = %+v, want %+v", got.Cards, want.Cards)
	}
	if len(got.Flags) != 1 || got.Flags[0] != want.Flags[0] {
		t.Errorf("flags = %+v, want %+v", got.Flags, want.Flags)
	}
	if cs, err := dst.Channels(ctx); err != nil || len(cs) != 1 || !cs[0].Same(want.Channels[0]) || !cs[0].At.Equal(want.Channels[0].At) {
		t.Errorf("channels = %+v, %v; want %+v", cs, err, want.Channels)
	}
	if ids, err := dst.PendingCloses(ctx); err != nil || !slices.Equal(ids, []string{"2026-11-23T09:00:00Z"}) {
		t.Errorf("pending closes = %v, %v; want the first round's", ids, err)
	}
	// The store behaves as the file did: a closed round refuses answers,
	// a repeat answer is refused.
	if res, err := dst.AnswerRound(ctx, quiz.Answer{Round: "2026-11-23T09:00:00Z", User: "U9", At: time.Now()}); err != nil || !res.Closed {
		t.Errorf("answer to the closed round = %+v, %v; want Closed", res, err)
	}
	if res, err := dst.AnswerRound(ctx, quiz.Answer{Round: "2026-11-24T09:00:00Z", User: "U2", At: time.Now()}); err != nil || !res.Already || res.Count != 3 {
		t.Errorf("repeat answer = %+v, %v; want Already with count 3", res, err)
	}

	// Again: nothing added, everything verified.
	out, _, err = opsRun(t, Config{}, "migrate", "--from", path, "--to", dbURL)
	if err != nil {
		t.Fatalf("second migrate: %v\n%s", err, out)
	}
	if !strings.Contains(strings.Join(strings.Fields(out), "  "), "answers  7  0  7") {
		t.Errorf("second migrate added answers:\n%s", out)
	}
	if again := mustSnapshot(t, dst, want.Cards); len(again.Answers) != len(want.Answers) || len(again.Rounds) != len(want.Rounds) {
		t.Errorf("second migrate changed the database: %d answers, %d rounds", len(again.Answers), len(again.Rounds))
	}
}

// mustSnapshot reads back what the PostgreSQL store holds (cards of the
// people who have cards in want).
func mustSnapshot(t *testing.T, s *postgres.Store, want []quiz.Card) postgres.Snapshot {
	t.Helper()
	ctx := context.Background()
	var snap postgres.Snapshot
	var err error
	if snap.Rounds, err = s.Rounds(ctx, false); err != nil {
		t.Fatal(err)
	}
	if snap.Answers, err = s.Answers(ctx, quiz.AnswerQuery{}); err != nil {
		t.Fatal(err)
	}
	var users []string
	for _, c := range want {
		if !slices.Contains(users, c.User) {
			users = append(users, c.User)
		}
	}
	for _, u := range users {
		cs, err := s.Cards(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		snap.Cards = append(snap.Cards, cs...)
	}
	if snap.Flags, err = s.Flags(ctx, ""); err != nil {
		t.Fatal(err)
	}
	return snap
}

func sameRound(a, b quiz.Round) bool {
	return a.ID == b.ID && a.Channel == b.Channel && a.MessageTS == b.MessageTS && a.OpenedAt.Equal(b.OpenedAt) &&
		a.ClosedAt.Equal(b.ClosedAt) && a.Question.ID == b.Question.ID && slices.Equal(a.Question.Options, b.Question.Options)
}

func sameAnswer(a, b quiz.Answer) bool {
	return a.Round == b.Round && a.User == b.User && a.Question == b.Question && a.Choice == b.Choice &&
		a.Correct == b.Correct && a.Points == b.Points && a.At.Equal(b.At) && slices.Equal(a.Domains, b.Domains)
}

func TestMigrateUsage(t *testing.T) {
	for _, args := range [][]string{
		{"migrate"},
		{"migrate", "--from", "a.db"},
		{"migrate", "--from", "postgres://db/x", "--to", "postgres://db/y"},
		{"migrate", "--from", "a.db", "--to", "b.db"},
		{"migrate", "--from", "a.db", "--to", "postgres://db/y", "extra"},
	} {
		_, _, err := opsRun(t, Config{}, args...)
		var ue usageError
		if !errors.As(err, &ue) {
			t.Errorf("%v: err = %v, want a usage error", args, err)
		}
	}
}
