package bot

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/slack-go/slack"
)

// call runs one Web API call under the retry rule documented on Slack.
func (s *Slack) call(ctx context.Context, method string, idempotent bool, do func(ctx context.Context) error) error {
	return s.callGated(ctx, method, method, idempotent, do)
}

// ErrRateLimited marks a call refused without being made because Slack's
// rate limit would hold it past the time it had to start by (WithStartBy).
var ErrRateLimited = errors.New("slack: rate limited")

type startByKey struct{}

// WithStartBy returns ctx for a call that must go out by t or not at all:
// an admin action (`quiz post`) that ran late, after a newer one, would do
// more harm than good. Such a call fails with ErrRateLimited instead of
// waiting for a rate limit past t.
func WithStartBy(ctx context.Context, t time.Time) context.Context {
	return context.WithValue(ctx, startByKey{}, t)
}

// tooLate reports whether waiting d now would start the call after the
// time ctx says it must start by.
func tooLate(ctx context.Context, d time.Duration) bool {
	by, ok := ctx.Value(startByKey{}).(time.Time)
	return ok && time.Now().Add(d).After(by)
}

// callGated is call with the rate limit kept under gate: the method, or
// for a response_url the URL itself (each has its own limit).
func (s *Slack) callGated(ctx context.Context, method, gate string, idempotent bool, do func(ctx context.Context) error) error {
	var err error
	var wrote atomic.Bool
	for attempt := 1; ; attempt++ {
		wrote.Store(false)
		tctx := httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
			WroteRequest: func(info httptrace.WroteRequestInfo) {
				if info.Err == nil {
					wrote.Store(true)
				}
			},
		})
		if attempt == 1 { // later attempts have waited for the gate already
			if err = s.waitGate(ctx, gate); err != nil {
				break
			}
		}
		err = do(tctx)
		if err == nil {
			return nil
		}
		wait, retry := s.retryAfter(err, wrote.Load(), idempotent, attempt)
		if retry && isRateLimit(err) {
			s.closeGate(gate, wait)
			if tooLate(ctx, wait) {
				err = fmt.Errorf("%w: %s for %v: %w", ErrRateLimited, method, wait.Round(time.Second), err)
				break
			}
		}
		if !retry || attempt >= s.maxAttempts || ctx.Err() != nil {
			break
		}
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < wait {
			break
		}
		s.lg.Warn("bot.Slack retry", "method", method, "attempt", attempt, "wait_ms", wait.Milliseconds(), "err", err)
		if serr := s.sleep(ctx, wait); serr != nil {
			break
		}
	}
	s.m.SlackError(method)
	if code, ok := AuthFailure(err); ok {
		if f := s.onAuth.Load(); f != nil {
			(*f)(method, code)
		}
	}
	if wrote.Load() && !answered(err) {
		return fmt.Errorf("%w: %w", ErrMaybeDone, err)
	}
	return err
}

// ErrMaybeDone marks a failed call that reached Slack without an answer
// (a timeout or a broken connection after the request was sent, a 5xx): it
// may have been carried out, so a post must not be sent again.
var ErrMaybeDone = errors.New("slack: outcome unknown")

// answered reports whether err is Slack's answer that it did not carry
// out the call: an error code, a 429 or another 4xx.
func answered(err error) bool {
	var se slack.SlackErrorResponse
	var rl *slack.RateLimitedError
	var sc slack.StatusCodeError
	switch {
	case errors.As(err, &se), errors.As(err, &rl):
		return true
	case errors.As(err, &sc):
		return sc.Code < 500
	}
	return false
}

// closeGate holds every call under gate (Slack's rate limits are per
// method, and per URL for response_urls) for wait after a 429. Gates that
// have opened again are dropped.
func (s *Slack) closeGate(gate string, wait time.Duration) {
	s.gateMu.Lock()
	defer s.gateMu.Unlock()
	if s.gates == nil {
		s.gates = map[string]time.Time{}
	}
	now := time.Now()
	for g, until := range s.gates {
		if !until.After(now) {
			delete(s.gates, g)
		}
	}
	if until := now.Add(wait); until.After(s.gates[gate]) {
		s.gates[gate] = until
	}
}

// waitGate waits until calls under gate may go out again; a call that
// must start before then (WithStartBy) fails with ErrRateLimited.
func (s *Slack) waitGate(ctx context.Context, gate string) error {
	s.gateMu.Lock()
	until := s.gates[gate]
	s.gateMu.Unlock()
	d := time.Until(until)
	if d <= 0 {
		return nil
	}
	if tooLate(ctx, d) {
		return fmt.Errorf("%w: %s for %v more", ErrRateLimited, gateName(gate), d.Round(time.Second))
	}
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) < d {
		return fmt.Errorf("%s rate limited for %v: %w", gateName(gate), d.Round(time.Second), context.DeadlineExceeded)
	}
	return s.sleep(ctx, d)
}

// gateName is a gate as it may be logged: never a response_url.
func gateName(gate string) string {
	if strings.HasPrefix(gate, "response_url ") {
		return "response_url"
	}
	return gate
}

func isRateLimit(err error) bool {
	var rl *slack.RateLimitedError
	var sc slack.StatusCodeError
	return errors.As(err, &rl) || (errors.As(err, &sc) && sc.Code == http.StatusTooManyRequests)
}

// retryAfter applies the retry rule to err; attempt counts from 1.
func (s *Slack) retryAfter(err error, wrote, idempotent bool, attempt int) (time.Duration, bool) {
	backoff := s.baseWait << (attempt - 1)
	backoff += time.Duration(rand.Int64N(int64(s.baseWait)/2 + 1))
	backoff = min(backoff, s.maxWait)
	var rl *slack.RateLimitedError
	if errors.As(err, &rl) {
		if rl.RetryAfter > 0 {
			return rl.RetryAfter, true
		}
		return backoff, true
	}
	var sc slack.StatusCodeError
	if errors.As(err, &sc) {
		switch {
		case sc.Code == http.StatusTooManyRequests:
			return backoff, true
		case sc.Code >= 500 && idempotent:
			return backoff, true
		}
		return 0, false
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return 0, false
	}
	var se slack.SlackErrorResponse
	if errors.As(err, &se) {
		return 0, false // Slack answered: it processed the call
	}
	if !wrote {
		return backoff, true // the request never reached Slack
	}
	return 0, false
}

// hideURL keeps only the host of the URL in a request error: a
// response_url lets anyone holding it post for half an hour, so it must not
// reach the logs.
func hideURL(err error) error {
	var ue *url.Error
	if err == nil || !errors.As(err, &ue) {
		return err
	}
	host := "response_url"
	if u, perr := url.Parse(ue.URL); perr == nil && u.Host != "" {
		host = u.Scheme + "://" + u.Host + "/…"
	}
	return &url.Error{Op: ue.Op, URL: host, Err: ue.Err}
}

// slackErrorCode returns Slack's error code for err (e.g.
// "channel_not_found"), or "".
func slackErrorCode(err error) string {
	var se slack.SlackErrorResponse
	if errors.As(err, &se) {
		return se.Err
	}
	return ""
}
