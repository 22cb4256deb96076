package bot

import (
	"context"
	"errors"
	"log/slog"
	"sync"
)

// click is one button click with what a transport knows about where it
// happened.
type click struct {
	Action
	ResponseURL string
	Ephemeral   bool // the clicked message is ephemeral (only response_url can change it)
}

// clicker runs clicks through the router and delivers their results: the
// private reply through the response_url (or chat.postEphemeral), the public
// post with chat.postMessage (or the response_url when the bot is not in the
// channel) and the update with chat.update (or the response_url for an
// ephemeral message). Clicks on one message are handled in order and its
// updates are coalesced, so a slower older update never overwrites a newer
// one (e.g. the answer count of the question of the day).
type clicker struct {
	lg    *slog.Logger
	r     *Router
	slack *Slack

	mu    sync.Mutex
	locks map[string]*msgLock
}

type msgLock struct {
	mu   sync.Mutex
	refs int
}

func newClicker(lg *slog.Logger, r *Router, s *Slack) *clicker {
	return &clicker{lg: lg, r: r, slack: s, locks: map[string]*msgLock{}}
}

func (c *clicker) lock(key string) func() {
	c.mu.Lock()
	l := c.locks[key]
	if l == nil {
		l = &msgLock{}
		c.locks[key] = l
	}
	l.refs++
	c.mu.Unlock()
	l.mu.Lock()
	return func() {
		l.mu.Unlock()
		c.mu.Lock()
		l.refs--
		if l.refs == 0 {
			delete(c.locks, key)
		}
		c.mu.Unlock()
	}
}

// handle runs one click and delivers its result; it returns the first
// delivery error (the others are logged).
func (c *clicker) handle(ctx context.Context, k click) error { return c.act(ctx, k)(ctx) }

// act runs a click's action (an answer is stored by the time it returns)
// and returns the delivery of its result, to be run afterwards: replies,
// posts and the update of the clicked message.
func (c *clicker) act(ctx context.Context, k click) (deliver func(ctx context.Context) error) {
	var res ActionResult
	sendUpdate := func(context.Context) error { return nil }
	if k.MessageTS != "" && !k.Ephemeral {
		key := k.Channel + "/" + k.MessageTS
		unlock := c.lock(key)
		res = c.r.Action(ctx, k.Action)
		if res.Update != nil {
			sendUpdate = c.slack.updates.push(key, *res.Update, func(ctx context.Context, r Response) error {
				return c.slack.Update(ctx, k.Channel, k.MessageTS, r)
			})
		}
		unlock()
	} else {
		res = c.r.Action(ctx, k.Action)
		if res.Update != nil && k.ResponseURL != "" {
			upd := *res.Update
			sendUpdate = func(ctx context.Context) error {
				return c.slack.Respond(ctx, k.ResponseURL, upd, respondReplace)
			}
		}
	}
	return func(ctx context.Context) error { return c.deliver(ctx, k, res, sendUpdate) }
}

// deliver sends what a click's action produced; it returns the first
// delivery error (the others are logged).
func (c *clicker) deliver(ctx context.Context, k click, res ActionResult, sendUpdate func(context.Context) error) error {
	var errs []error
	if res.Reply != nil {
		if err := c.reply(ctx, k, *res.Reply); err != nil {
			errs = append(errs, err)
		}
	}
	if res.Post != nil {
		if err := c.post(ctx, k, *res.Post, res.Thread); err != nil {
			errs = append(errs, err)
			// The update describes the posted message (a shared reply):
			// keep the clicked message as it is, its button working.
			if k.MessageTS == "" || k.Ephemeral {
				sendUpdate = func(context.Context) error { return nil }
			}
			c.r.forgetShare(res.shareKey)
		}
	}
	if err := sendUpdate(ctx); err != nil {
		errs = append(errs, err)
	}
	for _, err := range errs {
		c.lg.Error("bot.clicker deliver", "action_id", k.ActionID, "err", err)
	}
	return errors.Join(errs...)
}

// reply answers the clicker privately: through the response_url, or as
// an ephemeral message in the channel; a click on the Home tab has
// neither, so its reply goes to the person's direct message with the bot.
func (c *clicker) reply(ctx context.Context, k click, r Response) error {
	switch {
	case k.ResponseURL != "":
		return c.slack.Respond(ctx, k.ResponseURL, r, respondEphemeral)
	case k.Channel == "":
		return c.slack.SendDM(ctx, k.User, r)
	}
	return c.slack.PostEphemeral(ctx, k.Channel, k.User, k.ThreadTS, r)
}

// post posts a shared reply in the clicked message's channel, in thread
// when it is not "". When the bot may not post there, a reply for the
// channel itself goes through the response_url (which cannot reach a
// thread).
func (c *clicker) post(ctx context.Context, k click, r Response, thread string) error {
	_, err := c.slack.Post(ctx, k.Channel, thread, r)
	if err == nil {
		return nil
	}
	if cannotPostIn(err) && k.ResponseURL != "" && thread == "" {
		return c.slack.Respond(ctx, k.ResponseURL, r, respondInChannel)
	}
	return err
}

// cannotPostIn reports whether err is Slack saying the bot may not post
// in that channel: it is not a member (or it is a direct message between
// other people, which the bot cannot see), or the channel is archived.
func cannotPostIn(err error) bool {
	switch slackErrorCode(err) {
	case "not_in_channel", "channel_not_found", "is_archived":
		return true
	}
	return false
}
