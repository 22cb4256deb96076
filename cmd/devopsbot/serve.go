package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime/debug"
	"runtime/metrics"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/devopsbot/devopsbot/bot"
	"github.com/devopsbot/devopsbot/notes"
	"github.com/devopsbot/devopsbot/quiz"
)

// shutdownTimeout bounds the graceful shutdown after the drain period:
// in-flight requests, background replies and a running cron job get this
// long in all; work cancelled at the bound gets shutdownGrace to end.
const (
	shutdownTimeout = 10 * time.Second
	shutdownGrace   = time.Second
)

const serveSynopsis = "serve [--notes FILE]..."

// cmdServe runs the Slack bot: the HTTP transport when SLACK_SIGNING_SECRET
// is set, Socket Mode when SLACK_APP_TOKEN is set, the question of the day
// when DEVOPSBOT_QUIZ_CHANNEL is set; /healthz, /readyz and /metrics always.
// It returns nil after a graceful shutdown when ctx is cancelled.
func cmdServe(ctx context.Context, e *env, args []string) error {
	fs := e.flags("serve", serveSynopsis)
	if err := e.parse(fs, serveSynopsis, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{msg: fmt.Sprintf("serve takes no arguments (got %q)", fs.Arg(0)), usage: "usage: devopsbot " + serveSynopsis + "\n"}
	}
	if err := validateServe(e.cfg); err != nil {
		return err
	}
	lg, logs := newLogger(e.stderr, e.cfg)
	defer logs.Close() // the lines of the shutdown, before main prints an error
	return serve(ctx, lg, e)
}

// app is the wired bot, in start order.
type app struct {
	lg      *slog.Logger
	cfg     Config
	loc     *time.Location
	exam    time.Time
	index   *liveIndex // replaced whole by a reload
	reload  *reloader
	store   store
	engine  *quiz.Engine
	metrics *bot.Metrics
	router  *bot.Router
	slack   *bot.Slack
	disp    *bot.Dispatcher
	daily   *bot.DailyScheduler

	sock *bot.Socket // nil without Socket Mode

	storeOpen atomic.Bool
	authOK    atomic.Bool
	draining  atomic.Bool            // SIGTERM received: not ready, still serving
	authErr   atomic.Pointer[string] // why Slack refused the token for good
	fatal     chan error             // a reason to stop (the token refused for good)
}

// socketGrace is how long the Socket Mode link may be down before the bot
// reports not ready: Slack closes links every few hours and a reconnect
// takes seconds.
const socketGrace = 30 * time.Second

// ready is the /readyz check: notes indexed, store open, auth.test passed,
// not shutting down.
func (a *app) ready() error {
	switch {
	case a.draining.Load():
		return errors.New("shutting down")
	case a.index == nil:
		return errors.New("notes not indexed")
	case !a.storeOpen.Load():
		return errors.New("store not open")
	case a.authErr.Load() != nil:
		return errors.New(*a.authErr.Load())
	case !a.authOK.Load():
		return errors.New("waiting for Slack auth.test")
	}
	if err := storeHealth(a.store); err != nil {
		return err
	}
	if a.sock != nil && !a.sock.Connected() {
		if a.sock.Connections() == 0 {
			return errors.New("waiting for the Socket Mode link")
		}
		if d := a.sock.Down(); d > socketGrace {
			return fmt.Errorf("Socket Mode link down for %s", d.Round(time.Second))
		}
	}
	return nil
}

// authRefused handles a token Slack refuses for good (revoked, wrong):
// retrying cannot help, so it logs one error naming the cause, makes
// /readyz say so, and stops the bot with an error (a non-zero exit the
// orchestrator notices).
func (a *app) authRefused(method, code string) {
	reason := fmt.Sprintf("Slack refused the bot token (%s from %s): issue a new SLACK_BOT_TOKEN", code, method)
	if !a.authErr.CompareAndSwap(nil, &reason) {
		return
	}
	a.lg.Error("serve slack token refused", "method", method, "cause", code,
		"hint", "the token was revoked, rotated or is wrong; reinstall the app or update SLACK_BOT_TOKEN")
	select {
	case a.fatal <- errors.New(reason):
	default:
	}
}

func serve(ctx context.Context, lg *slog.Logger, e *env) (err error) {
	cfg := e.cfg
	a := &app{lg: lg, cfg: cfg, fatal: make(chan error, 1)}
	if a.loc, a.exam, err = calendar(cfg); err != nil {
		return err
	}
	loader, docs, err := a.indexNotes(ctx, e)
	if err != nil {
		return err
	}
	defer a.index.Close()

	if a.store, err = openStore(ctx, lg, cfg.DB, storeOptions{}); err != nil {
		return err
	}
	a.storeOpen.Store(true)
	defer func() {
		a.storeOpen.Store(false)
		if cerr := a.store.Close(); cerr != nil {
			err = errors.Join(err, fmt.Errorf("close store: %w", cerr))
		}
	}()

	pool, err := loadQuestionPool(e, docs, lg)
	if err != nil {
		return err
	}
	a.engine = quiz.New(lg, a.store, pool, quiz.Options{ExamDate: a.exam, Location: a.loc, Channel: defaultChannel(cfg)})
	lg.Info("serve quiz ready", "questions", len(pool))
	debug.FreeOSMemory() // the garbage of parsing, indexing and generating
	defer tuneGC(lg)()

	if err := a.wire(e, loader); err != nil {
		return err
	}
	srv, srvErr, err := a.listen()
	if err != nil {
		return err
	}

	// Background: auth.test until it passes, then the question of the day;
	// notes refreshes; the Socket Mode link.
	runCtx, stopRun := context.WithCancel(ctx)
	defer stopRun()
	var wg sync.WaitGroup
	wg.Go(func() { a.authThenDaily(runCtx) })
	refresh, _ := notesRefresh(cfg) // validated at start
	wg.Go(func() { a.reload.run(runCtx, refresh) })
	if a.sock != nil {
		wg.Go(func() { _ = a.sock.Run(runCtx) })
	}

	var runErr error
	select {
	case <-ctx.Done():
		runErr = a.drain(srvErr)
	case err := <-srvErr:
		runErr = fmt.Errorf("http server: %w", err)
		lg.Error("serve http server failed", "err", err)
	case runErr = <-a.fatal:
	}
	return errors.Join(runErr, a.shutdown(srv, stopRun, &wg))
}

// indexNotes loads the notes and builds the live index; the loader is kept
// for reloads (it revalidates URL notes).
func (a *app) indexNotes(ctx context.Context, e *env) (*notes.Loader, []*notes.Document, error) {
	start := time.Now()
	loader := e.notesLoader(a.lg)
	snap, err := loader.Load(ctx, a.cfg.Notes...)
	if err != nil {
		return nil, nil, fmt.Errorf("load notes: %w", err)
	}
	ix, err := buildIndexFrom(snap.Docs, a.cfg.Aliases)
	if err != nil {
		return nil, nil, err
	}
	a.index = newLiveIndex(ix, snap.Digest)
	sections := 0
	for _, d := range snap.Docs {
		sections += len(d.Sections)
	}
	a.lg.Info("serve notes indexed", "docs", len(snap.Docs), "sections", sections, "latency_ms", time.Since(start).Milliseconds())
	return loader, snap.Docs, nil
}

// wire builds the bot over the index, the store and the quiz engine:
// metrics, reloads, the Slack client, the question of the day, the router,
// the dispatcher and the Socket Mode link (not yet running).
func (a *app) wire(e *env, loader *notes.Loader) error {
	cfg, lg := a.cfg, a.lg
	a.metrics = bot.NewMetrics(version, bot.Routes()...)
	if damaged := storeDamaged(a.store); damaged != nil {
		a.metrics.StoreDamaged(damaged)
	}
	a.reload = &reloader{lg: lg, loader: loader, sources: cfg.Notes, aliases: cfg.Aliases, live: a.index,
		engine: a.engine, metrics: a.metrics,
		pool: func(docs []*notes.Document) ([]quiz.Question, error) { return loadQuestionPool(e, docs, lg) }}
	client := bot.NewSlackClient(cfg.BotToken, cfg.AppToken, cfg.APIURL)
	a.slack = bot.NewSlack(lg, client, a.metrics)
	a.slack.OnAuthFailure(a.authRefused)
	// The question of the day runs in every quiz channel: the environment's
	// (DEVOPSBOT_QUIZ_CHANNEL) and those admins add in Slack.
	a.daily = bot.NewDailyScheduler(lg, a.engine, a.slack, a.metrics, bot.DailyOptions{
		Channel:  cfg.QuizChannel,
		CloseLog: a.store, // a close whose answer Slack did not take is retried after a restart too
	})
	a.router = bot.NewRouter(lg, bot.InstrumentSearcher(a.index, a.metrics), bot.InstrumentQuiz(a.engine, a.metrics), bot.Options{
		Admins: cfg.Admins, NotesURL: cfg.NotesURL, Location: a.loc, Daily: a.daily, Files: a.slack,
		ShowDoc:     func() bool { return len(a.index.Docs()) > 1 },
		Reload:      func(ctx context.Context) (bot.NotesReload, error) { return a.reload.Reload(ctx, "admin") },
		Permalink:   a.slack.Permalink,
		LookupCache: cfg.LookupCache,
		Generation:  a.index.generation,
	})
	// A retried event is answered once, even across a restart.
	a.disp = bot.NewDispatcher(lg, a.router, a.slack, a.metrics, a.store)
	if cfg.AppToken != "" {
		a.sock = bot.NewSocket(lg, a.disp, client, bot.SocketOptions{})
	}
	return nil
}

// listen starts the HTTP server (Slack's HTTP endpoints, health and
// metrics); its error, when it stops on its own, arrives on the channel.
func (a *app) listen() (*http.Server, <-chan error, error) {
	ln, err := net.Listen("tcp", a.cfg.Addr)
	if err != nil {
		return nil, nil, fmt.Errorf("listen %s: %w", a.cfg.Addr, err)
	}
	httpT := bot.NewHTTP(a.lg, a.disp, bot.HTTPOptions{
		SigningSecret: a.cfg.SigningSecret, Ready: a.ready, Metrics: a.metrics,
		Replays: a.store, // a replay is refused after a restart too
	})
	srv := &http.Server{
		Handler:           a.closeWhenDraining(httpT.Handler()),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(a.lg.Handler(), slog.LevelWarn),
	}
	srvErr := make(chan error, 1)
	go func() { srvErr <- srv.Serve(ln) }()
	a.lg.Info("serve listening", "addr", ln.Addr().String(), "http_transport", a.cfg.SigningSecret != "",
		"socket_mode", a.cfg.AppToken != "", "quiz_channel", a.cfg.QuizChannel != "")
	return srv, srvErr, nil
}

// drain reports not ready (/readyz 503) and keeps serving for the drain
// period, so that load balancers and Kubernetes stop sending requests
// before the server stops: a request that arrives meanwhile, on a new or an
// open connection, is answered (and its connection then closed).
func (a *app) drain(srvErr <-chan error) error {
	a.draining.Store(true)
	d, _ := shutdownDrain(a.cfg) // validated at start
	a.lg.Info("serve shutting down", "drain_ms", d.Milliseconds())
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case err := <-srvErr:
		a.lg.Error("serve http server failed", "err", err)
		return fmt.Errorf("http server: %w", err)
	}
}

// closeWhenDraining asks clients to close their connection after each
// response once shutdown has begun, so keep-alive connections end cleanly
// instead of being closed under a request in transit.
func (a *app) closeWhenDraining(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if a.draining.Load() {
			w.Header().Set("Connection", "close")
		}
		h.ServeHTTP(w, r)
	})
}

// shutdown stops in reverse order of start, bounded by shutdownTimeout:
// stop taking requests and finish those in flight, finish background
// replies, wait for a running cron job, close Socket Mode; the store is
// closed by serve's deferred call last. Work still running at the bound
// (a Slack call that does not return, say) is cancelled and given
// shutdownGrace to end: that is logged, not an error, so the process
// still exits 0.
func (a *app) shutdown(srv *http.Server, stopRun context.CancelFunc, wg *sync.WaitGroup) error {
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	var cut []error // work cut short at the bound
	stopRun()       // Socket Mode stops reading; the auth loop ends
	if err := srv.Shutdown(ctx); err != nil {
		cut = append(cut, fmt.Errorf("http shutdown: %w", err))
		_ = srv.Close()
	}
	if err := a.disp.Wait(ctx); err != nil {
		cut = append(cut, err)
		grace, cancelGrace := context.WithTimeout(context.Background(), shutdownGrace)
		if err := a.disp.Wait(grace); err != nil { // the work was cancelled: wait for it to end
			cut = append(cut, err)
		}
		cancelGrace()
	}
	if err := a.daily.Stop(ctx); err != nil {
		cut = append(cut, err)
	}
	done := make(chan struct{})
	go func() {
		wg.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-ctx.Done():
		cut = append(cut, errors.New("socket mode did not close in time"))
	}
	if err := errors.Join(cut...); err != nil {
		a.lg.Warn("serve stopped, work cut short", "err", err, "latency_ms", time.Since(start).Milliseconds())
	} else {
		a.lg.Info("serve stopped", "latency_ms", time.Since(start).Milliseconds())
	}
	return nil
}

// authThenDaily calls auth.test until it passes (readiness waits for it),
// then starts the question of the day.
func (a *app) authThenDaily(ctx context.Context) {
	wait := time.Second
	for {
		team, user, err := a.slack.AuthTest(ctx)
		if err == nil {
			a.authOK.Store(true)
			a.lg.Info("serve slack auth ok", "team", team, "bot_user", user)
			break
		}
		if ctx.Err() != nil {
			return
		}
		if _, ok := bot.AuthFailure(err); ok {
			return // authRefused has stopped the bot
		}
		a.lg.Warn("serve slack auth failed", "err", err, "retry_in_ms", wait.Milliseconds())
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		wait = min(wait*2, time.Minute)
	}
	a.daily.Start()
}

// defaultChannel is the environment's quiz channel (ID "" when
// DEVOPSBOT_QUIZ_CHANNEL is unset): present even with none stored; an
// admin's `admin channel add` for the same channel overrides it.
func defaultChannel(cfg Config) quiz.Channel {
	if cfg.QuizChannel == "" {
		return quiz.Channel{}
	}
	return quiz.Channel{ID: cfg.QuizChannel, Post: cfg.QuizSchedule, Close: cfg.QuizClose, TZ: cfg.TZ, ExamDate: cfg.ExamDate}
}

// loadQuestionPool returns the questions generated from the notes followed
// by the bank's: the embedded bank when the notes are the default ones, and
// the files of DEVOPSBOT_QUESTIONS. A bank question that fails its checks
// (or a file that cannot be read) is skipped with a warning on lg.
func loadQuestionPool(e *env, docs []*notes.Document, lg *slog.Logger) ([]quiz.Question, error) {
	var bank []quiz.Question
	if len(e.cfg.Notes) == 0 {
		qs, err := quiz.LoadDefaultBank(docs)
		warnBank(lg, err)
		bank = qs
	}
	var names []string
	for _, p := range e.cfg.Questions {
		if p = strings.TrimSpace(p); p != "" {
			names = append(names, p)
		}
	}
	if len(names) > 0 {
		qs, err := quiz.LoadBank(osFS{}, docs, names...)
		warnBank(lg, err)
		bank = append(bank, qs...)
	}
	return quiz.Pool(docs, bank), nil
}

// warnBank logs each problem of a bank that made a question be skipped.
func warnBank(lg *slog.Logger, err error) {
	var be *quiz.BankError
	if !errors.As(err, &be) {
		return
	}
	for _, p := range be.Problems {
		lg.Warn("quiz bank question skipped", "file", p.File, "line", p.Line, "problem", p.Msg)
	}
}

// Garbage collector settings for serving (see tuneGC).
const (
	serveGCPercent = 400
	// serveMemoryHeadroom is what the soft memory limit allows above the
	// memory the process uses once started: room for the garbage of many
	// requests and for what grows with traffic (the replay window's keys,
	// connections), under the 150 MB resident budget with the default notes.
	serveMemoryHeadroom = 64 << 20
)

// tuneGC sets the garbage collector for serving, unless GOGC or GOMEMLIMIT
// is set in the environment, and returns a function restoring the previous
// settings. serve calls it once the notes are indexed and the start-up
// garbage is collected, so the process then holds its live data only.
//
// That live heap is small (a few MB with the default notes) while every
// lookup allocates tens of KB, so with Go's default GOGC=100 the collector
// runs every few dozen requests and takes about a quarter of the CPU under
// load (BENCHMARKS.md, "slack"). GOGC=400 lets the heap grow to five times
// the live data. The soft memory limit is a ceiling, not a target: the
// memory the Go runtime holds for the process after start (heap, stacks and
// runtime metadata, not just the live heap) plus serveMemoryHeadroom. A
// limit close to the memory in use would make the collector run without
// pause as soon as traffic adds live data, which is how the service slowed
// down threefold after 100k requests (BENCHMARKS.md, "faults").
func tuneGC(lg *slog.Logger) (restore func()) {
	inUse := goMemoryInUse()
	limit := int64(inUse) + serveMemoryHeadroom
	var undo []func()
	if os.Getenv("GOGC") == "" {
		prev := debug.SetGCPercent(serveGCPercent)
		undo = append(undo, func() { debug.SetGCPercent(prev) })
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		prev := debug.SetMemoryLimit(limit)
		undo = append(undo, func() { debug.SetMemoryLimit(prev) })
	}
	lg.Info("serve gc", "go_memory_mib", inUse>>20, "gc_percent", serveGCPercent, "memory_limit_mib", limit>>20,
		"gogc_env", os.Getenv("GOGC"), "gomemlimit_env", os.Getenv("GOMEMLIMIT"))
	return func() {
		for _, f := range undo {
			f()
		}
	}
}

// goMemoryInUse returns the memory the Go runtime holds from the OS for the
// process and has not returned: what the soft memory limit counts.
func goMemoryInUse() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/total:bytes"}, {Name: "/memory/classes/heap/released:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 || s[1].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64() - s[1].Value.Uint64()
}
