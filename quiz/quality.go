package quiz

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"
)

// Problems returns every quality rule q breaks; nil means q is fit to ask.
// The rules: an ID, a stem and an explanation-free of markup; 2-5 options,
// none empty or a "." placeholder, distinct after normalisation; exactly one
// correct option (Correct in range); no leftover Markdown or HTML (<br, **,
// backticks, ](#, |) in stem, options or explanation; the correct option and
// its obvious variants absent from the stem; numeric options carry the same
// unit as the correct one; domains within 1-6. A generated question (any
// kind but bank) also passes the rules in weak: three options or more, no
// distractor nearly repeating the answer, options of comparable length,
// no word only the answer has echoed in the stem.
func Problems(q Question) []string { return problems(q, terms) }

func problems(q Question, tf termFunc) []string {
	var p []string
	add := func(format string, args ...any) { p = append(p, fmt.Sprintf(format, args...)) }
	if strings.TrimSpace(q.ID) == "" {
		add("missing id")
	}
	if strings.TrimSpace(q.Stem) == "" {
		add("missing stem")
	}
	if n := len(q.Options); n < 2 || n > 5 {
		add("%d options, want 2-5", n)
	}
	if q.Correct < 0 || q.Correct >= len(q.Options) {
		add("correct option %d out of range", q.Correct)
	}
	seen := map[string]int{}
	for i, o := range q.Options {
		t := strings.TrimSpace(o)
		if t == "" || strings.Trim(t, ".") == "" || strings.EqualFold(t, "todo") {
			add("option %c is empty or a placeholder (%q)", 'A'+i, o)
			continue
		}
		k := normKey(o)
		if j, dup := seen[k]; dup {
			add("options %c and %c are the same after normalisation (%q)", 'A'+j, 'A'+i, o)
		}
		seen[k] = i
	}
	fields := append([]string{q.Stem, q.Explanation}, q.Options...)
	for _, f := range fields {
		if m := markup(f); m != "" {
			add("leftover markup %q in %q", m, clip(f, 60))
		}
	}
	if q.Correct >= 0 && q.Correct < len(q.Options) {
		ans := q.Options[q.Correct]
		if v := answerInStem(ans, q.Stem); v != "" {
			add("the answer %q appears in the stem (as %q)", ans, v)
		}
		if q.Bank == "" && q.Kind != KindBank && q.Kind != "" {
			p = append(p, weak(q, tf)...)
		}
		if u, ok := numberUnit(ans); ok {
			for i, o := range q.Options {
				if ou, ok := numberUnit(o); !ok || ou != u {
					add("option %c %q is not a number in %q like the answer %q", 'A'+i, o, u, ans)
				}
			}
		}
	}
	for _, d := range q.Domains {
		if d < 1 || d > 6 {
			add("domain %d is not 1-6", d)
		}
	}
	return p
}

var markupPatterns = []string{"<br", "**", "`", "](#", "|", "<a ", "</", "&nbsp;", "&lt;", "&gt;", " * "}

func markup(s string) string {
	for _, m := range markupPatterns {
		if strings.Contains(s, m) {
			return m
		}
	}
	return ""
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// words splits s into lower-case runs of letters and digits.
func words(s string) []string {
	out := make([]string, 0, 8)
	start := -1
	for i, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			out = append(out, strings.ToLower(s[start:i])) // no copy when already lower case
			start = -1
		}
	}
	if start >= 0 {
		out = append(out, strings.ToLower(s[start:]))
	}
	return out
}

// normKey is the normal form used to compare options: lower-case words.
func normKey(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	start := -1
	flush := func(end int) {
		if start < 0 {
			return
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(strings.ToLower(s[start:end]))
		start = -1
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
	return b.String()
}

func containsSeq(hay, needle []string) bool {
	if len(needle) == 0 || len(needle) > len(hay) {
		return false
	}
outer:
	for i := 0; i+len(needle) <= len(hay); i++ {
		for j := range needle {
			if hay[i+j] != needle[j] {
				continue outer
			}
		}
		return true
	}
	return false
}

var parens = regexp.MustCompile(`\s*\([^)]*\)`)

// genericTail are words that may trail a name without changing what it
// names ("Rolling deployment" is also called "Rolling").
var genericTail = map[string]bool{
	"deployment": true, "deployments": true, "policy": true, "policies": true, "service": true,
	"services": true, "type": true, "types": true, "plugin": true, "environment": true,
	"scaling": true, "function": true, "functions": true, "stacks": true, "testing": true,
}

// variants returns the obvious forms of an answer as word sequences.
func variants(ans string) [][]string {
	base := words(ans)
	out := [][]string{base}
	if p := strings.TrimSpace(parens.ReplaceAllString(ans, "")); p != ans && p != "" {
		out = append(out, words(p))
	}
	for _, v := range append([][]string(nil), out...) {
		if len(v) > 1 && (v[0] == "aws" || v[0] == "amazon") {
			out = append(out, v[1:])
		}
	}
	for _, v := range append([][]string(nil), out...) {
		if len(v) > 1 && genericTail[v[len(v)-1]] {
			out = append(out, v[:len(v)-1])
		}
	}
	for _, v := range append([][]string(nil), out...) {
		if len(v) == 0 {
			continue
		}
		last := v[len(v)-1]
		w := append([]string(nil), v...)
		switch {
		case strings.HasSuffix(last, "s") && len(last) > 3:
			w[len(w)-1] = strings.TrimSuffix(last, "s")
		case len(last) > 2 && !isNumber(last):
			w[len(w)-1] = last + "s"
		default:
			continue
		}
		out = append(out, w)
	}
	keep := out[:0]
	for _, v := range out {
		if len(v) == 0 {
			continue
		}
		if len(v) == 1 && len(v[0]) < 3 && !isNumber(v[0]) {
			continue
		}
		keep = append(keep, v)
	}
	return keep
}

func isNumber(s string) bool {
	_, err := strconv.ParseFloat(strings.ReplaceAll(s, ",", ""), 64)
	return err == nil
}

// answerInStem returns the variant of ans found in stem, or "".
func answerInStem(ans, stem string) string {
	sw := words(stem)
	for _, v := range variants(ans) {
		if containsSeq(sw, v) {
			return strings.Join(v, " ")
		}
	}
	return ""
}

var numUnitRE = regexp.MustCompile(`^~?\s*(\d[\d,]*(?:\.\d+)?)\s*([A-Za-z/%][A-Za-z/% ]*)?$`)

// numberUnit reports whether s is a number with an optional unit, and the
// unit's normal form ("" for a bare number).
func numberUnit(s string) (string, bool) {
	m := numUnitRE.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return "", false
	}
	return unitKey(m[2]), true
}

// unitKey normalises a unit: lower case, singular, common abbreviations.
func unitKey(u string) string {
	u = strings.ToLower(strings.TrimSpace(u))
	if u == "" {
		return ""
	}
	switch u {
	case "s", "sec", "secs", "second", "seconds":
		return "second"
	case "m", "min", "mins", "minute", "minutes":
		return "minute"
	case "h", "hr", "hrs", "hour", "hours":
		return "hour"
	case "d", "day", "days":
		return "day"
	case "kb":
		return "kb"
	}
	if strings.HasSuffix(u, "s") && len(u) > 3 && !strings.HasSuffix(u, "/s") {
		u = strings.TrimSuffix(u, "s")
	}
	return u
}
