package bot

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/devopsbot/devopsbot/quiz"
)

// clock is a settable Clock for one scheduler: moving it forward fires
// the scheduler's wake-up when it falls due. The scheduler waits on its
// latest wake-up only, so each one replaces the one before.
type clock struct {
	mu   sync.Mutex
	t    time.Time
	seq  int     // wake-ups asked for so far
	wake *waiter // the pending one
}

type waiter struct {
	at  time.Time
	seq int
	ch  chan time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) WakeAt(t time.Time) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := make(chan time.Time, 1)
	c.seq++
	c.wake = &waiter{at: t, seq: c.seq, ch: ch}
	if !t.After(c.t) {
		ch <- c.t
		c.wake = nil
	}
	return ch
}

// Set moves the clock to t and fires the wake-up if it is due.
func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.setLocked(t)
}

func (c *clock) setLocked(t time.Time) bool {
	c.t = t
	if c.wake == nil || c.wake.at.After(t) {
		return false
	}
	c.wake.ch <- t
	c.wake = nil
	return true
}

// advance moves the clock to t and, when that wakes the scheduler, waits
// until it sleeps again until after t: what was due by t has run.
func (c *clock) advance(t *testing.T, to time.Time) {
	t.Helper()
	c.mu.Lock()
	fired := c.setLocked(to)
	mark := c.seq
	c.mu.Unlock()
	if fired {
		c.settle(t, mark)
	}
}

// settle waits until the scheduler asks for a wake-up after now, later
// than wake-up number mark.
func (c *clock) settle(t *testing.T, mark int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second) // a hang guard, not a timing
	for {
		c.mu.Lock()
		w := c.wake
		asleep := w != nil && w.seq > mark && w.at.After(c.t)
		c.mu.Unlock()
		if asleep {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the scheduler did not go back to sleep after %v", c.Now())
		}
		time.Sleep(time.Millisecond)
	}
}

// mark is the number of wake-ups asked for so far, for settle.
func (c *clock) mark() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.seq
}

// withChannels is a quiz engine whose quiz channels are fixed.
type withChannels struct {
	DailyQuiz
	cs []quiz.Channel
}

func (w withChannels) QuizChannels(context.Context) ([]quiz.Channel, error) { return w.cs, nil }

// cquiz is the one quiz channel, CQUIZ, with the given schedules and zone.
func cquiz(q DailyQuiz, post, closeSpec string, loc *time.Location) DailyQuiz {
	if loc == nil {
		loc = time.UTC
	}
	return withChannels{q, []quiz.Channel{{ID: "CQUIZ", Post: post, Close: closeSpec, TZ: loc.String(), Default: true}}}
}

// runDaily starts a scheduler and stops it once its catch-up is done.
func runDaily(t *testing.T, eng DailyQuiz, p *fakePoster, clk *clock, schedule, closeSpec string) *DailyScheduler {
	t.Helper()
	return runDailyIn(t, eng, p, clk, schedule, closeSpec, time.UTC)
}

func runDailyIn(t *testing.T, eng DailyQuiz, p *fakePoster, clk *clock, schedule, closeSpec string, loc *time.Location) *DailyScheduler {
	t.Helper()
	d := newDailyScheduler(nil, cquiz(eng, schedule, closeSpec, loc), p, nil, DailyOptions{Channel: "CQUIZ", Clock: clk})
	d.Start()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := d.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	return d
}
