package main

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/devopsbot/devopsbot/bot/slackfake"
)

// TestServeQuizChannelsStoredAcrossRestart: a quiz channel an admin adds
// in Slack is kept in the database file: after a restart the bot lists
// and schedules it beside DEVOPSBOT_QUIZ_CHANNEL, and `quiz post` in it
// posts there, under a round ID that names it.
func TestServeQuizChannelsStoredAcrossRestart(t *testing.T) {
	fake := slackfake.New(t)
	cfg := testConfig(t, fake, filepath.Join(t.TempDir(), "bot.db"))
	cfg.QuizChannel, cfg.QuizSchedule, cfg.QuizClose = quizChan, "0 9 * * MON-FRI", "0 17 * * MON-FRI"
	b := startBot(t, cfg)
	if logs, ok := waitLog(b.logs, "bot.DailyScheduler started", 10*time.Second); !ok {
		t.Fatalf("scheduler did not start; logs:\n%s", logs)
	}
	const second = "CSECOND01"
	add := `admin channel add <#CSECOND01|quiz-two> post="30 8 * * MON-FRI" close=off tz=Asia/Tokyo exam=2027-02-01`
	if r := b.command(adminUser, "C2147483705", add); !strings.Contains(r.Text, "Added <#CSECOND01>") {
		t.Fatalf("add: %s", r.Text)
	}
	if err := b.stop(); err != nil {
		t.Fatalf("shutdown: %v", err)
	}

	cfg.Addr = freeAddr(t)
	b = startBot(t, cfg)
	if logs, ok := waitLog(b.logs, `"channels":2`, 10*time.Second); !ok {
		t.Fatalf("restarted scheduler does not run both channels; logs:\n%s", logs)
	}
	list := b.command(adminUser, "C2147483705", "admin channel list").Text
	for _, want := range []string{"<#" + quizChan + "> posts", "DEVOPSBOT_QUIZ_CHANNEL", "<#CSECOND01> posts", "Asia/Tokyo", "2027-02-01"} {
		if !strings.Contains(list, want) {
			t.Errorf("list after restart lacks %q:\n%s", want, list)
		}
	}
	if r := b.command(adminUser, second, "quiz post"); !strings.Contains(r.Text, "Posted") {
		t.Fatalf("quiz post in %s: %s", second, r.Text)
	}
	posted := func(c []slackfake.Call) []slackfake.Call {
		var out []slackfake.Call
		for _, p := range c {
			if p.Method == "chat.postMessage" && p.Channel == second && p.ThreadTS == "" {
				out = append(out, p)
			}
		}
		return out
	}
	calls, ok := fake.Wait(5*time.Second, func(c []slackfake.Call) bool { return len(posted(c)) > 0 })
	if !ok {
		t.Fatalf("quiz post posted nothing; logs:\n%s", b.logs)
	}
	if qs := posted(calls); len(qs) != 1 || !strings.HasPrefix(roundOf(qs[0]), second+"/manual-") {
		t.Errorf("posted %d questions in %s, the first as round %q; want one, with a round ID naming the channel", len(qs), second, roundOf(qs[0]))
	}
}
