package index

import (
	"bufio"
	"bytes"
	"cmp"
	_ "embed"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
)

// defaultAliases is the embedded alias list: abbreviations and other names
// people use for the services and ideas of the exam.
//
//go:embed aliases.txt
var defaultAliases []byte

// ErrAliases is returned for an alias file that cannot be read.
var ErrAliases = errors.New("index: bad alias file")

// aliases expands abbreviations and alternative names. Every line of an alias
// file is one class of equivalent forms ("asg | auto scaling group"). A form
// is matched on analysed terms, so case, plurals and punctuation do not
// matter ("Blue/Green", "blue-green" and "blue green" are one form). Wherever
// a form occurs, in a note or in a query, the class's canonical term is added
// at the position of the form's last word, so a query for "ASG" finds "Auto
// Scaling group" and the other way round, while exact wording still scores
// higher because it matches its own terms too.
type aliases struct {
	// byFirst lists the forms starting with a term, longest first.
	byFirst map[string][]aliasForm
	// canon is each class's canonical term; it starts with "_", which the
	// analyzer never produces, so it cannot collide with a real word.
	canon []string
	// forms lists each class's forms as written, for display and tests.
	forms [][]string
	// frame holds the analysed terms of the "frame:" lines: words of an
	// exam question's frame that say nothing about its topic.
	frame map[string]bool
	// terms holds every term of every form: such words are known to search
	// even when no note contains them.
	terms map[string]bool
}

type aliasForm struct {
	class int
	terms []string
}

// parseAliases reads alias files: one class per line, forms separated by "|",
// "#" starts a comment, "frame:" starts a line of frame words. Classes that
// share a form are merged.
func parseAliases(files ...[]byte) (*aliases, error) {
	frame := map[string]bool{}
	var classes [][]string // forms as written
	formClass := map[string]int{}
	parent := []int{}
	find := func(c int) int {
		for parent[c] != c {
			parent[c] = parent[parent[c]]
			c = parent[c]
		}
		return c
	}
	for fi, data := range files {
		if err := readAliasFile(fi+1, data, frame, func(forms []string) {
			c := len(classes)
			classes = append(classes, forms)
			parent = append(parent, c)
			for _, f := range forms {
				key := strings.Join(formTerms(f), " ")
				if other, ok := formClass[key]; ok {
					parent[find(c)] = find(other)
				} else {
					formClass[key] = c
				}
			}
		}); err != nil {
			return nil, err
		}
	}
	// Merge classes and number the roots.
	a := &aliases{byFirst: map[string][]aliasForm{}, terms: map[string]bool{}, frame: frame}
	rootNum := map[int]int{}
	for c := range classes {
		r := find(c)
		n, ok := rootNum[r]
		if !ok {
			n = len(a.canon)
			rootNum[r] = n
			a.canon = append(a.canon, "_"+strings.Join(formTerms(classes[r][0]), "_"))
			a.forms = append(a.forms, nil)
		}
		a.forms[n] = append(a.forms[n], classes[c]...)
	}
	seen := map[string]bool{}
	for n, forms := range a.forms {
		for _, f := range forms {
			terms := formTerms(f)
			key := strings.Join(terms, " ")
			if seen[key] {
				continue
			}
			seen[key] = true
			for _, t := range terms {
				a.terms[t] = true
			}
			a.byFirst[terms[0]] = append(a.byFirst[terms[0]], aliasForm{class: n, terms: terms})
		}
	}
	for k, fs := range a.byFirst {
		sort.SliceStable(fs, func(i, j int) bool { return len(fs[i].terms) > len(fs[j].terms) })
		a.byFirst[k] = fs
	}
	return a, nil
}

// formTerms returns the terms of an alias form: the first term at each
// position, so "X-Ray" becomes "x ray" and "DeletionPolicy" becomes
// "deletion policy" (write "xray" as a form of its own to match the glued
// spelling).
func formTerms(f string) []string {
	var out []string
	last := -1
	for _, t := range analyzeAll(f) {
		if t.pos != last {
			out = append(out, t.term)
			last = t.pos
		}
	}
	return out
}

// expand returns toks without stop words and with the canonical terms of
// every alias form found in them added (in position order). toks must be in
// position order, as analyzeAll returns them; forms may include stop words
// ("how big").
func (a *aliases) expand(toks []token) []token {
	if a == nil || len(a.byFirst) == 0 || len(toks) == 0 {
		return dropStops(toks)
	}
	any := false
	for i := range toks {
		if _, ok := a.byFirst[toks[i].term]; ok {
			any = true
			break
		}
	}
	if !any {
		return dropStops(toks)
	}
	// Group token indexes by position.
	type group struct{ from, to int } // toks[from:to] share a position
	groups := make([]group, 0, len(toks))
	for i := 0; i < len(toks); {
		j := i + 1
		for j < len(toks) && toks[j].pos == toks[i].pos {
			j++
		}
		groups = append(groups, group{i, j})
		i = j
	}
	has := func(g group, term string) bool {
		for k := g.from; k < g.to; k++ {
			if toks[k].term == term {
				return true
			}
		}
		return false
	}
	var extra []token
	lastEnd := map[int]int{} // class -> last group index covered
	for gi, g := range groups {
		for k := g.from; k < g.to; k++ {
			for _, f := range a.byFirst[toks[k].term] {
				end := gi + len(f.terms) - 1
				if end >= len(groups) {
					continue
				}
				if le, ok := lastEnd[f.class]; ok && gi <= le {
					continue
				}
				ok := true
				for m := 1; m < len(f.terms); m++ {
					if !has(groups[gi+m], f.terms[m]) {
						ok = false
						break
					}
				}
				if !ok {
					continue
				}
				lastEnd[f.class] = end
				last := toks[groups[end].from]
				extra = append(extra, token{term: a.canon[f.class], start: toks[k].start, end: maxEnd(toks[groups[end].from:groups[end].to]), pos: last.pos})
			}
		}
	}
	if len(extra) == 0 {
		return dropStops(toks)
	}
	out := make([]token, 0, len(toks)+len(extra))
	out = append(out, dropStops(toks)...)
	out = append(out, extra...)
	slices.SortStableFunc(out, func(a, b token) int { return cmp.Compare(a.pos, b.pos) })
	return out
}

func maxEnd(toks []token) int {
	e := 0
	for _, t := range toks {
		if t.end > e {
			e = t.end
		}
	}
	return e
}

// readAliasFile reads alias file number fi: it adds the terms of "frame:"
// lines to frame and passes every class line's forms to class.
func readAliasFile(fi int, data []byte, frame map[string]bool, class func(forms []string)) error {
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	line := 0
	for sc.Scan() {
		line++
		text := sc.Text()
		if i := strings.IndexByte(text, '#'); i >= 0 {
			text = text[:i]
		}
		if strings.TrimSpace(text) == "" {
			continue
		}
		if rest, ok := strings.CutPrefix(strings.TrimSpace(text), "frame:"); ok {
			for _, t := range analyze(rest) {
				frame[t.term] = true
			}
			continue
		}
		var forms []string
		for _, f := range strings.Split(text, "|") {
			f = strings.TrimSpace(f)
			if f == "" {
				continue
			}
			if len(analyzeAll(f)) == 0 {
				return fmt.Errorf("alias file %d line %d: %q has no searchable words: %w", fi, line, f, ErrAliases)
			}
			forms = append(forms, f)
		}
		if len(forms) < 2 {
			return fmt.Errorf("alias file %d line %d: need at least two forms separated by |: %w", fi, line, ErrAliases)
		}
		class(forms)
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read alias file %d: %w", fi, err)
	}
	return nil
}
