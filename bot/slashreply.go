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
		return marshalReply(newSlashReply(r))
	}
	p := &r.memo.json[0]
	if r.Ephemeral {
		p = &r.memo.json[1]
	}
	if b := p.Load(); b != nil {
		return *b, nil
	}
	b, err := marshalReply(newSlashReply(r))
	if err != nil {
		return nil, err
	}
	p.Store(&b)
	return b, nil
}

func (m slackMessage) slashReply(ephemeral bool) slashReply {
	t := slack.ResponseTypeInChannel
	if ephemeral {
		t = slack.ResponseTypeEphemeral
	}
	return slashReply{ResponseType: t, Text: m.Text, Blocks: m.Blocks}
}
