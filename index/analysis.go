package index

import (
	"github.com/devopsbot/devopsbot/index/stem"
	"strings"
	"unicode"
	"unicode/utf8"
)

// This file is the text analysis shared by indexing, querying and
// highlighting. It is ours rather than one of Bleve's analyzers because the
// stock English chain stems "AWS" to "aw" and "X-Ray" to "x rai", and because
// highlighting needs the same tokens with their byte offsets.
//
// A word is a run of letters and digits. Words joined by "-", "_", ".", ":" or
// an apostrophe form a compound ("x-ray", "cfn-init", "pending:wait"): the
// parts are emitted and then the parts glued together ("xray") at the
// position of the last part, so both spellings match. A camelCase word
// ("DeletionPolicy") is emitted the same way: its parts, then the whole word.
// Terms are lower-cased, stop words dropped, and a light suffix stemmer that
// leaves acronyms and words with digits alone conflates plurals and -ed/-ing
// forms.

// token is one analysed term with its byte range in the analysed text and
// its 1-based position. Tokens emitted for the same words share positions.
type token struct {
	term       string
	start, end int
	pos        int
	stop       bool // a stop word, kept only for alias matching ("how big")
}

// maxCompoundParts bounds the words glued into one compound term.
const maxCompoundParts = 4

// stopWords are dropped from documents and queries alike. Words that carry
// meaning in these notes ("all" at once, "no" echo, "not", "only", "before",
// "after", "new", "old", "out") are deliberately kept.
var stopWords = setOf(`a about against am an and are aren arent as at be been being both
but by can cant could couldn did didn didnt do does doesn doesnt doing don dont down during
each e.g eg etc few for from further had hadn has hasn have haven having he her here hers
herself him himself his how i ie if in into is isn isnt it its itself just let lets me more
most my myself nor of on or other our ours ourselves own same shall she should shouldn so
some such than that thats the their theirs them themselves then there these they this those
through to too under until up very via was wasn wasnt we were weren what whats when where
which while who whom why will with won wont would wouldn you your yours yourself
yourselves s t d ll m re ve`)

func setOf(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

// isWordRune reports whether r belongs inside a word.
func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

// isJoiner reports whether r glues two words into a compound when it sits
// directly between them.
func isJoiner(r rune) bool {
	switch r {
	case '-', '_', '.', ':', '\'', '’', '‐', '‑':
		return true
	}
	return false
}

// span is a word's byte range in the analysed text.
type span struct{ start, end int }

// analyze splits text into tokens. It never fails: invalid UTF-8, control
// characters and other scripts are treated as separators or ordinary letters.
func analyze(text string) []token {
	return dropStops(analyzeAll(text))
}

// analyzeAll is analyze with stop words kept (marked stop, unstemmed), for
// alias matching. Stop words take positions either way, so a phrase never
// matches across a dropped word.
func analyzeAll(text string) []token {
	return appendTokens(make([]token, 0, len(text)/6+2), text, 0)
}

// dropStops removes stop-word tokens, in place.
func dropStops(toks []token) []token {
	out := toks[:0]
	for _, t := range toks {
		if !t.stop {
			out = append(out, t)
		}
	}
	return out
}

// appendTokens appends the tokens of text to dst, numbering positions after
// pos, and returns the extended slice.
func appendTokens(dst []token, text string, pos int) []token {
	i := 0
	for i < len(text) {
		// Skip to the start of a word.
		r, size := utf8.DecodeRuneInString(text[i:])
		if !isWordRune(r) {
			i += size
			continue
		}
		// Collect a compound: words separated by single joiners.
		var wordArr [2 * maxCompoundParts]span
		words := wordArr[:0]
		for {
			start := i
			for i < len(text) {
				r, size = utf8.DecodeRuneInString(text[i:])
				if !isWordRune(r) {
					break
				}
				i += size
			}
			words = append(words, span{start, i})
			if i >= len(text) {
				break
			}
			r, size = utf8.DecodeRuneInString(text[i:])
			if !isJoiner(r) || i+size >= len(text) {
				break
			}
			next, _ := utf8.DecodeRuneInString(text[i+size:])
			if !isWordRune(next) {
				break
			}
			i += size
		}
		dst, pos = appendCompound(dst, text, words, pos)
	}
	return dst
}

// appendCompound emits the tokens of one compound (one or more words).
func appendCompound(dst []token, text string, words []span, pos int) ([]token, int) {
	// Possessives and contractions: "stack's", "don't" keep only the stem.
	if n := len(words); n > 1 {
		last := strings.ToLower(text[words[n-1].start:words[n-1].end])
		sep := text[words[n-2].end:words[n-1].start]
		if (sep == "'" || sep == "’") && (last == "s" || last == "t" || last == "re" || last == "ll" || last == "ve" || last == "d" || last == "m") {
			words = words[:n-1]
		}
	}
	var glued strings.Builder
	emitted := 0
	for _, w := range words {
		raw := text[w.start:w.end]
		lower := strings.ToLower(raw)
		if len(words) > 1 {
			glued.WriteString(lower)
		}
		if stopWords[lower] {
			pos++
			dst = append(dst, token{term: lower, start: w.start, end: w.end, pos: pos, stop: true})
			continue
		}
		if pluralAcronym(raw) {
			// "AZs", "AMIs", "ASGs": the acronym itself.
			pos++
			dst = append(dst, token{term: lower[:len(lower)-1], start: w.start, end: w.end, pos: pos})
			emitted++
			continue
		}
		parts := camelParts(raw)
		if len(parts) > 1 {
			for _, p := range parts {
				pl := strings.ToLower(text[w.start+p.start : w.start+p.end])
				pos++
				if stopWords[pl] {
					dst = append(dst, token{term: pl, start: w.start + p.start, end: w.start + p.end, pos: pos, stop: true})
					continue
				}
				dst = append(dst, token{term: stem.Word(pl), start: w.start + p.start, end: w.start + p.end, pos: pos})
				dst = appendNumberParts(dst, dst[len(dst)-1])
			}
		} else {
			pos++
		}
		dst = append(dst, token{term: stem.Word(lower), start: w.start, end: w.end, pos: pos})
		dst = appendNumberParts(dst, dst[len(dst)-1])
		emitted++
	}
	if len(words) > 1 && len(words) <= maxCompoundParts {
		g := glued.String()
		if emitted == 0 && stopWords[g] {
			return dst, pos
		}
		dst = append(dst, token{term: stem.Word(g), start: words[0].start, end: words[len(words)-1].end, pos: pos})
	}
	return dst, pos
}

// minNumberLetters is the fewest letters before a glued number for the
// analyzer to split them ("canary10", "route53", "base64", but not "ec2",
// "s3" or "x509", which are names).
const minNumberLetters = 3

// appendNumberParts appends the number parts of t (numberParts: "canary10"
// also as "canary" and "10", "8h" also as "8" and "hour", "five" also as
// "5") at t's position and byte range, so "8 hours" meets "8h".
func appendNumberParts(dst []token, t token) []token {
	for _, x := range numberParts(t.term, minNumberLetters) {
		dst = append(dst, token{term: x, start: t.start, end: t.end, pos: t.pos})
	}
	return dst
}

// pluralAcronym reports whether w is two or more capitals (or digits after
// the first capital) followed by a lower-case "s".
func pluralAcronym(w string) bool {
	n := len(w)
	if n < 3 || w[n-1] != 's' || w[0] < 'A' || w[0] > 'Z' {
		return false
	}
	for i := 1; i < n-1; i++ {
		if !(w[i] >= 'A' && w[i] <= 'Z' || w[i] >= '0' && w[i] <= '9') {
			return false
		}
	}
	return true
}

// camelParts splits a word at lower-to-upper case changes ("DeletionPolicy")
// and before the last capital of an acronym run followed by lower case
// ("HTTPServer" -> "HTTP", "Server"). Digits stay with what precedes them.
// Byte ranges are relative to the word.
func camelParts(w string) []span {
	upper := false
	for i, r := range w {
		if i > 0 && unicode.IsUpper(r) {
			upper = true
			break
		}
	}
	if !upper {
		return nil
	}
	var parts []span
	start := 0
	var prev rune = -1
	for i, r := range w {
		if i > 0 {
			split := false
			if unicode.IsUpper(r) && (unicode.IsLower(prev) || unicode.IsDigit(prev)) {
				split = true
			} else if unicode.IsLower(r) && unicode.IsUpper(prev) {
				// "HTTPServer": split before the "S" of "Server".
				pi := i - utf8.RuneLen(prev)
				if pi > start {
					parts = append(parts, span{start, pi})
					start = pi
				}
			}
			if split && i > start {
				parts = append(parts, span{start, i})
				start = i
			}
		}
		prev = r
	}
	parts = append(parts, span{start, len(w)})
	return parts
}
