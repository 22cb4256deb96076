package notes

import (
	"bytes"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// Plain paragraphs.
//
// About half the paragraphs and bullets of notes are plain words: no
// emphasis, code, link, tag, escape or entity. goldmark would still parse
// their inline content into a node per line, only for the walker to join
// the lines again. plainParagraphs marks such paragraphs raw, so goldmark
// leaves them alone, and the inliner takes their lines as they are
// (white space collapses either way).

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

// hasInlineMark reports whether b holds one of inlineMarks. (bytes.ContainsAny
// builds its set of bytes anew on every call, for every line of the notes.)
func hasInlineMark(b []byte) bool {
	for _, c := range b {
		if isInlineMark[c] {
			return true
		}
	}
	return false
}

// plainParagraph is a paragraph whose lines hold none of inlineMarks.
type plainParagraph struct{ ast.BaseBlock }

var kindPlainParagraph = ast.NewNodeKind("PlainParagraph")

func (n *plainParagraph) Kind() ast.NodeKind { return kindPlainParagraph }

// IsRaw tells goldmark not to parse the inline content.
func (n *plainParagraph) IsRaw() bool { return true }

func (n *plainParagraph) Dump(src []byte, level int) { ast.DumpHelper(n, src, level, nil, nil) }

// plainParagraphs replaces a closed paragraph holding none of inlineMarks
// with a plainParagraph. It leaves alone a paragraph closed by a setext
// underline ("===", "---"): goldmark is making it a heading.
type plainParagraphs struct{}

func (plainParagraphs) Transform(p *ast.Paragraph, reader text.Reader, pc parser.Context) {
	src := reader.Source()
	lines := p.Lines()
	for i := 0; i < lines.Len(); i++ {
		seg := lines.At(i)
		if hasInlineMark(src[seg.Start:seg.Stop]) {
			return
		}
	}
	if line, _ := reader.PeekLine(); isSetextBar(line) {
		return
	}
	plain := &plainParagraph{}
	plain.SetLines(lines)
	plain.SetBlankPreviousLines(p.HasBlankPreviousLines())
	plain.SetPos(p.Pos())
	p.Parent().ReplaceChild(p.Parent(), p, plain)
}

// isSetextBar reports whether line is a run of "=" or of "-" with nothing
// but white space around it.
func isSetextBar(line []byte) bool {
	t := bytes.Trim(line, " \t\n")
	return len(t) > 0 && (t[0] == '=' || t[0] == '-') && len(bytes.Trim(t, string(t[:1]))) == 0
}

// linkRefs is goldmark's link reference definition transformer, called
// only for a paragraph whose text starts with "[": any other paragraph
// holds no definition, and goldmark would look at it with a reader made
// for the purpose.
type linkRefs struct{}

func (linkRefs) Transform(p *ast.Paragraph, reader text.Reader, pc parser.Context) {
	first := p.Lines().At(0)
	if t := bytes.TrimLeft(reader.Source()[first.Start:first.Stop], " \t"); len(t) > 0 && t[0] == '[' {
		parser.LinkReferenceParagraphTransformer.Transform(p, reader, pc)
	}
}
