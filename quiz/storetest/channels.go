package storetest

import (
	"testing"
	"time"

	"github.com/devopsbot/devopsbot/quiz"
)

func channel(id, post string) quiz.Channel {
	return quiz.Channel{ID: id, Name: "quiz-" + id, Post: post, Close: "0 17 * * MON-FRI",
		TZ: "Europe/Berlin", ExamDate: "2027-02-01", By: "UADMIN", At: t0.Add(123456789 * time.Nanosecond)}
}

func sameChannels(t *testing.T, got []quiz.Channel, want ...quiz.Channel) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("channels = %+v, want %+v", got, want)
	}
	for i := range want {
		g, w := got[i], want[i]
		if !g.Same(w) || g.Name != w.Name || g.By != w.By || !g.At.Equal(w.At) || g.Default {
			t.Errorf("channel %d = %+v, want %+v", i, g, w)
		}
	}
}

func testChannels(t *testing.T, s quiz.Store) {
	cs, err := s.Channels(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sameChannels(t, cs)

	b, a := channel("CB", "0 9 * * MON-FRI"), channel("CA", "@every 5s")
	a.Close, a.TZ, a.ExamDate = "", "", "" // empty settings round-trip as empty
	for _, c := range []quiz.Channel{b, a} {
		if err := s.PutChannel(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	cs, err = s.Channels(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sameChannels(t, cs, a, b) // ordered by ID

	b2 := b
	b2.Post, b2.TZ, b2.By, b2.At = "30 8 * * *", "America/New_York", "UOTHER", t0.Add(time.Hour)
	if err := s.PutChannel(ctx, b2); err != nil {
		t.Fatal(err)
	}
	if cs, err = s.Channels(ctx); err != nil {
		t.Fatal(err)
	}
	sameChannels(t, cs, a, b2) // replaced, not added

	for _, tt := range []struct {
		id   string
		want bool
	}{{"CA", true}, {"CA", false}, {"CNONE", false}} {
		got, err := s.DeleteChannel(ctx, tt.id)
		if err != nil {
			t.Fatal(err)
		}
		if got != tt.want {
			t.Errorf("DeleteChannel(%s) = %v, want %v", tt.id, got, tt.want)
		}
	}
	if cs, err = s.Channels(ctx); err != nil {
		t.Fatal(err)
	}
	sameChannels(t, cs, b2)
}
