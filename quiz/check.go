package quiz

import (
	"fmt"
	"math"
	"strings"
	"unicode/utf8"

	"github.com/devopsbot/devopsbot/notes"
)

// Checks shared by bank and generated questions, beyond Problems: no
// heading path in the stem, options of balanced length, and over a whole
// bank, balanced letters and a right option that is not the longest more
// often than chance.

// sepMark is the notes' path separator without its spaces.
var sepMark = strings.TrimSpace(notes.Sep)

// headingPath reports a heading path in s: the notes' separator "›", or
// two " > " in a row of words ("Services > CloudFormation > Limits").
func headingPath(s string) bool {
	return strings.Contains(s, sepMark) || strings.Count(s, " > ") >= 2
}

// headingProblems reports a heading path ("Services › CloudFormation")
// in the stem or options: a learner reads the question, not the notes.
func headingProblems(q Question) []string {
	for _, f := range append([]string{q.Stem}, q.Options...) {
		if headingPath(f) {
			return []string{fmt.Sprintf("heading path in %q", clip(f, 60))}
		}
	}
	return nil
}

// Validate returns q's mechanical problems against the notes: the rules
// of Problems, a heading path in the stem or options, a "›" in its quote,
// a number of right options other than declared ("(Choose two.)" in the
// stem exactly when two are right), and a quote missing from its section.
func Validate(q Question, docs []*notes.Document) []string {
	p := append(Problems(q), headingProblems(q)...)
	if strings.Contains(q.Quote, sepMark) {
		p = append(p, "heading separator in the quote")
	}
	if two := chooseTwoRE.MatchString(q.Stem); two != q.ChooseTwo() || len(q.Corrects) > 2 {
		p = append(p, fmt.Sprintf("%d right options; the stem says (Choose two.): %v", len(q.Right()), two))
	}
	if q.Quote == "" {
		return append(p, "no quote from the notes")
	}
	secs := findSections(docs, q.Source.Section, q.Source.Doc)
	if len(secs) != 1 || !QuoteIn(secs[0], q.Quote) {
		p = append(p, fmt.Sprintf("quote not found in section %s", q.Source.Section))
	}
	return p
}

// styleProblems reports options of unbalanced length and a right option
// much longer than every other: both give the answer away.
func styleProblems(q Question) []string {
	if len(q.Options) < 2 {
		return nil
	}
	var p []string
	minW, maxW := math.MaxInt, 0
	for _, o := range q.Options {
		w := wordCount(o)
		minW, maxW = min(minW, w), max(maxW, w)
	}
	if maxW > 3*max(minW, 1) && maxW-minW > 6 {
		p = append(p, fmt.Sprintf("option lengths unbalanced (%d to %d words)", minW, maxW))
	}
	right := q.Right()
	longestRight, longestOther := 0, 0
	for i, o := range q.Options {
		n := utf8.RuneCountInString(o)
		if isIn(i, right) {
			longestRight = max(longestRight, n)
		} else {
			longestOther = max(longestOther, n)
		}
	}
	if longestRight > longestOther*3/2 && longestRight-longestOther > 12 {
		p = append(p, fmt.Sprintf("the right option is much longer than the others (%d to %d characters)", longestRight, longestOther))
	}
	return p
}

func isIn(i int, xs []int) bool {
	for _, x := range xs {
		if x == i {
			return true
		}
	}
	return false
}

// BankReport sums up a set of questions: how often each letter is right
// and how often the right option is the longest, against chance.
type BankReport struct {
	Questions int        `json:"questions"`
	Letters   [5]int     `json:"letters"`        // right options per letter A-E
	Expected  [5]float64 `json:"expected"`       // the same if letters were drawn at random
	Longest   int        `json:"longest"`        // questions whose strictly longest option is right
	Chance    float64    `json:"longest_chance"` // the expected count of those by chance
}

// Report computes the BankReport of qs.
func Report(qs []Question) BankReport {
	var r BankReport
	r.Questions = len(qs)
	for _, q := range qs {
		right := q.Right()
		for _, i := range right {
			if i >= 0 && i < 5 {
				r.Letters[i]++
			}
		}
		share := float64(len(right)) / float64(max(len(q.Options), 1))
		for i := range min(len(q.Options), 5) {
			r.Expected[i] += share
		}
		r.Chance += share
		if l := longestOption(q.Options); l >= 0 && isIn(l, right) {
			r.Longest++
		}
	}
	return r
}

// longestOption returns the index of the strictly longest option, or -1
// on a tie.
func longestOption(opts []string) int {
	best, bestN, tie := -1, -1, false
	for i, o := range opts {
		switch n := utf8.RuneCountInString(o); {
		case n > bestN:
			best, bestN, tie = i, n, false
		case n == bestN:
			tie = true
		}
	}
	if tie {
		return -1
	}
	return best
}

// Problems lists what is out of balance: a letter right far more or less
// often than chance would have it (beyond three standard deviations and
// 30%), or the right option the longest more often than chance allows.
func (r BankReport) Problems() []string {
	var p []string
	if r.Questions < 20 {
		return nil // too few to judge
	}
	for i, e := range r.Expected {
		if e < 5 {
			continue
		}
		n := float64(r.Letters[i])
		if math.Abs(n-e) > 3*math.Sqrt(e) && math.Abs(n-e) > 0.3*e {
			p = append(p, fmt.Sprintf("letter %c is right %d times, %.0f expected by chance", 'A'+i, r.Letters[i], e))
		}
	}
	if n := float64(r.Longest); n > r.Chance+2*math.Sqrt(r.Chance) {
		p = append(p, fmt.Sprintf("the right option is the longest in %d questions, %.0f expected by chance", r.Longest, r.Chance))
	}
	return p
}

// String is the report as a person reads it.
func (r BankReport) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d questions; right letters", r.Questions)
	for i, n := range r.Letters {
		if r.Expected[i] > 0 {
			fmt.Fprintf(&b, " %c %d (%.0f)", 'A'+i, n, r.Expected[i])
		}
	}
	fmt.Fprintf(&b, "; right option the longest %d times (%.0f by chance)", r.Longest, r.Chance)
	return b.String()
}
