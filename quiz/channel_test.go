package quiz_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/devopsbot/devopsbot/quiz"
)

func channelIDs(t *testing.T, e *quiz.Engine) []string {
	t.Helper()
	cs, err := e.QuizChannels(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, c := range cs {
		id := c.ID + ":" + c.Post
		if c.Default {
			id += ":default"
		}
		out = append(out, id)
	}
	return out
}

func TestQuizChannelsMergeTheDefault(t *testing.T) {
	def := quiz.Channel{ID: "CENV", Post: "0 9 * * MON-FRI", Close: "0 17 * * MON-FRI", TZ: "UTC"}
	e, _, _ := newEngine(t, pool(3, 1), quiz.Options{Channel: def})
	if got := channelIDs(t, e); len(got) != 1 || got[0] != "CENV:0 9 * * MON-FRI:default" {
		t.Fatalf("empty store: channels = %q, want the default alone", got)
	}
	for _, c := range []quiz.Channel{{ID: "CZED", Post: "0 8 * * *"}, {ID: "CENV", Post: "0 10 * * *"}, {ID: "CABC", Post: "@daily"}} {
		set, err := e.SetQuizChannel(ctx, c)
		if err != nil {
			t.Fatal(err)
		}
		if !set.At.Equal(monday) {
			t.Errorf("%s set at %v, want the engine's now %v", c.ID, set.At, monday)
		}
	}
	want := []string{"CABC:@daily", "CENV:0 10 * * *", "CZED:0 8 * * *"}
	if got := channelIDs(t, e); !slices.Equal(got, want) {
		t.Fatalf("channels = %q, want %q (the stored CENV overrides the default)", got, want)
	}
	if ok, err := e.RemoveQuizChannel(ctx, "CENV"); err != nil || !ok {
		t.Fatalf("remove CENV = %v, %v", ok, err)
	}
	want = []string{"CABC:@daily", "CENV:0 9 * * MON-FRI:default", "CZED:0 8 * * *"}
	if got := channelIDs(t, e); !slices.Equal(got, want) {
		t.Fatalf("after removing the override: channels = %q, want %q", got, want)
	}
	if c, ok, err := e.QuizChannel(ctx, "CZED"); err != nil || !ok || c.Post != "0 8 * * *" {
		t.Errorf("QuizChannel(CZED) = %+v, %v, %v", c, ok, err)
	}
}

func TestSetQuizChannelRefusesBadSettings(t *testing.T) {
	e, _, s := newEngine(t, pool(3, 1), quiz.Options{})
	for _, c := range []quiz.Channel{
		{ID: ""},
		{ID: "C1", TZ: "Mars/Olympus"},
		{ID: "C1", TZ: "Local"},
		{ID: "C1", ExamDate: "1 Feb 2027"},
		{ID: "C1", ExamDate: "2027-02-30"},
	} {
		if _, err := e.SetQuizChannel(ctx, c); !errors.Is(err, quiz.ErrBadChannel) {
			t.Errorf("SetQuizChannel(%+v) = %v, want ErrBadChannel", c, err)
		}
	}
	if cs, _ := s.Channels(ctx); len(cs) != 0 {
		t.Errorf("refused settings stored: %+v", cs)
	}
}

func TestChannelLeaderboardCountsOneChannel(t *testing.T) {
	e, _, _ := newEngine(t, pool(3, 1), quiz.Options{})
	for _, r := range []struct{ id, channel, user string }{
		{"r-berlin", "CBERLIN", "UANNA"}, {"CNY/r-ny", "CNY", "UBEN"}, {"CNY/r-ny2", "CNY", "UANNA"},
	} {
		rd, err := e.OpenRound(ctx, r.id, monday)
		if err != nil {
			t.Fatal(err)
		}
		if err := e.SetRoundMessage(ctx, r.id, r.channel, "1.1"); err != nil {
			t.Fatal(err)
		}
		if _, err := e.AnswerRound(ctx, r.id, r.user, rd.Question.Correct); err != nil {
			t.Fatal(err)
		}
	}
	board := func(channel string) string {
		rows, err := e.ChannelLeaderboard(ctx, quiz.All, channel, 0)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, s := range rows {
			out = append(out, fmt.Sprintf("%s:%d", s.User, s.Points))
		}
		return strings.Join(out, " ")
	}
	for channel, want := range map[string]string{"": "UANNA:20 UBEN:10", "CNY": "UANNA:10 UBEN:10", "CBERLIN": "UANNA:10", "CNONE": ""} {
		if got := board(channel); got != want {
			t.Errorf("board in %q = %q, want %q", channel, got, want)
		}
	}
}
