package bot

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/slack-go/slack"

	"github.com/devopsbot/devopsbot/bot/slackfake"
)

// newTestSlack returns a Slack on a real slack-go client talking to apiURL,
// with the waits recorded instead of slept.
func newTestSlack(t *testing.T, apiURL string) (*Slack, *[]time.Duration) {
	t.Helper()
	s := NewSlack(nil, NewSlackClient(slackfake.BotToken, "", apiURL), NewMetrics("test"))
	var mu sync.Mutex
	waits := &[]time.Duration{}
	s.sleep = func(ctx context.Context, d time.Duration) error {
		mu.Lock()
		*waits = append(*waits, d)
		mu.Unlock()
		return ctx.Err()
	}
	return s, waits
}

func TestAPIURLHasTrailingSlash(t *testing.T) {
	for in, want := range map[string]string{
		"":                           DefaultAPIURL,
		"https://slack.com/api":      "https://slack.com/api/",
		"http://127.0.0.1:9999/api/": "http://127.0.0.1:9999/api/",
	} {
		if got := APIURL(in); got != want {
			t.Errorf("APIURL(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSlackRetryRule(t *testing.T) {
	msg := textResponse(false, plain("hello"))
	tests := []struct {
		name      string
		method    string // fake's method name
		fail      []int  // statuses of the first attempts
		retry     string // Retry-After of the failures
		call      func(ctx context.Context, s *Slack, fake *slackfake.Server) error
		wantErr   bool
		maybe     bool // the error is ErrMaybeDone
		wantHits  int
		wantWaits []time.Duration // nil: don't check exact waits
	}{
		{
			name: "post after 429 waits Retry-After and posts once", method: "chat.postMessage",
			fail: []int{429}, retry: "7", wantHits: 2, wantWaits: []time.Duration{7 * time.Second},
			call: func(ctx context.Context, s *Slack, _ *slackfake.Server) error {
				_, err := s.Post(ctx, "C1", "", msg)
				return err
			},
		},
		{
			name: "post after 500 is not retried", method: "chat.postMessage",
			fail: []int{500}, wantErr: true, maybe: true, wantHits: 1,
			call: func(ctx context.Context, s *Slack, _ *slackfake.Server) error {
				_, err := s.Post(ctx, "C1", "", msg)
				return err
			},
		},
		{
			name: "ephemeral after 503 is not retried", method: "chat.postEphemeral",
			fail: []int{503}, wantErr: true, maybe: true, wantHits: 1,
			call: func(ctx context.Context, s *Slack, _ *slackfake.Server) error {
				return s.PostEphemeral(ctx, "C1", "U1", "", msg)
			},
		},
		{
			name: "update after 503 and 502 is retried", method: "chat.update",
			fail: []int{503, 502}, wantHits: 3,
			call: func(ctx context.Context, s *Slack, _ *slackfake.Server) error {
				return s.Update(ctx, "C1", "1.2", msg)
			},
		},
		{
			name: "update gives up after four attempts", method: "chat.update",
			fail: []int{500, 500, 500, 500, 500}, wantErr: true, maybe: true, wantHits: 4,
			call: func(ctx context.Context, s *Slack, _ *slackfake.Server) error {
				return s.Update(ctx, "C1", "1.2", msg)
			},
		},
		{
			name: "slack error is not retried", method: "chat.postMessage",
			wantErr: true, wantHits: 1,
			call: func(ctx context.Context, s *Slack, _ *slackfake.Server) error {
				_, err := s.Post(ctx, "", "", msg) // the fake answers channel_not_found
				if slackErrorCode(err) != "channel_not_found" {
					t.Errorf("error code of %v = %q", err, slackErrorCode(err))
				}
				return err
			},
		},
		{
			name: "ephemeral response_url after 500 is not retried", method: "response_url",
			fail: []int{500}, wantErr: true, maybe: true, wantHits: 1,
			call: func(ctx context.Context, s *Slack, fake *slackfake.Server) error {
				return s.Respond(ctx, fake.ResponseURL("r"), msg, respondEphemeral)
			},
		},
		{
			name: "replacing through response_url after 500 is retried", method: "response_url",
			fail: []int{500}, wantHits: 2,
			call: func(ctx context.Context, s *Slack, fake *slackfake.Server) error {
				return s.Respond(ctx, fake.ResponseURL("r"), msg, respondReplace)
			},
		},
		{
			name: "auth.test after 429 without Retry-After backs off", method: "auth.test",
			fail: []int{429}, wantHits: 2,
			call: func(ctx context.Context, s *Slack, _ *slackfake.Server) error {
				_, _, err := s.AuthTest(ctx)
				if err == nil && s.BotUserID() != slackfake.BotUser {
					t.Errorf("bot user %q", s.BotUserID())
				}
				return err
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			fake := newFake(t)
			for _, st := range tt.fail {
				fake.FailNext(tt.method, st, tt.retry)
			}
			s, waits := newTestSlack(t, fake.APIURL())
			err := tt.call(ctx, s, fake)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			if errors.Is(err, ErrMaybeDone) != tt.maybe {
				t.Errorf("err = %v: ErrMaybeDone %v, want %v", err, errors.Is(err, ErrMaybeDone), tt.maybe)
			}
			if got := fake.Hits(tt.method); got != tt.wantHits {
				t.Errorf("%s reached the fake %d times, want %d", tt.method, got, tt.wantHits)
			}
			if tt.wantWaits != nil && !equalDurations(*waits, tt.wantWaits) {
				t.Errorf("waits %v, want %v", *waits, tt.wantWaits)
			}
			if len(*waits) != tt.wantHits-1 && !tt.wantErr {
				t.Errorf("%d waits for %d attempts", len(*waits), tt.wantHits)
			}
			errs := counterValue(t, s.m, tt.method)
			if want := map[bool]float64{true: 1, false: 0}[tt.wantErr]; errs != want {
				t.Errorf("slack error metric %v, want %v", errs, want)
			}
		})
	}
}

func equalDurations(a, b []time.Duration) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestSlackRetriesWhenNothingWasSent: a refused connection proves the post
// never reached Slack, so it is retried (and fails in the end here, as
// nothing listens).
func TestSlackRetriesWhenNothingWasSent(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	s, waits := newTestSlack(t, "http://"+addr+"/api/")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err = s.Post(ctx, "C1", "", textResponse(false, plain("x")))
	if err == nil {
		t.Fatal("post to a closed port succeeded")
	}
	if errors.Is(err, ErrMaybeDone) {
		t.Errorf("a post that never left is reported as maybe done: %v", err)
	}
	if len(*waits) != s.maxAttempts-1 {
		t.Errorf("%d retries, want %d", len(*waits), s.maxAttempts-1)
	}
}

// TestSlackDoesNotRetryAfterSending: the request was written and the
// connection then died without an answer; the post may have happened, so
// it is not repeated.
func TestSlackDoesNotRetryAfterSending(t *testing.T) {
	var mu sync.Mutex
	hits := 0
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		hits++
		mu.Unlock()
		hj, ok := w.(http.Hijacker)
		if !ok {
			t.Error("no hijacker")
			return
		}
		c, _, _ := hj.Hijack()
		c.Close()
	})}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	defer srv.Close()
	s, waits := newTestSlack(t, "http://"+ln.Addr().String()+"/api/")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err = s.Post(ctx, "C1", "", textResponse(false, plain("x")))
	if err == nil {
		t.Fatal("post succeeded")
	}
	mu.Lock()
	defer mu.Unlock()
	if hits != 1 || len(*waits) != 0 {
		t.Errorf("server hit %d times with %d waits, want once without retry", hits, len(*waits))
	}
	if !errors.Is(err, ErrMaybeDone) {
		t.Errorf("a post that reached the server without an answer: %v, want ErrMaybeDone", err)
	}
}

func TestRetryAfterRateLimitError(t *testing.T) {
	s := newSlack(nil, nil, nil)
	wait, retry := s.retryAfter(&slack.RateLimitedError{RetryAfter: 3 * time.Second}, true, false, 1)
	if !retry || wait != 3*time.Second {
		t.Errorf("got %v %v, want 3s true", wait, retry)
	}
	if _, retry := s.retryAfter(context.Canceled, false, true, 1); retry {
		t.Errorf("a cancelled call was retried")
	}
	if _, retry := s.retryAfter(errors.New("read: connection reset"), true, false, 1); retry {
		t.Errorf("a post that reached the server was retried")
	}
}

func TestUpdateQueueSendsLatestLast(t *testing.T) {
	var q updateQueue
	var mu sync.Mutex
	var sent []string
	release := make(chan struct{})
	send := func(ctx context.Context, r Response) error {
		if r.slack().Text == "1" {
			<-release // the first update is slow
		}
		mu.Lock()
		sent = append(sent, r.slack().Text)
		mu.Unlock()
		return nil
	}
	first := q.push("C/1", textResponse(false, plain("1")), send)
	done := make(chan error)
	go func() { done <- first(context.Background()) }()
	time.Sleep(10 * time.Millisecond)
	for _, n := range []string{"2", "3", "4"} {
		if err := q.push("C/1", textResponse(false, plain(n)), send)(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(sent) != 2 || sent[0] != "1" || sent[1] != "4" {
		t.Errorf("sent %v, want [1 4]", sent)
	}
}

// counterValue reads devopsbot_slack_api_errors_total for method.
func counterValue(t *testing.T, m *Metrics, method string) float64 {
	t.Helper()
	var out dto.Metric
	if err := m.slackErrors.WithLabelValues(closed(method, knownSlackMethods)).Write(&out); err != nil {
		t.Fatal(err)
	}
	return out.GetCounter().GetValue()
}

func TestRespondErrorHidesResponseURL(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	s, _ := newTestSlack(t, "http://"+addr+"/api/")
	secretPath := "/actions/T1/123/SeCrEtToKeN"
	err = s.Respond(context.Background(), "http://"+addr+secretPath, textResponse(false, plain("x")), respondEphemeral)
	if err == nil {
		t.Fatal("respond to a closed port succeeded")
	}
	if strings.Contains(err.Error(), "SeCrEtToKeN") {
		t.Errorf("error shows the response_url: %v", err)
	}
}

// TestSlackRateLimitHoldsTheMethod: after a 429, the next call of the same
// method waits out Retry-After too; other methods do not.
func TestSlackRateLimitHoldsTheMethod(t *testing.T) {
	fake := newFake(t)
	fake.FailNext("chat.postMessage", 429, "5")
	s, waits := newTestSlack(t, fake.APIURL())
	ctx := context.Background()
	if _, err := s.Post(ctx, "C1", "", textResponse(false, plain("a"))); err != nil {
		t.Fatal(err)
	}
	if err := s.Update(ctx, "C1", "1.2", textResponse(false, plain("b"))); err != nil {
		t.Fatal(err)
	}
	if len(*waits) != 1 {
		t.Fatalf("waits %v after a 429 and an update, want only the retry", *waits)
	}
	if _, err := s.Post(ctx, "C1", "", textResponse(false, plain("c"))); err != nil {
		t.Fatal(err)
	}
	if len(*waits) != 2 || (*waits)[1] < 4*time.Second || (*waits)[1] > 5*time.Second {
		t.Errorf("waits %v: the second post should wait out the rest of Retry-After", *waits)
	}
	short, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	if _, err := s.Post(short, "C1", "", textResponse(false, plain("d"))); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("a post that cannot wait out the limit: %v, want deadline exceeded", err)
	}
}

func TestSlackReportsATokenRefusedForGood(t *testing.T) {
	fake := newFake(t)
	s := NewSlack(nil, NewSlackClient("xoxb-0000000000-revoked", "", fake.APIURL()), nil)
	var got []string
	s.OnAuthFailure(func(method, code string) { got = append(got, method+" "+code) })
	if _, err := s.Post(context.Background(), "C1", "", textResponse(false, plain("hi"))); err == nil {
		t.Fatal("post with a refused token succeeded")
	}
	if len(got) != 1 || got[0] != "chat.postMessage invalid_auth" {
		t.Errorf("OnAuthFailure calls = %q, want one for chat.postMessage invalid_auth", got)
	}
	if fake.Hits("chat.postMessage") != 1 {
		t.Errorf("%d attempts, want 1: a refused token is not retried", fake.Hits("chat.postMessage"))
	}
}
