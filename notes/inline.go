package notes

import (
	"html"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Inline Markdown to plain text.
//
// plain turns one block's worth of inline Markdown into a single line of
// plain text: emphasis markers are dropped, code spans keep their content,
// links and images become their text, navigation links (an arrow or nothing
// as text, a "#..." target) disappear, HTML tags of the usual kinds are
// stripped (unknown tags such as raw XML stay as text), entities are decoded
// and runs of whitespace, non-breaking spaces included, become one space.
// "<br>" becomes "; " when what follows looks like a list item ("<br/>* b")
// and a space otherwise.
//
// Every scan forward is bounded, so the work is linear in the input even on
// hostile text.

// Bounds on forward scans (bytes).
const (
	maxBracketScan = 1024
	maxTagScan     = 1024
	maxCodeScan    = 16384
	maxLinkDepth   = 8
	maxOpenerScan  = 64
)

// brMark stands for a <br> until the final text is assembled.
const brMark = '\x01'

type tokKind uint8

const (
	tokText tokKind = iota
	tokCode
	tokDelim
)

type token struct {
	kind     tokKind
	s        string // text or code content
	ch       byte   // delimiter character
	n        int    // delimiter run length still literal
	canOpen  bool
	canClose bool
}

type inliner struct {
	toks  []token
	codes []string
	last  rune // last character emitted, for flanking rules
}

// plain converts inline Markdown to one line of plain text. It also returns
// the contents of the code spans it met, verbatim.
func plain(s string) (string, []string) {
	var in inliner
	return in.plain(s)
}

// plain is plain reusing the inliner's token buffer.
func (in *inliner) plain(s string) (string, []string) {
	if strings.IndexAny(s, "\\`*_![<&\x01") < 0 {
		return collapse(s), nil // nothing inline to resolve
	}
	in.toks, in.codes, in.last = in.toks[:0], nil, ' '
	if len(s) > 1024 {
		// Size the token buffer once: large slices grow by only 1.25x,
		// which costs several copies on long lines.
		n := 0
		for i := 0; i < len(s); i++ {
			switch s[i] {
			case '`', '*', '_', '[', '!', '<', '\\', '&':
				n++
			}
		}
		in.toks = slices.Grow(in.toks, 2*n+1)
	}
	in.scan(s, 0)
	in.emphasis()
	var b strings.Builder
	b.Grow(len(s))
	for _, t := range in.toks {
		switch t.kind {
		case tokText:
			b.WriteString(t.s)
		case tokCode:
			b.WriteString(t.s)
		case tokDelim:
			for i := 0; i < t.n; i++ {
				b.WriteByte(t.ch)
			}
		}
	}
	return finish(b.String()), in.codes
}

// plainText is plain without the code spans.
func plainText(s string) string {
	t, _ := plain(s)
	return t
}

// finish resolves <br> marks and collapses whitespace.
func finish(s string) string {
	if strings.IndexByte(s, brMark) >= 0 {
		parts := strings.Split(s, string(brMark))
		var b strings.Builder
		for i, p := range parts {
			if i == 0 {
				b.WriteString(p)
				continue
			}
			if rest, ok := cutItemMarker(p); ok {
				if strings.TrimSpace(b.String()) != "" {
					b.WriteString("; ")
				}
				b.WriteString(rest)
				continue
			}
			b.WriteByte(' ')
			b.WriteString(p)
		}
		s = b.String()
	}
	return collapse(s)
}

// cutItemMarker removes a leading list marker ("* ", "- ", "+ ", "• ").
func cutItemMarker(p string) (string, bool) {
	t := strings.TrimLeftFunc(p, unicode.IsSpace)
	for _, m := range []string{"*", "-", "+", "•"} {
		if strings.HasPrefix(t, m) {
			rest := t[len(m):]
			if rest == "" {
				return "", true
			}
			r, _ := utf8.DecodeRuneInString(rest)
			if unicode.IsSpace(r) {
				return rest, true
			}
		}
	}
	return p, false
}

// collapse trims s and turns every run of white space (including NBSP) and
// control characters into one space.
func collapse(s string) string {
	if isCollapsed(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsControl(r) || r == '\u200b' || r == '\ufeff' {
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// isCollapsed reports whether collapse would leave s unchanged: no control
// characters, no Unicode spaces, single inner spaces, none at either end.
// It is conservative: any byte that may start a Unicode space says no.
func isCollapsed(s string) bool {
	if s == "" {
		return true
	}
	if s[0] == ' ' || s[len(s)-1] == ' ' {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c < 0x20 || c == 0x7f || (c == ' ' && s[i+1] == ' '):
			return false
		case c == 0xc2 || c == 0xe1 || c == 0xe2 || c == 0xe3 || c == 0xef:
			// Lead bytes of NBSP, C1 controls and the other Unicode
			// spaces (U+1680, U+2000-U+205F, U+3000, U+FEFF): look closer.
			return false
		}
	}
	return true
}

func (in *inliner) text(s string) {
	if s == "" {
		return
	}
	in.toks = append(in.toks, token{kind: tokText, s: s})
	r, _ := utf8.DecodeLastRuneInString(s)
	if r == brMark {
		r = ' '
	}
	in.last = r
}

// textRun adds literal text, decoding HTML entities.
func (in *inliner) textRun(s string) {
	if strings.IndexByte(s, '&') >= 0 {
		s = html.UnescapeString(s)
	}
	in.text(s)
}

func isPunct(r rune) bool { return unicode.IsPunct(r) || unicode.IsSymbol(r) }

func isASCIIPunct(c byte) bool {
	return c < 0x80 && c > 0x20 && !('a' <= c && c <= 'z') && !('A' <= c && c <= 'Z') && !('0' <= c && c <= '9')
}

// scan tokenizes s, appending to in.toks. depth counts nested link texts.
func (in *inliner) scan(s string, depth int) {
	start := 0 // start of the pending literal run
	// With no closing bracket further on, a '[' cannot start a link: this
	// keeps long bracket-only lines cheap.
	lastSq, lastPar, lastRef := strings.LastIndexByte(s, ']'), strings.LastIndexByte(s, ')'), strings.LastIndex(s, "][")
	canLink := func(i int) bool { return i < lastSq && (i < lastPar || i < lastRef) }
	flush := func(end int) {
		if end > start {
			in.textRun(s[start:end])
		}
	}
	for i := 0; i < len(s); {
		c := s[i]
		switch c {
		case '\\':
			if i+1 < len(s) && isASCIIPunct(s[i+1]) {
				flush(i)
				in.text(s[i+1 : i+2])
				i += 2
				start = i
				continue
			}
			if i+1 < len(s) && s[i+1] == '\n' { // hard line break
				flush(i)
				in.text(" ")
				i += 2
				start = i
				continue
			}
		case '`':
			n := runLen(s, i, '`')
			if end, cstart := findCodeClose(s, i+n, n); end >= 0 {
				flush(i)
				code := strings.TrimSpace(strings.ReplaceAll(s[i+n:cstart], "\n", " "))
				in.toks = append(in.toks, token{kind: tokCode, s: code})
				in.codes = append(in.codes, code)
				in.last = 'a'
				i = end
				start = i
				continue
			}
			// No closing run: the backticks are literal.
			i += n
			continue
		case '*', '_':
			n := runLen(s, i, c)
			flush(i)
			before := in.last
			after := ' '
			if i+n < len(s) {
				after, _ = utf8.DecodeRuneInString(s[i+n:])
			}
			in.delim(c, n, before, after)
			i += n
			start = i
			continue
		case '!':
			if i+1 < len(s) && s[i+1] == '[' {
				if i+2 < len(s) && s[i+2] == '[' { // Obsidian embed ![[file.png]]
					if j := boundedIndex(s[i+3:], "]]", maxBracketScan); j >= 0 {
						flush(i)
						i += 3 + j + 2
						start = i
						continue
					}
				}
				if !canLink(i) {
					break
				}
				if txt, _, end, ok := parseLink(s, i+1); ok && depth < maxLinkDepth {
					flush(i)
					in.scan(txt, depth+1) // alt text
					i = end
					start = i
					continue
				}
			}
		case '[':
			if depth < maxLinkDepth && canLink(i) {
				if txt, dest, end, ok := parseLink(s, i); ok {
					flush(i)
					if !isNavLink(txt, dest) {
						in.scan(txt, depth+1)
					}
					i = end
					start = i
					continue
				}
			}
		case '<':
			if end, repl, ok := parseTag(s, i); ok {
				flush(i)
				in.text(repl)
				i = end
				start = i
				continue
			}
		case brMark:
			flush(i)
			in.text(" ")
			i++
			start = i
			continue
		}
		i++
	}
	flush(len(s))
}

func runLen(s string, i int, c byte) int {
	n := 0
	for i+n < len(s) && s[i+n] == c {
		n++
	}
	return n
}

// findCodeClose finds a run of exactly n backticks at or after from. It
// returns the index after the run and the index where the run starts.
func findCodeClose(s string, from, n int) (end, runStart int) {
	limit := min(len(s), from+maxCodeScan)
	for j := from; j < limit; {
		if s[j] != '`' {
			j++
			continue
		}
		m := runLen(s, j, '`')
		if m == n {
			return j + m, j
		}
		j += m
	}
	return -1, -1
}

func boundedIndex(s, sub string, limit int) int {
	if len(s) > limit {
		s = s[:limit]
	}
	return strings.Index(s, sub)
}

// parseLink parses [text](dest), [text][ref] or [text][] at s[i] == '['.
// Shortcut references ([text] alone) are not links: brackets in notes are
// mostly literal.
func parseLink(s string, i int) (text, dest string, end int, ok bool) {
	close := matchBracket(s, i, '[', ']')
	if close < 0 || close+1 >= len(s) {
		return "", "", 0, false
	}
	text = s[i+1 : close]
	switch s[close+1] {
	case '(':
		p := matchBracket(s, close+1, '(', ')')
		if p < 0 {
			return "", "", 0, false
		}
		dest = strings.TrimSpace(s[close+2 : p])
		if k := strings.IndexAny(dest, " \t\n"); k >= 0 { // drop a link title
			dest = dest[:k]
		}
		return text, strings.Trim(dest, "<>"), p + 1, true
	case '[':
		p := matchBracket(s, close+1, '[', ']')
		if p < 0 {
			return "", "", 0, false
		}
		return text, "", p + 1, true
	}
	return "", "", 0, false
}

// matchBracket returns the index of the bracket closing s[i], honouring
// nesting and backslash escapes, or -1 within the scan bound.
func matchBracket(s string, i int, open, close byte) int {
	depth := 0
	limit := min(len(s), i+maxBracketScan)
	for j := i; j < limit; j++ {
		switch s[j] {
		case '\\':
			j++
		case open:
			depth++
		case close:
			depth--
			if depth == 0 {
				return j
			}
		}
	}
	return -1
}

const navArrows = "↖↗↘↙↑↓←→⬆⬇⬅➡⇧⇩⇦⇨▲▼△▽⤴⤵^"

// isNavLink reports whether a link is navigation: it points inside the page
// and its text is empty or only arrows, or it points at "#top".
func isNavLink(text, dest string) bool {
	if dest != "" && !strings.HasPrefix(dest, "#") {
		return false
	}
	if dest == "#top" { // "[Back to top](#top)"
		return true
	}
	for _, r := range plainText(text) {
		if !unicode.IsSpace(r) && !strings.ContainsRune(navArrows, r) {
			return false
		}
	}
	return true
}

// htmlTags are the tags stripped from text; other <tags> (raw XML, <file>
// placeholders) stay as written.
var htmlTags = map[string]bool{
	"a": true, "abbr": true, "b": true, "big": true, "blockquote": true, "br": true,
	"center": true, "cite": true, "code": true, "dd": true, "del": true, "details": true,
	"dfn": true, "div": true, "dl": true, "dt": true, "em": true, "font": true, "h1": true,
	"h2": true, "h3": true, "h4": true, "h5": true, "h6": true, "hr": true, "i": true,
	"img": true, "ins": true, "kbd": true, "li": true, "mark": true, "ol": true, "p": true,
	"picture": true, "pre": true, "q": true, "s": true, "samp": true, "small": true,
	"source": true, "span": true, "strike": true, "strong": true, "sub": true,
	"summary": true, "sup": true, "table": true, "tbody": true, "td": true, "tfoot": true,
	"th": true, "thead": true, "tr": true, "tt": true, "u": true, "ul": true, "var": true,
	"wbr": true,
}

// parseTag looks at s[i] == '<'. It recognises HTML comments (dropped),
// autolinks (their URL) and HTML tags (dropped, <br> becomes brMark).
func parseTag(s string, i int) (end int, repl string, ok bool) {
	rest := s[i:]
	if strings.HasPrefix(rest, "<!--") {
		if j := boundedIndex(rest[4:], "-->", maxBracketScan); j >= 0 {
			return i + 4 + j + 3, "", true
		}
		return 0, "", false
	}
	j := 1
	if j < len(rest) && rest[j] == '/' {
		j++
	}
	k := j
	for k < len(rest) && k < maxTagScan && (isAlnum(rest[k]) || (k > j && rest[k] == '-')) {
		k++
	}
	if k == j || !isAlpha(rest[j]) {
		return 0, "", false
	}
	raw := rest[j:k]
	name := strings.ToLower(raw)
	if name != raw && strings.ToUpper(raw) != raw {
		// Mixed case (<Code>, <VersionId>) is XML, not HTML: keep it.
		name = ""
	}
	// Autolink: <https://...>, <mailto:...>.
	if j == 1 && k < len(rest) && rest[k] == ':' {
		gt := strings.IndexByte(rest[:min(len(rest), maxTagScan)], '>')
		if gt > 0 && !strings.ContainsAny(rest[:gt], " \t\n<") {
			return i + gt + 1, rest[1:gt], true
		}
		return 0, "", false
	}
	if !htmlTags[name] {
		return 0, "", false
	}

	// Attributes up to '>' (no '<' in between).
	limit := min(len(rest), maxTagScan)
	for q := k; q < limit; q++ {
		switch rest[q] {
		case '>':
			if q > k && !(rest[k] == ' ' || rest[k] == '\t' || rest[k] == '\n' || rest[k] == '/' || rest[k] == '>') {
				return 0, "", false
			}
			if name == "br" {
				return i + q + 1, string(brMark), true
			}
			if name == "img" { // an image tag: keep its alt text if any
				return i + q + 1, attr(rest[k:q], "alt"), true
			}
			return i + q + 1, "", true
		case '<':
			return 0, "", false
		}
	}
	return 0, "", false
}

// attr returns the value of a quoted attribute in a tag's attribute text.
func attr(attrs, name string) string {
	low := strings.ToLower(attrs)
	j := strings.Index(low, name+"=")
	if j < 0 || j+len(name)+1 >= len(attrs) {
		return ""
	}
	v := attrs[j+len(name)+1:]
	if q := v[0]; q == '"' || q == '\'' {
		if e := strings.IndexByte(v[1:], q); e >= 0 {
			return " " + html.UnescapeString(v[1:1+e]) + " "
		}
	}
	return ""
}

func isAlpha(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isAlnum(c byte) bool { return isAlpha(c) || '0' <= c && c <= '9' }

// delim adds an emphasis delimiter run with CommonMark's flanking rules.
func (in *inliner) delim(c byte, n int, before, after rune) {
	bs, as := unicode.IsSpace(before), unicode.IsSpace(after)
	bp, ap := isPunct(before), isPunct(after)
	left := !as && (!ap || bs || bp)
	right := !bs && (!bp || as || ap)
	t := token{kind: tokDelim, ch: c, n: n}
	if c == '*' {
		t.canOpen, t.canClose = left, right
	} else {
		t.canOpen = left && (!right || bp)
		t.canClose = right && (!left || ap)
	}
	in.toks = append(in.toks, t)
	in.last = rune(c)
}

// emphasis pairs delimiter runs and removes the matched characters; the
// rest stay literal (a lone "*" in "s3:*" is text).
func (in *inliner) emphasis() {
	var stack []int
	for i := range in.toks {
		t := &in.toks[i]
		if t.kind != tokDelim {
			continue
		}
		if t.canClose {
			for t.n > 0 {
				found := -1
				for k := len(stack) - 1; k >= 0 && k >= len(stack)-maxOpenerScan; k-- {
					if in.toks[stack[k]].ch == t.ch && in.toks[stack[k]].n > 0 {
						found = k
						break
					}
				}
				if found < 0 {
					break
				}
				o := &in.toks[stack[found]]
				m := min(o.n, t.n)
				o.n -= m
				t.n -= m
				stack = stack[:found+1]
				if o.n == 0 {
					stack = stack[:found]
				}
			}
		}
		if t.n > 0 && t.canOpen {
			stack = append(stack, i)
		}
	}
	// An unmatched run of two or more ("**Title" never closed) is broken
	// strong emphasis, not text; a lone "*" (a wildcard) stays.
	for i := range in.toks {
		if t := &in.toks[i]; t.kind == tokDelim && t.n >= 2 && (t.canOpen || t.canClose) {
			t.n = 0
		}
	}
}
