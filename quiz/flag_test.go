package quiz_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/devopsbot/devopsbot/quiz"
)

func TestFlagTakesQuestionOutOfRotation(t *testing.T) {
	qs := pool(3, 3)
	e, clk, _ := newEngine(t, qs, quiz.Options{})
	res, err := e.Flag(ctx, "U1", "q00", quiz.FlagUnclear, false)
	if err != nil || res.Already || res.Retired {
		t.Fatalf("first flag = %+v, %v; want stored, still in rotation", res, err)
	}
	res, err = e.Flag(ctx, "U1", "q00", quiz.FlagWrong, false)
	if err != nil || !res.Already || res.Flag.Reason != quiz.FlagUnclear || res.Retired {
		t.Fatalf("same person again = %+v, %v; want the first flag to stand", res, err)
	}
	if res, err = e.Flag(ctx, "U2", "q00", quiz.FlagTwo, false); err != nil || !res.Retired {
		t.Fatalf("second person = %+v, %v; want retired", res, err)
	}
	if res, err = e.Flag(ctx, "ADMIN", "q01", quiz.FlagOutdated, true); err != nil || !res.Retired {
		t.Fatalf("admin flag = %+v, %v; want retired at once", res, err)
	}
	for i := range 6 {
		clk.Add(24 * time.Hour)
		r, err := e.OpenRound(ctx, fmt.Sprintf("slot-%d", i), clk.Now())
		if err != nil {
			t.Fatal(err)
		}
		if r.Question.ID != "q02" {
			t.Fatalf("round %d asked %s, a question out of rotation", i, r.Question.ID)
		}
	}
	for range 3 {
		q, err := e.Practice(ctx, "U9")
		if err != nil || q.ID != "q02" {
			t.Fatalf("practice = %s, %v; want only q02", q.ID, err)
		}
		if _, err := e.AnswerPractice(ctx, "U9", q.ID, 0); err != nil {
			t.Fatal(err)
		}
	}
	fl, err := e.Flags(ctx)
	if err != nil || len(fl) != 2 || fl[0].Question.ID != "q00" || len(fl[0].Flags) != 2 || !fl[0].Retired || !fl[1].Retired {
		t.Fatalf("Flags = %+v, %v", fl, err)
	}
	if n, err := e.Restore(ctx, "q00"); err != nil || n != 2 {
		t.Fatalf("Restore = %d, %v; want 2 flags cleared", n, err)
	}
	if fl, _ := e.Flags(ctx); len(fl) != 1 || fl[0].Question.ID != "q01" {
		t.Fatalf("Flags after restore = %+v", fl)
	}
}

func TestFlagRefusesBadInput(t *testing.T) {
	e, _, _ := newEngine(t, pool(3, 3), quiz.Options{})
	tests := []struct {
		name, user, id string
		reason         quiz.FlagReason
		want           error
	}{
		{"no user", "", "q00", quiz.FlagOther, quiz.ErrNoUser},
		{"unknown question", "U1", "nope", quiz.FlagOther, quiz.ErrNotFound},
		{"unknown reason", "U1", "q00", "boring", quiz.ErrBadFlag},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := e.Flag(ctx, tt.user, tt.id, tt.reason, false); !errors.Is(err, tt.want) {
				t.Errorf("Flag = %v, want %v", err, tt.want)
			}
		})
	}
	if _, err := e.Restore(ctx, "nope"); !errors.Is(err, quiz.ErrNotFound) {
		t.Errorf("Restore(unknown) = %v, want ErrNotFound", err)
	}
	if fl, err := e.Flags(ctx); err != nil || len(fl) != 0 {
		t.Errorf("Flags after refused flags = %+v, %v; want none", fl, err)
	}
}

func TestParseFlagReason(t *testing.T) {
	for in, want := range map[string]quiz.FlagReason{"wrong": quiz.FlagWrong, "Wrong answer": quiz.FlagWrong,
		"two answers fit": quiz.FlagTwo, "two": quiz.FlagTwo, "UNCLEAR": quiz.FlagUnclear, "outdated": quiz.FlagOutdated, "other": quiz.FlagOther} {
		if got, err := quiz.ParseFlagReason(in); err != nil || got != want {
			t.Errorf("ParseFlagReason(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := quiz.ParseFlagReason("meh"); !errors.Is(err, quiz.ErrBadFlag) {
		t.Errorf("ParseFlagReason(meh) = %v, want ErrBadFlag", err)
	}
}
