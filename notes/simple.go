package notes

import (
	"bytes"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// Simple paragraphs.
//
// Most paragraphs and bullets of notes are words with little markup: a
// link into the page in a table of contents ("[Services](#4)"), an anchor
// above a heading ("<a name="4"></a>"), some emphasis, a code span.
// goldmark would parse their inline content into nodes (text per line and
// per run between marks, a link with its label state, a delimiter per run
// of "*", emphasis, code spans, raw HTML), only for the walker to read the
// text back and drop the nodes. simpleParagraphs reads such a paragraph's
// text itself, while the notes are parsed (on every core), the way the
// walker reads goldmark's nodes (inliner.inline), and marks it raw so
// goldmark leaves it alone. A paragraph is simple when its lines hold none
// of inlineMarks outside of
//
//   - plain links: "[", text holding none of inlineMarks, "](", a
//     destination of letters, digits and destChars, ")". CommonMark reads
//     that as a link whatever stands around it, as long as that holds no
//     mark but the ones below (no "!" before it making it an image, no
//     "[" or "]" pairing with its brackets);
//   - tags that fastRawHTML reads on its own (an opening or closing tag
//     ending on its line, see isTag): goldmark reads them as raw HTML,
//     before any "*" or "`" inside them;
//   - code spans closed on their line: goldmark reads everything up to the
//     closing backticks as code;
//   - runs of "*": emphasis delimiters, matched as goldmark matches them
//     (matchStars). A paragraph where a run of two or more is left
//     unmatched is not simple: the walker would decide on those with
//     dropStrayDelims, in a context this reading does not rebuild.
//
// "_" in a destination or a tag is read with the link or the tag, never
// as emphasis. ATX headings (navHeading) and table cells (simpleCells)
// whose content is simple are read the same way; a heading that is not
// still loses the navigation links it starts with ("[↖](#top)[↓](#2)").
// TestPlainParagraphsSameDocument, TestSimpleParagraphsRandom and
// FuzzStock hold the Document to the one walked from goldmark's stock
// tree.

// inlineMarks are the bytes that may start inline markup, an escape or an
// entity ("|" for tables, read before this by their own transformer).
const inlineMarks = "`[]!<*_\\&|"

// isInlineMark is inlineMarks as a table, looked up byte by byte.
var isInlineMark = func() (t [256]bool) {
	for i := range len(inlineMarks) {
		t[inlineMarks[i]] = true
	}
	return t
}()

// destChars are the bytes besides ASCII letters and digits that a plain
// link's destination may hold: none is an inline mark, a space, a
// parenthesis, a quote or an escape, and none starts an entity.
const destChars = "#-_./:?=%~+,;@"

// isDestByte is ASCII letters, digits and destChars as a table.
var isDestByte = func() (t [256]bool) {
	for c := range 128 {
		t[c] = isAlnum(byte(c))
	}
	for i := range len(destChars) {
		t[destChars[i]] = true
	}
	return t
}()

// plainRun is the length of the run of bytes at the start of l that are
// none of inlineMarks.
func plainRun(l []byte) int {
	i := 0
	for ; i+4 <= len(l); i += 4 { // four at a time: this reads all notes text
		b := l[i : i+4 : i+4]
		if isInlineMark[b[0]] || isInlineMark[b[1]] || isInlineMark[b[2]] || isInlineMark[b[3]] {
			break
		}
	}
	for ; i < len(l) && !isInlineMark[l[i]]; i++ {
	}
	return i
}

// plainLink reads a plain link at the start of l ("[text](dest)"): its
// length, or 0 when l does not start with one.
func plainLink(l []byte) (n int, label, dest []byte) {
	if len(l) < 5 || l[0] != '[' {
		return 0, nil, nil
	}
	t := 1 + plainRun(l[1:])
	if t+1 >= len(l) || l[t] != ']' || l[t+1] != '(' || bytes.IndexByte(l[1:t], '\n') >= 0 ||
		bytes.Contains(l[1:t], []byte("\uFFFD")) {
		return 0, nil, nil
	}
	d := t + 2
	e := d
	for e < len(l) && isDestByte[l[e]] {
		e++
	}
	if e == d || e == len(l) || l[e] != ')' {
		return 0, nil, nil
	}
	return e + 1, l[1:t], l[d:e]
}

// plainTag is the length of the tag at the start of l that fastRawHTML
// reads on its own, or 0.
func plainTag(l []byte) int {
	if end := tagCandidateEnd(l); end > 0 && isTag(l[:end]) {
		return end
	}
	return 0
}

// codeSpan reads a code span at the start of l, closed on l: its length and
// its content, or 0 when the backticks l starts with are closed on no
// later byte of l (goldmark would look on further lines). The closing
// run is found as goldmark's code span parser finds it.
func codeSpan(l []byte) (n int, code []byte) {
	open := 0
	for open < len(l) && l[open] == '`' {
		open++
	}
	for i := open; i < len(l); i++ {
		if l[i] != '`' {
			continue
		}
		start := i
		for i < len(l) && l[i] == '`' {
			i++
		}
		if i-start == open {
			return i, l[open:start]
		}
	}
	return 0, nil
}

// star is a run of "*" in a simple paragraph: an emphasis delimiter.
type star struct {
	orig, left  int  // its length, and the characters emphasis left of it
	open, close bool // can open, can close emphasis (CommonMark's flanking)
	prev, next  int  // neighbours in the list of delimiters still open, -1 for none
}

// simpleText reads the text of a paragraph with the given lines, when it
// is simple, into in.buf, in.codes and in.anchor, as text would from
// goldmark's nodes; ok is false when the paragraph is not simple.
func (in *inliner) simpleText(lines *text.Segments) (ok bool) {
	in.stars = in.stars[:0]
	if !in.simpleLines(lines, false) {
		return false
	}
	if len(in.stars) == 0 {
		return true
	}
	if !matchStars(in.stars) {
		return false
	}
	return in.simpleLines(lines, true)
}

// simpleLines reads the lines of a paragraph: the first time (matched
// false) it checks that they are simple, notes the runs of "*" in
// in.stars and keeps them whole in the text; the second time, after
// matchStars, it keeps only what emphasis left of them.
func (in *inliner) simpleLines(lines *text.Segments, matched bool) bool {
	in.buf, in.codes, in.anchor = in.buf[:0], nil, ""
	src := in.src
	first := -1 // where the paragraph's text starts, as goldmark trims it
	k := 0      // the next run of "*"
	for i := 0; i < lines.Len(); i++ {
		seg := lines.At(i)
		start, stop := seg.Start, seg.Stop
		for start < stop && isBlankByte(src[start]) {
			start++
		}
		for stop > start && isBlankByte(src[stop-1]) {
			stop--
		}
		if first < 0 {
			first = start
		}
		if start == stop {
			continue
		}
		if len(in.buf) > 0 {
			in.buf = append(in.buf, ' ') // a soft line break
		}
		for p := start; p < stop; {
			n := plainRun(src[p:stop])
			in.buf = append(in.buf, src[p:p+n]...)
			if p += n; p == stop {
				break
			}
			l := src[p:stop]
			switch l[0] {
			case '[':
				n, label, dest := plainLink(l)
				if n == 0 {
					return false
				}
				if !isNavLink(label, dest) {
					in.buf = append(in.buf, label...)
				}
				p += n
			case '<':
				n := plainTag(l)
				if n == 0 {
					return false
				}
				start := len(in.buf)
				in.buf = append(in.buf, l[:n]...)
				in.tag(start)
				p += n
			case '`':
				n, code := codeSpan(l)
				if n == 0 {
					return false
				}
				c := strings.TrimSpace(string(code))
				in.buf = append(in.buf, c...)
				in.codes = append(in.codes, c)
				p += n
			case '*':
				n := 1
				for n < len(l) && l[n] == '*' {
					n++
				}
				if matched {
					in.buf = append(in.buf, l[:in.stars[k].left]...)
					k++
				} else {
					in.buf = append(in.buf, l[:n]...)
					in.stars = append(in.stars, newStar(src, p, p+n, stop, first))
				}
				p += n
			default:
				return false
			}
		}
	}
	return true
}

func isBlankByte(c byte) bool { return c == ' ' || c == '\t' || c == '\n' }

// newStar is the run of "*" src[p:q] on a line whose text ends at stop, in
// a paragraph whose text starts at first, with its flanking as goldmark's
// ScanDelimiter reads it: the character before is the source's (a line
// start counts as one, the paragraph's start as a newline), the one after
// is a space at the line's end.
func newStar(src []byte, p, q, stop, first int) star {
	before, after := '\n', ' '
	if p > first {
		before, _ = utf8.DecodeLastRune(src[:p])
	}
	if q < stop {
		after, _ = utf8.DecodeRune(src[q:stop])
	}
	bs, as := unicode.IsSpace(before), unicode.IsSpace(after)
	bp, ap := isPunct(before), isPunct(after)
	return star{
		orig: q - p, left: q - p,
		open:  !as && (!ap || bs || bp),
		close: !bs && (!bp || as || ap),
	}
}

// matchStars matches the runs of "*" of a paragraph as emphasis, the way
// goldmark's ProcessDelimiters does at the end of a block (a paragraph
// holding no other delimiter, and links holding none): each closer takes
// the nearest opener it may pair with, two characters each when both have
// two, and the runs between them are text. It reports false when a run
// of two or more is left unmatched in part.
func matchStars(s []star) bool {
	for i := range s {
		s[i].prev, s[i].next = i-1, i+1
	}
	s[len(s)-1].next = -1
	remove := func(i int) {
		if p := s[i].prev; p >= 0 {
			s[p].next = s[i].next
		}
		if n := s[i].next; n >= 0 {
			s[n].prev = s[i].prev
		}
	}
	for c := 0; c >= 0; {
		if !s[c].close {
			c = s[c].next
			continue
		}
		o, take, maybe := s[c].prev, 0, false
		for ; o >= 0; o = s[o].prev {
			if s[o].open {
				maybe = true
				if take = consumption(&s[o], &s[c]); take > 0 {
					break
				}
			}
		}
		if o < 0 {
			next := s[c].next
			if !maybe && !s[c].open {
				remove(c)
			}
			c = next
			continue
		}
		s[o].left -= take
		s[c].left -= take
		for x := s[o].next; x != c; x = s[x].next {
			remove(x)
		}
		if s[o].left == 0 {
			remove(o)
		}
		if s[c].left == 0 {
			next := s[c].next
			remove(c)
			c = next
		}
	}
	for _, r := range s {
		if r.left >= 2 {
			return false
		}
	}
	return true
}

// consumption is how many characters of each opener o and closer c match,
// as goldmark's Delimiter.CalcComsumption counts them: 0 under
// CommonMark's rule of three.
func consumption(o, c *star) int {
	if (o.close || c.open) && (o.orig+c.orig)%3 == 0 && c.orig%3 != 0 {
		return 0
	}
	if o.left >= 2 && c.left >= 2 {
		return 2
	}
	return 1
}

// simpleParagraph is a simple paragraph with its text, read while parsing.
type simpleParagraph struct {
	ast.BaseBlock
	text, anchor string
	codes        []string
}

var kindSimpleParagraph = ast.NewNodeKind("SimpleParagraph")

func (n *simpleParagraph) Kind() ast.NodeKind { return kindSimpleParagraph }

// IsRaw tells goldmark not to parse the inline content.
func (n *simpleParagraph) IsRaw() bool { return true }

func (n *simpleParagraph) Dump(src []byte, level int) { ast.DumpHelper(n, src, level, nil, nil) }

// simpleParagraphs replaces a closed paragraph that is simple with a
// simpleParagraph. It leaves alone a paragraph closed by a setext
// underline ("===", "---"): goldmark is making it a heading.
type simpleParagraphs struct{}

// scratchKey holds a parse's scratch (see newContext).
var scratchKey = parser.NewContextKey()

// scratch is what simple paragraphs, headings and cells reuse within one
// parse: an inliner, and the nodes made, allocated a slab at a time.
type scratch struct {
	in      inliner
	nodes   []simpleParagraph
	inlines []simpleInline
}

// slab is how many nodes are allocated at a time: a few, so that the
// last slab of each piece of the notes wastes little.
const slab = 8

// newContext is a parse context for markdown with its scratch.
func newContext() parser.Context {
	pc := parser.NewContext()
	pc.Set(scratchKey, &scratch{})
	return pc
}

// scratchOf returns the scratch of the parse, reading src.
func scratchOf(pc parser.Context, src []byte) *scratch {
	s, _ := pc.Get(scratchKey).(*scratch)
	if s == nil {
		s = &scratch{}
		pc.Set(scratchKey, s)
	}
	s.in.src = src
	return s
}

func (simpleParagraphs) Transform(p *ast.Paragraph, reader text.Reader, pc parser.Context) {
	if line, _ := reader.PeekLine(); isSetextBar(line) {
		return
	}
	s := scratchOf(pc, reader.Source())
	in := &s.in
	if !in.simpleText(p.Lines()) {
		return
	}
	if len(s.nodes) == 0 {
		s.nodes = make([]simpleParagraph, slab)
	}
	simple := &s.nodes[0]
	s.nodes = s.nodes[1:]
	simple.text, simple.anchor, simple.codes = finish(in.buf), in.anchor, in.codes
	simple.SetLines(p.Lines())
	simple.SetBlankPreviousLines(p.HasBlankPreviousLines())
	simple.SetPos(p.Pos())
	p.Parent().ReplaceChild(p.Parent(), p, simple)
}

// isSetextBar reports whether line is a run of "=" or of "-" with nothing
// but white space around it.
func isSetextBar(line []byte) bool {
	t := bytes.Trim(line, " \t\n")
	return len(t) > 0 && (t[0] == '=' || t[0] == '-') && len(bytes.Trim(t, string(t[:1]))) == 0
}

// simpleInline is the text of a block whose inline content is simple
// (an ATX heading, a table cell), read while parsing: the block's only
// child, the block holding no lines left for goldmark to parse.
type simpleInline struct {
	ast.BaseInline
	text, anchor string
	codes        []string
}

var kindSimpleInline = ast.NewNodeKind("SimpleInline")

func (n *simpleInline) Kind() ast.NodeKind { return kindSimpleInline }

// IsRaw tells goldmark, which meets this node while it looks for blocks to
// parse, that there is nothing to parse in it.
func (n *simpleInline) IsRaw() bool { return true }

func (n *simpleInline) Dump(src []byte, level int) { ast.DumpHelper(n, src, level, nil, nil) }

// readSimple gives block n its text as a simpleInline child, when its
// inline content is simple, and takes its lines away from goldmark.
func (s *scratch) readSimple(n ast.Node) {
	in := &s.in
	if !in.simpleText(n.Lines()) {
		return
	}
	if len(s.inlines) == 0 {
		s.inlines = make([]simpleInline, slab)
	}
	c := &s.inlines[0]
	s.inlines = s.inlines[1:]
	c.text, c.anchor, c.codes = finish(in.buf), in.anchor, in.codes
	n.Lines().SetSliced(0, 0)
	n.AppendChild(n, c)
}

// navHeading is goldmark's ATX heading parser, reading a heading's text
// when it is simple. Otherwise it leaves out the navigation links the
// heading starts with ("# [↖](#top)[↓](#2) Title" reads as "# Title"):
// plain links that isNavLink drops, followed by white space and more
// text. goldmark reads the rest as it would have read it after the links:
// the character before it is white space in both cases.
type navHeading struct{ parser.BlockParser }

func (h navHeading) Open(parent ast.Node, reader text.Reader, pc parser.Context) (ast.Node, parser.State) {
	node, state := h.BlockParser.Open(parent, reader, pc)
	if node == nil || node.Lines().Len() != 1 {
		return node, state
	}
	if scratchOf(pc, reader.Source()).readSimple(node); node.Lines().Len() == 0 {
		return node, state // read
	}
	seg := node.Lines().At(0)
	l := reader.Source()[seg.Start:seg.Stop]
	skip := 0
	for {
		n, label, dest := plainLink(l[skip:])
		if n == 0 || !isNavLink(label, dest) {
			break
		}
		skip += n
	}
	if skip > 0 && seg.Padding == 0 && skip < len(l) && (l[skip] == ' ' || l[skip] == '\t') && !isBlank(l[skip:]) {
		seg.Start += skip
		node.Lines().Set(0, seg)
	}
	return node, state
}

// linkRefs is goldmark's link reference definition transformer, called
// only for a paragraph whose text starts with "[" and holds "]:": any
// other paragraph holds no definition (the colon follows the label's "]"
// right away), and goldmark would look at it with a reader made for the
// purpose.
type linkRefs struct{}

func (linkRefs) Transform(p *ast.Paragraph, reader text.Reader, pc parser.Context) {
	src := reader.Source()
	lines := p.Lines()
	first := lines.At(0)
	if t := bytes.TrimLeft(src[first.Start:first.Stop], " \t"); len(t) == 0 || t[0] != '[' {
		return
	}
	for i := 0; i < lines.Len(); i++ {
		seg := lines.At(i)
		if bytes.Contains(src[seg.Start:seg.Stop], []byte("]:")) {
			parser.LinkReferenceParagraphTransformer.Transform(p, reader, pc)
			return
		}
	}
}

// simpleCells is the table extension's paragraph transformer, reading the
// cells of the table it makes whose content is simple.
type simpleCells struct{ parser.ParagraphTransformer }

func (t simpleCells) Transform(p *ast.Paragraph, reader text.Reader, pc parser.Context) {
	parent, prev := p.Parent(), p.PreviousSibling()
	t.ParagraphTransformer.Transform(p, reader, pc)
	// The table, if any, is right after the paragraph, or in its place.
	var next ast.Node
	switch {
	case p.Parent() != nil:
		next = p.NextSibling()
	case prev != nil:
		next = prev.NextSibling()
	default:
		next = parent.FirstChild()
	}
	table, ok := next.(*east.Table)
	if !ok {
		return
	}
	src := reader.Source()
	s := scratchOf(pc, src)
	for row := table.FirstChild(); row != nil; row = row.NextSibling() {
		for cell := row.FirstChild(); cell != nil; cell = cell.NextSibling() {
			// A cell holding "\|" is left to goldmark: the extension
			// takes the backslash out of code spans too.
			if l := cell.Lines(); l.Len() == 1 && bytes.IndexByte(src[l.At(0).Start:l.At(0).Stop], '\\') < 0 {
				s.readSimple(cell)
			}
		}
	}
}
