package bot

import (
	"cmp"
	"context"
	"strings"
	"time"

	"github.com/slack-go/slack"
)

// Callback IDs of the "Ask devopsbot" shortcuts, as the Slack app
// manifests declare them (deploy's tests hold the manifests to these).
const (
	// ShortcutAsk is the message shortcut: answer the message it is used
	// on, privately.
	ShortcutAsk = "ask_devopsbot"
	// ShortcutAskModal is the global shortcut: a modal to paste a question in.
	ShortcutAskModal = "ask_devopsbot_modal"
)

// Shortcut is the message shortcut "Ask devopsbot" used on a message.
type Shortcut struct {
	User    string // who used it
	Channel string // where the message is
	Text    string // the message's text as Slack sent it (escaped, <@U…> mentions)
	// ThreadTS is the thread "Share in thread" posts in: the message's
	// thread, or the message itself when it is not a reply.
	ThreadTS string
}

// Shortcut answers the message a shortcut was used on, privately, the way
// a mention would: an exam question with options as ask, anything else as
// lookup, with "Share in thread". With direct the answer goes to a direct
// message instead, because the bot cannot post where the message is: it
// says so, and has no Share button.
func (r *Router) Shortcut(ctx context.Context, s Shortcut, direct bool) Response {
	text := strings.TrimSpace(decodeSlack(stripMentions(clean(s.Text))))
	if text == "" {
		setOutcome(ctx, OutcomeInvalid)
		return textResponse(true, plain("That message has no text I can read (only attachments or formatting), so there is nothing to look up."))
	}
	v := r.view(false)
	if direct {
		v.direct = true
	} else {
		v.thread = s.ThreadTS
	}
	resp := r.answerText(ctx, text, v)
	resp.Ephemeral = true
	if !direct {
		return resp
	}
	m := &Response{Ephemeral: true}
	m.context(plain("I can't post where that message is, so here is my answer to it. To get answers beside the message, with Share in thread, invite me there: "),
		code("/invite @devopsbot"), plain("."))
	m.parts = append(m.parts, resp.parts...)
	return *m
}

// shortcut handles a message or global shortcut: the message shortcut's
// private answer, or the global shortcut's modal. It is logged and counted
// like a command.
func (d *Dispatcher) shortcut(ctx context.Context, transport string, cb slack.InteractionCallback) {
	start := time.Now()
	rctx, o := withOutcome(ctx)
	var err error
	switch {
	case cb.Type == slack.InteractionTypeMessageAction && cb.CallbackID == ShortcutAsk:
		err = d.messageShortcut(rctx, cb)
	case cb.Type == slack.InteractionTypeShortcut && cb.CallbackID == ShortcutAskModal:
		err = d.slack.OpenView(rctx, cb.TriggerID, askModal())
	default:
		d.lg.Warn("bot.Dispatcher unknown shortcut", "transport", transport, "type", string(cb.Type), "callback_id", cb.CallbackID)
		return
	}
	outcome := *o
	if err != nil {
		outcome = OutcomeError
		d.lg.Error("bot.Dispatcher shortcut failed", "transport", transport, "callback_id", cb.CallbackID, "err", err)
	}
	d.m.Command(CommandShortcut, outcome)
	d.lg.Info("bot.Dispatcher shortcut", "transport", transport, "callback_id", cb.CallbackID,
		"outcome", outcome, "latency_ms", msSince(start))
}

// messageShortcut answers the message shortcut privately: an ephemeral
// message beside the message (in its thread when it is a reply); where the
// bot cannot post (not a member, a direct message between other people),
// a direct message from the bot.
func (d *Dispatcher) messageShortcut(ctx context.Context, cb slack.InteractionCallback) error {
	msgTS := cmp.Or(cb.Message.Timestamp, cb.MessageTs)
	sc := Shortcut{User: cb.User.ID, Channel: cb.Channel.ID, Text: cb.Message.Text,
		ThreadTS: cmp.Or(cb.Message.ThreadTimestamp, msgTS)}
	reply := "" // the ephemeral answer shows where the message is
	if sc.ThreadTS != msgTS {
		reply = sc.ThreadTS
	}
	err := d.slack.PostEphemeral(ctx, sc.Channel, sc.User, reply, d.r.Shortcut(ctx, sc, false))
	if !cannotPostIn(err) {
		return err
	}
	d.lg.Info("bot.Dispatcher shortcut answered in a direct message", "reason", slackErrorCode(err))
	return d.slack.SendDM(ctx, sc.User, d.r.Shortcut(ctx, sc, true))
}
