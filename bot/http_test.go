package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/devopsbot/devopsbot/bot/slackfake"
	"github.com/devopsbot/devopsbot/index"
	"github.com/devopsbot/devopsbot/notes"
	"github.com/devopsbot/devopsbot/quiz"
	"github.com/devopsbot/devopsbot/quiz/memory"
)

const testSecret = "test-signing-secret"

var (
	indexOnce sync.Once
	testIx    *index.Index
	testIxErr error
)

// defaultIndex builds the index of the embedded notes once per test binary.
func defaultIndex(t testing.TB) *index.Index {
	t.Helper()
	indexOnce.Do(func() {
		var d *notes.Document
		if d, testIxErr = notes.Default(); testIxErr == nil {
			testIx, testIxErr = index.Build(d)
		}
	})
	if testIxErr != nil {
		t.Fatal(testIxErr)
	}
	return testIx
}

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "slack", name))
	if err != nil {
		t.Fatal(err)
	}
	return bytes.TrimSpace(b)
}

// httpEnv is the HTTP transport on loopback over a real router, an
// in-memory quiz and a fake Slack.
type httpEnv struct {
	fake  *slackfake.Server
	disp  *Dispatcher
	srv   *httptest.Server
	eng   *quiz.Engine
	store quiz.Store
}

func newHTTPEnv(t testing.TB, s Searcher, opts HTTPOptions) *httpEnv {
	t.Helper()
	return newHTTPEnvFor(t, s, opts, Options{})
}

// newHTTPEnvFor is newHTTPEnv with router options; files go through the
// fake Slack, as when serving.
func newHTTPEnvFor(t testing.TB, s Searcher, opts HTTPOptions, ropts Options) *httpEnv {
	t.Helper()
	if s == nil {
		s = defaultIndex(t)
	}
	fake := newFake(t)
	store := memory.New()
	eng := quiz.New(nil, store, testPool(), quiz.Options{Seed: 1})
	m := NewMetrics("test", Routes()...)
	sl := NewSlack(nil, NewSlackClient(slackfake.BotToken, "", fake.APIURL()), m)
	ropts.Files = sl
	r := NewRouter(nil, s, eng, ropts)
	disp := NewDispatcher(nil, r, sl, m, nil)
	if opts.SigningSecret == "" {
		opts.SigningSecret = testSecret
	}
	opts.Metrics = m
	srv := httptest.NewServer(NewHTTP(nil, disp, opts).Handler())
	t.Cleanup(func() {
		srv.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = disp.Wait(ctx)
	})
	return &httpEnv{fake: fake, disp: disp, srv: srv, eng: eng, store: store}
}

func (e *httpEnv) post(t testing.TB, path, ctype string, body []byte, signed bool) (int, []byte) {
	t.Helper()
	resp, out := e.postResponse(t, path, ctype, body, signed)
	return resp.StatusCode, out
}

// postResponse is post with the whole response; its body is read and
// closed.
func (e *httpEnv) postResponse(t testing.TB, path, ctype string, body []byte, signed bool) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+path, bytes.NewReader(body))
	req.Header.Set("Content-Type", ctype)
	if signed {
		slackfake.SignRequest(req, testSecret, body, time.Now())
	}
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, out
}

func TestHTTPDocumentedSlashCommand(t *testing.T) {
	e := newHTTPEnv(t, nil, HTTPOptions{})
	// The documented /weather example, re-signed now: its text "94070" is
	// looked up like any text without a subcommand.
	code, body := e.post(t, PathCommands, "application/x-www-form-urlencoded", readTestdata(t, "slash_command.weather-doc.body.txt"), true)
	if code != http.StatusOK {
		t.Fatalf("status %d: %s", code, body)
	}
	var r replyJSON
	if err := json.Unmarshal(body, &r); err != nil {
		t.Fatalf("reply %q: %v", body, err)
	}
	if r.ResponseType != "ephemeral" || r.Text == "" {
		t.Errorf("reply %+v, want an ephemeral text", r)
	}
}

func TestHTTPRoutes(t *testing.T) {
	ready := func() error { return errNotReadyForTest }
	e := newHTTPEnv(t, nil, HTTPOptions{Ready: ready, MaxBody: 1024})
	get := func(path string) (int, string) {
		resp, err := e.srv.Client().Get(e.srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	tests := []struct {
		name     string
		do       func() (int, string)
		code     int
		contains string
	}{
		{"healthz is ok", func() (int, string) { return get(PathHealthz) }, 200, "ok"},
		{"readyz reports why not ready", func() (int, string) { return get(PathReadyz) }, 503, "auth.test"},
		{"metrics are Prometheus text", func() (int, string) { return get(PathMetrics) }, 200, "devopsbot_http_requests_total"},
		{"GET on a Slack route is 405", func() (int, string) { return get(PathCommands) }, 405, ""},
		{"unknown path is 404", func() (int, string) { return get("/slack/other") }, 404, ""},
		{"body over the limit is 413", func() (int, string) {
			c, b := e.post(t, PathEvents, "application/json", bytes.Repeat([]byte("x"), 2048), true)
			return c, string(b)
		}, 413, ""},
		{"unsigned event is 401", func() (int, string) {
			c, b := e.post(t, PathEvents, "application/json", readTestdata(t, "url_verification.json"), false)
			return c, string(b)
		}, 401, ""},
		{"signed interaction without payload is 400", func() (int, string) {
			c, b := e.post(t, PathInteractions, "application/x-www-form-urlencoded", []byte("x=1"), true)
			return c, string(b)
		}, 400, "payload"},
		{"signed interaction with bad JSON is 400", func() (int, string) {
			c, b := e.post(t, PathInteractions, "application/x-www-form-urlencoded", []byte("payload=%7Bnot+json"), true)
			return c, string(b)
		}, 400, "payload"},
		{"signed event with bad JSON is 400", func() (int, string) {
			c, b := e.post(t, PathEvents, "application/json", []byte("{not json"), true)
			return c, string(b)
		}, 400, ""},
		{"signed unknown event type is acknowledged", func() (int, string) {
			c, b := e.post(t, PathEvents, "application/json", []byte(`{"type":"app_rate_limited","minute_rate_limited":1}`), true)
			return c, string(b)
		}, 200, ""},
		{"documented url_verification echoes the challenge", func() (int, string) {
			c, b := e.post(t, PathEvents, "application/json", readTestdata(t, "url_verification.json"), true)
			return c, string(b)
		}, 200, string(readTestdata(t, "url_verification.expected-response.txt"))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body := tt.do()
			if code != tt.code || !strings.Contains(body, tt.contains) {
				t.Errorf("got %d %q, want %d containing %q", code, body, tt.code, tt.contains)
			}
		})
	}
}

var errNotReadyForTest = &notReady{}

type notReady struct{}

func (*notReady) Error() string { return "waiting for Slack auth.test" }

func TestHTTPSlackRoutesOffWithoutSecret(t *testing.T) {
	h := NewHTTP(nil, nil, HTTPOptions{})
	rec := httptest.NewRecorder()
	h.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodPost, PathEvents, strings.NewReader("{}")))
	if rec.Code != http.StatusNotFound {
		t.Errorf("status %d, want 404", rec.Code)
	}
}

// withResponseURL rewrites the documented block_actions HTTP body to carry
// a response_url of the fake (the documented one is Slack's).
func withResponseURL(t *testing.T, body []byte, responseURL string, edit func(p map[string]any)) []byte {
	t.Helper()
	form, err := url.ParseQuery(string(body))
	if err != nil {
		t.Fatal(err)
	}
	var p map[string]any
	if err := json.Unmarshal([]byte(form.Get("payload")), &p); err != nil {
		t.Fatal(err)
	}
	p["response_url"] = responseURL
	if edit != nil {
		edit(p)
	}
	raw, _ := json.Marshal(p)
	return []byte(url.Values{"payload": {string(raw)}}.Encode())
}

func TestHTTPDocumentedBlockActionsAckedThenAnswered(t *testing.T) {
	e := newHTTPEnv(t, nil, HTTPOptions{})
	body := withResponseURL(t, readTestdata(t, "block_actions.http-body.txt"), e.fake.ResponseURL("doc"), nil)
	start := time.Now()
	code, out := e.post(t, PathInteractions, "application/x-www-form-urlencoded", body, true)
	if code != http.StatusOK || len(out) != 0 {
		t.Fatalf("ack %d %q, want an empty 200", code, out)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("ack took %v", d)
	}
	// The documented action (WaXA) is not one of ours: the clicker is told
	// privately.
	calls, ok := e.fake.Wait(5*time.Second, func(c []slackfake.Call) bool { return len(c) > 0 })
	if !ok || calls[0].Method != "response_url" || calls[0].ResponseType != "ephemeral" || calls[0].ReplaceOriginal {
		t.Fatalf("calls %+v, want one ephemeral response_url reply", calls)
	}
}

func TestHTTPShareFallsBackToResponseURL(t *testing.T) {
	e := newHTTPEnv(t, nil, HTTPOptions{})
	share := func(channel, name string) {
		body := withResponseURL(t, readTestdata(t, "block_actions.http-body.txt"), e.fake.ResponseURL(name), func(p map[string]any) {
			p["channel"] = map[string]any{"id": channel}
			p["container"] = map[string]any{"type": "message", "message_ts": "1548261231.000200", "channel_id": channel, "is_ephemeral": true}
			p["actions"] = []any{map[string]any{"action_id": ActionShare, "block_id": "share", "value": "lookup|canary", "type": "button"}}
		})
		if code, out := e.post(t, PathInteractions, "application/x-www-form-urlencoded", body, true); code != 200 {
			t.Fatalf("ack %d %s", code, out)
		}
	}
	share("CPUBLIC01", "in-channel")
	calls, ok := e.fake.Wait(5*time.Second, func(c []slackfake.Call) bool { return len(c) > 0 })
	if !ok || calls[0].Method != "chat.postMessage" || calls[0].Channel != "CPUBLIC01" {
		t.Fatalf("calls %+v, want a public chat.postMessage", calls)
	}
	// Where chat.postMessage cannot post (the fake answers
	// channel_not_found for an empty channel), the response_url posts it.
	share("", "fallback")
	calls, ok = e.fake.Wait(5*time.Second, func(c []slackfake.Call) bool {
		for _, x := range c {
			if x.Method == "response_url" && strings.HasSuffix(x.Path, "/fallback") {
				return true
			}
		}
		return false
	})
	if !ok {
		t.Fatalf("no response_url fallback: %+v", calls)
	}
	// Each share replaces the clicker's private copy (one replace_original
	// per share, without the Share button); every other response_url call
	// is the public post.
	calls, _ = e.fake.Wait(5*time.Second, func(c []slackfake.Call) bool {
		n := 0
		for _, x := range c {
			if x.ReplaceOriginal {
				n++
			}
		}
		return n >= 2
	})
	replaced := map[string]int{}
	for _, x := range calls {
		switch {
		case x.Method == "response_url" && x.ReplaceOriginal:
			replaced[x.Path[strings.LastIndexByte(x.Path, '/')+1:]]++
			if strings.Contains(string(x.Blocks), ActionShare) {
				t.Errorf("private copy keeps its Share button: %s", x.Blocks)
			}
		case x.Method == "response_url" && x.ResponseType != "in_channel":
			t.Errorf("fallback response_type %q, want in_channel", x.ResponseType)
		}
	}
	if replaced["in-channel"] != 1 || replaced["fallback"] != 1 {
		t.Errorf("private copies replaced %v, want once per share", replaced)
	}
}

// slowSearcher delays every search and every answer.
type slowSearcher struct {
	Searcher
	delay time.Duration
}

func (s slowSearcher) wait(ctx context.Context) error {
	select {
	case <-time.After(s.delay):
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s slowSearcher) Search(ctx context.Context, q string, k int) ([]index.Hit, error) {
	if err := s.wait(ctx); err != nil {
		return nil, err
	}
	return s.Searcher.Search(ctx, q, k)
}

func (s slowSearcher) Ask(ctx context.Context, q index.Question) (index.Answer, error) {
	if err := s.wait(ctx); err != nil {
		return index.Answer{}, err
	}
	return s.Searcher.Ask(ctx, q)
}

func TestHTTPSlowCommandAnsweredThroughResponseURL(t *testing.T) {
	e := newHTTPEnv(t, slowSearcher{defaultIndex(t), 300 * time.Millisecond}, HTTPOptions{CommandWait: 50 * time.Millisecond})
	form := url.Values{"command": {"/devops"}, "text": {"ask Which deployment shifts traffic gradually? A) canary B) all at once"},
		"user_id": {"U1"}, "channel_id": {"C1"}, "response_url": {e.fake.ResponseURL("slow")}}
	code, body := e.post(t, PathCommands, "application/x-www-form-urlencoded", []byte(form.Encode()), true)
	if code != 200 || !strings.Contains(string(body), "Working on it") {
		t.Fatalf("got %d %s, want a quick working-on-it note", code, body)
	}
	calls, ok := e.fake.Wait(5*time.Second, func(c []slackfake.Call) bool { return len(c) > 0 })
	if !ok || calls[0].Method != "response_url" || !strings.Contains(strings.ToLower(calls[0].BlockText()), "canary") {
		t.Fatalf("calls %+v, want the answer through the response_url", calls)
	}
}

// A lookup searches the index in memory and runs on the request's own
// goroutine: it is answered in the response body however long it takes.
func TestHTTPLookupAnsweredInline(t *testing.T) {
	e := newHTTPEnv(t, slowSearcher{defaultIndex(t), 100 * time.Millisecond}, HTTPOptions{CommandWait: 10 * time.Millisecond})
	form := url.Values{"command": {"/devops"}, "text": {"lookup canary"}, "user_id": {"U1"}, "channel_id": {"C1"},
		"response_url": {e.fake.ResponseURL("slow")}}
	code, body := e.post(t, PathCommands, "application/x-www-form-urlencoded", []byte(form.Encode()), true)
	if code != 200 || !strings.Contains(string(body), "Canary deployment") {
		t.Fatalf("got %d %s, want the lookup's answer", code, body)
	}
	if calls := e.fake.Calls(); len(calls) != 0 {
		t.Errorf("calls %+v, want none", calls)
	}
}

func TestHTTPEventsAfterShutdownAreRefused(t *testing.T) {
	e := newHTTPEnv(t, nil, HTTPOptions{})
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if err := e.disp.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	code, _ := e.post(t, PathEvents, "application/json", readTestdata(t, "app_mention.event_callback.json"), true)
	if code != http.StatusServiceUnavailable {
		t.Errorf("status %d, want 503 so that Slack retries", code)
	}
}

// replyJSON decodes a slash command reply.
type replyJSON struct {
	ResponseType string          `json:"response_type"`
	Text         string          `json:"text"`
	Blocks       json.RawMessage `json:"blocks"`
}

// TestHTTPLookupReplyHasLength: a lookup's reply (several KB of Block Kit)
// goes out with its Content-Length, not in chunks.
func TestHTTPLookupReplyHasLength(t *testing.T) {
	e := newHTTPEnv(t, nil, HTTPOptions{})
	form := url.Values{"command": {"/devops"}, "text": {"lookup canary"}, "user_id": {"U1"}, "channel_id": {"C1"},
		"response_url": {e.fake.ResponseURL("len")}}
	resp, out := e.postResponse(t, PathCommands, "application/x-www-form-urlencoded", []byte(form.Encode()), true)
	if resp.StatusCode != http.StatusOK || len(out) < 2048 {
		t.Fatalf("status %d, %d bytes: want a reply over 2 KB", resp.StatusCode, len(out))
	}
	if len(resp.TransferEncoding) != 0 || resp.ContentLength != int64(len(out)) {
		t.Errorf("transfer encoding %v, content length %d for %d bytes: want the length, no chunks",
			resp.TransferEncoding, resp.ContentLength, len(out))
	}
}
