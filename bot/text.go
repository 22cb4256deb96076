package bot

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// truncateRunes shortens s to at most n runes, ending with "…" when cut,
// preferably at a space.
func truncateRunes(s string, n int) string {
	if n <= 0 {
		return ""
	}
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	if n == 1 {
		return "…"
	}
	cut := 0
	for i := range s {
		if n == 1 {
			cut = i
			break
		}
		n--
	}
	t := s[:cut]
	if sp := strings.LastIndexAny(t, " \n\t"); sp > len(t)*3/4 {
		t = t[:sp]
	}
	return strings.TrimRightFunc(t, unicode.IsSpace) + "…"
}

// oneLine collapses whitespace runs, newlines included, to single spaces,
// and trims the ends. Text that needs no more than trimming is returned
// without a copy.
func oneLine(s string) string {
	t := strings.TrimFunc(s, unicode.IsSpace)
	prevSpace := false
	for i := 0; i < len(t); {
		c := t[i]
		if c < utf8.RuneSelf {
			switch c {
			case ' ':
				if prevSpace {
					return strings.Join(strings.Fields(t), " ")
				}
				prevSpace = true
			case '\t', '\n', '\v', '\f', '\r':
				return strings.Join(strings.Fields(t), " ")
			default:
				prevSpace = false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(t[i:])
		if unicode.IsSpace(r) {
			return strings.Join(strings.Fields(t), " ")
		}
		prevSpace = false
		i += size
	}
	return t
}

// cleanLine is oneLine(clean(s)). Most text (the notes' facts) needs
// neither: it is checked in one pass and returned as it is, and the rest
// goes the long way.
func cleanLine(s string) string {
	if s == "" {
		return s
	}
	if s[0] == ' ' || s[len(s)-1] == ' ' || strings.Contains(s, "  ") {
		return oneLine(clean(s))
	}
	for i := 0; i < len(s); {
		// Printable ASCII and spaces (single, not at the ends: checked
		// above), four bytes at a time while they last.
		for i+4 <= len(s) && lineASCII[s[i]] && lineASCII[s[i+1]] && lineASCII[s[i+2]] && lineASCII[s[i+3]] {
			i += 4
		}
		if i == len(s) {
			break
		}
		if lineASCII[s[i]] {
			i++
			continue
		}
		if s[i] < utf8.RuneSelf {
			return oneLine(clean(s)) // a control character or other whitespace
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError || unicode.IsControl(r) || unicode.IsSpace(r) {
			return oneLine(clean(s))
		}
		i += size
	}
	return s
}

// lineASCII marks the ASCII bytes that neither clean nor oneLine changes
// (the space, unless it is doubled or at an end): ' ' to '~'.
var lineASCII = func() (t [256]bool) {
	for c := ' '; c <= '~'; c++ {
		t[c] = true
	}
	return t
}()

// clean drops control characters (other than newline and tab) and invalid
// UTF-8 from user text.
func clean(s string) string {
	if !needsClean(s) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if r == utf8.RuneError || (unicode.IsControl(r) && r != '\n' && r != '\t') {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// needsClean reports whether clean would change s: whether it holds a
// control character other than newline and tab, U+FFFD or invalid UTF-8.
// ASCII bytes are checked without decoding.
func needsClean(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if (c < 0x20 && c != '\n' && c != '\t') || c == 0x7f {
				return true
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError || unicode.IsControl(r) {
			return true
		}
		i += size
	}
	return false
}

// cutWords shortens s to at most n runes, cut at a word boundary (at a
// clause's end when one is near) and followed by "…" when cut (a first
// word longer than n is cut inside it). Punctuation
// left dangling at the cut is dropped.
func cutWords(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	t := truncateRunes(s, n+1) // n runes and "…"
	t = strings.TrimSuffix(t, "…")
	if rest := s[len(t):]; rest != "" && !unicode.IsSpace(rune(rest[0])) {
		if sp := strings.LastIndexFunc(t, unicode.IsSpace); sp > 0 {
			t = t[:sp]
		}
	}
	// A clause end in the second half is a better place to stop than a
	// word or two after it ("rules: a…").
	if p := strings.LastIndexAny(t, ",;:"); p > len(t)/2 {
		t = t[:p]
	}
	return strings.TrimRightFunc(t, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsPunct(r) }) + "…"
}
