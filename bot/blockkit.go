package bot

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/slack-go/slack"
)

// slackMessage is a Response rendered for Slack: Block Kit blocks and the
// plain text Slack shows in notifications and clients without blocks.
type slackMessage struct {
	Text   string
	Blocks []slack.Block // may be empty: then Text is shown
}

// renderSlack renders r for Slack, within Slack's limits.
func renderSlack(r Response) slackMessage {
	text := fallbackText(r)
	return slackMessage{Text: text, Blocks: renderBlocks(r, jsonLen(text), messageBudget)}
}

// renderView renders r as the blocks of a Home tab or modal view sent
// through the Web API, within Slack's limits for views (100 blocks; a view
// has no text fallback).
func renderView(r Response) []slack.Block { return renderBlocks(r, 0, viewBudget) }

// renderAckView renders r as the blocks of a modal that goes back in an
// acknowledgement (a view_submission's response_action): within Slack's
// limits for views, and as small as a message, which Socket Mode's 20 KB
// ack limit needs.
func renderAckView(r Response) []slack.Block { return renderBlocks(r, 0, ackViewBudget) }

// fallbackText is the plain text sent with the blocks (notifications,
// clients without Block Kit), at most maxFallback runes and never cut inside
// an entity or mention.
func fallbackText(m Response) string {
	s := renderPlain(m, plainStyle{fallback: true})
	// A rune takes a byte or more: a short text fits uncounted.
	if len(s) <= maxFallback || utf8.RuneCountInString(s) <= maxFallback {
		return s
	}
	s = truncateRunes(s, maxFallback)
	if i := strings.LastIndexAny(s, "&<"); i >= 0 && !strings.ContainsAny(s[i:], ";>") {
		s = s[:i] + "…"
	}
	return s
}

// renderBlocks turns m into Block Kit blocks within Slack's limits and the
// budget; extra bytes (the fallback text) travel in the same payload. mrkdwn is verbatim:
// Slack then links and notifies only for the <@U…> and <url|text> markup we
// write, never for "@channel" or a URL typed by a user or found in the notes.
func renderBlocks(m Response, extra int, budget blockBudget) []slack.Block {
	return fitBlocks(buildBlocks(m), extra, budget)
}

// buildBlocks turns m into Block Kit blocks, each within Slack's limits, in
// any number and size: renderBlocks then fits them in a budget.
// appendPartBlocks writes the same blocks' JSON without building them.
func buildBlocks(m Response) []slack.Block {
	var blocks []slack.Block
	n := 0 // buttons so far: keeps action_ids unique within the message
	for _, p := range m.parts {
		switch p.kind {
		case partHeader:
			s, ok := partBlockText(p)
			if !ok {
				continue
			}
			blocks = append(blocks, slack.NewHeaderBlock(slack.NewTextBlockObject(slack.PlainTextType, s, true, false)))
		case partText:
			s, ok := partBlockText(p)
			if !ok {
				continue
			}
			var acc *slack.Accessory
			if len(p.buttons) > 0 {
				acc = slack.NewAccessory(newButton(p.buttons[0], n))
				n++
			}
			blocks = append(blocks, slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, s, false, true), nil, acc))
		case partContext:
			s, ok := partBlockText(p)
			if !ok {
				continue
			}
			blocks = append(blocks, slack.NewContextBlock("", slack.NewTextBlockObject(slack.MarkdownType, s, false, true)))
		case partDivider:
			blocks = append(blocks, slack.NewDividerBlock())
		case partButtons:
			var els []slack.BlockElement
			for _, b := range p.buttons {
				if len(els) == maxButtons {
					break
				}
				els = append(els, newButton(b, n))
				n++
			}
			blocks = append(blocks, slack.NewActionBlock("", els...))
		}
	}
	return blocks
}

// partBlockText is the text of the block for a header, text or context
// part: plain text for a header, mrkdwn for the others, within Slack's
// limits; ok is false when it is blank and the part has no block.
func partBlockText(p part) (s string, ok bool) {
	switch p.kind {
	case partHeader:
		s = truncateRunes(oneLine(runsPlain(p.runs)), maxHeaderText)
	case partText:
		s = runsMrkdwn(p.runs, maxSectionText)
	case partContext:
		s = runsMrkdwn(p.runs, maxContextText)
	}
	return s, strings.TrimSpace(s) != ""
}

// newButton renders a button; n keeps its action_id unique in the message.
func newButton(b button, n int) *slack.ButtonBlockElement {
	btn := slack.NewButtonBlockElement(b.actionID+":"+strconv.Itoa(n), b.value,
		slack.NewTextBlockObject(slack.PlainTextType, buttonLabel(b), true, false))
	if b.primary {
		btn.WithStyle(slack.StylePrimary)
	}
	if b.a11y != "" {
		btn.AccessibilityLabel = buttonA11y(b)
	}
	return btn
}

func buttonLabel(b button) string { return truncateRunes(oneLine(b.label), maxButtonText) }

func buttonA11y(b button) string { return truncateRunes(oneLine(b.a11y), maxA11yLabel) }

// runsMrkdwn renders runs as Slack mrkdwn of at most limit characters,
// cutting at a run boundary or inside a run's text, never inside markup.
// Each run is written into one buffer and taken back when it does not fit.
func runsMrkdwn(rs []run, limit int) string {
	b := make([]byte, 0, min(runsLen(rs), 4*limit))
	used, counted := 0, 0 // the runes of b[:counted]
	for _, r := range rs {
		mark := len(b)
		b = appendRunMrkdwn(b, r)
		// What is written fits in limit-1 runes; a rune takes a byte or
		// more, so bytes are counted first and runes only past that.
		if len(b) <= limit-1 {
			continue
		}
		used += utf8.RuneCount(b[counted:mark])
		n := utf8.RuneCount(b[mark:])
		if used+n <= limit-1 {
			used += n
			counted = len(b)
			continue
		}
		b = b[:mark]
		room := limit - 1 - used
		if r.user == "" && r.channel == "" && r.text != "" {
			overhead := n - escapedLen(r.text)
			if room-overhead > 0 {
				rr := r
				rr.text = prefixFitting(r.text, room-overhead)
				if strings.TrimSpace(rr.text) != "" {
					b = appendRunMrkdwn(b, rr)
				}
			}
		}
		b = append(b, "…"...)
		break
	}
	return string(b)
}

// escapedLen is the length in runes of s after escaping &, < and >.
func escapedLen(s string) int {
	n := 0
	for _, c := range s {
		n += escapedRuneLen(c)
	}
	return n
}

func escapedRuneLen(c rune) int {
	switch c {
	case '&':
		return 5
	case '<', '>':
		return 4
	}
	return 1
}

// prefixFitting returns the longest prefix of s whose escaped length is at
// most room runes.
func prefixFitting(s string, room int) string {
	n := 0
	for i, c := range s {
		n += escapedRuneLen(c)
		if n > room {
			return s[:i]
		}
	}
	return s
}

// runMrkdwn renders one run as Slack mrkdwn.
func runMrkdwn(r run) string { return string(appendRunMrkdwn(nil, r)) }

// appendRunMrkdwn appends the mrkdwn of one run to b.
func appendRunMrkdwn(b []byte, r run) []byte {
	if r.channel != "" {
		if channelID(r.channel) {
			return append(append(append(b, "<#"...), r.channel...), '>')
		}
		return appendEscapeMrkdwn(append(b, '#'), r.channel)
	}
	if r.user != "" {
		if slackID(r.user) {
			return append(append(append(b, "<@"...), r.user...), '>')
		}
		return appendEscapeMrkdwn(append(b, '@'), r.user)
	}
	if r.text == "" {
		return b
	}
	if (r.bold || r.code) && strings.Contains(r.text, "\n") {
		// Slack's *bold* and `code` end at a line break: style each line.
		for i, l := range strings.Split(r.text, "\n") {
			if i > 0 {
				b = append(b, '\n')
			}
			rr := r
			rr.text = l
			b = appendRunMrkdwn(b, rr)
		}
		return b
	}
	if r.bold {
		// Slack only makes *text* bold when the asterisks touch the text.
		if core := strings.TrimSpace(r.text); core != "" {
			lead := r.text[:len(r.text)-len(strings.TrimLeftFunc(r.text, unicode.IsSpace))]
			trail := r.text[len(strings.TrimRightFunc(r.text, unicode.IsSpace)):]
			rr := r
			rr.text, rr.bold = core, false
			b = append(appendEscapeMrkdwn(b, lead), '*')
			b = append(appendRunMrkdwn(b, rr), '*')
			return appendEscapeMrkdwn(b, trail)
		}
	}
	switch {
	case r.code:
		return append(append(append(b, '`'), escapeCode(r.text)...), '`')
	case r.url != "":
		b = append(append(append(b, '<'), escapeURL(r.url)...), '|')
		return append(appendEscapeMrkdwn(b, r.text), '>')
	}
	return appendEscapeMrkdwn(b, r.text)
}
