package notes

import (
	"bytes"
	"reflect"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Raw HTML, read faster.
//
// goldmark recognises an inline tag ("<a name=x>", "</b>") by running a
// regular expression over its text reader, rune by rune, which took about
// a sixth of the time of parsing the default notes. The tag grammar has one
// possible end (the first ">" outside quoted attribute values), so when that
// end lies on the current line, matching the same grammar on the line's
// bytes (isTag, held to goldmark's expression by a test) gives the same
// answer much faster. Anything else (a tag running over
// several lines, a "<" or "`" before any ">", comments, declarations) goes
// to goldmark's own parser, so the tree is the same.

// The same goes for a line starting with a tag: goldmark tries seven
// expressions on it to see whether it opens an HTML block. When the tag is
// one of the usual inline ones ("<a name=x></a> text"), the line opens a
// block only if it holds that one tag alone (CommonMark's kind 7); a line
// with more after its first tag is answered at once, and so is a line
// opening a comment ("<!-- toc -->", kind 2). Any other line goes to
// goldmark's parser.

// inlineParsers are goldmark's default inline parsers with fastRawHTML in
// place of its inline HTML parser.
func inlineParsers() []util.PrioritizedValue {
	var ps []util.PrioritizedValue
	for _, p := range parser.DefaultInlineParsers() {
		if p.Value == parser.NewRawHTMLParser() {
			p = util.Prioritized(fastRawHTML{slow: parser.NewRawHTMLParser()}, p.Priority)
		}
		ps = append(ps, p)
	}
	return ps
}

// blockParsers are goldmark's default block parsers with fastHTMLBlock in
// front of its HTML block parser and navHeading in front of its ATX
// heading parser.
func blockParsers() []util.PrioritizedValue {
	atx := reflect.TypeOf(parser.NewATXHeadingParser())
	var ps []util.PrioritizedValue
	for _, p := range parser.DefaultBlockParsers() {
		switch {
		case p.Value == parser.NewHTMLBlockParser():
			p.Value = fastHTMLBlock{parser.NewHTMLBlockParser()}
		case reflect.TypeOf(p.Value) == atx:
			p.Value = navHeading{p.Value.(parser.BlockParser)}
		}
		ps = append(ps, p)
	}
	return ps
}

// fastHTMLBlock is goldmark's HTML block parser, answering first for lines
// that start with an inline tag and hold more than that tag.
type fastHTMLBlock struct{ parser.BlockParser }

func (b fastHTMLBlock) Open(parent ast.Node, reader text.Reader, pc parser.Context) (ast.Node, parser.State) {
	line, seg := reader.PeekLine()
	switch {
	case opensNoHTMLBlock(line):
		return nil, parser.NoChildren
	case opensComment(line):
		// CommonMark's kind 2, as goldmark opens it; its Continue
		// looks for the closing "-->".
		node := ast.NewHTMLBlock(ast.HTMLBlockType2)
		reader.AdvanceToEOL()
		node.Lines().Append(seg)
		return node, parser.NoChildren
	}
	return b.BlockParser.Open(parent, reader, pc)
}

// opensComment reports whether line opens an HTML comment block: "<!--"
// after at most three spaces.
func opensComment(line []byte) bool {
	for i := 0; i < 3 && len(line) > 0 && line[0] == ' '; i++ {
		line = line[1:]
	}
	return bytes.HasPrefix(line, []byte("<!--"))
}

// inlineTags are HTML tags that never open an HTML block of CommonMark's
// kinds 1 to 6; TestFastRawHTMLSameTree holds goldmark to that.
var inlineTags = map[string]bool{
	"a": true, "abbr": true, "b": true, "br": true, "cite": true, "code": true,
	"del": true, "em": true, "font": true, "i": true, "img": true, "ins": true,
	"kbd": true, "mark": true, "q": true, "s": true, "small": true, "span": true,
	"strike": true, "strong": true, "sub": true, "sup": true, "tt": true, "u": true,
}

// opensNoHTMLBlock reports whether line surely opens no HTML block: after
// at most three spaces it starts with an inline tag ("<a", "</span"), and
// after that tag's end (its first ">" outside quotes) comes more than
// white space. false means "ask goldmark".
func opensNoHTMLBlock(line []byte) bool {
	i := 0
	for i < 3 && i < len(line) && line[i] == ' ' {
		i++
	}
	line = line[i:]
	i = 1
	if len(line) > 1 && line[1] == '/' {
		i = 2
	}
	var name [8]byte
	n := 0
	for ; i < len(line) && isAlnum(line[i]); i++ {
		if n == len(name) {
			return false
		}
		name[n] = line[i] | 0x20 // lower case
		n++
	}
	if len(line) == 0 || line[0] != '<' || n == 0 || !inlineTags[string(name[:n])] {
		return false
	}
	end := tagCandidateEnd(line)
	return end > 0 && len(bytes.Trim(line[end:], " \t\r\n")) > 0
}

type fastRawHTML struct{ slow parser.InlineParser }

func (fastRawHTML) Trigger() []byte { return []byte{'<'} }

func (f fastRawHTML) Parse(parent ast.Node, block text.Reader, pc parser.Context) ast.Node {
	line, seg := block.PeekLine()
	end := tagCandidateEnd(line)
	if end < 0 || !isTag(line[:end]) {
		return f.slow.Parse(parent, block, pc)
	}
	// The tag is line[:end], all on this line.
	node := ast.NewRawHTML()
	block.Advance(end)
	_, after := block.Position()
	node.Segments.Append(text.NewSegment(seg.Start, after.Start))
	return node
}

// isTag reports whether b is exactly one opening or closing tag as
// goldmark's expressions read it. b holds one ">", at its end, outside
// quotes (see tagCandidateEnd), so that is where a match would end. false
// also stands for "ask goldmark" (a carriage return).
func isTag(b []byte) bool {
	if len(b) < 3 || b[0] != '<' || bytes.IndexByte(b, '\r') >= 0 {
		return false
	}
	closing := b[1] == '/'
	i := 1
	if closing {
		i = 2
	}
	if i >= len(b) || !isAlpha(b[i]) {
		return false
	}
	for i < len(b) && (isAlnum(b[i]) || b[i] == '-') {
		i++
	}
	for !closing {
		j := skipTagSpace(b, i)
		if j == i || j == len(b) || !(isAlpha(b[j]) || b[j] == '_' || b[j] == ':') {
			break
		}
		i = attribute(b, j)
		if i < 0 {
			return false
		}
	}
	i = skipTagSpace(b, i)
	if !closing && i < len(b) && b[i] == '/' {
		i++
	}
	return i == len(b)-1 && b[i] == '>'
}

// attribute returns the end of the attribute (a name, maybe "=" and a
// value) starting at b[i], or -1 when "=" has no valid value.
func attribute(b []byte, i int) int {
	for i++; i < len(b) && (isAlnum(b[i]) || strings.IndexByte(":._-", b[i]) >= 0); i++ {
	}
	j := skipTagSpace(b, i)
	if j == len(b) || b[j] != '=' {
		return i // no value: the space belongs to what follows
	}
	j = skipTagSpace(b, j+1)
	if j == len(b) {
		return -1
	}
	if q := b[j]; q == '"' || q == '\'' {
		k := bytes.IndexByte(b[j+1:], q)
		if k < 0 {
			return -1
		}
		return j + 1 + k + 1
	}
	k := j
	for k < len(b) && b[k] > ' ' && strings.IndexByte("\"'=<>`", b[k]) < 0 {
		k++
	}
	if k == j {
		return -1
	}
	return k
}

func skipTagSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n') {
		i++
	}
	return i
}

// tagCandidateEnd is the length of line up to and including its first ">"
// outside quotes, or -1 when a "<" or "`" comes first, a quote is not closed
// on the line, or the text holds U+FFFD (goldmark's reader stops there).
func tagCandidateEnd(line []byte) int {
	for i := 1; i < len(line); i++ {
		switch c := line[i]; c {
		case '>':
			if bytes.Contains(line[:i], []byte("\uFFFD")) {
				return -1
			}
			return i + 1
		case '<', '`':
			return -1
		case '"', '\'':
			j := bytes.IndexByte(line[i+1:], c)
			if j < 0 {
				return -1
			}
			i += 1 + j
		}
	}
	return -1
}
