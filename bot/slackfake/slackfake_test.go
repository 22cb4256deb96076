package slackfake

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/slack-go/slack"
)

// TestSignDocumentedVector checks Sign against the example of Slack's
// "verifying requests" page: its timestamp is from 2018, so slack-go's
// verifier (which refuses stale timestamps) cannot be used for it.
func TestSignDocumentedVector(t *testing.T) {
	dir := filepath.Join("..", "testdata", "slack")
	raw, err := os.ReadFile(filepath.Join(dir, "signing_test_vector.json"))
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		Secret   string            `json:"signing_secret"`
		Headers  map[string]string `json:"headers"`
		BodyFile string            `json:"body_file"`
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	body, err := os.ReadFile(filepath.Join(dir, v.BodyFile))
	if err != nil {
		t.Fatal(err)
	}
	ts, want := v.Headers["X-Slack-Request-Timestamp"], v.Headers["X-Slack-Signature"]
	tests := []struct {
		name   string
		secret string
		body   []byte
		match  bool
	}{
		{"documented secret and body match", v.Secret, body, true},
		{"other secret differs", v.Secret + "x", body, false},
		{"one more byte differs", v.Secret, append(append([]byte(nil), body...), '&'), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Sign(tt.secret, ts, tt.body)
			if (got == want) != tt.match {
				t.Errorf("Sign = %s, documented %s, want match %v", got, want, tt.match)
			}
		})
	}
}

// TestSignRequestPassesSlackGo checks that a request signed now passes
// slack-go's verifier, and one signed six minutes ago does not.
func TestSignRequestPassesSlackGo(t *testing.T) {
	body := []byte("token=x&command=%2Fdevops&text=lookup+canary")
	for _, tt := range []struct {
		name string
		at   time.Time
		ok   bool
	}{
		{"fresh accepted", time.Now(), true},
		{"stale refused", time.Now().Add(-6 * time.Minute), false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r, _ := http.NewRequest(http.MethodPost, "http://127.0.0.1/", nil)
			SignRequest(r, "s3cret", body, tt.at)
			sv, err := slack.NewSecretsVerifier(r.Header, "s3cret")
			if err == nil {
				_, _ = sv.Write(body)
				err = sv.Ensure()
			}
			if (err == nil) != tt.ok {
				t.Errorf("verify: %v, want ok %v", err, tt.ok)
			}
		})
	}
}
