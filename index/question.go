package index

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits on pasted exam questions.
const (
	MinOptions       = 2
	MaxOptions       = 6
	MaxQuestionBytes = 8 << 10 // a long practice question is about 2 KB
)

// Errors ParseQuestion returns for text that cannot be a question. The bot
// shows them to the user; they are short and say what is wrong.
var (
	ErrQuestionTooLong = fmt.Errorf("index: question too long (over %d KB)", MaxQuestionBytes>>10)
	ErrNoScenario      = errors.New("index: options but no question text before them")
	ErrDuplicateOption = errors.New("index: the same option letter appears twice")
	ErrTooManyOptions  = fmt.Errorf("index: too many options (at most %d)", MaxOptions)
	ErrEmptyOption     = errors.New("index: an option has no text")
)

// Question is a pasted exam question: the scenario and its options.
type Question struct {
	Text    string   `json:"text"`    // scenario and question, options removed
	Options []Option `json:"options"` // empty when none were found
	// Choose is how many options the question asks for ("(Choose two.)",
	// "Select THREE"); 0 or 1 means one. ParseQuestion sets it from Text;
	// Ask reads it from Text when it is 0 (ChooseCount).
	Choose int `json:"choose,omitempty"`
}

// ChooseCount returns how many options text asks for: k for "Choose k" or
// "Select k" (k a digit or a number word from two to five, in any case,
// in or out of parentheses), else 1.
func ChooseCount(text string) int {
	prev := ""
	for w := range strings.FieldsFuncSeq(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}) {
		if prev == "choose" || prev == "select" {
			if k, ok := chooseWords[w]; ok {
				return k
			}
		}
		prev = w
	}
	return 1
}

// chooseWords are the counts a "Choose k" question can ask for.
var chooseWords = map[string]int{
	"two": 2, "three": 3, "four": 4, "five": 5, "2": 2, "3": 3, "4": 4, "5": 5,
}

// choose returns how many options q asks for, at least 1 and fewer than
// its options.
func (q Question) choose() int {
	k := q.Choose
	if k <= 0 {
		k = ChooseCount(q.Text)
	}
	return max(1, min(k, len(q.Options)-1))
}

// Option is one answer option.
type Option struct {
	Key  string `json:"key"` // "A".."F"
	Text string `json:"text"`
}

// HasOptions reports whether q looks like an exam question with options (at
// least MinOptions). Text without options is answered like a lookup.
func (q Question) HasOptions() bool { return len(q.Options) >= MinOptions }

// ParseQuestion splits pasted text into the scenario and its options.
//
// Options are labelled A) A. (A) A: A - (or lower case a) a. ...), each on its
// own line or all inline in one line, as Slack slash commands flatten text.
// Only a run of consecutive letters A, B, C... in one labelling style counts,
// so "A company..." or "a. m." in prose are not options. When several runs
// exist, runs whose labels start lines win, then the last one (options come
// after the scenario).
//
// ParseQuestion is cheap (one pass, no index): the bot may call it on any
// free text and treat len(q.Options) >= 2 (Question.HasOptions) as "this
// looks like an exam question". Text without options returns a Question
// with only Text set and a nil error. Errors: ErrEmptyQuery (nothing but
// spaces), ErrQuestionTooLong, ErrNoScenario, ErrDuplicateOption,
// ErrTooManyOptions, ErrEmptyOption.
func ParseQuestion(text string) (Question, error) {
	if len(text) > MaxQuestionBytes {
		return Question{}, ErrQuestionTooLong
	}
	text = strings.ToValidUTF8(text, "\uFFFD")
	text = strings.ReplaceAll(text, "\r\n", "\n")
	if strings.TrimSpace(text) == "" {
		return Question{}, ErrEmptyQuery
	}
	marks := findMarkers(text)
	run, ok := bestRun(marks)
	if !ok {
		return Question{Text: cleanSpace(text)}, nil
	}
	if run.dup {
		return Question{}, ErrDuplicateOption
	}
	if len(run.marks) > MaxOptions {
		return Question{}, ErrTooManyOptions
	}
	q := Question{Text: cleanSpace(text[:run.marks[0].start])}
	q.Choose = ChooseCount(q.Text)
	if !hasWord(q.Text) {
		return Question{}, ErrNoScenario
	}
	for i, m := range run.marks {
		end := len(text)
		if i+1 < len(run.marks) {
			end = run.marks[i+1].start
		}
		// Inline lists separate options with commas or semicolons.
		opt := strings.TrimRight(cleanSpace(text[m.end:end]), ",;")
		if !hasWord(opt) {
			return Question{}, ErrEmptyOption
		}
		q.Options = append(q.Options, Option{Key: string(rune('A' + m.letter)), Text: opt})
	}
	return q, nil
}

// marker is one option label found in the text.
type marker struct {
	start, end int  // byte range of the label, end after trailing spaces
	letter     int  // 0 for A
	style      byte // label form, see findMarkers
	lower      bool // label letter is lower case
	lineStart  bool // label is the first thing on its line
}

// findMarkers finds every possible option label: "(A)", "A)", "A.", "A:",
// "A -", upper or lower case, after a word boundary.
func findMarkers(s string) []marker {
	var out []marker
	for i := 0; i < len(s); i++ {
		c := s[i]
		start := i
		var style byte
		var letterAt, j int
		switch {
		case c == '(' && i+2 < len(s) && isASCIILetter(s[i+1]) && s[i+2] == ')':
			if !boundaryBefore(s, i) {
				continue
			}
			style, letterAt, j = '(', i+1, i+3
		case isASCIILetter(c) && i+1 < len(s):
			if !boundaryBefore(s, i) {
				continue
			}
			letterAt = i
			switch n := s[i+1]; {
			case n == ')':
				style, j = ')', i+2
			case n == '.' || n == ':':
				if i+2 < len(s) && !isSpace(s[i+2]) {
					continue
				}
				style, j = n, i+2
			default:
				k := i + 1
				for k < len(s) && (s[k] == ' ' || s[k] == '\t') {
					k++
				}
				dl := dashLen(s[k:])
				if k == i+1 || dl == 0 || k+dl >= len(s) || !isSpace(s[k+dl]) {
					continue
				}
				style, j = '-', k+dl
			}
		default:
			continue
		}
		for j < len(s) && isSpace(s[j]) {
			j++
		}
		l := s[letterAt]
		out = append(out, marker{
			start:     start,
			end:       j,
			letter:    int(unicode.ToUpper(rune(l)) - 'A'),
			style:     style,
			lower:     l >= 'a',
			lineStart: atLineStart(s, start),
		})
	}
	return out
}

// run is a chain of labels A, B, C... of one style.
type run struct {
	marks []marker
	dup   bool // a label of the same style repeats a letter of the run
	lines bool // every label starts a line
}

// bestRun picks the run of at least MinOptions labels that most likely holds
// the options.
func bestRun(marks []marker) (run, bool) {
	var best run
	found := false
	for i, m := range marks {
		if m.letter != 0 {
			continue
		}
		// A label at a line start first tries a run of line labels only,
		// so that "plan B." inside option A does not cut it short.
		if m.lineStart {
			if r, ok := chain(marks, i, true); ok {
				best, found = r, true
				continue
			}
		}
		if r, ok := chain(marks, i, false); ok && (!found || !best.lines) {
			// Later runs win over earlier ones unless the earlier one has
			// its labels on their own lines.
			best, found = r, true
		}
	}
	return best, found
}

// chain follows labels of the style of marks[i] (an A) through B, C...;
// lines restricts it to labels that start lines.
func chain(marks []marker, i int, lines bool) (run, bool) {
	m := marks[i]
	r := run{marks: []marker{m}, lines: m.lineStart}
	same := func(n marker) bool {
		return n.style == m.style && n.lower == m.lower && (!lines || n.lineStart)
	}
	for k := i + 1; k < len(marks); k++ {
		n := marks[k]
		if !same(n) {
			continue
		}
		last := r.marks[len(r.marks)-1].letter
		if n.letter == last+1 {
			r.marks = append(r.marks, n)
			r.lines = r.lines && n.lineStart
			continue
		}
		// A repeated letter is a duplicate option when it starts a line
		// like the others, or when the next letter follows it again;
		// otherwise it is prose inside the last option ("plan B. Then").
		if n.letter <= last && len(r.marks) >= MinOptions &&
			(r.lines && n.lineStart || followedBy(marks[k+1:], n, same)) {
			r.dup = true
		}
		break
	}
	if len(r.marks) < MinOptions {
		return r, false
	}
	// "A) x\nA) y\nB) z": a line label just before the run repeating one
	// of its letters.
	for k := i - 1; k >= 0 && r.lines; k-- {
		if n := marks[k]; same(n) {
			if n.lineStart && n.letter < len(r.marks) {
				r.dup = true
			}
			break
		}
	}
	return r, true
}

// followedBy reports whether the next label of the same style after n has
// the next letter.
func followedBy(rest []marker, n marker, same func(marker) bool) bool {
	for _, o := range rest {
		if same(o) {
			return o.letter == n.letter+1
		}
	}
	return false
}

func isASCIILetter(c byte) bool { return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' }

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// boundaryBefore reports whether a label may start at i: at the start of the
// text, or after a space or Markdown emphasis/quote/bullet character.
func boundaryBefore(s string, i int) bool {
	if i == 0 {
		return true
	}
	switch s[i-1] {
	case ' ', '\t', '\n', '\r', '*', '_', '>', '"', '[':
		return true
	}
	// A non-breaking space before the label.
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return r == '\u00a0'
}

// atLineStart reports whether only spaces, bullets or emphasis precede i on
// its line.
func atLineStart(s string, i int) bool {
	for i > 0 {
		switch s[i-1] {
		case '\n':
			return true
		case ' ', '\t', '*', '_', '-', '>', '#':
			i--
		default:
			if strings.HasSuffix(s[:i], "•") {
				i -= len("•")
				continue
			}
			return false
		}
	}
	return true
}

// dashLen returns the byte length of a hyphen, en dash or em dash at the
// start of s, or 0.
func dashLen(s string) int {
	switch {
	case strings.HasPrefix(s, "-"):
		return 1
	case strings.HasPrefix(s, "–"), strings.HasPrefix(s, "—"):
		return len("–")
	}
	return 0
}

// cleanSpace collapses runs of white space to one space and trims Markdown
// emphasis and bullets left at the ends.
func cleanSpace(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	return strings.Trim(s, " *_-•>")
}

// hasWord reports whether s has a letter or digit.
func hasWord(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return true
		}
	}
	return false
}
