package bot

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/slack-go/slack"
)

// The HTTP routes. Slack's Request URLs point at the three /slack/ paths.
const (
	PathCommands     = "/slack/commands"
	PathInteractions = "/slack/interactions"
	PathEvents       = "/slack/events"
	PathHealthz      = "/healthz"
	PathReadyz       = "/readyz"
	PathMetrics      = "/metrics"
)

// Routes returns every path the HTTP server serves.
func Routes() []string {
	return []string{PathCommands, PathInteractions, PathEvents, PathHealthz, PathReadyz, PathMetrics}
}

// DefaultMaxBody is the default request body limit: Slack's payloads are a
// few kilobytes; a block_actions payload carries the clicked message, which
// is bounded by Slack's 50 blocks.
const DefaultMaxBody = 1 << 20

// HTTPOptions configure the HTTP transport.
type HTTPOptions struct {
	// SigningSecret verifies Slack's requests; "" turns the /slack/ routes
	// off (404), e.g. in Socket Mode, where only the probes and metrics are
	// served.
	SigningSecret string
	MaxBody       int64         // request body limit; 0 means DefaultMaxBody
	CommandWait   time.Duration // how long a slash command may take inline; 0 means 2.5 s
	Ready         func() error  // readiness check for /readyz; nil means ready
	Metrics       *Metrics
	// Replays, when set, also records every signed click and every slash
	// command that is not read-only (the store: such a replay is then
	// refused after a restart and on other replicas); all requests are
	// remembered in memory too.
	Replays ReplayLog
}

// HTTP is the Slack transport over HTTP Request URLs, plus the health,
// readiness and metrics endpoints.
//
// Every /slack/ request is checked before anything else: the body is read
// whole (up to MaxBody, else 413) and its v0 signature verified by
// slack-go's rules (signer); a missing, wrong or stale (over five minutes)
// signature gets 401 and nothing is parsed or changed, and so does a slash
// command or click whose signature was already seen (a replay). Slash commands are
// answered in the response body when the router is done within
// CommandWait, else through the response_url; a lookup (the index, in
// memory) is always answered in the body. Events are acknowledged at
// once and handled in the background; a click is acknowledged once its
// action has run (an answer is stored), its replies sent afterwards.
type HTTP struct {
	lg      *slog.Logger
	d       *Dispatcher
	opts    HTTPOptions
	replays *memReplays // signatures seen while their timestamp is acceptable
	signer  *signer
}

// NewHTTP returns the HTTP transport over d.
func NewHTTP(lg *slog.Logger, d *Dispatcher, opts HTTPOptions) *HTTP {
	if lg == nil {
		lg = slog.New(slog.DiscardHandler)
	}
	if opts.MaxBody <= 0 {
		opts.MaxBody = DefaultMaxBody
	}
	if opts.CommandWait <= 0 {
		opts.CommandWait = 2500 * time.Millisecond
	}
	return &HTTP{lg: lg, d: d, opts: opts, replays: newMemReplays(), signer: newSigner(opts.SigningSecret)}
}

// Handler returns the routes, mapped in one place.
func (h *HTTP) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("POST "+PathCommands, h.slackRoute(PathCommands, h.commands))
	mux.Handle("POST "+PathInteractions, h.slackRoute(PathInteractions, h.interactions))
	mux.Handle("POST "+PathEvents, h.slackRoute(PathEvents, h.events))
	mux.Handle("GET "+PathHealthz, h.probe(PathHealthz, h.healthz))
	mux.Handle("GET "+PathReadyz, h.probe(PathReadyz, h.readyz))
	mux.Handle("GET "+PathMetrics, h.probe(PathMetrics, h.opts.Metrics.Handler().ServeHTTP))
	return mux
}

// statusWriter remembers the status code.
type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) status() int {
	if w.code == 0 {
		return http.StatusOK
	}
	return w.code
}

// probe wraps the health, readiness and metrics handlers: counted, logged
// at debug level.
func (h *HTTP) probe(route string, f http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		f(sw, r)
		h.opts.Metrics.ObserveHTTP(route, sw.status(), time.Since(start))
		h.lg.Debug("bot.HTTP request", "route", route, "status", sw.status(), "latency_ms", msSince(start))
	})
}

// slackRoute reads and verifies a Slack request, then calls f with the raw
// body; every request is logged with its command, latency and outcome.
func (h *HTTP) slackRoute(route string, f func(w http.ResponseWriter, r *http.Request, body []byte, info *reqInfo)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		info := &reqInfo{outcome: OutcomeOK}
		defer func() {
			h.opts.Metrics.ObserveHTTP(route, sw.status(), time.Since(start))
			lvl := slog.LevelInfo
			if sw.status() >= 400 {
				lvl = slog.LevelWarn
			}
			// The record goes to the handler as Logger.LogAttrs would send it,
			// but without the caller's PC, which the Logger looks up for
			// every record (runtime.Callers) and no handler here reads (no
			// AddSource).
			ctx, lh := r.Context(), h.lg.Handler()
			if !lh.Enabled(ctx, lvl) {
				return
			}
			rec := slog.NewRecord(time.Now(), lvl, "bot.HTTP request", 0)
			rec.AddAttrs(slog.String("route", route), slog.String("command", info.command),
				slog.String("outcome", info.outcome), slog.Int("status", sw.status()), slog.Float64("latency_ms", msSince(start)),
				slog.String("retry_num", headerValue(r.Header, hRetryNum)))
			_ = lh.Handle(ctx, rec)
		}()
		if h.opts.SigningSecret == "" {
			info.outcome = "disabled"
			http.Error(sw, "the HTTP transport is off: SLACK_SIGNING_SECRET is not set", http.StatusNotFound)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(sw, r.Body, h.opts.MaxBody))
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				info.outcome = "too_large"
				http.Error(sw, "request body too large", http.StatusRequestEntityTooLarge)
				return
			}
			info.outcome = OutcomeInvalid
			http.Error(sw, "cannot read request body", http.StatusBadRequest)
			return
		}
		if err := h.signer.verify(r.Header, body, time.Now()); err != nil {
			info.outcome = "unauthorized"
			h.lg.Warn("bot.HTTP signature refused", "route", route, "reason", err.Error())
			http.Error(sw, "invalid request signature", http.StatusUnauthorized)
			return
		}
		// Slack signs every slash command and click anew, each with its own
		// trigger_id: the same signature twice is a replayed request. (Events
		// are de-duplicated by event_id instead: a quick retry may carry the
		// same timestamp and body.)
		if route != PathEvents && !h.firstRequest(r.Context(), r.Header) {
			h.refuseReplay(sw, route, info)
			return
		}
		f(sw, r, body, info)
	})
}

// firstRequest reports whether a verified request was not seen before by
// this process: its signature bytes (the hex in any case) are looked up in
// memory.
func (h *HTTP) firstRequest(ctx context.Context, header http.Header) bool {
	key, expires, ok := requestKey(header)
	if !ok {
		return false
	}
	first, _ := h.replays.FirstRequest(ctx, key, time.Now(), expires)
	return first
}

// firstDurably reports whether the replay log (the store) has not seen the
// request either, so that a replay is refused after a restart and on other
// replicas; always true without a log. When the log cannot be written, the
// memory's answer stands and the failure is logged.
func (h *HTTP) firstDurably(ctx context.Context, header http.Header) bool {
	if h.opts.Replays == nil {
		return true
	}
	key, expires, ok := requestKey(header)
	if !ok {
		return false
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
	defer cancel()
	first, err := h.opts.Replays.FirstRequest(ctx, key, time.Now(), expires)
	if err != nil {
		h.lg.Warn("bot.HTTP replay log", "err", err)
		return true
	}
	return first
}

// refuseReplay answers a replayed request.
func (h *HTTP) refuseReplay(w http.ResponseWriter, route string, info *reqInfo) {
	info.outcome = "replayed"
	h.lg.Warn("bot.HTTP replayed request refused", "route", route)
	http.Error(w, "replayed request", http.StatusUnauthorized)
}

// writeJSON writes v as a JSON response body.
func writeJSON(w http.ResponseWriter, v any) {
	b, err := json.Marshal(v)
	writeJSONBody(w, b, err)
}

// writeJSONBody writes an encoded JSON response body, or a 500 when it
// could not be encoded.
func writeJSONBody(w http.ResponseWriter, b []byte, err error) {
	if err != nil {
		http.Error(w, "cannot encode reply", http.StatusInternalServerError)
		return
	}
	// With its length given, the reply goes out whole, without chunked
	// framing (net/http chunks a body over 2 KB written with no length).
	h := w.Header()
	h["Content-Type"] = []string{"application/json; charset=utf-8"}
	h["Content-Length"] = []string{strconv.Itoa(len(b))}
	_, _ = w.Write(b)
}

// commands answers a slash command in the response body when the router is
// done within CommandWait; otherwise it acknowledges with a short note and
// delivers the answer through the response_url when it is ready.
func (h *HTTP) commands(w http.ResponseWriter, r *http.Request, body []byte, info *reqInfo) {
	form, err := url.ParseQuery(string(body))
	if err != nil {
		info.outcome = OutcomeInvalid
		http.Error(w, "bad form body", http.StatusBadRequest)
		return
	}
	cmd := slack.SlashCommand{
		TeamID:      form.Get("team_id"),
		ChannelID:   form.Get("channel_id"),
		UserID:      form.Get("user_id"),
		UserName:    form.Get("user_name"),
		Command:     form.Get("command"),
		Text:        form.Get("text"),
		ResponseURL: form.Get("response_url"),
	}
	info.command = commandName(cmd.Text)
	// A command that changes something is also checked against the store;
	// a read-only one (a lookup, say) replayed after a restart only sends
	// the same answer back to the sender, and costs no store write.
	if !readOnlyCommand(cmd.Text) && !h.firstDurably(r.Context(), r.Header) {
		h.refuseReplay(w, PathCommands, info)
		return
	}

	resp, outcome, _, ok := h.d.commandWithin(cmd, h.opts.CommandWait, "http")
	if !ok {
		info.outcome = "shutting_down"
		http.Error(w, "shutting down", http.StatusServiceUnavailable)
		return
	}
	info.outcome = outcome
	b, err := resp.slashJSON()
	writeJSONBody(w, b, err)
}

// interactions runs a click's action (an answer is stored) before
// acknowledging it, within CommandWait, and delivers the replies in the
// background.
func (h *HTTP) interactions(w http.ResponseWriter, r *http.Request, body []byte, info *reqInfo) {
	form, err := url.ParseQuery(string(body))
	if err != nil || form.Get("payload") == "" {
		info.outcome = OutcomeInvalid
		http.Error(w, "missing payload", http.StatusBadRequest)
		return
	}
	var cb slack.InteractionCallback
	if err := json.Unmarshal([]byte(form.Get("payload")), &cb); err != nil {
		info.outcome = OutcomeInvalid
		http.Error(w, "bad payload", http.StatusBadRequest)
		return
	}
	info.command = string(cb.Type)
	if !h.firstDurably(r.Context(), r.Header) {
		h.refuseReplay(w, PathInteractions, info)
		return
	}
	switch {
	case len(cb.ActionCallback.BlockActions) > 0 && cb.ActionCallback.BlockActions[0] != nil:
		info.command = actionCommand(cb.ActionCallback.BlockActions[0].ActionID)
	case cb.Type == slack.InteractionTypeMessageAction, cb.Type == slack.InteractionTypeShortcut,
		cb.Type == slack.InteractionTypeViewSubmission:
		info.command = CommandShortcut
	}
	ack, ok := h.d.interactionWithin(cb, h.opts.CommandWait, "http")
	if !ok {
		info.outcome = "shutting_down"
		http.Error(w, "shutting down", http.StatusServiceUnavailable)
		return
	}
	if ack != nil {
		writeJSON(w, ack)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// events answers url_verification and acknowledges event callbacks at once;
// each event_id is handled once, in the background.
func (h *HTTP) events(w http.ResponseWriter, r *http.Request, body []byte, info *reqInfo) {
	var env eventEnvelope
	if err := json.Unmarshal(body, &env); err != nil {
		info.outcome = OutcomeInvalid
		http.Error(w, "bad event body", http.StatusBadRequest)
		return
	}
	info.command = env.Type
	switch env.Type {
	case "url_verification":
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = io.WriteString(w, env.Challenge)
	case "event_callback":
		if !h.d.firstDelivery(r.Context(), env.EventID) {
			info.outcome = "duplicate"
			w.WriteHeader(http.StatusOK)
			return
		}
		raw := env.Event
		if !h.d.goBackground(func(ctx context.Context) { h.d.event(ctx, "http", raw) }) {
			info.outcome = "shutting_down"
			http.Error(w, "shutting down", http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusOK)
	default:
		info.outcome = "ignored"
		w.WriteHeader(http.StatusOK)
	}
}

func (h *HTTP) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = io.WriteString(w, "ok\n")
}

func (h *HTTP) readyz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if h.opts.Ready != nil {
		if err := h.opts.Ready(); err != nil {
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = io.WriteString(w, "not ready: "+err.Error()+"\n")
			return
		}
	}
	_, _ = io.WriteString(w, "ok\n")
}
