package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/devopsbot/devopsbot/bot"
	"github.com/devopsbot/devopsbot/notes"
	"github.com/devopsbot/devopsbot/quiz"
	"github.com/devopsbot/devopsbot/quiz/memory"
)

// newTestReloader serves the notes of sources as serve does, with a
// reloader over them.
func newTestReloader(t *testing.T, sources ...string) (*reloader, *bot.Metrics) {
	t.Helper()
	lg := slog.New(slog.NewTextHandler(io.Discard, nil))
	loader := notes.NewLoader(lg, notes.LoaderOptions{})
	snap, err := loader.Load(context.Background(), sources...)
	if err != nil {
		t.Fatal(err)
	}
	ix, err := buildIndexFrom(snap.Docs, nil)
	if err != nil {
		t.Fatal(err)
	}
	live := newLiveIndex(ix, snap.Digest)
	t.Cleanup(live.Close)
	pool := func(docs []*notes.Document) ([]quiz.Question, error) { return quiz.Pool(docs, nil), nil }
	qs, _ := pool(snap.Docs)
	m := bot.NewMetrics("test")
	return &reloader{lg: lg, loader: loader, sources: sources, live: live, metrics: m,
		engine: quiz.New(lg, memory.New(), qs, quiz.Options{Seed: 1}), pool: pool}, m
}

// reloadsCounted reads devopsbot_notes_reloads_total{result}.
func reloadsCounted(t *testing.T, m *bot.Metrics, result string) float64 {
	t.Helper()
	families, err := m.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != "devopsbot_notes_reloads_total" {
			continue
		}
		for _, s := range f.GetMetric() {
			for _, l := range s.GetLabel() {
				if l.GetName() == "result" && l.GetValue() == result {
					return s.GetCounter().GetValue()
				}
			}
		}
	}
	t.Fatalf("no devopsbot_notes_reloads_total{result=%q}", result)
	return 0
}

func mustWrite(t *testing.T, p, md string) {
	t.Helper()
	if err := os.WriteFile(p, []byte(md), 0o644); err != nil {
		t.Fatal(err)
	}
}

func topID(t *testing.T, s bot.Searcher, q string) string {
	t.Helper()
	hits, err := s.Search(context.Background(), q, 3)
	if err != nil {
		t.Fatalf("search %q: %v", q, err)
	}
	if len(hits) == 0 {
		return ""
	}
	return hits[0].ID
}

const notesV1 = "# Spot instances\n* Spot capacity can be interrupted with two minutes notice\n"
const notesV2 = "# Spot instances\n* Spot capacity can be interrupted with two minutes notice\n" +
	"# Savings plans\n* Savings plans commit to an hourly spend for one or three years\n"

// TestReloadUnderConcurrentLookups: 50 clients search without pause while
// the notes are reloaded again and again; no search fails, and the new
// notes are searched once a reload returns.
func TestReloadUnderConcurrentLookups(t *testing.T) {
	p := writeNotes(t, "team.md", notesV1)
	r, m := newTestReloader(t, p)
	ctx, stop := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	var searches, failures atomic.Int64
	for i := range 50 {
		wg.Go(func() {
			queries := []string{"spot interrupted", "savings plans hourly", "two minutes notice"}
			for ctx.Err() == nil {
				if _, err := r.live.Search(context.Background(), queries[i%len(queries)], 5); err != nil {
					failures.Add(1)
					t.Errorf("search during reload: %v", err)
					return
				}
				searches.Add(1)
			}
		})
	}
	for i := range 6 {
		md := notesV1
		if i%2 == 0 {
			md = notesV2
		}
		mustWrite(t, p, md)
		res, err := r.Reload(ctx, "test")
		if err != nil || !res.Changed {
			t.Fatalf("reload %d: %+v, %v", i, res, err)
		}
		if got, want := topID(t, r.live, "savings plans hourly") == "savings-plans", i%2 == 0; got != want {
			t.Errorf("reload %d: savings plans found = %v, want %v", i, got, want)
		}
	}
	for searches.Load() < 500 && failures.Load() == 0 {
		time.Sleep(time.Millisecond) // let the clients overlap the reloads
	}
	stop()
	wg.Wait()
	if failures.Load() > 0 {
		t.Fatalf("%d of %d searches failed", failures.Load(), searches.Load())
	}
	if got := reloadsCounted(t, m, bot.ReloadChanged); got != 6 {
		t.Errorf("changed reloads counted = %v, want 6", got)
	}
	if got := r.live.generation(); got != 6 {
		t.Errorf("index generation after 6 reloads = %d, want 6 (cached lookup replies would outlive their notes)", got)
	}
}

// TestReloadOfBrokenNotesKeepsTheOld: a reload that cannot read or parse
// the notes changes nothing and says why; an unchanged file is no reload.
func TestReloadOfBrokenNotesKeepsTheOld(t *testing.T) {
	p := writeNotes(t, "team.md", notesV2)
	r, m := newTestReloader(t, p)
	ctx := context.Background()
	questions := len(r.engine.Questions())

	res, err := r.Reload(ctx, "test")
	if err != nil || res.Changed || res.Sections != 2 {
		t.Fatalf("unchanged notes: %+v, %v", res, err)
	}
	for _, broken := range []string{"", "\x00\x01binary"} {
		mustWrite(t, p, broken)
		res, err := r.Reload(ctx, "test")
		if err == nil || res.Changed || !strings.Contains(err.Error(), p) {
			t.Fatalf("broken notes %q: %+v, %v (want an error naming the file)", broken, res, err)
		}
		if got := topID(t, r.live, "savings plans hourly"); got != "savings-plans" {
			t.Errorf("after a failed reload the top hit is %q, want the old notes' savings-plans", got)
		}
		if n := len(r.engine.Questions()); n != questions {
			t.Errorf("after a failed reload %d questions, want the old %d", n, questions)
		}
	}
	if err := os.Remove(p); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Reload(ctx, "test"); err == nil {
		t.Error("reload of a deleted file: no error")
	}
	if got := reloadsCounted(t, m, bot.ReloadFailed); got != 3 {
		t.Errorf("failed reloads counted = %v, want 3", got)
	}
}

// TestRefreshFetchesURLNotes: with a refresh period, notes from a URL are
// fetched again on their own (with the ETag: a 304 changes nothing).
func TestRefreshFetchesURLNotes(t *testing.T) {
	var body atomic.Pointer[string]
	v1 := notesV1
	body.Store(&v1)
	var requests atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		requests.Add(1)
		b := *body.Load()
		etag := `"` + string(rune('a'+len(b)%26)) + `"`
		if req.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", etag)
		io.WriteString(w, b)
	}))
	defer srv.Close()
	r, _ := newTestReloader(t, srv.URL+"/team.md")
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { r.run(ctx, 5*time.Millisecond); close(done) }()
	defer func() { stop(); <-done }()

	v2 := notesV2
	body.Store(&v2)
	deadline := time.Now().Add(10 * time.Second)
	for topID(t, r.live, "savings plans hourly") != "savings-plans" {
		if time.Now().After(deadline) {
			t.Fatalf("the refreshed notes never arrived (%d requests)", requests.Load())
		}
		time.Sleep(5 * time.Millisecond)
	}
}
