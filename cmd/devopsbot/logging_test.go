package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// opsSecretValues are the strings no log line may contain.
var opsSecretValues = []string{opsBotToken, opsAppToken, opsSecret,
	"xoxp-9999999999-8888888888-unconfiguredusertoken", "AbCdEfGhIjKlMnOpQrStUvWx", "Zm9vYmFyc2VjcmV0"}

type opsSlackRequest struct {
	Token   string `json:"token"`
	Channel string `json:"channel"`
}

func TestLoggerRedactsSecretsEverywhere(t *testing.T) {
	cfg := opsDefaultConfig(t)
	cfg.BotToken, cfg.AppToken, cfg.SigningSecret = opsBotToken, opsAppToken, opsSecret
	userToken := "xoxp-9999999999-8888888888-unconfiguredusertoken"

	var buf bytes.Buffer
	lg, logs := newLogger(&buf, cfg)
	lg.Info("bot.HTTP verify with "+opsSecret, "header", "Bearer "+opsBotToken)
	lg.Error("bot.Slack post", "err", fmt.Errorf("post: %w", errors.New("invalid_auth for "+opsBotToken)))
	lg.Info("bot.Slack request", "req", opsSlackRequest{Token: opsAppToken, Channel: "C0123"},
		"ptr", &opsSlackRequest{Token: userToken})
	lg.Info("bot.Socket dial", "body", []byte("token="+opsAppToken))
	lg.Info("bot.Router handle", slog.Group("slack", slog.String("token", userToken), slog.Int("status", 200)))
	lg.With("token", opsBotToken).WithGroup("g").With("secret", opsSecret).Info("cmd.Serve start", "k", "xoxe.xoxp-1-abcdefghijkl")
	lg.Warn("bot.Slack respond", "err", errors.New(`Post "https://hooks.slack.com/actions/T0001/1234567890/Zm9vYmFyc2VjcmV0": timeout`))
	lg.Info("bot.Slack batch", "ids", []string{"U1", opsBotToken}, "m", map[string]string{"t": opsAppToken}, "clean", []int{1, 2})
	lg.Info("bot.Router handle", "command", "lookup", "latency_ms", 1.5, "outcome", "ok", "users", []string{"U1"})
	logs.Close()

	out := buf.String()
	for _, s := range opsSecretValues {
		if strings.Contains(out, s) {
			t.Errorf("log output contains %q:\n%s", s, out)
		}
	}
	if !strings.Contains(out, "[REDACTED]") {
		t.Errorf("log output has no [REDACTED] marker:\n%s", out)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 9 {
		t.Fatalf("got %d log lines, want 9:\n%s", len(lines), out)
	}
	var last map[string]any
	for i, line := range lines {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("line %d is not JSON (not a terminal, so JSON expected): %v\n%s", i+1, err, line)
		}
		last = rec
	}
	// Clean values keep their types and text.
	if last["command"] != "lookup" || last["latency_ms"] != 1.5 || last["msg"] != "bot.Router handle" {
		t.Errorf("clean record changed: %v", last)
	}
	// The token type prefix stays, to help debugging which token was involved.
	if !strings.Contains(out, "https://hooks.slack.com/actions/[REDACTED]") {
		t.Errorf("want response URLs kept as hooks.slack.com/actions/[REDACTED]:\n%s", out)
	}
	if !strings.Contains(out, "xoxb-[REDACTED]") {
		t.Errorf("want token prefixes kept (xoxb-[REDACTED]):\n%s", out)
	}
}

func TestRedactHandlerWrapsAnyHandler(t *testing.T) {
	cfg := opsDefaultConfig(t)
	cfg.SigningSecret = opsSecret
	var buf bytes.Buffer
	lg := slog.New(redactHandler(slog.NewTextHandler(&buf, nil), cfg))
	lg.Warn("msg", "a", "prefix"+opsSecret+"suffix", "n", 3)
	out := buf.String()
	if strings.Contains(out, opsSecret) || !strings.Contains(out, "prefix[REDACTED]suffix") || !strings.Contains(out, "n=3") {
		t.Errorf("text output = %q", out)
	}
}

func TestLoggerIsJSONOffATerminal(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "log"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if isTerminal(f) {
		t.Error("a regular file counts as a terminal")
	}
	if isTerminal(&bytes.Buffer{}) {
		t.Error("a buffer counts as a terminal")
	}
	lg, logs := newLogger(f, opsDefaultConfig(t))
	lg.Info("cmd.Test run", "k", "v")
	logs.Close()
	b, err := os.ReadFile(f.Name())
	if err != nil {
		t.Fatal(err)
	}
	if !json.Valid(bytes.TrimSpace(b)) {
		t.Errorf("log to a file is not JSON: %s", b)
	}
}

// BenchmarkLoggerRedact compares one request log line through newLogger
// with the same line through a plain JSON handler: the cost of redaction
// and of handing the line to the batching writer.
func BenchmarkLoggerRedact(b *testing.B) {
	var cfg Config
	cfg.BotToken, cfg.SigningSecret = opsBotToken, opsSecret
	redacted, logs := newLogger(io.Discard, cfg)
	defer logs.Close()
	for _, bc := range []struct {
		name string
		lg   *slog.Logger
	}{
		{"redacted", redacted},
		{"plain", slog.New(slog.NewJSONHandler(io.Discard, nil))},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				bc.lg.Info("bot.HTTP request", "route", "/slack/commands", "command", "lookup",
					"outcome", "ok", "status", 200, "latency_ms", 0.4)
			}
		})
	}
}

// BenchmarkLoggerToFile logs the request line from many goroutines at once
// into a file, as serve does under load: through newLogger (lines batched
// by its writer) and through a JSON handler writing each line to the file
// itself (the handler's lock held through every write).
//
//	go test ./cmd/devopsbot -run '^$' -bench LoggerToFile -cpu 2 -count 3
func BenchmarkLoggerToFile(b *testing.B) {
	open := func(b *testing.B) *os.File {
		f, err := os.Create(filepath.Join(b.TempDir(), "log"))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { f.Close() })
		return f
	}
	run := func(b *testing.B, lg *slog.Logger) {
		b.ReportAllocs()
		b.SetParallelism(25) // 50 goroutines on two cores, as the soak's clients
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				lg.Info("bot.HTTP request", "route", "/slack/commands", "command", "lookup",
					"outcome", "ok", "status", 200, "latency_ms", 0.4)
			}
		})
	}
	b.Run("batched", func(b *testing.B) {
		lg, logs := newLogger(open(b), Config{})
		defer logs.Close()
		run(b, lg)
	})
	b.Run("line_at_a_time", func(b *testing.B) {
		run(b, slog.New(redactHandler(slog.NewJSONHandler(open(b), nil), Config{})))
	})
}
