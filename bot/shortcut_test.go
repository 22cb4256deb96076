package bot

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/devopsbot/devopsbot/bot/slackfake"
)

// payloadBody reads a documented interaction payload from testdata, lets
// edit change it and returns it as Slack posts it: a form with one
// payload field.
func payloadBody(t *testing.T, name string, edit func(p map[string]any)) []byte {
	t.Helper()
	var p map[string]any
	if err := json.Unmarshal(readTestdata(t, name), &p); err != nil {
		t.Fatal(err)
	}
	edit(p)
	raw, _ := json.Marshal(p)
	return []byte(url.Values{"payload": {string(raw)}}.Encode())
}

const (
	askedTS    = "1583367317.000600" // the documented message_ts
	rootTS     = "1583367000.000100"
	lookupText = "How do I do a &lt;b&gt;blue/green&lt;/b&gt; deployment?"
	askText    = "A team needs to shift traffic to a new version gradually and roll back quickly. Which deployment should they use? A) Canary B) All at once"
)

// messageShortcut sends the documented message_action payload for the
// Ask devopsbot shortcut on a message with text (in thread when it is not
// "") and returns the private answer it gets.
func (e *httpEnv) messageShortcut(t *testing.T, text, thread string) slackfake.Call {
	t.Helper()
	body := payloadBody(t, "message_action.json", func(p map[string]any) {
		p["callback_id"] = ShortcutAsk
		p["response_url"] = e.fake.ResponseURL("shortcut")
		msg := p["message"].(map[string]any)
		msg["text"] = text
		if thread != "" {
			msg["thread_ts"] = thread
		}
	})
	code, out := e.post(t, PathInteractions, "application/x-www-form-urlencoded", body, true)
	if code != http.StatusOK || len(out) != 0 {
		t.Fatalf("ack %d %q, want an empty 200", code, out)
	}
	calls, ok := e.fake.Wait(5*time.Second, func(c []slackfake.Call) bool {
		for _, x := range c {
			if x.Method == "chat.postEphemeral" || x.Method == "chat.postMessage" {
				return true
			}
		}
		return false
	})
	if !ok {
		t.Fatalf("no answer to the shortcut: %+v", calls)
	}
	return calls[len(calls)-1]
}

func TestHTTPMessageShortcutAnswersPrivatelyWithShareInThread(t *testing.T) {
	tests := []struct {
		name, text, thread string
		cmd                string // what the Share button runs
		wantEphemeralTS    string // the thread the private answer shows in
		wantShareTS        string // the thread Share posts in
	}{
		{"a question without options is looked up", lookupText, "", "lookup", "", askedTS},
		{"an exam question is answered as ask", askText, "", "ask", "", askedTS},
		{"a reply is answered in its thread", lookupText, rootTS, "lookup", rootTS, rootTS},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newHTTPEnv(t, nil, HTTPOptions{})
			got := e.messageShortcut(t, tt.text, tt.thread)
			if got.Method != "chat.postEphemeral" || got.Channel != "C0CA5" || got.User != "U0CA5" || got.ThreadTS != tt.wantEphemeralTS {
				t.Fatalf("answer %s in %s to %s (thread %q), want ephemeral in C0CA5 to U0CA5 (thread %q)",
					got.Method, got.Channel, got.User, got.ThreadTS, tt.wantEphemeralTS)
			}
			var share *slackfake.Button
			for _, b := range got.Buttons() {
				if actionBase(b.ActionID) == ActionShareThread {
					share = &b
				}
				if actionBase(b.ActionID) == ActionShare {
					t.Errorf("the shortcut's answer offers Share in channel: %+v", b)
				}
			}
			if share == nil || share.Text != "Share in thread" || !strings.HasPrefix(share.Value, tt.wantShareTS+"|"+tt.cmd+"|") {
				t.Fatalf("Share button %+v, want Share in thread running %s in %s", share, tt.cmd, tt.wantShareTS)
			}
			if tt.cmd == "lookup" && !strings.Contains(share.Value, "<b>blue/green</b>") {
				t.Errorf("the lookup runs on %q, want the message's text unescaped", share.Value)
			}

			// The click on Share in thread, as Slack sends it for an
			// ephemeral message: posted in the message's thread.
			click := payloadBody(t, "block_actions.json", func(p map[string]any) {
				p["user"] = map[string]any{"id": "U0CA5", "username": "amy"}
				p["channel"] = map[string]any{"id": "C0CA5"}
				p["container"] = map[string]any{"type": "message", "message_ts": got.TS, "channel_id": "C0CA5", "is_ephemeral": true}
				p["response_url"] = e.fake.ResponseURL("share")
				p["actions"] = []any{map[string]any{"action_id": share.ActionID, "block_id": "b", "value": share.Value, "type": "button"}}
			})
			if code, out := e.post(t, PathInteractions, "application/x-www-form-urlencoded", click, true); code != http.StatusOK {
				t.Fatalf("click ack %d %s", code, out)
			}
			calls, ok := e.fake.Wait(5*time.Second, func(c []slackfake.Call) bool {
				posted, replaced := false, false
				for _, x := range c {
					posted = posted || x.Method == "chat.postMessage"
					replaced = replaced || (x.Method == "response_url" && x.ReplaceOriginal)
				}
				return posted && replaced
			})
			if !ok {
				t.Fatalf("share: %+v", calls)
			}
			for _, x := range calls {
				switch {
				case x.Method == "chat.postMessage":
					if x.Channel != "C0CA5" || x.ThreadTS != tt.wantShareTS || !strings.Contains(x.BlockText(), "<@U0CA5>") {
						t.Errorf("shared in %s thread %q (%q), want C0CA5 thread %s naming the sharer", x.Channel, x.ThreadTS, x.BlockText(), tt.wantShareTS)
					}
				case x.Method == "response_url" && x.ReplaceOriginal:
					if len(x.Buttons()) > 0 && strings.Contains(string(x.Blocks), ActionShareThread) || !strings.Contains(x.BlockText(), "Shared in the thread") {
						t.Errorf("private copy after sharing: %s", x.BlockText())
					}
				}
			}
		})
	}
}

func TestHTTPMessageShortcutFallsBackToADirectMessage(t *testing.T) {
	for _, code := range []string{"not_in_channel", "channel_not_found"} {
		t.Run(code, func(t *testing.T) {
			e := newHTTPEnv(t, nil, HTTPOptions{})
			e.fake.FailNextWith("chat.postEphemeral", code)
			got := e.messageShortcut(t, lookupText, "")
			if got.Method != "chat.postMessage" || got.Channel != "DU0CA5" {
				t.Fatalf("answer %s in %s, want a chat.postMessage in the user's DM", got.Method, got.Channel)
			}
			if opens := e.fake.Calls("conversations.open"); len(opens) != 1 || opens[0].User != "U0CA5" {
				t.Errorf("conversations.open: %+v", opens)
			}
			for _, b := range got.Buttons() {
				if base := actionBase(b.ActionID); base == ActionShare || base == ActionShareThread {
					t.Errorf("the DM answer offers %q: there is no channel to share in from there", b.Text)
				}
			}
			if text := got.BlockText(); !strings.Contains(text, "/invite @devopsbot") || !strings.Contains(text, "blue/green") {
				t.Errorf("DM answer %q, want the answer and how to invite the bot", text)
			}
		})
	}
}

func TestHTTPMessageShortcutOnAMessageWithoutText(t *testing.T) {
	e := newHTTPEnv(t, nil, HTTPOptions{})
	got := e.messageShortcut(t, "  ", "")
	if got.Method != "chat.postEphemeral" || !strings.Contains(got.BlockText()+got.Text, "no text") {
		t.Errorf("answer %s %q", got.Method, got.BlockText())
	}
}

func TestSocketMessageShortcutAnswersPrivately(t *testing.T) {
	e := newSocketEnv(t, 0)
	var msg map[string]any
	if err := json.Unmarshal(readTestdata(t, "message_action.json"), &msg); err != nil {
		t.Fatal(err)
	}
	err := e.fake.SendSocket(envelope(t, "interactive.block_actions.envelope.json", "env-shortcut-1", func(p map[string]any) {
		clear(p)
		for k, v := range msg {
			p[k] = v
		}
		p["callback_id"] = ShortcutAsk
	}))
	if err != nil {
		t.Fatal(err)
	}
	if ack := e.ackFor(t, "env-shortcut-1"); len(ack["payload"]) != 0 {
		t.Errorf("shortcut ack carries %s, want an empty ack", ack["payload"])
	}
	calls, ok := e.fake.Wait(5*time.Second, func(c []slackfake.Call) bool { return len(c) > 0 })
	if !ok || calls[0].Method != "chat.postEphemeral" || calls[0].Channel != "C0CA5" || calls[0].User != "U0CA5" {
		t.Fatalf("calls %+v, want one ephemeral answer", calls)
	}
}
