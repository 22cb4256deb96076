package quiz_test

import (
	"errors"
	"slices"
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
