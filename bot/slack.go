package bot

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
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
	OpenConversationContext(ctx context.Context, params *slack.OpenConversationParameters) (*slack.Channel, bool, bool, error)
	OpenViewContext(ctx context.Context, triggerID string, view slack.ModalViewRequest) (*slack.ViewResponse, error)
	GetUploadURLExternalContext(ctx context.Context, params slack.GetUploadURLExternalParameters) (*slack.GetUploadURLExternalResponse, error)
	UploadToURL(ctx context.Context, params slack.UploadToURLParameters) error
	CompleteUploadExternalContext(ctx context.Context, params slack.CompleteUploadExternalParameters) (*slack.CompleteUploadExternalResponse, error)
	PublishViewContext(ctx context.Context, req slack.PublishViewContextRequest) (*slack.ViewResponse, error)
	GetPermalinkContext(ctx context.Context, params *slack.PermalinkParameters) (string, error)
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

	linkMu sync.Mutex
	links  map[string]string // "channel/ts" -> permalink (a message's link never changes)

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

// OpenView opens a modal for the trigger_id of a shortcut or a click
// (views.open; a trigger lasts 3 seconds and opens one view, so the call
// is not repeated after Slack may have acted on it).
func (s *Slack) OpenView(ctx context.Context, triggerID string, v slack.ModalViewRequest) error {
	err := s.call(ctx, "views.open", false, func(ctx context.Context) error {
		_, err := s.api.OpenViewContext(ctx, triggerID, v)
		return err
	})
	if err != nil {
		return fmt.Errorf("views.open: %w", err)
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
