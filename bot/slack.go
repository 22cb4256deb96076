package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/slack-go/slack"
)

// slackAPI lists the *slack.Client methods the bot calls, so tests can put a
// fake in its place. Replies through a response_url go through
// PostMessageContext with slack.MsgOptionResponseURL.
type slackAPI interface {
	AuthTestContext(ctx context.Context) (*slack.AuthTestResponse, error)
	PostMessageContext(ctx context.Context, channelID string, options ...slack.MsgOption) (string, string, error)
	PostEphemeralContext(ctx context.Context, channelID, userID string, options ...slack.MsgOption) (string, error)
	UpdateMessageContext(ctx context.Context, channelID, timestamp string, options ...slack.MsgOption) (string, string, string, error)
}

var _ slackAPI = (*slack.Client)(nil)

// DefaultAPIURL is Slack's Web API base URL.
const DefaultAPIURL = "https://slack.com/api/"

// APIURL returns u with the trailing slash slack.OptionAPIURL needs (the
// client appends method names to it); "" gives DefaultAPIURL.
func APIURL(u string) string {
	u = strings.TrimSpace(u)
	if u == "" {
		return DefaultAPIURL
	}
	if !strings.HasSuffix(u, "/") {
		u += "/"
	}
	return u
}

// NewSlackClient returns a slack-go client for the Web API at apiURL. The
// app-level token (Socket Mode) may be "".
func NewSlackClient(botToken, appToken, apiURL string) *slack.Client {
	opts := []slack.Option{
		slack.OptionAPIURL(APIURL(apiURL)),
		slack.OptionHTTPClient(&http.Client{Timeout: 15 * time.Second}),
	}
	if appToken != "" {
		opts = append(opts, slack.OptionAppLevelToken(appToken))
	}
	return slack.New(botToken, opts...)
}

// Slack sends the bot's messages through the Web API.
//
// After a 429 every call of that method waits for Retry-After, not only the
// one that got it. The retry rule: a call is retried (up to maxAttempts in all, with
// exponential backoff and jitter, never past the context's deadline) only
// when Slack cannot have acted on it:
//
//   - HTTP 429: Slack refused the call before processing it; the next attempt
//     waits for Retry-After (or the backoff when the header is missing);
//   - the request never left this process: the connection could not be made
//     or failed before the whole request was written (seen with
//     httptrace.WroteRequest), so no server saw a complete request;
//   - HTTP 5xx, but only for calls that are safe to repeat (chat.update,
//     auth.test, replacing a message through a response_url): a 5xx after
//     Slack received a chat.postMessage may still have posted it.
//
// Everything else (timeouts after sending, Slack errors such as
// channel_not_found, a 5xx on a post) fails at once, so a message is never
// posted twice. A failure after the request was sent and without Slack's
// answer wraps ErrMaybeDone: the caller must treat the post as possibly
// made (the question of the day then never posts that slot again). Final
// failures are counted in the metrics by method.
type Slack struct {
	lg          *slog.Logger
	api         slackAPI
	m           *Metrics
	maxAttempts int
	baseWait    time.Duration
	maxWait     time.Duration
	sleep       func(ctx context.Context, d time.Duration) error

	botUser atomic.Value // string: the bot's user ID from auth.test
	botID   atomic.Value // string: the bot's bot ID from auth.test

	updates updateQueue

	gateMu sync.Mutex
	gates  map[string]time.Time // per method: no calls before this time (after a 429)

	onAuth atomic.Pointer[func(method, code string)] // see OnAuthFailure
}

// authCodes are Slack's answers that a token no longer works: retrying
// cannot help, someone has to issue a new token.
var authCodes = []string{"invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired"}

// AuthFailure returns Slack's error code when err means the token is
// refused for good (invalid_auth, token_revoked, ...).
func AuthFailure(err error) (code string, ok bool) {
	code = slackErrorCode(err)
	return code, slices.Contains(authCodes, code)
}

// OnAuthFailure sets f to be called when any Web API call fails because
// the token is refused for good (see AuthFailure).
func (s *Slack) OnAuthFailure(f func(method, code string)) { s.onAuth.Store(&f) }

// NewSlack returns a Slack over a slack-go client (see NewSlackClient).
// m may be nil.
func NewSlack(lg *slog.Logger, client *slack.Client, m *Metrics) *Slack {
	return newSlack(lg, client, m)
}

func newSlack(lg *slog.Logger, api slackAPI, m *Metrics) *Slack {
	if lg == nil {
		lg = slog.New(slog.DiscardHandler)
	}
	s := &Slack{
		lg:          lg,
		api:         api,
		m:           m,
		maxAttempts: 4,
		baseWait:    200 * time.Millisecond,
		maxWait:     30 * time.Second,
		sleep:       sleepCtx,
	}
	s.botUser.Store("")
	s.botID.Store("")
	return s
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// BotUserID returns the bot's user ID once AuthTest has passed, else "".
func (s *Slack) BotUserID() string { return s.botUser.Load().(string) }

func (s *Slack) isSelf(user, botID string) bool {
	if botID != "" && botID == s.botID.Load().(string) {
		return true
	}
	u := s.BotUserID()
	return u != "" && user == u
}

// AuthTest checks the bot token with auth.test and remembers the bot's user
// ID (to ignore its own messages).
func (s *Slack) AuthTest(ctx context.Context) (team, user string, err error) {
	var resp *slack.AuthTestResponse
	err = s.call(ctx, "auth.test", true, func(ctx context.Context) error {
		var err error
		resp, err = s.api.AuthTestContext(ctx)
		return err
	})
	if err != nil {
		return "", "", fmt.Errorf("auth.test: %w", err)
	}
	s.botUser.Store(resp.UserID)
	s.botID.Store(resp.BotID)
	return resp.Team, resp.User, nil
}

func msgOptions(r Response) []slack.MsgOption {
	sm := renderSlack(r)
	opts := []slack.MsgOption{slack.MsgOptionText(sm.Text, false)}
	if len(sm.Blocks) > 0 {
		opts = append(opts, slack.MsgOptionBlocks(sm.Blocks...))
	}
	return opts
}

// Post posts r in channel (in the thread of threadTS when it is not "") and
// returns the message's timestamp.
func (s *Slack) Post(ctx context.Context, channel, threadTS string, r Response) (string, error) {
	opts := msgOptions(r)
	if threadTS != "" {
		opts = append(opts, slack.MsgOptionTS(threadTS))
	}
	var ts string
	err := s.call(ctx, "chat.postMessage", false, func(ctx context.Context) error {
		var err error
		_, ts, err = s.api.PostMessageContext(ctx, channel, opts...)
		return err
	})
	if err != nil {
		return "", fmt.Errorf("chat.postMessage: %w", err)
	}
	return ts, nil
}

// PostEphemeral shows r to user only, in channel.
func (s *Slack) PostEphemeral(ctx context.Context, channel, user, threadTS string, r Response) error {
	opts := msgOptions(r)
	if threadTS != "" {
		opts = append(opts, slack.MsgOptionTS(threadTS))
	}
	err := s.call(ctx, "chat.postEphemeral", false, func(ctx context.Context) error {
		_, err := s.api.PostEphemeralContext(ctx, channel, user, opts...)
		return err
	})
	if err != nil {
		return fmt.Errorf("chat.postEphemeral: %w", err)
	}
	return nil
}

// Update replaces the message at ts in channel with r.
func (s *Slack) Update(ctx context.Context, channel, ts string, r Response) error {
	err := s.call(ctx, "chat.update", true, func(ctx context.Context) error {
		_, _, _, err := s.api.UpdateMessageContext(ctx, channel, ts, msgOptions(r)...)
		return err
	})
	if err != nil {
		return fmt.Errorf("chat.update: %w", err)
	}
	return nil
}

// respondMode says what a response_url reply does.
type respondMode int

const (
	respondEphemeral respondMode = iota // a new message only the user sees
	respondInChannel                    // a new message everyone sees
	respondReplace                      // replaces the message the user acted on
)

// Respond answers through a response_url (slash commands and clicks carry
// one; it works where the bot is not a channel member).
func (s *Slack) Respond(ctx context.Context, responseURL string, r Response, mode respondMode) error {
	opts := msgOptions(r)
	switch mode {
	case respondReplace:
		opts = append(opts, slack.MsgOptionReplaceOriginal(responseURL))
	case respondInChannel:
		opts = append(opts, slack.MsgOptionResponseURL(responseURL, slack.ResponseTypeInChannel))
	default:
		opts = append(opts, slack.MsgOptionResponseURL(responseURL, slack.ResponseTypeEphemeral))
	}
	err := s.callGated(ctx, "response_url", "response_url "+responseURL, mode == respondReplace, func(ctx context.Context) error {
		_, _, err := s.api.PostMessageContext(ctx, "", opts...)
		return hideURL(err)
	})
	if err != nil {
		return fmt.Errorf("response_url: %w", err)
	}
	return nil
}

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

// updateQueue coalesces chat.update calls per message: while one update of
// a message is being sent, newer ones wait and only the latest is sent next.
type updateQueue struct {
	mu      sync.Mutex
	pending map[string]*pendingUpdate
}

type pendingUpdate struct {
	next    *Response
	send    func(ctx context.Context, r Response) error
	sending bool
}

// push records r as the latest update of key and returns the function that
// sends it: it sends queued updates until none is left, or does nothing when
// another caller is already sending for key (that caller sends r).
func (q *updateQueue) push(key string, r Response, send func(ctx context.Context, r Response) error) func(context.Context) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.pending == nil {
		q.pending = map[string]*pendingUpdate{}
	}
	p := q.pending[key]
	if p == nil {
		p = &pendingUpdate{}
		q.pending[key] = p
	}
	p.next, p.send = &r, send
	if p.sending {
		return func(context.Context) error { return nil }
	}
	p.sending = true
	return func(ctx context.Context) error {
		var errs []error
		for {
			q.mu.Lock()
			r, send := p.next, p.send
			p.next = nil
			if r == nil {
				p.sending = false
				delete(q.pending, key)
				q.mu.Unlock()
				return errors.Join(errs...)
			}
			q.mu.Unlock()
			if err := send(ctx, *r); err != nil {
				errs = append(errs, err)
			}
		}
	}
}
