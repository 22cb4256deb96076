package bot

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/slack-go/slack"
)

// The "Ask devopsbot" modal (the global shortcut ShortcutAskModal opens
// it). Its submission is answered by replacing the modal with the answer
// (response_action update): the person is looking at the modal and reads
// the answer at once, where they asked, instead of being sent off to a
// direct message; "Ask another" brings the empty form back. The answer
// carries no buttons there: a modal has no channel to share into or to
// reply in.
const (
	viewAsk     = "devopsbot_ask"    // callback_id of the form
	viewAnswer  = "devopsbot_answer" // callback_id of the answer
	askBlockID  = "question"
	askActionID = "text"
	// maxPasted is the most a pasted question may hold, in characters:
	// Slack's limit for a plain_text_input, which the form also sets.
	maxPasted = 3000
)

// askModal is the form: one multiline input for a question (with its
// options) or a few words to look up.
func askModal() slack.ModalViewRequest {
	input := slack.NewPlainTextInputBlockElement(
		slack.NewTextBlockObject(slack.PlainTextType, "A scenario with options A) B) C) D), or a few words", false, false),
		askActionID).WithMultiline(true).WithMaxLength(maxPasted)
	block := slack.NewInputBlock(askBlockID,
		slack.NewTextBlockObject(slack.PlainTextType, "Question or topic", false, false),
		slack.NewTextBlockObject(slack.PlainTextType, "Only you see the answer.", false, false), input)
	return slack.ModalViewRequest{
		Type:       slack.VTModal,
		CallbackID: viewAsk,
		Title:      slack.NewTextBlockObject(slack.PlainTextType, "Ask devopsbot", false, false),
		Submit:     slack.NewTextBlockObject(slack.PlainTextType, "Ask", false, false),
		Close:      slack.NewTextBlockObject(slack.PlainTextType, "Cancel", false, false),
		Blocks:     slack.Blocks{BlockSet: []slack.Block{block}},
	}
}

// answerModal shows r in the modal, without its buttons.
func answerModal(r Response) slack.ModalViewRequest {
	return slack.ModalViewRequest{
		Type:       slack.VTModal,
		CallbackID: viewAnswer,
		Title:      slack.NewTextBlockObject(slack.PlainTextType, "devopsbot", false, false),
		Submit:     slack.NewTextBlockObject(slack.PlainTextType, "Ask another", false, false),
		Close:      slack.NewTextBlockObject(slack.PlainTextType, "Done", false, false),
		Blocks:     slack.Blocks{BlockSet: renderAckView(withoutButtons(r))},
	}
}

// withoutButtons returns r without its buttons.
func withoutButtons(r Response) Response {
	out := Response{Ephemeral: r.Ephemeral}
	for _, p := range r.parts {
		if p.kind == partButtons {
			continue
		}
		p.buttons = nil
		out.parts = append(out.parts, p)
	}
	return out
}

// AskPasted answers a question or topic pasted in the modal, as a mention
// would, for the person alone and without Share buttons.
func (r *Router) AskPasted(ctx context.Context, text string) Response {
	v := r.view(false)
	v.direct = true
	return r.answerText(ctx, strings.TrimSpace(clean(text)), v)
}

// checkPasted returns what is wrong with a pasted question, "" when
// nothing: the form shows it under the input.
func checkPasted(text string) string {
	switch n := utf8.RuneCountInString(text); {
	case strings.TrimSpace(text) == "":
		return "Paste a question with its options, or type a few words to look up."
	case n > maxPasted:
		return fmt.Sprintf("That is %d characters; the most is %d. Paste just the scenario and its options.", n, maxPasted)
	}
	return ""
}

// submission answers a view_submission of the modal: errors under the
// input, the answer in place of the form, or the form again after "Ask
// another". resp is the answer, nil when there is none. A nil ack closes
// the modal.
func (d *Dispatcher) submission(ctx context.Context, cb slack.InteractionCallback) (ack *slack.ViewSubmissionResponse, resp *Response) {
	switch cb.View.CallbackID {
	case viewAnswer:
		form := askModal()
		return slack.NewUpdateViewSubmissionResponse(&form), nil
	case viewAsk:
	default:
		d.lg.Warn("bot.Dispatcher submission of an unknown view", "callback_id", cb.View.CallbackID)
		return nil, nil
	}
	var text string
	if cb.View.State != nil {
		text = cb.View.State.Values[askBlockID][askActionID].Value
	}
	if msg := checkPasted(text); msg != "" {
		setOutcome(ctx, OutcomeInvalid)
		return slack.NewErrorsViewSubmissionResponse(map[string]string{askBlockID: msg}), nil
	}
	r := d.r.AskPasted(ctx, text)
	view := answerModal(r)
	return slack.NewUpdateViewSubmissionResponse(&view), &r
}

// submitWithin answers a view_submission within wait (Slack closes the
// modal after 3 s): the ack to send is what submission gave. An answer
// that takes longer is acknowledged empty (the modal closes) and goes to
// the person's direct messages when it is ready. ok is false when shutting
// down.
func (d *Dispatcher) submitWithin(cb slack.InteractionCallback, wait time.Duration, transport string) (ack *slack.ViewSubmissionResponse, ok bool) {
	var (
		mu   sync.Mutex
		late bool
		out  *slack.ViewSubmissionResponse
		done = make(chan struct{})
	)
	ok = d.goBackground(func(ctx context.Context) {
		start := time.Now()
		rctx, o := withOutcome(ctx)
		a, resp := d.submission(rctx, cb)
		mu.Lock()
		isLate := late
		if !late {
			out = a
			close(done)
		}
		mu.Unlock()
		var err error
		if isLate && resp != nil {
			err = d.slack.SendDM(ctx, cb.User.ID, *resp)
		}
		outcome := *o
		if err != nil {
			outcome = OutcomeError
			d.lg.Error("bot.Dispatcher late modal answer", "transport", transport, "err", err)
		}
		d.m.Command(CommandShortcut, outcome)
		d.lg.Info("bot.Dispatcher modal", "transport", transport, "callback_id", cb.View.CallbackID,
			"outcome", outcome, "late", isLate, "latency_ms", msSince(start))
	})
	if !ok {
		return nil, false
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
	}
	mu.Lock()
	defer mu.Unlock()
	select {
	case <-done:
		return out, true
	default:
		late = true
		return nil, true
	}
}
