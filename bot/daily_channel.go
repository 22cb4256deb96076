package bot

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/devopsbot/devopsbot/quiz"
)

// ErrNotQuizChannel is returned by DailyScheduler.Post and Close when the
// channel named is not a quiz channel and there are several to choose from.
var ErrNotQuizChannel = errors.New("bot: not a quiz channel")

// quizChannel is one quiz channel as the scheduler runs it: its settings
// parsed, and when its post and close fire next.
type quizChannel struct {
	quiz.Channel
	post, close cron.Schedule // nil when not scheduled
	loc         *time.Location
	exam        time.Time
	examSet     bool

	nextPost, nextClose time.Time // zero when not scheduled
	caughtUp            bool      // what it missed was caught up
}

// newQuizChannel parses c's schedules, zone and exam date; its errors say
// which setting is wrong and what would do.
func newQuizChannel(c quiz.Channel) (*quizChannel, error) {
	loc, err := c.Location()
	if err != nil {
		return nil, err
	}
	qc := &quizChannel{Channel: c, loc: loc}
	if qc.exam, qc.examSet, err = c.Exam(); err != nil {
		return nil, err
	}
	if qc.post, err = parseSchedule(c.Post, loc); err != nil {
		return nil, fmt.Errorf("post schedule %w", err)
	}
	if qc.close, err = parseSchedule(c.Close, loc); err != nil {
		return nil, fmt.Errorf("close schedule %w", err)
	}
	return qc, nil
}

// plan sets the next post and close after now.
func (c *quizChannel) plan(now time.Time) {
	c.nextPost, c.nextClose = time.Time{}, time.Time{}
	if c.post != nil {
		c.nextPost = c.post.Next(now.In(c.loc))
	}
	if c.close != nil {
		c.nextClose = c.close.Next(now.In(c.loc))
	}
}

// next is the channel's earliest firing; zero when nothing is scheduled.
func (c *quizChannel) next() time.Time {
	switch {
	case c.nextPost.IsZero():
		return c.nextClose
	case c.nextClose.IsZero() || c.nextPost.Before(c.nextClose):
		return c.nextPost
	}
	return c.nextClose
}

// daysToExam is the calendar days from now to the channel's exam, in its
// zone, and whether it has an exam date.
func (c *quizChannel) daysToExam(now time.Time) (int, bool) {
	if !c.examSet {
		return 0, false
	}
	return quiz.DaysUntil(c.exam, now, c.loc), true
}

// roundID is the ID of channel's round for a slot ("2026-11-25T09:00:00Z"
// or "manual-..."): the slot alone for the environment's channel, so a
// one-channel install keeps its round IDs, and "CHANNEL/slot" for the
// others, so two channels posting at the same time have two rounds.
func (d *DailyScheduler) roundID(channel, slot string) string {
	if channel == d.opts.Channel {
		return slot
	}
	return channel + "/" + slot
}

// roundOwner is the quiz channel whose schedule and commands close a
// round: the channel its ID names, else the environment's. A round of a
// one-channel install belongs to DEVOPSBOT_QUIZ_CHANNEL even when it was
// posted to the channel the variable named before, so it still closes.
func (d *DailyScheduler) roundOwner(rd quiz.Round) string {
	if ch, _, ok := strings.Cut(rd.ID, "/"); ok {
		return ch
	}
	return d.opts.Channel
}

// postedIn is where a round's message is: the channel it was posted to,
// else its owner's.
func (d *DailyScheduler) postedIn(rd quiz.Round) string {
	return cmp.Or(rd.Channel, d.roundOwner(rd))
}

// channelFor finds the quiz channel a command run in channel acts on: that
// one, or the only quiz channel there is. Its error wraps
// ErrNotQuizChannel and lists the quiz channels.
func (d *DailyScheduler) channelFor(ctx context.Context, channel string) (*quizChannel, error) {
	d.chMu.RLock()
	loaded := d.loaded
	d.chMu.RUnlock()
	if !loaded { // before Start: read them, catch up later
		if err := d.refresh(ctx, false); err != nil {
			return nil, fmt.Errorf("quiz channels: %w", err)
		}
	}
	d.chMu.RLock()
	defer d.chMu.RUnlock()
	if c, ok := d.channels[channel]; ok {
		return c, nil
	}
	if len(d.channels) == 1 {
		for _, c := range d.channels {
			return c, nil
		}
	}
	ids := slices.Sorted(maps.Keys(d.channels))
	return nil, fmt.Errorf("%s among %d quiz channels (%s): %w", cmp.Or(channel, "no channel"), len(ids), strings.Join(ids, ", "), ErrNotQuizChannel)
}

// DailyCalendar is a quiz channel's zone and days to its exam, for showing
// its question.
type DailyCalendar struct {
	Location *time.Location
	Days     int
	ExamSet  bool
}

// Calendar returns the zone and days to the exam of the quiz channel
// channel; false when it is not one.
func (d *DailyScheduler) Calendar(channel string) (DailyCalendar, bool) {
	d.chMu.RLock()
	defer d.chMu.RUnlock()
	c, ok := d.channels[channel]
	if !ok {
		return DailyCalendar{Location: time.UTC}, false
	}
	days, set := c.daysToExam(d.clock.Now())
	return DailyCalendar{Location: c.loc, Days: days, ExamSet: set}, true
}
