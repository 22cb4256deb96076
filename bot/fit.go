package bot

import (
	"encoding/json"
	"unicode/utf8"

	"github.com/slack-go/slack"
)

// Slack's limits (https://api.slack.com/reference/block-kit) and our own
// budget for a whole reply. Socket Mode drops acks of 20 KB and more, so a
// rendered Response stays well below that.
const (
	maxBlocks      = 50
	maxSectionText = 2900 // Slack: 3000; a margin for characters Slack counts twice
	maxContextText = 1900 // Slack: 2000 per element
	maxHeaderText  = 145  // Slack: 150
	maxButtonText  = 72   // Slack: 75
	maxActionValue = 2000
	maxButtons     = 25   // elements in one actions block
	maxFallback    = 2000 // runes of the plain-text fallback sent with blocks
	maxPayload     = 14000
)

// jsonLen is the length of s as a JSON string written by encoding/json
// (quotes included; <, >, & and U+2028/U+2029 as \u00XX, invalid UTF-8 as
// \ufffd), counted without encoding it.
func jsonLen(s string) int {
	n := 2
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\' || c == '\n' || c == '\r' || c == '\t' || c == '\b' || c == '\f':
				n += 2
			case c < 0x20 || c == '<' || c == '>' || c == '&':
				n += 6
			default:
				n++
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			n += 6
		case r == '\u2028' || r == '\u2029':
			n += 6
		default:
			n += size
		}
		i += size
	}
	return n
}

// fitBlocks keeps at most maxBlocks blocks and a payload under maxPayload
// bytes, dropping content blocks from the end but keeping a final row of
// buttons, and saying that it did.
func fitBlocks(blocks []slack.Block, extra int) []slack.Block {
	trimmed := false
	var tail slack.Block
	if len(blocks) > 0 {
		if _, ok := blocks[len(blocks)-1].(*slack.ActionBlock); ok {
			tail = blocks[len(blocks)-1]
			blocks = blocks[:len(blocks)-1]
		}
	}
	room := maxBlocks - 1 // the "shortened" note
	if tail != nil {
		room--
	}
	if len(blocks) > room {
		blocks, trimmed = blocks[:room], true
	}
	if !trimmed && extra+sizeBound(blocks, tail) <= maxPayload {
		return appendTail(blocks, tail)
	}
	size := func() int {
		b, _ := json.Marshal(blocks)
		s := len(b) + extra
		if tail != nil {
			t, _ := json.Marshal(tail)
			s += len(t)
		}
		return s
	}
	for len(blocks) > 1 && size() > maxPayload {
		blocks, trimmed = blocks[:len(blocks)-1], true
	}
	if trimmed {
		blocks = append(blocks, slack.NewContextBlock("",
			slack.NewTextBlockObject(slack.MarkdownType, "_(shortened to fit in Slack)_", false, true)))
	}
	return appendTail(blocks, tail)
}

func appendTail(blocks []slack.Block, tail slack.Block) []slack.Block {
	if tail != nil {
		blocks = append(blocks, tail)
	}
	return blocks
}

// sizeBound is a cheap upper bound of the JSON size of blocks: the exact
// JSON length of every text, value and action ID, and at most 300 bytes of
// keys and IDs for each block or element.
func sizeBound(blocks []slack.Block, tail slack.Block) int {
	n := 0
	add := func(t *slack.TextBlockObject) {
		if t != nil {
			n += jsonLen(t.Text) + 100
		}
	}
	addButton := func(b *slack.ButtonBlockElement) {
		add(b.Text)
		n += jsonLen(b.Value) + jsonLen(b.ActionID) + 300
	}
	for _, b := range append(blocks, tail) {
		n += 300
		switch x := b.(type) {
		case *slack.HeaderBlock:
			add(x.Text)
		case *slack.SectionBlock:
			add(x.Text)
			if x.Accessory != nil && x.Accessory.ButtonElement != nil {
				addButton(x.Accessory.ButtonElement)
			}
		case *slack.ContextBlock:
			for _, e := range x.ContextElements.Elements {
				if t, ok := e.(*slack.TextBlockObject); ok {
					add(t)
				}
			}
		case *slack.ActionBlock:
			for _, e := range x.Elements.ElementSet {
				if btn, ok := e.(*slack.ButtonBlockElement); ok {
					addButton(btn)
				} else {
					return maxPayload + 1 // unknown: measure
				}
			}
		case nil, *slack.DividerBlock:
		default:
			return maxPayload + 1
		}
	}
	return n
}
