package bot

import (
	"slices"
	"sync/atomic"

	"github.com/slack-go/slack"
)

// slashReply is a slash command answer: the HTTP response body, the Socket
// Mode ack payload or a response_url message.
// Blocks are encoded as a plain []slack.Block: the same JSON as
// slack.Blocks gives, at half the cost (no per-block re-encoding).
type slashReply struct {
	ResponseType string        `json:"response_type"`
	Text         string        `json:"text"`
	Blocks       []slack.Block `json:"blocks,omitempty"`
}

func newSlashReply(r Response) slashReply { return renderSlack(r).slashReply(r.Ephemeral) }

// slashMemo keeps the slash command reply JSON of a Response sent many
// times, one for each visibility (a copy may be made public).
type slashMemo struct {
	json [2]atomic.Pointer[[]byte] // in channel, ephemeral
}

// reused returns r ready to be sent many times, from several goroutines:
// its parts clipped, so that adding a part to a copy never writes into r's,
// and its slash command reply kept once encoded.
func (r Response) reused() Response {
	r.parts = slices.Clip(r.parts)
	r.memo = &slashMemo{}
	return r
}

// slashJSON returns the JSON of r as a slash command reply. The bytes of a
// reused Response are shared: they must not be changed.
func (r Response) slashJSON() ([]byte, error) {
	if r.memo == nil {
		return r.encodeSlash()
	}
	p := &r.memo.json[0]
	if r.Ephemeral {
		p = &r.memo.json[1]
	}
	if b := p.Load(); b != nil {
		return *b, nil
	}
	b, err := r.encodeSlash()
	if err != nil {
		return nil, err
	}
	p.Store(&b)
	return b, nil
}

// encodeSlash returns marshalReply(newSlashReply(r)). Most replies fit
// Slack's budget as they are: their blocks' JSON is written once, straight
// from r's parts, and the size fitBlocks would measure is read off it,
// instead of Block Kit values being built, bounded (or measured) and then
// encoded. Others take the way through fitBlocks.
func (r Response) encodeSlash() ([]byte, error) {
	text := fallbackText(r)
	if b, ok := appendUntrimmed(text, r, messageBudget); ok {
		return b, nil
	}
	return marshalReply(slackMessage{Text: text, Blocks: fitBlocks(buildBlocks(r), jsonLen(text), messageBudget)}.slashReply(r.Ephemeral))
}

// appendUntrimmed encodes the slash reply of text and r's blocks as
// marshalReply does, and reports whether fitBlocks would have left the
// blocks as they are: no more blocks than the budget's and, as fitBlocks
// measures, the JSON of the blocks before a final row of buttons, of that
// row and of the text at most the budget's payload.
func appendUntrimmed(text string, r Response, budget blockBudget) ([]byte, bool) {
	t := slack.ResponseTypeInChannel
	if r.Ephemeral {
		t = slack.ResponseTypeEphemeral
	}
	// A lookup reply's JSON is about three times its text (2.6 KB).
	b := make([]byte, 0, 1024+3*len(text))
	b = append(b, `{"response_type":`...)
	b = appendJSONString(b, t)
	b = append(b, `,"text":`...)
	start := len(b)
	b = appendJSONString(b, text)
	size := len(b) - start // fitBlocks' extra: the text's JSON
	b = append(b, `,"blocks":[`...)
	start = len(b)
	b, blocks, actionsLast, ok := appendPartBlocks(b, r.parts)
	if !ok {
		return nil, false
	}
	tail := 0
	if actionsLast {
		tail = 1
	}
	if n := blocks - tail; n < 1 || n > budget.blocks-1-tail {
		return nil, false
	}
	// The blocks before the tail as a JSON array, and the tail: the
	// blocks and commas written, the brackets, less the comma before the
	// tail.
	size += len(b) - start + 2 - tail
	if size > budget.payload {
		return nil, false
	}
	return append(b, "]}"...), true
}

func (m slackMessage) slashReply(ephemeral bool) slashReply {
	t := slack.ResponseTypeInChannel
	if ephemeral {
		t = slack.ResponseTypeEphemeral
	}
	return slashReply{ResponseType: t, Text: m.Text, Blocks: m.Blocks}
}
