package quiz

import (
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/devopsbot/devopsbot/notes"
)

// Generators over facts: named groups, sequences and numbers.

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
			head := cleanHeading(s.Title)
			if k != "" {
				ctx := strings.Split(k, "\x00")
				last := strings.TrimSuffix(strings.TrimSpace(ctx[len(ctx)-1]), ":")
				if wordCount(last) <= 12 && !strings.EqualFold(last, s.Title) {
					label += " › " + last
					head = last
				}
			}
			if sellingHead[normKey(head)] {
				// "Can use own docker images" under "Fully managed build
				// service" fits "Extensible" as well: selling points are
				// grouped by taste, not by fact.
				continue
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

// sellingHead are headings of selling points.
var sellingHead = fieldSet("benefits benefit features advantages highlights why")

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
			g.orderedSteps(s, steps, noun, lead, 6)
		}
	}
}

// orderedSteps asks, for each step of an ordered list but the last, which
// step comes right after it; the other steps are the distractors.
// Steps longer than maxWords make the list prose, not a sequence.
func (g *gen) orderedSteps(s *notes.Section, steps []string, noun, lead string, maxWords int) {
	if len(steps) < 4 || hasDup(steps) || slices.ContainsFunc(steps, func(st string) bool { return wordCount(st) > maxWords }) {
		return
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
