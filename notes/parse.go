package notes

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"strings"

	"unicode/utf8"
)

//go:embed devops-engineer-professional.md
var defaultNotes []byte

// DefaultName is the document name of the embedded default notes.
const DefaultName = "devops-engineer-professional"

// Sentinel errors. Parse wraps them with the document name.
var (
	// ErrEmpty is returned for a file with no content (zero bytes or only
	// white space).
	ErrEmpty = errors.New("empty file")
	// ErrBinary is returned for data that is not text (it holds NUL bytes).
	ErrBinary = errors.New("binary file (NUL bytes), not Markdown text")
)

// Default parses the embedded default notes.
func Default() (*Document, error) { return Parse(DefaultName, defaultNotes) }

// DefaultMarkdown returns a copy of the embedded default notes.
func DefaultMarkdown() []byte { return bytes.Clone(defaultNotes) }

// Parse parses Markdown notes. name becomes Document.Name and Section.Doc.
// Errors name the document.
//
// Input rules: data holding a NUL byte is rejected with ErrBinary; empty or
// white-space-only data with ErrEmpty. Invalid UTF-8 is not an error: each
// invalid byte sequence is replaced with U+FFFD. A byte order mark is
// dropped and CRLF/CR line ends become LF. A file without headings gives
// one section titled with the document name. Text before the first heading
// (other than a table of contents) goes into Document.Preamble.
func Parse(name string, data []byte) (*Document, error) {
	if bytes.IndexByte(data, 0) >= 0 {
		return nil, fmt.Errorf("parse notes %s: %w", name, ErrBinary)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, fmt.Errorf("parse notes %s: %w", name, ErrEmpty)
	}
	src := normalize(data)
	p := &parser{doc: &Document{Name: name}}
	p.run(src)
	return p.doc, nil
}

// normalize returns data as valid UTF-8 text with LF line ends and no BOM.
func normalize(data []byte) string {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		data = bytes.ToValidUTF8(data, []byte("\uFFFD"))
	}
	s := string(data)
	if strings.IndexByte(s, '\r') >= 0 {
		s = strings.ReplaceAll(s, "\r\n", "\n")
		s = strings.ReplaceAll(s, "\r", "\n")
	}
	return s
}

// listEntry is one open bullet on the list stack.
type listEntry struct {
	indent int    // column of the marker
	text   string // plain text, set when the bullet is finished
}

// item is the bullet being read (its text may continue on later lines).
type item struct {
	indent  int // column of the marker
	content int // column where the text starts
	line    int
	raw     []string
	context []string
}

type fence struct {
	ch     byte
	n      int
	indent string // leading white space of the opening line
	lang   string
	line   int
	lines  []string
	skip   bool // inside a TOC or comment: navigation, not content
}

type tableState struct {
	header  []string
	ncol    int
	index   int // into Section.Tables
	context []string
}

type parser struct {
	doc *Document
	sec *Section // section being filled; the preamble before any heading

	pending    string   // anchor waiting for its heading
	anchors    []string // per section: its explicit anchor or ""
	parents    []int    // per section: index of the parent or -1
	stack      []int    // indices of open sections, by level
	fence      *fence
	inTOC      bool
	inComment  bool
	afterBlank bool

	para     []string
	paraLine int
	item     *item
	list     []listEntry
	leadIn   string
	table    *tableState

	lines []string
	i     int // index of the current line

	in      inliner // reused for every inline conversion
	facts   []Fact  // facts of the current section (see endSection)
	itemBuf item    // storage for item
	ctx     []string
	ctxN    int  // ctx is the context of the first ctxN list entries
	ctxOK   bool // ctx may be reused
}

func (p *parser) run(src string) {
	p.sec = &Section{Doc: p.doc.Name}
	pre := p.sec
	p.doc.Sections = make([]Section, 0, strings.Count(src, "\n#")+1)
	p.lines = strings.Split(src, "\n")
	if n := len(p.lines); n > 1 && p.lines[n-1] == "" {
		p.lines = p.lines[:n-1] // the final line end
	}
	for p.i = 0; p.i < len(p.lines); p.i++ {
		p.line(p.lines[p.i], p.i+1)
	}
	p.flushAll()
	if p.fence != nil {
		p.closeFence()
	}
	p.endSection()
	if len(p.doc.Sections) == 0 {
		// No headings: one section named after the file.
		pre.ID = slug(p.doc.Name)
		pre.Title = p.doc.Name
		pre.Level = 1
		pre.Path = []string{p.doc.Name}
		pre.Line = 1
		p.doc.Sections = append(p.doc.Sections, *pre)
		p.anchors = append(p.anchors, "")
		p.parents = append(p.parents, -1)
	} else if len(pre.Facts) > 0 || len(pre.Code) > 0 {
		pre.ID = slug(p.doc.Name)
		pre.Title = p.doc.Name
		pre.Path = []string{p.doc.Name}
		pre.Line = 1
		pre.Text = sectionText(pre.Facts)
		p.doc.Preamble = pre
	}
	p.assignIDs()
	for i := range p.doc.Sections {
		p.doc.Sections[i].Text = sectionText(p.doc.Sections[i].Facts)
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

func (p *parser) line(l string, ln int) {
	// Code fences are tracked everywhere, so "#" lines inside them are never
	// headings, even inside a TOC or comment.
	if p.fence != nil {
		if isFenceClose(l, p.fence) {
			p.closeFence()
		} else {
			p.fence.lines = append(p.fence.lines, l)
		}
		return
	}
	if lvl, text, ok := atxHeading(l); ok {
		p.flushAll()
		p.resetList() // a list and its lead-in end at the next heading
		p.inTOC, p.inComment = false, false
		p.heading(lvl, text, ln)
		return
	}
	if f := fenceOpen(l); f != nil {
		f.line = ln
		f.skip = p.inTOC || p.inComment
		if !f.skip {
			p.flushPara()
			p.flushItem()
			p.flushTable()
			if p.item == nil && len(p.list) > 0 && indentWidth(l) <= p.list[0].indent && !p.afterBlank {
				// A fence at the list's own column ends the list.
				p.resetList()
			}
		}
		p.pending = ""
		p.fence = f
		return
	}
	t := strings.TrimSpace(l)
	if p.inTOC {
		if isTOCEnd(t) {
			p.inTOC = false
		}
		return
	}
	if p.inComment {
		if strings.Contains(l, "-->") {
			p.inComment = false
		}
		return
	}
	if isTOCStart(t) {
		p.flushAll()
		p.resetList()
		p.inTOC = true
		p.pending = ""
		return
	}
	if t == "" {
		p.flushPara()
		p.flushTable()
		p.afterBlank = true
		return
	}
	if isTOCEnd(t) { // stray end marker
		return
	}
	if a, ok := anchorLine(t); ok {
		p.flushPara()
		p.flushTable()
		p.pending = a
		return
	}
	p.pending = ""
	if strings.HasPrefix(t, "<!--") {
		if !strings.Contains(t[4:], "-->") {
			p.inComment = true
		}
		return
	}
	if isBreak(t) {
		p.flushAll()
		p.resetList()
		p.afterBlank = false
		return
	}
	if isLinkRefDef(t) {
		return
	}
	// Block quotes: read their content as ordinary lines.
	if strings.HasPrefix(t, ">") {
		for strings.HasPrefix(t, ">") {
			t = strings.TrimSpace(t[1:])
		}
		if t == "" {
			p.flushPara()
			return
		}
		t = alertLabel(t)
		l = t
	}
	p.content(l, t, ln)
	p.afterBlank = false
}

func (p *parser) content(l, t string, ln int) {
	indent := indentWidth(l)
	// Table rows.
	if p.table != nil {
		if strings.Contains(t, "|") {
			p.row(t, ln)
			return
		}
		p.flushTable()
	}
	// Table start: a header row followed by a delimiter row.
	if strings.Contains(t, "|") && p.i+1 < len(p.lines) {
		if next := strings.TrimSpace(p.lines[p.i+1]); isDelimRow(next) {
			hdr := splitRow(t)
			if len(hdr) == len(splitRow(next)) {
				p.startTable(hdr, indent, ln)
				p.i++
				return
			}
		}
	}
	if ind, content, text, ok := listItem(l); ok {
		p.startItem(ind, content, text, ln)
		return
	}
	if p.item != nil && (!p.afterBlank || indent >= p.item.content) {
		p.item.raw = append(p.item.raw, t)
		return
	}
	if p.afterBlank && len(p.list) > 0 && indent <= p.list[0].indent {
		p.flushItem()
		p.resetList()
	}
	p.flushItem()
	if len(p.para) == 0 {
		p.paraLine = ln
	}
	p.para = append(p.para, t)
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
