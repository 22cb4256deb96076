package bot

import (
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

func (m slackMessage) slashReply(ephemeral bool) slashReply {
	t := slack.ResponseTypeInChannel
	if ephemeral {
		t = slack.ResponseTypeEphemeral
	}
	return slashReply{ResponseType: t, Text: m.Text, Blocks: m.Blocks}
}
