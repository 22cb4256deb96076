package notes

import (
	"bytes"
	"encoding/binary"
	"html"
	"strings"
	"unicode"
	"unicode/utf8"
	"unsafe"

	"github.com/yuin/goldmark/ast"
)

// Inline content to plain text.
//
// goldmark has already resolved the inline structure (emphasis, links, code
// spans, raw HTML); this file only decides what of it is text. Emphasis
// keeps its content, code spans keep theirs verbatim, links and images
// become their text, navigation links (an arrow or nothing as text, a "#..."
// target) disappear, HTML tags of the usual kinds are dropped while unknown
// tags (raw XML such as <Code>) stay, backslash escapes and entities are
// resolved and every run of white space, NBSP included, becomes one space.
// "<br>" becomes "; " when what follows looks like a list item ("<br/>* b")
// and a space otherwise.

// brMark stands for a <br> until the final text is assembled.
const brMark = '\x01'

// inliner turns the inline children of one block into plain text. Its
// buffers are reused from block to block.
type inliner struct {
	src   []byte
	buf   []byte   // text being assembled
	run   []byte   // pending literal source text (escapes and entities unresolved)
	codes []string // code spans met, verbatim
	stars []star   // runs of "*" of a simple paragraph (see simpleText)
	// anchor is the first <a name> or <a id> met, "" if none.
	anchor string
}

// text returns the plain text of n's inline children starting at byte
// offset from of the source (0 for all), with the code spans it met.
func (in *inliner) text(n ast.Node, from int) (string, []string) {
	in.buf, in.run, in.codes, in.anchor = in.buf[:0], in.run[:0], nil, ""
	if p, ok := n.(*simpleParagraph); ok {
		// Read while parsing. from is 0: no line of a simple paragraph
		// is a TOC end marker ("[toc_end]:" is no plain link, "<!--" no
		// tag).
		in.codes, in.anchor = p.codes, p.anchor
		return p.text, p.codes
	}
	if c, ok := n.FirstChild().(*simpleInline); ok && c.NextSibling() == nil {
		in.codes, in.anchor = c.codes, c.anchor
		return c.text, c.codes
	}
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		if from > 0 && inlineStart(c) < from {
			continue
		}
		in.inline(c)
	}
	in.flushRun()
	return finish(in.buf), in.codes
}

// inlineStart is the source offset where an inline node starts.
func inlineStart(n ast.Node) int {
	if t, ok := n.(*ast.Text); ok {
		return t.Segment.Start
	}
	return n.Pos()
}

func (in *inliner) children(n ast.Node) {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		in.inline(c)
	}
}

func (in *inliner) inline(n ast.Node) {
	switch n := n.(type) {
	case *ast.Text:
		v := n.Segment.Value(in.src)
		if n.IsRaw() {
			in.flushRun()
			in.buf = append(in.buf, v...)
		} else {
			in.run = append(in.run, v...)
		}
		if n.SoftLineBreak() || n.HardLineBreak() {
			in.run = append(in.run, ' ')
		}
	case *ast.String:
		in.flushRun()
		in.buf = append(in.buf, n.Value...)
	case *ast.CodeSpan:
		in.flushRun()
		start := len(in.buf)
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			if t, ok := c.(*ast.Text); ok {
				in.buf = append(in.buf, t.Segment.Value(in.src)...)
			}
		}
		code := strings.TrimSpace(strings.ReplaceAll(string(in.buf[start:]), "\n", " "))
		in.buf = append(in.buf[:start], code...)
		in.codes = append(in.codes, code)
	case *ast.Link:
		in.flushRun()
		start, ncodes := len(in.buf), len(in.codes)
		in.children(n)
		in.flushRun()
		if isNavLink(in.buf[start:], n.Destination) {
			in.buf, in.codes = in.buf[:start], in.codes[:ncodes]
		}
	case *ast.AutoLink:
		in.flushRun()
		in.buf = append(in.buf, n.Label(in.src)...)
	case *ast.RawHTML:
		in.flushRun()
		in.rawHTML(n)
	default: // emphasis, images (their alt text) and anything else: the content
		in.children(n)
	}
}

// flushRun resolves the pending literal text into buf: Obsidian embeds
// ("![[image.png]]") are dropped, backslash escapes and entities resolved.
func (in *inliner) flushRun() {
	if len(in.run) == 0 {
		return
	}
	in.buf = appendLiteral(in.buf, dropStrayDelims(dropEmbeds(in.run)))
	in.run = in.run[:0]
}

// dropStrayDelims removes runs of two or more "*" or "_" left over from
// emphasis that was never closed ("**Title" with no closing "**"): they
// are broken markup, not text. A run that could not open or close emphasis
// (" ** " between spaces, "snake__case") and a lone "*" (a wildcard) stay.
func dropStrayDelims(s []byte) []byte {
	if bytes.IndexByte(s, '*') < 0 && bytes.IndexByte(s, '_') < 0 {
		return s
	}
	out := s[:0] // written no faster than read
	for i := 0; i < len(s); {
		c := s[i]
		if c == '\\' && i+1 < len(s) {
			out = append(out, s[i], s[i+1])
			i += 2
			continue
		}
		if c != '*' && c != '_' {
			out = append(out, c)
			i++
			continue
		}
		n := 1
		for i+n < len(s) && s[i+n] == c {
			n++
		}
		before, after := ' ', ' '
		if i > 0 {
			before, _ = utf8.DecodeLastRune(s[:i])
		}
		if i+n < len(s) {
			after, _ = utf8.DecodeRune(s[i+n:])
		}
		if n < 2 || !canDelimit(c, before, after) {
			out = append(out, s[i:i+n]...)
		}
		i += n
	}
	return out
}

// canDelimit reports whether a run of c between before and after could
// open or close emphasis (CommonMark's flanking rules).
func canDelimit(c byte, before, after rune) bool {
	bs, as := unicode.IsSpace(before), unicode.IsSpace(after)
	bp, ap := isPunct(before), isPunct(after)
	left := !as && (!ap || bs || bp)
	right := !bs && (!bp || as || ap)
	if c == '*' {
		return left || right
	}
	return (left && (!right || bp)) || (right && (!left || ap))
}

func isPunct(r rune) bool { return unicode.IsPunct(r) || unicode.IsSymbol(r) }

// dropEmbeds removes Obsidian embeds ("![[Pasted image.png]]") from s.
func dropEmbeds(s []byte) []byte {
	for {
		i := bytes.Index(s, []byte("![["))
		if i < 0 {
			return s
		}
		j := bytes.Index(s[i+3:], []byte("]]"))
		if j < 0 {
			return s
		}
		s = append(s[:i], s[i+3+j+2:]...)
	}
}

// appendLiteral appends source text to b with backslash escapes and HTML
// entities resolved.
func appendLiteral(b, s []byte) []byte {
	for {
		i := 0
		for i < len(s) && s[i] != '\\' && s[i] != '&' {
			i++
		}
		b = append(b, s[:i]...)
		if i+1 >= len(s) {
			return append(b, s[i:]...)
		}
		switch s = s[i:]; s[0] {
		case '\\':
			if isASCIIPunct(s[1]) {
				b = append(b, s[1])
				s = s[2:]
				continue
			}
		case '&':
			if n := entityLen(s); n > 0 {
				b = append(b, html.UnescapeString(string(s[:n]))...)
				s = s[n:]
				continue
			}
		}
		b = append(b, s[0])
		s = s[1:]
	}
}

// entityLen is the length of the entity or numeric character reference at
// the start of s ("&amp;", "&#160;", "&#x2192;"), or 0.
func entityLen(s []byte) int {
	for i := 1; i < len(s) && i < 40; i++ {
		c := s[i]
		switch {
		case c == ';':
			if i == 1 {
				return 0
			}
			return i + 1
		case c == '#' && i == 1, isAlnum(c):
		default:
			return 0
		}
	}
	return 0
}

func isASCIIPunct(c byte) bool {
	return c > 0x20 && c < 0x7f && !isAlnum(c)
}

func isAlpha(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isAlnum(c byte) bool { return isAlpha(c) || '0' <= c && c <= '9' }

// navArrows are the characters navigation links are made of.
const navArrows = "↖↗↘↙↑↓←→⬆⬇⬅➡⇧⇩⇦⇨▲▼△▽⤴⤵^"

// isNavLink reports whether a link is navigation: it points inside the page
// and its text is empty or only arrows, or it points at "#top".
func isNavLink(text, dest []byte) bool {
	d := strings.TrimSpace(string(dest))
	if d != "" && d[0] != '#' {
		return false
	}
	if d == "#top" { // "[Back to top](#top)"
		return true
	}
	for _, r := range string(text) {
		if !unicode.IsSpace(r) && r != brMark && !strings.ContainsRune(navArrows, r) {
			return false
		}
	}
	return true
}

// rawHTML handles one inline HTML element: comments and the usual HTML tags
// are dropped, <br> becomes brMark, <img> its alt text, an anchor is noted;
// anything else (raw XML, <placeholders>) stays as written.
func (in *inliner) rawHTML(n *ast.RawHTML) {
	start := len(in.buf)
	for i := 0; i < n.Segments.Len(); i++ {
		seg := n.Segments.At(i)
		in.buf = append(in.buf, seg.Value(in.src)...)
	}
	in.tag(start)
}

// tag reads the tag or comment in.buf[start:] as rawHTML does.
func (in *inliner) tag(start int) {
	// tag views buf: it is read before buf is written again, and what is
	// kept of it (the anchor) is copied.
	tag := unsafeString(in.buf[start:])
	repl, known := tagText(tag)
	if !known {
		return // the tag stays as written
	}
	if in.anchor == "" {
		in.anchor = strings.Clone(anchorName(tag))
	}
	in.buf = append(in.buf[:start], repl...)
}

// tagText classifies one HTML tag or comment: known reports whether it is
// markup (dropped, or replaced by repl) rather than text.
func tagText(tag string) (repl string, known bool) {
	if strings.HasPrefix(tag, "<!--") {
		return "", true
	}
	if len(tag) < 3 || tag[0] != '<' {
		return "", false
	}
	j := 1
	if tag[j] == '/' {
		j++
	}
	k := j
	for k < len(tag) && (isAlnum(tag[k]) || (k > j && tag[k] == '-')) {
		k++
	}
	if k == j || !isAlpha(tag[j]) {
		return "", false // "<?xml", "<!DOCTYPE": text
	}
	raw := tag[j:k]
	name := strings.ToLower(raw)
	if name != raw && strings.ToUpper(raw) != raw {
		return "", false // mixed case (<Code>, <VersionId>) is XML, not HTML
	}
	if !htmlTags[name] {
		return "", false
	}
	switch name {
	case "br":
		return string(brMark), true
	case "img":
		if alt := attr(tag[k:], "alt"); alt != "" {
			return " " + alt + " ", true
		}
	}
	return "", true
}

// htmlTags are the tags dropped from text; other <tags> (raw XML, <file>
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

// attr returns the unescaped value of a quoted attribute in a tag's
// attribute text, or "".
func attr(attrs, name string) string {
	low := strings.ToLower(attrs)
	for off := 0; ; {
		j := strings.Index(low[off:], name)
		if j < 0 {
			return ""
		}
		j += off
		off = j + len(name)
		if j > 0 && !unicode.IsSpace(rune(low[j-1])) {
			continue
		}
		v := strings.TrimLeft(attrs[off:], " \t\n")
		if !strings.HasPrefix(v, "=") {
			continue
		}
		v = strings.TrimLeft(v[1:], " \t\n")
		if v == "" {
			return ""
		}
		if q := v[0]; q == '"' || q == '\'' {
			if e := strings.IndexByte(v[1:], q); e >= 0 {
				return html.UnescapeString(v[1 : 1+e])
			}
			return ""
		}
		if e := strings.IndexAny(v, " \t\n/>"); e >= 0 {
			v = v[:e]
		}
		return html.UnescapeString(v)
	}
}

// anchorName is the target name of an <a name="x"> or <a id="x"> tag, or "".
func anchorName(tag string) string {
	if len(tag) < 4 || !strings.EqualFold(tag[:3], "<a ") && !strings.EqualFold(tag[:3], "<a\t") && !strings.EqualFold(tag[:3], "<a\n") {
		return ""
	}
	if v := strings.TrimSpace(attr(tag[2:], "name")); v != "" {
		return v
	}
	return strings.TrimSpace(attr(tag[2:], "id"))
}

// finish resolves <br> marks and collapses white space.
func finish(b []byte) string {
	if bytes.IndexByte(b, brMark) < 0 {
		return collapseBytes(b)
	}
	s := string(b)
	{
		parts := strings.Split(s, string(brMark))
		var sb strings.Builder
		for i, p := range parts {
			if i == 0 {
				sb.WriteString(p)
				continue
			}
			if rest, ok := cutItemMarker(p); ok {
				if strings.TrimSpace(sb.String()) != "" {
					sb.WriteString("; ")
				}
				sb.WriteString(rest)
				continue
			}
			sb.WriteByte(' ')
			sb.WriteString(p)
		}
		s = sb.String()
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

// collapseBytes is collapse for a byte slice.
func collapseBytes(b []byte) string {
	if isCollapsed(unsafeString(b)) {
		return string(b)
	}
	return collapse(unsafeString(b))
}

// unsafeString views b as a string for reading only; b must not change
// while the string is in use.
func unsafeString(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

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
	// Eight bytes at a time (this reads every fact): only a word that may
	// hold a control character, a byte of 0x7f or more, or two spaces in a
	// row (with the byte before it) is read byte by byte.
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	b := unsafe.Slice(unsafe.StringData(s), len(s))
	i := 0
	for ; i+8 <= len(b); i += 8 {
		w := binary.LittleEndian.Uint64(b[i:])
		sp := w ^ 0x20*ones
		spaces := (sp - ones) &^ sp & highs // at least the spaces
		odd := (w-0x20*ones)&^w&highs | (w+ones|w)&highs | spaces&(spaces<<8|0x80)
		if odd != 0 && !collapsedBytes(b[max(i-1, 0):i+8]) {
			return false
		}
	}
	return collapsedBytes(b[max(i-1, 0):])
}

// collapsedBytes is isCollapsed within b, byte by byte, but for the ends.
func collapsedBytes(b []byte) bool {
	for i, c := range b {
		if collapseStop[c] && (c != ' ' || i+1 < len(b) && b[i+1] == ' ') {
			return false
		}
	}
	return true
}

// collapseStop marks the bytes isCollapsed stops at: the space (fine
// unless doubled), control characters, and the lead bytes of NBSP, C1
// controls and the other Unicode spaces (U+1680, U+2000-U+205F, U+3000,
// U+FEFF), which need a closer look.
var collapseStop = func() (t [256]bool) {
	for c := range 0x20 {
		t[c] = true
	}
	for _, c := range []byte{' ', 0x7f, 0xc2, 0xe1, 0xe2, 0xe3, 0xef} {
		t[c] = true
	}
	return t
}()

// hasWord reports whether s holds a letter, digit or symbol such as an
// emoji: text made only of punctuation ("--", "...") is not a fact.
func hasWord(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsSymbol(r) {
			return true
		}
	}
	return false
}
