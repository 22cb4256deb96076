// Package slackfake is a fake Slack for tests: a Web API on 127.0.0.1 that
// records chat.postMessage, chat.postEphemeral, chat.update, auth.test,
// conversations.open, views.open, views.publish, chat.getPermalink, the three steps of a file upload
// (files.getUploadURLExternal, the upload to the URL it returns, which is
// on the same server, and files.completeUploadExternal) and response_url
// calls, answers them the way Slack does, can fail on demand (429 with
// Retry-After, 5xx, or a Slack error code), and serves a Socket Mode WebSocket endpoint
// (apps.connections.open returns its ws:// URL).
package slackfake

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// Tokens the fake accepts.
const (
	BotToken = "xoxb-fake-0000000000-devopsbot"
	AppToken = "xapp-1-fake-0000000000-devopsbot"
	BotUser  = "UBOT0001"
	BotID    = "BBOT0001"
)

// Call is one recorded Web API or response_url call.
type Call struct {
	Method          string          `json:"method"` // "chat.postMessage", ..., or "response_url"
	Channel         string          `json:"channel,omitempty"`
	User            string          `json:"user,omitempty"`
	TS              string          `json:"ts,omitempty"` // the message's ts (assigned for posts)
	ThreadTS        string          `json:"thread_ts,omitempty"`
	Text            string          `json:"text,omitempty"`
	Blocks          json.RawMessage `json:"blocks,omitempty"`
	ViewType        string          `json:"view_type,omitempty"` // views.publish: "home"
	ResponseType    string          `json:"response_type,omitempty"`
	ReplaceOriginal bool            `json:"replace_original,omitempty"`
	Path            string          `json:"-"`
	Token           string          `json:"-"`
}

// Button is an interactive button found in a message's blocks.
type Button struct {
	ActionID, Value, Text string
}

// Buttons returns the buttons in c's blocks, in order.
func (c Call) Buttons() []Button {
	var out []Button
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if x["type"] == "button" {
				b := Button{}
				b.ActionID, _ = x["action_id"].(string)
				b.Value, _ = x["value"].(string)
				if t, ok := x["text"].(map[string]any); ok {
					b.Text, _ = t["text"].(string)
				}
				out = append(out, b)
				return
			}
			for _, k := range sortedKeys(x) {
				walk(x[k])
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	var v any
	if json.Unmarshal(c.Blocks, &v) == nil {
		walk(v)
	}
	return out
}

// BlockText returns the texts of c's blocks, one per line, in order.
func (c Call) BlockText() string {
	var lines []string
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if t, ok := x["text"].(string); ok {
				lines = append(lines, t)
			}
			for _, k := range sortedKeys(x) {
				if _, isStr := x[k].(string); !isStr {
					walk(x[k])
				}
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	var v any
	if json.Unmarshal(c.Blocks, &v) == nil {
		walk(v)
	}
	return strings.Join(lines, "\n")
}

// keys in a stable, block-friendly order: text before elements.
func sortedKeys(m map[string]any) []string {
	order := []string{"type", "text", "fields", "elements", "accessory", "blocks"}
	var out []string
	seen := map[string]bool{}
	for _, k := range order {
		if _, ok := m[k]; ok {
			out = append(out, k)
			seen[k] = true
		}
	}
	for k := range m {
		if !seen[k] {
			out = append(out, k)
		}
	}
	return out
}

type failure struct {
	status     int
	retryAfter string
	code       string // a Slack error code answered with HTTP 200 and ok false
}

// Server is the fake Slack.
type Server struct {
	srv *httptest.Server

	mu       sync.Mutex
	calls    []Call
	seq      int
	failures map[string][]failure
	hits     map[string]int
	changed  chan struct{}
	files    map[string]*File // uploads by file ID (files.go)
	views    []View           // opened with views.open (views.go)

	// Socket Mode
	upgrader websocket.Upgrader
	wsMu     sync.Mutex
	ws       *websocket.Conn
	wsOpen   chan struct{}
	acks     chan json.RawMessage
	opens    int
	rejects  int
}

// New starts a fake Slack on 127.0.0.1, stopped when the test ends.
func New(tb testing.TB) *Server {
	tb.Helper()
	s := &Server{
		failures: map[string][]failure{},
		hits:     map[string]int{},
		files:    map[string]*File{},
		changed:  make(chan struct{}),
		wsOpen:   make(chan struct{}, 16),
		acks:     make(chan json.RawMessage, 64),
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/api/", s.api)
	mux.HandleFunc("/response/", s.response)
	mux.HandleFunc("/upload/", s.upload)
	mux.HandleFunc("/link", s.link)
	// slack-go dials with Origin https://api.slack.com, which Slack accepts.
	s.upgrader.CheckOrigin = func(r *http.Request) bool { return r.Header.Get("Origin") == "https://api.slack.com" }
	s.srv = httptest.NewUnstartedServer(mux)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("slackfake: listen: %v", err)
	}
	s.srv.Listener = ln
	s.srv.Start()
	tb.Cleanup(s.Close)
	return s
}

// Close stops the server.
func (s *Server) Close() {
	s.wsMu.Lock()
	if s.ws != nil {
		_ = s.ws.Close()
	}
	s.wsMu.Unlock()
	s.srv.CloseClientConnections()
	s.srv.Close()
}

// APIURL is the Web API base URL, with the trailing slash.
func (s *Server) APIURL() string { return s.srv.URL + "/api/" }

// ResponseURL returns a response_url served by the fake.
func (s *Server) ResponseURL(name string) string {
	return s.srv.URL + "/response/" + url.PathEscape(name)
}

// FailNext makes the next call of method fail with status; retryAfter is
// the Retry-After header ("" for none).
func (s *Server) FailNext(method string, status int, retryAfter string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures[method] = append(s.failures[method], failure{status: status, retryAfter: retryAfter})
}

// FailNextWith makes the next call of method answer Slack's error code
// (ok false), as Slack does for, say, not_in_channel.
func (s *Server) FailNextWith(method, code string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures[method] = append(s.failures[method], failure{code: code})
}

// Calls returns the recorded calls of the given methods (all when none).
func (s *Server) Calls(methods ...string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Call
	for _, c := range s.calls {
		if len(methods) == 0 || contains(methods, c.Method) {
			out = append(out, c)
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Wait waits until cond holds for the recorded calls or timeout passes; it
// returns the calls and whether cond held.
func (s *Server) Wait(timeout time.Duration, cond func(calls []Call) bool) ([]Call, bool) {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		calls := append([]Call(nil), s.calls...)
		ch := s.changed
		s.mu.Unlock()
		if cond(calls) {
			return calls, true
		}
		select {
		case <-ch:
		case <-deadline.C:
			return calls, false
		}
	}
}

func (s *Server) record(c Call) Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c.Method == "chat.postMessage" || c.Method == "chat.postEphemeral" {
		s.seq++
		c.TS = fmt.Sprintf("1764100000.%06d", s.seq)
	}
	s.calls = append(s.calls, c)
	close(s.changed)
	s.changed = make(chan struct{})
	return c
}

// Hits returns how many requests reached method, failed ones included.
func (s *Server) Hits(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[method]
}

// takeFailure counts a request to method and returns the failure queued
// for it, if any.
func (s *Server) takeFailure(method string) (failure, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hits[method]++
	f := s.failures[method]
	if len(f) == 0 {
		return failure{}, false
	}
	s.failures[method] = f[1:]
	return f[0], true
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_ = json.NewEncoder(w).Encode(v)
}

func (s *Server) api(w http.ResponseWriter, r *http.Request) {
	method := strings.TrimPrefix(r.URL.Path, "/api/")
	if f, ok := s.takeFailure(method); ok && f.code != "" {
		writeJSON(w, map[string]any{"ok": false, "error": f.code})
		return
	} else if ok {
		if f.retryAfter != "" {
			w.Header().Set("Retry-After", f.retryAfter)
		}
		http.Error(w, http.StatusText(f.status), f.status)
		return
	}
	body, _ := io.ReadAll(r.Body)
	token := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	form, _ := url.ParseQuery(string(body))
	if form.Get("token") != "" {
		token = form.Get("token")
	}
	switch method {
	case "apps.connections.open":
		s.mu.Lock()
		reject := s.rejects > 0
		if reject {
			s.rejects--
		}
		s.mu.Unlock()
		if token != AppToken || reject {
			writeJSON(w, map[string]any{"ok": false, "error": "invalid_auth"})
			return
		}
		s.mu.Lock()
		s.opens++
		s.mu.Unlock()
		writeJSON(w, map[string]any{"ok": true, "url": "ws" + strings.TrimPrefix(s.srv.URL, "http") + "/link"})
		return
	}
	if token != BotToken {
		writeJSON(w, map[string]any{"ok": false, "error": "invalid_auth"})
		return
	}
	c := Call{
		Method:   method,
		Path:     r.URL.Path,
		Token:    token,
		Channel:  form.Get("channel"),
		User:     form.Get("user"),
		TS:       form.Get("ts"),
		ThreadTS: form.Get("thread_ts"),
		Text:     form.Get("text"),
	}
	if b := form.Get("blocks"); b != "" {
		c.Blocks = json.RawMessage(b)
	}
	switch method {
	case "auth.test":
		s.record(c)
		writeJSON(w, map[string]any{"ok": true, "url": "https://example.slack.com/", "team": "Example",
			"user": "devopsbot", "team_id": "T0001", "user_id": BotUser, "bot_id": BotID})
	case "chat.postMessage":
		if c.Channel == "" {
			writeJSON(w, map[string]any{"ok": false, "error": "channel_not_found"})
			return
		}
		c = s.record(c)
		writeJSON(w, map[string]any{"ok": true, "channel": c.Channel, "ts": c.TS,
			"message": map[string]any{"type": "message", "text": c.Text, "ts": c.TS, "thread_ts": c.ThreadTS}})
	case "chat.postEphemeral":
		c = s.record(c)
		writeJSON(w, map[string]any{"ok": true, "message_ts": c.TS})
	case "chat.update":
		if c.TS == "" {
			writeJSON(w, map[string]any{"ok": false, "error": "message_not_found"})
			return
		}
		s.record(c)
		writeJSON(w, map[string]any{"ok": true, "channel": c.Channel, "ts": c.TS, "text": c.Text})
	case "conversations.open":
		s.openIM(w, c, form)
	case "files.getUploadURLExternal":
		s.uploadURL(w, c, form)
	case "files.completeUploadExternal":
		s.completeUpload(w, c, form)
	case "views.open":
		s.openView(w, c, body)
	case "views.publish":
		s.publishView(w, c, body)
	case "chat.getPermalink":
		s.permalink(w, c, r.URL.Query())
	default:
		writeJSON(w, map[string]any{"ok": false, "error": "unknown_method"})
	}
}

func (s *Server) response(w http.ResponseWriter, r *http.Request) {
	if f, ok := s.takeFailure("response_url"); ok {
		if f.retryAfter != "" {
			w.Header().Set("Retry-After", f.retryAfter)
		}
		http.Error(w, http.StatusText(f.status), f.status)
		return
	}
	var m struct {
		Text            string          `json:"text"`
		Blocks          json.RawMessage `json:"blocks"`
		ResponseType    string          `json:"response_type"`
		ReplaceOriginal bool            `json:"replace_original"`
		ThreadTS        string          `json:"thread_ts"`
	}
	if err := json.NewDecoder(r.Body).Decode(&m); err != nil {
		http.Error(w, "bad json", http.StatusBadRequest)
		return
	}
	if r.Header.Get("Authorization") != "" {
		http.Error(w, "response_url calls carry no token", http.StatusBadRequest)
		return
	}
	s.record(Call{Method: "response_url", Path: r.URL.Path, Text: m.Text, Blocks: m.Blocks,
		ResponseType: m.ResponseType, ReplaceOriginal: m.ReplaceOriginal, ThreadTS: m.ThreadTS})
	writeJSON(w, map[string]any{"ok": true})
}

// Sign returns Slack's v0 signature of body sent at timestamp ts (Unix
// seconds, as in X-Slack-Request-Timestamp): "v0=" + hex(HMAC-SHA256(secret,
// "v0:" + ts + ":" + body)).
func Sign(secret, ts string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte("v0:" + ts + ":"))
	m.Write(body)
	return "v0=" + hex.EncodeToString(m.Sum(nil))
}

// SignRequest sets the signature headers of r for body, signed now.
func SignRequest(r *http.Request, secret string, body []byte, now time.Time) {
	ts := strconv.FormatInt(now.Unix(), 10)
	r.Header.Set("X-Slack-Request-Timestamp", ts)
	r.Header.Set("X-Slack-Signature", Sign(secret, ts, body))
}
