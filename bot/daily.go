package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/devopsbot/devopsbot/quiz"
)

// ErrNoOpenRound is returned by DailyScheduler.Close when no question of the
// day is open; it matches quiz.ErrNotFound too.
var ErrNoOpenRound = fmt.Errorf("bot: no open question of the day: %w", quiz.ErrNotFound)

// unknownTS is the message timestamp recorded for a round while it is being
// posted, and kept when the post reached Slack without an answer
// (ErrMaybeDone) or the process died mid-post: the round counts as posted,
// so it is never posted again (at most once).
const unknownTS = "unknown"

// DailyQuiz is what the question of the day needs from the quiz engine;
// *quiz.Engine implements it.
type DailyQuiz interface {
	QuizChannels(ctx context.Context) ([]quiz.Channel, error)
	OpenRound(ctx context.Context, slot string, at time.Time) (quiz.Round, error)
	SetRoundMessage(ctx context.Context, roundID, channel, ts string) error
	ClaimRoundMessage(ctx context.Context, roundID, channel, mark string) (bool, error)
	OpenRounds(ctx context.Context) ([]quiz.Round, error)
	CloseRound(ctx context.Context, roundID string) (quiz.Summary, error)
	Round(ctx context.Context, roundID string) (quiz.Round, error)
}

var _ DailyQuiz = (*quiz.Engine)(nil)

// dailyPoster is what the scheduler needs from Slack; *Slack implements it.
type dailyPoster interface {
	Post(ctx context.Context, channel, threadTS string, r Response) (string, error)
	Update(ctx context.Context, channel, ts string, r Response) error
}

// DailyOptions configure the question of the day. The quiz channels, with
// their schedules, zones and exam dates, come from DailyQuiz.QuizChannels.
type DailyOptions struct {
	// Channel is the environment's quiz channel (DEVOPSBOT_QUIZ_CHANNEL), ""
	// for none: its rounds keep the IDs of a one-channel install (see
	// roundID).
	Channel string
	// Clock is the scheduler's time; nil means the system clock.
	Clock Clock
	// JobTimeout bounds one firing's work (Slack calls included); 0 means 1 minute.
	JobTimeout time.Duration
	// CloseLog keeps how far each close got (the store implements it);
	// nil keeps it in memory.
	CloseLog CloseLog
	// RetryEvery is how often a close whose answer did not go out is
	// retried; 0 means 30 s.
	RetryEvery time.Duration
	// RefreshEvery is how often the quiz channels are read again, so that
	// changes made through another replica apply here; 0 means 1 minute.
	RefreshEvery time.Duration
}

// DailyScheduler posts the question of the day in each quiz channel on the
// channel's cron schedule, in its zone, and closes it on its close
// schedule. Each firing of a schedule is a slot whose round ID is the
// scheduled time (RFC 3339 in the channel's zone), prefixed with the
// channel for all but the environment's channel: quiz.Engine.OpenRound is
// idempotent per slot and the scheduler posts only a round it claims, so a
// slot is posted once across restarts and replicas. A new question first
// closes the channel's open ones. When a channel appears (at start, or
// when an admin adds or changes it) the scheduler catches up what it
// missed: rounds whose close time has passed are closed, and today's latest
// slot since the channel was set is posted if it was not. It implements
// Daily for `quiz post`, `quiz close` and the admin channel commands.
type DailyScheduler struct {
	lg    *slog.Logger
	q     DailyQuiz
	slack dailyPoster
	m     *Metrics
	opts  DailyOptions
	clock Clock

	mu       sync.Mutex              // serialises posting, closing and channel changes
	chMu     sync.RWMutex            // guards channels
	channels map[string]*quizChannel // by channel ID
	loaded   bool                    // channels read once
	nudge    chan struct{}           // the channels changed: plan the next wake-up again

	ctx    context.Context // jobs' context, cancelled by Stop
	cancel context.CancelFunc

	quit    chan struct{} // closed by Stop
	startMu sync.Mutex
	started bool
	stopped bool
	wg      sync.WaitGroup // the loop
}

var _ Daily = (*DailyScheduler)(nil)

// NewDailyScheduler returns a scheduler posting through s.
func NewDailyScheduler(lg *slog.Logger, q DailyQuiz, s *Slack, m *Metrics, opts DailyOptions) *DailyScheduler {
	return newDailyScheduler(lg, q, s, m, opts)
}

func newDailyScheduler(lg *slog.Logger, q DailyQuiz, s dailyPoster, m *Metrics, opts DailyOptions) *DailyScheduler {
	if lg == nil {
		lg = slog.New(slog.DiscardHandler)
	}
	if opts.Clock == nil {
		opts.Clock = systemClock{}
	}
	if opts.JobTimeout <= 0 {
		opts.JobTimeout = time.Minute
	}
	if opts.CloseLog == nil {
		opts.CloseLog = &memCloseLog{}
	}
	if opts.RetryEvery <= 0 {
		opts.RetryEvery = 30 * time.Second
	}
	if opts.RefreshEvery <= 0 {
		opts.RefreshEvery = time.Minute
	}
	d := &DailyScheduler{lg: lg, q: q, slack: s, m: m, opts: opts, clock: opts.Clock,
		channels: map[string]*quizChannel{}, nudge: make(chan struct{}, 1), quit: make(chan struct{})}
	d.ctx, d.cancel = context.WithCancel(context.Background())
	return d
}

// Start reads the quiz channels and catches up on missed work in the
// background, then runs the schedules.
func (d *DailyScheduler) Start() {
	d.startMu.Lock()
	defer d.startMu.Unlock()
	if d.started || d.stopped {
		return
	}
	d.started = true
	d.wg.Go(d.run)
}

// Stop stops the schedules and waits (bounded by ctx) for a running job.
func (d *DailyScheduler) Stop(ctx context.Context) error {
	d.startMu.Lock()
	if !d.stopped {
		close(d.quit)
	}
	d.stopped = true
	d.startMu.Unlock()
	done := make(chan struct{})
	go func() {
		d.wg.Wait()
		close(done)
	}()
	defer d.cancel()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("stop question of the day: %w", ctx.Err())
	}
}

// run is the scheduler's loop: it sleeps until the next post, close,
// retry or refresh is due (or the channels change), then does what is due.
func (d *DailyScheduler) run() {
	if err := d.refresh(d.ctx, true); err != nil {
		d.lg.Error("bot.DailyScheduler read quiz channels", "err", err)
	}
	d.chMu.RLock()
	n := len(d.channels)
	d.chMu.RUnlock()
	d.lg.Info("bot.DailyScheduler started", "channels", n, "refresh_every", d.opts.RefreshEvery.String())
	now := d.clock.Now()
	nextRefresh, nextRetry := now.Add(d.opts.RefreshEvery), now.Add(d.opts.RetryEvery)
	for {
		d.catchUpBehind(d.ctx)
		select {
		case <-d.quit:
			return
		case <-d.nudge:
			continue
		case <-d.wakeAt(earliest(nextRefresh, nextRetry)):
		}
		now = d.clock.Now()
		d.fire(now)
		if !now.Before(nextRetry) {
			d.retryCloses()
			nextRetry = now.Add(d.opts.RetryEvery)
		}
		if !now.Before(nextRefresh) {
			if err := d.refresh(d.ctx, true); err != nil {
				d.lg.Warn("bot.DailyScheduler read quiz channels", "err", err)
			}
			nextRefresh = now.Add(d.opts.RefreshEvery)
		}
	}
}

func earliest(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

// wakeAt returns a channel that fires at the earliest of limit and the
// channels' next firings. It reads the channels and drains the nudge
// under one lock, so a change made after the read nudges the loop again.
func (d *DailyScheduler) wakeAt(limit time.Time) <-chan time.Time {
	d.chMu.RLock()
	defer d.chMu.RUnlock()
	select {
	case <-d.nudge:
	default:
	}
	for _, c := range d.channels {
		if n := c.next(); !n.IsZero() && n.Before(limit) {
			limit = n
		}
	}
	return d.clock.WakeAt(limit)
}

// fire runs every post and close due at now, and plans each channel's next.
func (d *DailyScheduler) fire(now time.Time) {
	type job struct {
		c     *quizChannel
		close bool
	}
	var due []job
	d.chMu.Lock()
	for _, c := range d.channels {
		if !c.nextClose.IsZero() && !c.nextClose.After(now) {
			due = append(due, job{c, true})
			c.nextClose = c.close.Next(now.In(c.loc))
		}
		if !c.nextPost.IsZero() && !c.nextPost.After(now) {
			due = append(due, job{c, false})
			c.nextPost = c.post.Next(now.In(c.loc))
		}
	}
	d.chMu.Unlock()
	for _, j := range due {
		if j.close {
			d.closeJob(j.c)
		} else {
			d.postJob(j.c, now)
		}
	}
}

// Refresh reads the quiz channels again now (after an admin changed
// them): a new or changed channel is scheduled, and caught up by the
// scheduler's loop, off the caller's request; a removed one stops.
func (d *DailyScheduler) Refresh(ctx context.Context) error {
	return d.refresh(ctx, false)
}

// catchUpBehind catches up the channels not caught up yet.
func (d *DailyScheduler) catchUpBehind(ctx context.Context) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.catchUpBehindLocked(ctx, d.clock.Now())
}

func (d *DailyScheduler) catchUpBehindLocked(ctx context.Context, now time.Time) {
	var behind []*quizChannel
	d.chMu.Lock()
	for _, c := range d.channels {
		if !c.caughtUp {
			c.caughtUp = true
			behind = append(behind, c)
		}
	}
	d.chMu.Unlock()
	for _, c := range behind {
		d.catchUpLocked(ctx, c, now)
	}
}

// refresh applies the quiz channels as stored: channels whose settings
// changed are replaced, removed ones dropped, and with catchUp every
// channel not yet caught up is. A channel whose settings do not parse is
// skipped with an error logged.
func (d *DailyScheduler) refresh(ctx context.Context, catchUp bool) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	cs, err := d.q.QuizChannels(ctx)
	if err != nil {
		return err
	}
	now := d.clock.Now()
	seen := map[string]bool{}
	d.chMu.Lock()
	d.loaded = true
	for _, c := range cs {
		seen[c.ID] = true
		if old, ok := d.channels[c.ID]; ok && old.Same(c) {
			continue // who set it or its name changed: the schedule did not
		}
		qc, err := newQuizChannel(c)
		if err != nil {
			d.lg.Error("bot.DailyScheduler quiz channel skipped", "channel", c.ID, "err", err)
			continue
		}
		qc.plan(now)
		d.channels[c.ID] = qc
		d.lg.Info("bot.DailyScheduler channel scheduled", "channel", c.ID, "post", c.Post, "close", c.Close,
			"tz", qc.loc.String(), "exam_date", c.ExamDate, "default", c.Default)
	}
	for id := range d.channels {
		if !seen[id] {
			delete(d.channels, id)
			d.lg.Info("bot.DailyScheduler channel removed", "channel", id)
		}
	}
	d.chMu.Unlock()
	select {
	case d.nudge <- struct{}{}:
	default:
	}
	if catchUp {
		d.catchUpBehindLocked(ctx, now)
	}
	return nil
}

// catchUpLocked finishes closes whose answer is not out, closes c's rounds
// whose close time passed, and posts c's latest slot of today if it was
// not posted and came after c was set.
func (d *DailyScheduler) catchUpLocked(ctx context.Context, c *quizChannel, now time.Time) {
	ctx, cancel := context.WithTimeout(ctx, d.opts.JobTimeout)
	defer cancel()
	now = now.In(c.loc)
	if _, err := d.finishPendingLocked(ctx, c.ID); err != nil {
		d.lg.Error("bot.DailyScheduler catch up answers", "channel", c.ID, "err", err)
	}
	if c.close != nil {
		if err := d.closeOverdueLocked(ctx, c, now); err != nil {
			d.lg.Error("bot.DailyScheduler catch up close", "channel", c.ID, "err", err)
		}
	}
	if c.post == nil {
		return
	}
	if slot, ok := lastSlotToday(c.post, now, c.loc); ok && !slot.Before(c.At) {
		id := d.roundID(c.ID, slot.Format(time.RFC3339))
		if err := d.postSlotLocked(ctx, c, slot, id); err != nil {
			d.lg.Error("bot.DailyScheduler catch up post", "channel", c.ID, "slot", id, "err", err)
		}
	}
}

func (d *DailyScheduler) postJob(c *quizChannel, now time.Time) {
	ctx, cancel := context.WithTimeout(d.ctx, d.opts.JobTimeout)
	defer cancel()
	now = now.In(c.loc)
	slot, ok := lastSlotToday(c.post, now, c.loc)
	if !ok {
		slot = now.Truncate(time.Second)
	}
	id := d.roundID(c.ID, slot.Format(time.RFC3339))
	if err := d.postSlot(ctx, c, slot, id); err != nil {
		d.lg.Error("bot.DailyScheduler post", "channel", c.ID, "slot", id, "err", err)
	}
}

func (d *DailyScheduler) closeJob(c *quizChannel) {
	ctx, cancel := context.WithTimeout(d.ctx, d.opts.JobTimeout)
	defer cancel()
	if _, err := d.closeAll(ctx, c.ID, ""); err != nil {
		d.lg.Error("bot.DailyScheduler close", "channel", c.ID, "err", err)
	}
}

// adminStartBy is how soon an admin's `quiz post` or `quiz close` must
// reach Slack: held longer by a rate limit, it is dropped with a reply
// rather than run late (after a newer post, say).
const adminStartBy = 3 * time.Second

// Post posts a new question of the day now (`quiz post`) in the quiz
// channel channel (or the only one), closing its open one. An error wraps
// ErrNotQuizChannel when channel is none of several quiz channels.
func (d *DailyScheduler) Post(ctx context.Context, channel string) error {
	c, err := d.channelFor(ctx, channel)
	if err != nil {
		return err
	}
	ctx = WithStartBy(ctx, time.Now().Add(adminStartBy))
	now := d.clock.Now().In(c.loc)
	return d.postSlot(ctx, c, now, d.roundID(c.ID, "manual-"+now.Format(time.RFC3339Nano)))
}

// Close closes the open questions of the day of the quiz channel channel
// (or the only one) now (`quiz close`) and posts their answers in their
// threads. It returns ErrNoOpenRound when none is open.
func (d *DailyScheduler) Close(ctx context.Context, channel string) error {
	c, err := d.channelFor(ctx, channel)
	if err != nil {
		return err
	}
	ctx = WithStartBy(ctx, time.Now().Add(adminStartBy))
	d.mu.Lock()
	defer d.mu.Unlock()
	finished, perr := d.finishPendingLocked(ctx, c.ID)
	n, err := d.closeAllLocked(ctx, c.ID, "")
	if err = errors.Join(perr, err); err != nil {
		return err
	}
	if n+finished == 0 {
		return ErrNoOpenRound
	}
	return nil
}

func (d *DailyScheduler) postSlot(ctx context.Context, c *quizChannel, at time.Time, id string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.postSlotLocked(ctx, c, at, id)
}

// postSlotLocked opens round id and posts it in c unless it has a message.
func (d *DailyScheduler) postSlotLocked(ctx context.Context, c *quizChannel, at time.Time, id string) error {
	rd, err := d.q.OpenRound(ctx, id, at)
	if err != nil {
		return fmt.Errorf("open round %s: %w", id, err)
	}
	if rd.MessageTS != "" {
		d.lg.Debug("bot.DailyScheduler already posted", "slot", id)
		return nil
	}
	days, examSet := c.daysToExam(d.clock.Now())
	rd.OpenedAt = rd.OpenedAt.In(c.loc)
	// Claim the round before posting: the claim records the intent (a
	// process that dies after Slack took the post but before its timestamp
	// is stored leaves the round marked unknown, and no restart posts the
	// slot a second time), and of replicas firing the same slot on one
	// database only the one that claims it posts.
	claimed, err := d.q.ClaimRoundMessage(ctx, rd.ID, c.ID, unknownTS)
	if err != nil {
		return fmt.Errorf("record round %s intent: %w", id, err)
	}
	if !claimed {
		d.lg.Debug("bot.DailyScheduler posted by another", "slot", id)
		return nil
	}
	ts, err := d.slack.Post(ctx, c.ID, "", RenderDaily(rd, 0, days, examSet))
	if err != nil && !errors.Is(err, ErrMaybeDone) {
		// Slack did not post it: clear the mark so the next try posts it.
		if serr := d.q.SetRoundMessage(ctx, rd.ID, c.ID, ""); serr != nil {
			err = errors.Join(err, serr)
		}
	}
	if err != nil {
		return fmt.Errorf("post round %s: %w", id, err)
	}
	if err := d.q.SetRoundMessage(ctx, rd.ID, c.ID, ts); err != nil {
		return fmt.Errorf("record round %s message: %w", id, err)
	}
	d.m.QuestionPosted()
	d.lg.Info("bot.DailyScheduler posted", "slot", id, "question", rd.Question.ID, "channel", c.ID, "ts", ts)
	// Only now that the new question is out does the previous one close: a
	// post Slack refuses leaves the current question open.
	if _, err := d.closeAllLocked(ctx, c.ID, rd.ID); err != nil {
		d.lg.Error("bot.DailyScheduler close previous", "channel", c.ID, "err", err)
	}
	return nil
}
