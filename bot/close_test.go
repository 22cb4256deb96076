package bot

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/devopsbot/devopsbot/quiz"
	"github.com/devopsbot/devopsbot/quiz/memory"
)

// TestDailyCloseRetriedUntilTheAnswerIsOut: when Slack fails the answer's
// post, the question still shows closed, and the next close posts the
// answer (once) instead of saying nothing is open.
func TestDailyCloseRetriedUntilTheAnswerIsOut(t *testing.T) {
	ctx := context.Background()
	clk := &clock{t: time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)}
	eng := quiz.New(nil, memory.New(), testPool(), quiz.Options{Now: clk.Now, Seed: 1})
	p := &fakePoster{}
	d := newDailyScheduler(nil, cquiz(eng, "", "", nil), p, nil, DailyOptions{Channel: "CQUIZ", Clock: clk})
	if err := d.Post(ctx, "CQUIZ"); err != nil {
		t.Fatal(err)
	}
	question := p.questions()[0]
	p.failPost = errors.New("slack: 500")
	if err := d.Close(ctx, "CQUIZ"); err == nil {
		t.Error("close with Slack failing reported success")
	}
	if len(p.updates) == 0 || p.updates[len(p.updates)-1].ts != question.ts {
		t.Errorf("the question's message does not show it closed: %+v", p.updates)
	}
	p.failPost = nil
	if err := d.Close(ctx, "CQUIZ"); err != nil {
		t.Fatalf("close again after Slack recovered: %v", err)
	}
	if th := p.threadPosts(question.ts); len(th) != 1 {
		t.Fatalf("%d answers in the question's thread, want 1", len(th))
	}
	if err := d.Close(ctx, "CQUIZ"); !errors.Is(err, ErrNoOpenRound) {
		t.Errorf("third close: %v, want ErrNoOpenRound", err)
	}
	if th := p.threadPosts(question.ts); len(th) != 1 {
		t.Errorf("%d answers in the thread after another close, want 1", len(th))
	}
}

// TestDailyPendingCloseRetriedInTheBackground: the scheduler retries a
// close whose answer did not go out, every RetryEvery, without anyone
// asking, and posts it once.
func TestDailyPendingCloseRetriedInTheBackground(t *testing.T) {
	ctx := context.Background()
	clk := &clock{t: time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)}
	eng := quiz.New(nil, memory.New(), testPool(), quiz.Options{Now: clk.Now, Seed: 1})
	p := &fakePoster{}
	d := newDailyScheduler(nil, cquiz(eng, "", "", nil), p, nil, DailyOptions{Channel: "CQUIZ", Clock: clk, RetryEvery: 30 * time.Second})
	if err := d.Post(ctx, "CQUIZ"); err != nil {
		t.Fatal(err)
	}
	question := p.questions()[0]
	p.mu.Lock()
	p.failPost = errors.New("slack: connection refused")
	p.mu.Unlock()
	_ = d.Close(ctx, "CQUIZ")
	mark := clk.mark()
	d.Start() // its catch-up fails too: Slack is still down
	defer func() {
		sctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		_ = d.Stop(sctx)
	}()
	clk.settle(t, mark)
	if n := len(p.threadPosts(question.ts)); n != 0 {
		t.Fatalf("%d answers posted while Slack was down", n)
	}
	p.mu.Lock()
	p.failPost = nil
	p.mu.Unlock()
	clk.advance(t, clk.Now().Add(29*time.Second))
	if n := len(p.threadPosts(question.ts)); n != 0 {
		t.Fatalf("retried before RetryEvery: %d answers", n)
	}
	clk.advance(t, clk.Now().Add(time.Second))
	clk.advance(t, clk.Now().Add(30*time.Second))
	if n := len(p.threadPosts(question.ts)); n != 1 {
		t.Errorf("%d answers posted after two retries, want 1", n)
	}
}

// TestDailyFailedPostKeepsTheCurrentQuestionOpen: a `quiz post` that Slack
// refuses leaves the question already out open, with its buttons working.
func TestDailyFailedPostKeepsTheCurrentQuestionOpen(t *testing.T) {
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
	p.failPost = errors.New("slack: 429")
	if err := d.Post(ctx, "CQUIZ"); err == nil {
		t.Fatal("a refused post reported success")
	}
	open, err := eng.OpenRounds(ctx)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range open {
		found = found || r.MessageTS == first.ts
	}
	if !found {
		t.Errorf("the question already out was closed by a failed post; open rounds: %+v", open)
	}
	if len(p.updates) != 0 {
		t.Errorf("the question already out was updated: %+v", p.updates)
	}
}

// TestDailyLegacyRoundOfAnotherChannelStillCloses: a round of a
// one-channel install posted to the channel DEVOPSBOT_QUIZ_CHANNEL named
// before belongs to the environment's channel now: its close comes, and
// the answer goes to the thread where the question is.
func TestDailyLegacyRoundOfAnotherChannelStillCloses(t *testing.T) {
	ctx := context.Background()
	clk := &clock{t: time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)}
	eng := quiz.New(nil, memory.New(), testPool(), quiz.Options{Now: clk.Now, Seed: 1})
	rd, err := eng.OpenRound(ctx, "2026-11-25T09:00:00Z", clk.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := eng.SetRoundMessage(ctx, rd.ID, "COLDQUIZ1", "1.1"); err != nil {
		t.Fatal(err)
	}
	p := &fakePoster{}
	d := newDailyScheduler(nil, cquiz(eng, "", "", nil), p, nil, DailyOptions{Channel: "CQUIZ", Clock: clk})
	if err := d.Close(ctx, "CQUIZ"); err != nil {
		t.Fatal(err)
	}
	th := p.threadPosts("1.1")
	if len(th) != 1 || th[0].channel != "COLDQUIZ1" {
		t.Errorf("answers %+v, want one in COLDQUIZ1's thread", th)
	}
}
