package quiz

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/devopsbot/devopsbot/index/stem"
	"github.com/devopsbot/devopsbot/notes"
)

// Rules for generated questions beyond the hard rules every question
// passes: a distractor must not nearly repeat the answer or another
// distractor, the stem must not
// echo a word only the answer has, the answer must not stand out by its
// length, and there must be at least three options (two are a coin flip).

// minGenerated is the fewest options a generated question may have.
const minGenerated = 3

// weak returns the rules a generated question q breaks; q has a correct
// option in range.
func weak(q Question, tf termFunc) []string {
	var p []string
	add := func(format string, args ...any) { p = append(p, fmt.Sprintf(format, args...)) }
	if len(q.Options) < minGenerated {
		add("only %d options, a generated question needs %d", len(q.Options), minGenerated)
	}
	ans := q.Options[q.Correct]
	at := tf(ans, false)
	var others [][]string
	for i, o := range q.Options {
		if i == q.Correct {
			continue
		}
		ot := tf(o, false)
		others = append(others, tf(o, true))
		if !bothNumbers(ans, o) && nearDuplicate(at, ot) {
			add("option %c %q nearly repeats the answer %q", 'A'+i, clip(o, 40), clip(ans, 40))
		}
		if !comparableLength(ans, o) {
			add("option %c %q and the answer %q differ too much in length", 'A'+i, clip(o, 40), clip(ans, 40))
		}
		for j := i + 1; j < len(q.Options); j++ {
			if j != q.Correct && !bothNumbers(o, q.Options[j]) && nearDuplicate(ot, tf(q.Options[j], false)) {
				add("options %c and %c nearly repeat each other", 'A'+i, 'A'+j)
			}
		}
	}
	for _, quoted := range quotedParts(q.Stem) {
		// A detail quoted with its parent bullets: "Parent › detail".
		for _, part := range strings.Split(quoted, notes.Sep) {
			if cutOff(part) {
				add("the quoted text %q is cut off", clip(part, 60))
			}
		}
	}
	// A service stem is masked by its own rule.
	if q.Kind != KindService {
		// Words of the heading path are the topic, not a clue, unless the
		// answer is that heading itself.
		if w, s := echoed(tf, ans, others, topicTerms(tf, q.Source.Path, ans), q.Stem); w != "" {
			add("the answer's word %q is echoed in the stem as %q", w, s)
		}
	}
	return p
}

// stemStop are words that carry no content for comparing options or
// stems: function words and the words of the generators' own templates.
var stemStop = fieldSet(`the a an of and or to in for on with is are be can by it its as at from
		that this these those which what when where who how than then there their they them you your
		was were been has have had does did do also only all any per via into out up e.g eg i.e etc
		one describe described description listed under item element value values comes right after
		step steps phase phases statement topic service notes blank fill use used using
		every each some few many more most other others once twice just very well like such
		aws amazon`)

func fieldSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// termFunc is terms or a remembering version of it.
type termFunc func(s string, parts bool) []string

// terms returns the stemmed content words of s. With parts, an identifier
// written in camel case ("GroupMinSize") gives its parts instead.
func terms(s string, parts bool) []string {
	out := make([]string, 0, 8)
	start := -1
	flush := func(end int) {
		if start < 0 {
			return
		}
		f := s[start:end]
		start = -1
		if !parts {
			out = appendTerm(out, f)
			return
		}
		for _, w := range camelParts(f) {
			out = appendTerm(out, w)
		}
	}
	for i, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if start < 0 {
				start = i
			}
			continue
		}
		flush(i)
	}
	flush(len(s))
	return out
}

// appendTerm appends the term of one word, if it is one.
func appendTerm(out []string, w string) []string {
	w = strings.ToLower(w) // no copy when already lower case
	switch {
	case strings.ContainsAny(w, "0123456789"):
		return append(out, w) // numbers count whole, however short
	case negation[w]:
		return append(out, w)
	case len(w) < 3 || stemStop[w]:
		return out
	}
	return append(out, stem.Word(w))
}

// camelParts splits an identifier at lower-to-upper case changes
// ("GroupMinSize" -> Group Min Size, "HTTPCode" -> HTTP Code).
func camelParts(s string) []string {
	inner := false
	for i := 1; i < len(s); i++ {
		if s[i] >= 'A' && s[i] <= 'Z' || s[i] >= 0x80 {
			inner = true
			break
		}
	}
	if !inner {
		return []string{s}
	}
	rs := []rune(s)
	var out []string
	start := 0
	for i := 1; i < len(rs); i++ {
		lowerToUpper := unicode.IsLower(rs[i-1]) && unicode.IsUpper(rs[i])
		acronymEnd := i+1 < len(rs) && unicode.IsUpper(rs[i-1]) && unicode.IsUpper(rs[i]) && unicode.IsLower(rs[i+1])
		if lowerToUpper || acronymEnd {
			out = append(out, string(rs[start:i]))
			start = i
		}
	}
	return append(out, string(rs[start:]))
}

// sameTerm reports whether two stemmed words name the same thing: equal,
// or one is an abbreviation the other starts with ("min", "minimum").
func sameTerm(a, b string) bool {
	if a == b {
		return true
	}
	if len(a) > len(b) {
		a, b = b, a
	}
	return len(a) >= 3 && strings.HasPrefix(b, a) && !isNumber(a)
}

func hasTerm(ts []string, w string) bool {
	for _, t := range ts {
		if sameTerm(t, w) {
			return true
		}
	}
	return false
}

// nearDuplicate reports whether two options say nearly the same: the same
// content words; all words of one (three or more) inside the other
// ("…updating a group and phasing out instances" beside "…updating a group
// and phasing out the instances from a previous configuration"); or, for
// longer options, three quarters of all their words shared. An option that negates the other
// ("No data storage", "Data storage") says the opposite, not the same.
func nearDuplicate(a, b []string) bool {
	sa, sb := set(a), set(b)
	if len(sa) == 0 || len(sb) == 0 {
		return false
	}
	if negated(sa) != negated(sb) {
		return false
	}
	inter := 0
	for w := range sa {
		if _, ok := sb[w]; ok {
			inter++
		}
	}
	small := min(len(sa), len(sb))
	union := len(sa) + len(sb) - inter
	switch {
	case inter == len(sa) && inter == len(sb):
		return true
	case small >= 3 && inter == small:
		return true
	case small >= 5:
		// One word apart ("minimum size…", "maximum size…") is a fair
		// contrast; most words shared in another arrangement is a trick.
		return float64(inter) >= 0.75*float64(union)
	}
	return false
}

// negation words are kept as terms however short: they flip the meaning.
var negation = fieldSet("no not non never without cannot")

func negated(s map[string]struct{}) bool {
	for w := range s {
		if negation[w] {
			return true
		}
	}
	return false
}

func set(ws []string) map[string]struct{} {
	m := make(map[string]struct{}, len(ws))
	for _, w := range ws {
		m[w] = struct{}{}
	}
	return m
}

// comparableLength reports whether two options are close enough in length
// that the longer (or shorter) one does not stand out: a one-line
// definition beside three-word ones is the answer whoever reads it.
func comparableLength(a, b string) bool {
	x, y := wordCount(a), wordCount(b)
	if x > y {
		x, y = y, x
	}
	return y <= 2*x+4
}

// echoed returns a word that only the answer has (no distractor has a word
// of its family) and that the stem also uses, with the stem's form of it;
// "" if there is none. Such a stem gives the answer away ("GroupMinSize"
// beside "The minimum size of…", "cannot delete" beside "Stack Deletion").
// Stem words of the topic (the heading path) do not count.
func echoed(tf termFunc, ans string, others [][]string, topic []string, stem string) (string, string) {
	st := stemTerms(tf, stem, topic)
	for _, w := range tf(ans, true) {
		shared := false
		for _, o := range others {
			if hasTerm(o, w) {
				shared = true
				break
			}
		}
		if shared {
			continue
		}
		for _, s := range st {
			if sameTerm(s, w) {
				return w, s
			}
		}
	}
	return "", ""
}

// stemTerms returns the terms of a stem that are not topic terms.
func stemTerms(tf termFunc, stem string, topic []string) []string {
	var st []string
	for _, w := range tf(stem, true) {
		if !hasTerm(topic, w) {
			st = append(st, w)
		}
	}
	return st
}

// topicTerms returns the terms of a heading path, without the heading that
// is the answer itself.
func topicTerms(tf termFunc, path []string, ans string) []string {
	var topic []string
	for _, h := range path {
		if normKey(h) != normKey(ans) {
			topic = append(topic, tf(h, true)...)
		}
	}
	return topic
}

// clues returns the answer's terms that the stem echoes. A distractor with
// the same words takes the clue away, so add prefers such distractors.
func clues(tf termFunc, ans, stem string, topic []string) []string {
	st := stemTerms(tf, stem, topic)
	var out []string
	for _, w := range tf(ans, true) {
		if hasTerm(st, w) {
			out = append(out, w)
		}
	}
	return out
}

// bothNumbers reports whether a and b are both numbers (with units): they
// differ by their value, however alike their words.
func bothNumbers(a, b string) bool {
	_, x := numberUnit(a)
	_, y := numberUnit(b)
	return x && y
}

// quotedParts returns the texts between “ and ” in s.
func quotedParts(s string) []string {
	var out []string
	for {
		i := strings.Index(s, "“")
		if i < 0 {
			return out
		}
		s = s[i+len("“"):]
		j := strings.Index(s, "”")
		if j < 0 {
			return out
		}
		out = append(out, s[:j])
		s = s[j+len("”"):]
	}
}

// dangling are words a complete statement does not end with: a list or a
// clause was meant to follow ("…with different sections like", "eg:").
var dangling = fieldSet("like eg e.g such including include includes of the a an to and or with for from by via than e.g.: be is are can will should must")

// cutOff reports whether a quoted statement stops where a list or clause
// should follow, or is only a parenthesis ("(default)").
func cutOff(t string) bool {
	t = strings.TrimSpace(t)
	if t == "" {
		return false
	}
	if strings.HasSuffix(t, ":") || strings.HasPrefix(t, "(") && strings.HasSuffix(t, ")") {
		return true
	}
	f := strings.Fields(strings.ToLower(t))
	last := strings.TrimRight(f[len(f)-1], ",;")
	return dangling[last]
}
