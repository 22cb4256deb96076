package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/devopsbot/devopsbot/quiz"
	"github.com/devopsbot/devopsbot/quiz/memory"
)

func mustLoc(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestLastSlotToday(t *testing.T) {
	berlin := mustLoc(t, "Europe/Berlin")
	at := func(s string) time.Time {
		tm, err := time.ParseInLocation("2006-01-02 15:04:05", s, berlin)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	tests := []struct {
		name, spec, now, want string // want "" means no slot today
	}{
		{"weekday after nine is today's nine", "0 9 * * MON-FRI", "2026-11-25 10:30:00", "2026-11-25 09:00:00"},
		{"weekday at nine sharp is that slot", "0 9 * * MON-FRI", "2026-11-25 09:00:00", "2026-11-25 09:00:00"},
		{"before nine there is none yet", "0 9 * * MON-FRI", "2026-11-25 08:59:59", ""},
		{"saturday has none", "0 9 * * MON-FRI", "2026-11-28 12:00:00", ""},
		{"every quarter hour counts midnight", "*/15 * * * *", "2026-11-25 00:14:00", "2026-11-25 00:00:00"},
		{"daily descriptor is midnight", "@daily", "2026-11-25 18:00:00", "2026-11-25 00:00:00"},
		{"every 5s floors to the slot", "@every 5s", "2026-11-25 12:00:07", "2026-11-25 12:00:05"},
		{"every 5s at a slot is that slot", "@every 5s", "2026-11-25 12:00:10", "2026-11-25 12:00:10"},
		{"every 24h is midnight", "@every 24h", "2026-11-25 23:59:59", "2026-11-25 00:00:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := parseSchedule(tt.spec, berlin)
			if err != nil {
				t.Fatal(err)
			}
			got, ok := lastSlotToday(s, at(tt.now), berlin)
			if tt.want == "" {
				if ok {
					t.Errorf("got slot %v, want none", got)
				}
				return
			}
			if !ok || !got.Equal(at(tt.want)) {
				t.Errorf("got %v %v, want %v", got, ok, tt.want)
			}
		})
	}
}

func TestEveryScheduleIsDayAligned(t *testing.T) {
	loc := mustLoc(t, "UTC")
	e := everySchedule{every: 7 * time.Second, loc: loc}
	tests := []struct{ now, want string }{
		{"2026-11-25T12:00:00Z", "2026-11-25T12:00:04Z"}, // 43200 = 7*6171 + 3
		{"2026-11-25T23:59:58Z", "2026-11-26T00:00:00Z"}, // the day's last slot is cut at midnight
		{"2026-11-26T00:00:00Z", "2026-11-26T00:00:07Z"},
	}
	for _, tt := range tests {
		now, _ := time.Parse(time.RFC3339, tt.now)
		if got := e.Next(now).UTC().Format(time.RFC3339); got != tt.want {
			t.Errorf("Next(%s) = %s, want %s", tt.now, got, tt.want)
		}
	}
	if _, err := parseSchedule("every day", loc); err == nil {
		t.Errorf("bad spec accepted")
	}
}

// fakePoster records posts and updates like Slack would.
type fakePoster struct {
	mu       sync.Mutex
	n        int
	posts    []postRec
	updates  []postRec
	failPost error
}

type postRec struct {
	channel, thread, ts string
	r                   Response
}

func (f *fakePoster) Post(ctx context.Context, channel, threadTS string, r Response) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.failPost != nil {
		return "", f.failPost
	}
	f.n++
	ts := fmt.Sprintf("1700000000.%06d", f.n)
	f.posts = append(f.posts, postRec{channel, threadTS, ts, r})
	return ts, nil
}

func (f *fakePoster) Update(ctx context.Context, channel, ts string, r Response) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.updates = append(f.updates, postRec{channel, "", ts, r})
	return nil
}

func (f *fakePoster) questions() []postRec {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []postRec
	for _, p := range f.posts {
		if p.thread == "" {
			out = append(out, p)
		}
	}
	return out
}

func (f *fakePoster) threadPosts(ts string) []postRec {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []postRec
	for _, p := range f.posts {
		if p.thread == ts {
			out = append(out, p)
		}
	}
	return out
}

func testPool() []quiz.Question {
	var pool []quiz.Question
	for i := 1; i <= 3; i++ {
		pool = append(pool, quiz.Question{
			ID: fmt.Sprintf("q%d", i), Stem: fmt.Sprintf("Question %d?", i),
			Options: []string{"alpha", "beta", "gamma", "delta"}, Correct: i % 4,
			Explanation: "Because.", Source: quiz.Source{Doc: "notes", Section: "1_1"}, Domains: []int{1}, Kind: "bank",
		})
	}
	return pool
}

func TestDailyCatchUpPostsTodaysSlotOnce(t *testing.T) {
	store := memory.New()
	clk := &clock{t: time.Date(2026, 11, 25, 10, 15, 0, 0, time.UTC)}
	eng := quiz.New(nil, store, testPool(), quiz.Options{Now: clk.Now, Seed: 1})
	p := &fakePoster{}

	runDaily(t, eng, p, clk, "0 9 * * *", "0 17 * * *")
	qs := p.questions()
	if len(qs) != 1 {
		t.Fatalf("%d questions posted, want 1", len(qs))
	}
	if !strings.Contains(qs[0].r.slack().Text+fmt.Sprint(qs[0].r.slack().Blocks), "Question") {
		t.Errorf("post is not the question: %+v", qs[0].r)
	}
	rounds, err := eng.OpenRounds(context.Background())
	if err != nil || len(rounds) != 1 {
		t.Fatalf("open rounds %v %v", rounds, err)
	}
	if rd := rounds[0]; rd.ID != "2026-11-25T09:00:00Z" || rd.MessageTS != qs[0].ts || rd.Channel != "CQUIZ" {
		t.Errorf("round %+v not recorded with its slot and message", rd)
	}

	// A restart later the same morning posts nothing new.
	clk.Set(time.Date(2026, 11, 25, 11, 0, 0, 0, time.UTC))
	runDaily(t, eng, p, clk, "0 9 * * *", "0 17 * * *")
	if n := len(p.questions()); n != 1 {
		t.Errorf("restart posted again: %d questions", n)
	}
}

func TestDailyCatchUpSkipsBeforeTheSlot(t *testing.T) {
	clk := &clock{t: time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC)}
	eng := quiz.New(nil, memory.New(), testPool(), quiz.Options{Now: clk.Now, Seed: 1})
	p := &fakePoster{}
	runDaily(t, eng, p, clk, "0 9 * * *", "")
	if n := len(p.questions()); n != 0 {
		t.Errorf("posted %d questions before today's slot (yesterday's is not caught up)", n)
	}
}

func TestDailyCatchUpClosesOverdueRound(t *testing.T) {
	clk := &clock{t: time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)}
	eng := quiz.New(nil, memory.New(), testPool(), quiz.Options{Now: clk.Now, Seed: 1})
	p := &fakePoster{}
	runDaily(t, eng, p, clk, "0 9 * * *", "0 17 * * *")
	q := p.questions()[0]
	if _, err := eng.AnswerRound(context.Background(), "2026-11-25T09:00:00Z", "U1", 1); err != nil {
		t.Fatal(err)
	}
	// Down from 16:00 to 18:00: the 17:00 close was missed.
	clk.Set(time.Date(2026, 11, 25, 18, 0, 0, 0, time.UTC))
	runDaily(t, eng, p, clk, "0 9 * * *", "0 17 * * *")
	if open, _ := eng.OpenRounds(context.Background()); len(open) != 0 {
		t.Errorf("overdue round still open: %+v", open)
	}
	th := p.threadPosts(q.ts)
	if len(th) != 1 || !strings.Contains(th[0].r.slack().Text, "answer") {
		t.Fatalf("thread posts %+v, want the answer once", th)
	}
	if n := len(p.questions()); n != 1 {
		t.Errorf("%d questions posted", n)
	}
}

func TestDailyPostClosesPreviousAndCloseReportsNothingOpen(t *testing.T) {
	ctx := context.Background()
	clk := &clock{t: time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)}
	eng := quiz.New(nil, memory.New(), testPool(), quiz.Options{Now: clk.Now, Seed: 1})
	p := &fakePoster{}
	d := newDailyScheduler(nil, cquiz(eng, "", "", nil), p, nil, DailyOptions{Channel: "CQUIZ", Clock: clk})
	if err := d.Post(ctx, "CQUIZ"); err != nil {
		t.Fatal(err)
	}
	first := p.questions()[0]
	clk.Set(clk.Now().Add(time.Minute))
	if err := d.Post(ctx, "CQUIZ"); err != nil {
		t.Fatal(err)
	}
	if n := len(p.questions()); n != 2 {
		t.Fatalf("%d questions, want 2", n)
	}
	if th := p.threadPosts(first.ts); len(th) != 1 {
		t.Errorf("previous question got %d thread posts, want its answer", len(th))
	}
	if len(p.updates) != 1 || p.updates[0].ts != first.ts {
		t.Errorf("previous question's message not updated as closed: %+v", p.updates)
	}
	if err := d.Close(ctx, "CQUIZ"); err != nil {
		t.Fatal(err)
	}
	err := d.Close(ctx, "CQUIZ")
	if !errors.Is(err, ErrNoOpenRound) || !errors.Is(err, quiz.ErrNotFound) {
		t.Errorf("second close: %v, want ErrNoOpenRound matching quiz.ErrNotFound", err)
	}
}

func TestDailyFailedPostLeavesSlotUnposted(t *testing.T) {
	clk := &clock{t: time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)}
	eng := quiz.New(nil, memory.New(), testPool(), quiz.Options{Now: clk.Now, Seed: 1})
	p := &fakePoster{failPost: errors.New("slack down")}
	runDaily(t, eng, p, clk, "0 9 * * *", "")
	// Back up: the next start the same day posts the slot.
	p.failPost = nil
	runDaily(t, eng, p, clk, "0 9 * * *", "")
	if n := len(p.questions()); n != 1 {
		t.Errorf("%d questions after recovery, want 1", n)
	}
}

// TestDailyCronFires runs the real cron on "@every 1s" for a few slots.
func TestDailyCronFires(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for cron")
	}
	eng := quiz.New(nil, memory.New(), testPool(), quiz.Options{Seed: 1})
	p := &fakePoster{}
	d := newDailyScheduler(nil, cquiz(eng, "@every 1s", "", nil), p, nil, DailyOptions{Channel: "CQUIZ"})
	d.Start()
	deadline := time.Now().Add(6 * time.Second)
	for len(p.questions()) < 3 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := d.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	qs := p.questions()
	if len(qs) < 3 {
		t.Fatalf("%d questions in 6s on @every 1s", len(qs))
	}
	rounds, _ := eng.OpenRounds(context.Background())
	if len(rounds) != 1 {
		t.Errorf("%d open rounds, want only the latest", len(rounds))
	}
}

// TestDailyCloseTimeIsInTheZone: a round stored with a UTC opening time is
// closed at 17:00 in DEVOPSBOT_TZ, not 17:00 UTC.
func TestDailyCloseTimeIsInTheZone(t *testing.T) {
	ctx := context.Background()
	berlin := mustLoc(t, "Europe/Berlin")
	clk := &clock{t: time.Date(2026, 11, 25, 16, 30, 0, 0, time.UTC)} // 17:30 in Berlin
	eng := quiz.New(nil, memory.New(), testPool(), quiz.Options{Now: clk.Now, Seed: 1, Location: berlin})
	opened := time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC) // 09:00 in Berlin
	rd, err := eng.OpenRound(ctx, "2026-11-25T09:00:00+01:00", opened)
	if err != nil {
		t.Fatal(err)
	}
	if err := eng.SetRoundMessage(ctx, rd.ID, "CQUIZ", "1.1"); err != nil {
		t.Fatal(err)
	}
	p := &fakePoster{}
	runDailyIn(t, eng, p, clk, "0 9 * * *", "0 17 * * *", berlin)
	if open, _ := eng.OpenRounds(ctx); len(open) != 0 {
		t.Errorf("round still open at 17:30 Berlin time: %+v", open)
	}
	if n := len(p.threadPosts("1.1")); n != 1 {
		t.Errorf("%d answers posted in the thread, want 1", n)
	}
	if n := len(p.questions()); n != 0 {
		t.Errorf("today's slot was already posted, got %d new questions", n)
	}
}

// TestDailyCronCloses runs the real cron on a close schedule of "@every 1s":
// the open question closes and its answer goes to its thread.
func TestDailyCronCloses(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for cron")
	}
	ctx := context.Background()
	eng := quiz.New(nil, memory.New(), testPool(), quiz.Options{Seed: 1})
	p := &fakePoster{}
	d := newDailyScheduler(nil, cquiz(eng, "", "@every 1s", nil), p, nil, DailyOptions{Channel: "CQUIZ"})
	if err := d.Post(ctx, "CQUIZ"); err != nil {
		t.Fatal(err)
	}
	q := p.questions()[0]
	d.Start()
	deadline := time.Now().Add(5 * time.Second)
	for len(p.threadPosts(q.ts)) == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	sctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := d.Stop(sctx); err != nil {
		t.Fatal(err)
	}
	if th := p.threadPosts(q.ts); len(th) != 1 || !strings.Contains(th[0].r.slack().Text, "answer") {
		t.Fatalf("thread posts %+v, want the answer once", th)
	}
	if open, _ := eng.OpenRounds(ctx); len(open) != 0 {
		t.Errorf("still open: %+v", open)
	}
}

// TestDailyMaybePostedIsNotPostedAgain: a post that reached Slack without an
// answer may have been posted, so a restart does not post the slot again;
// its close goes to the channel.
func TestDailyMaybePostedIsNotPostedAgain(t *testing.T) {
	ctx := context.Background()
	clk := &clock{t: time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)}
	eng := quiz.New(nil, memory.New(), testPool(), quiz.Options{Now: clk.Now, Seed: 1})
	p := &fakePoster{failPost: fmt.Errorf("chat.postMessage: %w: timeout", ErrMaybeDone)}
	runDaily(t, eng, p, clk, "0 9 * * *", "")
	open, err := eng.OpenRounds(ctx)
	if err != nil || len(open) != 1 || open[0].MessageTS != unknownTS {
		t.Fatalf("open rounds %+v %v, want one marked %q", open, err, unknownTS)
	}
	p.failPost = nil
	runDaily(t, eng, p, clk, "0 9 * * *", "")
	if n := len(p.questions()); n != 0 {
		t.Errorf("restart posted the slot again (%d posts)", n)
	}
	d := newDailyScheduler(nil, cquiz(eng, "", "", nil), p, nil, DailyOptions{Channel: "CQUIZ", Clock: clk})
	if err := d.Close(ctx, "CQUIZ"); err != nil {
		t.Fatal(err)
	}
	qs := p.questions() // posts without a thread: the close went to the channel
	if len(qs) != 1 || !strings.Contains(qs[0].r.slack().Text, "answer") || len(p.updates) != 0 {
		t.Errorf("close posts %+v, updates %+v: want the answer in the channel and no update", qs, p.updates)
	}
}

// crashAfterPost is the quiz engine of a process that dies right after Slack
// took the post: storing the message timestamp never happens.
type crashAfterPost struct{ *quiz.Engine }

func (c crashAfterPost) SetRoundMessage(ctx context.Context, roundID, channel, ts string) error {
	if ts != "" && ts != unknownTS {
		return errors.New("process died")
	}
	return c.Engine.SetRoundMessage(ctx, roundID, channel, ts)
}

// TestDailyCrashAfterPostIsNotPostedAgain: the intent is recorded before the
// post, so a restart after a crash between the post and recording its
// timestamp does not post the slot a second time.
func TestDailyCrashAfterPostIsNotPostedAgain(t *testing.T) {
	ctx := context.Background()
	clk := &clock{t: time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)}
	eng := quiz.New(nil, memory.New(), testPool(), quiz.Options{Now: clk.Now, Seed: 1})
	p := &fakePoster{}
	// Start catches up today's 09:00 slot: the post goes out, then the
	// process "dies" before the timestamp is stored.
	d := newDailyScheduler(nil, cquiz(crashAfterPost{eng}, "0 9 * * *", "", nil), p, nil, DailyOptions{Channel: "CQUIZ", Clock: clk})
	d.Start()
	stop, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := d.Stop(stop); err != nil {
		t.Fatal(err)
	}
	if n := len(p.questions()); n != 1 {
		t.Fatalf("%d posts before the crash, want 1", n)
	}
	open, err := eng.OpenRounds(ctx)
	if err != nil || len(open) != 1 || open[0].MessageTS != unknownTS {
		t.Fatalf("open rounds %+v %v, want one marked %q", open, err, unknownTS)
	}
	runDaily(t, eng, p, clk, "0 9 * * *", "")
	if n := len(p.questions()); n != 1 {
		t.Errorf("restart posted the slot again: %d posts, want 1", n)
	}
}

// openTogether is a replica's quiz engine whose OpenRound returns only
// once every replica has opened the round: all of them then see it not
// posted yet, as replicas firing at the same second do.
type openTogether struct {
	*quiz.Engine
	wg *sync.WaitGroup
}

func (o openTogether) OpenRound(ctx context.Context, slot string, at time.Time) (quiz.Round, error) {
	r, err := o.Engine.OpenRound(ctx, slot, at)
	o.wg.Done()
	o.wg.Wait()
	return r, err
}

// TestDailyReplicasPostAndCloseASlotOnce: three schedulers (replicas) on
// one store catch up the same slot at once; one posts it, and later one
// closes it.
func TestDailyReplicasPostAndCloseASlotOnce(t *testing.T) {
	store := memory.New()
	clk := &clock{t: time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)}
	p := &fakePoster{}
	replicas := func() {
		var ds []*DailyScheduler
		var together sync.WaitGroup
		together.Add(3)
		for range 3 {
			eng := quiz.New(nil, store, testPool(), quiz.Options{Now: clk.Now, Seed: 1})
			d := newDailyScheduler(nil, cquiz(openTogether{eng, &together}, "0 9 * * *", "0 17 * * *", nil), p, nil, DailyOptions{Channel: "CQUIZ", Clock: clk})
			ds = append(ds, d)
		}
		for _, d := range ds {
			d.Start()
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		for _, d := range ds {
			if err := d.Stop(ctx); err != nil {
				t.Fatal(err)
			}
		}
	}
	replicas()
	qs := p.questions()
	if len(qs) != 1 {
		t.Fatalf("3 replicas posted %d questions, want 1", len(qs))
	}
	clk.Set(time.Date(2026, 11, 25, 17, 30, 0, 0, time.UTC))
	replicas()
	if n := len(p.questions()); n != 1 {
		t.Errorf("after the close time: %d questions posted, want still 1", n)
	}
	if n := len(p.threadPosts(qs[0].ts)); n != 1 {
		t.Errorf("3 replicas posted %d answers in the thread, want 1", n)
	}
}
