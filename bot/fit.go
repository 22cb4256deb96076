package bot

import (
	"encoding/json"
	"unicode/utf8"

	"github.com/slack-go/slack"
)

// Slack's documented Block Kit limits
// (https://api.slack.com/reference/block-kit/blocks and .../block-elements),
// in characters unless said otherwise: the one place they are written down.
// The renderers keep to the budgets below them; the tests hold every
// payload the bot produces against these.
const (
	slackMessageBlocks   = 50   // blocks in a message
	slackViewBlocks      = 100  // blocks in a Home tab or modal view
	slackSectionText     = 3000 // a section's text
	slackHeaderText      = 150  // a header's plain_text
	slackContextText     = 2000 // one context element's text (our reading: Slack's text objects allow 3000)
	slackContextElements = 10   // elements in a context block
	slackFields          = 10   // fields in a section
	slackFieldText       = 2000 // one field's text
	slackButtonText      = 75   // a button's plain_text label
	slackButtonValue     = 2000 // a button's value
	slackA11yLabel       = 75   // a button's accessibility_label
	slackActionID        = 255  // an action_id, also a block_id
	slackActionElements  = 25   // elements in an actions block
	slackViewTitle       = 24   // a modal's title, submit and close labels (plain_text)
	slackPlaceholder     = 150  // an input's placeholder (plain_text)
	slackInputLabel      = 2000 // an input block's label (plain_text)
)

// Our budgets under those limits, and for a whole payload. Socket Mode drops
// acks of 20 KB and more, so a rendered message stays well below that; a
// view goes out through views.publish, never in an ack, and Slack documents
// no byte limit for it: its budget only keeps a Home tab quick to load.
const (
	maxSectionText = slackSectionText - 100 // a margin for characters Slack counts twice
	maxContextText = slackContextText - 100
	maxHeaderText  = slackHeaderText - 5
	maxButtonText  = slackButtonText - 3
	maxA11yLabel   = slackA11yLabel
	maxActionValue = slackButtonValue
	maxButtons     = slackActionElements
	maxFallback    = 2000 // runes of the plain-text fallback sent with blocks
	maxPayload     = 14000
	maxViewPayload = 48000
)

// blockBudget is how many blocks and bytes a rendered payload may take.
type blockBudget struct {
	blocks  int
	payload int
}

var (
	messageBudget = blockBudget{blocks: slackMessageBlocks, payload: maxPayload}
	viewBudget    = blockBudget{blocks: slackViewBlocks, payload: maxViewPayload}
	ackViewBudget = blockBudget{blocks: slackViewBlocks, payload: maxPayload}
)

// jsonLen is the length of s as a JSON string written by encoding/json
// (quotes included; <, >, & and U+2028/U+2029 as \u00XX, invalid UTF-8 as
// \ufffd), counted without encoding it.
func jsonLen(s string) int {
	n := 2
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			n += int(jsonASCII[c])
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

// jsonASCII is the length of each ASCII byte in a JSON string as
// encoding/json writes it: 1, 2 for a short escape (\" \\ \n \r \t \b
// \f), 6 for \u00XX (other control bytes, <, >, &).
var jsonASCII = func() (t [utf8.RuneSelf]uint8) {
	for c := range t {
		switch {
		case c == '"' || c == '\\' || c == '\n' || c == '\r' || c == '\t' || c == '\b' || c == '\f':
			t[c] = 2
		case c < 0x20 || c == '<' || c == '>' || c == '&':
			t[c] = 6
		default:
			t[c] = 1
		}
	}
	return t
}()

// fitBlocks keeps blocks within the budget's blocks and bytes, dropping
// content blocks from the end (the renderers put the least important last)
// but keeping a final row of buttons, and saying that it did.
func fitBlocks(blocks []slack.Block, extra int, budget blockBudget) []slack.Block {
	trimmed := false
	var tail slack.Block
	if len(blocks) > 0 {
		if _, ok := blocks[len(blocks)-1].(*slack.ActionBlock); ok {
			tail = blocks[len(blocks)-1]
			blocks = blocks[:len(blocks)-1]
		}
	}
	room := budget.blocks - 1 // the "shortened" note
	if tail != nil {
		room--
	}
	if len(blocks) > room {
		blocks, trimmed = blocks[:room], true
	}
	if !trimmed && extra+sizeBound(blocks, tail, budget.payload) <= budget.payload {
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
	for len(blocks) > 1 && size() > budget.payload {
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
func sizeBound(blocks []slack.Block, tail slack.Block, limit int) int {
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
					return limit + 1 // unknown: measure
				}
			}
		case nil, *slack.DividerBlock:
		default:
			return limit + 1
		}
	}
	return n
}
