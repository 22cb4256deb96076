package bot

// Response is a reply as the router builds it, before any transport renders
// it: a list of parts (header, paragraph, context line, divider, buttons)
// made of runs of styled text. Slack renders it as Block Kit with a plain
// fallback (renderSlack), the console as plain text (renderPlain), and each
// applies its own escaping and limits.
type Response struct {
	parts     []part
	Ephemeral bool // visible only to the requester
	// memo, on a Response sent many times (a cached lookup), keeps its
	// slash command reply JSON once encoded; adding a part drops it.
	memo *slashMemo
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
// as a mention, and channel a channel ID shown as a link to the channel;
// url, when set, makes the text a link.
type run struct {
	text    string
	bold    bool
	code    bool
	url     string
	user    string
	channel string
}

type button struct {
	label    string
	actionID string
	value    string
	primary  bool
	a11y     string // what a screen reader says instead of the label; "" for the label
}

func plain(s string) run { return run{text: s} }

func bold(s string) run { return run{text: s, bold: true} }

func code(s string) run { return run{text: s, code: true} }

func link(s, url string) run { return run{text: s, url: url} }

func boldLink(s, url string) run { return run{text: s, url: url, bold: true} }

func mention(id string) run { return run{user: id} }

func channelRun(id string) run { return run{channel: id} }

// add appends a part; what was encoded of m before no longer holds.
func (m *Response) add(p part) {
	m.parts = append(m.parts, p)
	m.memo = nil
}

func (m *Response) header(s string) { m.add(part{kind: partHeader, runs: []run{plain(s)}}) }

func (m *Response) text(rs ...run) { m.add(part{kind: partText, runs: rs}) }

// textButton is a paragraph with a button beside it (a section accessory).
func (m *Response) textButton(b button, rs ...run) {
	p := part{kind: partText, runs: rs}
	if len(b.value) <= maxActionValue {
		p.buttons = []button{b}
	}
	m.add(p)
}

func (m *Response) context(rs ...run) { m.add(part{kind: partContext, runs: rs}) }

func (m *Response) divider() { m.add(part{kind: partDivider}) }

func (m *Response) buttons(bs ...button) {
	var keep []button
	for _, b := range bs {
		if len(b.value) <= maxActionValue {
			keep = append(keep, b)
		}
	}
	if len(keep) > 0 {
		m.add(part{kind: partButtons, buttons: keep})
	}
}

// textResponse is a reply of one paragraph.
func textResponse(ephemeral bool, rs ...run) Response {
	m := &Response{Ephemeral: ephemeral}
	m.text(rs...)
	return *m
}

// runsLen is about the rendered length of rs in bytes, for sizing buffers:
// the text, the URL and a few bytes of markup for each run.
func runsLen(rs []run) int {
	n := 0
	for _, r := range rs {
		n += len(r.text) + len(r.url) + len(r.user) + len(r.channel) + 8
	}
	return n
}
