package bot

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/devopsbot/devopsbot/bot/slackfake"
)

// sendSigned posts body to path with the given timestamp and signature.
func sendSigned(t *testing.T, e *httpEnv, path string, body []byte, ts, sig string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+path, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", sig)
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

func TestHTTPReplayRefusedHoweverTheSignatureIsSpelled(t *testing.T) {
	e := newHTTPEnv(t, nil, HTTPOptions{})
	body := append(slackfake.SlashCommands(e.fake.ResponseURL("r"), "help")[0], "&trigger_id=42"...)
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	sig := slackfake.Sign(testSecret, ts, body)
	if code := sendSigned(t, e, PathCommands, body, ts, sig); code != http.StatusOK {
		t.Fatalf("first delivery: status %d, want 200", code)
	}
	for name, spelled := range map[string]string{
		"same":       sig,
		"upper hex":  "v0=" + strings.ToUpper(strings.TrimPrefix(sig, "v0=")),
		"mixed case": "v0=" + strings.ToUpper(sig[3:10]) + sig[10:],
	} {
		if code := sendSigned(t, e, PathCommands, body, ts, spelled); code != http.StatusUnauthorized {
			t.Errorf("%s: replay got status %d, want 401", name, code)
		}
	}
}

func TestHTTPReplayRefusedByTheReplayLogAfterARestart(t *testing.T) {
	log := newMemReplays() // stands for the store both processes share
	first := newHTTPEnv(t, nil, HTTPOptions{Replays: log})
	body := append(slackfake.SlashCommands(first.fake.ResponseURL("r"), "quiz")[0], "&trigger_id=7"...)
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	sig := slackfake.Sign(testSecret, ts, body)
	if code := sendSigned(t, first, PathCommands, body, ts, sig); code != http.StatusOK {
		t.Fatalf("first delivery: status %d, want 200", code)
	}
	restarted := newHTTPEnv(t, nil, HTTPOptions{Replays: log})
	if code := sendSigned(t, restarted, PathCommands, body, ts, sig); code != http.StatusUnauthorized {
		t.Errorf("replay after a restart: status %d, want 401", code)
	}
}

// failingReplays is a replay log that cannot be written.
type failingReplays struct{}

func (failingReplays) FirstRequest(context.Context, []byte, time.Time, time.Time) (bool, error) {
	return true, fmt.Errorf("record request: disk full")
}

func TestHTTPReplayLogFailureStillRefusesReplaysInMemory(t *testing.T) {
	e := newHTTPEnv(t, nil, HTTPOptions{Replays: failingReplays{}})
	body := append(slackfake.SlashCommands(e.fake.ResponseURL("r"), "quiz")[0], "&trigger_id=9"...)
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	sig := slackfake.Sign(testSecret, ts, body)
	if code := sendSigned(t, e, PathCommands, body, ts, sig); code != http.StatusOK {
		t.Fatalf("first delivery: status %d, want 200", code)
	}
	if code := sendSigned(t, e, PathCommands, body, ts, sig); code != http.StatusUnauthorized {
		t.Errorf("replay: status %d, want 401", code)
	}
}

func TestMemReplaysKeepOnlyUnexpiredKeys(t *testing.T) {
	m := newMemReplays()
	ctx := context.Background()
	t0 := time.Unix(1_800_000_000, 0)
	key := func(i int) []byte { return fmt.Appendf(nil, "%032d", i) }
	for i := range 5000 {
		if first, _ := m.FirstRequest(ctx, key(i), t0, t0.Add(replayWindow)); !first {
			t.Fatalf("key %d reported as seen", i)
		}
	}
	if first, _ := m.FirstRequest(ctx, key(1), t0.Add(time.Minute), t0.Add(replayWindow)); first {
		t.Error("a key within its window was accepted twice")
	}
	// Once their requests are stale, the keys are dropped.
	later := t0.Add(replayWindow + 2*time.Minute)
	if first, _ := m.FirstRequest(ctx, key(-1), later, later.Add(replayWindow)); !first {
		t.Error("a new key reported as seen")
	}
	if n := m.len(); n != 1 {
		t.Errorf("%d keys held after the others expired, want 1", n)
	}
}

func TestReadOnlyCommands(t *testing.T) {
	for text, want := range map[string]bool{
		"lookup canary":            true,
		"canary deployment":        true, // a lookup too
		"ask which one? A) x B) y": true,
		"help":                     true,
		"":                         true,
		"leaderboard week":         true,
		"stats <@U1>":              true,
		"quiz":                     false, // hands out a practice question
		"quiz post":                false,
		"QUIZ close":               false,
		"admin reload":             false,
		"admin channel C1":         false,
	} {
		if got := readOnlyCommand(text); got != want {
			t.Errorf("readOnlyCommand(%q) = %v, want %v", text, got, want)
		}
	}
}

// BenchmarkMemReplays is every request's replay check, from many
// connections at once.
//
//	go test ./bot -run '^$' -bench MemReplays -cpu 1,2,8
func BenchmarkMemReplays(b *testing.B) {
	m := newMemReplays()
	ctx := context.Background()
	var next atomic.Int64
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			now := time.Now()
			key := sha256.Sum256(fmt.Appendf(nil, "%d", next.Add(1)))
			if first, _ := m.FirstRequest(ctx, key[:], now, now.Add(replayWindow)); !first {
				b.Fatal("a new key reported as seen")
			}
		}
	})
}
