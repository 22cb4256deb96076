package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/devopsbot/devopsbot/bot/slackfake"
	"github.com/devopsbot/devopsbot/quiz"
	"github.com/devopsbot/devopsbot/quiz/memory"
)

// socketEnv runs the Socket Mode transport against the fake's WebSocket
// endpoint on 127.0.0.1.
type socketEnv struct {
	fake *slackfake.Server
	sock *Socket
	stop func()
}

func newSocketEnv(t *testing.T, rejectFirst int) *socketEnv {
	t.Helper()
	fake := newFake(t)
	fake.RejectOpens(rejectFirst)
	eng := quiz.New(nil, memory.New(), testPool(), quiz.Options{Seed: 1})
	r := NewRouter(nil, defaultIndex(t), eng, Options{})
	client := NewSlackClient(slackfake.BotToken, slackfake.AppToken, fake.APIURL())
	sl := NewSlack(nil, client, nil)
	disp := NewDispatcher(nil, r, sl, nil, nil)
	sock := NewSocket(nil, disp, client, SocketOptions{MinBackoff: 10 * time.Millisecond, MaxBackoff: 50 * time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- sock.Run(ctx) }()
	e := &socketEnv{fake: fake, sock: sock}
	e.stop = func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run: %v", err)
			}
		case <-time.After(5 * time.Second):
			t.Errorf("socket mode did not stop")
		}
		wctx, wcancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer wcancel()
		_ = disp.Wait(wctx)
	}
	t.Cleanup(e.stop)
	if !fake.WaitSocket(10 * time.Second) {
		t.Fatalf("no Socket Mode connection")
	}
	deadline := time.Now().Add(5 * time.Second)
	for !sock.Connected() {
		if time.Now().After(deadline) {
			t.Fatalf("not connected after hello")
		}
		time.Sleep(5 * time.Millisecond)
	}
	return e
}

// envelope returns a documented envelope with the payload edited.
func envelope(t *testing.T, name, envelopeID string, edit func(p map[string]any)) []byte {
	t.Helper()
	var env map[string]any
	if err := json.Unmarshal(readTestdata(t, "socketmode/"+name), &env); err != nil {
		t.Fatal(err)
	}
	env["envelope_id"] = envelopeID
	if edit != nil {
		edit(env["payload"].(map[string]any))
	}
	b, _ := json.Marshal(env)
	return b
}

// ackFor reads acks until the one for envelopeID.
func (e *socketEnv) ackFor(t *testing.T, envelopeID string) map[string]json.RawMessage {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		raw, ok := e.fake.NextAck(time.Until(deadline))
		if !ok {
			break
		}
		var m map[string]json.RawMessage
		if json.Unmarshal(raw, &m) == nil && string(m["envelope_id"]) == `"`+envelopeID+`"` {
			if len(raw) >= 20*1024 {
				t.Errorf("ack of %d bytes: Slack drops 20 KB and more", len(raw))
			}
			return m
		}
	}
	t.Fatalf("no ack for %s", envelopeID)
	return nil
}

func TestSocketSlashCommandAckedWithAnswer(t *testing.T) {
	e := newSocketEnv(t, 0)
	start := time.Now()
	if err := e.fake.SendSocket(envelope(t, "slash_commands.envelope.json", "env-cmd-1", func(p map[string]any) {
		p["command"], p["text"] = "/devops", "lookup canary"
	})); err != nil {
		t.Fatal(err)
	}
	ack := e.ackFor(t, "env-cmd-1")
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("ack after %v, over Slack's 3 s", d)
	}
	var payload replyJSON
	if err := json.Unmarshal(ack["payload"], &payload); err != nil {
		t.Fatalf("ack payload %s: %v", ack["payload"], err)
	}
	if payload.ResponseType != "ephemeral" || !strings.Contains(strings.ToLower(payload.Text+string(ack["payload"])), "canary") {
		t.Errorf("ack payload does not answer the lookup: %s", ack["payload"])
	}
}

func TestSocketEventAckedAndAnsweredOnce(t *testing.T) {
	e := newSocketEnv(t, 0)
	edit := func(p map[string]any) {
		p["event"].(map[string]any)["text"] = "<@" + slackfake.BotUser + "> canary deployment"
	}
	first := envelope(t, "events_api.app_mention.envelope.SYNTHETIC.json", "env-ev-1", edit)
	if err := e.fake.SendSocket(first); err != nil {
		t.Fatal(err)
	}
	if ack := e.ackFor(t, "env-ev-1"); len(ack["payload"]) != 0 {
		t.Errorf("event ack carries a payload: %s", ack["payload"])
	}
	// Slack's retry of the same event (new envelope, same event_id).
	retry := bytes.Replace(envelope(t, "events_api.app_mention.envelope.SYNTHETIC.json", "env-ev-2", edit),
		[]byte(`"accepts_response_payload"`), []byte(`"retry_attempt":1,"retry_reason":"timeout","accepts_response_payload"`), 1)
	if err := e.fake.SendSocket(retry); err != nil {
		t.Fatal(err)
	}
	e.ackFor(t, "env-ev-2")
	inThread := func(c []slackfake.Call) int {
		n := 0
		for _, x := range c {
			if x.Method == "chat.postMessage" && x.ThreadTS == "1515449483.000108" {
				n++
			}
		}
		return n
	}
	if _, ok := e.fake.Wait(5*time.Second, func(c []slackfake.Call) bool { return inThread(c) > 0 }); !ok {
		t.Fatal("mention not answered in its thread")
	}
	time.Sleep(200 * time.Millisecond)
	if n := inThread(e.fake.Calls()); n != 1 {
		t.Errorf("%d replies, want 1", n)
	}
}

func TestSocketInteractiveAckedThenDelivered(t *testing.T) {
	e := newSocketEnv(t, 0)
	if err := e.fake.SendSocket(envelope(t, "interactive.block_actions.envelope.json", "env-click-1", func(p map[string]any) {
		p["response_url"] = e.fake.ResponseURL("sock-click")
	})); err != nil {
		t.Fatal(err)
	}
	e.ackFor(t, "env-click-1")
	if _, ok := e.fake.Wait(5*time.Second, func(c []slackfake.Call) bool {
		return len(c) > 0 && c[0].Method == "response_url" && c[0].ResponseType == "ephemeral"
	}); !ok {
		t.Errorf("the click got no private reply: %+v", e.fake.Calls())
	}
}

// TestSocketRestartLoop: the client gives up on invalid_auth; our loop
// starts it again with backoff, and it reconnects after a dropped link.
func TestSocketRestartLoop(t *testing.T) {
	e := newSocketEnv(t, 2) // two refused opens before the connection
	if n := e.fake.Opens(); n != 1 {
		t.Errorf("%d successful opens, want 1", n)
	}
	e.fake.DropSocket()
	if !e.fake.WaitSocket(10 * time.Second) {
		t.Fatalf("no reconnection after the link dropped")
	}
	if n := e.fake.Opens(); n < 2 {
		t.Errorf("%d opens after a drop, want a new one", n)
	}
}

func TestAckPayloadKeepsUnder20KB(t *testing.T) {
	tests := []struct {
		name string
		r    slashReply
		fits bool
	}{
		{"a lookup answer fits", newSlashReply(textResponse(true, plain("canary"))), true},
		{"20 KB of text does not", slashReply{ResponseType: "ephemeral", Text: strings.Repeat("x", 20*1024)}, false},
		{"just under the limit fits", slashReply{ResponseType: "in_channel", Text: strings.Repeat("x", maxAckBytes-64)}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, fits := ackPayload(tt.r)
			if fits != tt.fits {
				t.Fatalf("fits = %v, want %v", fits, tt.fits)
			}
			if fits && len(p)+len(`{"envelope_id":"dbdd0ef3-1543-4f94-bfb4-133d0e6c1545","payload":}`) >= 20*1024 {
				t.Errorf("ack of %d bytes would be dropped", len(p))
			}
		})
	}
}

// TestSocketDownMeasuresAStayingDownLink: readiness needs to know how long
// the link has been down; refused handshakes keep it down.
func TestSocketDownMeasuresAStayingDownLink(t *testing.T) {
	e := newSocketEnv(t, 0)
	if d := e.sock.Down(); d != 0 || e.sock.Connections() != 1 {
		t.Fatalf("connected: Down = %v, Connections = %d; want 0, 1", d, e.sock.Connections())
	}
	e.fake.RejectOpens(1 << 20) // every handshake refused from now on
	e.fake.DropSocket()
	deadline := time.Now().Add(5 * time.Second)
	for e.sock.Connected() {
		if time.Now().After(deadline) {
			t.Fatal("still connected after the link dropped")
		}
		time.Sleep(10 * time.Millisecond)
	}
	first := e.sock.Down()
	time.Sleep(200 * time.Millisecond)
	if d := e.sock.Down(); d <= first || d < 200*time.Millisecond {
		t.Errorf("Down = %v after %v and 200 ms more of refused handshakes: not growing", d, first)
	}
}
