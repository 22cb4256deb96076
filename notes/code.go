package notes

import (
	"bytes"
	"strings"

	"github.com/yuin/goldmark/ast"
)

// code keeps a code block verbatim in the section. An indented code block
// made only of bullets is a list indented by mistake (a tab before every
// bullet right below a heading): its bullets are facts.
func (w *walker) code(n ast.Node, lang string) {
	w.pending = ""
	if w.inTOC {
		return
	}
	lines := n.Lines()
	size := 0
	for i := 0; i < lines.Len(); i++ {
		seg := lines.At(i)
		size += seg.Len() + 1 // + a newline Value may add
	}
	b := make([]byte, 0, size)
	for i := 0; i < lines.Len(); i++ {
		seg := lines.At(i)
		b = append(b, seg.Value(w.src)...)
	}
	if _, indented := n.(*ast.CodeBlock); indented && onlyBullets(b) {
		w.subDocument(b, w.line(n.Pos()))
		return
	}
	w.sec.Code = append(w.sec.Code, Code{
		Lang: lang,
		Text: strings.TrimSuffix(string(b), "\n"),
		Line: w.line(n.Pos()),
	})
}

// onlyBullets reports whether every non-blank line of b starts with a
// bullet marker ("* ", "- ", "+ ").
func onlyBullets(b []byte) bool {
	any := false
	for l := range bytes.Lines(b) {
		t := bytes.TrimLeft(l, " \t")
		if len(bytes.TrimSpace(t)) == 0 {
			continue
		}
		if len(t) < 2 || (t[0] != '*' && t[0] != '-' && t[0] != '+') || (t[1] != ' ' && t[1] != '\t') {
			return false
		}
		any = true
	}
	return any
}

// subDocument parses src, whose first line is line firstLine of the notes,
// and walks it as part of the current section.
func (w *walker) subDocument(src []byte, firstLine int) {
	outer := piece{src: w.src, lines: w.lines, lineBase: w.lineBase}
	w.sub++
	w.walkPiece(parsed(src, firstLine-1))
	w.sub--
	w.use(&outer)
}

// codeLang is the first word of a fence's info string, lower case.
func codeLang(info *ast.Text, src []byte) string {
	if info == nil {
		return ""
	}
	fs := strings.Fields(string(info.Segment.Value(src)))
	if len(fs) == 0 {
		return ""
	}
	return strings.ToLower(strings.Trim(fs[0], "{}."))
}
