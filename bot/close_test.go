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
	d, err := newDailyScheduler(nil, eng, p, nil, DailyOptions{Channel: "CQUIZ", Location: time.UTC, Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Post(ctx); err != nil {
		t.Fatal(err)
	}
	question := p.questions()[0]
	p.failPost = errors.New("slack: 500")
	if err := d.Close(ctx); err == nil {
		t.Error("close with Slack failing reported success")
	}
	if len(p.updates) == 0 || p.updates[len(p.updates)-1].ts != question.ts {
		t.Errorf("the question's message does not show it closed: %+v", p.updates)
	}
	p.failPost = nil
	if err := d.Close(ctx); err != nil {
		t.Fatalf("close again after Slack recovered: %v", err)
	}
	if th := p.threadPosts(question.ts); len(th) != 1 {
		t.Fatalf("%d answers in the question's thread, want 1", len(th))
	}
	if err := d.Close(ctx); !errors.Is(err, ErrNoOpenRound) {
		t.Errorf("third close: %v, want ErrNoOpenRound", err)
	}
	if th := p.threadPosts(question.ts); len(th) != 1 {
		t.Errorf("%d answers in the thread after another close, want 1", len(th))
	}
}

// TestDailyPendingCloseRetriedInTheBackground: the scheduler retries a
// close whose answer did not go out without anyone asking.
func TestDailyPendingCloseRetriedInTheBackground(t *testing.T) {
	ctx := context.Background()
	clk := &clock{t: time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)}
	eng := quiz.New(nil, memory.New(), testPool(), quiz.Options{Now: clk.Now, Seed: 1})
	p := &fakePoster{}
	d, err := newDailyScheduler(nil, eng, p, nil, DailyOptions{Channel: "CQUIZ", Location: time.UTC, Now: clk.Now,
		RetryEvery: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Post(ctx); err != nil {
		t.Fatal(err)
	}
	question := p.questions()[0]
	p.mu.Lock()
	p.failPost = errors.New("slack: connection refused")
	p.mu.Unlock()
	_ = d.Close(ctx)
	d.Start()
	defer func() {
		sctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		_ = d.Stop(sctx)
	}()
	p.mu.Lock()
	p.failPost = nil
	p.mu.Unlock()
	deadline := time.Now().Add(5 * time.Second)
	for len(p.threadPosts(question.ts)) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the answer was never posted")
		}
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(100 * time.Millisecond)
	if n := len(p.threadPosts(question.ts)); n != 1 {
		t.Errorf("%d answers posted, want 1", n)
	}
}

// TestDailyFailedPostKeepsTheCurrentQuestionOpen: a `quiz post` that Slack
// refuses leaves the question already out open, with its buttons working.
func TestDailyFailedPostKeepsTheCurrentQuestionOpen(t *testing.T) {
	ctx := context.Background()
	clk := &clock{t: time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)}
	eng := quiz.New(nil, memory.New(), testPool(), quiz.Options{Now: clk.Now, Seed: 1})
	p := &fakePoster{}
	d, err := newDailyScheduler(nil, eng, p, nil, DailyOptions{Channel: "CQUIZ", Location: time.UTC, Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Post(ctx); err != nil {
		t.Fatal(err)
	}
	first := p.questions()[0]
	clk.Set(clk.Now().Add(time.Minute))
	p.failPost = errors.New("slack: 429")
	if err := d.Post(ctx); err == nil {
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
