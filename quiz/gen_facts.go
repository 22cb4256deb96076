package quiz

import (
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/devopsbot/devopsbot/notes"
)

// Generators over facts: numbers missing from statements.

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
				if len(ms) == 0 || wordCount(sent) < 3 || wordCount(sent) > 40 || strings.Contains(sent, "->") { // an arrow: a note, not a sentence
					continue
				}
				for _, m := range ms {
					start, end := m[4], m[7]
					ans := sent[m[4]:m[5]] + spaceUnit(sent[m[6]:m[7]]) + sent[m[6]:m[7]]
					u, _ := numberUnit(ans)
					blank := strings.TrimSpace(sent[:start] + "___" + sent[end:])
					lead := "In " + g.about(s)
					if len(f.Context) > 0 && wordCount(f.Context[len(f.Context)-1]) <= 10 {
						lead += " (" + strings.TrimSuffix(f.Context[len(f.Context)-1], ":") + ")"
					}
					cands := slices.Clone(g.numVals[u])
					cands = append(cands, scaled(sent[m[4]:m[5]], sent[m[6]:m[7]])...)
					// "every 5 or ___": 5 minutes would only confuse.
					blankWords := words(blank)
					cands = slices.DeleteFunc(cands, func(c string) bool {
						w := words(c)
						return len(w) > 0 && slices.Contains(blankWords, w[0])
					})
					if g.add(KindNumber, s, sent+"/"+ans, lead+", fill in the blank: "+quote(blank), ans, cands, basis{plainFact(f) + " (" + g.about(s) + ")", sent}) {
						break // one question per fact
					}
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

// plainFact is a fact with its context, joined as prose (no heading-path
// separators).
func plainFact(f notes.Fact) string {
	return strings.Join(append(append([]string(nil), f.Context...), f.Text), ": ")
}
