package bot

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/devopsbot/devopsbot/bot/slackfake"
	"github.com/devopsbot/devopsbot/notes"
	"github.com/devopsbot/devopsbot/quiz"
	"github.com/devopsbot/devopsbot/quiz/memory"
)

// BenchmarkHTTPLookup50 sends signed `/devops lookup` slash commands to the
// HTTP transport on loopback from 50 concurrent clients and reports the
// requests per second and the 99th percentile latency (budget: 10 ms).
//
//	go test ./bot -run '^$' -bench HTTPLookup50 -benchtime 2000x
func BenchmarkHTTPLookup50(b *testing.B) { benchHTTPLookup(b, 50) }

// BenchmarkHTTPLookup1 is the same with one client: the latency of one
// request on an idle server.
func BenchmarkHTTPLookup1(b *testing.B) { benchHTTPLookup(b, 1) }

func benchHTTPLookup(b *testing.B, clients int) {
	e := newHTTPEnv(b, nil, HTTPOptions{})
	slackfake.Load(b, slackfake.LoadOptions{
		Addr:   strings.TrimPrefix(e.srv.URL, "http://"),
		Path:   PathCommands,
		Secret: testSecret,
		Bodies: slackfake.SlashCommands(e.fake.ResponseURL("bench"), "lookup canary", "lookup blue green deployment",
			"lookup stack policy", "lookup codedeploy lifecycle hooks", "lookup ecs task definition",
			"lookup s3 cross region replication"),
		Clients: clients,
	})
	if len(e.fake.Calls()) != 0 {
		b.Errorf("lookups called Slack: %d calls", len(e.fake.Calls()))
	}
}

// BenchmarkHTTPHandlerLookup is the server's work for one `/devops lookup`
// slash command, on one goroutine and without a network: a signed request
// through the HTTP transport's handler (signature and replay checks, form,
// router, index search, rendering, reply JSON, log line and metrics), with
// the distinct queries of slackfake.Lookups in turn and no cache of
// replies, so that every lookup is searched and rendered anew. Compare runs
// with -count 6 and benchstat, or count instructions with callgrind.
//
//	go test ./bot -run '^$' -bench HTTPHandlerLookup -benchmem -count 6
func BenchmarkHTTPHandlerLookup(b *testing.B) { benchHTTPHandlerLookup(b, 0) }

// BenchmarkHTTPHandlerLookupCached is the same with serve's default cache
// of replies, every query asked once before: each is answered from it.
func BenchmarkHTTPHandlerLookupCached(b *testing.B) { benchHTTPHandlerLookup(b, 2048) }

func benchHTTPHandlerLookup(b *testing.B, cache int) {
	doc, err := notes.Default()
	if err != nil {
		b.Fatal(err)
	}
	r := NewRouter(nil, defaultIndex(b), quiz.New(nil, memory.New(), testPool(), quiz.Options{Seed: 1}), Options{LookupCache: cache})
	m := NewMetrics("test", Routes()...)
	d := NewDispatcher(nil, r, NewSlack(nil, NewSlackClient(slackfake.BotToken, "", "http://127.0.0.1:9/"), m), m, nil)
	h := NewHTTP(slog.New(slog.NewJSONHandler(io.Discard, nil)), d, HTTPOptions{SigningSecret: testSecret, Metrics: m}).Handler()
	queries := slackfake.Lookups(doc)
	for _, q := range queries[:min(cache, len(queries))] {
		r.Command(context.Background(), Request{User: "U1", Channel: "C1", Text: q})
	}
	bodies := slackfake.SlashCommands("https://hooks.slack.test/commands/bench", queries...)
	// Signed requests are made before the timer starts: each has its own
	// trigger_id, as a replay is refused.
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	reqs := make([]*http.Request, b.N)
	for i := range reqs {
		body := fmt.Appendf(slices.Clip(bodies[i%len(bodies)]), "&trigger_id=%d", i)
		req := httptest.NewRequest(http.MethodPost, PathCommands, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Slack-Request-Timestamp", ts)
		req.Header.Set("X-Slack-Signature", slackfake.Sign(testSecret, ts, body))
		reqs[i] = req
	}
	w := &discardWriter{h: http.Header{}}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		w.code = 0
		clear(w.h)
		h.ServeHTTP(w, reqs[i])
		if w.code != http.StatusOK {
			b.Fatalf("request %d: status %d", i, w.code)
		}
	}
}

// discardWriter is a ResponseWriter that keeps only the status code.
type discardWriter struct {
	h    http.Header
	code int
}

func (w *discardWriter) Header() http.Header { return w.h }

func (w *discardWriter) Write(p []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	return len(p), nil
}

func (w *discardWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
}
