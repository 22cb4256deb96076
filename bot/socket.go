package bot

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"math/rand/v2"
	"sync/atomic"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

// maxAckBytes keeps a Socket Mode acknowledgement under Slack's 20 KB limit
// (Slack drops larger ones silently), with room for the envelope ID.
const maxAckBytes = 20*1024 - 512

// SocketOptions configure the Socket Mode transport.
type SocketOptions struct {
	MinBackoff  time.Duration // first wait before reconnecting; 0 means 1 s
	MaxBackoff  time.Duration // longest wait; 0 means 2 min
	CommandWait time.Duration // how long a slash command may take in the ack; 0 means 2.5 s
}

// Socket is the Slack transport over Socket Mode (no public URL needed). It
// runs slack-go's socketmode client inside a restart loop with exponential
// backoff, because the client's own loop gives up on some errors (an
// invalid token, a failed reconnect). Handlers are registered before each
// client starts. Slash commands are acknowledged with the answer (kept under
// 20 KB, else sent through the response_url); events are acknowledged at
// once and handled in the background; a click is acknowledged once its
// action has run (an answer is stored), its replies sent afterwards.
type Socket struct {
	lg     *slog.Logger
	d      *Dispatcher
	client *slack.Client
	opts   SocketOptions

	connected atomic.Bool
	connects  atomic.Int64
	downSince atomic.Int64 // Unix nanoseconds the link has been down since; 0 while up
}

// NewSocket returns the Socket Mode transport; client must carry the
// app-level token (see NewSlackClient).
func NewSocket(lg *slog.Logger, d *Dispatcher, client *slack.Client, opts SocketOptions) *Socket {
	if lg == nil {
		lg = slog.New(slog.DiscardHandler)
	}
	if opts.MinBackoff <= 0 {
		opts.MinBackoff = time.Second
	}
	if opts.MaxBackoff <= 0 {
		opts.MaxBackoff = 2 * time.Minute
	}
	if opts.CommandWait <= 0 {
		opts.CommandWait = 2500 * time.Millisecond
	}
	sk := &Socket{lg: lg, d: d, client: client, opts: opts}
	sk.downSince.Store(time.Now().UnixNano())
	return sk
}

// Connected reports whether a Socket Mode connection is up.
func (s *Socket) Connected() bool { return s.connected.Load() }

// Connections returns how many times the link has come up.
func (s *Socket) Connections() int64 { return s.connects.Load() }

// Down reports how long the link has been down (since NewSocket when it
// never came up); 0 while it is up.
func (s *Socket) Down() time.Duration {
	since := s.downSince.Load()
	if since == 0 {
		return 0
	}
	return time.Since(time.Unix(0, since))
}

// setConnected records the link going up or down.
func (s *Socket) setConnected(up bool) {
	if up {
		s.downSince.Store(0)
	} else {
		s.downSince.CompareAndSwap(0, time.Now().UnixNano())
	}
	s.connected.Store(up)
}

// Run connects and serves until ctx is cancelled, reconnecting with backoff
// whenever the client stops. It returns nil once ctx is done.
func (s *Socket) Run(ctx context.Context) error {
	wait := s.opts.MinBackoff
	for {
		start := time.Now()
		err := s.runOnce(ctx)
		s.setConnected(false)
		if ctx.Err() != nil {
			s.lg.Info("bot.Socket closed")
			return nil
		}
		if time.Since(start) > 5*time.Minute {
			wait = s.opts.MinBackoff // it ran fine for a while: start over
		}
		s.d.m.SlackError("socket_mode")
		d := wait + rand.N(wait/2+1)
		s.lg.Warn("bot.Socket restart", "err", err, "wait_ms", d.Milliseconds())
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			s.lg.Info("bot.Socket closed")
			return nil
		case <-t.C:
		}
		wait = min(wait*2, s.opts.MaxBackoff)
	}
}

// runOnce runs one socketmode client until it stops.
func (s *Socket) runOnce(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	smc := socketmode.New(s.client, socketmode.OptionLog(slog.NewLogLogger(s.lg.Handler(), slog.LevelDebug)))
	h := socketmode.NewSocketmodeHandler(smc)
	h.Handle(socketmode.EventTypeConnecting, func(*socketmode.Event, *socketmode.Client) {
		s.lg.Debug("bot.Socket connecting")
	})
	h.Handle(socketmode.EventTypeConnected, func(*socketmode.Event, *socketmode.Client) {
		s.setConnected(true)
		s.lg.Info("bot.Socket connected", "connections", s.connects.Add(1))
	})
	h.Handle(socketmode.EventTypeConnectionError, func(e *socketmode.Event, _ *socketmode.Client) {
		s.setConnected(false)
		if ce, ok := e.Data.(*slack.ConnectionErrorEvent); ok {
			s.lg.Warn("bot.Socket connection error", "attempt", ce.Attempt, "err", ce.ErrorObj)
		}
	})
	h.Handle(socketmode.EventTypeInvalidAuth, func(*socketmode.Event, *socketmode.Client) {
		s.lg.Error("bot.Socket invalid auth: check SLACK_APP_TOKEN")
	})
	h.Handle(socketmode.EventTypeHello, func(*socketmode.Event, *socketmode.Client) {})
	h.Handle(socketmode.EventTypeDisconnect, func(*socketmode.Event, *socketmode.Client) {
		s.setConnected(false)
		s.lg.Info("bot.Socket disconnect requested")
	})
	h.Handle(socketmode.EventTypeErrorWriteFailed, func(e *socketmode.Event, _ *socketmode.Client) {
		s.d.m.SlackError("socket_mode")
		if wf, ok := e.Data.(*socketmode.ErrorWriteFailed); ok {
			s.lg.Warn("bot.Socket ack not sent", "err", wf.Cause)
		}
	})
	h.Handle(socketmode.EventTypeErrorBadMessage, func(e *socketmode.Event, _ *socketmode.Client) {
		if bm, ok := e.Data.(*socketmode.ErrorBadMessage); ok {
			s.lg.Warn("bot.Socket bad message", "err", bm.Cause)
		}
	})
	h.Handle(socketmode.EventTypeSlashCommand, s.onCommand)
	h.Handle(socketmode.EventTypeEventsAPI, s.onEvent)
	h.Handle(socketmode.EventTypeInteractive, s.onInteractive)
	h.HandleDefault(func(e *socketmode.Event, _ *socketmode.Client) {
		s.lg.Debug("bot.Socket ignored", "type", string(e.Type))
	})
	err := h.RunEventLoopContext(ctx)
	if err == nil {
		err = errors.New("socket mode client stopped")
	}
	return err
}

func (s *Socket) onCommand(e *socketmode.Event, c *socketmode.Client) {
	cmd, ok := e.Data.(slack.SlashCommand)
	if !ok || e.Request == nil {
		return
	}
	req := *e.Request
	start := time.Now()
	resp, _, inline, ok := s.d.commandWithin(cmd, s.opts.CommandWait, "socket")
	if !ok {
		return // shutting down: without an ack, Slack delivers it again
	}
	payload, fits := ackPayload(newSlashReply(resp))
	var err error
	if fits {
		err = c.Ack(req, payload)
	} else {
		// Too big for an ack: acknowledge empty, answer through the response_url.
		err = c.Ack(req)
		if err == nil && inline {
			s.d.goBackground(func(ctx context.Context) { s.d.respondLater(ctx, cmd, resp) })
		}
	}
	if err != nil {
		s.d.m.SlackError("socket_mode")
		s.lg.Error("bot.Socket ack command", "command", commandName(cmd.Text), "err", err)
		return
	}
	s.lg.Debug("bot.Socket acked command", "command", commandName(cmd.Text), "bytes", len(payload),
		"inline", inline, "latency_ms", msSince(start))
}

func (s *Socket) onEvent(e *socketmode.Event, c *socketmode.Client) {
	if e.Request == nil || !s.d.bg.open() {
		return // shutting down: without an ack, Slack delivers it again
	}
	if err := c.Ack(*e.Request); err != nil {
		s.lg.Error("bot.Socket ack event", "err", err)
		return
	}
	var env eventEnvelope
	if err := json.Unmarshal(e.Request.Payload, &env); err != nil {
		s.lg.Warn("bot.Socket bad event payload", "err", err)
		return
	}
	if env.Type != "event_callback" {
		return
	}
	if !s.d.firstDelivery(context.Background(), env.EventID) {
		s.lg.Info("bot.Socket duplicate event", "retry_attempt", e.Request.RetryAttempt)
		return
	}
	raw := env.Event
	s.d.goBackground(func(ctx context.Context) { s.d.event(ctx, "socket", raw) })
}

func (s *Socket) onInteractive(e *socketmode.Event, c *socketmode.Client) {
	cb, ok := e.Data.(slack.InteractionCallback)
	if !ok || e.Request == nil || !s.d.bg.open() {
		return
	}
	// The answer is stored before the ack (Slack does not retry a click);
	// a modal's submission is answered in the ack.
	ack, ok := s.d.interactionWithin(cb, s.opts.CommandWait, "socket")
	if !ok {
		return
	}
	var err error
	if ack != nil {
		err = c.Ack(*e.Request, ack)
	} else {
		err = c.Ack(*e.Request)
	}
	if err != nil {
		s.lg.Error("bot.Socket ack interaction", "err", err)
	}
}

// ackPayload returns the slash command reply for a Socket Mode ack, and
// false when it would not fit under Slack's 20 KB limit.
func ackPayload(r slashReply) (json.RawMessage, bool) {
	b, err := json.Marshal(r)
	if err != nil || len(b) >= maxAckBytes {
		return nil, false
	}
	return b, true
}
