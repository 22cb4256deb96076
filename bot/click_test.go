package bot

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/devopsbot/devopsbot/bot/slackfake"
	"github.com/devopsbot/devopsbot/quiz"
	"github.com/devopsbot/devopsbot/quiz/memory"
)

// slowAnswers is a store whose answers take a while to be durable (a busy
// disk).
type slowAnswers struct {
	*memory.Store
	delay time.Duration
}

func (s slowAnswers) AnswerRound(ctx context.Context, a quiz.Answer) (quiz.RoundAnswer, error) {
	time.Sleep(s.delay)
	return s.Store.AnswerRound(ctx, a)
}

// TestHTTPClickAcknowledgedOnlyOnceTheAnswerIsStored: Slack does not retry
// clicks, so the 200 must come after the answer is recorded (a kill -9
// right after it must not lose the answer); the confirmation follows.
func TestHTTPClickAcknowledgedOnlyOnceTheAnswerIsStored(t *testing.T) {
	ctx := context.Background()
	store := slowAnswers{Store: memory.New(), delay: 150 * time.Millisecond}
	eng := quiz.New(nil, store, testPool(), quiz.Options{Seed: 1})
	round, err := eng.OpenRound(ctx, "2026-11-24T09:00:00Z", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	fake := newFake(t)
	r := NewRouter(nil, defaultIndex(t), eng, Options{})
	sl := NewSlack(nil, NewSlackClient(slackfake.BotToken, "", fake.APIURL()), nil)
	disp := NewDispatcher(nil, r, sl, nil, nil)
	srv := httptest.NewServer(NewHTTP(nil, disp, HTTPOptions{SigningSecret: testSecret}).Handler())
	t.Cleanup(func() {
		srv.Close()
		wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		_ = disp.Wait(wctx)
	})
	e := &httpEnv{fake: fake, disp: disp, srv: srv}
	body := withResponseURL(t, readTestdata(t, "block_actions.http-body.txt"), fake.ResponseURL("click"), func(p map[string]any) {
		p["user"] = map[string]any{"id": "U0CLICK1", "username": "ana"}
		p["actions"] = []any{map[string]any{"action_id": ActionAnswerDaily + ":1", "block_id": "answers",
			"type": "button", "value": round.ID + "|1"}}
	})
	code, _ := e.post(t, PathInteractions, "application/x-www-form-urlencoded", body, true)
	if code != http.StatusOK {
		t.Fatalf("click: status %d", code)
	}
	answers, err := store.RoundAnswers(ctx, round.ID)
	if err != nil || len(answers) != 1 || answers[0].User != "U0CLICK1" {
		t.Fatalf("answers stored when the click was acknowledged: %+v, %v; want U0CLICK1's", answers, err)
	}
	if _, ok := fake.Wait(5*time.Second, func(c []slackfake.Call) bool {
		for _, call := range c {
			if call.Method == "response_url" {
				return true
			}
		}
		return false
	}); !ok {
		t.Errorf("no confirmation after the click: %+v", fake.Calls())
	}
}
