package quiz

import (
	"slices"
	"strconv"
	"strings"

	"github.com/devopsbot/devopsbot/notes"
)

// Scenarios from comparison tables: a table whose rows are approaches
// (deployment strategies) and whose columns are their properties (downtime,
// cost, testing) asks which approach meets a team's needs.

// rows turns a row of a comparison table into a scenario: a team needs
// the row's values for the two or three attributes that set it clearly
// apart from every other row; the options are other rows.
func (g *gen) rows(s *notes.Section, ti int, cols []column, nc int, attrs []int) {
	names := cols[nc]
	for ri, name := range names.cells {
		if name == "" {
			continue
		}
		// A cell naming its row ("rolling" beside Rolling) gives it away.
		usable := func(v string) bool {
			return v != "" && hasLetters(v, 3) && !placeholder(v) && answerInStem(name, v) == ""
		}
		chosen := distinguishing(cols, attrs, nc, ri, usable)
		if len(chosen) < 2 {
			continue
		}
		var others []string
		for rj, n := range names.cells {
			if rj == ri || n == "" {
				continue
			}
			if slices.ContainsFunc(chosen, func(ci int) bool { return clearlyApart(cols[ci], ri, rj) }) {
				others = append(others, n)
			}
		}
		var needs []string
		for _, ci := range chosen {
			needs = append(needs, strings.ToLower(cols[ci].header)+" "+quote(cols[ci].cells[ri]))
		}
		stem := "A team is choosing among " + g.about(s) + ". They need " + strings.Join(needs, ", and ") + ". Which one fits?"
		first := cols[chosen[0]]
		g.add(KindScenario, s, strconv.Itoa(ti)+"/"+name, stem, name, others,
			basis{name + " — " + strings.Join(needs, ", ") + " (" + g.about(s) + ")", first.header + ": " + first.cells[ri]})
	}
}

// clearlyApart reports whether rows ri and rj of a column say clearly
// different things: "none" and "usually none" do not (a team needing one
// could take the other).
func clearlyApart(c column, ri, rj int) bool {
	if c.keys[ri] == c.keys[rj] {
		return false
	}
	return !nearlySame(newWordSet(words(c.cells[ri])), newWordSet(words(c.cells[rj])))
}

// distinguishing picks, greedily, up to three attributes of row ri that
// rule out the most other rows.
func distinguishing(cols []column, attrs []int, nc, ri int, usable func(string) bool) []int {
	rest := map[int]bool{}
	for rj, n := range cols[nc].cells {
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
				if clearlyApart(cols[ci], ri, rj) {
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
			if clearlyApart(cols[best], ri, rj) {
				delete(rest, rj)
			}
		}
	}
	if len(rest) > 0 {
		// A twin or near-twin ("none" beside "usually none") on every
		// attribute: the same needs would have two answers.
		return nil
	}
	if len(chosen) == 1 {
		// One attribute sets the row apart; a second, the one telling it
		// from the most rows, makes the need read as a scenario.
		best, bestCut := -1, 0
		for _, ci := range attrs {
			cut := 0
			for rj, n := range cols[nc].cells {
				if rj != ri && n != "" && clearlyApart(cols[ci], ri, rj) {
					cut++
				}
			}
			if ci != chosen[0] && usable(cols[ci].cells[ri]) && cut > bestCut {
				best, bestCut = ci, cut
			}
		}
		if best >= 0 {
			chosen = append(chosen, best)
		}
	}
	slices.Sort(chosen)
	return chosen
}
