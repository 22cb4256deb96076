package bot

import (
	"encoding/json"
	"strconv"
	"strings"
	"unicode"
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

// message is a reply before it becomes Block Kit or plain text: a list of
// parts made of runs of styled text. Keeping this model lets the Slack and
// console renderings agree and lets each apply its own escaping and limits.
type message struct {
	parts     []part
	ephemeral bool
}

type partKind int

const (
	partHeader partKind = iota
	partText
	partContext
	partDivider
	partButtons
)

type part struct {
	kind    partKind
	runs    []run
	buttons []button
}

// run is a piece of text with one style. user, when set, is a user ID shown
// as a mention; url, when set, makes the text a link.
type run struct {
	text string
	bold bool
	code bool
	url  string
	user string
}

type button struct {
	label    string
	actionID string
	value    string
	primary  bool
}

func plain(s string) run         { return run{text: s} }
func bold(s string) run          { return run{text: s, bold: true} }
func code(s string) run          { return run{text: s, code: true} }
func link(s, url string) run     { return run{text: s, url: url} }
func boldLink(s, url string) run { return run{text: s, url: url, bold: true} }
func mention(id string) run      { return run{user: id} }

func (m *message) header(s string) {
	m.parts = append(m.parts, part{kind: partHeader, runs: []run{plain(s)}})
}
func (m *message) text(rs ...run) { m.parts = append(m.parts, part{kind: partText, runs: rs}) }

// textButton is a paragraph with a button beside it (a section accessory).
func (m *message) textButton(b button, rs ...run) {
	p := part{kind: partText, runs: rs}
	if len(b.value) <= maxActionValue {
		p.buttons = []button{b}
	}
	m.parts = append(m.parts, p)
}
func (m *message) context(rs ...run) { m.parts = append(m.parts, part{kind: partContext, runs: rs}) }
func (m *message) divider()          { m.parts = append(m.parts, part{kind: partDivider}) }
func (m *message) buttons(bs ...button) {
	var keep []button
	for _, b := range bs {
		if len(b.value) <= maxActionValue {
			keep = append(keep, b)
		}
	}
	if len(keep) > 0 {
		m.parts = append(m.parts, part{kind: partButtons, buttons: keep})
	}
}

// response renders m for Slack (blocks plus a short plain fallback) and keeps
// the model for the console.
func (m *message) response() Response {
	text := fallbackText(m)
	return Response{
		Text:      text,
		Blocks:    renderBlocks(m, jsonLen(text)),
		Ephemeral: m.ephemeral,
		msg:       m,
	}
}

// fallbackText is the plain text sent with the blocks (notifications,
// clients without Block Kit), at most maxFallback runes and never cut inside
// an entity or mention.
func fallbackText(m *message) string {
	s := renderPlain(m, plainStyle{fallback: true})
	if utf8.RuneCountInString(s) <= maxFallback {
		return s
	}
	s = truncateRunes(s, maxFallback)
	if i := strings.LastIndexAny(s, "&<"); i >= 0 && !strings.ContainsAny(s[i:], ";>") {
		s = s[:i] + "…"
	}
	return s
}

// textResponse is a reply of one paragraph.
func textResponse(ephemeral bool, rs ...run) Response {
	m := &message{ephemeral: ephemeral}
	m.text(rs...)
	return m.response()
}

// ---- Block Kit ----

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

// renderBlocks turns m into Block Kit blocks within Slack's limits; extra
// bytes (the fallback text) travel in the same payload. mrkdwn is verbatim:
// Slack then links and notifies only for the <@U…> and <url|text> markup we
// write, never for "@channel" or a URL typed by a user or found in the notes.
func renderBlocks(m *message, extra int) []slack.Block {
	var blocks []slack.Block
	n := 0 // buttons so far: keeps action_ids unique within the message
	for _, p := range m.parts {
		switch p.kind {
		case partHeader:
			s := truncateRunes(oneLine(runsPlain(p.runs)), maxHeaderText)
			if strings.TrimSpace(s) == "" {
				continue
			}
			blocks = append(blocks, slack.NewHeaderBlock(slack.NewTextBlockObject(slack.PlainTextType, s, true, false)))
		case partText:
			s := runsMrkdwn(p.runs, maxSectionText)
			if strings.TrimSpace(s) == "" {
				continue
			}
			var acc *slack.Accessory
			if len(p.buttons) > 0 {
				acc = slack.NewAccessory(newButton(p.buttons[0], n))
				n++
			}
			blocks = append(blocks, slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, s, false, true), nil, acc))
		case partContext:
			s := runsMrkdwn(p.runs, maxContextText)
			if strings.TrimSpace(s) == "" {
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
	return fitBlocks(blocks, extra)
}

// newButton renders a button; n keeps its action_id unique in the message.
func newButton(b button, n int) *slack.ButtonBlockElement {
	label := truncateRunes(oneLine(b.label), maxButtonText)
	btn := slack.NewButtonBlockElement(b.actionID+":"+strconv.Itoa(n), b.value,
		slack.NewTextBlockObject(slack.PlainTextType, label, true, false))
	if b.primary {
		btn.WithStyle(slack.StylePrimary)
	}
	return btn
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

// runsMrkdwn renders runs as Slack mrkdwn of at most limit characters,
// cutting at a run boundary or inside a run's text, never inside markup.
func runsMrkdwn(rs []run, limit int) string {
	var b strings.Builder
	b.Grow(min(runsLen(rs), 4*limit))
	used := 0
	for _, r := range rs {
		s := runMrkdwn(r)
		n := utf8.RuneCountInString(s)
		if used+n <= limit-1 {
			b.WriteString(s)
			used += n
			continue
		}
		room := limit - 1 - used
		if r.user == "" && r.text != "" {
			overhead := n - escapedLen(r.text)
			if room-overhead > 0 {
				rr := r
				rr.text = prefixFitting(r.text, room-overhead)
				if strings.TrimSpace(rr.text) != "" {
					b.WriteString(runMrkdwn(rr))
				}
			}
		}
		b.WriteString("…")
		break
	}
	return b.String()
}

// runsLen is about the rendered length of rs in bytes, for sizing buffers:
// the text, the URL and a few bytes of markup for each run.
func runsLen(rs []run) int {
	n := 0
	for _, r := range rs {
		n += len(r.text) + len(r.url) + len(r.user) + 8
	}
	return n
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

func runMrkdwn(r run) string {
	if r.user != "" {
		if slackID(r.user) {
			return "<@" + r.user + ">"
		}
		return escapeMrkdwn("@" + r.user)
	}
	if r.text == "" {
		return ""
	}
	if (r.bold || r.code) && strings.Contains(r.text, "\n") {
		// Slack's *bold* and `code` end at a line break: style each line.
		lines := strings.Split(r.text, "\n")
		for i, l := range lines {
			rr := r
			rr.text = l
			lines[i] = runMrkdwn(rr)
		}
		return strings.Join(lines, "\n")
	}
	var s string
	switch {
	case r.code:
		s = "`" + escapeCode(r.text) + "`"
	case r.url != "":
		s = "<" + escapeURL(r.url) + "|" + escapeMrkdwn(r.text) + ">"
	default:
		s = escapeMrkdwn(r.text)
	}
	if r.bold {
		// Slack only makes *text* bold when the asterisks touch the text.
		lead := r.text[:len(r.text)-len(strings.TrimLeftFunc(r.text, unicode.IsSpace))]
		trail := r.text[len(strings.TrimRightFunc(r.text, unicode.IsSpace)):]
		core := strings.TrimSpace(r.text)
		if core == "" {
			return s
		}
		rr := r
		rr.text, rr.bold = core, false
		s = escapeMrkdwn(lead) + "*" + runMrkdwn(rr) + "*" + escapeMrkdwn(trail)
	}
	return s
}

// escapeMrkdwn makes notes or user text safe in Slack mrkdwn: &, < and > are
// escaped as Slack asks, and the formatting characters that Slack has no
// escape for are replaced by look-alikes (* ~ ` always; _ when it could open
// or close italics, i.e. not between two letters or digits as in 4_2_4).
func escapeMrkdwn(s string) string {
	if !strings.ContainsAny(s, "&<>*~`_") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i, c := range s {
		switch c {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '*':
			b.WriteRune('∗') // U+2217 asterisk operator
		case '~':
			b.WriteRune('∼') // U+223C tilde operator
		case '`':
			b.WriteRune('ˋ') // U+02CB modifier letter grave accent
		case '_':
			prev, _ := utf8.DecodeLastRuneInString(s[:i])
			next, _ := utf8.DecodeRuneInString(s[i+1:])
			if isWord(prev) && isWord(next) {
				b.WriteByte('_')
			} else {
				b.WriteRune('＿') // U+FF3F fullwidth low line
			}
		default:
			b.WriteRune(c)
		}
	}
	return b.String()
}

// escapeEntities escapes only what Slack asks to escape in any text.
func escapeEntities(s string) string {
	return replaceBytes(s, "&<>", func(c byte) string {
		switch c {
		case '&':
			return "&amp;"
		case '<':
			return "&lt;"
		}
		return "&gt;"
	})
}

// escapeCode escapes text inside a code span: entities, and backticks,
// which would end it.
func escapeCode(s string) string {
	return replaceBytes(s, "&<>`", func(c byte) string {
		switch c {
		case '&':
			return "&amp;"
		case '<':
			return "&lt;"
		case '>':
			return "&gt;"
		}
		return "ˋ"
	})
}

// escapeURL keeps a URL from breaking Slack's <url|text> link syntax.
func escapeURL(u string) string {
	return replaceBytes(u, "|<> \n", func(c byte) string {
		switch c {
		case '|':
			return "%7C"
		case '<':
			return "%3C"
		case '>':
			return "%3E"
		case ' ':
			return "%20"
		}
		return ""
	})
}

// replaceBytes replaces each ASCII byte of s found in set by repl(byte).
func replaceBytes(s, set string, repl func(byte) string) string {
	if !strings.ContainsAny(s, set) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(set, s[i]) >= 0 {
			b.WriteString(repl(s[i]))
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func isWord(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// slackID reports whether s looks like a Slack user or bot ID (U0123ABC).
func slackID(s string) bool {
	if len(s) < 2 || len(s) > 24 {
		return false
	}
	if s[0] != 'U' && s[0] != 'W' && s[0] != 'B' {
		return false
	}
	for _, c := range s[1:] {
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// ---- plain text ----

// plainStyle says how to render for a text terminal.
type plainStyle struct {
	colour   bool // ANSI bold and dim
	hints    bool // show buttons as console commands
	fallback bool // Slack's notification text: &, <, > escaped, mentions kept, no URLs
}

const (
	ansiBold  = "\x1b[1m"
	ansiDim   = "\x1b[2m"
	ansiReset = "\x1b[0m"
)

// renderPlain renders m as plain text, one part per line.
func renderPlain(m *message, st plainStyle) string {
	var b strings.Builder
	n := 0
	for _, p := range m.parts {
		n += runsLen(p.runs) + 1
	}
	b.Grow(n)
	quizMe := 0
	for _, p := range m.parts {
		switch p.kind {
		case partHeader:
			b.WriteString(styled(runsPlainStyled(p.runs, plainStyle{fallback: st.fallback}), ansiBold, st.colour))
		case partText:
			b.WriteString(runsPlainStyled(p.runs, st))
			if st.hints && len(p.buttons) > 0 {
				if h := consoleHints(p.buttons, &quizMe); h != "" {
					b.WriteString("\n" + styled(h, ansiDim, st.colour))
				}
			}
		case partContext:
			b.WriteString(styled(runsPlainStyled(p.runs, plainStyle{fallback: st.fallback}), ansiDim, st.colour))
		case partDivider:
			// a blank line
		case partButtons:
			if !st.hints {
				continue
			}
			h := consoleHints(p.buttons, &quizMe)
			if h == "" {
				continue
			}
			b.WriteString(styled(h, ansiDim, st.colour))
		}
		b.WriteByte('\n')
	}
	return strings.TrimRight(b.String(), "\n")
}

func styled(s, esc string, on bool) string {
	if !on || s == "" {
		return s
	}
	return esc + s + ansiReset
}

func runsPlain(rs []run) string { return runsPlainStyled(rs, plainStyle{}) }

func runsPlainStyled(rs []run, st plainStyle) string {
	var b strings.Builder
	b.Grow(runsLen(rs))
	for _, r := range rs {
		t := r.text
		if st.fallback {
			t = escapeEntities(t)
		}
		if r.user != "" {
			t = "@" + r.user
			if st.fallback && slackID(r.user) {
				t = "<@" + r.user + ">"
			}
		}
		if r.bold {
			t = styled(t, ansiBold, st.colour)
		}
		b.WriteString(t)
		if r.url != "" && !st.fallback {
			b.WriteString(" <" + r.url + ">")
		}
	}
	return b.String()
}

// consoleHints describes a row of buttons as the console commands that do
// the same thing.
// quizMe counts the "Quiz me" buttons so far, for "quiz me N".
func consoleHints(bs []button, quizMe *int) string {
	var answers []string
	var hints []string
	for _, b := range bs {
		switch actionBase(b.actionID) {
		case ActionAnswerDaily, ActionAnswerPractice:
			answers = append(answers, b.label)
		case ActionPracticeNext:
			hints = append(hints, "next: another question")
		case ActionQuizMe:
			*quizMe++
			hints = append(hints, "quiz me "+strconv.Itoa(*quizMe)+": a question on this section")
		case ActionLookup:
			hints = append(hints, "lookup "+b.value)
		}
	}
	if len(answers) > 0 {
		hints = append([]string{"answer " + answers[0] + "-" + answers[len(answers)-1]}, hints...)
	}
	if len(hints) == 0 {
		return ""
	}
	return "→ " + strings.Join(hints, " · ")
}

// ---- text helpers ----

// truncateRunes shortens s to at most n runes, ending with "…" when cut,
// preferably at a space.
func truncateRunes(s string, n int) string {
	if n <= 0 {
		return ""
	}
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	if n == 1 {
		return "…"
	}
	cut := 0
	for i := range s {
		if n == 1 {
			cut = i
			break
		}
		n--
	}
	t := s[:cut]
	if sp := strings.LastIndexAny(t, " \n\t"); sp > len(t)*3/4 {
		t = t[:sp]
	}
	return strings.TrimRightFunc(t, unicode.IsSpace) + "…"
}

// oneLine collapses whitespace runs, newlines included, to single spaces,
// and trims the ends. Text that needs no more than trimming is returned
// without a copy.
func oneLine(s string) string {
	t := strings.TrimFunc(s, unicode.IsSpace)
	prevSpace := false
	for i := 0; i < len(t); {
		c := t[i]
		if c < utf8.RuneSelf {
			switch c {
			case ' ':
				if prevSpace {
					return strings.Join(strings.Fields(t), " ")
				}
				prevSpace = true
			case '\t', '\n', '\v', '\f', '\r':
				return strings.Join(strings.Fields(t), " ")
			default:
				prevSpace = false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(t[i:])
		if unicode.IsSpace(r) {
			return strings.Join(strings.Fields(t), " ")
		}
		prevSpace = false
		i += size
	}
	return t
}

// clean drops control characters (other than newline and tab) and invalid
// UTF-8 from user text.
func clean(s string) string {
	if !strings.ContainsFunc(s, func(r rune) bool {
		return r == utf8.RuneError || (unicode.IsControl(r) && r != '\n' && r != '\t')
	}) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if r == utf8.RuneError || (unicode.IsControl(r) && r != '\n' && r != '\t') {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// actionBase strips the ":n" suffix that keeps action IDs unique in a message.
func actionBase(id string) string {
	base, _, _ := strings.Cut(id, ":")
	return base
}
