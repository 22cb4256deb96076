package notes

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Block structure: headings, lists, tables, fences, paragraphs.

func (p *parser) heading(level int, raw string, ln int) {
	p.endSection()
	anchor := p.pending
	p.pending = ""
	if anchor == "" {
		anchor = anchorIn(raw)
	}
	title := p.cleanTitle(raw)
	for len(p.stack) > 0 && p.doc.Sections[p.stack[len(p.stack)-1]].Level >= level {
		p.stack = p.stack[:len(p.stack)-1]
	}
	parent := -1
	var path []string
	if len(p.stack) > 0 {
		parent = p.stack[len(p.stack)-1]
		pp := p.doc.Sections[parent].Path
		path = make([]string, len(pp), len(pp)+1)
		copy(path, pp)
	}
	path = append(path, title)
	p.doc.Sections = append(p.doc.Sections, Section{
		Doc:   p.doc.Name,
		Title: title,
		Level: level,
		Path:  path,
		Line:  ln,
	})
	p.anchors = append(p.anchors, anchor)
	p.parents = append(p.parents, parent)
	idx := len(p.doc.Sections) - 1
	p.stack = append(p.stack, idx)
	p.sec = &p.doc.Sections[idx]
	p.afterBlank = false
}

// cleanTitle is the plain text of a heading: no navigation arrows, markup or
// HTML, and no trailing colon.
func (p *parser) cleanTitle(raw string) string {
	t, _ := p.in.plain(raw)
	return strings.TrimSpace(strings.TrimRight(t, ": "))
}

// assignIDs gives every section its ID: its own anchor when it has one,
// else "<nearest anchored ancestor>/<slug>" or "<slug>", made unique with
// "-1", "-2", ... Explicit anchors are reserved first so a generated ID
// never takes one.
func (p *parser) assignIDs() {
	secs := p.doc.Sections
	used := make(map[string]bool, len(secs))
	for i, a := range p.anchors {
		if a != "" && !used[a] {
			used[a] = true
			secs[i].ID = a
			secs[i].Anchor = true
		}
	}
	next := map[string]int{}
	for i := range secs {
		s := &secs[i]
		if s.Anchor {
			continue
		}
		base := p.anchors[i] // a repeated anchor keeps its name, made unique
		if base == "" {
			base = slug(s.Title)
			for a := p.parents[i]; a >= 0; a = p.parents[a] {
				if secs[a].Anchor {
					base = secs[a].ID + "/" + base
					break
				}
			}
		}
		id := base
		if used[id] {
			n := next[base]
			for {
				n++
				id = base + "-" + strconv.Itoa(n)
				if !used[id] {
					break
				}
			}
			next[base] = n
		}
		used[id] = true
		s.ID = id
	}
	for i := range secs {
		if a := p.parents[i]; a >= 0 {
			secs[i].Parent = secs[a].ID
		}
	}
}

// slug is a GitHub-style heading slug: lower case, letters, digits, "-" and
// "_" kept, spaces become "-", everything else dropped.
func slug(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case unicode.IsLetter(r), unicode.IsDigit(r), unicode.Is(unicode.Mn, r), r == '_', r == '-':
			b.WriteRune(r)
		case r == ' ':
			b.WriteByte('-')
		}
	}
	if b.Len() == 0 {
		return "section"
	}
	return b.String()
}

func (p *parser) flushAll() {
	p.flushPara()
	p.flushItem()
	p.flushTable()
}

// addFact collects a fact of the current section in a reused buffer;
// endSection gives the section an exactly sized copy.
func (p *parser) addFact(f Fact) {
	p.facts = append(p.facts, f)
}

func (p *parser) endSection() {
	if len(p.facts) > 0 {
		p.sec.Facts = slices.Clone(p.facts)
		clear(p.facts)
		p.facts = p.facts[:0]
	}
}

// flushPara ends the paragraph being read and returns its text.
func (p *parser) flushPara() string {
	if len(p.para) == 0 {
		return ""
	}
	text, codes := p.in.plain(strings.Join(p.para, "\n"))
	p.para = p.para[:0]
	if !hasWord(text) { // "--", "...": not a fact
		return ""
	}
	p.addFact(Fact{Kind: FactParagraph, Text: text, Code: codes, Line: p.paraLine})
	return text
}

// maxContext is the most parent bullets kept as a fact's context.
const maxContext = 8

// maxLeadIn is the longest paragraph (in runes) taken as the context of the
// list right below it, unless it ends with a colon.
const maxLeadIn = 60

func (p *parser) startItem(indent, content int, text string, ln int) {
	if len(p.para) > 0 {
		lead := p.flushPara()
		p.flushItem()
		p.resetList()
		if lead != "" && (strings.HasSuffix(lead, ":") || utf8.RuneCountInString(lead) <= maxLeadIn) {
			p.leadIn = strings.TrimSpace(strings.TrimRight(lead, ":"))
			p.ctxOK = false
		}
	}
	p.flushItem()
	p.flushTable()
	for len(p.list) > 0 && p.list[len(p.list)-1].indent >= indent {
		p.list = p.list[:len(p.list)-1]
	}
	if len(p.list) < p.ctxN {
		p.ctxOK = false // an entry the cached context used is gone
	}
	p.list = append(p.list, listEntry{indent: indent})
	p.itemBuf = item{indent: indent, content: content, line: ln, raw: append(p.itemBuf.raw[:0], text), context: p.context(len(p.list) - 1)}
	p.item = &p.itemBuf
}

// context is the lead-in paragraph and the texts of the first n bullets on
// the list stack.
//
// Siblings share one slice: it is computed again only when the entries or
// the lead-in it was made from change.
func (p *parser) context(n int) []string {
	if p.ctxOK && p.ctxN == n {
		return p.ctx
	}
	c := p.buildContext(n)
	p.ctx, p.ctxN, p.ctxOK = c, n, true
	return c
}

func (p *parser) buildContext(n int) []string {
	var c []string
	if p.leadIn != "" {
		c = append(c, p.leadIn)
	}
	// Only the nearest maxContext parents: absurdly deep nesting must not
	// make every fact copy the whole stack.
	from := max(0, n-maxContext)
	for _, e := range p.list[from:n] {
		if e.text != "" {
			c = append(c, e.text)
		}
	}
	return slices.Clip(c)
}

func (p *parser) flushItem() {
	it := p.item
	if it == nil {
		return
	}
	p.item = nil
	text, codes := p.in.plain(strings.Join(it.raw, "\n"))
	text = cutTaskBox(text)
	if n := len(p.list); n > 0 {
		p.list[n-1].text = strings.TrimSpace(strings.TrimSuffix(text, ":"))
	}
	if hasWord(text) {
		p.addFact(Fact{Kind: FactBullet, Text: text, Context: it.context, Code: codes, Line: it.line})
	}
}

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

// cutTaskBox drops a task list box ("[ ] ", "[x] ").
func cutTaskBox(s string) string {
	for _, b := range []string{"[ ] ", "[x] ", "[X] "} {
		if strings.HasPrefix(s, b) {
			return s[len(b):]
		}
	}
	return s
}

func (p *parser) resetList() {
	p.flushItem()
	p.list = p.list[:0]
	p.leadIn = ""
	p.ctxOK = false
}

func (p *parser) startTable(hdr []string, indent, ln int) {
	p.flushPara()
	p.flushItem()
	p.flushTable()
	var ctx []string
	if indent == 0 || len(p.list) == 0 {
		p.resetList()
	} else {
		n := 0
		for n < len(p.list) && p.list[n].indent < indent {
			n++
		}
		ctx = p.context(n)
	}
	header := make([]string, len(hdr))
	for i, h := range hdr {
		header[i], _ = p.cellText(h)
	}
	p.sec.Tables = append(p.sec.Tables, Table{Header: header, Rows: [][]string{}})
	p.table = &tableState{header: header, ncol: len(header), index: len(p.sec.Tables) - 1, context: ctx}
	_ = ln
}

func (p *parser) flushTable() { p.table = nil }

// row adds a table row and its fact.
func (p *parser) row(t string, ln int) {
	ts := p.table
	raw := splitRow(t)
	cells := make([]string, ts.ncol)
	var codes []string
	for i := 0; i < ts.ncol && i < len(raw); i++ {
		var c []string
		cells[i], c = p.cellText(raw[i])
		codes = append(codes, c...)
	}
	tab := &p.sec.Tables[ts.index]
	tab.Rows = append(tab.Rows, cells)
	var pairs []Pair
	for i, c := range cells {
		if c != "" {
			pairs = append(pairs, Pair{Header: ts.header[i], Value: c})
		}
	}
	if len(pairs) == 0 {
		return
	}
	p.addFact(Fact{
		Kind:    FactRow,
		Text:    rowText(ts.header, cells),
		Context: ts.context,
		Pairs:   pairs,
		Table:   ts.index,
		Row:     len(tab.Rows) - 1,
		Code:    codes,
		Line:    ln,
	})
}

// rowText renders a table row as one line:
//
//   - two columns (a key/value table): "Key: Value";
//   - wider tables: "Key — Header2: v2; Header3: v3" where Key is the first
//     cell; a value whose header is empty stands alone;
//   - empty cells are left out, and so is " — " when the first cell is empty.
func rowText(header, cells []string) string {
	if len(cells) == 2 {
		switch {
		case cells[0] != "" && cells[1] != "":
			return cells[0] + ": " + cells[1]
		case cells[0] != "":
			return cells[0]
		default:
			if header[1] != "" {
				return header[1] + ": " + cells[1]
			}
			return cells[1]
		}
	}
	var rest []string
	for i := 1; i < len(cells); i++ {
		if cells[i] == "" {
			continue
		}
		if header[i] != "" {
			rest = append(rest, header[i]+": "+cells[i])
		} else {
			rest = append(rest, cells[i])
		}
	}
	r := strings.Join(rest, "; ")
	switch {
	case len(cells) == 0:
		return ""
	case cells[0] == "":
		return r
	case r == "":
		return cells[0]
	}
	return cells[0] + " — " + r
}

// cellText is the plain text of a table cell; "." means empty.
func (p *parser) cellText(raw string) (string, []string) {
	t, codes := p.in.plain(raw)
	if rest, ok := cutItemMarker(t); ok {
		t = strings.TrimSpace(rest)
	}
	if t == "." {
		t = ""
	}
	return t, codes
}

func (p *parser) closeFence() {
	f := p.fence
	p.fence = nil
	if f.skip {
		return
	}
	lines := make([]string, len(f.lines))
	for i, l := range f.lines {
		lines[i] = trimIndent(l, f.indent)
	}
	p.sec.Code = append(p.sec.Code, Code{Lang: f.lang, Text: strings.Join(lines, "\n"), Line: f.line})
}

// trimIndent removes the opening fence's indentation from a code line.
func trimIndent(l, indent string) string {
	if strings.HasPrefix(l, indent) {
		return l[len(indent):]
	}
	n := 0
	for n < len(l) && n < len(indent) && (l[n] == ' ' || l[n] == '\t') {
		n++
	}
	return l[n:]
}

// atxHeading recognises "# Title" (up to three spaces before the #s).
func atxHeading(l string) (level int, text string, ok bool) {
	i := 0
	for i < len(l) && i < 3 && l[i] == ' ' {
		i++
	}
	n := 0
	for i+n < len(l) && l[i+n] == '#' {
		n++
	}
	if n == 0 || n > 6 {
		return 0, "", false
	}
	rest := l[i+n:]
	if rest != "" && rest[0] != ' ' && rest[0] != '\t' {
		return 0, "", false
	}
	rest = strings.TrimSpace(rest)
	// Optional closing sequence: " ##".
	if j := strings.TrimRight(rest, "#"); len(j) < len(rest) {
		if j == "" {
			rest = ""
		} else if e := j[len(j)-1]; e == ' ' || e == '\t' {
			rest = strings.TrimSpace(j)
		}
	}
	return n, rest, true
}

// fenceOpen recognises an opening code fence (``` or ~~~), at any
// indentation so fences inside list items count.
func fenceOpen(l string) *fence {
	t := strings.TrimLeft(l, " \t")
	if len(t) < 3 || (t[0] != '`' && t[0] != '~') {
		return nil
	}
	n := runLen(t, 0, t[0])
	if n < 3 {
		return nil
	}
	info := strings.TrimSpace(t[n:])
	if t[0] == '`' && strings.IndexByte(info, '`') >= 0 {
		return nil
	}
	lang := ""
	if fs := strings.Fields(info); len(fs) > 0 {
		lang = strings.ToLower(strings.Trim(fs[0], "{}."))
	}
	return &fence{ch: t[0], n: n, indent: l[:len(l)-len(t)], lang: lang}
}

func isFenceClose(l string, f *fence) bool {
	t := strings.TrimLeft(l, " \t")
	n := runLen(t, 0, f.ch)
	return n >= f.n && strings.TrimSpace(t[n:]) == ""
}

func isTOCStart(t string) bool {
	return strings.HasPrefix(t, "[toc_start]:") ||
		(strings.HasPrefix(t, "<!--") && (strings.Contains(t, "toc_start") || strings.TrimSpace(strings.TrimSuffix(t[4:], "-->")) == "toc"))
}

func isTOCEnd(t string) bool {
	return strings.HasPrefix(t, "[toc_end]:") ||
		(strings.HasPrefix(t, "<!--") && (strings.Contains(t, "toc_end") || strings.Contains(t, "tocstop")))
}

var (
	anchorRe     = regexp.MustCompile(`^(?i)<a\s+(?:name|id)\s*=\s*["']([^"']*)["'][^>]*>\s*(?:</a\s*>)?`)
	anchorAnyRe  = regexp.MustCompile(`(?i)<a\s+(?:name|id)\s*=\s*["']([^"']+)["']`)
	anchorPrefix = "<a "
)

// anchorLine recognises a line holding only anchors (<a name="x"></a>) and
// returns the first name.
func anchorLine(t string) (string, bool) {
	if len(t) < 3 || !strings.EqualFold(t[:3], anchorPrefix) {
		return "", false
	}
	first := ""
	for t != "" {
		m := anchorRe.FindStringSubmatchIndex(t)
		if m == nil {
			return "", false
		}
		if first == "" {
			first = strings.TrimSpace(t[m[2]:m[3]])
		}
		t = strings.TrimSpace(t[m[1]:])
	}
	return first, first != ""
}

// anchorIn finds an anchor inside a heading line: "## <a name="x"></a> T".
func anchorIn(raw string) string {
	if !strings.Contains(raw, "<") {
		return ""
	}
	if m := anchorAnyRe.FindStringSubmatch(raw); m != nil {
		return strings.TrimSpace(m[1])
	}
	return ""
}

// isBreak recognises thematic breaks (---, ***, ___) and setext underlines
// (===, which only underline text the contract does not treat as headings).
func isBreak(t string) bool {
	if len(t) < 3 {
		return false
	}
	c := t[0]
	if c != '-' && c != '*' && c != '_' && c != '=' {
		return false
	}
	n := 0
	for i := 0; i < len(t); i++ {
		switch t[i] {
		case c:
			n++
		case ' ', '\t':
		default:
			return false
		}
	}
	return n >= 3
}

// isLinkRefDef recognises link reference definitions ("[id]: https://...").
func isLinkRefDef(t string) bool {
	if t == "" || t[0] != '[' {
		return false
	}
	j := strings.Index(t, "]:")
	if j < 0 || j > 200 {
		return false
	}
	rest := strings.TrimSpace(t[j+2:])
	if rest == "" {
		return false
	}
	dest := strings.Fields(rest)[0]
	return strings.HasPrefix(dest, ":") || strings.HasPrefix(dest, "<") || strings.HasPrefix(dest, "#") ||
		strings.Contains(dest, "://") || strings.HasPrefix(dest, "/") || strings.HasPrefix(dest, "mailto:")
}

// indentWidth is the column of the first non-blank character, tabs to the
// next multiple of four.
func indentWidth(l string) int {
	w := 0
	for i := 0; i < len(l); i++ {
		switch l[i] {
		case ' ':
			w++
		case '\t':
			w += 4 - w%4
		default:
			return w
		}
	}
	return w
}

// listItem recognises a bullet ("* ", "- ", "+ ") or ordered item ("1. ",
// "1) "). It returns the marker's column, the text's column and the text.
func listItem(l string) (indent, content int, text string, ok bool) {
	indent = indentWidth(l)
	t := strings.TrimLeft(l, " \t")
	if t == "" {
		return 0, 0, "", false
	}
	m := 0
	switch t[0] {
	case '*', '-', '+':
		m = 1
	default:
		for m < len(t) && m < 9 && t[m] >= '0' && t[m] <= '9' {
			m++
		}
		if m == 0 || m >= len(t) || (t[m] != '.' && t[m] != ')') {
			return 0, 0, "", false
		}
		m++
	}
	if m < len(t) && t[m] != ' ' && t[m] != '\t' {
		return 0, 0, "", false
	}
	rest := t[m:]
	text = strings.TrimLeft(rest, " \t")
	return indent, indent + m + 1, text, true
}

// isDelimRow recognises a table delimiter row ("-|-", "| :--- | ---: |").
func isDelimRow(t string) bool {
	if strings.IndexByte(t, '|') < 0 || strings.IndexByte(t, '-') < 0 {
		return false
	}
	for _, c := range splitRow(t) {
		c = strings.TrimSpace(c)
		c = strings.TrimPrefix(c, ":")
		c = strings.TrimSuffix(c, ":")
		if c == "" || strings.Trim(c, "-") != "" {
			return false
		}
	}
	return true
}

// splitRow splits a table row into raw cells on unescaped pipes; leading
// and trailing pipes are optional.
func splitRow(t string) []string {
	t = strings.TrimSpace(t)
	if strings.HasPrefix(t, "|") {
		t = t[1:]
	}
	if strings.HasSuffix(t, "|") && !strings.HasSuffix(t, "\\|") {
		t = t[:len(t)-1]
	}
	var cells []string
	start := 0
	for i := 0; i < len(t); i++ {
		switch t[i] {
		case '\\':
			i++
		case '|':
			cells = append(cells, strings.ReplaceAll(t[start:i], "\\|", "|"))
			start = i + 1
		}
	}
	return append(cells, strings.ReplaceAll(t[start:], "\\|", "|"))
}
