package bot

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/devopsbot/devopsbot/quiz"
)

// closeOverdueLocked closes c's open rounds whose close time is past.
func (d *DailyScheduler) closeOverdueLocked(ctx context.Context, c *quizChannel, now time.Time) error {
	rounds, err := d.q.OpenRounds(ctx)
	if err != nil {
		return fmt.Errorf("open rounds: %w", err)
	}
	var errs []error
	for _, rd := range rounds {
		if d.roundOwner(rd) != c.ID {
			continue
		}
		// Spec schedules run in the zone of the time they are given.
		if due := c.close.Next(rd.OpenedAt.In(c.loc)); due.After(now) {
			continue
		}
		if _, err := d.closeOne(ctx, rd); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func (d *DailyScheduler) closeAll(ctx context.Context, channel, except string) (int, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.closeAllLocked(ctx, channel, except)
}

// closeAllLocked closes every open round of channel but except; it returns
// how many it closed.
func (d *DailyScheduler) closeAllLocked(ctx context.Context, channel, except string) (int, error) {
	rounds, err := d.q.OpenRounds(ctx)
	if err != nil {
		return 0, fmt.Errorf("open rounds: %w", err)
	}
	n := 0
	var errs []error
	for _, rd := range rounds {
		if rd.ID == except || d.roundOwner(rd) != channel {
			continue
		}
		closed, err := d.closeOne(ctx, rd)
		if err != nil {
			errs = append(errs, err)
		}
		if closed {
			n++
		}
	}
	return n, errors.Join(errs...)
}

// closeOne closes rd and, when it was posted, shows it closed and posts
// the answer in its thread (see finishClose). The close is recorded as
// pending first, so an answer Slack did not take is retried, by the next
// close, the retry loop or the next start, until it is out.
func (d *DailyScheduler) closeOne(ctx context.Context, rd quiz.Round) (bool, error) {
	if rd.MessageTS != "" {
		if _, err := d.opts.CloseLog.SwapClose(ctx, rd.ID, "", closePending); err != nil {
			return false, fmt.Errorf("record close of %s: %w", rd.ID, err)
		}
	}
	sum, err := d.q.CloseRound(ctx, rd.ID)
	if err != nil {
		return false, fmt.Errorf("close round %s: %w", rd.ID, err)
	}
	if sum.AlreadyClosed {
		return false, nil
	}
	d.lg.Info("bot.DailyScheduler closed", "slot", rd.ID, "answered", sum.Answered, "correct", sum.Correct)
	if rd.MessageTS == "" {
		return true, nil
	}
	return true, d.finishClose(ctx, rd, sum)
}

// closePending is the close state of a round closed in the store whose
// answer is not out yet; unknownTS marks it while the answer is being
// posted (and for good when Slack may have taken it without answering);
// then the state is the answer's message timestamp.
const closePending = "pending"

// finishClose updates the round's message to show it closed, then posts
// the answer once: the pending state is claimed before the post, released
// when Slack refused it, and replaced by the answer's timestamp when it is
// out.
func (d *DailyScheduler) finishClose(ctx context.Context, rd quiz.Round, sum quiz.Summary) error {
	channel := d.postedIn(rd)
	if rd.MessageTS != unknownTS {
		closed := sum.Round
		if closed.ID == "" {
			closed = rd
		}
		cal, _ := d.Calendar(d.roundOwner(rd)) // UTC for a channel no longer listed
		closed.OpenedAt = closed.OpenedAt.In(cal.Location)
		if err := d.slack.Update(ctx, channel, rd.MessageTS, RenderDaily(closed, sum.Answered, cal.Days, cal.ExamSet)); err != nil {
			return fmt.Errorf("update closed %s: %w", rd.ID, err)
		}
	}
	claimed, err := d.opts.CloseLog.SwapClose(ctx, rd.ID, closePending, unknownTS)
	if err != nil || !claimed {
		return err // another close is posting it, or it is out
	}
	thread := rd.MessageTS
	if thread == unknownTS {
		thread = "" // whether the question was posted is unknown: the answer goes to the channel
	}
	ts, err := d.slack.Post(ctx, channel, thread, RenderClose(sum))
	if err != nil {
		if !errors.Is(err, ErrMaybeDone) {
			if _, rerr := d.opts.CloseLog.SwapClose(context.WithoutCancel(ctx), rd.ID, unknownTS, closePending); rerr != nil {
				err = errors.Join(err, rerr)
			}
		}
		return fmt.Errorf("post close of %s: %w", rd.ID, err)
	}
	if _, err := d.opts.CloseLog.SwapClose(ctx, rd.ID, unknownTS, ts); err != nil {
		return fmt.Errorf("record close of %s: %w", rd.ID, err)
	}
	return nil
}

// finishPendingLocked finishes the closes of channel's rounds (all
// channels' when channel is "") whose answer is not out; it returns how
// many it finished.
func (d *DailyScheduler) finishPendingLocked(ctx context.Context, channel string) (int, error) {
	ids, err := d.opts.CloseLog.PendingCloses(ctx)
	if err != nil {
		return 0, fmt.Errorf("pending closes: %w", err)
	}
	n := 0
	var errs []error
	for _, id := range ids {
		rd, err := d.q.Round(ctx, id)
		if err == nil && channel != "" && d.roundOwner(rd) != channel {
			continue
		}
		if err == nil && rd.Open() {
			_, err = d.closeOne(ctx, rd) // recorded before the store closed it
			if err == nil {
				n++
			}
		} else if err == nil {
			var sum quiz.Summary
			if sum, err = d.q.CloseRound(ctx, id); err == nil {
				if err = d.finishClose(ctx, rd, sum); err == nil {
					n++
				}
			}
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	return n, errors.Join(errs...)
}

// retryCloses finishes the closes of every channel whose answer is not out
// (the loop calls it every RetryEvery).
func (d *DailyScheduler) retryCloses() {
	ctx, cancel := context.WithTimeout(d.ctx, d.opts.JobTimeout)
	defer cancel()
	d.mu.Lock()
	defer d.mu.Unlock()
	if n, err := d.finishPendingLocked(ctx, ""); err != nil {
		d.lg.Warn("bot.DailyScheduler retry close", "err", err)
	} else if n > 0 {
		d.lg.Info("bot.DailyScheduler answers posted on retry", "rounds", n)
	}
}

// CloseLog keeps, per round, how far its close got (see finishClose), so
// that the answer of a closed question goes out once even when Slack fails
// or the process restarts. The store implements it.
type CloseLog interface {
	// SwapClose sets round id's close state to new if it is old ("" when
	// there is none) and reports whether it did; durable before it returns.
	SwapClose(ctx context.Context, id, old, new string) (bool, error)
	// PendingCloses returns the rounds whose state is "pending".
	PendingCloses(ctx context.Context) ([]string, error)
}

// memCloseLog is a CloseLog in memory (nothing survives a restart).
type memCloseLog struct {
	mu sync.Mutex
	m  map[string]string
}

func (l *memCloseLog) SwapClose(_ context.Context, id, old, new string) (bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.m[id] != old {
		return false, nil
	}
	if l.m == nil {
		l.m = map[string]string{}
	}
	l.m[id] = new
	return true, nil
}

func (l *memCloseLog) PendingCloses(context.Context) ([]string, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var ids []string
	for id, st := range l.m {
		if st == closePending {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids, nil
}
