package quiz

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/devopsbot/devopsbot/notes"
)

// Bank question kinds.
const (
	KindScenario = "scenario" // a team, a requirement and its constraints: which approach?
	KindRecall   = "recall"   // a capability, limit or default, asked directly
)

// entryCheck builds one bank question and collects its problems.
type entryCheck struct {
	file  string
	line  int
	docs  []*notes.Document
	lines map[string]int // field -> line of its value
	probs []BankProblem
}

func (c *entryCheck) bad(line int, format string, args ...any) {
	c.probs = append(c.probs, BankProblem{File: c.file, Line: line, Msg: fmt.Sprintf(format, args...)})
}

func (c *entryCheck) warn(line int, format string, args ...any) {
	c.probs = append(c.probs, BankProblem{File: c.file, Line: line, Msg: fmt.Sprintf(format, args...), Warning: true})
}

// at returns the line of a field's value, or the question's line.
func (c *entryCheck) at(field string) int {
	if l, ok := c.lines[field]; ok {
		return l
	}
	return c.line
}

func (c *entryCheck) build(b bankQuestion) Question {
	q := Question{ID: strings.TrimSpace(b.ID), Stem: strings.TrimSpace(b.Stem), Explanation: strings.TrimSpace(b.Explanation),
		Quote: strings.TrimSpace(b.Quote), Correct: -1, Bank: c.file}
	switch k := strings.TrimSpace(b.Kind); k {
	case KindScenario, KindRecall:
		q.Kind = k
	case "", KindBank:
		q.Kind = KindRecall
	default:
		c.bad(c.at("kind"), "kind %q: want scenario or recall", k)
	}
	if q.Stem == "" {
		c.bad(c.at("stem"), "missing field stem")
	}
	marked := c.options(&q, b.Options)
	c.correct(&q, b.Correct, marked)
	sec := c.section(&q, b.Section, b.Doc)
	if sec != nil {
		c.quotes(&q, sec, b)
	} else if len(b.Also) > 0 {
		c.also(&q, b.Also)
	}
	c.domains(&q, b.Domains, sec)
	c.wrong(&q, b.Wrong, b.Kind != "")
	if q.ID == "" {
		q.ID = bankID(q)
	}
	if len(c.probs) == 0 {
		for _, p := range headingProblems(q) {
			c.bad(c.at("stem"), "%s", p)
		}
		for _, p := range styleProblems(q) {
			c.warn(c.at("options"), "%s", p)
		}
	}
	return q
}

// options reads the options and returns the index of one marked
// {correct: true}, or -1.
func (c *entryCheck) options(q *Question, opts []yaml.Node) int {
	if _, ok := c.lines["options"]; !ok {
		c.bad(c.line, "missing field options")
		return -1
	}
	if n := len(opts); n < 2 || n > 5 {
		c.bad(c.at("options"), "%d options, want 2-5", n)
	}
	marked := -1
	seen := map[string]int{}
	for i, o := range opts {
		text := o.Value
		switch o.Kind {
		case yaml.ScalarNode:
		case yaml.MappingNode:
			c.unknownFields(&o, optionFields(), "option ")
			var bo bankOption
			if err := o.Decode(&bo); err != nil {
				c.bad(o.Line, "option %c: correct must be true or false", 'A'+i)
			}
			text = bo.Text
			if bo.Correct && marked >= 0 {
				c.bad(o.Line, "two correct options (%c and %c)", 'A'+marked, 'A'+i)
			} else if bo.Correct {
				marked = i
			}
		default:
			c.bad(o.Line, "option %c must be text", 'A'+i)
		}
		text = strings.TrimSpace(text)
		if text == "" || strings.Trim(text, ".") == "" {
			c.bad(o.Line, "option %c is empty", 'A'+i)
		} else if j, dup := seen[normKey(text)]; dup {
			c.bad(o.Line, "options %c and %c are the same", 'A'+j, 'A'+i)
		}
		seen[normKey(text)] = i
		q.Options = append(q.Options, text)
	}
	return marked
}

var chooseTwoRE = regexp.MustCompile(`(?i)\(\s*choose two\.?\s*\)`)

// correct resolves the right option(s) and holds them against the stem:
// two right options exactly when it says "(Choose two.)".
func (c *entryCheck) correct(q *Question, v yaml.Node, marked int) {
	line := c.at("correct")
	var vals []string
	switch v.Kind {
	case 0:
		if marked < 0 {
			c.bad(c.line, "missing field correct")
			return
		}
		vals = []string{string(rune('A' + marked))}
	case yaml.ScalarNode:
		vals = []string{strings.TrimSpace(v.Value)}
	case yaml.SequenceNode:
		for _, e := range v.Content {
			vals = append(vals, strings.TrimSpace(e.Value))
		}
	default:
		c.bad(line, "correct must be a letter, or a list of two letters for (Choose two.)")
		return
	}
	if len(q.Options) == 0 {
		return // nothing to resolve against; the options are reported
	}
	var idx []int
	for _, s := range vals {
		switch i := correctIndex(s, q.Options); {
		case i == -2:
			c.bad(line, "correct %q matches two options", s)
		case i < 0:
			c.bad(line, "correct %q is neither a letter A-%c nor the text of an option", s, 'A'+len(q.Options)-1)
		case slices.Contains(idx, i):
			c.bad(line, "correct names %c twice", 'A'+i)
		default:
			idx = append(idx, i)
		}
	}
	if marked >= 0 && (len(idx) != 1 || idx[0] != marked) {
		c.bad(line, "two correct options: correct says %s but option %c is marked", strings.Join(vals, ", "), 'A'+marked)
	}
	two := chooseTwoRE.MatchString(q.Stem)
	switch {
	case len(idx) > 2:
		c.bad(line, "%d correct options: give one, or two for (Choose two.)", len(idx))
	case len(idx) == 2 && !two:
		c.bad(line, "two correct options but the stem does not say (Choose two.)")
	case len(idx) == 1 && two:
		c.bad(line, "the stem says (Choose two.) but one option is correct")
	}
	if len(idx) == 0 {
		return
	}
	slices.Sort(idx)
	q.Correct = idx[0]
	if len(idx) > 1 {
		q.Corrects = idx
	}
}

// section finds the named section in the notes.
func (c *entryCheck) section(q *Question, id, doc string) *notes.Section {
	id, doc = strings.TrimPrefix(strings.TrimSpace(id), "#"), strings.TrimSpace(doc)
	line := c.at("section")
	if id == "" {
		c.bad(line, "missing field section")
		return nil
	}
	found := findSections(c.docs, id, doc)
	switch {
	case len(found) == 0 && doc != "":
		c.bad(line, "unknown section %q in notes %q", id, doc)
	case len(found) == 0:
		c.bad(line, "unknown section %q", id)
	case len(found) > 1:
		c.bad(line, "section %q is in several notes files: add doc", id)
	default:
		s := found[0]
		q.Source = Source{Doc: s.Doc, Section: s.ID, Path: slices.Clone(s.Path)}
		return s
	}
	return nil
}

func findSections(docs []*notes.Document, id, doc string) []*notes.Section {
	var found []*notes.Section
	for _, d := range docs {
		if d == nil || doc != "" && d.Name != doc {
			continue
		}
		if s := d.Section(id); s != nil {
			found = append(found, s)
		}
	}
	return found
}

// quotes holds the quote and the also lines against their sections.
func (c *entryCheck) quotes(q *Question, sec *notes.Section, b bankQuestion) {
	switch {
	case q.Quote == "" && b.Kind != "":
		c.bad(c.at("section"), "missing quote: the deciding line of section %s", sec.ID)
	case q.Quote != "" && !QuoteIn(sec, q.Quote):
		c.bad(c.at("quote"), "quote not found in section %s: %q", sec.ID, clip(q.Quote, 60))
	}
	c.also(q, b.Also)
}

func (c *entryCheck) also(q *Question, also []bankCite) {
	for i, a := range also {
		line := c.at("also")
		sec := strings.TrimPrefix(strings.TrimSpace(a.Section), "#")
		found := findSections(c.docs, sec, q.Source.Doc)
		switch {
		case sec == "" || strings.TrimSpace(a.Quote) == "":
			c.bad(line, "also %d: want section and quote", i+1)
		case len(found) != 1:
			c.bad(line, "also %d: unknown section %q", i+1, sec)
		case !QuoteIn(found[0], a.Quote):
			c.bad(line, "also %d: quote not found in section %s: %q", i+1, sec, clip(a.Quote, 60))
		default:
			q.Also = append(q.Also, Cite{Section: found[0].ID, Quote: strings.TrimSpace(a.Quote)})
		}
	}
}

func (c *entryCheck) domains(q *Question, ds []int, sec *notes.Section) {
	for _, d := range ds {
		if d < 1 || d > 6 {
			c.bad(c.at("domains"), "domain %d is not 1-6", d)
		}
	}
	q.Domains = ds
	if len(ds) == 0 && sec != nil {
		q.Domains = SectionDomains(sec)
	}
}

// wrong reads the reasons each wrong option fails; want says every wrong
// option should have one (new-format questions).
func (c *entryCheck) wrong(q *Question, wrong map[string]string, want bool) {
	if len(q.Options) == 0 || q.Correct < 0 {
		return
	}
	q.Wrong = make([]string, len(q.Options))
	right := q.Right()
	for k, why := range wrong {
		i := correctIndex(strings.TrimSpace(k), q.Options)
		switch {
		case len(strings.TrimSpace(k)) != 1 || i < 0:
			c.bad(c.at("wrong"), "wrong %q: want a letter A-%c", k, 'A'+len(q.Options)-1)
		case slices.Contains(right, i):
			c.bad(c.at("wrong"), "wrong gives a reason for %c, a correct option", 'A'+i)
		default:
			q.Wrong[i] = strings.TrimSpace(why)
		}
	}
	var missing []string
	for i := range q.Options {
		if !slices.Contains(right, i) && q.Wrong[i] == "" {
			missing = append(missing, string(rune('A'+i)))
		}
	}
	if want && len(missing) > 0 {
		c.warn(c.at("wrong"), "no reason why %s fail(s)", strings.Join(missing, ", "))
	}
	if len(missing) == len(q.Options)-len(right) {
		q.Wrong = nil
	}
}

// foldQuote is the form quotes are compared in: lower case, one space
// between words, plain quotes and dashes.
func foldQuote(s string) string {
	s = strings.NewReplacer("“", `"`, "”", `"`, "‘", "'", "’", "'", "–", "-", "—", "-").Replace(strings.ToLower(s))
	return strings.Join(strings.Fields(s), " ")
}

// QuoteIn reports whether quote is in one of the section's facts or its
// text, ignoring case and spacing.
func QuoteIn(s *notes.Section, quote string) bool {
	qf := foldQuote(quote)
	if qf == "" {
		return false
	}
	if strings.Contains(foldQuote(s.Text), qf) {
		return true
	}
	for _, f := range s.Facts {
		if strings.Contains(foldQuote(f.FullText()), qf) {
			return true
		}
	}
	return false
}
