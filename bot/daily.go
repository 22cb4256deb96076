package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

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
	OpenRound(ctx context.Context, slot string, at time.Time) (quiz.Round, error)
	SetRoundMessage(ctx context.Context, roundID, channel, ts string) error
	ClaimRoundMessage(ctx context.Context, roundID, channel, mark string) (bool, error)
	OpenRounds(ctx context.Context) ([]quiz.Round, error)
	CloseRound(ctx context.Context, roundID string) (quiz.Summary, error)
	DaysToExam() (int, bool)
	Round(ctx context.Context, roundID string) (quiz.Round, error)
}

var _ DailyQuiz = (*quiz.Engine)(nil)

// dailyPoster is what the scheduler needs from Slack; *Slack implements it.
type dailyPoster interface {
	Post(ctx context.Context, channel, threadTS string, r Response) (string, error)
	Update(ctx context.Context, channel, ts string, r Response) error
}

// DailyOptions configure the question of the day.
type DailyOptions struct {
	Channel  string         // where questions are posted
	Schedule string         // cron spec of the posts; "" posts only on `quiz post`
	Close    string         // cron spec of the closes; "" closes only on the next post or `quiz close`
	Location *time.Location // schedules and days; nil means UTC
	Now      func() time.Time
	// JobTimeout bounds one firing's work (Slack calls included); 0 means 1 minute.
	JobTimeout time.Duration
	// CloseLog keeps how far each close got (the store implements it);
	// nil keeps it in memory.
	CloseLog CloseLog
	// RetryEvery is how often a close whose answer did not go out is
	// retried; 0 means 30 s.
	RetryEvery time.Duration
}

// DailyScheduler posts the question of the day on a cron schedule and closes
// it. Each firing of the schedule is a slot whose ID is the scheduled time
// (RFC 3339 in the configured zone): quiz.Engine.OpenRound is idempotent per
// slot and the scheduler posts only a round without a message yet, so a slot
// is posted once across restarts. A new question first closes the open ones.
// At start it catches up what was missed while the bot was down: rounds
// whose close time has passed are closed, and today's latest slot is posted
// if it was not. It implements Daily for `quiz post` and `quiz close`.
type DailyScheduler struct {
	lg    *slog.Logger
	q     DailyQuiz
	slack dailyPoster
	m     *Metrics
	opts  DailyOptions

	post, close cron.Schedule // nil when not scheduled
	cron        *cron.Cron

	ctx    context.Context // jobs' context, cancelled by Stop
	cancel context.CancelFunc

	mu      sync.Mutex    // serialises posting and closing
	quit    chan struct{} // closed by Stop: the close retries end
	startMu sync.Mutex
	started bool
	stopped bool
	wg      sync.WaitGroup // the start-up catch-up
}

var _ Daily = (*DailyScheduler)(nil)

// NewDailyScheduler returns a scheduler posting to opts.Channel through s.
// It fails on an invalid cron spec.
func NewDailyScheduler(lg *slog.Logger, q DailyQuiz, s *Slack, m *Metrics, opts DailyOptions) (*DailyScheduler, error) {
	return newDailyScheduler(lg, q, s, m, opts)
}

func newDailyScheduler(lg *slog.Logger, q DailyQuiz, s dailyPoster, m *Metrics, opts DailyOptions) (*DailyScheduler, error) {
	if lg == nil {
		lg = slog.New(slog.DiscardHandler)
	}
	if opts.Location == nil {
		opts.Location = time.UTC
	}
	if opts.Now == nil {
		opts.Now = time.Now
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
	d := &DailyScheduler{lg: lg, q: q, slack: s, m: m, opts: opts, quit: make(chan struct{})}
	var err error
	if d.post, err = parseSchedule(opts.Schedule, opts.Location); err != nil {
		return nil, fmt.Errorf("quiz schedule: %w", err)
	}
	if d.close, err = parseSchedule(opts.Close, opts.Location); err != nil {
		return nil, fmt.Errorf("quiz close schedule: %w", err)
	}
	cl := cronLogger{lg}
	d.cron = cron.New(
		cron.WithLocation(opts.Location),
		cron.WithLogger(cl),
		cron.WithChain(cron.Recover(cl), cron.SkipIfStillRunning(cl)),
	)
	if d.post != nil {
		d.cron.Schedule(d.post, cron.FuncJob(d.postJob))
	}
	if d.close != nil {
		d.cron.Schedule(d.close, cron.FuncJob(d.closeJob))
	}
	d.ctx, d.cancel = context.WithCancel(context.Background())
	return d, nil
}

// slotID is the stable ID of the slot scheduled at t.
func (d *DailyScheduler) slotID(t time.Time) string {
	return t.In(d.opts.Location).Format(time.RFC3339)
}

// Start catches up on missed work in the background, then starts the cron
// schedule.
func (d *DailyScheduler) Start() {
	d.startMu.Lock()
	defer d.startMu.Unlock()
	if d.started || d.stopped {
		return
	}
	d.started = true
	d.wg.Go(d.retryCloses)
	d.wg.Go(func() {
		d.catchUp(d.ctx)
		d.startMu.Lock()
		defer d.startMu.Unlock()
		if !d.stopped {
			d.cron.Start()
			d.lg.Info("bot.DailyScheduler started", "channel", d.opts.Channel,
				"schedule", d.opts.Schedule, "close", d.opts.Close, "tz", d.opts.Location.String())
		}
	})
}

// Stop stops the schedule and waits (bounded by ctx) for a running job.
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
		<-d.cron.Stop().Done()
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

// catchUp closes rounds whose close time passed while the bot was down, and
// posts today's latest slot if it was not posted.
func (d *DailyScheduler) catchUp(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, d.opts.JobTimeout)
	defer cancel()
	now := d.opts.Now().In(d.opts.Location)
	if _, err := d.finishPending(ctx); err != nil {
		d.lg.Error("bot.DailyScheduler catch up answers", "err", err)
	}
	if d.close != nil {
		if err := d.closeOverdue(ctx, now); err != nil {
			d.lg.Error("bot.DailyScheduler catch up close", "err", err)
		}
	}
	if d.post != nil {
		if slot, ok := lastSlotToday(d.post, now, d.opts.Location); ok {
			if err := d.postSlot(ctx, slot, d.slotID(slot)); err != nil {
				d.lg.Error("bot.DailyScheduler catch up post", "slot", d.slotID(slot), "err", err)
			}
		}
	}
}

func (d *DailyScheduler) postJob() {
	ctx, cancel := context.WithTimeout(d.ctx, d.opts.JobTimeout)
	defer cancel()
	now := d.opts.Now().In(d.opts.Location)
	slot, ok := lastSlotToday(d.post, now, d.opts.Location)
	if !ok {
		slot = now.Truncate(time.Second)
	}
	if err := d.postSlot(ctx, slot, d.slotID(slot)); err != nil {
		d.lg.Error("bot.DailyScheduler post", "slot", d.slotID(slot), "err", err)
	}
}

func (d *DailyScheduler) closeJob() {
	ctx, cancel := context.WithTimeout(d.ctx, d.opts.JobTimeout)
	defer cancel()
	if _, err := d.closeAll(ctx, ""); err != nil {
		d.lg.Error("bot.DailyScheduler close", "err", err)
	}
}

// adminStartBy is how soon an admin's `quiz post` or `quiz close` must
// reach Slack: held longer by a rate limit, it is dropped with a reply
// rather than run late (after a newer post, say).
const adminStartBy = 3 * time.Second

// Post posts a new question of the day now (`quiz post`), closing the open one.
func (d *DailyScheduler) Post(ctx context.Context) error {
	ctx = WithStartBy(ctx, time.Now().Add(adminStartBy))
	now := d.opts.Now().In(d.opts.Location)
	return d.postSlot(ctx, now, "manual-"+now.Format(time.RFC3339Nano))
}

// Close closes the open questions of the day now (`quiz close`) and posts
// their answers in their threads. It returns ErrNoOpenRound when none is open.
func (d *DailyScheduler) Close(ctx context.Context) error {
	ctx = WithStartBy(ctx, time.Now().Add(adminStartBy))
	finished, perr := d.finishPending(ctx)
	n, err := d.closeAll(ctx, "")
	if err = errors.Join(perr, err); err != nil {
		return err
	}
	if n+finished == 0 {
		return ErrNoOpenRound
	}
	return nil
}

// postSlot opens the slot's round and posts it unless it has a message.
func (d *DailyScheduler) postSlot(ctx context.Context, at time.Time, slot string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	rd, err := d.q.OpenRound(ctx, slot, at)
	if err != nil {
		return fmt.Errorf("open round %s: %w", slot, err)
	}
	if rd.MessageTS != "" {
		d.lg.Debug("bot.DailyScheduler already posted", "slot", slot)
		return nil
	}
	days, examSet := d.q.DaysToExam()
	rd.OpenedAt = rd.OpenedAt.In(d.opts.Location)
	// Claim the round before posting: the claim records the intent (a
	// process that dies after Slack took the post but before its timestamp
	// is stored leaves the round marked unknown, and no restart posts the
	// slot a second time), and of replicas firing the same slot on one
	// database only the one that claims it posts.
	claimed, err := d.q.ClaimRoundMessage(ctx, rd.ID, d.opts.Channel, unknownTS)
	if err != nil {
		return fmt.Errorf("record round %s intent: %w", slot, err)
	}
	if !claimed {
		d.lg.Debug("bot.DailyScheduler posted by another", "slot", slot)
		return nil
	}
	ts, err := d.slack.Post(ctx, d.opts.Channel, "", RenderDaily(rd, 0, days, examSet))
	if err != nil && !errors.Is(err, ErrMaybeDone) {
		// Slack did not post it: clear the mark so the next try posts it.
		if serr := d.q.SetRoundMessage(ctx, rd.ID, d.opts.Channel, ""); serr != nil {
			err = errors.Join(err, serr)
		}
	}
	if err != nil {
		return fmt.Errorf("post round %s: %w", slot, err)
	}
	if err := d.q.SetRoundMessage(ctx, rd.ID, d.opts.Channel, ts); err != nil {
		return fmt.Errorf("record round %s message: %w", slot, err)
	}
	d.m.QuestionPosted()
	d.lg.Info("bot.DailyScheduler posted", "slot", slot, "question", rd.Question.ID, "channel", d.opts.Channel, "ts", ts)
	// Only now that the new question is out does the previous one close: a
	// post Slack refuses leaves the current question open.
	if _, err := d.closeAllLocked(ctx, rd.ID); err != nil {
		d.lg.Error("bot.DailyScheduler close previous", "err", err)
	}
	return nil
}
