package quiz_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/devopsbot/devopsbot/quiz"
)

func TestPracticeDomain(t *testing.T) {
	e, _, _ := newEngine(t, pool(12, 3), quiz.Options{})
	for range 4 {
		q, err := e.PracticeDomain(ctx, "ann", 3)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(q.Domains, 3) {
			t.Fatalf("PracticeDomain(3) gave %s in domains %v", q.ID, q.Domains)
		}
		if _, err := e.AnswerPractice(ctx, "ann", q.ID, q.Correct); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.PracticeDomain(ctx, "ann", 7); !errors.Is(err, quiz.ErrNoQuestions) {
		t.Errorf("domain 7: %v, want ErrNoQuestions", err)
	}
}

func TestPracticeMissed(t *testing.T) {
	e, c, _ := newEngine(t, pool(12, 3), quiz.Options{})
	if _, err := e.PracticeMissed(ctx, "ann"); !errors.Is(err, quiz.ErrNoQuestions) {
		t.Errorf("nothing answered: %v, want ErrNoQuestions", err)
	}
	// A missed question of the day, a practice miss later put right, and
	// a practice miss.
	r, err := e.OpenRound(ctx, "slot", monday)
	if err != nil {
		t.Fatal(err)
	}
	daily := r.Question
	if _, err := e.AnswerRound(ctx, r.ID, "ann", (daily.Correct+1)%3); err != nil {
		t.Fatal(err)
	}
	answer := func(right bool) quiz.Question {
		t.Helper()
		q, err := e.Practice(ctx, "ann")
		if err != nil {
			t.Fatal(err)
		}
		choice := q.Correct
		if !right {
			choice = (q.Correct + 1) % 3
		}
		if _, err := e.AnswerPractice(ctx, "ann", q.ID, choice); err != nil {
			t.Fatal(err)
		}
		return q
	}
	fixed := answer(false)
	c.Add(11 * time.Minute) // the miss is due again and comes first
	if q := answer(true); q.ID != fixed.ID {
		t.Fatalf("practice after 11 minutes gave %s, want the missed %s", q.ID, fixed.ID)
	}
	missed := answer(false)
	want := map[string]bool{daily.ID: true, missed.ID: true}
	delete(want, fixed.ID)
	for range 6 {
		q, err := e.PracticeMissed(ctx, "ann")
		if err != nil {
			t.Fatal(err)
		}
		if q.ID == fixed.ID || !want[q.ID] {
			t.Fatalf("PracticeMissed gave %s, want one of %v", q.ID, want)
		}
	}
	if _, err := e.PracticeMissed(ctx, ""); !errors.Is(err, quiz.ErrNoUser) {
		t.Errorf("no user: %v", err)
	}
	if _, err := e.PracticeMissed(ctx, "ben"); !errors.Is(err, quiz.ErrNoQuestions) {
		t.Errorf("someone else: %v, want ErrNoQuestions", err)
	}
}
