package bot

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/devopsbot/devopsbot/quiz"
	"github.com/devopsbot/devopsbot/quiz/memory"
)

// TestAdminChannelCommands runs the channel commands in order against a
// real engine and store: each reply says what happened or why nothing
// did, and the store holds what the replies say.
func TestAdminChannelCommands(t *testing.T) {
	ctx := context.Background()
	store := memory.New()
	now := func() time.Time { return fixedNow }
	eng := quiz.New(nil, store, testPool(), quiz.Options{Now: now})
	var refreshed int
	var closed []string
	daily := &fakeDaily{
		CloseFn:   func(_ context.Context, ch string) error { closed = append(closed, ch); return ErrNoOpenRound },
		RefreshFn: func(context.Context) error { refreshed++; return nil },
	}
	r := NewRouter(nil, &fakeSearcher{}, eng, Options{Admins: []string{"UADMIN01"}, Daily: daily, Now: now,
		Location: mustLoc(t, "Europe/Berlin")})
	steps := []struct {
		user, channel, text string
		want                string
		post, close, tz     string // the stored channel C0QUIZ001 after the step; post "-" when there is none
		exam                string
	}{
		{"UADMIN01", "C0GENERAL", "admin channel", "no quiz channels yet", "-", "", "", ""},
		{"UPERSON1", "C0QUIZ001", "admin channel add post=@daily", "only admins", "-", "", "", ""},
		{"UADMIN01", "D0DIRECT1", "admin channel add post=@daily", "Which channel?", "-", "", "", ""},
		{"UADMIN01", "C0QUIZ001", "admin channel add post=@daily", "Added <#C0QUIZ001>: posts @daily", "@daily", defaultClose, "Europe/Berlin", ""},
		{"UADMIN01", "C0GENERAL", "admin channel set <#C0QUIZ001|quiz> exam=2027-03-01", "Changed <#C0QUIZ001>", "@daily", defaultClose, "Europe/Berlin", "2027-03-01"},
		{"UADMIN01", "C0GENERAL", "admin channel set <#C0QUIZ001|quiz>", "Nothing to change", "@daily", defaultClose, "Europe/Berlin", "2027-03-01"},
		{"UADMIN01", "C0GENERAL", "admin channel set <#C0OTHER01> tz=UTC", "not a quiz channel yet", "@daily", defaultClose, "Europe/Berlin", "2027-03-01"},
		{"UADMIN01", "C0GENERAL", "admin channel <#C0QUIZ001> close=off exam=none", "closes when the next question is posted", "@daily", "", "Europe/Berlin", ""},
		{"UADMIN01", "C0GENERAL", "admin channel <#C0QUIZ001>", "<#C0QUIZ001> posts @daily", "@daily", "", "Europe/Berlin", ""},
		{"UADMIN01", "C0GENERAL", "admin channel add <#C0QUIZ001> post=every morning", "Nothing changed", "@daily", "", "Europe/Berlin", ""},
		{"UADMIN01", "C0GENERAL", "admin channel add <#C0QUIZ001> colour=red", `Unknown setting "colour"`, "@daily", "", "Europe/Berlin", ""},
		{"UADMIN01", "C0GENERAL", "admin channel add #quiz tz=UTC", "plain text", "@daily", "", "Europe/Berlin", ""},
		{"UADMIN01", "C0GENERAL", "admin channel list", "<#C0QUIZ001> posts @daily", "@daily", "", "Europe/Berlin", ""},
		{"UADMIN01", "C0GENERAL", "admin channel frobnicate <#C0QUIZ001>", `"frobnicate" is not something I can do`, "@daily", "", "Europe/Berlin", ""},
		{"UADMIN01", "C0GENERAL", "admin channel rm <#C0QUIZ001>", "Removed <#C0QUIZ001>", "-", "", "", ""},
		{"UADMIN01", "C0GENERAL", "admin channel remove <#C0QUIZ001>", "not a quiz channel; nothing changed", "-", "", "", ""},
	}
	for _, st := range steps {
		got := r.Command(ctx, Request{User: st.user, Channel: st.channel, Text: st.text})
		checkSlackLimits(t, got)
		if text := got.slack().Text; !strings.Contains(text, st.want) {
			t.Errorf("%s: reply %q, want it to say %q", st.text, text, st.want)
		}
		c, ok, err := eng.QuizChannel(ctx, "C0QUIZ001")
		switch {
		case err != nil:
			t.Fatal(err)
		case st.post == "-" && ok:
			t.Errorf("%s: C0QUIZ001 stored as %+v, want none", st.text, c)
		case st.post != "-" && (!ok || c.Post != st.post || c.Close != st.close || c.TZ != st.tz || c.ExamDate != st.exam):
			t.Errorf("%s: C0QUIZ001 stored as %+v (%v), want post %q close %q tz %q exam %q", st.text, c, ok, st.post, st.close, st.tz, st.exam)
		}
	}
	if refreshed != 4 {
		t.Errorf("the scheduler was refreshed %d times, want once per change (4)", refreshed)
	}
	if len(closed) != 1 || closed[0] != "C0QUIZ001" {
		t.Errorf("closes before removal: %v, want C0QUIZ001's", closed)
	}
	if cs, _ := store.Channels(ctx); len(cs) != 0 {
		t.Errorf("left in the store: %+v", cs)
	}
}
