package quiz

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"math/rand/v2"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/devopsbot/devopsbot/notes"
)

// Generator kinds.
const (
	KindTerm       = "term"       // a name from its description (two-column tables)
	KindDefinition = "definition" // a description from its name (the reverse)
	KindValue      = "value"      // a value from its key (limits tables)
	KindRow        = "row"        // a comparison-table row from its distinctive attributes
	KindColumn     = "column"     // which column of a side-by-side table lists a cell
	KindService    = "service"    // a service from its overview, name masked
	KindStatement  = "statement"  // which section among siblings a statement belongs to
	KindGroup      = "group"      // which named item (bullet with sub-bullets) a detail belongs to
	KindSequence   = "sequence"   // what comes right after a step in an ordered list
	KindNumber     = "number"     // the number (with its unit) missing from a statement
	KindBank       = "bank"       // hand-written, from a bank file
)

// Generate writes questions from the parsed notes. The same notes give the
// same questions with the same IDs: an ID hashes the generator kind, the
// source document and section and the question's key content, and every
// choice of distractors and option order is drawn from a generator seeded
// with the ID. Only questions that pass every rule in Problems are kept.
func Generate(docs ...*notes.Document) []Question {
	var out []Question
	seen := map[string]bool{}
	for _, d := range docs {
		if d == nil {
			continue
		}
		g := newGen(d)
		g.tables()
		g.services()
		g.statements()
		g.groups()
		g.sequences()
		g.numbers()
		for _, q := range g.out {
			if !seen[q.ID] {
				seen[q.ID] = true
				out = append(out, q)
			}
		}
	}
	return out
}

type gen struct {
	doc      *notes.Document
	byID     map[string]*notes.Section
	children map[string][]*notes.Section
	out      []Question
	ids      map[string]bool
	numVals  map[string][]string // unit -> number texts seen in the notes
}

func newGen(d *notes.Document) *gen {
	d = withOwnContexts(d)
	g := &gen{doc: d, byID: map[string]*notes.Section{}, children: map[string][]*notes.Section{}, ids: map[string]bool{}}
	for i := range d.Sections {
		s := &d.Sections[i]
		g.byID[s.ID] = s
		g.children[s.Parent] = append(g.children[s.Parent], s)
	}
	g.collectNumbers()
	return g
}

// withOwnContexts returns a copy of d in which a fact keeps its context
// (parent bullets) only if every parent is a fact of the same section: a
// context carried over from another section would mislabel the fact.
func withOwnContexts(d *notes.Document) *notes.Document {
	out := *d
	out.Sections = slices.Clone(d.Sections)
	for i := range out.Sections {
		s := &out.Sections[i]
		texts := make(map[string]bool, len(s.Facts))
		for _, f := range s.Facts {
			texts[f.Text] = true
		}
		var facts []notes.Fact
		for j, f := range s.Facts {
			if len(f.Context) == 0 || !slices.ContainsFunc(f.Context, func(c string) bool { return !texts[c] }) {
				continue
			}
			if facts == nil {
				facts = slices.Clone(s.Facts)
			}
			facts[j].Context = nil
		}
		if facts != nil {
			s.Facts = facts
		}
	}
	return &out
}

// topic is a section's path joined with " › ", without a top-level
// heading that only groups others ("Services", "Concepts": no facts).
func (g *gen) topic(s *notes.Section) string {
	p := s.Path
	if len(p) > 1 {
		top := s
		for top.Parent != "" && g.byID[top.Parent] != nil {
			top = g.byID[top.Parent]
		}
		if len(top.Facts) == 0 {
			p = p[1:]
		}
	}
	return strings.Join(p, " › ")
}

func questionID(kind, doc, section, key string) string {
	h := sha256.Sum256([]byte(kind + "\x00" + doc + "\x00" + section + "\x00" + key))
	return "q" + hex.EncodeToString(h[:6])
}

func rngFor(id string) *rand.Rand {
	h := sha256.Sum256([]byte(id))
	return rand.New(rand.NewPCG(binary.BigEndian.Uint64(h[:8]), binary.BigEndian.Uint64(h[8:16])))
}

// add builds a question from an answer and candidate distractors (same
// type: same column, sibling sections, ...). Up to three distractors are
// drawn; candidates equal to the answer after normalisation, empty or found
// in the stem are dropped. The question is kept only if it passes Problems.
func (g *gen) add(kind string, s *notes.Section, key, stem, answer string, cands []string, explanation string) bool {
	id := questionID(kind, g.doc.Name, s.ID, key)
	if g.ids[id] {
		return false
	}
	rng := rngFor(id)
	ansKey := normKey(answer)
	stemWords := words(stem)
	seen := map[string]bool{ansKey: true}
	var ds []string
	for _, c := range cands {
		c = strings.TrimSpace(c)
		k := normKey(c)
		if k == "" || seen[k] || strings.Trim(c, ".") == "" || strings.EqualFold(c, "todo") {
			continue
		}
		if containsSeq(stemWords, words(c)) {
			continue
		}
		seen[k] = true
		ds = append(ds, c)
	}
	if len(ds) == 0 {
		return false
	}
	rng.Shuffle(len(ds), func(i, j int) { ds[i], ds[j] = ds[j], ds[i] })
	if len(ds) > 3 {
		ds = ds[:3]
	}
	opts := append([]string{answer}, ds...)
	rng.Shuffle(len(opts), func(i, j int) { opts[i], opts[j] = opts[j], opts[i] })
	q := Question{
		ID:          id,
		Stem:        stem,
		Options:     opts,
		Correct:     slices.Index(opts, answer),
		Explanation: explanation,
		Source:      Source{Doc: s.Doc, Section: s.ID, Path: slices.Clone(s.Path)},
		Domains:     SectionDomains(s),
		Kind:        kind,
	}
	if q.Source.Doc == "" {
		q.Source.Doc = g.doc.Name
	}
	if len(Problems(q)) > 0 {
		return false
	}
	g.ids[id] = true
	g.out = append(g.out, q)
	return true
}

func quote(s string) string { return "“" + strings.TrimSpace(s) + "”" }

func hasLetters(s string, n int) bool {
	run := 0
	for _, r := range s {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' {
			run++
			if run >= n {
				return true
			}
		} else {
			run = 0
		}
	}
	return false
}

func wordCount(s string) int { return len(strings.Fields(s)) }

// ---- tables ----

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
					g.add(KindDefinition, s, key, tp+": what does the "+noun+" "+quote(name)+" describe?", v, distinctRows(c, c, ri), expl)
					continue
				}
				g.add(KindTerm, s, key, tp+": which "+noun+" has "+strings.ToLower(c.header)+" "+quote(v)+"?", name, distinctRows(names, c, ri), expl)
				g.add(KindValue, s, key, tp+": what is the "+strings.ToLower(c.header)+" of "+quote(name)+"?", v, distinctRows(c, c, ri), expl)
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
				what = "what is the " + strings.ToLower(c.header) + " of " + quote(name) + "?"
			} else if limits {
				what = "what is the limit for " + quote(name) + "?"
			}
			g.add(KindValue, s, key, tp+": "+what, v, same, expl)
			if !unique {
				continue
			}
			stem := tp + ": which " + noun + " has the value " + quote(v) + "?"
			if c.header != "" {
				stem = tp + ": which " + noun + " has " + strings.ToLower(c.header) + " " + quote(v) + "?"
			}
			g.add(KindTerm, s, key+"/reverse", stem, name, others(names.cells, ri), expl)
		}
	}
	if len(attrs) >= 3 {
		g.rows(s, ti, cols, nc, attrs)
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
// that single it out.
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
		if len(rest) > 0 || len(chosen) == 0 {
			continue
		}
		slices.Sort(chosen)
		var parts []string
		for _, ci := range chosen {
			parts = append(parts, cols[ci].header+": "+cols[ci].cells[ri])
		}
		attrsText := strings.Join(parts, "; ")
		g.add(KindRow, s, strconv.Itoa(ti)+"/"+name, tp+": which "+noun+" has "+attrsText+"?", name, others(names.cells, ri),
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
			g.add(KindColumn, s, strconv.Itoa(ti)+"/"+c.header+"/"+v, tp+": which of these is listed under "+quote(c.header)+"?", v, cands,
				c.header+": "+v+" ("+tp+")")
		}
	}
}

// ---- services from their overview ----

var subjectVerb = regexp.MustCompile(`^(.{3,80}?)\s+(is|are|lets|helps|enables|makes|provides|offers|operates|allows)\b`)

// servicesRoot returns the top-level section titled "Services", or nil.
func (g *gen) root(title string) *notes.Section {
	for i := range g.doc.Sections {
		s := &g.doc.Sections[i]
		if s.Parent == "" && strings.EqualFold(s.Title, title) {
			return s
		}
	}
	return nil
}

func splitSentences(text string) []string {
	var out []string
	start := 0
	rs := []rune(text)
	for i := 0; i < len(rs); i++ {
		if (rs[i] == '.' || rs[i] == '!' || rs[i] == '?') && (i+1 == len(rs) || rs[i+1] == ' ') {
			// Not after an abbreviation like "e.g." or a single capital.
			word := lastWord(string(rs[start : i+1]))
			if strings.EqualFold(word, "e.g.") || strings.EqualFold(word, "i.e.") || strings.EqualFold(word, "etc.") {
				continue
			}
			out = append(out, strings.TrimSpace(string(rs[start:i+1])))
			start = i + 1
		}
	}
	if rest := strings.TrimSpace(string(rs[start:])); rest != "" {
		out = append(out, rest)
	}
	return out
}

func lastWord(s string) string {
	f := strings.Fields(s)
	if len(f) == 0 {
		return ""
	}
	return f[len(f)-1]
}

// overview returns the first paragraph describing a service section.
func (g *gen) overview(s *notes.Section) (string, *notes.Section) {
	for _, f := range s.Facts {
		if f.Kind == notes.FactParagraph && wordCount(f.Text) >= 12 {
			return f.Text, s
		}
	}
	for _, c := range g.children[s.ID] {
		if strings.EqualFold(c.Title, "overview") {
			for _, f := range c.Facts {
				if f.Kind == notes.FactParagraph && wordCount(f.Text) >= 12 {
					return f.Text, c
				}
			}
		}
	}
	return "", nil
}

// mask replaces the service's names in text with "this service".
func mask(text string, names []string) string {
	sort := slices.Clone(names)
	slices.SortFunc(sort, func(a, b string) int { return len(b) - len(a) })
	for _, n := range sort {
		if strings.TrimSpace(n) == "" {
			continue
		}
		re := regexp.MustCompile(`(?i)(^|[^\w-])` + regexp.QuoteMeta(n) + `([^\w-]|$)`)
		text = re.ReplaceAllString(text, "${1}this service${2}")
	}
	text = strings.ReplaceAll(text, "this service (this service)", "this service")
	text = strings.ReplaceAll(text, "this service’s", "this service's")
	for _, s := range []string{". this service", "? this service", "! this service"} {
		text = strings.ReplaceAll(text, s, strings.Replace(s, "this", "This", 1))
	}
	if strings.HasPrefix(text, "this service") {
		text = "This" + strings.TrimPrefix(text, "this")
	}
	return text
}

func (g *gen) services() {
	root := g.root("Services")
	if root == nil {
		return
	}
	svcs := g.children[root.ID]
	var titles []string
	for _, s := range svcs {
		titles = append(titles, s.Title)
	}
	for i, s := range svcs {
		text, src := g.overview(s)
		if text == "" {
			continue
		}
		names := []string{s.Title, "AWS " + s.Title, "Amazon " + s.Title}
		// The sentence that names the service defines it.
		sents := splitSentences(text)
		first := -1
		for j, se := range sents {
			if m := subjectVerb.FindStringSubmatch(se); m != nil && (strings.Contains(strings.ToLower(m[1]), strings.ToLower(s.Title)) ||
				strings.HasPrefix(m[1], "AWS ") || strings.HasPrefix(m[1], "Amazon ")) {
				names = append(names, m[1])
				// "Amazon Elastic Container Service (Amazon ECS)": both names.
				if k := strings.Index(m[1], "("); k > 0 {
					names = append(names, strings.TrimSpace(m[1][:k]), strings.Trim(m[1][k:], "() "))
				}
				first = j
				break
			}
		}
		if first < 0 {
			continue
		}
		body := strings.Join(sents[first:min(first+2, len(sents))], " ")
		stem := "Which service is this? " + quote(mask(body, names))
		g.add(KindService, src, s.Title, stem, s.Title, others(titles, i), clip(text, 300))
	}
}

// ---- statements that belong to one section among siblings ----

// genericTitle are headings that name a part of any topic rather than a
// thing: a statement cannot be said to belong to one of them.
var genericTitle = map[string]bool{"overview": true, "components": true, "concepts": true, "concept": true,
	"benefits": true, "how it works": true, "how to": true, "under the hood": true, "process": true,
	"limits": true, "scenarios": true, "troubleshooting": true, "introduction": true, "summary": true,
	"details": true, "other": true, "general": true, "notes": true, "misc": true}

var stop = map[string]bool{"the": true, "a": true, "an": true, "of": true, "and": true, "or": true, "to": true, "in": true,
	"for": true, "on": true, "with": true, "is": true, "are": true, "be": true, "can": true, "by": true, "it": true}

// subtreeFacts returns the facts of s and its descendants, in order.
func (g *gen) subtreeFacts(s *notes.Section) []notes.Fact {
	out := slices.Clone(s.Facts)
	for _, c := range g.children[s.ID] {
		out = append(out, g.subtreeFacts(c)...)
	}
	return out
}

func (g *gen) descendants(s *notes.Section) []*notes.Section {
	var out []*notes.Section
	for _, c := range g.children[s.ID] {
		out = append(out, c)
		out = append(out, g.descendants(c)...)
	}
	return out
}

// wordSet is the set of a text's words without stop words.
type wordSet map[string]struct{}

func newWordSet(ws []string) wordSet {
	set := make(wordSet, len(ws))
	for _, w := range ws {
		if !stop[w] {
			set[w] = struct{}{}
		}
	}
	return set
}

func jaccard(a, b wordSet) float64 {
	if len(a) > len(b) {
		a, b = b, a
	}
	if 2*len(a) < len(b) {
		return float64(len(a)) / float64(len(b)) // an upper bound below 0.5
	}
	inter := 0
	for w := range a {
		if _, ok := b[w]; ok {
			inter++
		}
	}
	union := len(a) + len(b) - inter
	if union == 0 {
		return 0
	}
	return float64(inter) / float64(union)
}

func (g *gen) statements() {
	for _, kids := range g.sortedChildren() {
		var sibs []*notes.Section
		for _, k := range kids {
			if len(g.subtreeFacts(k)) > 0 {
				sibs = append(sibs, k)
			}
		}
		if len(sibs) < 3 || slices.ContainsFunc(sibs, func(k *notes.Section) bool { return genericTitle[strings.ToLower(strings.TrimSuffix(k.Title, ":"))] }) {
			continue
		}
		parent := g.byID[kids[0].Parent]
		if parent == nil {
			continue // top-level headings: exam objectives, concepts, services as a whole
		}
		service := parent.Parent == "" && strings.EqualFold(parent.Title, "services")
		if parent.Parent == "" && !service {
			continue
		}
		minWords, cap := 6, 3
		if service {
			minWords, cap = 7, 3
		}
		var titles []string
		for _, k := range sibs {
			titles = append(titles, k.Title)
		}
		facts := make([][]notes.Fact, len(sibs))
		sets := make([][]wordSet, len(sibs))
		for i, k := range sibs {
			facts[i] = g.subtreeFacts(k)
			if service {
				// Marketing bullets ("Secure", "Pay as you go") fit any service.
				facts[i] = nil
				for _, d := range append([]*notes.Section{k}, g.descendants(k)...) {
					if !strings.EqualFold(d.Title, "benefits") {
						facts[i] = append(facts[i], d.Facts...)
					}
				}
			}
		}
		for i := range sibs {
			for _, f := range facts[i] {
				sets[i] = append(sets[i], newWordSet(words(f.Text)))
			}
		}
		for i, k := range sibs {
			// Words of the answer's title that no other option has.
			other := map[string]bool{}
			for j, t := range titles {
				if j != i {
					for _, w := range words(t) {
						other[w] = true
					}
				}
			}
			var distinct []string
			for _, w := range words(k.Title) {
				if !other[w] && !stop[w] && len(w) > 2 {
					distinct = append(distinct, w)
				}
			}
			n := 0
			for _, f := range facts[i] {
				if n >= cap {
					break
				}
				if f.Kind != notes.FactBullet && f.Kind != notes.FactParagraph {
					continue
				}
				if service && len(f.Context) > 0 {
					continue // a detail under a bullet needs its context
				}
				text := strings.TrimSpace(f.Text)
				if len(f.Context) > 0 {
					// A detail needs the bullet it hangs under.
					text = strings.TrimSpace(f.FullText())
				}
				if first := strings.ToLower(strings.Fields(text + " x")[0]); first == "those" || first == "this" || first == "it" || first == "they" || first == "these" || first == "e.g." || first == "eg." || first == "-" || first == "->" || first == "..." {
					continue
				}
				wc := wordCount(text)
				if wc < minWords || wc > 40 || strings.HasPrefix(strings.ToUpper(text), "TODO") || strings.Contains(text, "://") {
					continue
				}
				fw := words(text)
				if slices.ContainsFunc(distinct, func(w string) bool {
					return slices.Contains(fw, w) || slices.Contains(fw, w+"s") || slices.Contains(fw, strings.TrimSuffix(w, "s"))
				}) {
					continue
				}
				if service && slices.ContainsFunc(titles, func(t string) bool { return containsSeq(fw, words(t)) }) {
					continue // names a service: a giveaway or a trap
				}
				dup := false
				fs := newWordSet(fw)
				for j := range sibs {
					if j == i {
						continue
					}
					for _, os := range sets[j] {
						if jaccard(fs, os) >= 0.5 {
							dup = true
							break
						}
					}
				}
				if dup {
					continue
				}
				label := g.topic(parent)
				stem := "In the notes on " + label + ", which topic does this statement belong to? " + quote(text)
				if service {
					stem = "Which service do the notes describe with this statement? " + quote(text)
				}
				if g.add(KindStatement, k, text, stem, k.Title, others(titles, i), f.FullText()+" ("+g.topic(k)+")") {
					n++
				}
			}
		}
	}
}

// sortedChildren returns children lists keyed by parent, iterated in a
// stable order (document order of the first child).
func (g *gen) sortedChildren() [][]*notes.Section {
	var out [][]*notes.Section
	done := map[string]bool{}
	for i := range g.doc.Sections {
		p := g.doc.Sections[i].Parent
		if done[p] {
			continue
		}
		done[p] = true
		out = append(out, g.children[p])
	}
	return out
}

// ---- named groups: short bullets with details under them ----

var dashName = regexp.MustCompile(`^([^-–:]{2,40}?)\s+[-–]\s+(.{8,})$`)

func ctxKey(c []string) string { return strings.Join(c, "\x00") }

func isName(s string) bool {
	s = strings.TrimSpace(s)
	return s != "" && wordCount(s) <= 4 && !strings.HasSuffix(s, ".") && !strings.HasSuffix(s, ":") && hasLetters(s, 2) &&
		!strings.EqualFold(s, "etc")
}

func (g *gen) groups() {
	for i := range g.doc.Sections {
		s := &g.doc.Sections[i]
		type member struct {
			name  string
			descs []string
			fact  notes.Fact
		}
		// Names are facts whose children (facts with their text appended to
		// the context) exist; the group is all short facts sharing a context.
		byCtx := map[string][]*member{}
		var order []string
		children := map[string][]string{}
		for _, f := range s.Facts {
			if len(f.Context) > 0 {
				k := ctxKey(f.Context)
				children[k] = append(children[k], strings.TrimSpace(f.Text))
			}
		}
		for _, f := range s.Facts {
			if f.Kind != notes.FactBullet && f.Kind != notes.FactParagraph {
				continue
			}
			text := strings.TrimSpace(f.Text)
			k := ctxKey(f.Context)
			var m *member
			if isName(text) {
				m = &member{name: text, fact: f, descs: children[ctxKey(append(slices.Clone(f.Context), f.Text))]}
			} else if mm := dashName.FindStringSubmatch(text); mm != nil && isName(mm[1]) {
				m = &member{name: strings.TrimSpace(mm[1]), fact: f, descs: []string{strings.TrimSpace(mm[2])}}
			}
			if m == nil {
				continue
			}
			if _, ok := byCtx[k]; !ok {
				order = append(order, k)
			}
			byCtx[k] = append(byCtx[k], m)
		}
		for _, k := range order {
			ms := byCtx[k]
			described := 0
			for _, m := range ms {
				if len(m.descs) > 0 {
					described++
				}
			}
			if len(ms) < 2 || described < 2 {
				continue
			}
			// Only members with details of their own are options: a bare
			// short bullet beside them is not necessarily the same kind of
			// thing.
			var names []string
			descCount := map[string]int{}
			for _, m := range ms {
				if len(m.descs) > 0 {
					names = append(names, m.name)
				}
				for _, d := range m.descs {
					descCount[normKey(d)]++
				}
			}
			label := g.topic(s)
			if k != "" {
				ctx := strings.Split(k, "\x00")
				last := strings.TrimSuffix(strings.TrimSpace(ctx[len(ctx)-1]), ":")
				if wordCount(last) <= 12 && !strings.EqualFold(last, s.Title) {
					label += " › " + last
				}
			}
			for _, m := range ms {
				n := 0
				for _, d := range m.descs {
					if n >= 3 || descCount[normKey(d)] > 1 || !hasLetters(d, 2) || strings.EqualFold(d, "etc") {
						continue
					}
					if wordCount(d) > 40 || isName(d) && len(g.childrenOf(s, m.fact, d)) > 0 {
						continue
					}
					var stem string
					if wordCount(d) >= 3 {
						stem = label + ": which one does this describe? " + quote(d)
					} else {
						stem = label + ": under which one is " + quote(d) + " listed?"
					}
					if g.add(KindGroup, s, k+"/"+m.name+"/"+d, stem, m.name, names, m.name+": "+d+" ("+label+")") {
						n++
					}
				}
			}
		}
	}
}

// childrenOf returns the facts nested under text below fact f.
func (g *gen) childrenOf(s *notes.Section, f notes.Fact, text string) []notes.Fact {
	want := ctxKey(append(append(slices.Clone(f.Context), f.Text), text))
	var out []notes.Fact
	for _, o := range s.Facts {
		if ctxKey(o.Context) == want {
			out = append(out, o)
		}
	}
	return out
}

// ---- sequences ----

func (g *gen) sequences() {
	for i := range g.doc.Sections {
		s := &g.doc.Sections[i]
		prev := map[string]string{} // context -> previous fact text
		for _, f := range s.Facts {
			k := ctxKey(f.Context)
			before := prev[k]
			prev[k] = f.Text
			var steps []string
			noun := "step"
			lead := ""
			phase := func(t string) bool { return strings.Contains(strings.ToLower(t), "phase") }
			switch {
			case len(f.Code) >= 4 && (phase(f.Text) || phase(before) || slices.ContainsFunc(f.Context, phase)):
				steps, noun = f.Code, "phase"
				lead = "the phases run in a fixed order"
			case strings.Count(f.Text, "->") >= 3:
				for _, p := range strings.Split(f.Text, "->") {
					steps = append(steps, strings.Trim(strings.TrimSpace(p), "[]"))
				}
				lead = "the flow is a chain of steps"
			default:
				continue
			}
			if hasDup(steps) || slices.ContainsFunc(steps, func(st string) bool { return wordCount(st) > 6 }) {
				continue
			}
			for j := 0; j+1 < len(steps); j++ {
				stem := g.topic(s) + ": " + lead + ". Which " + noun + " comes right after " + quote(steps[j]) + "?"
				var cands []string
				for x, st := range steps {
					if x != j && x != j+1 {
						cands = append(cands, st)
					}
				}
				g.add(KindSequence, s, strings.Join(steps, ">")+"/"+steps[j], stem, steps[j+1], cands,
					strings.Join(steps, " → ")+" ("+g.topic(s)+")")
			}
		}
	}
}

func hasDup(xs []string) bool {
	seen := map[string]bool{}
	for _, x := range xs {
		k := normKey(x)
		if k == "" || seen[k] {
			return true
		}
		seen[k] = true
	}
	return false
}

// ---- numbers missing from statements ----

// numRE finds a number with a unit: "90 days", "8h", "1MB", "10,000
// requests per second", "15 months".
var numRE = regexp.MustCompile(`(?i)(^|[\s(~])(\d[\d,]*(?:\.\d+)?)\s?(ms|seconds?|sec|minutes?|min|hours?|h|days?|weeks?|months?|years?|kB|MB/s|MB|GB|TB|%|requests per second|requests|dimensions|versions?|messages/s|API calls per second|increments|times)\b`)

func (g *gen) collectNumbers() {
	g.numVals = map[string][]string{}
	add := func(text string) {
		if !strings.ContainsAny(text, "0123456789") {
			return
		}
		for _, m := range numRE.FindAllStringSubmatch(text, -1) {
			v := m[2] + spaceUnit(m[3]) + m[3]
			u, _ := numberUnit(v)
			if !slices.ContainsFunc(g.numVals[u], func(x string) bool { return normKey(x) == normKey(v) }) {
				g.numVals[u] = append(g.numVals[u], v)
			}
		}
	}
	for i := range g.doc.Sections {
		for _, f := range g.doc.Sections[i].Facts {
			add(f.Text)
		}
	}
}

// spaceUnit returns the space that goes between a number and unit u.
func spaceUnit(u string) string {
	switch strings.ToLower(u) {
	case "ms", "h", "kb", "mb", "gb", "tb", "mb/s", "%", "min":
		return ""
	}
	return " "
}

func (g *gen) numbers() {
	for i := range g.doc.Sections {
		s := &g.doc.Sections[i]
		for _, f := range s.Facts {
			if f.Kind == notes.FactRow || f.Kind == notes.FactCode {
				continue
			}
			if !strings.ContainsAny(f.Text, "0123456789") {
				continue
			}
			for _, sent := range splitSentences(f.Text) {
				ms := numRE.FindAllStringSubmatchIndex(sent, -1)
				if len(ms) == 0 || wordCount(sent) < 3 || wordCount(sent) > 40 {
					continue
				}
				for _, m := range ms {
					start, end := m[4], m[7]
					ans := sent[m[4]:m[5]] + spaceUnit(sent[m[6]:m[7]]) + sent[m[6]:m[7]]
					u, _ := numberUnit(ans)
					blank := strings.TrimSpace(sent[:start] + "___" + sent[end:])
					lead := g.topic(s)
					if len(f.Context) > 0 && wordCount(f.Context[len(f.Context)-1]) <= 10 {
						lead += " › " + strings.TrimSuffix(f.Context[len(f.Context)-1], ":")
					}
					cands := slices.Clone(g.numVals[u])
					cands = append(cands, scaled(sent[m[4]:m[5]], sent[m[6]:m[7]])...)
					// "every 5 or ___": 5 minutes would only confuse.
					blankWords := words(blank)
					cands = slices.DeleteFunc(cands, func(c string) bool {
						w := words(c)
						return len(w) > 0 && slices.Contains(blankWords, w[0])
					})
					g.add(KindNumber, s, sent+"/"+ans, lead+": fill in the blank. "+quote(blank), ans, cands, f.FullText()+" ("+g.topic(s)+")")
				}
			}
		}
	}
}

// scaled returns made-up neighbours of a number with the same unit, used
// when the notes have too few other values with that unit.
func scaled(num, unit string) []string {
	n := 0
	for _, r := range strings.ReplaceAll(num, ",", "") {
		if r < '0' || r > '9' {
			return nil
		}
		n = n*10 + int(r-'0')
	}
	var out []string
	for _, m := range []int{n * 2, n * 3, n / 2, n * 10} {
		if m <= 0 || m == n {
			continue
		}
		u := unit
		if strings.HasSuffix(u, "s") && m == 1 && len(u) > 3 {
			u = strings.TrimSuffix(u, "s")
		} else if n == 1 && m != 1 && len(u) > 2 && !strings.HasSuffix(u, "s") && hasLetters(u, 3) {
			u += "s"
		}
		ms := strconv.Itoa(m)
		if strings.Contains(num, ",") {
			ms = thousands(ms)
		}
		out = append(out, ms+spaceUnit(unit)+u)
	}
	return out
}

// thousands inserts commas between groups of three digits.
func thousands(d string) string {
	for i := len(d) - 3; i > 0; i -= 3 {
		d = d[:i] + "," + d[i:]
	}
	return d
}
