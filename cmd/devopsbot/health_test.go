package main

import (
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/devopsbot/devopsbot/bot/slackfake"
)

// TestServeRevokedTokenStopsWithOneError: a token Slack refuses for good
// (invalid_auth) is not retried forever: one ERROR line names the cause and
// serve returns an error (main exits non-zero), so the orchestrator sees it.
func TestServeRevokedTokenStopsWithOneError(t *testing.T) {
	fake := slackfake.New(t)
	cfg := testConfig(t, fake, filepath.Join(t.TempDir(), "bot.db"))
	cfg.BotToken = "xoxb-1111111111-2222222222-revokedTokenValue" // not the fake's token: invalid_auth
	logs := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(context.Background(), cfg, []string{"serve"}, strings.NewReader(""), io.Discard, logs)
	}()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "invalid_auth") {
			t.Errorf("serve returned %v, want an error naming invalid_auth", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatalf("serve still running 15 s after Slack refused the token; logs:\n%s", logs)
	}
	var errorLines []string
	for line := range strings.SplitSeq(logs.String(), "\n") {
		if strings.Contains(line, `"level":"ERROR"`) || strings.Contains(line, "level=ERROR") {
			errorLines = append(errorLines, line)
		}
	}
	if len(errorLines) != 1 || !strings.Contains(errorLines[0], "invalid_auth") {
		t.Errorf("want one ERROR line naming invalid_auth, got %d:\n%s", len(errorLines), strings.Join(errorLines, "\n"))
	}
	if strings.Contains(logs.String(), "revokedTokenValue") {
		t.Error("the token reached the logs")
	}
}
