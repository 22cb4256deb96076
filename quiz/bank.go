package quiz

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/devopsbot/devopsbot/notes"
)

// A question bank is a YAML file of hand-written questions with the same
// fields as generated ones:
//
//	questions:
//	  - id: cfn-no-stack-policy          # optional; default: a hash of stem and options
//	    stem: With no stack policy, which stack updates does CloudFormation allow?
//	    options:
//	      - All updates
//	      - No updates
//	      - Only updates to resources with a DeletionPolicy
//	    correct: A                       # a letter A-E, or the exact text of one option
//	    explanation: No policy present - all updates are allowed.
//	    section: 4_2_2_2/stack-policy    # a section ID of the notes (required)
//	    doc: devops-engineer-professional  # optional; needed only if several notes define the section
//	    domains: [2]                     # optional; default: the section's domains
//
// Instead of correct, one option may be written as a mapping and marked:
// "- {text: All updates, correct: true}". The file may also be a bare list
// of questions. "source: {doc: ..., section: ...}" may replace section/doc.
// Every problem is reported with file and line: bad YAML, unknown or
// missing fields, fewer than 2 or more than 5 options, no or two correct
// options, a section the notes do not have, domains outside 1-6, repeated
// IDs, and any rule of Problems.

// BankProblem is one problem in a bank file.
type BankProblem struct {
	File string `json:"file"`
	Line int    `json:"line"`
	Msg  string `json:"message"`
}

func (p BankProblem) String() string { return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Msg) }

// BankError lists every problem found in bank files; it matches ErrBank.
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

// LoadBank reads and validates bank files from fsys against the notes. It
// returns the valid questions and, when any file has problems, a *BankError
// listing all of them.
func LoadBank(fsys fs.FS, docs []*notes.Document, paths ...string) ([]Question, error) {
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
	if len(probs) > 0 {
		return qs, &BankError{Problems: probs}
	}
	return qs, nil
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

var yamlLine = regexp.MustCompile(`line (\d+)`)

// ParseBank parses and validates one bank file. name labels problems. IDs
// repeated across files are checked by LoadBank.
func ParseBank(name string, data []byte, docs []*notes.Document) ([]Question, []BankProblem) {
	es, probs := parseBank(name, data, docs)
	qs := make([]Question, len(es))
	for i, e := range es {
		qs[i] = e.q
	}
	return qs, probs
}

func parseBank(name string, data []byte, docs []*notes.Document) ([]bankEntry, []BankProblem) {
	var probs []BankProblem
	bad := func(line int, format string, args ...any) {
		probs = append(probs, BankProblem{File: name, Line: line, Msg: fmt.Sprintf(format, args...)})
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		line := 0
		if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
			line, _ = strconv.Atoi(m[1])
		}
		bad(line, "bad YAML: %s", strings.TrimPrefix(err.Error(), "yaml: "))
		return nil, probs
	}
	if root.Kind == 0 || len(root.Content) == 0 {
		bad(1, "empty file: want a list of questions or a mapping with questions:")
		return nil, probs
	}
	doc := root.Content[0]
	var list *yaml.Node
	switch doc.Kind {
	case yaml.SequenceNode:
		list = doc
	case yaml.MappingNode:
		for i := 0; i+1 < len(doc.Content); i += 2 {
			k, v := doc.Content[i], doc.Content[i+1]
			if k.Value == "questions" {
				list = v
			} else {
				bad(k.Line, "unknown field %q at the top (want questions)", k.Value)
			}
		}
		if list == nil {
			bad(doc.Line, "missing field questions")
			return nil, probs
		}
		if list.Kind != yaml.SequenceNode {
			bad(list.Line, "questions must be a list")
			return nil, probs
		}
	default:
		bad(doc.Line, "want a list of questions or a mapping with questions:")
		return nil, probs
	}
	var qs []bankEntry
	seen := map[string]int{}
	for _, n := range list.Content {
		q, ps := parseBankQuestion(name, n, docs)
		probs = append(probs, ps...)
		if len(ps) > 0 {
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

func parseBankQuestion(file string, n *yaml.Node, docs []*notes.Document) (Question, []BankProblem) {
	var probs []BankProblem
	bad := func(line int, format string, args ...any) {
		probs = append(probs, BankProblem{File: file, Line: line, Msg: fmt.Sprintf(format, args...)})
	}
	if n.Kind != yaml.MappingNode {
		bad(n.Line, "a question must be a mapping with stem, options, correct and section")
		return Question{}, probs
	}
	q := Question{Kind: KindBank, Correct: -1}
	fields := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch k.Value {
		case "id", "stem", "options", "correct", "explanation", "section", "doc", "domains", "source", "kind":
			if _, dup := fields[k.Value]; dup {
				bad(k.Line, "field %s given twice", k.Value)
			}
			fields[k.Value] = v
		default:
			bad(k.Line, "unknown field %q", k.Value)
		}
	}
	scalar := func(key string) (string, int, bool) {
		v, ok := fields[key]
		if !ok {
			return "", n.Line, false
		}
		if v.Kind != yaml.ScalarNode {
			bad(v.Line, "%s must be text", key)
			return "", v.Line, false
		}
		return strings.TrimSpace(v.Value), v.Line, true
	}
	q.ID, _, _ = scalar("id")
	stem, stemLine, ok := scalar("stem")
	if !ok || stem == "" {
		if _, given := fields["stem"]; !given || ok {
			bad(stemLine, "missing field stem")
		}
	}
	q.Stem = stem
	q.Explanation, _, _ = scalar("explanation")
	if k, line, ok := scalar("kind"); ok && k != "" && k != KindBank {
		bad(line, "kind must be %q for bank questions", KindBank)
	}

	// Options, possibly with one marked correct.
	marked := -1
	if v, ok := fields["options"]; !ok {
		bad(n.Line, "missing field options")
	} else if v.Kind != yaml.SequenceNode {
		bad(v.Line, "options must be a list")
	} else {
		if c := len(v.Content); c < 2 || c > 5 {
			bad(v.Line, "%d options, want 2-5", c)
		}
		seen := map[string]int{}
		for i, o := range v.Content {
			text, line := "", o.Line
			switch o.Kind {
			case yaml.ScalarNode:
				text = o.Value
			case yaml.MappingNode:
				for j := 0; j+1 < len(o.Content); j += 2 {
					k, val := o.Content[j], o.Content[j+1]
					switch k.Value {
					case "text":
						text = val.Value
					case "correct":
						var b bool
						if err := val.Decode(&b); err != nil {
							bad(val.Line, "option correct must be true or false")
						} else if b {
							if marked >= 0 {
								bad(val.Line, "two correct options (%c and %c)", 'A'+marked, 'A'+i)
							}
							marked = i
						}
					default:
						bad(k.Line, "unknown option field %q (want text, correct)", k.Value)
					}
				}
			default:
				bad(line, "option %c must be text", 'A'+i)
			}
			text = strings.TrimSpace(text)
			if text == "" || strings.Trim(text, ".") == "" {
				bad(line, "option %c is empty", 'A'+i)
			}
			if j, dup := seen[normKey(text)]; dup && text != "" {
				bad(line, "options %c and %c are the same", 'A'+j, 'A'+i)
			}
			seen[normKey(text)] = i
			q.Options = append(q.Options, text)
		}
	}

	// Correct: a letter or the text of one option.
	v, hasCorrect := fields["correct"]
	switch {
	case hasCorrect && len(q.Options) == 0:
		// Nothing to resolve correct against; the options are reported.
	case hasCorrect && v.Kind == yaml.SequenceNode:
		if len(v.Content) > 1 {
			bad(v.Line, "two correct options: give exactly one")
		} else {
			bad(v.Line, "correct must be one letter or option text")
		}
	case hasCorrect && v.Kind != yaml.ScalarNode:
		bad(v.Line, "correct must be a letter or the text of an option")
	case hasCorrect:
		c := correctIndex(strings.TrimSpace(v.Value), q.Options)
		switch {
		case c == -2:
			bad(v.Line, "correct %q matches two options", v.Value)
		case c < 0:
			bad(v.Line, "correct %q is neither a letter A-%c nor the text of an option", v.Value, 'A'+max(len(q.Options)-1, 0))
		case marked >= 0 && marked != c:
			bad(v.Line, "two correct options: correct says %c but option %c is marked", 'A'+c, 'A'+marked)
		}
		q.Correct = c
	case marked >= 0:
		q.Correct = marked
	default:
		bad(n.Line, "missing field correct")
	}

	// Source section.
	section, secLine, _ := scalar("section")
	docName, _, _ := scalar("doc")
	if v, ok := fields["source"]; ok {
		if v.Kind != yaml.MappingNode {
			bad(v.Line, "source must be a mapping with doc and section")
		}
		for j := 0; j+1 < len(v.Content); j += 2 {
			k, val := v.Content[j], v.Content[j+1]
			switch k.Value {
			case "section":
				section, secLine = strings.TrimSpace(val.Value), val.Line
			case "doc":
				docName = strings.TrimSpace(val.Value)
			case "path":
			default:
				bad(k.Line, "unknown source field %q (want doc, section)", k.Value)
			}
		}
	}
	var sec *notes.Section
	if section == "" {
		bad(secLine, "missing field section")
	} else {
		var found []*notes.Section
		for _, d := range docs {
			if d == nil || docName != "" && d.Name != docName {
				continue
			}
			if s := d.Section(strings.TrimPrefix(section, "#")); s != nil {
				found = append(found, s)
			}
		}
		switch {
		case len(found) == 0 && docName != "":
			bad(secLine, "unknown section %q in notes %q", section, docName)
		case len(found) == 0:
			bad(secLine, "unknown section %q", section)
		case len(found) > 1:
			bad(secLine, "section %q is in several notes files: add doc", section)
		default:
			sec = found[0]
			q.Source = Source{Doc: sec.Doc, Section: sec.ID, Path: append([]string(nil), sec.Path...)}
		}
	}

	if v, ok := fields["domains"]; ok {
		var ds []int
		if err := v.Decode(&ds); err != nil {
			bad(v.Line, "domains must be a list of numbers 1-6")
		}
		for _, d := range ds {
			if d < 1 || d > 6 {
				bad(v.Line, "domain %d is not 1-6", d)
			}
		}
		q.Domains = ds
	} else if sec != nil {
		q.Domains = SectionDomains(sec)
	}
	if q.ID == "" {
		h := sha256.Sum256([]byte(KindBank + "\x00" + q.Stem + "\x00" + strings.Join(q.Options, "\x00")))
		q.ID = "b" + hex.EncodeToString(h[:6])
	}
	if len(probs) == 0 {
		for _, p := range Problems(q) {
			bad(n.Line, "%s", p)
		}
	}
	return q, probs
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
