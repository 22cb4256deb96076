package notes

import (
	"bytes"
	"regexp"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Inline HTML, read faster.
//
// goldmark recognises an inline tag ("<a name=x>", "</b>") by running a
// regular expression over its text reader, rune by rune, which took about
// a sixth of the time of parsing the default notes. The tag grammar has one
// possible end (the first ">" outside quoted attribute values), so when that
// end lies on the current line, matching the same expression on the line's
// bytes gives the same answer much faster. Anything else (a tag running over
// several lines, a "<" or "`" before any ">", comments, declarations) goes
// to goldmark's own parser, so the tree is the same.

// Our copies of goldmark's tag expressions (parser/raw_html.go).
var (
	tagAttribute = `(?:[\r\n \t]+[a-zA-Z_:][a-zA-Z0-9:._-]*(?:[\r\n \t]*=[\r\n \t]*(?:[^\"'=<>` + "`" + `\x00-\x20]+|'[^']*'|"[^"]*"))?)`
	tagSpace     = `(?:[ \t]|(?:\r\n|\n){0,1})`
	openTagRe    = regexp.MustCompile(`^<([A-Za-z][A-Za-z0-9-]*)` + tagAttribute + `*` + tagSpace + `*/?>`)
	closeTagRe   = regexp.MustCompile(`^</([A-Za-z][A-Za-z0-9-]*)` + tagSpace + `*>`)
)

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

type fastRawHTML struct{ slow parser.InlineParser }

func (fastRawHTML) Trigger() []byte { return []byte{'<'} }

func (f fastRawHTML) Parse(parent ast.Node, block text.Reader, pc parser.Context) ast.Node {
	line, seg := block.PeekLine()
	var re *regexp.Regexp
	switch {
	case len(line) > 1 && util.IsAlphaNumeric(line[1]):
		re = openTagRe
	case len(line) > 2 && line[1] == '/' && util.IsAlphaNumeric(line[2]):
		re = closeTagRe
	default:
		return f.slow.Parse(parent, block, pc)
	}
	end := tagCandidateEnd(line)
	if end < 0 {
		return f.slow.Parse(parent, block, pc)
	}
	m := re.FindIndex(line[:end])
	if m == nil {
		return f.slow.Parse(parent, block, pc)
	}
	// The tag is line[:m[1]], all on this line.
	node := ast.NewRawHTML()
	block.Advance(m[1])
	_, after := block.Position()
	node.Segments.Append(text.NewSegment(seg.Start, after.Start))
	return node
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
