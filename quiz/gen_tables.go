package quiz

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/devopsbot/devopsbot/notes"
)

// Generators over tables: term, definition, value, row and column.

type column struct {
	header string
	cells  []string // one per row, "" for empty
	keys   []string // normKey of each cell
}

func (c column) nonEmpty() int {
	n := 0
	for _, v := range c.cells {
		if v != "" {
			n++
		}
	}
	return n
}

func (c column) avgWords() float64 {
	n, w := 0, 0
	for _, v := range c.cells {
		if v != "" {
			n++
			w += wordCount(v)
		}
	}
	if n == 0 {
		return 0
	}
	return float64(w) / float64(n)
}

func (c column) count(v string) int {
	n := 0
	k := normKey(v)
	for i, x := range c.cells {
		if x != "" && c.keys[i] == k {
			n++
		}
	}
	return n
}

func placeholder(v string) bool {
	t := strings.ToLower(strings.TrimSpace(v))
	return t == "" || strings.Trim(t, ".") == "" || t == "todo" || t == "tbd" || t == "-"
}

func columns(t notes.Table) []column {
	n := len(t.Header)
	for _, r := range t.Rows {
		n = max(n, len(r))
	}
	cols := make([]column, n)
	for i := range cols {
		if i < len(t.Header) {
			cols[i].header = strings.TrimSpace(t.Header[i])
		}
		for _, r := range t.Rows {
			v := ""
			if i < len(r) && !placeholder(r[i]) {
				v = strings.TrimSpace(r[i])
			}
			cols[i].cells = append(cols[i].cells, v)
			cols[i].keys = append(cols[i].keys, normKey(v))
		}
	}
	return cols
}

// nameColumn returns the index of the first column that names the rows:
// distinct, short, wordy values in at least two rows; -1 if none.
func nameColumn(cols []column) int {
	for i, c := range cols {
		if c.nonEmpty() < 2 || c.avgWords() > 6 {
			continue
		}
		ok := true
		for _, v := range c.cells {
			if v != "" && (!hasLetters(v, 2) || c.count(v) > 1) {
				ok = false
				break
			}
		}
		if ok {
			return i
		}
	}
	return -1
}

// parallel reports whether a table's columns are alternatives side by side
// (pros/cons, one product per column): every header set, similar cells.
func parallel(cols []column) bool {
	if len(cols) < 2 || len(cols) > 4 {
		return false
	}
	for _, c := range cols {
		if c.header == "" || c.nonEmpty() == 0 {
			return false
		}
		wordy := 0
		for _, v := range c.cells {
			if v != "" && hasLetters(v, 3) {
				wordy++
			}
		}
		if 2*wordy < c.nonEmpty() {
			return false
		}
	}
	// A short first column beside long ones names the rows (Metric |
	// Effect): that is a keyed table, not alternatives side by side.
	first, longest := cols[0].avgWords(), 0.0
	for _, c := range cols {
		longest = max(longest, c.avgWords())
	}
	return !(first <= 2 && longest >= 3*first)
}

func nounFor(header string) string {
	h := strings.ToLower(strings.TrimSpace(header))
	switch h {
	case "", "name", "element", "key", "item":
		if h == "element" {
			return "element"
		}
		return "item"
	}
	return h
}

// tables asks from keyed tables (a column names the rows). Tables of
// alternatives side by side (pros and cons) are left alone: their cells
// are told apart by tone, not by knowledge.
func (g *gen) tables() {
	for i := range g.doc.Sections {
		s := &g.doc.Sections[i]
		for ti, t := range s.Tables {
			cols := columns(t)
			if parallel(cols) {
				continue
			}
			if nc := nameColumn(cols); nc >= 0 && !stageNames(cols[nc]) {
				g.keyedTable(s, ti, cols, nc, rowFacts(s, ti, len(t.Rows)))
			}
		}
		for k, t := range nameBullets(s.Facts) {
			g.keyedTable(s, 1000+k, columns(t.Table), 0, t.lines)
		}
	}
}

// nameRE splits a "Name: what it does" bullet.
var nameRE = regexp.MustCompile(`^([^:;,.]{2,40}):\s+(.{8,})$`)

// bulletTable is a table made of bullets, with each row's bullet text.
type bulletTable struct {
	notes.Table
	lines []string
}

// rowFacts returns the text of each row's fact of table ti, "" where none.
func rowFacts(s *notes.Section, ti, rows int) []string {
	out := make([]string, rows)
	for _, f := range s.Facts {
		if f.Kind == notes.FactRow && f.Table == ti && f.Row >= 0 && f.Row < rows {
			out[f.Row] = f.Text
		}
	}
	return out
}

// nameBullets returns, as two-column tables, runs of three or more sibling
// bullets of the form "Name: what it does" ("cfn-hup: Use to check for
// updates to metadata").
func nameBullets(facts []notes.Fact) []bulletTable {
	byCtx := map[string]*bulletTable{}
	var order []string
	for _, f := range facts {
		m := nameRE.FindStringSubmatch(strings.TrimSpace(f.Text))
		if f.Kind != notes.FactBullet || m == nil || wordCount(m[1]) > 4 {
			continue
		}
		k := strings.Join(f.Context, "\x00")
		t := byCtx[k]
		if t == nil {
			t = &bulletTable{Table: notes.Table{Header: []string{"", ""}}}
			byCtx[k] = t
			order = append(order, k)
		}
		t.Rows = append(t.Rows, []string{strings.TrimSpace(m[1]), strings.TrimSpace(m[2])})
		t.lines = append(t.lines, f.Text)
	}
	var out []bulletTable
	for _, k := range order {
		if t := byCtx[k]; len(t.Rows) >= 3 {
			out = append(out, *t)
		}
	}
	return out
}

var stageRE = regexp.MustCompile(`(?i)^(.*\b(stage|step|phase)\s*\d+|(initial|final|start|end)( state| stage| step)?)$`)

// stageNames reports whether a column names the stages of a process
// ("Initial State", "Deployment Stage 1"): asking what happens in stage 3
// tests the order of a diagram, not knowledge.
func stageNames(c column) bool {
	n := 0
	for _, v := range c.cells {
		if v != "" && stageRE.MatchString(strings.TrimSpace(v)) {
			n++
		}
	}
	return n >= 2 && 2*n >= c.nonEmpty()
}

// argHeaders are headers of argument lists and syntax: not worth a
// question (which function takes "delimiter, source string"?).
var argHeaders = fieldSet("attributes arguments argument parameters params syntax signature usage format")

// keyedTable asks one question per fact (cell): a scenario from a "use
// to" description, else the description from its name, else the name from
// a description that names it; a limit or number from its key. Rows of a
// comparison table (three attributes or more) become scenarios in rows.
func (g *gen) keyedTable(s *notes.Section, ti int, cols []column, nc int, lines []string) {
	names := cols[nc]
	var attrs []int
	for ci, c := range cols {
		if ci != nc && c.nonEmpty() >= 2 {
			attrs = append(attrs, ci)
		}
	}
	if len(attrs) >= 3 {
		g.rows(s, ti, cols, nc, attrs)
		return
	}
	for _, ci := range attrs {
		c := cols[ci]
		if argHeaders[normKey(c.header)] {
			continue
		}
		for ri, name := range names.cells {
			v := c.cells[ri]
			if name == "" || v == "" {
				continue
			}
			key := strconv.Itoa(ti) + "/" + name + "/" + c.header
			expl := basis{name + ": " + v + " (" + g.about(s) + ")", v}
			if ri < len(lines) && lines[ri] != "" {
				expl.quote = lines[ri] // the whole row or bullet: name and value
			}
			switch {
			case c.avgWords() >= 3 && wordCount(v) >= 3 && c.count(v) == 1:
				g.described(s, key, name, v, names, c, ri, expl)
			case isNumeric(v):
				g.cellNumber(s, key, name, v, c, ri, expl)
			}
		}
	}
}

// useTo finds "Use to X" descriptions: what a tool is for, which a
// scenario can ask as a need.
var useTo = regexp.MustCompile(`(?i)^(?:use(?:d)?|use this|lets you|allows you|helps you)\s+(?:it\s+)?to\s+(.{8,})$`)

// described asks about a name and its description (one question per
// fact): a need ("A team needs to …") when the description says what the
// thing is used for, else the description from the name, else the name.
func (g *gen) described(s *notes.Section, key, name, v string, names, c column, ri int, expl basis) {
	about := g.about(s)
	if m := useTo.FindStringSubmatch(strings.TrimSpace(v)); m != nil {
		need := strings.TrimSuffix(strings.TrimSpace(m[1]), ".")
		with := Service(s.Path)
		if with == "" {
			with = about
		}
		stem := "A team working with " + with + " needs to " + need + ". Which should they use?"
		if g.add(KindScenario, s, key, stem, name, distinctRows(names, c, ri), expl) {
			return
		}
	}
	if !containsSeq(words(v), words(name)) && g.add(KindDefinition, s, key, "In "+about+", what is "+quote(name)+"?", v, distinctRows(c, c, ri), expl) {
		return
	}
	g.add(KindTerm, s, key, "In "+about+", which one is described as "+quote(v)+"?", name, distinctRows(names, c, ri), expl)
}

// cellNumber asks for a number (a limit, a default) from its key.
func (g *gen) cellNumber(s *notes.Section, key, name, v string, c column, ri int, expl basis) {
	u, _ := numberUnit(v)
	limits := strings.Contains(strings.ToLower(s.Title), "limit")
	if u == "" && c.header == "" && !limits {
		return // a bare number with no header: a row index, not a fact
	}
	var same []string
	for rj, w := range c.cells {
		if wu, ok := numberUnit(w); rj != ri && ok && wu == u {
			same = append(same, w)
		}
	}
	if len(same) < 3 && limits {
		same = append(same, g.limitValues(s, u, v)...)
	}
	if len(same) < 3 {
		num := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), u))
		if unit := strings.TrimSpace(v[len(num):]); num != "" {
			same = append(same, scaled(num, unit)...)
		}
	}
	stem := "In " + g.about(s) + ", what is the " + strings.ToLower(c.header) + " of " + quote(name) + "?"
	if limits || c.header == "" {
		stem = "What is the " + g.about(s) + " limit for " + quote(name) + "?"
		if limits {
			stem = "What is the " + strings.TrimSuffix(g.about(s), " limits") + " limit for " + quote(name) + "?"
		}
	}
	g.add(KindNumber, s, key, stem, v, same, expl)
}

// limitValues returns number texts with unit u from tables in other
// sections with the same title (other services' "Limits").
func (g *gen) limitValues(s *notes.Section, u, not string) []string {
	var out []string
	for i := range g.doc.Sections {
		o := &g.doc.Sections[i]
		if o.ID == s.ID || !strings.EqualFold(o.Title, s.Title) {
			continue
		}
		for _, t := range o.Tables {
			for _, r := range t.Rows {
				for _, v := range r {
					if vu, ok := numberUnit(v); ok && vu == u && normKey(v) != normKey(not) {
						out = append(out, strings.TrimSpace(v))
					}
				}
			}
		}
	}
	return out
}

func isNumeric(v string) bool {
	_, ok := numberUnit(v)
	return ok
}

func others(cells []string, skip int) []string {
	var out []string
	for i, v := range cells {
		if i != skip && v != "" {
			out = append(out, v)
		}
	}
	return out
}

// distinctRows returns the cells of column from, except row skip and the
// rows whose description (column desc) says nearly the same as row skip's:
// such a row would be a second defensible answer. Descriptions are kept
// only when unique in their column and of three words or more.
func distinctRows(from, desc column, skip int) []string {
	mine := newWordSet(words(desc.cells[skip]))
	var out []string
	for i, v := range from.cells {
		if i == skip || v == "" {
			continue
		}
		if desc.cells[i] == "" {
			if from.keys[i] != desc.keys[i] {
				out = append(out, v) // a name without a description: not a rival answer
			}
			continue
		}
		if from.keys[i] == desc.keys[i] && (desc.count(v) != 1 || wordCount(v) < 3) {
			continue
		}
		if nearlySame(mine, newWordSet(words(desc.cells[i]))) {
			continue
		}
		out = append(out, v)
	}
	return out
}

// nearlySame reports whether two descriptions say nearly the same: one's
// words are a strict part of the other's, or they share most words. The
// same words in another order ("from a client to a target", "from a target
// to a client") differ in meaning and are not nearly the same.
func nearlySame(a, b wordSet) bool {
	j := jaccard(a, b)
	if j == 1 && len(a) == len(b) {
		return false
	}
	inter := 0
	for w := range a {
		if _, ok := b[w]; ok {
			inter++
		}
	}
	return inter == len(a) || inter == len(b) || j >= 0.75
}
