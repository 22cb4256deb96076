package notes

import (
	"bytes"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
)

// walker turns goldmark's block tree into sections and facts. It visits
// blocks in document order; a heading starts a section wherever it sits
// (also inside a list item or a block quote).
type walker struct {
	src      []byte // the part of the notes being walked (see walkPiece)
	lines    []int  // byte offset of the start of each line of src
	lineBase int    // lines of the notes before src
	sub      int    // depth of blocks parsed apart (see subDocument)
	doc      *Document
	sec      *Section // section being filled; the preamble before any heading
	facts    []Fact   // facts of the notes so far (see endSection)
	secFacts int      // index in facts of the current section's first
	in       inliner

	anchors []string // per section: its explicit anchor or ""
	parents []int    // per section: index of the parent or -1
	stack   []int    // indices of open sections, by level

	pending string // anchor waiting for its heading
	inTOC   bool   // inside a table of contents: navigation, not content
	alert   bool   // the next paragraph opens a block quote

	// ctx holds the lead-in paragraphs and bullet texts of the open lists,
	// outermost first; entries below ctxBase precede the current section's
	// heading and are not its facts' context.
	ctx     []string
	ctxBase int
	// ctxCache is the context slice handed out last; siblings share it.
	ctxCache []string
	ctxOK    bool

	row []string // cells of the table row being read, reused

	lastPara     ast.Node // the last paragraph made into a fact, and its text
	lastParaText string
}

// maxContext is the most parent bullets kept as a fact's context.
const maxContext = 8

// maxLeadIn is the longest paragraph (in runes) taken as the context of the
// list right below it, unless it ends with a colon.
const maxLeadIn = 60

// run builds w.doc from the notes src, which walk parses and walks.
func (w *walker) run(src []byte, walk func()) {
	w.sec = &Section{Doc: w.doc.Name}
	pre := w.sec
	w.doc.Sections = make([]Section, 0, bytes.Count(src, []byte("\n#"))+1)
	// Notes hold about one fact per two lines (1,138 in the default
	// notes' 2,557 lines); more only cost a larger array.
	w.facts = make([]Fact, 0, bytes.Count(src, []byte{'\n'})/2+1)
	walk()
	w.endSection()
	if len(w.doc.Sections) == 0 {
		// No headings: one section named after the file.
		pre.ID = slug(w.doc.Name)
		pre.Title = w.doc.Name
		pre.Level = 1
		pre.Path = []string{w.doc.Name}
		pre.Line = 1
		w.doc.Sections = append(w.doc.Sections, *pre)
		w.anchors = append(w.anchors, "")
		w.parents = append(w.parents, -1)
	} else if len(pre.Facts) > 0 || len(pre.Code) > 0 {
		pre.ID = slug(w.doc.Name)
		pre.Title = w.doc.Name
		pre.Path = []string{w.doc.Name}
		pre.Line = 1
		w.doc.Preamble = pre
	}
	w.assignIDs()
}

// line is the 1-based line holding byte offset off.
func (w *walker) line(off int) int {
	if off < 0 {
		return 0
	}
	return w.lineBase + sort.Search(len(w.lines), func(i int) bool { return w.lines[i] > off })
}

func (w *walker) blocks(n ast.Node) {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		w.block(c)
	}
}

func (w *walker) block(n ast.Node) {
	switch n := n.(type) {
	case *ast.Heading:
		w.heading(n)
	case *ast.Paragraph, *ast.TextBlock, *simpleParagraph:
		w.paragraph(n, FactParagraph)
	case *ast.List:
		w.list(n)
	case *ast.ListItem:
		w.listItem(n)
	case *ast.Blockquote:
		switch n.FirstChild().(type) {
		case *ast.Paragraph, *simpleParagraph: // a paragraph to goldmark
			w.alert = true
		}
		w.blocks(n)
		w.alert = false
	case *east.Table:
		w.table(n)
	case *ast.FencedCodeBlock:
		w.code(n, codeLang(n.Info, w.src))
	case *ast.CodeBlock:
		w.code(n, "")
	case *ast.HTMLBlock:
		w.htmlBlock(n)
	case *ast.LinkReferenceDefinition:
		switch label := strings.ToLower(string(n.Label)); {
		case strings.Contains(label, "toc_start"):
			w.inTOC, w.pending = true, ""
		case strings.Contains(label, "toc_end"):
			w.inTOC = false
		}
	case *ast.ThematicBreak:
		w.pending = ""
	default:
		w.blocks(n)
	}
}

// heading starts a section, unless it is a navigation target only: a
// heading holding nothing but an anchor, such as "<a name="top"></a>"
// underlined with "---".
func (w *walker) heading(h *ast.Heading) {
	raw, _ := w.in.text(h, 0)
	anchor := w.in.anchor
	if raw == "" && anchor != "" {
		w.pending = ""
		return
	}
	if w.sub > 0 {
		// CommonMark reads the block as code: a "#" line in it is no
		// heading, only text.
		w.pending = ""
		if hasWord(raw) {
			w.addFact(Fact{Kind: FactParagraph, Text: raw, Context: w.context(), Code: w.in.codes, Line: w.line(h.Pos())})
		}
		return
	}
	w.inTOC = false // a heading ends a table of contents left open
	w.endSection()
	if w.pending != "" {
		anchor = w.pending
	}
	w.pending = ""
	title := strings.TrimSpace(strings.TrimRight(raw, ": "))
	level := h.Level
	for len(w.stack) > 0 && w.doc.Sections[w.stack[len(w.stack)-1]].Level >= level {
		w.stack = w.stack[:len(w.stack)-1]
	}
	parent := -1
	var path []string
	if len(w.stack) > 0 {
		parent = w.stack[len(w.stack)-1]
		pp := w.doc.Sections[parent].Path
		path = make([]string, len(pp), len(pp)+1)
		copy(path, pp)
	}
	path = append(path, title)
	w.doc.Sections = append(w.doc.Sections, Section{
		Doc:   w.doc.Name,
		Title: title,
		Level: level,
		Path:  path,
		Line:  w.line(h.Pos()),
	})
	w.anchors = append(w.anchors, anchor)
	w.parents = append(w.parents, parent)
	idx := len(w.doc.Sections) - 1
	w.stack = append(w.stack, idx)
	w.sec = &w.doc.Sections[idx]
	// The open lists and their lead-in belong to the section before.
	w.ctxBase, w.ctxOK = len(w.ctx), false
}

// paragraph makes a paragraph a fact. A paragraph holding only anchors is
// the anchor of the heading below it; inside a table of contents only an
// end marker counts.
func (w *walker) paragraph(n ast.Node, kind FactKind) (text string, codes []string) {
	from := 0
	if w.inTOC {
		end := w.tocEnd(n)
		if end < 0 {
			return "", nil
		}
		w.inTOC = false
		from = end
	}
	text, codes = w.in.text(n, from)
	if text == "" && w.in.anchor != "" && from == 0 {
		w.pending = w.in.anchor
		return "", nil
	}
	w.pending = ""
	if w.alert {
		text = alertLabel(text)
		w.alert = false
	}
	if kind == FactParagraph && hasWord(text) {
		w.addFact(Fact{Kind: FactParagraph, Text: text, Context: w.context(), Code: codes, Line: w.line(n.Pos())})
		w.lastPara, w.lastParaText = n, text
	}
	return text, codes
}

// tocEnd looks for an end-of-TOC marker line ("[toc_end]::", which a
// paragraph swallows when it follows a list item) in a paragraph. It
// returns the offset where the content after the marker starts, or -1.
func (w *walker) tocEnd(n ast.Node) int {
	lines := n.Lines()
	for i := 0; i < lines.Len(); i++ {
		seg := lines.At(i)
		l := bytes.TrimSpace(seg.Value(w.src))
		if isTOCEnd(string(l)) {
			return seg.Stop
		}
	}
	return -1
}

func isTOCStart(t string) bool {
	return strings.HasPrefix(t, "[toc_start]:") ||
		(strings.HasPrefix(t, "<!--") && (strings.Contains(t, "toc_start") || strings.TrimSpace(strings.TrimSuffix(t[4:], "-->")) == "toc"))
}

func isTOCEnd(t string) bool {
	return strings.HasPrefix(t, "[toc_end]:") ||
		(strings.HasPrefix(t, "<!--") && (strings.Contains(t, "toc_end") || strings.Contains(t, "tocstop")))
}

// alertLabel turns a GitHub alert marker opening a block quote ("[!NOTE]")
// into a plain label ("Note:").
func alertLabel(t string) string {
	for _, a := range []string{"NOTE", "TIP", "IMPORTANT", "WARNING", "CAUTION"} {
		if rest, ok := strings.CutPrefix(t, "[!"+a+"]"); ok {
			return a[:1] + strings.ToLower(a[1:]) + ":" + rest
		}
	}
	return t
}

// list walks a list; a short paragraph right above it (or one ending with
// a colon) is the context of its bullets.
func (w *walker) list(l *ast.List) {
	mark := len(w.ctx)
	if !w.inTOC && l.PreviousSibling() != nil && l.PreviousSibling() == w.lastPara && !l.HasBlankPreviousLines() {
		lead := w.lastParaText
		if strings.HasSuffix(lead, ":") || utf8.RuneCountInString(lead) <= maxLeadIn {
			w.push(strings.TrimSpace(strings.TrimRight(lead, ":")))
		}
	}
	w.blocks(l)
	w.pop(mark)
}

// listItem makes a bullet a fact: the text of its leading paragraphs, with
// the bullets above it as context. Its other blocks (nested lists, tables,
// code) follow with the bullet added to their context.
func (w *walker) listItem(li *ast.ListItem) {
	if w.inTOC {
		w.blocks(li)
		return
	}
	var parts []string
	var codes []string
	c := li.FirstChild()
	for ; c != nil; c = c.NextSibling() {
		if !isParagraph(c) || w.inTOC {
			break
		}
		t, cs := w.paragraph(c, FactBullet)
		if t != "" {
			parts = append(parts, t)
		}
		codes = append(codes, cs...)
	}
	text := cutTaskBox(strings.Join(parts, " "))
	if hasWord(text) {
		w.addFact(Fact{Kind: FactBullet, Text: text, Context: w.context(), Code: codes, Line: w.line(li.Pos())})
	}
	mark := len(w.ctx)
	w.push(strings.TrimSpace(strings.TrimSuffix(text, ":")))
	for ; c != nil; c = c.NextSibling() {
		w.block(c)
	}
	w.pop(mark)
}

func isParagraph(n ast.Node) bool {
	switch n.(type) {
	case *ast.Paragraph, *ast.TextBlock, *simpleParagraph:
		return true
	}
	return false
}

// cutTaskBox drops a task list box ("[ ] ", "[x] ").
func cutTaskBox(s string) string {
	for _, b := range []string{"[ ] ", "[x] ", "[X] "} {
		if strings.HasPrefix(s, b) {
			return s[len(b):]
		}
	}
	return s
}

func (w *walker) push(s string) {
	w.ctx = append(w.ctx, s)
	w.ctxOK = false
}

func (w *walker) pop(mark int) {
	if len(w.ctx) > mark {
		w.ctx = w.ctx[:mark]
		w.ctxOK = false
	}
	w.ctxBase = min(w.ctxBase, mark)
}

// context is the context of a fact here: the non-empty entries of the
// current section's open lists, the nearest maxContext of them. Siblings
// share one full slice (len == cap), so an append by a reader copies.
func (w *walker) context() []string {
	if w.ctxOK {
		return w.ctxCache
	}
	open := w.ctx[w.ctxBase:]
	open = open[max(0, len(open)-maxContext):]
	n := 0
	for _, e := range open {
		if e != "" {
			n++
		}
	}
	var c []string
	if n > 0 {
		c = make([]string, 0, n)
		for _, e := range open {
			if e != "" {
				c = append(c, e)
			}
		}
	}
	w.ctxCache, w.ctxOK = c, true
	return w.ctxCache
}

// addFact adds a fact of the current section. The facts of all sections
// share one array, sized up front; a section's facts are contiguous in it.
func (w *walker) addFact(f Fact) {
	w.facts = append(w.facts, f)
}

// endSection gives the current section its facts, capped so that an
// append to them copies rather than writing over the next section's, and
// its text. (Done here, the text is built while later pieces are parsed.)
func (w *walker) endSection() {
	if n := len(w.facts); n > w.secFacts {
		w.sec.Facts = w.facts[w.secFacts:n:n]
		w.sec.Text = sectionText(w.sec.Facts)
		w.secFacts = n
	}
}

func sectionText(facts []Fact) string {
	n := 0
	for _, f := range facts {
		n += len(f.Text) + 1
	}
	var b strings.Builder
	b.Grow(n)
	for i, f := range facts {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(f.Text)
	}
	return b.String()
}
