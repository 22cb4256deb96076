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
	if !mrkdwnSpecial.in(s) {
		return append(b, s...)
	}
	for i, c := range s {
		switch c {
		case '&':
			b = append(b, "&amp;"...)
		case '<':
			b = append(b, "&lt;"...)
		case '>':
			b = append(b, "&gt;"...)
		case '*':
			b = utf8.AppendRune(b, '∗') // U+2217 asterisk operator
		case '~':
			b = utf8.AppendRune(b, '∼') // U+223C tilde operator
		case '`':
			b = utf8.AppendRune(b, 'ˋ') // U+02CB modifier letter grave accent
		case '_':
			prev, _ := utf8.DecodeLastRuneInString(s[:i])
			next, _ := utf8.DecodeRuneInString(s[i+1:])
			if isWord(prev) && isWord(next) {
				b = append(b, '_')
			} else {
				b = utf8.AppendRune(b, '＿') // U+FF3F fullwidth low line
			}
		default:
			b = utf8.AppendRune(b, c)
		}
	}
	return b
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
	if !set.in(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	for i := 0; i < len(s); i++ {
		if set.has(s[i]) {
			b.WriteString(repl(s[i]))
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// byteSet is a set of ASCII bytes. A string holds one of them when one of
// its bytes is one (the bytes of a multi-byte UTF-8 sequence are never
// ASCII), which is strings.ContainsAny for these characters without the
// set made anew on each call.
type byteSet [2]uint64

// newByteSet returns the set of the ASCII characters of chars (others are
// left out).
func newByteSet(chars string) *byteSet {
	var set byteSet
	for i := 0; i < len(chars); i++ {
		if c := chars[i]; c < utf8.RuneSelf {
			set[c>>6] |= 1 << (c & 63)
		}
	}
	return &set
}

func (set *byteSet) has(c byte) bool { return c < utf8.RuneSelf && set[c>>6]&(1<<(c&63)) != 0 }

// in reports whether s holds a byte of set.
func (set *byteSet) in(s string) bool {
	for i := 0; i < len(s); i++ {
		if set.has(s[i]) {
			return true
		}
	}
	return false
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
