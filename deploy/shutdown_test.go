package deploy

import (
	"bufio"
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/devopsbot/devopsbot/bot/slackfake"
)

// Secrets of the end-to-end run: none may appear in the process's output.
const (
	e2eBotToken = "xoxb-4242424242-1717171717-e2eSecretBotTokenValue"
	e2eSecret   = "e2e0b5f1c3a9d7e2f4b6a8c0d2e4f6a8"
)

// fakeSlackAPI is a tiny Slack Web API: auth.test, and chat.postMessage
// that takes postDelay to answer, so a reply can be caught in flight.
type fakeSlackAPI struct {
	postDelay time.Duration
	posting   chan struct{} // closed when the first chat.postMessage arrives

	mu     sync.Mutex
	posted []url.Values // chat.postMessage calls answered in full
	doneAt time.Time    // when the last one was answered
	tokens []string     // Authorization headers and token fields seen
	once   sync.Once
}

func (f *fakeSlackAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	f.mu.Lock()
	f.tokens = append(f.tokens, r.Header.Get("Authorization")+r.Form.Get("token"))
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	switch strings.TrimPrefix(r.URL.Path, "/api/") {
	case "auth.test":
		io.WriteString(w, `{"ok":true,"url":"https://example.slack.com/","team":"Example","user":"devopsbot","team_id":"T0001","user_id":"UBOT0001","bot_id":"BBOT0001"}`)
	case "chat.postMessage":
		f.once.Do(func() { close(f.posting) })
		time.Sleep(f.postDelay)
		f.mu.Lock()
		f.posted = append(f.posted, r.Form)
		f.doneAt = time.Now()
		f.mu.Unlock()
		fmt.Fprintf(w, `{"ok":true,"channel":%q,"ts":"1700000000.000100"}`, r.Form.Get("channel"))
	case "chat.postEphemeral":
		io.WriteString(w, `{"ok":true,"message_ts":"1700000000.000200"}`)
	case "chat.update":
		fmt.Fprintf(w, `{"ok":true,"channel":%q,"ts":%q}`, r.Form.Get("channel"), r.Form.Get("ts"))
	default:
		io.WriteString(w, `{"ok":false,"error":"unknown_method"}`)
	}
}

// lockedBuffer collects the process's stderr.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// serveProc is `devopsbot serve` running as a child process.
type serveProc struct {
	cmd    *exec.Cmd
	stderr *lockedBuffer // stdout and stderr together
	exited chan error    // receives the result of cmd.Wait
	gone   bool          // the test has received from exited
}

// startServe starts `bin serve` with env; defer its kill.
func startServe(t *testing.T, bin string, env []string) *serveProc {
	t.Helper()
	p := &serveProc{cmd: exec.Command(bin, "serve"), stderr: &lockedBuffer{}, exited: make(chan error, 1)}
	p.cmd.Env = env
	p.cmd.Stderr, p.cmd.Stdout = p.stderr, p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.exited <- p.cmd.Wait() }()
	return p
}

// kill ends the process unless the test has seen it exit.
func (p *serveProc) kill() {
	if !p.gone {
		_ = p.cmd.Process.Kill()
		<-p.exited
	}
}

// ready reports whether base/readyz answers 200.
func ready(base string) bool {
	resp, err := http.Get(base + "/readyz")
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// signedHeaders returns Slack's v0 signature headers for body, now.
func signedHeaders(body string) string {
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	mac := hmac.New(sha256.New, []byte(e2eSecret))
	fmt.Fprintf(mac, "v0:%s:%s", ts, body)
	return "X-Slack-Request-Timestamp: " + ts + "\r\nX-Slack-Signature: v0=" + hex.EncodeToString(mac.Sum(nil)) + "\r\n"
}

// TestServeSIGTERMFinishesInFlightWork runs the real binary (as built for
// the image) in serve mode against a fake Slack, catches a slash command
// half sent and a reply to a mention half posted, sends SIGTERM, and checks
// that both complete, the process exits 0 in time, /healthz and the
// healthcheck command worked before, and no secret reached the logs.
func TestServeSIGTERMFinishesInFlightWork(t *testing.T) {
	bin := imageBinary(t)
	fake := &fakeSlackAPI{postDelay: 2500 * time.Millisecond, posting: make(chan struct{})}
	slackSrv := httptest.NewServer(fake)
	defer slackSrv.Close()

	addr := freePort(t)
	env := []string{
		"PATH=/usr/bin:/bin",
		"HOME=" + t.TempDir(),
		"SLACK_BOT_TOKEN=" + e2eBotToken,
		"SLACK_SIGNING_SECRET=" + e2eSecret,
		"SLACK_API_URL=" + slackSrv.URL + "/api/",
		"DEVOPSBOT_ADDR=" + addr,
		"DEVOPSBOT_DB=" + filepath.Join(t.TempDir(), "devopsbot.db"),
	}
	p := startServe(t, bin, env)
	defer p.kill()

	// Ready: notes indexed, store open, auth.test passed.
	base := "http://" + addr
	deadline := time.Now().Add(15 * time.Second)
	for !ready(base) {
		select {
		case err := <-p.exited:
			p.gone = true
			t.Fatalf("serve exited before ready: %v\n%s", err, p.stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve not ready after 15 s:\n%s", p.stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}

	// The container health check, against the real server.
	for _, args := range [][]string{{"healthcheck"}, {"healthcheck", "--path", "/readyz"}} {
		hc := exec.Command(bin, args...)
		hc.Env = env
		if out, err := hc.CombinedOutput(); err != nil {
			t.Errorf("devopsbot %v against a running bot: %v\n%s", args, err, out)
		}
	}

	// 1. A mention: acknowledged at once, answered in the background by a
	// chat.postMessage that the fake holds for postDelay.
	event := `{"type":"event_callback","event_id":"Ev0E2E0001","team_id":"T0001","event":{"type":"app_mention","user":"U0E2E0001","text":"<@UBOT0001> canary deployment","ts":"1700000000.000001","channel":"C0E2E0001"}}`
	req, _ := http.NewRequest("POST", base+"/slack/events", strings.NewReader(event))
	for _, h := range strings.Split(strings.TrimSpace(signedHeaders(event)), "\r\n") {
		k, v, _ := strings.Cut(h, ": ")
		req.Header.Set(k, v)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST /slack/events: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("POST /slack/events: status %d", resp.StatusCode)
	}

	// 2. A slash command whose body is only half sent.
	form := url.Values{
		"command": {"/devops"}, "text": {"lookup canary"}, "user_id": {"U0E2E0002"}, "user_name": {"ana"},
		"channel_id": {"C0E2E0001"}, "team_id": {"T0001"}, "response_url": {slackSrv.URL + "/response/1"},
		"trigger_id": {"1.2.3"},
	}.Encode()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	half := len(form) / 2
	head := "POST /slack/commands HTTP/1.1\r\nHost: " + addr + "\r\nContent-Type: application/x-www-form-urlencoded\r\n" +
		"Content-Length: " + strconv.Itoa(len(form)) + "\r\n" + signedHeaders(form) + "\r\n"
	if _, err := io.WriteString(conn, head+form[:half]); err != nil {
		t.Fatal(err)
	}

	// Both are in flight: SIGTERM now. The pause lets the server accept
	// the connection and read the request head (a connection still in the
	// listen queue at shutdown is reset, which is not what is tested here);
	// the fake holds the post for postDelay, well beyond it.
	select {
	case <-fake.posting:
	case <-time.After(10 * time.Second):
		t.Fatalf("the mention reply never reached chat.postMessage:\n%s", p.stderr.String())
	}
	time.Sleep(300 * time.Millisecond)
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	sigterm := time.Now()
	time.Sleep(300 * time.Millisecond)
	if _, err := io.WriteString(conn, form[half:]); err != nil {
		t.Fatalf("finish the slash command after SIGTERM: %v", err)
	}
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	reply, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("slash command in flight at SIGTERM got no response: %v\n%s", err, p.stderr.String())
	}
	body, _ := io.ReadAll(reply.Body)
	reply.Body.Close()
	if reply.StatusCode != http.StatusOK || !strings.Contains(strings.ToLower(string(body)), "canary") {
		t.Errorf("slash command in flight at SIGTERM: status %d, body %.300s", reply.StatusCode, body)
	}

	// The process exits 0 within the shutdown bound (10 s) plus margin.
	select {
	case err := <-p.exited:
		p.gone = true
		if err != nil {
			t.Errorf("serve exited with %v after SIGTERM, want 0\n%s", err, p.stderr.String())
		}
		if d := time.Since(sigterm); d > 12*time.Second {
			t.Errorf("shutdown took %v", d)
		}
	case <-time.After(15 * time.Second):
		t.Fatalf("serve still running 15 s after SIGTERM:\n%s", p.stderr.String())
	}

	// The mention reply in flight at SIGTERM was delivered in full.
	fake.mu.Lock()
	posted := append([]url.Values(nil), fake.posted...)
	tokens := append([]string(nil), fake.tokens...)
	doneAt := fake.doneAt
	fake.mu.Unlock()
	if !doneAt.After(sigterm) {
		t.Errorf("the mention reply was answered at %v, before SIGTERM at %v: nothing was in flight", doneAt, sigterm)
	}
	if len(posted) != 1 || posted[0].Get("channel") != "C0E2E0001" || posted[0].Get("thread_ts") != "1700000000.000001" {
		t.Errorf("chat.postMessage calls completed: %v; want the mention's reply in its thread", posted)
	}
	sawToken := false
	for _, tok := range tokens {
		sawToken = sawToken || strings.Contains(tok, e2eBotToken)
	}
	if !sawToken {
		t.Error("the fake never saw the bot token: is SLACK_BOT_TOKEN used?")
	}

	// Logs: JSON lines (stderr is not a terminal), a line per request with
	// command, latency and outcome, a clean stop, and no secret anywhere.
	logs := p.stderr.String()
	for _, s := range []string{e2eBotToken, e2eSecret, "4242424242-1717171717", "e2eSecretBotTokenValue"} {
		if strings.Contains(logs, s) {
			t.Errorf("the logs contain secret material %q", s)
		}
	}
	var sawCommand, sawStop bool
	for _, line := range strings.Split(strings.TrimSpace(logs), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Errorf("log line is not JSON: %q", line)
			continue
		}
		if rec["route"] == "/slack/commands" && rec["command"] == "lookup" && rec["outcome"] != nil && rec["latency_ms"] != nil {
			sawCommand = true
		}
		if msg, _ := rec["msg"].(string); strings.Contains(msg, "stopped") {
			sawStop = true
		}
	}
	if !sawCommand {
		t.Errorf("no log line for the slash command with command, outcome and latency_ms:\n%s", logs)
	}
	if !sawStop {
		t.Errorf("no log line saying the bot stopped:\n%s", logs)
	}
	if _, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		t.Error("the port still accepts connections after exit")
	} else if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Logf("dial after exit: %v", err)
	}
}

// TestServeSocketModeLikeTheECSTask runs the image binary the way the ECS
// template does (Socket Mode, no signing secret, DB under a mounted
// directory) against the fake Slack's WebSocket endpoint: ready once
// connected and authenticated, a slash command answered in its ack, the
// Slack routes closed over HTTP, exit 0 on SIGTERM, no token in the logs.
func TestServeSocketModeLikeTheECSTask(t *testing.T) {
	bin := imageBinary(t)
	fake := slackfake.New(t)
	addr := freePort(t)
	p := startServe(t, bin, []string{
		"PATH=/usr/bin:/bin",
		"HOME=" + t.TempDir(),
		"SLACK_BOT_TOKEN=" + slackfake.BotToken,
		"SLACK_APP_TOKEN=" + slackfake.AppToken,
		"SLACK_API_URL=" + fake.APIURL(),
		"DEVOPSBOT_ADDR=" + addr,
		"DEVOPSBOT_DB=" + filepath.Join(t.TempDir(), "data", "devopsbot.db"),
		"DEVOPSBOT_TZ=Europe/Berlin",
	})
	defer p.kill()

	if !fake.WaitSocket(15 * time.Second) {
		t.Fatalf("no Socket Mode connection:\n%s", p.stderr.String())
	}
	base := "http://" + addr
	deadline := time.Now().Add(10 * time.Second)
	for !ready(base) {
		if time.Now().After(deadline) {
			t.Fatalf("not ready 10 s after connecting:\n%s", p.stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	// Without a signing secret the HTTP Slack routes are off.
	resp, err := http.Post(base+"/slack/commands", "application/x-www-form-urlencoded", strings.NewReader("text=lookup+canary"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode == http.StatusOK {
		t.Errorf("POST /slack/commands in Socket Mode answered 200; want it refused")
	}

	env := map[string]any{
		"envelope_id": "env-e2e-1", "type": "slash_commands", "accepts_response_payload": true,
		"payload": map[string]any{
			"team_id": "T0001", "channel_id": "C0E2E0001", "user_id": "U0E2E0001", "user_name": "ana",
			"command": "/devops", "text": "lookup canary", "response_url": fake.ResponseURL("e2e"),
			"trigger_id": "1.2.3",
		},
	}
	b, _ := json.Marshal(env)
	if err := fake.SendSocket(b); err != nil {
		t.Fatal(err)
	}
	var ack map[string]json.RawMessage
	for ack == nil {
		raw, ok := fake.NextAck(5 * time.Second)
		if !ok {
			t.Fatalf("no ack for the slash command:\n%s", p.stderr.String())
		}
		var m map[string]json.RawMessage
		if json.Unmarshal(raw, &m) == nil && string(m["envelope_id"]) == `"env-e2e-1"` {
			ack = m
		}
	}
	if !strings.Contains(strings.ToLower(string(ack["payload"])), "canary") {
		t.Errorf("ack does not answer the lookup: %.300s", ack["payload"])
	}

	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-p.exited:
		p.gone = true
		if err != nil {
			t.Errorf("exit after SIGTERM: %v, want 0\n%s", err, p.stderr.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatalf("still running 15 s after SIGTERM:\n%s", p.stderr.String())
	}
	logs := p.stderr.String()
	for _, s := range []string{slackfake.BotToken, slackfake.AppToken, "fake-0000000000-devopsbot"} {
		if strings.Contains(logs, s) {
			t.Errorf("the logs contain secret material %q", s)
		}
	}
	if !strings.Contains(logs, `"socket_mode":true`) {
		t.Errorf("the bot did not log that it runs Socket Mode:\n%s", logs)
	}
}

// TestServeRefusesBadConfigWithOneLine starts the image binary with one bad
// value at a time: it must exit 1 at once with a single stderr line that
// names the variable, before listening or touching the database.
func TestServeRefusesBadConfigWithOneLine(t *testing.T) {
	bin := imageBinary(t)
	tests := []struct {
		name, variable, value string
	}{
		{"unknown time zone", "DEVOPSBOT_TZ", "Mars/Base"},
		{"bad cron spec", "DEVOPSBOT_QUIZ_SCHEDULE", "every morning"},
		{"user token as bot token", "SLACK_BOT_TOKEN", "xoxp-1111111111-2222222222-abcdef"},
		{"bot token as app token", "SLACK_APP_TOKEN", e2eBotToken},
		{"exam date not ISO", "DEVOPSBOT_EXAM_DATE", "15.03.2026"},
		{"address without colon", "DEVOPSBOT_ADDR", "3000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "devopsbot.db")
			env := map[string]string{
				"PATH": "/usr/bin:/bin", "HOME": t.TempDir(),
				"SLACK_BOT_TOKEN": e2eBotToken, "SLACK_SIGNING_SECRET": e2eSecret,
				"SLACK_API_URL": "http://127.0.0.1:1/api/", "DEVOPSBOT_ADDR": freePort(t), "DEVOPSBOT_DB": db,
			}
			env[tt.variable] = tt.value
			cmd := exec.Command(bin, "serve")
			for k, v := range env {
				cmd.Env = append(cmd.Env, k+"="+v)
			}
			var stdout, stderr strings.Builder
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			done := make(chan error, 1)
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			go func() { done <- cmd.Wait() }()
			var err error
			select {
			case err = <-done:
			case <-time.After(10 * time.Second):
				_ = cmd.Process.Kill()
				<-done
				t.Fatalf("serve with %s=%q is still running", tt.variable, tt.value)
			}
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() != 1 {
				t.Errorf("exit: %v, want status 1", err)
			}
			lines := strings.Split(strings.TrimRight(stderr.String(), "\n"), "\n")
			if len(lines) != 1 || !strings.HasPrefix(lines[0], "devopsbot: "+tt.variable+": ") {
				t.Errorf("stderr = %q, want one line starting with %q", stderr.String(), "devopsbot: "+tt.variable+": ")
			}
			for _, s := range []string{e2eBotToken, e2eSecret, "1111111111-2222222222"} {
				if strings.Contains(stderr.String()+stdout.String(), s) {
					t.Errorf("the error shows secret material %q", s)
				}
			}
			if _, err := os.Stat(db); err == nil {
				t.Error("the database was created although the configuration is bad")
			}
		})
	}
}
