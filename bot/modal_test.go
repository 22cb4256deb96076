package bot

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/devopsbot/devopsbot/bot/slackfake"
	"github.com/devopsbot/devopsbot/index"
)

// submissionAck is what Slack reads in a view_submission's acknowledgement.
type submissionAck struct {
	ResponseAction string            `json:"response_action"`
	Errors         map[string]string `json:"errors"`
	View           json.RawMessage   `json:"view"`
}

// submit posts the documented view_submission payload for the view with
// callbackID, the question input holding text, and decodes the ack.
func (e *httpEnv) submit(t *testing.T, callbackID, text string) submissionAck {
	t.Helper()
	body := payloadBody(t, "view_submission.json", func(p map[string]any) {
		v := p["view"].(map[string]any)
		v["callback_id"] = callbackID
		v["state"] = map[string]any{"values": map[string]any{askBlockID: map[string]any{
			askActionID: map[string]any{"type": "plain_text_input", "value": text}}}}
	})
	code, out := e.post(t, PathInteractions, "application/x-www-form-urlencoded", body, true)
	var ack submissionAck
	if code != http.StatusOK || json.Unmarshal(out, &ack) != nil {
		t.Fatalf("ack %d %q, want a response_action", code, out)
	}
	return ack
}

func TestHTTPGlobalShortcutOpensTheModal(t *testing.T) {
	e := newHTTPEnv(t, nil, HTTPOptions{})
	body := payloadBody(t, "shortcut.json", func(p map[string]any) { p["callback_id"] = ShortcutAskModal })
	if code, out := e.post(t, PathInteractions, "application/x-www-form-urlencoded", body, true); code != http.StatusOK || len(out) != 0 {
		t.Fatalf("ack %d %q, want an empty 200", code, out)
	}
	if _, ok := e.fake.Wait(5*time.Second, func(c []slackfake.Call) bool { return len(c) > 0 }); !ok {
		t.Fatal("no views.open")
	}
	views := e.fake.Views()
	if len(views) != 1 || views[0].TriggerID != "944799105734.773906753841.38b5894552bdd4a780554ee59d1f3bbb" || views[0].CallbackID != viewAsk {
		t.Fatalf("views %+v, want the form opened with the shortcut's trigger_id", views)
	}
	var v struct {
		Blocks []struct {
			BlockID string `json:"block_id"`
			Element struct {
				ActionID  string `json:"action_id"`
				Multiline bool   `json:"multiline"`
				MaxLength int    `json:"max_length"`
			} `json:"element"`
		} `json:"blocks"`
	}
	if err := json.Unmarshal(views[0].Raw, &v); err != nil || len(v.Blocks) != 1 {
		t.Fatalf("view %s: %v", views[0].Raw, err)
	}
	if b := v.Blocks[0]; b.BlockID != askBlockID || b.Element.ActionID != askActionID || !b.Element.Multiline || b.Element.MaxLength != maxPasted {
		t.Errorf("input %+v, want a multiline input of at most %d characters", b, maxPasted)
	}
}

func TestHTTPModalSubmission(t *testing.T) {
	e := newHTTPEnv(t, nil, HTTPOptions{})
	tests := []struct {
		name, callbackID, text string
		action                 string // response_action
		want                   string // in the errors or the new view
	}{
		{"a question is answered in the modal", viewAsk, askText, "update", "Canary"},
		{"a topic is looked up in the modal", viewAsk, "blue/green deployment", "update", "blue"},
		{"empty input gets an inline error", viewAsk, " \n ", "errors", "Paste a question"},
		{"oversized input gets an inline error", viewAsk, strings.Repeat("canary ", 500), "errors", "the most is 3000"},
		{"ask another brings the form back", viewAnswer, "", "update", `"callback_id":"` + viewAsk + `"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ack := e.submit(t, tt.callbackID, tt.text)
			if ack.ResponseAction != tt.action {
				t.Fatalf("response_action %q, want %q (%+v)", ack.ResponseAction, tt.action, ack)
			}
			got := string(ack.View)
			if tt.action == "errors" {
				got = ack.Errors[askBlockID]
			}
			if !strings.Contains(got, tt.want) {
				t.Errorf("got %s, want %q in it", got, tt.want)
			}
			if tt.action == "update" && tt.callbackID == viewAsk {
				if strings.Contains(got, `"type":"button"`) || !strings.Contains(got, `"callback_id":"`+viewAnswer+`"`) {
					t.Errorf("answer view %s: want the answer view, without buttons", got)
				}
			}
		})
	}
	if calls := e.fake.Calls(); len(calls) != 0 {
		t.Errorf("submissions called Slack: %+v", calls)
	}
}

func TestSocketModalSubmissionAnsweredInTheAck(t *testing.T) {
	e := newSocketEnv(t, 0)
	var sub map[string]any
	if err := json.Unmarshal(readTestdata(t, "view_submission.json"), &sub); err != nil {
		t.Fatal(err)
	}
	err := e.fake.SendSocket(envelope(t, "interactive.block_actions.envelope.json", "env-modal-1", func(p map[string]any) {
		clear(p)
		for k, v := range sub {
			p[k] = v
		}
		p["view"].(map[string]any)["callback_id"] = viewAsk
		p["view"].(map[string]any)["state"] = map[string]any{"values": map[string]any{askBlockID: map[string]any{
			askActionID: map[string]any{"type": "plain_text_input", "value": ""}}}}
	}))
	if err != nil {
		t.Fatal(err)
	}
	ack := e.ackFor(t, "env-modal-1")
	var p submissionAck
	if err := json.Unmarshal(ack["payload"], &p); err != nil || p.ResponseAction != "errors" || p.Errors[askBlockID] == "" {
		t.Errorf("ack payload %s, want the inline error", ack["payload"])
	}
}

// TestModalsWithinSlackLimits holds the modals to Slack's documented view
// limits (fit.go): titles, submit and close labels, blocks, input labels
// and placeholders.
func TestModalsWithinSlackLimits(t *testing.T) {
	r := NewRouter(nil, defaultIndex(t), &fakeQuiz{}, Options{})
	long := r.AskPasted(t.Context(), strings.Repeat("deployment rollback canary ", 100))
	checkSlackLimits(t, withoutButtons(long))
	views := map[string]slack.ModalViewRequest{"form": askModal(), "answer": answerModal(long)}
	for name, v := range views {
		for _, txt := range []*slack.TextBlockObject{v.Title, v.Submit, v.Close} {
			if txt == nil || txt.Text == "" || utf8.RuneCountInString(txt.Text) > slackViewTitle || txt.Type != slack.PlainTextType {
				t.Errorf("%s: title, submit or close %+v: Slack wants plain text of 1-%d characters", name, txt, slackViewTitle)
			}
		}
		if len(v.Blocks.BlockSet) == 0 {
			t.Errorf("%s: no blocks", name)
		}
		checkViewLimits(t, v.Blocks.BlockSet)
	}
}

// TestHTTPLateModalAnswerGoesToADirectMessage: an answer not ready within
// the acknowledgement's time closes the modal (an empty acknowledgement)
// and arrives in the person's direct messages.
func TestHTTPLateModalAnswerGoesToADirectMessage(t *testing.T) {
	release := make(chan struct{})
	slow := &fakeSearcher{SearchFn: func(ctx context.Context, query string, k int) ([]index.Hit, error) {
		select {
		case <-release:
		case <-ctx.Done():
		}
		return nil, nil
	}}
	e := newHTTPEnv(t, slow, HTTPOptions{CommandWait: time.Millisecond})
	body := payloadBody(t, "view_submission.json", func(p map[string]any) {
		v := p["view"].(map[string]any)
		v["callback_id"] = viewAsk
		v["state"] = map[string]any{"values": map[string]any{askBlockID: map[string]any{
			askActionID: map[string]any{"type": "plain_text_input", "value": "zebra deployment"}}}}
	})
	code, out := e.post(t, PathInteractions, "application/x-www-form-urlencoded", body, true)
	close(release)
	if code != http.StatusOK || len(out) != 0 {
		t.Fatalf("ack %d %q, want an empty 200 (the modal closes)", code, out)
	}
	calls, ok := e.fake.Wait(5*time.Second, func(c []slackfake.Call) bool {
		return len(c) > 0 && c[len(c)-1].Method == "chat.postMessage"
	})
	if !ok || calls[len(calls)-1].Channel != "DU0MJRG1AL" || !strings.Contains(calls[len(calls)-1].BlockText(), "zebra") {
		t.Fatalf("calls %+v, want the answer in the submitter's DM", calls)
	}
}

// A modal's answer goes back in the view_submission's acknowledgement, so
// however long, it stays under Socket Mode's 20 KB ack limit.
func TestModalAnswerFitsASocketModeAck(t *testing.T) {
	m := &Response{}
	for range 150 {
		m.text(plain(strings.Repeat("A fact that goes on and on. ", 400)))
	}
	view := answerModal(*m)
	checkViewLimits(t, view.Blocks.BlockSet)
	ack := mustJSON(t, slack.NewUpdateViewSubmissionResponse(&view))
	if len(ack) >= maxAckBytes {
		t.Errorf("ack of %d bytes: Socket Mode drops acks of 20 KB and more", len(ack))
	}
}
