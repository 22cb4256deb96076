package quiz

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"

	"github.com/devopsbot/devopsbot/notes"
)

// A question bank is a YAML file of hand-written questions:
//
//	questions:
//	  - id: eb-policy-rolling-no-extra-cost  # unique, kebab-case; default: a hash of stem and options
//	    kind: scenario                        # scenario or recall
//	    domains: [1]                          # exam domains 1-6; default: the section's
//	    stem: >-
//	      A team deploys ... Which deployment policy should they use?
//	    options: [All at once, Rolling, Immutable, Blue/green with a CNAME swap]
//	    correct: B                            # a letter; "(Choose two.)" stems: [A, C]
//	    explanation: Why the answer fits, naming the deciding constraint.
//	    wrong: {A: why A fails, C: ..., D: ...}
//	    section: 3_1_4                        # the deciding section's ID
//	    quote: "exact words from a fact of that section"
//	    also: [{section: 4_2_7, quote: "..."}] # optional further deciding lines
//
// doc names the notes file when several define the section. Older files
// stay valid: kind and quote may be left out (kind "bank" means recall),
// correct may be the exact text of an option, one option may be written as
// {text: ..., correct: true}, "source: {doc, section}" may replace
// section and doc, and the file may be a bare list of questions.
//
// Checks (see checkEntry): every field known and of the right type; 2-5
// options, distinct; one right option, or two when the stem says "(Choose
// two.)"; a section the notes have, whose facts or text hold the quote
// (case and spacing aside); wrong reasons only for wrong options; IDs
// unique; and every rule of Problems. A question breaking one is skipped.
// Warnings (reported by quiz check, the question kept): a wrong option
// without its reason, options of unbalanced length, the right option much
// longer than the others.

// BankProblem is one problem in a bank file.
type BankProblem struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Msg     string `json:"message"`
	Warning bool   `json:"warning,omitempty"` // the question is kept
}

func (p BankProblem) String() string {
	if p.Warning {
		return fmt.Sprintf("%s:%d: warning: %s", p.File, p.Line, p.Msg)
	}
	return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Msg)
}

// BankError lists the problems that made questions be skipped; it matches
// ErrBank.
type BankError struct{ Problems []BankProblem }

func (e *BankError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return fmt.Sprintf("question bank: %d problem(s):\n%s", len(e.Problems), strings.Join(lines, "\n"))
}

// Is makes errors.Is(err, ErrBank) true.
func (e *BankError) Is(target error) bool { return target == ErrBank }

// LoadBank reads bank files from fsys and checks them against the notes.
// It returns the valid questions and, when any question was skipped or a
// file could not be read, a *BankError listing why. Warnings are left out:
// CheckBank lists them.
func LoadBank(fsys fs.FS, docs []*notes.Document, paths ...string) ([]Question, error) {
	qs, probs := CheckBank(fsys, docs, paths...)
	var errs []BankProblem
	for _, p := range probs {
		if !p.Warning {
			errs = append(errs, p)
		}
	}
	if len(errs) > 0 {
		return qs, &BankError{Problems: errs}
	}
	return qs, nil
}

// CheckBank is LoadBank returning every problem, warnings included.
func CheckBank(fsys fs.FS, docs []*notes.Document, paths ...string) ([]Question, []BankProblem) {
	var qs []Question
	var probs []BankProblem
	ids := map[string]BankProblem{}
	for _, p := range paths {
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			probs = append(probs, BankProblem{File: p, Msg: "cannot read: " + unwrapPath(err)})
			continue
		}
		got, ps := parseBank(p, data, docs)
		probs = append(probs, ps...)
		for _, e := range got {
			if first, dup := ids[e.q.ID]; dup {
				probs = append(probs, BankProblem{File: p, Line: e.line, Msg: fmt.Sprintf("id %q already used at %s:%d", e.q.ID, first.File, first.Line)})
				continue
			}
			ids[e.q.ID] = BankProblem{File: p, Line: e.line}
			qs = append(qs, e.q)
		}
	}
	return qs, probs
}

func unwrapPath(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

type bankEntry struct {
	q    Question
	line int
}

// ParseBank parses and checks one bank file. name labels problems. IDs
// repeated across files are checked by LoadBank.
func ParseBank(name string, data []byte, docs []*notes.Document) ([]Question, []BankProblem) {
	es, probs := parseBank(name, data, docs)
	qs := make([]Question, len(es))
	for i, e := range es {
		qs[i] = e.q
	}
	return qs, probs
}

var yamlLine = regexp.MustCompile(`line (\d+)`)

// yamlProblems turns a YAML error into problems, one per line it names.
func yamlProblems(file string, err error, fallback int, prefix string) []BankProblem {
	msgs := []string{err.Error()}
	var te *yaml.TypeError
	if errors.As(err, &te) {
		msgs = te.Errors
	}
	var out []BankProblem
	for _, m := range msgs {
		line := fallback
		if sm := yamlLine.FindStringSubmatch(m); sm != nil {
			line, _ = strconv.Atoi(sm[1])
		}
		m = strings.TrimPrefix(m, "yaml: ")
		m = strings.TrimSpace(yamlLine.ReplaceAllString(m, ""))
		out = append(out, BankProblem{File: file, Line: line, Msg: prefix + strings.TrimPrefix(m, ": ")})
	}
	return out
}

// bankList returns the list of question nodes of a bank file.
func bankList(name string, data []byte) (*yaml.Node, []BankProblem) {
	bad := func(line int, format string, args ...any) []BankProblem {
		return []BankProblem{{File: name, Line: line, Msg: fmt.Sprintf(format, args...)}}
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, yamlProblems(name, err, 0, "bad YAML: ")
	}
	if root.Kind == 0 || len(root.Content) == 0 {
		return nil, bad(1, "empty file: want a list of questions or a mapping with questions:")
	}
	doc := root.Content[0]
	switch doc.Kind {
	case yaml.SequenceNode:
		return doc, nil
	case yaml.MappingNode:
		var top struct {
			Questions yaml.Node `yaml:"questions"`
		}
		var probs []BankProblem
		for i := 0; i+1 < len(doc.Content); i += 2 {
			if k := doc.Content[i]; k.Value != "questions" {
				probs = append(probs, bad(k.Line, "unknown field %q at the top (want questions)", k.Value)...)
			}
		}
		if err := doc.Decode(&top); err != nil || top.Questions.Kind == 0 {
			return nil, append(probs, bad(doc.Line, "missing field questions")...)
		}
		if top.Questions.Kind != yaml.SequenceNode {
			return nil, append(probs, bad(top.Questions.Line, "questions must be a list")...)
		}
		return &top.Questions, probs
	}
	return nil, bad(doc.Line, "want a list of questions or a mapping with questions:")
}

func parseBank(name string, data []byte, docs []*notes.Document) ([]bankEntry, []BankProblem) {
	list, probs := bankList(name, data)
	if list == nil {
		return nil, probs
	}
	var qs []bankEntry
	seen := map[string]int{}
	for _, n := range list.Content {
		q, ps := parseBankQuestion(name, n, docs)
		probs = append(probs, ps...)
		if hasError(ps) {
			continue
		}
		if line, dup := seen[q.ID]; dup {
			probs = append(probs, BankProblem{File: name, Line: n.Line, Msg: fmt.Sprintf("id %q already used at line %d", q.ID, line)})
			continue
		}
		seen[q.ID] = n.Line
		qs = append(qs, bankEntry{q, n.Line})
	}
	return qs, probs
}

func hasError(ps []BankProblem) bool {
	for _, p := range ps {
		if !p.Warning {
			return true
		}
	}
	return false
}

// bankQuestion is one question as written in a bank file.
type bankQuestion struct {
	ID          string            `yaml:"id"`
	Kind        string            `yaml:"kind"`
	Domains     []int             `yaml:"domains"`
	Stem        string            `yaml:"stem"`
	Options     []yaml.Node       `yaml:"options"` // text, or {text, correct}
	Correct     yaml.Node         `yaml:"correct"` // letter, option text, or list of letters
	Explanation string            `yaml:"explanation"`
	Wrong       map[string]string `yaml:"wrong"`
	Section     string            `yaml:"section"`
	Doc         string            `yaml:"doc"`
	Quote       string            `yaml:"quote"`
	Also        []bankCite        `yaml:"also"`
	Source      *bankSource       `yaml:"source"`
}

type bankCite struct {
	Section string `yaml:"section"`
	Quote   string `yaml:"quote"`
}

type bankSource struct {
	Doc     string   `yaml:"doc"`
	Section string   `yaml:"section"`
	Path    []string `yaml:"path"` // ignored: the notes give the path
}

type bankOption struct {
	Text    string `yaml:"text"`
	Correct bool   `yaml:"correct"`
}

// yamlFields returns the field names of a struct's yaml tags.
func yamlFields(v any) map[string]bool {
	out := map[string]bool{}
	t := reflect.TypeOf(v)
	for i := range t.NumField() {
		out[strings.Split(t.Field(i).Tag.Get("yaml"), ",")[0]] = true
	}
	return out
}

var (
	questionFields = sync.OnceValue(func() map[string]bool { return yamlFields(bankQuestion{}) })
	citeFields     = sync.OnceValue(func() map[string]bool { return yamlFields(bankCite{}) })
	sourceFields   = sync.OnceValue(func() map[string]bool { return yamlFields(bankSource{}) })
	optionFields   = sync.OnceValue(func() map[string]bool { return yamlFields(bankOption{}) })
)

// unknownFields reports the keys of mapping n that are not in known.
func (c *entryCheck) unknownFields(n *yaml.Node, known map[string]bool, what string) {
	if n == nil || n.Kind != yaml.MappingNode {
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := n.Content[i]; !known[k.Value] {
			c.bad(k.Line, "unknown %sfield %q", what, k.Value)
		}
	}
}

// lines maps each key of a mapping node to the line of its value.
func lines(n *yaml.Node) map[string]int {
	out := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		out[n.Content[i].Value] = n.Content[i+1].Line
	}
	return out
}

func parseBankQuestion(file string, n *yaml.Node, docs []*notes.Document) (Question, []BankProblem) {
	c := &entryCheck{file: file, line: n.Line, docs: docs}
	if n.Kind != yaml.MappingNode {
		c.bad(n.Line, "a question must be a mapping with stem, options, correct and section")
		return Question{}, c.probs
	}
	c.lines = lines(n)
	c.unknownFields(n, questionFields(), "")
	var b bankQuestion
	if err := n.Decode(&b); err != nil {
		c.probs = append(c.probs, yamlProblems(file, err, n.Line, "")...)
		return Question{}, c.probs
	}
	if b.Source != nil {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == "source" {
				c.unknownFields(n.Content[i+1], sourceFields(), "source ")
			}
		}
		b.Section, b.Doc, c.lines["section"] = b.Source.Section, b.Source.Doc, c.at("source")
	}
	q := c.build(b)
	if len(c.probs) == 0 {
		for _, p := range Problems(q) {
			c.bad(n.Line, "%s", p)
		}
	}
	return q, c.probs
}

// bankID is the default ID of a bank question: a hash of stem and options.
func bankID(q Question) string {
	h := sha256.Sum256([]byte(KindBank + "\x00" + q.Stem + "\x00" + strings.Join(q.Options, "\x00")))
	return "b" + hex.EncodeToString(h[:6])
}

// correctIndex resolves a letter (A-E, case-insensitive) or option text;
// -1 if neither, -2 if the text matches two options.
func correctIndex(v string, options []string) int {
	if len(v) == 1 {
		c := strings.ToUpper(v)[0]
		if c >= 'A' && int(c-'A') < len(options) {
			return int(c - 'A')
		}
	}
	found := -1
	for i, o := range options {
		if normKey(o) == normKey(v) && v != "" {
			if found >= 0 {
				return -2
			}
			found = i
		}
	}
	return found
}

// Pool returns the questions generated from docs followed by the bank's,
// each ID once.
func Pool(docs []*notes.Document, bank []Question) []Question {
	out := Generate(docs...)
	seen := make(map[string]bool, len(out))
	for _, q := range out {
		seen[q.ID] = true
	}
	for _, q := range bank {
		if !seen[q.ID] {
			seen[q.ID] = true
			out = append(out, q)
		}
	}
	return out
}
