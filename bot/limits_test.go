package bot

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/devopsbot/devopsbot/bot/slackfake"
)

// checkSlackLimits fails when a message would be refused or cut by Slack
// (its blocks against Slack's documented limits, a non-empty text
// fallback), or is too big for a Socket Mode ack.
func checkSlackLimits(t testing.TB, r Response) {
	t.Helper()
	sm := r.slack()
	raw := mustJSON(t, payload(r))
	if len(raw) >= 20*1024 {
		t.Errorf("payload is %d bytes, Socket Mode drops acks of 20 KB", len(raw))
	}
	if len(raw) > 16*1024 {
		t.Errorf("payload is %d bytes, over our 16 KB budget", len(raw))
	}
	if strings.TrimSpace(sm.Text) == "" {
		t.Errorf("no plain-text fallback")
	}
	checkRoundTrip(t, raw, len(sm.Blocks))
	checkBlocks(t, sm.Blocks, slackMessageBlocks)
}

// checkViewLimits fails when the blocks of a Home tab or modal view would
// be refused by Slack.
func checkViewLimits(t testing.TB, blocks []slack.Block) {
	t.Helper()
	raw := mustJSON(t, map[string]any{"type": "home", "blocks": blocks})
	if len(raw) > maxViewPayload {
		t.Errorf("view is %d bytes, over our %d-byte budget", len(raw), maxViewPayload)
	}
	checkRoundTrip(t, raw, len(blocks))
	checkBlocks(t, blocks, slackViewBlocks)
}

// checkRoundTrip decodes raw with slack-go: the blocks are valid Block Kit.
func checkRoundTrip(t testing.TB, raw []byte, want int) {
	t.Helper()
	var back struct {
		Blocks slack.Blocks `json:"blocks"`
	}
	if err := json.Unmarshal(raw, &back); err != nil {
		t.Fatalf("blocks do not decode: %v", err)
	}
	if len(back.Blocks.BlockSet) != want {
		t.Errorf("decoded %d blocks, want %d", len(back.Blocks.BlockSet), want)
	}
}

// checkBlocks holds blocks against Slack's documented limits (fit.go).
func checkBlocks(t testing.TB, blocks []slack.Block, maxBlocks int) {
	t.Helper()
	if len(blocks) > maxBlocks {
		t.Errorf("%d blocks, Slack allows %d", len(blocks), maxBlocks)
	}
	var buttons []*slack.ButtonBlockElement
	for i, bl := range blocks {
		checkID(t, "block_id", bl.ID())
		switch x := bl.(type) {
		case *slack.HeaderBlock:
			if x.Text.Type != slack.PlainTextType {
				t.Errorf("block %d: header text type %q", i, x.Text.Type)
			}
			if n := utf8.RuneCountInString(x.Text.Text); n > slackHeaderText || n == 0 {
				t.Errorf("block %d: header of %d characters", i, n)
			}
		case *slack.SectionBlock:
			checkSection(t, i, x)
			if x.Accessory != nil && x.Accessory.ButtonElement != nil {
				buttons = append(buttons, x.Accessory.ButtonElement)
			}
		case *slack.ContextBlock:
			if n := len(x.ContextElements.Elements); n == 0 || n > slackContextElements {
				t.Errorf("block %d: context with %d elements", i, n)
			}
			for _, e := range x.ContextElements.Elements {
				if tx, ok := e.(*slack.TextBlockObject); ok {
					if n := utf8.RuneCountInString(tx.Text); n > slackContextText || n == 0 {
						t.Errorf("block %d: context text of %d characters", i, n)
					}
					checkMrkdwn(t, tx.Text)
				}
			}
		case *slack.ActionBlock:
			if n := len(x.Elements.ElementSet); n == 0 || n > slackActionElements {
				t.Errorf("block %d: actions with %d elements", i, n)
			}
			for _, e := range x.Elements.ElementSet {
				if btn, ok := e.(*slack.ButtonBlockElement); ok {
					buttons = append(buttons, btn)
				}
			}
		case *slack.InputBlock:
			checkInput(t, i, x)
		case *slack.DividerBlock:
		default:
			t.Errorf("block %d: unexpected type %T", i, bl)
		}
	}
	checkButtons(t, buttons)
}

func checkSection(t testing.TB, i int, x *slack.SectionBlock) {
	t.Helper()
	if x.Text == nil || strings.TrimSpace(x.Text.Text) == "" {
		t.Errorf("block %d: empty section", i)
		return
	}
	if n := utf8.RuneCountInString(x.Text.Text); n > slackSectionText {
		t.Errorf("block %d: section text of %d characters", i, n)
	}
	if x.Text.Type == slack.MarkdownType && !x.Text.Verbatim {
		t.Errorf("block %d: mrkdwn not verbatim: Slack would auto-link @channel in user text", i)
	}
	checkMrkdwn(t, x.Text.Text)
	if len(x.Fields) > slackFields {
		t.Errorf("block %d: %d fields", i, len(x.Fields))
	}
	for _, f := range x.Fields {
		if n := utf8.RuneCountInString(f.Text); n > slackFieldText || n == 0 {
			t.Errorf("block %d: field of %d characters", i, n)
		}
	}
}

// checkInput holds an input block's label and placeholder to Slack's limits.
func checkInput(t testing.TB, i int, x *slack.InputBlock) {
	t.Helper()
	if x.Label == nil || x.Label.Type != slack.PlainTextType || x.Label.Text == "" ||
		utf8.RuneCountInString(x.Label.Text) > slackInputLabel {
		t.Errorf("block %d: input label %+v: Slack wants plain text of 1-%d characters", i, x.Label, slackInputLabel)
	}
	if in, ok := x.Element.(*slack.PlainTextInputBlockElement); ok && in.Placeholder != nil {
		if n := utf8.RuneCountInString(in.Placeholder.Text); n > slackPlaceholder || in.Placeholder.Type != slack.PlainTextType {
			t.Errorf("block %d: placeholder of %d characters, Slack allows %d of plain text", i, n, slackPlaceholder)
		}
	}
}

// checkButtons holds buttons to Slack's limits; action IDs must be unique
// within one message or view.
func checkButtons(t testing.TB, buttons []*slack.ButtonBlockElement) {
	t.Helper()
	ids := map[string]bool{}
	for _, b := range buttons {
		if b.Text == nil || b.Text.Type != slack.PlainTextType {
			t.Errorf("button %q: its text must be plain_text", b.ActionID)
			continue
		}
		if n := utf8.RuneCountInString(b.Text.Text); n > slackButtonText || n == 0 {
			t.Errorf("button text of %d characters: %q", n, b.Text.Text)
		}
		if n := utf8.RuneCountInString(b.AccessibilityLabel); n > slackA11yLabel {
			t.Errorf("accessibility label of %d characters: %q", n, b.AccessibilityLabel)
		}
		if len(b.Value) > slackButtonValue {
			t.Errorf("button value of %d bytes", len(b.Value))
		}
		if b.ActionID == "" {
			t.Errorf("button %q without an action_id", b.Text.Text)
		}
		checkID(t, "action_id", b.ActionID)
		if ids[b.ActionID] {
			t.Errorf("action_id %q repeated", b.ActionID)
		}
		ids[b.ActionID] = true
	}
}

func checkID(t testing.TB, what, id string) {
	t.Helper()
	if len(id) > slackActionID {
		t.Errorf("%s of %d characters: %.40q…", what, len(id), id)
	}
}

// checkMrkdwn fails on raw & < > that Slack would read as markup: every <
// must open a link or mention we made, every & an entity.
func checkMrkdwn(t testing.TB, s string) {
	t.Helper()
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '<':
			if !strings.HasPrefix(s[i:], "<@") && !strings.HasPrefix(s[i:], "<#") && !strings.HasPrefix(s[i:], "<http") {
				t.Errorf("raw < in mrkdwn at %d: %q", i, excerpt(s, i))
			}
		case '&':
			if !strings.HasPrefix(s[i:], "&amp;") && !strings.HasPrefix(s[i:], "&lt;") && !strings.HasPrefix(s[i:], "&gt;") {
				t.Errorf("raw & in mrkdwn at %d: %q", i, excerpt(s, i))
			}
		}
	}
	// Asterisks outside code spans come in pairs (Slack shows * inside code as is).
	outside := s
	for {
		i := strings.IndexByte(outside, '`')
		if i < 0 {
			break
		}
		j := strings.IndexByte(outside[i+1:], '`')
		if j < 0 {
			break
		}
		outside = outside[:i] + outside[i+1+j+1:]
	}
	if strings.Count(outside, "*")%2 != 0 {
		t.Errorf("unbalanced * in mrkdwn: %q", excerpt(s, 0))
	}
}

func excerpt(s string, i int) string {
	lo, hi := max(0, i-30), min(len(s), i+30)
	return s[lo:hi]
}

// newFake starts a fake Slack whose recorded payloads are all held to
// Slack's limits when the test ends: every message, ephemeral reply,
// update and response_url reply (blocks and a text fallback), and every
// view (Home tab and modals) the bot sent in the test.
func newFake(t testing.TB) *slackfake.Server {
	t.Helper()
	fake := slackfake.New(t)
	t.Cleanup(func() {
		for _, c := range fake.Calls() {
			checkRecorded(t, c)
		}
	})
	return fake
}

// checkRecorded holds one recorded call's payload to Slack's limits.
func checkRecorded(t testing.TB, c slackfake.Call) {
	t.Helper()
	max := slackMessageBlocks
	switch c.Method {
	case "views.publish", "views.open":
		max = slackViewBlocks
	case "chat.postMessage", "chat.postEphemeral", "chat.update", "response_url":
		if strings.TrimSpace(c.Text) == "" {
			t.Errorf("%s without a text fallback", c.Method)
		}
	default:
		return
	}
	if len(c.Blocks) == 0 {
		return
	}
	var blocks slack.Blocks
	if err := json.Unmarshal(c.Blocks, &blocks); err != nil {
		t.Errorf("%s: blocks do not decode: %v", c.Method, err)
		return
	}
	checkBlocks(t, blocks.BlockSet, max)
}
