package deploy

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestServeSIGTERMDrainsThenStops runs the real binary with a drain period
// and a Slack that holds every chat.postMessage far beyond the shutdown
// budget. After SIGTERM, /readyz answers 503 at once while requests keep
// being served (on a connection opened before the signal and on a new one)
// until the drain period ends; then the server stops, the stuck reply is
// cancelled, and the process exits 0 within drain + budget.
func TestServeSIGTERMDrainsThenStops(t *testing.T) {
	bin := imageBinary(t)
	posting := make(chan struct{}, 1)
	slackSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body) // so the server notices a client that went away
		w.Header().Set("Content-Type", "application/json")
		switch strings.TrimPrefix(r.URL.Path, "/api/") {
		case "auth.test":
			io.WriteString(w, `{"ok":true,"team":"Example","user":"devopsbot","team_id":"T0001","user_id":"UBOT0001","bot_id":"BBOT0001"}`)
		case "chat.postMessage":
			select {
			case posting <- struct{}{}:
			default:
			}
			select { // a Slack that does not answer
			case <-r.Context().Done():
			case <-time.After(60 * time.Second):
			}
		default:
			io.WriteString(w, `{"ok":true}`)
		}
	}))
	defer slackSrv.Close()
	addr := freePort(t)
	env := []string{
		"PATH=/usr/bin:/bin", "HOME=" + t.TempDir(),
		"SLACK_BOT_TOKEN=" + e2eBotToken, "SLACK_SIGNING_SECRET=" + e2eSecret,
		"SLACK_API_URL=" + slackSrv.URL + "/api/", "DEVOPSBOT_ADDR=" + addr,
		"DEVOPSBOT_DB=" + filepath.Join(t.TempDir(), "devopsbot.db"),
		"DEVOPSBOT_SHUTDOWN_DRAIN=2s",
	}
	p := startServe(t, bin, env)
	defer p.kill()
	base := "http://" + addr
	for deadline := time.Now().Add(15 * time.Second); !ready(base); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("serve not ready after 15 s:\n%s", p.stderr.String())
		}
	}

	// A mention whose reply Slack never answers: background work in flight.
	event := `{"type":"event_callback","event_id":"Ev0DRAIN01","team_id":"T0001","event":{"type":"app_mention","user":"U0E2E0001","text":"<@UBOT0001> canary","ts":"1700000000.000001","channel":"C0E2E0001"}}`
	req, _ := http.NewRequest("POST", base+"/slack/events", strings.NewReader(event))
	for _, h := range strings.Split(strings.TrimSpace(signedHeaders(event)), "\r\n") {
		k, v, _ := strings.Cut(h, ": ")
		req.Header.Set(k, v)
	}
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("POST /slack/events: %v %v", resp, err)
	}
	select {
	case <-posting:
	case <-time.After(10 * time.Second):
		t.Fatal("the mention reply never reached chat.postMessage")
	}

	// A keep-alive connection that has served a request before the signal.
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	rd := bufio.NewReader(conn)
	lookup := func(c net.Conn, r *bufio.Reader, n int) *http.Response {
		t.Helper()
		form := url.Values{"command": {"/devops"}, "text": {"lookup canary"}, "user_id": {"U0E2E0002"},
			"channel_id": {"C0E2E0001"}, "trigger_id": {fmt.Sprint("drain.", n)}}.Encode()
		fmt.Fprintf(c, "POST /slack/commands HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n%s\r\n%s",
			addr, len(form), signedHeaders(form), form)
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		resp, err := http.ReadResponse(r, nil)
		if err != nil {
			t.Fatalf("lookup %d got no response: %v\n%s", n, err, p.stderr.String())
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !strings.Contains(strings.ToLower(string(body)), "canary") {
			t.Errorf("lookup %d: status %d, body %.200s", n, resp.StatusCode, body)
		}
		return resp
	}
	lookup(conn, rd, 1)

	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	sigterm := time.Now()
	time.Sleep(200 * time.Millisecond)
	resp, err := http.Get(base + "/readyz")
	if err != nil {
		t.Fatalf("/readyz right after SIGTERM: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("/readyz right after SIGTERM: status %d, want 503", resp.StatusCode)
	}
	// Still served during the drain: on the open connection (told to close
	// it afterwards) and on a new one.
	time.Sleep(500 * time.Millisecond)
	if r := lookup(conn, rd, 2); !r.Close {
		t.Error("a response during the drain does not close the connection")
	}
	c2, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatalf("new connection during the drain: %v", err)
	}
	defer c2.Close()
	lookup(c2, bufio.NewReader(c2), 3)

	select {
	case err := <-p.exited:
		p.gone = true
		if err != nil {
			t.Errorf("serve exited with %v after SIGTERM, want 0\n%s", err, p.stderr.String())
		}
		if d := time.Since(sigterm); d < 2*time.Second {
			t.Errorf("serve stopped %v after SIGTERM, before the 2 s drain ended", d)
		}
	case <-time.After(2*time.Second + 15*time.Second):
		t.Fatalf("serve still running 17 s after SIGTERM:\n%s", p.stderr.String())
	}
}
