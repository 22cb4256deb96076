package notes

import (
	"strings"

	"github.com/yuin/goldmark/ast"
)

// htmlBlock handles a block of raw HTML: table-of-contents markers switch
// the TOC state, comments are dropped, a block of anchors only is the
// anchor of the heading below, and other HTML is text with its tags
// removed.
func (w *walker) htmlBlock(n *ast.HTMLBlock) {
	var b []byte
	lines := n.Lines()
	for i := 0; i < lines.Len(); i++ {
		seg := lines.At(i)
		b = append(b, seg.Value(w.src)...)
	}
	if n.HasClosure() {
		b = append(b, n.ClosureLine.Value(w.src)...)
	}
	raw := strings.TrimSpace(string(b))
	switch {
	case isTOCStart(raw):
		w.inTOC, w.pending = true, ""
		return
	case isTOCEnd(raw):
		w.inTOC = false
		return
	case w.inTOC || n.HTMLBlockType == ast.HTMLBlockType2:
		w.pending = ""
		return
	}
	text, anchor := htmlText(raw)
	if text == "" && anchor != "" {
		w.pending = anchor
		return
	}
	w.pending = ""
	if hasWord(text) {
		w.addFact(Fact{Kind: FactParagraph, Text: text, Context: w.context(), Line: w.line(n.Pos())})
	}
}

// htmlText is the text of a block of HTML, with the first anchor name in it.
func htmlText(raw string) (text, anchor string) {
	var b []byte
	for raw != "" {
		i := strings.IndexByte(raw, '<')
		if i < 0 {
			b = appendLiteral(b, []byte(raw))
			break
		}
		b = appendLiteral(b, []byte(raw[:i]))
		raw = raw[i:]
		end := tagEnd(raw)
		if end < 0 {
			b = append(b, '<')
			raw = raw[1:]
			continue
		}
		tag := raw[:end]
		raw = raw[end:]
		repl, known := tagText(tag)
		if !known {
			b = append(b, tag...)
			continue
		}
		if anchor == "" {
			anchor = anchorName(tag)
		}
		b = append(b, repl...)
	}
	return finish(b), anchor
}

// tagEnd is the length of the tag or comment at the start of s, or -1.
func tagEnd(s string) int {
	if strings.HasPrefix(s, "<!--") {
		if j := strings.Index(s[4:], "-->"); j >= 0 {
			return 4 + j + 3
		}
		return -1
	}
	quote := byte(0)
	for i := 1; i < len(s); i++ {
		switch c := s[i]; {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '>':
			return i + 1
		case c == '<':
			return -1
		}
	}
	return -1
}
