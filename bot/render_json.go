package bot

import (
	"encoding/json"
	"strconv"
	"unicode/utf8"

	"github.com/slack-go/slack"
)

// The Block Kit types that our renderers build encode through slack-go's
// MarshalJSON methods, each of which encodes its part on its own and has
// encoding/json check and copy the result again. appendJSON writes the same
// bytes as json.Marshal directly for the blocks we build (header, section
// with an optional button, context of text, divider, row of buttons) and
// reports false for anything else, so the caller falls back to json.Marshal.

// marshalReply is json.Marshal(r), faster for the blocks we build.
func marshalReply(r slashReply) ([]byte, error) {
	// A lookup reply's JSON is about three times its text (2.6 KB).
	if b, ok := appendReply(make([]byte, 0, 1024+3*len(r.Text)), r); ok {
		return b, nil
	}
	return json.Marshal(r)
}

// appendReply appends the JSON of r, or reports false when r holds a block
// or element it does not know.
func appendReply(b []byte, r slashReply) ([]byte, bool) {
	b = append(b, `{"response_type":`...)
	b = appendJSONString(b, r.ResponseType)
	b = append(b, `,"text":`...)
	b = appendJSONString(b, r.Text)
	if len(r.Blocks) > 0 {
		b = append(b, `,"blocks":[`...)
		for i, blk := range r.Blocks {
			if i > 0 {
				b = append(b, ',')
			}
			var ok bool
			if b, ok = appendBlock(b, blk); !ok {
				return b, false
			}
		}
		b = append(b, ']')
	}
	return append(b, '}'), true
}

// appendPartBlocks appends the JSON of buildBlocks(Response{parts: parts})
// as appendBlock writes each block, separated by commas, without building
// the blocks. It returns how many blocks it wrote and whether the last is a
// row of buttons; ok is false (and b is then unusable) for a row without
// buttons, which appendBlock does not write either.
func appendPartBlocks(b []byte, parts []part) (_ []byte, blocks int, actionsLast, ok bool) {
	n := 0 // buttons so far, as buildBlocks counts them
	for _, p := range parts {
		var s string
		if p.kind == partHeader || p.kind == partText || p.kind == partContext {
			if s, ok = partBlockText(p); !ok {
				continue
			}
		}
		if p.kind == partButtons && len(p.buttons) == 0 {
			return b, 0, false, false
		}
		if blocks > 0 {
			b = append(b, ',')
		}
		blocks++
		actionsLast = p.kind == partButtons
		switch p.kind {
		case partHeader:
			b = append(b, `{"type":"header","text":{"type":"plain_text","text":`...)
			b = appendJSONString(b, s)
			b = append(b, `,"emoji":true}}`...)
		case partText:
			b = append(b, `{"type":"section","text":{"type":"mrkdwn","text":`...)
			b = appendJSONString(b, s)
			b = append(b, `,"verbatim":true}`...)
			if len(p.buttons) > 0 {
				b = append(b, `,"accessory":`...)
				b = appendPartButton(b, p.buttons[0], n)
				n++
			}
			b = append(b, '}')
		case partContext:
			b = append(b, `{"type":"context","elements":[{"type":"mrkdwn","text":`...)
			b = appendJSONString(b, s)
			b = append(b, `,"verbatim":true}]}`...)
		case partDivider:
			b = append(b, `{"type":"divider"}`...)
		case partButtons:
			b = append(b, `{"type":"actions","elements":[`...)
			for i, btn := range p.buttons[:min(len(p.buttons), maxButtons)] {
				if i > 0 {
					b = append(b, ',')
				}
				b = appendPartButton(b, btn, n)
				n++
			}
			b = append(b, "]}"...)
		}
	}
	return b, blocks, actionsLast, true
}

// appendPartButton appends the JSON of newButton(x, n).
func appendPartButton(b []byte, x button, n int) []byte {
	b = append(b, `{"type":"button","text":{"type":"plain_text","text":`...)
	b = appendJSONString(b, buttonLabel(x))
	b = append(b, `,"emoji":true},"action_id":`...)
	// The action_id is x.actionID + ":" + n, written in place: the quote
	// closing the ID's JSON string is replaced by the rest.
	b = appendJSONString(b, x.actionID)
	b = append(b[:len(b)-1], ':')
	b = append(strconv.AppendInt(b, int64(n), 10), '"')
	if x.value != "" {
		b = append(b, `,"value":`...)
		b = appendJSONString(b, x.value)
	}
	if x.primary {
		b = append(b, `,"style":"primary"`...)
	}
	if x.a11y != "" {
		b = append(b, `,"accessibility_label":`...)
		b = appendJSONString(b, buttonA11y(x))
	}
	return append(b, '}')
}

// appendBlock appends the JSON of one block, or reports false for a block
// it does not know.
func appendBlock(b []byte, blk slack.Block) ([]byte, bool) {
	switch x := blk.(type) {
	case *slack.HeaderBlock:
		if x == nil {
			return b, false
		}
		b = appendType(b, string(x.Type))
		b = appendOptText(b, x.Text)
		b = appendOptString(b, "block_id", x.BlockID)
		if x.Level != 0 {
			b = append(b, `,"level":`...)
			b = strconv.AppendInt(b, int64(x.Level), 10)
		}
		return append(b, '}'), true
	case *slack.SectionBlock:
		return appendSection(b, x)
	case *slack.ContextBlock:
		return appendContext(b, x)
	case *slack.DividerBlock:
		if x == nil {
			return b, false
		}
		b = appendType(b, string(x.Type))
		b = appendOptString(b, "block_id", x.BlockID)
		return append(b, '}'), true
	case *slack.ActionBlock:
		return appendActions(b, x)
	}
	return b, false
}

func appendOptText(b []byte, t *slack.TextBlockObject) []byte {
	if t == nil {
		return b
	}
	b = append(b, `,"text":`...)
	return appendText(b, t)
}

func appendSection(b []byte, x *slack.SectionBlock) ([]byte, bool) {
	if x == nil || x.Fields != nil {
		return b, false
	}
	b = appendType(b, string(x.Type))
	b = appendOptText(b, x.Text)
	b = appendOptString(b, "block_id", x.BlockID)
	if x.Accessory != nil {
		btn := x.Accessory.ButtonElement
		if btn == nil || *x.Accessory != (slack.Accessory{ButtonElement: btn}) {
			return b, false
		}
		b = append(b, `,"accessory":`...)
		var ok bool
		if b, ok = appendButton(b, btn); !ok {
			return b, false
		}
	}
	if x.Expand {
		b = append(b, `,"expand":true`...)
	}
	return append(b, '}'), true
}

func appendContext(b []byte, x *slack.ContextBlock) ([]byte, bool) {
	if x == nil || x.ContextElements.Elements == nil {
		return b, false
	}
	b = appendType(b, string(x.Type))
	b = appendOptString(b, "block_id", x.BlockID)
	b = append(b, `,"elements":[`...)
	for i, e := range x.ContextElements.Elements {
		t, ok := e.(*slack.TextBlockObject)
		if !ok || t == nil {
			return b, false
		}
		if i > 0 {
			b = append(b, ',')
		}
		b = appendText(b, t)
	}
	return append(b, "]}"...), true
}

func appendActions(b []byte, x *slack.ActionBlock) ([]byte, bool) {
	if x == nil || x.Elements == nil || x.Elements.ElementSet == nil {
		return b, false
	}
	b = appendType(b, string(x.Type))
	b = appendOptString(b, "block_id", x.BlockID)
	b = append(b, `,"elements":[`...)
	for i, e := range x.Elements.ElementSet {
		btn, ok := e.(*slack.ButtonBlockElement)
		if !ok {
			return b, false
		}
		if i > 0 {
			b = append(b, ',')
		}
		if b, ok = appendButton(b, btn); !ok {
			return b, false
		}
	}
	return append(b, "]}"...), true
}

// appendButton writes a button without confirmation or audience, the only
// kind we build.
func appendButton(b []byte, x *slack.ButtonBlockElement) ([]byte, bool) {
	if x == nil || x.Confirm != nil || x.VisibleToUserIDs != nil {
		return b, false
	}
	b = append(b, '{')
	first := true
	field := func(name string) {
		if !first {
			b = append(b, ',')
		}
		first = false
		b = append(b, '"')
		b = append(b, name...)
		b = append(b, `":`...)
	}
	if x.Type != "" {
		field("type")
		b = appendJSONString(b, string(x.Type))
	}
	field("text")
	if x.Text == nil {
		b = append(b, "null"...)
	} else {
		b = appendText(b, x.Text)
	}
	for _, f := range [...]struct{ name, v string }{
		{"action_id", x.ActionID},
		{"url", x.URL},
		{"value", x.Value},
		{"style", string(x.Style)},
		{"accessibility_label", x.AccessibilityLabel},
		{"agent_prompt", x.AgentPrompt},
		{"agent_prompt_display", x.AgentPromptDisplay},
	} {
		if f.v != "" {
			field(f.name)
			b = appendJSONString(b, f.v)
		}
	}
	return append(b, '}'), true
}

func appendText(b []byte, t *slack.TextBlockObject) []byte {
	b = appendType(b, t.Type)
	b = append(b, `,"text":`...)
	b = appendJSONString(b, t.Text)
	if t.Emoji != nil {
		b = append(b, `,"emoji":`...)
		b = strconv.AppendBool(b, *t.Emoji)
	}
	if t.Verbatim {
		b = append(b, `,"verbatim":true`...)
	}
	return append(b, '}')
}

// appendType opens an object with its "type" field.
func appendType(b []byte, typ string) []byte {
	b = append(b, `{"type":`...)
	return appendJSONString(b, typ)
}

func appendOptString(b []byte, name, v string) []byte {
	if v == "" {
		return b
	}
	b = append(b, ',', '"')
	b = append(b, name...)
	b = append(b, `":`...)
	return appendJSONString(b, v)
}

// jsonPlain marks the bytes that a JSON string holds as they are: ASCII
// that encoding/json does not escape.
var jsonPlain = func() (t [256]bool) {
	for c := range utf8.RuneSelf {
		t[c] = jsonASCII[c] == 1
	}
	return t
}()

// appendJSONString writes s as encoding/json does: HTML-safe, invalid UTF-8
// as U+FFFD, U+2028 and U+2029 escaped.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		// Bytes written as they are, four at a time while they last.
		for i+4 <= len(s) && jsonPlain[s[i]] && jsonPlain[s[i+1]] && jsonPlain[s[i+2]] && jsonPlain[s[i+3]] {
			i += 4
		}
		if i == len(s) {
			break
		}
		c := s[i]
		if c < utf8.RuneSelf {
			if jsonPlain[c] {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
