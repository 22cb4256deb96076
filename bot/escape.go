package bot

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// escapeMrkdwn makes notes or user text safe in Slack mrkdwn: &, < and > are
// escaped as Slack asks, and the formatting characters that Slack has no
// escape for are replaced by look-alikes (* ~ ` always; _ when it could open
// or close italics, i.e. not between two letters or digits as in 4_2_4).
func escapeMrkdwn(s string) string {
	if !mrkdwnSpecial.in(s) {
		return s
	}
	return string(appendEscapeMrkdwn(make([]byte, 0, len(s)+8), s))
}

// appendEscapeMrkdwn appends escapeMrkdwn(s) to b.
func appendEscapeMrkdwn(b []byte, s string) []byte {
	at := mrkdwnSpecial.index(s)
	if at < 0 {
		return append(b, s...)
	}
	if !utf8.ValidString(s) {
		// Written rune by rune, so that invalid bytes come out as U+FFFD
		// (as they always have in text that needs escaping).
		return appendEscapeMrkdwnRunes(b, s)
	}
	// s is cut after each special byte: an underscore right after one sees
	// no rune before it, which counts as the special byte does, as neither
	// letter nor digit.
	for at >= 0 {
		b = append(b, s[:at]...)
		b = appendEscapedMrkdwnByte(b, s, at)
		s = s[at+1:]
		if at = mrkdwnSpecial.index(s); at < 0 {
			b = append(b, s...)
		}
	}
	return b
}

// appendEscapeMrkdwnRunes is appendEscapeMrkdwn for text holding a special
// character, rune by rune.
func appendEscapeMrkdwnRunes(b []byte, s string) []byte {
	for i, c := range s {
		if c < utf8.RuneSelf && mrkdwnSpecial.has(byte(c)) {
			b = appendEscapedMrkdwnByte(b, s, i)
			continue
		}
		b = utf8.AppendRune(b, c)
	}
	return b
}

// appendEscapedMrkdwnByte appends the escape of s[i], one of mrkdwnSpecial.
// An underscore stays one between two letters or digits, where it cannot
// open or close italics (as in 4_2_4), which s around i tells.
func appendEscapedMrkdwnByte(b []byte, s string, i int) []byte {
	switch s[i] {
	case '&':
		return append(b, "&amp;"...)
	case '<':
		return append(b, "&lt;"...)
	case '>':
		return append(b, "&gt;"...)
	case '*':
		return utf8.AppendRune(b, '∗') // U+2217 asterisk operator
	case '~':
		return utf8.AppendRune(b, '∼') // U+223C tilde operator
	case '`':
		return utf8.AppendRune(b, 'ˋ') // U+02CB modifier letter grave accent
	}
	prev, _ := utf8.DecodeLastRuneInString(s[:i])
	next, _ := utf8.DecodeRuneInString(s[i+1:])
	if isWord(prev) && isWord(next) {
		return append(b, '_')
	}
	return utf8.AppendRune(b, '＿') // U+FF3F fullwidth low line
}

// escapeEntities escapes only what Slack asks to escape in any text.
func escapeEntities(s string) string {
	return replaceBytes(s, entitySpecial, func(c byte) string {
		switch c {
		case '&':
			return "&amp;"
		case '<':
			return "&lt;"
		}
		return "&gt;"
	})
}

// escapeCode escapes text inside a code span: entities, and backticks,
// which would end it.
func escapeCode(s string) string {
	return replaceBytes(s, codeSpecial, func(c byte) string {
		switch c {
		case '&':
			return "&amp;"
		case '<':
			return "&lt;"
		case '>':
			return "&gt;"
		}
		return "ˋ"
	})
}

// escapeURL keeps a URL from breaking Slack's <url|text> link syntax.
func escapeURL(u string) string {
	return replaceBytes(u, urlSpecial, func(c byte) string {
		switch c {
		case '|':
			return "%7C"
		case '<':
			return "%3C"
		case '>':
			return "%3E"
		case ' ':
			return "%20"
		}
		return ""
	})
}

// replaceBytes replaces each ASCII byte of s found in set by repl(byte).
func replaceBytes(s string, set *byteSet, repl func(byte) string) string {
	at := set.index(s)
	if at < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	for at >= 0 {
		b.WriteString(s[:at])
		b.WriteString(repl(s[at]))
		s = s[at+1:]
		if at = set.index(s); at < 0 {
			b.WriteString(s)
		}
	}
	return b.String()
}

// byteSet is a set of ASCII bytes. A string holds one of them when one of
// its bytes is one (the bytes of a multi-byte UTF-8 sequence are never
// ASCII), which is strings.ContainsAny for these characters without the
// set made anew on each call. The strings searched are mostly short runs
// of text, where a table beats strings.IndexByte for each character.
type byteSet [256]bool

// newByteSet returns the set of the ASCII characters of chars (others are
// left out).
func newByteSet(chars string) *byteSet {
	var set byteSet
	for i := 0; i < len(chars); i++ {
		if c := chars[i]; c < utf8.RuneSelf {
			set[c] = true
		}
	}
	return &set
}

func (set *byteSet) has(c byte) bool { return set[c] }

// in reports whether s holds a byte of set.
func (set *byteSet) in(s string) bool { return set.index(s) >= 0 }

// index returns the index of the first byte of s in set, or -1.
func (set *byteSet) index(s string) int {
	i := 0
	for ; i+4 <= len(s); i += 4 {
		if set[s[i]] || set[s[i+1]] || set[s[i+2]] || set[s[i+3]] {
			break
		}
	}
	for ; i < len(s); i++ {
		if set[s[i]] {
			return i
		}
	}
	return -1
}

// The characters each escape looks for.
var (
	mrkdwnSpecial = newByteSet("&<>*~`_")
	entitySpecial = newByteSet("&<>")
	codeSpecial   = newByteSet("&<>`")
	urlSpecial    = newByteSet("|<> \n")
)

func isWord(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// slackID reports whether s looks like a Slack user or bot ID (U0123ABC).
func slackID(s string) bool { return idWith(s, "UWB") }

// channelID reports whether s looks like a Slack channel ID (C0123ABC, or
// G… and D… for private channels and direct messages).
func channelID(s string) bool { return idWith(s, "CGD") }

// idWith reports whether s is a Slack ID starting with one of the letters
// in first, then upper-case letters and digits.
func idWith(s, first string) bool {
	if len(s) < 2 || len(s) > 24 || !strings.ContainsRune(first, rune(s[0])) {
		return false
	}
	for _, c := range s[1:] {
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}
