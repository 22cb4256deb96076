package quiz_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/devopsbot/devopsbot/quiz"
	"github.com/devopsbot/devopsbot/quiz/memory"
)

var ctx = context.Background()

// clock is a settable time source.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// monday is Monday 23 November 2026, 09:00 UTC.
var monday = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

// pool returns n questions in sections s0..s(sections-1), three options
// each, the right answer always option 1, domains cycling 1-6.
func pool(n, sections int) []quiz.Question {
	var qs []quiz.Question
	for i := range n {
		qs = append(qs, quiz.Question{
			ID:      fmt.Sprintf("q%02d", i),
			Stem:    fmt.Sprintf("Question %d?", i),
			Options: []string{"Alpha", "Beta", "Gamma"},
			Correct: 1,
			Source:  quiz.Source{Doc: "notes", Section: fmt.Sprintf("s%d", i%sections)},
			Domains: []int{i%6 + 1},
			Kind:    "test",
		})
	}
	return qs
}

func newEngine(t *testing.T, qs []quiz.Question, opts quiz.Options) (*quiz.Engine, *clock, quiz.Store) {
	t.Helper()
	c := &clock{t: monday}
	if opts.Now == nil {
		opts.Now = c.Now
	}
	if opts.Seed == 0 {
		opts.Seed = 42
	}
	s := memory.New()
	return quiz.New(nil, s, qs, opts), c, s
}

func slot(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func TestOpenRoundIsIdempotent(t *testing.T) {
	e, _, _ := newEngine(t, pool(10, 3), quiz.Options{})
	r1, err := e.OpenRound(ctx, "slot-1", monday)
	if err != nil {
		t.Fatal(err)
	}
	if r1.ID != "slot-1" || !r1.OpenedAt.Equal(monday) || r1.Question.ID == "" || !r1.Open() {
		t.Fatalf("round = %+v", r1)
	}
	r2, err := e.OpenRound(ctx, "slot-1", monday.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if r2.Question.ID != r1.Question.ID || !r2.OpenedAt.Equal(monday) {
		t.Errorf("second open = %+v, want the stored round %+v", r2, r1)
	}
	if _, err := e.OpenRound(ctx, "slot-2", monday.Add(24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	open, err := e.OpenRounds(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(open) != 2 || open[0].ID != "slot-1" || open[1].ID != "slot-2" {
		t.Errorf("OpenRounds = %v, want slot-1 then slot-2 (opening closes nothing)", open)
	}
	got, err := e.Round(ctx, "slot-1")
	if err != nil || got.Question.ID != r1.Question.ID {
		t.Errorf("Round = %+v, %v", got, err)
	}
	if _, err := e.Round(ctx, "nope"); !errors.Is(err, quiz.ErrNotFound) {
		t.Errorf("Round(nope) error = %v, want ErrNotFound", err)
	}
	if err := e.SetRoundMessage(ctx, "slot-1", "C1", "123.456"); err != nil {
		t.Fatal(err)
	}
	if got, _ := e.Round(ctx, "slot-1"); got.Channel != "C1" || got.MessageTS != "123.456" {
		t.Errorf("after SetRoundMessage: %+v", got)
	}
}

func TestOpenRoundWithoutQuestions(t *testing.T) {
	e, _, _ := newEngine(t, nil, quiz.Options{})
	if _, err := e.OpenRound(ctx, "slot-1", monday); !errors.Is(err, quiz.ErrNoQuestions) {
		t.Errorf("error = %v, want ErrNoQuestions", err)
	}
}

func TestNoRepeatUntilPoolUsedUp(t *testing.T) {
	const n = 7
	e, _, _ := newEngine(t, pool(n, 3), quiz.Options{})
	count := map[string]int{}
	for i := range 3 * n {
		r, err := e.OpenRound(ctx, fmt.Sprintf("slot-%03d", i), monday.Add(time.Duration(i)*24*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		count[r.Question.ID]++
		// After each full pass every question has been asked equally often.
		if (i+1)%n == 0 {
			for id, c := range count {
				if c != (i+1)/n {
					t.Fatalf("after %d rounds question %s asked %d times, want %d", i+1, id, c, (i+1)/n)
				}
			}
		}
	}
	if len(count) != n {
		t.Errorf("%d distinct questions, want %d", len(count), n)
	}
}

func TestSelectionIsDeterministicForASeed(t *testing.T) {
	seq := func(seed int64) []string {
		e, _, _ := newEngine(t, pool(30, 5), quiz.Options{Seed: seed})
		var out []string
		for i := range 10 {
			r, err := e.OpenRound(ctx, fmt.Sprintf("slot-%d", i), monday.Add(time.Duration(i)*time.Hour))
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, r.Question.ID)
		}
		return out
	}
	a, b, c := seq(7), seq(7), seq(8)
	if !slices.Equal(a, b) {
		t.Errorf("same seed, different questions: %v vs %v", a, b)
	}
	if slices.Equal(a, c) {
		t.Errorf("seeds 7 and 8 chose the same ten questions %v", a)
	}
}

func TestSelectionFavoursWhatTheTeamGetsWrong(t *testing.T) {
	// Sections s0 and s1, 100 questions each. The team always misses s0.
	qs := pool(200, 2)
	picks := map[string]int{}
	for trial := range 300 {
		e, _, s := newEngine(t, qs, quiz.Options{Seed: int64(trial + 1)})
		// History: one earlier round in each section, answered by 5 people.
		for i, qi := range []int{0, 1} {
			id := fmt.Sprintf("past-%d", i)
			r, _, err := s.CreateRound(ctx, quiz.Round{ID: id, Question: qs[qi], OpenedAt: monday.Add(-48 * time.Hour)})
			if err != nil {
				t.Fatal(err)
			}
			for u := range 5 {
				choice := 1
				if qs[qi].Source.Section == "s0" {
					choice = 0
				}
				if _, err := e.AnswerRound(ctx, r.ID, fmt.Sprintf("U%d", u), choice); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := e.CloseRound(ctx, id); err != nil {
				t.Fatal(err)
			}
		}
		r, err := e.OpenRound(ctx, "today", monday)
		if err != nil {
			t.Fatal(err)
		}
		picks[r.Question.Source.Section]++
	}
	if picks["s0"] < 2*picks["s1"] {
		t.Errorf("picks %v: want the often-missed section s0 at least twice as often", picks)
	}
}

func TestAnswerRound(t *testing.T) {
	e, c, _ := newEngine(t, pool(5, 1), quiz.Options{})
	r, err := e.OpenRound(ctx, "slot-1", monday)
	if err != nil {
		t.Fatal(err)
	}
	right := r.Question.Correct
	wrong := (right + 1) % len(r.Question.Options)
	c.Add(time.Minute)
	res, err := e.AnswerRound(ctx, r.ID, "U1", right)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Correct || res.Points != quiz.PointsCorrect || res.Already || res.Closed || res.Answered != 1 || res.Streak != 1 || res.Choice != right {
		t.Errorf("first answer = %+v, want correct, 10 points, answered 1, streak 1", res)
	}
	res, err = e.AnswerRound(ctx, r.ID, "U1", wrong)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Already || res.Choice != right || !res.Correct || res.Answered != 1 {
		t.Errorf("repeat = %+v, want Already with the first (right) choice", res)
	}
	res, err = e.AnswerRound(ctx, r.ID, "U2", wrong)
	if err != nil {
		t.Fatal(err)
	}
	if res.Correct || res.Points != 0 || res.Answered != 2 || res.Streak != 0 {
		t.Errorf("wrong answer = %+v, want 0 points, answered 2, streak 0", res)
	}
	if _, err := e.AnswerRound(ctx, r.ID, "U3", 9); !errors.Is(err, quiz.ErrBadChoice) {
		t.Errorf("choice 9: error = %v, want ErrBadChoice", err)
	}
	if _, err := e.AnswerRound(ctx, r.ID, "", right); !errors.Is(err, quiz.ErrNoUser) {
		t.Errorf("empty user: error = %v, want ErrNoUser", err)
	}
	if _, err := e.AnswerRound(ctx, "nope", "U3", 0); !errors.Is(err, quiz.ErrNotFound) {
		t.Errorf("unknown round: error = %v, want ErrNotFound", err)
	}
	sum, err := e.CloseRound(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if sum.AlreadyClosed || sum.Answered != 2 || sum.Correct != 1 || sum.Round.Open() {
		t.Errorf("summary = %+v, want 2 answered, 1 correct", sum)
	}
	res, err = e.AnswerRound(ctx, r.ID, "U3", right)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Closed || res.Points != 0 || res.Answered != 2 {
		t.Errorf("late answer = %+v, want Closed, no points", res)
	}
	again, err := e.CloseRound(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !again.AlreadyClosed || again.Answered != 2 || !again.Round.ClosedAt.Equal(sum.Round.ClosedAt) {
		t.Errorf("second close = %+v, want AlreadyClosed with the same summary", again)
	}
	if open, _ := e.OpenRounds(ctx); len(open) != 0 {
		t.Errorf("OpenRounds after close = %v", open)
	}
}

// play opens a round each weekday at 09:00 for days, answers for each user
// with correct[user][day] (absent: no answer) and closes it at 17:00.
func play(t *testing.T, e *quiz.Engine, c *clock, start time.Time, days int, correct map[string][]bool) {
	t.Helper()
	for d := range days {
		at := start.AddDate(0, 0, d)
		c.Set(at)
		r, err := e.OpenRound(ctx, slot(at), at)
		if err != nil {
			t.Fatal(err)
		}
		users := make([]string, 0, len(correct))
		for u := range correct {
			users = append(users, u)
		}
		slices.Sort(users)
		for i, u := range users {
			if d >= len(correct[u]) {
				continue
			}
			c.Set(at.Add(time.Duration(i+1) * time.Minute))
			choice := r.Question.Correct
			if !correct[u][d] {
				choice = (choice + 1) % len(r.Question.Options)
			}
			if _, err := e.AnswerRound(ctx, r.ID, u, choice); err != nil {
				t.Fatal(err)
			}
		}
		c.Set(at.Add(8 * time.Hour))
		if _, err := e.CloseRound(ctx, r.ID); err != nil {
			t.Fatal(err)
		}
	}
}

func TestStreaks(t *testing.T) {
	e, c, _ := newEngine(t, pool(20, 4), quiz.Options{})
	// Five weekdays: ann right, right, right, wrong, right -> best 3, current 1.
	// bob right on all five -> 5 and 5. cid skips Wednesday -> 2 then 2.
	play(t, e, c, monday, 5, map[string][]bool{
		"ann": {true, true, true, false, true},
		"bob": {true, true, true, true, true},
	})
	e2, c2, _ := newEngine(t, pool(20, 4), quiz.Options{})
	play(t, e2, c2, monday, 2, map[string][]bool{"cid": {true, true}})
	play(t, e2, c2, monday.AddDate(0, 0, 2), 1, map[string][]bool{"dan": {true}})
	play(t, e2, c2, monday.AddDate(0, 0, 3), 2, map[string][]bool{"cid": {true, true}})
	tests := []struct {
		e         *quiz.Engine
		user      string
		cur, best int
	}{
		{e, "ann", 1, 3},
		{e, "bob", 5, 5},
		{e2, "cid", 2, 2},
		{e, "", 5, 5}, // the team: at least half right every day
	}
	for _, tt := range tests {
		st, err := tt.e.Stats(ctx, tt.user)
		if err != nil {
			t.Fatal(err)
		}
		if st.Streak != tt.cur || st.BestStreak != tt.best {
			t.Errorf("%q: streak %d best %d, want %d and %d", tt.user, st.Streak, st.BestStreak, tt.cur, tt.best)
		}
	}
	// The weekend does not break bob's streak; today's open round does not
	// either until he has answered it.
	nextMon := monday.AddDate(0, 0, 7)
	c.Set(nextMon)
	r, err := e.OpenRound(ctx, slot(nextMon), nextMon)
	if err != nil {
		t.Fatal(err)
	}
	if st, _ := e.Stats(ctx, "bob"); st.Streak != 5 {
		t.Errorf("bob before answering Monday: streak %d, want 5", st.Streak)
	}
	res, err := e.AnswerRound(ctx, r.ID, "bob", r.Question.Correct)
	if err != nil {
		t.Fatal(err)
	}
	if res.Streak != 6 {
		t.Errorf("bob's answer on Monday: streak %d, want 6", res.Streak)
	}
}

func TestLeaderboard(t *testing.T) {
	e, c, _ := newEngine(t, pool(30, 5), quiz.Options{})
	// Week 1 (Mon 23 Nov): amy 3/3, ben 3/4 (one wrong).
	// Week 2 (Mon 30 Nov, December from Tuesday): only ben plays.
	play(t, e, c, monday, 4, map[string][]bool{
		"amy": {true, true, true},
		"ben": {true, false, true, true},
	})
	play(t, e, c, monday.AddDate(0, 0, 7), 2, map[string][]bool{"ben": {true, true}})
	c.Set(monday.AddDate(0, 0, 8).Add(10 * time.Hour)) // Tuesday 1 December

	all, err := e.Leaderboard(ctx, quiz.All, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got := users(all); !slices.Equal(got, []string{"ben", "amy"}) {
		t.Fatalf("all-time order = %v, want ben (50) then amy (30)", got)
	}
	if all[0].Points != 50 || all[0].Answered != 6 || all[0].Correct != 5 || all[0].Rank != 1 || all[1].Rank != 2 {
		t.Errorf("all-time = %+v", all)
	}
	week, err := e.Leaderboard(ctx, quiz.Week, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(week) != 1 || week[0].User != "ben" || week[0].Points != 20 {
		t.Errorf("this week = %+v, want ben with 20", week)
	}
	month, err := e.Leaderboard(ctx, quiz.Month, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(month) != 1 || month[0].Points != 10 {
		t.Errorf("December = %+v, want ben with 10 (Tuesday 1 Dec only)", month)
	}
	top1, _ := e.Leaderboard(ctx, quiz.All, 1)
	if len(top1) != 1 {
		t.Errorf("limit 1 = %d rows", len(top1))
	}
	if _, err := e.Leaderboard(ctx, "year", 5); !errors.Is(err, quiz.ErrBadPeriod) {
		t.Errorf("unknown period: %v, want ErrBadPeriod", err)
	}
}

func TestLeaderboardTies(t *testing.T) {
	e, c, _ := newEngine(t, pool(30, 5), quiz.Options{})
	// Day 1: amy right, ben right, cal wrong. Day 2: amy wrong, ben right late.
	// Day 3: cal right, right on day 4.
	// amy 10 pts 1/2; ben 20 pts 2/2; cal 20 pts 2/4 -> ben (accuracy) > cal.
	// dan and eve: 10 points, 1/1 each; dan got there first; amy last.
	play(t, e, c, monday, 4, map[string][]bool{
		"amy": {true, false},
		"ben": {true, true},
		"cal": {false, false, true, true},
	})
	play(t, e, c, monday.AddDate(0, 0, 4), 1, map[string][]bool{"dan": {true}, "eve": {true}})
	c.Set(monday.AddDate(0, 0, 5))
	got, err := e.Leaderboard(ctx, quiz.All, 0)
	if err != nil {
		t.Fatal(err)
	}
	if u := users(got); !slices.Equal(u, []string{"ben", "cal", "dan", "eve", "amy"}) {
		t.Errorf("order = %v, want ben, cal (same points, lower accuracy), dan, eve (same, dan first), amy (lower accuracy)", u)
	}
	for _, s := range got {
		if s.User == "cal" && (s.Accuracy < 0.49 || s.Accuracy > 0.51) {
			t.Errorf("cal accuracy %v, want 0.5", s.Accuracy)
		}
	}
}

func users(ss []quiz.Standing) []string {
	var out []string
	for _, s := range ss {
		out = append(out, s.User)
	}
	return out
}

func TestStats(t *testing.T) {
	exam := time.Date(2026, 12, 14, 0, 0, 0, 0, time.UTC)
	e, c, _ := newEngine(t, pool(12, 6), quiz.Options{ExamDate: exam})
	// Domains cycle 1..6 with the question index; answer right only in
	// even domains.
	qs := e.Questions()
	for i, q := range qs {
		c.Set(monday.Add(time.Duration(i) * time.Minute))
		if _, err := e.Practice(ctx, "ann"); err != nil {
			t.Fatal(err)
		}
		choice := q.Correct
		if q.Domains[0]%2 == 1 {
			choice = (choice + 1) % 3
		}
		if _, err := e.AnswerPractice(ctx, "ann", q.ID, choice); err != nil {
			t.Fatal(err)
		}
	}
	st, err := e.Stats(ctx, "ann")
	if err != nil {
		t.Fatal(err)
	}
	if st.Answered != 12 || st.Correct != 6 || st.Accuracy != 0.5 || st.Points != 0 {
		t.Errorf("stats = %+v, want 12 answered, 6 correct, no points (practice)", st)
	}
	if len(st.Domains) != 6 {
		t.Fatalf("%d domains, want 6", len(st.Domains))
	}
	for _, d := range st.Domains {
		want := 0.0
		if d.Domain%2 == 0 {
			want = 1
		}
		if d.Answered != 2 || d.Accuracy != want || d.Name != quiz.DomainName(d.Domain) {
			t.Errorf("domain %+v, want 2 answered, accuracy %v", d, want)
		}
	}
	if st.Weakest%2 != 1 {
		t.Errorf("weakest = %d, want an odd domain", st.Weakest)
	}
	if !st.ExamSet || st.DaysToExam != 21 {
		t.Errorf("days to exam = %d (set %v), want 21", st.DaysToExam, st.ExamSet)
	}
	team, err := e.Stats(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if team.User != "" || team.Answered != 12 {
		t.Errorf("team = %+v", team)
	}
	none, err := e.Stats(ctx, "nobody")
	if err != nil {
		t.Fatal(err)
	}
	if none.Answered != 0 || none.Weakest != 0 || len(none.Domains) != 6 {
		t.Errorf("no answers = %+v", none)
	}
	if lb, _ := e.Leaderboard(ctx, quiz.All, 0); len(lb) != 0 {
		t.Errorf("practice answers reached the leaderboard: %+v", lb)
	}
	e2, _, _ := newEngine(t, pool(3, 1), quiz.Options{})
	if st, _ := e2.Stats(ctx, "ann"); st.ExamSet || st.DaysToExam != 0 {
		t.Errorf("no exam date: %+v", st)
	}
}

func TestPracticeLeitner(t *testing.T) {
	e, c, s := newEngine(t, pool(4, 2), quiz.Options{})
	q1, err := e.Practice(ctx, "ann")
	if err != nil {
		t.Fatal(err)
	}
	// Missed: box 1, back after 10 minutes.
	res, err := e.AnswerPractice(ctx, "ann", q1.ID, (q1.Correct+1)%3)
	if err != nil {
		t.Fatal(err)
	}
	if res.Correct || res.Already || res.Points != 0 {
		t.Errorf("miss = %+v", res)
	}
	if again, _ := e.AnswerPractice(ctx, "ann", q1.ID, q1.Correct); !again.Already || again.Correct {
		t.Errorf("repeat = %+v, want Already with the first (wrong) answer", again)
	}
	card, _, _ := s.Card(ctx, "ann", q1.ID)
	if card.Box != 1 || !card.Due.Equal(monday.Add(10*time.Minute)) {
		t.Errorf("card after miss = %+v, want box 1 due in 10 minutes", card)
	}
	// Right away: another question (the missed one is not due yet).
	q2, err := e.Practice(ctx, "ann")
	if err != nil {
		t.Fatal(err)
	}
	if q2.ID == q1.ID {
		t.Error("the missed question came back before it was due")
	}
	if _, err := e.AnswerPractice(ctx, "ann", q2.ID, q2.Correct); err != nil {
		t.Fatal(err)
	}
	// Eleven minutes later the missed one is due and comes first.
	c.Add(11 * time.Minute)
	q3, err := e.Practice(ctx, "ann")
	if err != nil {
		t.Fatal(err)
	}
	if q3.ID != q1.ID {
		t.Errorf("after 11 minutes got %s, want the missed %s", q3.ID, q1.ID)
	}
	// Right now: box 2, back in a day. Right again: box 3, 3 days.
	if _, err := e.AnswerPractice(ctx, "ann", q1.ID, q1.Correct); err != nil {
		t.Fatal(err)
	}
	card, _, _ = s.Card(ctx, "ann", q1.ID)
	if card.Box != 2 || !card.Due.Equal(c.Now().Add(24*time.Hour)) || card.Seen != 2 || card.Right != 1 {
		t.Errorf("card after right = %+v, want box 2 due in a day", card)
	}
	// Questions answered right come back rarely: with all four seen and
	// nothing due, the one due soonest is offered.
	for range 2 {
		q, err := e.Practice(ctx, "ann")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.AnswerPractice(ctx, "ann", q.ID, q.Correct); err != nil {
			t.Fatal(err)
		}
	}
	cards, _ := s.Cards(ctx, "ann")
	if len(cards) != 4 {
		t.Fatalf("%d cards, want 4", len(cards))
	}
	next, err := e.Practice(ctx, "ann")
	if err != nil {
		t.Fatal(err)
	}
	soonest := cards[0]
	for _, cd := range cards {
		if cd.Due.Before(soonest.Due) {
			soonest = cd
		}
	}
	if next.ID != soonest.Question {
		t.Errorf("nothing due: got %s, want the soonest due %s", next.ID, soonest.Question)
	}
	if _, err := e.Practice(ctx, ""); !errors.Is(err, quiz.ErrNoUser) {
		t.Errorf("Practice with no user: %v", err)
	}
	if _, err := e.AnswerPractice(ctx, "", q1.ID, 0); !errors.Is(err, quiz.ErrNoUser) {
		t.Errorf("AnswerPractice with no user: %v", err)
	}
	if _, err := e.AnswerPractice(ctx, "ann", "nope", 0); !errors.Is(err, quiz.ErrNotFound) {
		t.Errorf("unknown question: %v", err)
	}
	if _, err := e.AnswerPractice(ctx, "ann", q1.ID, -1); !errors.Is(err, quiz.ErrBadChoice) {
		t.Errorf("bad choice: %v", err)
	}
}

func TestPracticeFrom(t *testing.T) {
	qs := pool(6, 3)
	qs[0].Source.Section = "4_2"
	qs[1].Source.Section = "4_2_4"
	qs[2].Source.Section = "4_2_2_2/stack-policy"
	qs[3].Source.Section = "4_20"
	e, _, _ := newEngine(t, qs, quiz.Options{})
	seen := map[string]bool{}
	for range 6 {
		q, err := e.PracticeFrom(ctx, "ann", "notes", "4_2")
		if err != nil {
			t.Fatal(err)
		}
		seen[q.Source.Section] = true
		if _, err := e.AnswerPractice(ctx, "ann", q.ID, q.Correct); err != nil {
			t.Fatal(err)
		}
	}
	if seen["4_20"] || seen["s1"] || len(seen) != 3 {
		t.Errorf("sections practised = %v, want 4_2 and its subsections only", seen)
	}
	if _, err := e.PracticeFrom(ctx, "ann", "", "9_9"); !errors.Is(err, quiz.ErrNoQuestions) {
		t.Errorf("unknown section: %v, want ErrNoQuestions", err)
	}
	if _, err := e.PracticeFrom(ctx, "ann", "other-doc", "4_2"); !errors.Is(err, quiz.ErrNoQuestions) {
		t.Errorf("other doc: %v, want ErrNoQuestions", err)
	}
}

// failingStore fails every write, like a full or read-only disk.
type failingStore struct{ quiz.Store }

var errDiskFull = errors.New("write: no space left on device")

func (f failingStore) CreateRound(context.Context, quiz.Round) (quiz.Round, bool, error) {
	return quiz.Round{}, false, errDiskFull
}
func (f failingStore) AnswerRound(context.Context, quiz.Answer) (quiz.RoundAnswer, error) {
	return quiz.RoundAnswer{}, errDiskFull
}
func (f failingStore) PutCard(context.Context, quiz.Card) error { return errDiskFull }

func TestWriteFailuresAreReported(t *testing.T) {
	e, c, s := newEngine(t, pool(5, 1), quiz.Options{})
	play(t, e, c, monday, 1, map[string][]bool{"ann": {true}})
	r, err := e.OpenRound(ctx, "open", monday.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	broken := quiz.New(nil, failingStore{s}, e.Questions(), quiz.Options{Seed: 1, Now: c.Now})
	if _, err := broken.AnswerRound(ctx, r.ID, "ben", 0); !errors.Is(err, errDiskFull) {
		t.Errorf("AnswerRound error = %v, want the disk error", err)
	}
	if _, err := broken.OpenRound(ctx, "new", monday); !errors.Is(err, errDiskFull) {
		t.Errorf("OpenRound error = %v, want the disk error", err)
	}
	if _, err := broken.Practice(ctx, "ben"); !errors.Is(err, errDiskFull) {
		t.Errorf("Practice error = %v, want the disk error", err)
	}
	// Reads keep working.
	if lb, err := broken.Leaderboard(ctx, quiz.All, 5); err != nil || len(lb) != 1 {
		t.Errorf("Leaderboard = %v, %v", lb, err)
	}
	if st, err := broken.Stats(ctx, "ann"); err != nil || st.Answered != 1 {
		t.Errorf("Stats = %+v, %v", st, err)
	}
}

func TestPeriodsFollowTheLocation(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip("no tzdata:", err)
	}
	e, c, _ := newEngine(t, pool(10, 2), quiz.Options{Location: ny})
	// Sunday 29 Nov 23:30 in New York is Monday 04:30 UTC: last week there.
	sunday := time.Date(2026, 11, 29, 23, 30, 0, 0, ny)
	play(t, e, c, sunday, 1, map[string][]bool{"ann": {true}})
	// Monday 30 Nov 09:00 New York: this week.
	mon := time.Date(2026, 11, 30, 9, 0, 0, 0, ny)
	play(t, e, c, mon, 1, map[string][]bool{"ben": {true}})
	c.Set(time.Date(2026, 12, 1, 12, 0, 0, 0, ny))
	week, err := e.Leaderboard(ctx, quiz.Week, 0)
	if err != nil {
		t.Fatal(err)
	}
	if u := users(week); !slices.Equal(u, []string{"ben"}) {
		t.Errorf("this week in New York = %v, want only ben", u)
	}
	month, err := e.Leaderboard(ctx, quiz.Month, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(month) != 0 {
		t.Errorf("December in New York = %v, want nobody (both answered in November)", users(month))
	}
	// The two rounds are on consecutive New York days: ann's streak ended.
	if st, _ := e.Stats(ctx, "ann"); st.Streak != 0 || st.BestStreak != 1 {
		t.Errorf("ann: streak %d best %d, want 0 and 1", st.Streak, st.BestStreak)
	}
}

func TestConcurrentClicksCountOnce(t *testing.T) {
	e, _, _ := newEngine(t, pool(5, 1), quiz.Options{})
	r, err := e.OpenRound(ctx, "slot", monday)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	counted := 0
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			res, err := e.AnswerRound(ctx, r.ID, "ann", i%3)
			if err != nil {
				t.Error(err)
				return
			}
			if !res.Already {
				mu.Lock()
				counted++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if counted != 1 {
		t.Errorf("%d answers counted for one person, want 1", counted)
	}
	if lb, _ := e.Leaderboard(ctx, quiz.All, 0); len(lb) == 1 && lb[0].Answered != 1 {
		t.Errorf("leaderboard = %+v, want one answer", lb)
	}
}

// TestStatsNoWeakestWhenNothingMissed: a domain answered without a miss is
// not named the weakest, even when it is the only one answered.
func TestStatsNoWeakestWhenNothingMissed(t *testing.T) {
	e, c, _ := newEngine(t, pool(12, 6), quiz.Options{})
	c.Set(monday)
	q, err := e.Practice(ctx, "bea")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.AnswerPractice(ctx, "bea", q.ID, q.Correct); err != nil {
		t.Fatal(err)
	}
	st, err := e.Stats(ctx, "bea")
	if err != nil {
		t.Fatal(err)
	}
	if st.Answered != 1 || st.Correct != 1 || st.Weakest != 0 {
		t.Errorf("stats = answered %d, correct %d, weakest %d; want 1, 1, none", st.Answered, st.Correct, st.Weakest)
	}
}

// TestSetPoolKeepsHistory: after the notes are reloaded, a question still in
// the pool keeps its practice card, one gone from it leaves practice and
// rotation, and answers to it still count.
func TestSetPoolKeepsHistory(t *testing.T) {
	qs := pool(3, 3)
	e, c, s := newEngine(t, qs, quiz.Options{})
	for _, q := range qs {
		if _, err := e.AnswerPractice(ctx, "ann", q.ID, q.Correct); err != nil {
			t.Fatal(err)
		}
	}
	before, err := e.Stats(ctx, "ann")
	if err != nil {
		t.Fatal(err)
	}

	gone := qs[0].ID
	e.SetPool(append(qs[1:], quiz.Question{ID: "new", Stem: "New?", Options: []string{"A", "B", "C"}, Correct: 0,
		Source: quiz.Source{Doc: "notes", Section: "s9"}, Domains: []int{1}, Kind: "test"}))
	if _, ok := e.Question(gone); ok {
		t.Errorf("question %s of a removed section is still in the pool", gone)
	}
	after, err := e.Stats(ctx, "ann")
	if err != nil {
		t.Fatal(err)
	}
	if after.Answered != before.Answered || after.Correct != before.Correct {
		t.Errorf("stats after reload = %+v, want the answers of before %+v", after, before)
	}
	if card, ok, _ := s.Card(ctx, "ann", qs[1].ID); !ok || card.Box == 0 {
		t.Errorf("kept question's card = %+v (found %v), want its box", card, ok)
	}
	c.Add(30 * 24 * time.Hour) // every card due
	for range 5 {
		q, err := e.Practice(ctx, "bob")
		if err != nil {
			t.Fatal(err)
		}
		if q.ID == gone {
			t.Fatalf("practice offered %s, whose section is gone", gone)
		}
		if _, err := e.AnswerPractice(ctx, "bob", q.ID, q.Correct); err != nil {
			t.Fatal(err)
		}
	}
	r, err := e.OpenRound(ctx, slot(c.Now()), c.Now())
	if err != nil {
		t.Fatal(err)
	}
	if r.Question.ID == gone {
		t.Errorf("the question of the day is %s, whose section is gone", gone)
	}
}
