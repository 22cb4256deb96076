package quiz_test

import (
	"errors"
	"testing"
	"time"

	"github.com/devopsbot/devopsbot/quiz"
)

func TestLatestRound(t *testing.T) {
	e, c, _ := newEngine(t, pool(12, 3), quiz.Options{})
	if _, err := e.LatestRound(ctx, "ann"); !errors.Is(err, quiz.ErrNotFound) {
		t.Errorf("no rounds: %v, want ErrNotFound", err)
	}
	if _, err := e.OpenRound(ctx, slot(monday), monday); err != nil {
		t.Fatal(err)
	}
	c.Add(24 * time.Hour)
	tuesday := monday.Add(24 * time.Hour)
	r, err := e.OpenRound(ctx, slot(tuesday), tuesday)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.AnswerRound(ctx, r.ID, "ben", 0); err != nil {
		t.Fatal(err)
	}
	if _, err := e.AnswerRound(ctx, r.ID, "ann", 2); err != nil {
		t.Fatal(err)
	}
	got, err := e.LatestRound(ctx, "ann")
	if err != nil {
		t.Fatal(err)
	}
	if got.Round.ID != r.ID || !got.Answered || got.Answer.Choice != 2 || got.Count != 2 {
		t.Errorf("ann sees %+v, want round %s answered 2 of 2", got, r.ID)
	}
	if got, _ := e.LatestRound(ctx, "cat"); got.Answered || got.Count != 2 || got.Round.ID != r.ID {
		t.Errorf("cat sees %+v, want the round unanswered", got)
	}
}
