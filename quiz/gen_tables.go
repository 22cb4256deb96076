package quiz

import (
	"regexp"
	"slices"
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

func (g *gen) tables() {
	for i := range g.doc.Sections {
		s := &g.doc.Sections[i]
		for ti, t := range s.Tables {
			cols := columns(t)
			if parallel(cols) {
				g.parallelTable(s, ti, cols)
				continue
			}
			nc := nameColumn(cols)
			if nc < 0 {
				continue
			}
			g.keyedTable(s, ti, cols, nc)
		}
	}
}

func (g *gen) keyedTable(s *notes.Section, ti int, cols []column, nc int) {
	names := cols[nc]
	if stageNames(names) {
		// "Initial State", "Deployment Stage 1", ...: the order is the fact;
		// asking for a stage's number is rote and its header ("Deploy") is
		// no noun for a question.
		g.stageTable(s, cols, nc)
		return
	}
	noun := nounFor(names.header)
	tp := g.topic(s)
	var attrs []int
	for ci, c := range cols {
		if ci != nc && c.nonEmpty() >= 2 {
			attrs = append(attrs, ci)
		}
	}
	limits := strings.Contains(strings.ToLower(s.Title), "limit")
	for _, ci := range attrs {
		c := cols[ci]
		desc := c.avgWords() >= 3
		for ri, name := range names.cells {
			v := c.cells[ri]
			if name == "" || v == "" || !hasLetters(v, 3) && !isNumeric(v) {
				continue
			}
			// A value shared by several rows still answers "what is the value
			// of this key", but not "which key has this value".
			unique := c.count(v) == 1
			expl := name + ": " + v
			if c.header != "" {
				expl = names.header + " " + name + " — " + c.header + ": " + v
			}
			expl += " (" + tp + ")"
			key := strconv.Itoa(ti) + "/" + name + "/" + c.header
			if desc && !unique {
				continue
			}
			if desc && wordCount(v) >= 3 {
				if len(attrs) == 1 || c.header == "" {
					g.add(KindTerm, s, key, tp+": which "+noun+" is described as "+quote(v)+"?", name, distinctRows(names, c, ri), expl)
					if !containsSeq(words(v), words(name)) { // a description naming its term gives it away
						g.add(KindDefinition, s, key, tp+": what does the "+noun+" "+quote(name)+" describe?", v, distinctRows(c, c, ri), expl)
					}
					continue
				}
				g.add(KindTerm, s, key, tp+": "+whichHas(noun, c.header, v), name, distinctRows(names, c, ri), expl)
				g.add(KindValue, s, key, tp+": for "+quote(name)+", which of these is listed under "+quote(c.header)+"?", v, distinctRows(c, c, ri), expl)
				continue
			}
			if desc {
				continue
			}
			// Short values: value from key, and key from a distinctive value.
			u, isNum := numberUnit(v)
			if isNum && u == "" && c.header == "" && !limits {
				continue // a bare number with no header: a row index, not a fact
			}
			var same []string
			for rj, w := range c.cells {
				if rj == ri || w == "" {
					continue
				}
				if wu, wNum := numberUnit(w); wNum == isNum && (!isNum || wu == u) {
					same = append(same, w)
				}
			}
			if isNum && len(same) < 3 && limits {
				same = append(same, g.limitValues(s, u, v)...)
			}
			what := "what is " + quote(name) + "?"
			if c.header != "" {
				what = "for " + quote(name) + ", which of these is listed under " + quote(c.header) + "?"
			} else if limits {
				what = "what is the limit for " + quote(name) + "?"
			}
			g.add(KindValue, s, key, tp+": "+what, v, same, expl)
			if !unique {
				continue
			}
			stem := tp + ": which " + noun + " has the value " + quote(v) + "?"
			if c.header != "" {
				stem = tp + ": " + whichHas(noun, c.header, v)
			}
			g.add(KindTerm, s, key+"/reverse", stem, name, others(names.cells, ri), expl)
		}
	}
	if len(attrs) >= 3 {
		g.rows(s, ti, cols, nc, attrs)
	}
}

var stageRE = regexp.MustCompile(`(?i)^(.*\b(stage|step|phase)\s*\d+|(initial|final|start|end)( state| stage| step)?)$`)

// stageNames reports whether a column names the stages of a process in
// order: most of its names are "Stage 2", "Step 3", "Initial State".
func stageNames(c column) bool {
	n := 0
	for _, v := range c.cells {
		if v != "" && stageRE.MatchString(strings.TrimSpace(v)) {
			n++
		}
	}
	return n >= 3 && 3*n >= 2*c.nonEmpty()
}

// stageTable asks, for a table of ordered stages, which stage comes right
// after another, from the column that says what happens in each stage.
func (g *gen) stageTable(s *notes.Section, cols []column, nc int) {
	for ci, c := range cols {
		if ci == nc || c.avgWords() < 2 {
			continue
		}
		var steps []string
		for _, v := range c.cells {
			if v != "" && hasLetters(v, 3) {
				steps = append(steps, v)
			}
		}
		g.orderedSteps(s, steps, "stage", "the stages run in a fixed order", 10)
	}
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

// rows asks for a row of a comparison table from the fewest attributes
// that single it out, when no one attribute does.
func (g *gen) rows(s *notes.Section, ti int, cols []column, nc int, attrs []int) {
	names := cols[nc]
	tp := g.topic(s)
	noun := nounFor(names.header)
	usable := func(v string) bool { return v != "" && hasLetters(v, 3) }
	for ri, name := range names.cells {
		if name == "" {
			continue
		}
		// Rows still matching the chosen attributes.
		rest := map[int]bool{}
		for rj, n := range names.cells {
			if rj != ri && n != "" {
				rest[rj] = true
			}
		}
		var chosen []int
		for len(rest) > 0 && len(chosen) < 3 {
			best, bestCut := -1, 0
			for _, ci := range attrs {
				if slices.Contains(chosen, ci) || !usable(cols[ci].cells[ri]) {
					continue
				}
				cut := 0
				for rj := range rest {
					if normKey(cols[ci].cells[rj]) != normKey(cols[ci].cells[ri]) {
						cut++
					}
				}
				if cut > bestCut {
					best, bestCut = ci, cut
				}
			}
			if best < 0 {
				break
			}
			chosen = append(chosen, best)
			for rj := range rest {
				if normKey(cols[best].cells[rj]) != normKey(cols[best].cells[ri]) {
					delete(rest, rj)
				}
			}
		}
		// A row that one attribute singles out is the term question for
		// that attribute again: rows need two or three.
		if len(rest) > 0 || len(chosen) < 2 {
			continue
		}
		slices.Sort(chosen)
		var parts, asked []string
		for _, ci := range chosen {
			parts = append(parts, cols[ci].header+": "+cols[ci].cells[ri])
			asked = append(asked, cols[ci].header+" "+quote(cols[ci].cells[ri]))
		}
		attrsText := strings.Join(parts, "; ")
		g.add(KindRow, s, strconv.Itoa(ti)+"/"+name, tp+": which "+noun+" has "+strings.Join(asked, " and ")+"?", name, others(names.cells, ri),
			name+" — "+attrsText+" ("+tp+")")
	}
}

func (g *gen) parallelTable(s *notes.Section, ti int, cols []column) {
	tp := g.topic(s)
	for ci, c := range cols {
		var cands []string
		for cj, o := range cols {
			if cj == ci {
				continue
			}
			for _, v := range o.cells {
				if v != "" && c.count(v) == 0 {
					cands = append(cands, v)
				}
			}
		}
		for _, v := range c.cells {
			if v == "" || !hasLetters(v, 3) {
				continue
			}
			inOther := false
			for cj, o := range cols {
				if cj != ci && o.count(v) > 0 {
					inOther = true
				}
			}
			if inOther {
				continue
			}
			g.add(KindColumn, s, strconv.Itoa(ti)+"/"+c.header+"/"+v, tp+": "+columnAsk(c.header), v, cands,
				c.header+": "+v+" ("+tp+")")
		}
	}
}

// columnAsk is the question for a cell of one of the side-by-side columns:
// pros and cons read as advantages and drawbacks.
func columnAsk(header string) string {
	switch normKey(header) {
	case "pro", "pros", "advantage", "advantages":
		return "which of these is listed as an advantage?"
	case "con", "cons", "disadvantage", "disadvantages", "drawback", "drawbacks":
		return "which of these is listed as a drawback?"
	}
	return "which of these is listed under " + quote(header) + "?"
}

// describing are headers whose cells describe the row's name.
var describing = fieldSet("description descriptions effect meaning purpose definition use usage notes comment comments")

// whichHas asks for the row whose cell under header is v: "which metric is
// described as “…”?" for a description, else "which strategy has “…” under
// “Testing”?".
func whichHas(noun, header, v string) string {
	if describing[normKey(header)] {
		return "which " + noun + " is described as " + quote(v) + "?"
	}
	return "which " + noun + " has " + quote(v) + " under " + quote(header) + "?"
}
