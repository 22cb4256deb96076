package main

import (
	"bytes"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/devopsbot/devopsbot/bot"
	"github.com/devopsbot/devopsbot/bot/slackfake"
)

// TestServeReplayAfterRestartRefused: a captured `quiz post`, replayed
// after the bot restarted (as it is, or with its signature upper-cased),
// is refused and posts nothing.
func TestServeReplayAfterRestartRefused(t *testing.T) {
	fake := slackfake.New(t)
	cfg := testConfig(t, fake, filepath.Join(t.TempDir(), "bot.db"))
	cfg.QuizChannel = "C0QUIZ"
	body := append(slackfake.SlashCommands(fake.ResponseURL("post"), "quiz post")[0], "&trigger_id=t1"...)
	body = bytes.Replace(body, []byte("user_id=U1"), []byte("user_id="+adminUser), 1)
	captured, _ := http.NewRequest(http.MethodPost, "http://x"+bot.PathCommands, nil)
	slackfake.SignRequest(captured, testSecret, body, time.Now())
	deliver := func(b *testBot, sig string) int {
		t.Helper()
		r, _ := http.NewRequest(http.MethodPost, b.base+bot.PathCommands, bytes.NewReader(body))
		r.Header = captured.Header.Clone()
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.Header.Set("X-Slack-Signature", sig)
		resp, err := b.client.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	posts := func() int { return len(fake.Calls("chat.postMessage")) }
	sig := captured.Header.Get("X-Slack-Signature")

	b := startBot(t, cfg)
	if code := deliver(b, sig); code != http.StatusOK {
		t.Fatalf("first delivery: status %d; logs:\n%s", code, b.logs)
	}
	if _, ok := fake.Wait(5*time.Second, func([]slackfake.Call) bool { return posts() == 1 }); !ok {
		t.Fatalf("quiz post did not post; logs:\n%s", b.logs)
	}
	if err := b.stop(); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	cfg.Addr = freeAddr(t)
	b2 := startBot(t, cfg)
	for name, s := range map[string]string{"as captured": sig, "upper-cased": "v0=" + strings.ToUpper(sig[3:])} {
		if code := deliver(b2, s); code != http.StatusUnauthorized {
			t.Errorf("replay after restart, %s: status %d, want 401", name, code)
		}
	}
	time.Sleep(300 * time.Millisecond)
	if n := posts(); n != 1 {
		t.Errorf("%d questions posted, want 1", n)
	}
}
