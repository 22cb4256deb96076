package bot

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/devopsbot/devopsbot/bot/slackfake"
)

// TestSlackRateLimitIsPerResponseURL: a 429 on one response_url does not
// hold the confirmations sent to other response_urls.
func TestSlackRateLimitIsPerResponseURL(t *testing.T) {
	fake := newFake(t)
	s := NewSlack(nil, NewSlackClient(slackfake.BotToken, "", fake.APIURL()), nil)
	s.sleep = func(ctx context.Context, d time.Duration) error { return sleepCtx(ctx, min(d, 10*time.Millisecond)) }
	ctx := context.Background()
	fake.FailNext("response_url", http.StatusTooManyRequests, "30")
	if err := s.Respond(ctx, fake.ResponseURL("first"), textResponse(true, plain("one")), respondEphemeral); err != nil {
		t.Fatalf("first reply (429, then retried): %v", err)
	}
	// The first URL's gate is closed for 30 s; another URL is not held.
	other, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	if err := s.Respond(other, fake.ResponseURL("second"), textResponse(true, plain("two")), respondEphemeral); err != nil {
		t.Errorf("a reply to another response_url waited for the first one's rate limit: %v", err)
	}
}

// TestSlackStaleActionDroppedNotRunLate: a call that must start soon (an
// admin's `quiz post`) fails at once with ErrRateLimited when Slack's
// rate limit would hold it past that, instead of running later.
func TestSlackStaleActionDroppedNotRunLate(t *testing.T) {
	fake := newFake(t)
	s := NewSlack(nil, NewSlackClient(slackfake.BotToken, "", fake.APIURL()), nil)
	ctx := context.Background()
	fake.FailNext("chat.postMessage", http.StatusTooManyRequests, "16")
	start := time.Now()
	_, err := s.Post(WithStartBy(ctx, time.Now().Add(2*time.Second)), "C1", "", textResponse(false, plain("question")))
	if !errors.Is(err, ErrRateLimited) {
		t.Fatalf("post under a 16 s rate limit: %v, want ErrRateLimited", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("refused after %v, want at once", d)
	}
	// The next admin action in the same window is refused without a call.
	_, err = s.Post(WithStartBy(ctx, time.Now().Add(2*time.Second)), "C1", "", textResponse(false, plain("again")))
	if !errors.Is(err, ErrRateLimited) {
		t.Errorf("second post in the window: %v, want ErrRateLimited", err)
	}
	if n := fake.Hits("chat.postMessage"); n != 1 {
		t.Errorf("%d chat.postMessage calls, want 1", n)
	}
}
