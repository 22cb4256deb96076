package bot

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/devopsbot/devopsbot/quiz"
	"github.com/devopsbot/devopsbot/quiz/memory"
	"github.com/devopsbot/devopsbot/quiz/postgres"
	"github.com/devopsbot/devopsbot/quiz/postgres/pgtest"
)

// replica is one bot process on a shared store: its scheduler on its own
// fake clock, and its router.
type replica struct {
	clk   *clock
	daily *DailyScheduler
	r     *Router
}

func startReplica(t *testing.T, store quiz.Store, p *fakePoster, at time.Time) *replica {
	t.Helper()
	clk := &clock{t: at}
	eng := quiz.New(nil, store, testPool(), quiz.Options{Now: clk.Now, Seed: 1})
	d := newDailyScheduler(nil, eng, p, nil, DailyOptions{Clock: clk, CloseLog: store.(CloseLog)})
	mark := clk.mark()
	d.Start()
	clk.settle(t, mark)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = d.Stop(ctx)
	})
	r := NewRouter(nil, &fakeSearcher{}, eng, Options{Admins: []string{"UADMIN01"}, Daily: d, Now: clk.Now})
	return &replica{clk: clk, daily: d, r: r}
}

func (rp *replica) command(channel, text string) string {
	return rp.r.Command(context.Background(), Request{User: "UADMIN01", Channel: channel, Text: text}).slack().Text
}

func knows(rp *replica, channel string) bool {
	_, ok := rp.daily.Calendar(channel)
	return ok
}

func postsIn(p *fakePoster, channel string) int {
	n := 0
	for _, q := range p.questions() {
		if q.channel == channel {
			n++
		}
	}
	return n
}

// TestQuizChannelChangesReachOtherReplicas: a channel added through one
// replica runs there at once and on another within RefreshEvery (a
// minute), both fire its slot and it is posted once; a removal through
// the other replica reaches the first the same way. The replicas share
// one in-memory store, or each has its own connection to one PostgreSQL
// database (when DEVOPSBOT_TEST_PG is set).
func TestQuizChannelChangesReachOtherReplicas(t *testing.T) {
	t.Run("memory", func(t *testing.T) {
		store := memory.New()
		testChannelReplicas(t, store, store)
	})
	t.Run("postgres", func(t *testing.T) {
		dbURL := pgtest.URL(t)
		var stores []quiz.Store
		for range 2 {
			s, err := postgres.Open(context.Background(), nil, dbURL, postgres.Options{})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = s.Close() })
			stores = append(stores, s)
		}
		testChannelReplicas(t, stores[0], stores[1])
	})
}

func testChannelReplicas(t *testing.T, storeA, storeB quiz.Store) {
	p := &fakePoster{}
	start := time.Date(2026, 11, 23, 7, 0, 0, 0, time.UTC)
	a, b := startReplica(t, storeA, p, start), startReplica(t, storeB, p, start)

	const tokyo = "CTOKYO001"
	if got := a.command("CGENERAL1", `admin channel add <#CTOKYO001|quiz-tokyo> post="0 9 * * *" close="0 18 * * *" tz=Asia/Tokyo`); !strings.Contains(got, "Added") {
		t.Fatalf("add: %q", got)
	}
	if !knows(a, tokyo) {
		t.Fatal("the replica that ran the command does not schedule the channel")
	}
	b.clk.advance(t, start.Add(59*time.Second))
	if knows(b, tokyo) {
		t.Fatal("the other replica read the channels before its refresh")
	}
	b.clk.advance(t, start.Add(time.Minute))
	if !knows(b, tokyo) {
		t.Fatal("the other replica did not pick up the channel within a minute")
	}

	nine := time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC) // 09:00 in Tokyo
	a.clk.advance(t, nine)
	b.clk.advance(t, nine)
	if n := postsIn(p, tokyo); n != 1 {
		t.Fatalf("two replicas posted %d questions in %s, want 1", n, tokyo)
	}

	// One quiz channel: quiz post from anywhere acts on it. With two, it
	// must be run in one of them.
	if got := a.command("CGENERAL1", "quiz post"); !strings.Contains(got, "Posted") || postsIn(p, tokyo) != 2 {
		t.Fatalf("quiz post with one quiz channel: %q, %d posts", got, postsIn(p, tokyo))
	}
	a.command("CGENERAL1", `admin channel add <#COSLO0001|quiz-oslo> tz=Europe/Oslo`)
	if got := a.command("CGENERAL1", "quiz post"); !strings.Contains(got, "Run it in the quiz channel") {
		t.Errorf("quiz post outside two quiz channels: %q", got)
	}

	if got := b.command("CGENERAL1", "admin channel remove <#CTOKYO001>"); !strings.Contains(got, "Removed") {
		t.Fatalf("remove: %q", got)
	}
	if knows(b, tokyo) || !knows(a, tokyo) {
		t.Fatal("the removal should apply at once on its replica only")
	}
	a.clk.advance(t, nine.Add(time.Minute))
	if knows(a, tokyo) {
		t.Fatal("the first replica still schedules the removed channel after its refresh")
	}
	a.clk.advance(t, nine.Add(24*time.Hour))
	b.clk.advance(t, nine.Add(24*time.Hour))
	if n := postsIn(p, tokyo); n != 2 {
		t.Errorf("%d questions in the removed channel, want still 2", n)
	}
}
