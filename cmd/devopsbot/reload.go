package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/devopsbot/devopsbot/bot"
	"github.com/devopsbot/devopsbot/index"
	"github.com/devopsbot/devopsbot/notes"
	"github.com/devopsbot/devopsbot/quiz"
)

// liveIndex is the index the bot searches, replaced whole when the notes
// are reloaded. A call keeps the index it started on until it returns, and
// a replaced index is closed when its last call is done: a reload fails no
// request.
type liveIndex struct {
	cur atomic.Pointer[indexGen]
}

// indexGen is one index with the calls using it.
type indexGen struct {
	ix      *index.Index
	digest  string // notes.Snapshot.Digest of its notes
	gen     uint64 // 0 for the first index, one more for each that replaces it
	refs    atomic.Int64
	retired atomic.Bool
	once    sync.Once
}

var _ bot.Searcher = (*liveIndex)(nil)

func newLiveIndex(ix *index.Index, digest string) *liveIndex {
	l := &liveIndex{}
	l.cur.Store(&indexGen{ix: ix, digest: digest})
	return l
}

// acquire returns the current index, held until release.
func (l *liveIndex) acquire() *indexGen {
	for {
		g := l.cur.Load()
		g.refs.Add(1)
		if l.cur.Load() == g {
			return g
		}
		g.release() // replaced meanwhile: take the new one
	}
}

func (g *indexGen) release() {
	if g.refs.Add(-1) == 0 && g.retired.Load() {
		g.close()
	}
}

func (g *indexGen) close() { g.once.Do(func() { g.ix.Close() }) }

// swap makes ix the index searched from now on; the one it replaces is
// closed once the calls using it are done.
func (l *liveIndex) swap(ix *index.Index, digest string) {
	// swap has one caller at a time (the reloader), so the load and the
	// swap do not race.
	old := l.cur.Swap(&indexGen{ix: ix, digest: digest, gen: l.cur.Load().gen + 1})
	old.retired.Store(true)
	if old.refs.Load() == 0 {
		old.close()
	}
}

// Close closes the current index (at shutdown, once requests are done).
func (l *liveIndex) Close() { l.cur.Load().close() }

// Docs returns the documents of the current index.
func (l *liveIndex) Docs() []*notes.Document { return l.cur.Load().ix.Docs() }

func (l *liveIndex) digest() string { return l.cur.Load().digest }

// generation grows each time the index is replaced (bot.Options.Generation).
func (l *liveIndex) generation() uint64 { return l.cur.Load().gen }

func (l *liveIndex) Search(ctx context.Context, query string, k int) ([]index.Hit, error) {
	g := l.acquire()
	defer g.release()
	return g.ix.Search(ctx, query, k)
}

func (l *liveIndex) Suggest(ctx context.Context, query string, k int) []string {
	g := l.acquire()
	defer g.release()
	return g.ix.Suggest(ctx, query, k)
}

func (l *liveIndex) Ask(ctx context.Context, q index.Question) (index.Answer, error) {
	g := l.acquire()
	defer g.release()
	return g.ix.Ask(ctx, q)
}

// reloader reads the notes again and, when they changed, indexes them and
// generates their questions aside, then swaps both in. A reload that fails
// changes nothing: the bot keeps serving the notes it has.
type reloader struct {
	lg      *slog.Logger
	loader  *notes.Loader
	sources []string
	aliases []string
	live    *liveIndex
	engine  *quiz.Engine
	// pool generates the question pool of a set of notes.
	pool    func(docs []*notes.Document) ([]quiz.Question, error)
	metrics *bot.Metrics
	mu      sync.Mutex // one reload at a time
}

// Reload reloads the notes; why names what asked for it ("sighup",
// "admin", "refresh") in the log.
func (r *reloader) Reload(ctx context.Context, why string) (bot.NotesReload, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	start := time.Now()
	res, err := r.reload(ctx)
	result := bot.ReloadUnchanged
	switch {
	case err != nil:
		result = bot.ReloadFailed
		r.lg.Error("serve notes reload failed, keeping the current notes", "trigger", why, "err", err)
	case res.Changed:
		result = bot.ReloadChanged
		r.lg.Info("serve notes reloaded", "trigger", why, "docs", res.Docs, "sections", res.Sections,
			"sections_before", res.Before, "latency_ms", time.Since(start).Milliseconds())
	default:
		r.lg.Info("serve notes unchanged", "trigger", why, "docs", res.Docs, "sections", res.Sections)
	}
	r.metrics.NotesReloaded(result)
	return res, err
}

func (r *reloader) reload(ctx context.Context) (bot.NotesReload, error) {
	res := bot.NotesReload{Before: countSections(r.live.Docs())}
	snap, err := r.loader.Load(ctx, r.sources...)
	if err != nil {
		return res, fmt.Errorf("load notes: %w", err)
	}
	res.Docs, res.Sections = len(snap.Docs), countSections(snap.Docs)
	if snap.Digest == r.live.digest() {
		return res, nil
	}
	ix, err := buildIndexFrom(snap.Docs, r.aliases)
	if err != nil {
		return res, err
	}
	pool, err := r.pool(snap.Docs)
	if err != nil {
		ix.Close()
		return res, err
	}
	r.engine.SetPool(pool)
	r.live.swap(ix, snap.Digest)
	res.Changed = true
	return res, nil
}

func countSections(docs []*notes.Document) int {
	n := 0
	for _, d := range docs {
		n += len(d.Sections)
	}
	return n
}

// run reloads on SIGHUP and, when refresh is positive and the notes are not
// the embedded ones, every refresh (a URL with a conditional request; a file
// such as a mounted ConfigMap is read again), until ctx ends.
func (r *reloader) run(ctx context.Context, refresh time.Duration) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	var tick <-chan time.Time
	if refresh > 0 && hasSource(r.sources) {
		t := time.NewTicker(refresh)
		defer t.Stop()
		tick = t.C
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-hup:
			_, _ = r.Reload(ctx, "sighup")
		case <-tick:
			_, _ = r.Reload(ctx, "refresh")
		}
	}
}

func hasSource(sources []string) bool {
	for _, s := range sources {
		if strings.TrimSpace(s) != "" {
			return true
		}
	}
	return false
}
