package bot

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
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

// CronParser parses the schedules: five fields or a descriptor such as
// "@every 5s" (the parser robfig/cron uses by default).
var cronParser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

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

// parseSchedule parses a cron spec; "" gives nil. "@every D" becomes
// everySchedule, aligned on the start of the day so that its slots do not
// depend on when the process started.
func parseSchedule(spec string, loc *time.Location) (cron.Schedule, error) {
	if spec == "" {
		return nil, nil
	}
	s, err := cronParser.Parse(spec)
	if err != nil {
		return nil, fmt.Errorf("parse %q: %w", spec, err)
	}
	if cd, ok := s.(cron.ConstantDelaySchedule); ok {
		return everySchedule{every: cd.Delay, loc: loc}, nil
	}
	return s, nil
}

// everySchedule fires every `every` from midnight (in loc) and at every
// midnight.
type everySchedule struct {
	every time.Duration
	loc   *time.Location
}

// Next returns the first slot after t.
func (e everySchedule) Next(t time.Time) time.Time {
	t = t.In(e.loc)
	sod := startOfDay(t)
	n := sod.Add((t.Sub(sod)/e.every + 1) * e.every)
	y, m, dd := sod.Date()
	if next := time.Date(y, m, dd+1, 0, 0, 0, 0, e.loc); !n.Before(next) {
		return next
	}
	return n
}

// prev returns the latest slot at or before t.
func (e everySchedule) prev(t time.Time) time.Time {
	t = t.In(e.loc)
	sod := startOfDay(t)
	return sod.Add(t.Sub(sod) / e.every * e.every)
}

func startOfDay(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, t.Location())
}

// lastSlotToday returns the latest firing of s at or before now that falls on
// now's day (in loc), found by walking s.Next from the start of the day.
func lastSlotToday(s cron.Schedule, now time.Time, loc *time.Location) (time.Time, bool) {
	now = now.In(loc)
	sod := startOfDay(now)
	if e, ok := s.(everySchedule); ok {
		return e.prev(now), true // the start of the day is always a slot
	}
	var last time.Time
	found := false
	// Next is strictly after its argument: start just before midnight so a
	// slot at 00:00 counts. The bound covers a firing every second.
	t := s.Next(sod.Add(-time.Second))
	for i := 0; i < 90000 && !t.IsZero() && !t.After(now); i++ {
		if startOfDay(t).Equal(sod) {
			last, found = t, true
		}
		t = s.Next(t)
	}
	return last, found
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

// closeOverdue closes the open rounds whose close time is past.
func (d *DailyScheduler) closeOverdue(ctx context.Context, now time.Time) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	rounds, err := d.q.OpenRounds(ctx)
	if err != nil {
		return fmt.Errorf("open rounds: %w", err)
	}
	var errs []error
	for _, rd := range rounds {
		// Spec schedules run in the zone of the time they are given.
		if due := d.close.Next(rd.OpenedAt.In(d.opts.Location)); due.After(now) {
			continue
		}
		if _, err := d.closeOne(ctx, rd); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func (d *DailyScheduler) closeAll(ctx context.Context, except string) (int, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.closeAllLocked(ctx, except)
}

// closeAllLocked closes every open round but except; it returns how many it
// closed.
func (d *DailyScheduler) closeAllLocked(ctx context.Context, except string) (int, error) {
	rounds, err := d.q.OpenRounds(ctx)
	if err != nil {
		return 0, fmt.Errorf("open rounds: %w", err)
	}
	n := 0
	var errs []error
	for _, rd := range rounds {
		if rd.ID == except {
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
	channel := cmp.Or(rd.Channel, d.opts.Channel)
	if rd.MessageTS != unknownTS {
		closed := sum.Round
		if closed.ID == "" {
			closed = rd
		}
		closed.OpenedAt = closed.OpenedAt.In(d.opts.Location)
		days, examSet := d.q.DaysToExam()
		if err := d.slack.Update(ctx, channel, rd.MessageTS, RenderDaily(closed, sum.Answered, days, examSet)); err != nil {
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

// finishPending finishes the closes whose answer is not out; it returns
// how many it finished.
func (d *DailyScheduler) finishPending(ctx context.Context) (int, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	ids, err := d.opts.CloseLog.PendingCloses(ctx)
	if err != nil {
		return 0, fmt.Errorf("pending closes: %w", err)
	}
	n := 0
	var errs []error
	for _, id := range ids {
		rd, err := d.q.Round(ctx, id)
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

// retryCloses retries pending closes every RetryEvery until Stop.
func (d *DailyScheduler) retryCloses() {
	t := time.NewTicker(d.opts.RetryEvery)
	defer t.Stop()
	for {
		select {
		case <-d.quit:
			return
		case <-t.C:
		}
		ctx, cancel := context.WithTimeout(d.ctx, d.opts.JobTimeout)
		if n, err := d.finishPending(ctx); err != nil {
			d.lg.Warn("bot.DailyScheduler retry close", "err", err)
		} else if n > 0 {
			d.lg.Info("bot.DailyScheduler answers posted on retry", "rounds", n)
		}
		cancel()
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

// cronLogger sends robfig/cron's logs to slog: its routine messages at
// debug level, its errors (including recovered panics) at error level.
type cronLogger struct{ lg *slog.Logger }

func (c cronLogger) Info(msg string, kv ...any) {
	c.lg.Debug("bot.DailyScheduler cron "+msg, kv...)
}

func (c cronLogger) Error(err error, msg string, kv ...any) {
	c.lg.Error("bot.DailyScheduler cron "+msg, append(kv, "err", err)...)
}
