package bot

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/slack-go/slack"
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
// m may be nil. events, when not nil, remembers handled event IDs across
// restarts (and replicas); without it they are remembered in memory only.
func NewDispatcher(lg *slog.Logger, r *Router, s *Slack, m *Metrics, events EventLog) *Dispatcher {
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
		events:      events,
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
	if d.lg.Enabled(ctx, lvl) { // else the arguments would be boxed for nothing
		d.lg.LogAttrs(ctx, lvl, "bot.Dispatcher command", slog.String("transport", transport), slog.String("command", name),
			slog.String("outcome", outcome), slog.Float64("latency_ms", msSince(start)))
	}
	return resp, outcome
}

// commandWithin runs a slash command in the background and waits up to
// wait for it. When it is done in time, inline is true and resp is the
// answer to put in the acknowledgement. Otherwise the answer is delivered
// through the response_url when it is ready, and resp is a short "working on
// it" note to acknowledge with. ok is false when shutting down.
//
// A lookup runs on the caller's goroutine instead: it searches the index in
// memory and does no I/O, so it is always done in time (well under a
// millisecond, BENCHMARKS.md), and a new goroutine per lookup would cost
// more than its handing over: every one grows its stack again.
func (d *Dispatcher) commandWithin(cmd slack.SlashCommand, wait time.Duration, transport string) (resp Response, outcome string, inline, ok bool) {
	if commandName(cmd.Text) == CommandLookup {
		ok = d.bg.do(func(ctx context.Context) { resp, outcome = d.command(ctx, cmd, transport) })
		return resp, outcome, ok, ok
	}
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
		return textResponse(true, plain("Working on it…")), "late", false, true
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
	case "app_home_opened":
		if ev.Tab == "home" && ev.User != "" {
			d.publishHome(ctx, transport, ev.User)
		}
		return
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
	d.interact(ctx, transport, cb, func() {})
}

// interactionWithin handles an interaction payload and returns what to
// acknowledge it with (nil: an empty acknowledgement); ok is false when
// shutting down.
//
// A block_actions payload runs in the background, and it waits up to wait
// for its actions to have run, so that the click is acknowledged after its
// answer is stored (Slack does not retry a click: an acknowledged answer
// must not be lost to a crash); replies and updates go out afterwards. A
// view_submission is answered in the acknowledgement (submitWithin); a
// shortcut is acknowledged at once and answered in the background.
func (d *Dispatcher) interactionWithin(cb slack.InteractionCallback, wait time.Duration, transport string) (ack *slack.ViewSubmissionResponse, ok bool) {
	switch cb.Type {
	case slack.InteractionTypeViewSubmission:
		return d.submitWithin(cb, wait, transport)
	case slack.InteractionTypeMessageAction, slack.InteractionTypeShortcut:
		return nil, d.goBackground(func(ctx context.Context) { d.shortcut(ctx, transport, cb) })
	}
	acted := make(chan struct{})
	var once sync.Once
	ok = d.goBackground(func(ctx context.Context) {
		d.interact(ctx, transport, cb, func() { once.Do(func() { close(acted) }) })
	})
	if !ok {
		return nil, false
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-acted:
	case <-t.C: // a store slower than Slack's 3 s: acknowledge anyway
		d.lg.Warn("bot.Dispatcher click acknowledged before its action finished", "transport", transport, "wait_ms", wait.Milliseconds())
	}
	return nil, true
}

// interact runs every action of a block_actions payload, calls acted, then
// delivers their results.
func (d *Dispatcher) interact(ctx context.Context, transport string, cb slack.InteractionCallback, acted func()) {
	defer acted()
	if cb.Type != slack.InteractionTypeBlockActions {
		d.lg.Debug("bot.Dispatcher ignored interaction", "transport", transport, "type", string(cb.Type))
		return
	}
	if len(cb.ActionCallback.BlockActions) == 0 {
		d.lg.Warn("bot.Dispatcher block_actions without actions", "transport", transport)
	}
	type done struct {
		name, actionID string
		start          time.Time
		ctx            context.Context
		outcome        *string
		deliver        func(ctx context.Context) error
	}
	var acts []done
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
		rctx, o := withOutcome(ctx)
		acts = append(acts, done{name: actionCommand(ba.ActionID), actionID: ba.ActionID, start: start,
			ctx: rctx, outcome: o, deliver: d.clicks.act(rctx, k)})
	}
	acted()
	answered := false
	for _, a := range acts {
		err := a.deliver(a.ctx)
		outcome := *a.outcome
		if err != nil {
			outcome = OutcomeError
		}
		answered = answered || (a.name == CommandAnswer && *a.outcome == OutcomeOK)
		d.m.Command(a.name, outcome)
		d.lg.Info("bot.Dispatcher click", "transport", transport, "command", a.name, "action_id", actionBase(a.actionID),
			"outcome", outcome, "latency_ms", msSince(a.start))
	}
	if answered {
		// The answer is stored and acknowledged: show it on the Home tab.
		d.publishHome(ctx, transport, cb.User.ID)
	}
}

// actionCommand is the metrics label of a click.
func actionCommand(actionID string) string {
	switch actionBase(actionID) {
	case ActionAnswerDaily, ActionAnswerPractice:
		return CommandAnswer
	case ActionShare, ActionShareThread:
		return CommandShare
	case ActionQuizMe, ActionPracticeNext, ActionPracticeDomain, ActionPracticeMissed:
		return CommandQuiz
	case ActionFlagAsk, ActionFlag:
		return CommandFlag
	}
	return CommandLookup
}
