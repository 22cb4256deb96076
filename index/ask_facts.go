package index

import (
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/devopsbot/devopsbot/index/stem"
	"github.com/devopsbot/devopsbot/notes"
)

// This file builds the answerer's index over facts: every bullet, table
// row or sentence of the notes with its terms (aliases, number parts).

// negationWords mark a fact that denies something.
var negationWords = setOf(`not no cannot cant can't don't doesn't isn't aren't won't never
without neither nor`)

// newFactIndex indexes every fact of docs. Sections without facts are
// indexed through their text as one fact.
func newFactIndex(docs []*notes.Document, expand func([]token) []token) *factIndex {
	if expand == nil {
		expand = dropStops
	}
	fx := &factIndex{expand: expand, post: map[string][]int32{}, pathOnly: map[string][]int32{}, idf: map[string]float64{}, secNum: map[*notes.Section]int32{}}
	for _, d := range docs {
		titles := fx.titleTerms(d)
		for si := range d.Sections {
			s := &d.Sections[si]
			seci := int32(fx.nsec)
			fx.nsec++
			fx.secNum[s] = seci
			title := fx.termSet(strings.Join(s.Path, notes.Sep))
			// A cell of a comparison table is about its column's subject,
			// not the section's: its path is the section's parent's.
			var parent map[string]bool
			if len(s.Path) > 1 {
				parent = fx.termSet(strings.Join(s.Path[:len(s.Path)-1], notes.Sep))
			}
			compares := make([]bool, len(s.Tables))
			for i, t := range s.Tables {
				compares[i] = fx.comparison(t, titles)
			}
			// A fact's terms are its own, its parent bullets' and its
			// section path's (path); pathOnly records those only the path
			// gives. own is the fact's text without its parent bullets.
			addTo := func(text, own string, path map[string]bool) {
				id := int32(len(fx.facts))
				fx.facts = append(fx.facts, askFact{sec: s, seci: seci, text: text, neg: hasNegation(text), ownNeg: hasNegation(own)})
				terms := fx.termSet(text)
				for t := range path {
					if !terms[t] {
						terms[t] = true
						fx.pathOnly[t] = append(fx.pathOnly[t], id)
					}
				}
				for t := range terms {
					fx.post[t] = append(fx.post[t], id)
				}
				fx.facts[id].nterm = len(terms)
				fx.avgLen += float64(len(terms))
			}
			add := func(text, own string) { addTo(text, own, title) }
			if len(s.Facts) == 0 {
				for _, sent := range sentences(s.Text) {
					add(sent, sent)
				}
				continue
			}
			for fi, f := range s.Facts {
				if labelOnly(s.Facts, fi) {
					continue
				}
				if f.Kind == notes.FactParagraph {
					// A paragraph says several things; each sentence is
					// evidence on its own.
					for _, sent := range sentences(f.FullText()) {
						add(sent, sent)
					}
					continue
				}
				if f.Kind == notes.FactRow && f.Table < len(compares) && compares[f.Table] {
					// Each cell states its own column's subject ("Kinesis
					// Data Streams: Data storage"); side by side in one
					// fact, the subjects would share every cell.
					for _, p := range f.Pairs {
						cell := p.Header + ": " + p.Value
						addTo(cell, cell, parent)
					}
					continue
				}
				add(f.FullText(), f.Text)
			}
		}
	}
	fx.mendTypos()
	n := float64(len(fx.facts))
	if n > 0 {
		fx.avgLen /= n
	}
	for t, p := range fx.post {
		fx.idf[t] = math.Log(1 + n/float64(len(p)))
	}
	fx.built = true
	return fx
}

// sentences splits a paragraph after ".", "!" or "?" followed by a space
// and an upper-case letter. A piece shorter than askMinSentence bytes is not
// cut off but joined to what follows ("Use e.g. S3. Then ...").
func sentences(text string) []string {
	var out []string
	start := 0
	for i := 0; i+2 < len(text); i++ {
		switch text[i] {
		case '.', '!', '?':
		default:
			continue
		}
		if text[i+1] != ' ' || text[i+2] < 'A' || text[i+2] > 'Z' || i+1-start < askMinSentence {
			continue
		}
		out = append(out, strings.TrimSpace(text[start:i+1]))
		start = i + 2
	}
	if rest := strings.TrimSpace(text[start:]); rest != "" {
		out = append(out, rest)
	}
	return out
}

// authorsTodo reports whether a fact is the notes author's reminder to
// themselves ("TODO: play with gateway stages"). It stays in the index
// (the words still say what the section is about) but states nothing an
// option could rest on, so a reply never quotes it.
func authorsTodo(text string) bool {
	return len(text) >= 4 && strings.EqualFold(text[:4], "todo") && (len(text) == 4 || !unicode.IsLetter(rune(text[4])))
}

// askMinSentence is the shortest piece of a paragraph kept as a sentence.
const askMinSentence = 40

// hasNegation reports whether text holds one of negationWords.
func hasNegation(text string) bool {
	for w := range strings.FieldsFuncSeq(strings.ToLower(text), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r == '\'' || r == '’')
	}) {
		if negationWords[strings.ReplaceAll(w, "’", "'")] {
			return true
		}
	}
	return false
}

// holders calls fn for every fact holding term t, in id order, with the
// share of the term's weight the fact earns: 1 when the fact's own text
// (or a parent bullet) holds t, pathShare when only its section path does
// (every fact under "Elastic Container Service" holds "service").
func (fx *factIndex) holders(t string, pathShare float64, fn func(id int32, share float64)) {
	path := fx.pathOnly[t]
	for _, id := range fx.post[t] {
		for len(path) > 0 && path[0] < id {
			path = path[1:]
		}
		if len(path) > 0 && path[0] == id {
			fn(id, pathShare)
			continue
		}
		fn(id, 1)
	}
}

// termSet returns the distinct analysed terms of text, with aliases. The
// stop words go to the expansion, which drops them after matching alias
// forms that hold them ("at the same time").
func (fx *factIndex) termSet(text string) map[string]bool {
	m := map[string]bool{}
	toks := analyzeAll(text)
	addDurations(m, toks) // before the expansion, which may drop tokens in place
	if fx.built {
		// A duration no fact states matches nothing; kept, it would
		// count as a word of the question the notes do not know.
		for t := range m {
			if isDurationTerm(t) && fx.post[t] == nil {
				delete(m, t)
			}
		}
	}
	for _, tok := range fx.expand(toks) {
		addTerm(m, tok.term)
	}
	return m
}

// durationSeconds are the units of a duration in seconds, by analysed term.
var durationSeconds = map[string]int{
	stem.Word("seconds"): 1, stem.Word("minutes"): 60, stem.Word("hours"): 3600,
	stem.Word("days"): 86400, stem.Word("weeks"): 604800,
}

// addDurations adds to m one term for every duration in toks ("24-hour",
// "a minute", "3h", "seven days"), the same for equal durations in any
// unit (durationTerm): a question says "the 24-hour default" where the
// notes say "1 day (default)", or "about a minute" for "~60 seconds".
// The term holds nothing else, so "second" in "every second" does not
// start matching every fact that counts minutes.
func addDurations(m map[string]bool, toks []token) {
	for i, tok := range toks {
		n, unit := 0, 0
		if parts := numberParts(tok.term, 1); len(parts) == 2 && durationSeconds[parts[1]] > 0 && isNumber(parts[0]) && !isNumber(tok.term) {
			n, _ = strconv.Atoi(parts[0]) // "3h"
			unit = durationSeconds[parts[1]]
		} else if unit = durationSeconds[tok.term]; unit > 0 {
			n = countBefore(toks[:i], tok.pos, unit > 1)
		}
		if n > 0 && unit > 0 {
			m[durationTerm(n*unit)] = true
		}
	}
}

// durationTerm is the term of a duration of s seconds: no word of text
// analyses to it.
func durationTerm(s int) string { return durationPrefix + strconv.Itoa(s) + "s" }

const durationPrefix = "duration:"

// isDurationTerm reports whether t is a durationTerm.
func isDurationTerm(t string) bool { return strings.HasPrefix(t, durationPrefix) }

// countBefore returns the number written just before position pos ("24",
// "three", and "a" when article is true), 0 when there is none. "A
// second" is more often the ordinal ("a second consumer") than a duration.
func countBefore(toks []token, pos int, article bool) int {
	for j := len(toks) - 1; j >= 0 && toks[j].pos >= pos-1; j-- {
		t := toks[j]
		if t.pos != pos-1 {
			continue
		}
		switch {
		case article && (t.term == "a" || t.term == "an"):
			return 1
		case isNumber(t.term):
			n, err := strconv.Atoi(t.term)
			if err == nil {
				return n
			}
		}
	}
	return 0
}

// addTerm adds t to m, with the parts of a word glued to a number
// ("canary10" from "LambdaCanary10Percent10Minutes": "canary", "10"), the
// number and unit of a short duration ("8h": "8", "hour") and the digits of
// a number word ("ten": "10").
func addTerm(m map[string]bool, t string) {
	m[t] = true
	for _, x := range numberParts(t, 1) {
		m[x] = true
	}
}

// numberParts returns the extra terms of a term holding a number: the
// digits of a number word ("ten": "10"), the stemmed letters and the digits
// of a word glued to a number when the letters are at least minLetters long
// ("canary10": "canary", "10"), and the number and unit word of a short
// duration ("8h": "8", "hour"). Other terms have none.
func numberParts(t string, minLetters int) []string {
	if d, ok := numberWords[t]; ok {
		return []string{d}
	}
	// letters then digits
	i := len(t)
	for i > 0 && isDigit(t[i-1]) {
		i--
	}
	if i >= minLetters && i > 0 && i < len(t) && allLower(t[:i]) {
		return []string{stem.Word(t[:i]), t[i:]}
	}
	// digits then a unit
	j := 0
	for j < len(t) && isDigit(t[j]) {
		j++
	}
	if j > 0 && j < len(t) {
		if u, ok := durationUnits[t[j:]]; ok {
			return []string{t[:j], u}
		}
	}
	return nil
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func allLower(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'a' || s[i] > 'z' {
			return false
		}
	}
	return true
}

// durationUnits maps unit suffixes of numbers to the analysed unit word.
var durationUnits = func() map[string]string {
	m := map[string]string{}
	for unit, word := range map[string]string{
		"s": "seconds", "sec": "seconds", "secs": "seconds", "m": "minutes", "min": "minutes",
		"mins": "minutes", "h": "hours", "hr": "hours", "hrs": "hours", "d": "days",
	} {
		m[unit] = stem.Word(word)
	}
	return m
}()

// numberWords are number words exam questions spell out.
var numberWords = map[string]string{
	"one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7",
	"eight": "8", "nine": "9", "ten": "10", "twelve": "12", "fifteen": "15", "twenty": "20",
	"thirty": "30", "sixty": "60", "hundred": "100",
}

// askTerms returns the distinct terms of a scenario or option, with
// aliases, and with words the notes do not use replaced by close words
// they do ("daemon" finds the notes' "demon").
func (fx *factIndex) askTerms(text string) map[string]bool {
	m := fx.termSet(text)
	if fx.correct == nil {
		return m
	}
	for t := range m {
		if _, ok := fx.post[t]; ok {
			continue
		}
		for _, c := range fx.correct(t) {
			if _, ok := fx.post[c.term]; ok {
				m[c.term] = true
			}
		}
	}
	return m
}

// Notes typos: a rare word of the notes one slip away from a common one
// ("environemt", "mulitple", "Measuer user feedback") is read as that word
// too, or a question's "environment" never finds the fact.
const (
	typoMinLetters = 6 // shorter words are too often other words one letter apart ("black", "back")
	typoMaxFacts   = 5 // a typo is rare...
	typoRatio      = 3 // ...and the word it misspells at least this many times as common
)

// mendTypos gives every fact that holds a typo of the notes (typoOf) the
// word it misspells. The words are those of the notes before mending, so
// the outcome does not depend on the order they are visited in.
func (fx *factIndex) mendTypos() {
	byLen := map[int][]string{}
	facts := map[string]int{}
	for t, p := range fx.post {
		facts[t] = len(p)
		if plainWord(t) {
			l := utf8.RuneCountInString(t)
			byLen[l] = append(byLen[l], t)
		}
	}
	for l := range byLen {
		slices.Sort(byLen[l])
	}
	for _, t := range slices.Sorted(maps.Keys(fx.post)) {
		c := typoOf(t, byLen, facts)
		if c == "" {
			continue
		}
		post := fx.post[c]
		for _, id := range fx.post[t] {
			if !slices.Contains(post, id) {
				post = append(post, id)
				fx.facts[id].nterm++
				fx.avgLen++
			}
		}
		slices.Sort(post)
		fx.post[c] = post
	}
}

// typoOf returns the word of the notes that t misspells, or "": t is a
// rare word (facts counts the facts holding each word) of at least
// typoMinLetters letters; the word is typoRatio times as common, one edit
// away (two from 9 letters; osaDistance counts swapped letters once),
// with the same letters but for at most one, and neither begins or ends
// the other ("healthy", "health"; "across", "cross"). Those are the slips
// of typing (swapped letters, one too many or too few), not another word
// ("context", "content").
func typoOf(t string, byLen map[int][]string, facts map[string]int) string {
	n := facts[t]
	rt := []rune(t)
	if n > typoMaxFacts || len(rt) < typoMinLetters || !plainWord(t) {
		return ""
	}
	maxD := 1
	if len(rt) >= 9 {
		maxD = 2
	}
	buf := make([]int, 3*(len(rt)+maxD+2))
	best, bestN := "", 0
	for l := len(rt) - maxD; l <= len(rt)+maxD; l++ {
		for _, c := range byLen[l] {
			cn := facts[c]
			if c == t || cn < typoRatio*n || cn <= bestN || !sameLettersButOne(t, c) ||
				strings.HasPrefix(c, t) || strings.HasPrefix(t, c) || strings.HasSuffix(c, t) || strings.HasSuffix(t, c) {
				continue
			}
			if osaDistance(rt, c, maxD, buf) <= maxD {
				best, bestN = c, cn
			}
		}
	}
	return best
}

// plainWord reports whether t is lower-case ASCII letters only: no alias
// class ("_env"), number or other script.
func plainWord(t string) bool {
	return t != "" && allLower(t)
}

// sameLettersButOne reports whether a and b (plainWord) hold the same
// letters, in any order, but for at most one letter more or less.
func sameLettersButOne(a, b string) bool {
	var c [26]int
	for i := 0; i < len(a); i++ {
		c[a[i]-'a']++
	}
	for i := 0; i < len(b); i++ {
		c[b[i]-'a']--
	}
	d := 0
	for _, v := range c {
		d += max(v, -v)
	}
	return d <= 1
}

// titleTerms returns the terms of every section title of d that has any.
func (fx *factIndex) titleTerms(d *notes.Document) []map[string]bool {
	var out []map[string]bool
	for i := range d.Sections {
		if t := fx.termSet(d.Sections[i].Title); len(t) > 0 {
			out = append(out, t)
		}
	}
	return out
}

// comparison reports whether a table sets subjects side by side: it has
// two or more columns and every column header names a section of the
// notes (its terms hold a title's, or a title's hold its), as
// "Kinesis Data Streams | Kinesis Firehose" does. Its cells are facts
// about their column's subject; a table whose first column names what a
// row is about ("Metric | Effect", "pros | cons") is not one.
func (fx *factIndex) comparison(t notes.Table, titles []map[string]bool) bool {
	if len(t.Header) < 2 {
		return false
	}
	for _, h := range t.Header {
		ht := fx.termSet(h)
		if len(ht) == 0 {
			return false
		}
		named := false
		for _, tt := range titles {
			if subset(ht, tt) || subset(tt, ht) {
				named = true
				break
			}
		}
		if !named {
			return false
		}
	}
	return true
}

// subset reports whether every term of a is in b.
func subset(a, b map[string]bool) bool {
	for t := range a {
		if !b[t] {
			return false
		}
	}
	return true
}

// labelOnly reports whether facts[i] is a bullet that only labels the
// bullets below it ("Consumers", "Records"): a few words whose children
// carry them as context. Alone it states nothing, and being short it
// would outrank the facts it heads on any word they share.
func labelOnly(facts []notes.Fact, i int) bool {
	f := facts[i]
	if f.Kind != notes.FactBullet || i+1 >= len(facts) || len(strings.Fields(f.Text)) > labelWords {
		return false
	}
	next := facts[i+1]
	return len(next.Context) == len(f.Context)+1 && next.Context[len(f.Context)] == f.Text
}

// labelWords is the most words a label bullet has.
const labelWords = 3
