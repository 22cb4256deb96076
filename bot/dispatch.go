package bot

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/devopsbot/devopsbot/index"
	"github.com/devopsbot/devopsbot/quiz"
)

// Dispatcher is what the Slack transports (HTTP and Socket Mode) share: it
// turns slash commands, Events API events and block_actions clicks into
// router calls and delivers the replies through the Web API. It also keeps
// the event IDs already seen (Slack retries deliveries) and tracks the work
// that outlives a request, so shutdown can wait for it.
type Dispatcher struct {
	lg     *slog.Logger
	r      *Router
	slack  *Slack
	m      *Metrics
	clicks *clicker
	seen   *seenSet
	events EventLog // nil: event IDs in memory only
	bg     *tracker

	// TaskTimeout bounds background work for one request (an event, a
	// click, a late slash command reply).
	taskTimeout time.Duration
}

// NewDispatcher returns a Dispatcher over the router and the Web API client.
// m may be nil.
func NewDispatcher(lg *slog.Logger, r *Router, s *Slack, m *Metrics) *Dispatcher {
	if lg == nil {
		lg = slog.New(slog.DiscardHandler)
	}
	return &Dispatcher{
		lg:          lg,
		r:           r,
		slack:       s,
		m:           m,
		clicks:      newClicker(lg, r, s),
		seen:        newSeenSet(eventTTL),
		bg:          newTracker(),
		taskTimeout: 30 * time.Second,
	}
}

// Wait stops taking background work and waits, bounded by ctx, for the
// work already started; when ctx ends first, that work's context is
// cancelled.
func (d *Dispatcher) Wait(ctx context.Context) error {
	if err := d.bg.close(ctx); err != nil {
		return fmt.Errorf("wait for background work: %w", err)
	}
	return nil
}

// goBackground runs f in the background with a context bounded by the task
// timeout; false when shutting down.
func (d *Dispatcher) goBackground(f func(ctx context.Context)) bool {
	return d.bg.goCtx(func(ctx context.Context) {
		ctx, cancel := context.WithTimeout(ctx, d.taskTimeout)
		defer cancel()
		f(ctx)
	})
}

// commandName is the metrics and log label of a /devops command text.
func commandName(text string) string {
	sub, rest := splitWord(stripMentions(text))
	sub = strings.ToLower(sub)
	switch sub {
	case "":
		return CommandHelp
	case "quiz":
		switch w, _ := splitWord(rest); strings.ToLower(w) {
		case "post":
			return CommandQuizPost
		case "close":
			return CommandQuizClose
		}
		return CommandQuiz
	case "-h", "--help":
		return CommandHelp
	}
	if isSubcommand(sub) {
		return sub
	}
	return CommandLookup
}

// outcomeKey carries the outcome recorder of one router call.
type outcomeKey struct{}

// withOutcome returns ctx with a recorder for the outcome of the router
// call made with it; the pointer holds OutcomeOK until setOutcome changes it.
func withOutcome(ctx context.Context) (context.Context, *string) {
	o := new(string)
	*o = OutcomeOK
	return context.WithValue(ctx, outcomeKey{}, o), o
}

// setOutcome notes how the command running with ctx ended (one of the
// Outcome* constants: no_result, invalid, denied, error) for the transports'
// log lines and metrics. Without a recorder in ctx it does nothing, so the
// router may call it whatever drives it.
func setOutcome(ctx context.Context, outcome string) {
	if o, ok := ctx.Value(outcomeKey{}).(*string); ok {
		*o = outcome
	}
}

// failOutcome classifies an error the router turns into user text: bad
// input (an empty query, a malformed question, a choice or question that no
// longer exists) is invalid, anything else an error.
func failOutcome(err error) string {
	for _, e := range []error{index.ErrEmptyQuery, index.ErrQuestionTooLong, index.ErrNoScenario,
		index.ErrDuplicateOption, index.ErrTooManyOptions, index.ErrEmptyOption,
		quiz.ErrBadChoice, quiz.ErrNotFound, quiz.ErrBadPeriod, quiz.ErrNoUser} {
		if errors.Is(err, e) {
			return OutcomeInvalid
		}
	}
	return OutcomeError
}

// reqInfo collects what a request's log line reports.
type reqInfo struct {
	command string
	outcome string
}

// command runs a slash command through the router, logging it and counting
// it in the metrics.
// Over HTTP the request's own log line carries the outcome, so this line
// is at debug level there.
func (d *Dispatcher) command(ctx context.Context, cmd slack.SlashCommand, transport string) (Response, string) {
	start := time.Now()
	name := commandName(cmd.Text)
	rctx, o := withOutcome(ctx)
	resp := d.r.Command(rctx, Request{User: cmd.UserID, UserName: cmd.UserName, Channel: cmd.ChannelID, Text: cmd.Text})
	outcome := *o
	if ctx.Err() != nil {
		outcome = OutcomeError
	}
	d.m.Command(name, outcome)
	lvl := slog.LevelInfo
	if transport == "http" {
		lvl = slog.LevelDebug
	}
	d.lg.Log(ctx, lvl, "bot.Dispatcher command", "transport", transport, "command", name, "outcome", outcome,
		"latency_ms", msSince(start))
	return resp, outcome
}

// commandWithin runs a slash command in the background and waits up to
// wait for it. When it is done in time, inline is true and resp is the
// answer to put in the acknowledgement. Otherwise the answer is delivered
// through the response_url when it is ready, and resp is a short "working on
// it" note to acknowledge with. ok is false when shutting down.
func (d *Dispatcher) commandWithin(cmd slack.SlashCommand, wait time.Duration, transport string) (resp Response, outcome string, inline, ok bool) {
	var (
		mu   sync.Mutex
		late bool
		out  Response
		outc string
		done = make(chan struct{})
	)
	ok = d.goBackground(func(ctx context.Context) {
		resp, outcome := d.command(ctx, cmd, transport)
		mu.Lock()
		if !late {
			out, outc = resp, outcome
			mu.Unlock()
			close(done)
			return
		}
		mu.Unlock()
		d.respondLater(ctx, cmd, resp)
	})
	if !ok {
		return Response{}, "", false, false
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-done:
		return out, outc, true, true
	case <-t.C:
	}
	mu.Lock()
	defer mu.Unlock()
	select {
	case <-done:
		return out, outc, true, true
	default:
		late = true
		return Response{Text: "Working on it…", Ephemeral: true}, "late", false, true
	}
}

// respondLater delivers a slash command answer through its response_url.
func (d *Dispatcher) respondLater(ctx context.Context, cmd slack.SlashCommand, resp Response) {
	if cmd.ResponseURL == "" {
		d.lg.Warn("bot.Dispatcher late command reply dropped: no response_url", "command", commandName(cmd.Text))
		return
	}
	mode := respondEphemeral
	if !resp.Ephemeral {
		mode = respondInChannel
	}
	if err := d.slack.Respond(ctx, cmd.ResponseURL, resp, mode); err != nil {
		d.lg.Error("bot.Dispatcher late command reply", "command", commandName(cmd.Text), "err", err)
	}
}

func msSince(t time.Time) float64 {
	return float64(time.Since(t).Microseconds()) / 1000
}

// eventEnvelope is the outer Events API envelope (over HTTP it is the
// request body; in Socket Mode the envelope's payload).
type eventEnvelope struct {
	Type      string          `json:"type"`
	Challenge string          `json:"challenge"`
	EventID   string          `json:"event_id"`
	Event     json.RawMessage `json:"event"`
}

// innerEvent holds the fields of app_mention and message events the bot
// uses.
type innerEvent struct {
	Type        string `json:"type"`
	SubType     string `json:"subtype"`
	User        string `json:"user"`
	BotID       string `json:"bot_id"`
	Text        string `json:"text"`
	TS          string `json:"ts"`
	ThreadTS    string `json:"thread_ts"`
	Channel     string `json:"channel"`
	ChannelType string `json:"channel_type"`
}

// EventLog remembers handled Slack event IDs across restarts; the embedded
// store implements it. FirstDelivery records id and reports whether it was
// not seen within ttl before now.
type EventLog interface {
	FirstDelivery(ctx context.Context, id string, now time.Time, ttl time.Duration) (bool, error)
}

// eventTTL is how long an event ID is remembered: Slack retries a delivery
// within minutes.
const eventTTL = time.Hour

// SetEventLog makes event de-duplication survive restarts. Without one, the
// IDs are remembered in memory only.
func (d *Dispatcher) SetEventLog(l EventLog) { d.events = l }

// firstDelivery reports whether an event ID has not been seen before
// (within an hour): Slack retries a delivery it thinks failed with the same
// event_id, whatever X-Slack-Retry-Num says. An empty ID is always new. The
// event log, when set, also catches a retry that arrives after a restart;
// when it cannot be written, the in-memory answer stands.
func (d *Dispatcher) firstDelivery(ctx context.Context, eventID string) bool {
	if eventID == "" {
		return true
	}
	now := time.Now()
	if !d.seen.add(eventID, now) {
		return false
	}
	if d.events == nil {
		return true
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
	defer cancel()
	first, err := d.events.FirstDelivery(ctx, eventID, now, eventTTL)
	if err != nil {
		d.lg.Warn("bot.Dispatcher event log", "err", err)
		return true
	}
	return first
}

// event answers an app_mention or a direct message in a thread; other
// events, edits and the bot's own messages are ignored.
func (d *Dispatcher) event(ctx context.Context, transport string, raw json.RawMessage) {
	var ev innerEvent
	if err := json.Unmarshal(raw, &ev); err != nil {
		d.lg.Warn("bot.Dispatcher bad event", "transport", transport, "err", err)
		return
	}
	name := CommandMention
	switch ev.Type {
	case "app_mention":
	case "message":
		if ev.ChannelType != "im" || ev.SubType != "" {
			return
		}
		name = CommandDM
	default:
		d.lg.Debug("bot.Dispatcher ignored event", "transport", transport, "type", ev.Type)
		return
	}
	if ev.BotID != "" || d.slack.isSelf(ev.User, ev.BotID) || ev.User == "" {
		return
	}
	start := time.Now()
	rctx, o := withOutcome(ctx)
	resp := d.r.Mention(rctx, Request{User: ev.User, Channel: ev.Channel, Text: ev.Text})
	thread := cmp.Or(ev.ThreadTS, ev.TS)
	var err error
	if resp.Ephemeral {
		err = d.slack.PostEphemeral(ctx, ev.Channel, ev.User, thread, resp)
	} else {
		_, err = d.slack.Post(ctx, ev.Channel, thread, resp)
	}
	outcome := *o
	if err != nil {
		outcome = OutcomeError
		d.lg.Error("bot.Dispatcher reply to event", "transport", transport, "type", ev.Type, "err", err)
	}
	d.m.Command(name, outcome)
	d.lg.Info("bot.Dispatcher event", "transport", transport, "command", name, "outcome", outcome,
		"latency_ms", msSince(start))
}

// interaction handles a block_actions payload: each action is one click.
func (d *Dispatcher) interaction(ctx context.Context, transport string, cb slack.InteractionCallback) {
	if cb.Type != slack.InteractionTypeBlockActions {
		d.lg.Debug("bot.Dispatcher ignored interaction", "transport", transport, "type", string(cb.Type))
		return
	}
	if len(cb.ActionCallback.BlockActions) == 0 {
		d.lg.Warn("bot.Dispatcher block_actions without actions", "transport", transport)
	}
	for _, ba := range cb.ActionCallback.BlockActions {
		if ba == nil {
			continue
		}
		start := time.Now()
		k := click{
			Action: Action{
				User:      cb.User.ID,
				UserName:  cmp.Or(cb.User.Name, cb.User.Username),
				Channel:   cmp.Or(cb.Container.ChannelID, cb.Channel.ID),
				MessageTS: cmp.Or(cb.Container.MessageTs, cb.Message.Timestamp),
				ThreadTS:  cmp.Or(cb.Container.ThreadTs, cb.Message.ThreadTimestamp),
				ActionID:  ba.ActionID,
				Value:     ba.Value,
			},
			ResponseURL: cb.ResponseURL,
			Ephemeral:   cb.Container.IsEphemeral,
		}
		name := actionCommand(ba.ActionID)
		rctx, o := withOutcome(ctx)
		err := d.clicks.handle(rctx, k)
		outcome := *o
		if err != nil {
			outcome = OutcomeError
		}
		d.m.Command(name, outcome)
		d.lg.Info("bot.Dispatcher click", "transport", transport, "command", name, "action_id", actionBase(ba.ActionID),
			"outcome", outcome, "latency_ms", msSince(start))
	}
}

// actionCommand is the metrics label of a click.
func actionCommand(actionID string) string {
	switch actionBase(actionID) {
	case ActionAnswerDaily, ActionAnswerPractice:
		return CommandAnswer
	case ActionShare:
		return CommandShare
	case ActionQuizMe, ActionPracticeNext:
		return CommandQuiz
	}
	return CommandLookup
}

// slashReply is a slash command answer: the HTTP response body, the Socket
// Mode ack payload or a response_url message.
// Blocks are encoded as a plain []slack.Block: the same JSON as
// slack.Blocks gives, at half the cost (no per-block re-encoding).
type slashReply struct {
	ResponseType string        `json:"response_type"`
	Text         string        `json:"text"`
	Blocks       []slack.Block `json:"blocks,omitempty"`
}

func newSlashReply(r Response) slashReply {
	t := slack.ResponseTypeInChannel
	if r.Ephemeral {
		t = slack.ResponseTypeEphemeral
	}
	return slashReply{ResponseType: t, Text: r.Text, Blocks: r.Blocks}
}

// seenSet remembers keys for ttl.
type seenSet struct {
	ttl time.Duration
	mu  sync.Mutex
	m   map[string]time.Time
	n   int
}

func newSeenSet(ttl time.Duration) *seenSet {
	return &seenSet{ttl: ttl, m: map[string]time.Time{}}
}

// add records key and reports whether it was new.
func (s *seenSet) add(key string, now time.Time) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t, ok := s.m[key]; ok && now.Sub(t) < s.ttl {
		return false
	}
	s.m[key] = now
	if s.n++; s.n%1024 == 0 {
		for k, t := range s.m {
			if now.Sub(t) >= s.ttl {
				delete(s.m, k)
			}
		}
	}
	return true
}

// forget drops key, so add reports it as new again.
func (s *seenSet) forget(key string) {
	s.mu.Lock()
	delete(s.m, key)
	s.mu.Unlock()
}

// tracker runs background work that shutdown waits for.
type tracker struct {
	ctx    context.Context
	cancel context.CancelFunc
	mu     sync.Mutex
	closed bool
	wg     sync.WaitGroup
}

func newTracker() *tracker {
	ctx, cancel := context.WithCancel(context.Background())
	return &tracker{ctx: ctx, cancel: cancel}
}

// open reports whether the tracker still takes work.
func (t *tracker) open() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return !t.closed
}

// goCtx runs f in a goroutine; false (and f not run) after close.
func (t *tracker) goCtx(f func(ctx context.Context)) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return false
	}
	t.wg.Go(func() { f(t.ctx) })
	return true
}

// close refuses new work and waits for the running work until ctx ends,
// then cancels it.
func (t *tracker) close(ctx context.Context) error {
	t.mu.Lock()
	t.closed = true
	t.mu.Unlock()
	done := make(chan struct{})
	go func() {
		t.wg.Wait()
		close(done)
	}()
	defer t.cancel()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return errors.Join(ctx.Err(), errors.New("background work still running"))
	}
}

// click is one button click with what a transport knows about where it
// happened.
type click struct {
	Action
	ResponseURL string
	Ephemeral   bool // the clicked message is ephemeral (only response_url can change it)
}

// clicker runs clicks through the router and delivers their results: the
// private reply through the response_url (or chat.postEphemeral), the public
// post with chat.postMessage (or the response_url when the bot is not in the
// channel) and the update with chat.update (or the response_url for an
// ephemeral message). Clicks on one message are handled in order and its
// updates are coalesced, so a slower older update never overwrites a newer
// one (e.g. the answer count of the question of the day).
type clicker struct {
	lg    *slog.Logger
	r     *Router
	slack *Slack

	mu    sync.Mutex
	locks map[string]*msgLock
}

type msgLock struct {
	mu   sync.Mutex
	refs int
}

func newClicker(lg *slog.Logger, r *Router, s *Slack) *clicker {
	return &clicker{lg: lg, r: r, slack: s, locks: map[string]*msgLock{}}
}

func (c *clicker) lock(key string) func() {
	c.mu.Lock()
	l := c.locks[key]
	if l == nil {
		l = &msgLock{}
		c.locks[key] = l
	}
	l.refs++
	c.mu.Unlock()
	l.mu.Lock()
	return func() {
		l.mu.Unlock()
		c.mu.Lock()
		l.refs--
		if l.refs == 0 {
			delete(c.locks, key)
		}
		c.mu.Unlock()
	}
}

// handle runs one click and delivers its result; it returns the first
// delivery error (the others are logged).
func (c *clicker) handle(ctx context.Context, k click) error {
	var res ActionResult
	sendUpdate := func(context.Context) error { return nil }
	if k.MessageTS != "" && !k.Ephemeral {
		key := k.Channel + "/" + k.MessageTS
		unlock := c.lock(key)
		res = c.r.Action(ctx, k.Action)
		if res.Update != nil {
			sendUpdate = c.slack.updates.push(key, *res.Update, func(ctx context.Context, r Response) error {
				return c.slack.Update(ctx, k.Channel, k.MessageTS, r)
			})
		}
		unlock()
	} else {
		res = c.r.Action(ctx, k.Action)
		if res.Update != nil && k.ResponseURL != "" {
			upd := *res.Update
			sendUpdate = func(ctx context.Context) error {
				return c.slack.Respond(ctx, k.ResponseURL, upd, respondReplace)
			}
		}
	}
	var errs []error
	if res.Reply != nil {
		if err := c.reply(ctx, k, *res.Reply); err != nil {
			errs = append(errs, err)
		}
	}
	if res.Post != nil {
		if err := c.post(ctx, k, *res.Post); err != nil {
			errs = append(errs, err)
			// The update describes the posted message (a shared reply):
			// keep the clicked message as it is, its button working.
			if k.MessageTS == "" || k.Ephemeral {
				sendUpdate = func(context.Context) error { return nil }
			}
			c.r.forgetShare(res.shareKey)
		}
	}
	if err := sendUpdate(ctx); err != nil {
		errs = append(errs, err)
	}
	for _, err := range errs {
		c.lg.Error("bot.clicker deliver", "action_id", k.ActionID, "err", err)
	}
	return errors.Join(errs...)
}

func (c *clicker) reply(ctx context.Context, k click, r Response) error {
	if k.ResponseURL != "" {
		return c.slack.Respond(ctx, k.ResponseURL, r, respondEphemeral)
	}
	return c.slack.PostEphemeral(ctx, k.Channel, k.User, k.ThreadTS, r)
}

func (c *clicker) post(ctx context.Context, k click, r Response) error {
	_, err := c.slack.Post(ctx, k.Channel, "", r)
	if err == nil {
		return nil
	}
	switch slackErrorCode(err) {
	case "not_in_channel", "channel_not_found", "is_archived":
		if k.ResponseURL != "" {
			return c.slack.Respond(ctx, k.ResponseURL, r, respondInChannel)
		}
	}
	return err
}
