package quiz_test

import (
	"testing"
	"time"

	"github.com/devopsbot/devopsbot/quiz"
)

func TestLatestRounds(t *testing.T) {
	e, c, _ := newEngine(t, pool(12, 3), quiz.Options{})
	if got, err := e.LatestRounds(ctx, "ann", 3); err != nil || len(got) != 0 {
		t.Errorf("no rounds: %v, %v; want none", got, err)
	}
	// Monday in CBER and CNYC, Tuesday in CBER.
	open := func(slot, channel string, at time.Time) quiz.Round {
		t.Helper()
		r, err := e.OpenRound(ctx, slot, at)
		if err != nil {
			t.Fatal(err)
		}
		if err := e.SetRoundMessage(ctx, r.ID, channel, "1.0"); err != nil {
			t.Fatal(err)
		}
		return r
	}
	open("mon-ber", "CBER", monday)
	nyc := open("mon-nyc", "CNYC", monday.Add(6*time.Hour))
	c.Add(24 * time.Hour)
	ber := open("tue-ber", "CBER", monday.Add(24*time.Hour))
	if _, err := e.AnswerRound(ctx, ber.ID, "ben", 0); err != nil {
		t.Fatal(err)
	}
	if _, err := e.AnswerRound(ctx, ber.ID, "ann", 2); err != nil {
		t.Fatal(err)
	}
	got, err := e.LatestRounds(ctx, "ann", 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Round.ID != ber.ID || got[1].Round.ID != nyc.ID {
		t.Fatalf("latest rounds %+v, want Tuesday's in CBER then Monday's in CNYC", got)
	}
	if !got[0].Answered || got[0].Answer.Choice != 2 || got[0].Count != 2 || got[1].Answered || got[1].Count != 0 {
		t.Errorf("ann sees %+v and %+v, want her answer 2 of 2 answers, then nothing", got[0], got[1])
	}
	if one, _ := e.LatestRounds(ctx, "cat", 1); len(one) != 1 || one[0].Round.ID != ber.ID || one[0].Answered {
		t.Errorf("cat's latest round %+v, want Tuesday's, unanswered", one)
	}
}
