package bot

import (
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/devopsbot/devopsbot/index"
)

// factContextSep joins a fact's parent bullets to it (notes.Fact text).
const factContextSep = " › "

// cutLastContext splits a fact into its parent bullets and its own text;
// nested is false when it has no parent.
func cutLastContext(text string) (ctx, own string, nested bool) {
	i := strings.LastIndex(text, factContextSep)
	if i <= 0 {
		return "", text, false
	}
	return text[:i], text[i+len(factContextSep):], true
}

// trimFact drops the first n bytes of a fact's text, moving its matches.
func trimFact(f index.HitFact, n int) index.HitFact {
	out := index.HitFact{Text: f.Text[n:]}
	for _, m := range f.Matches {
		if m.Start >= n {
			out.Matches = append(out.Matches, index.Span{Start: m.Start - n, End: m.End - n})
		}
	}
	return out
}

// factRuns renders a fact with its matched terms in bold. Matches are
// widened to whole words (Slack only bolds at word boundaries) and merged;
// a long fact is cut to a window around its first match.
func factRuns(f index.HitFact) []run { return appendFactRuns(nil, f) }

// appendFactRuns appends the runs of factRuns(f) to rs.
func appendFactRuns(rs []run, f index.HitFact) []run {
	text := oneLine(clean(f.Text))
	spans := wordSpans(f.Text, text, f.Matches)
	// Window: at most maxFactRunes runes, starting a little before the first match.
	start, end := 0, len(text)
	if utf8.RuneCountInString(text) > maxFactRunes {
		if len(spans) > 0 && utf8.RuneCountInString(text[:spans[0].Start]) > maxFactRunes/2 {
			start = backRunes(text, spans[0].Start, maxFactRunes/4)
			if sp := strings.IndexByte(text[start:], ' '); sp >= 0 && sp < 20 {
				start += sp + 1
			}
		}
		end = forwardRunes(text, start, maxFactRunes)
		if sp := strings.LastIndexByte(text[start:end], ' '); sp > (end-start)*3/4 {
			end = start + sp
		}
	}
	if start > 0 {
		rs = append(rs, plain("…"))
	}
	pos := start
	for _, sp := range spans {
		if sp.End <= pos || sp.Start >= end {
			continue
		}
		s, e := max(sp.Start, pos), min(sp.End, end)
		if s > pos {
			rs = append(rs, plain(text[pos:s]))
		}
		rs = append(rs, bold(text[s:e]))
		pos = e
	}
	if pos < end {
		rs = append(rs, plain(text[pos:end]))
	}
	if end < len(text) {
		rs = append(rs, plain("…"))
	}
	return rs
}

// wordSpans maps match spans from the original fact text onto text (its
// one-line, cleaned form), widens them to whole words and merges overlaps.
// Spans that do not fall on valid boundaries are dropped rather than trusted.
func wordSpans(orig, text string, ms []index.Span) []index.Span {
	var out []index.Span
	for _, m := range ms {
		if m.Start < 0 || m.End > len(orig) || m.Start >= m.End {
			continue
		}
		term := oneLine(clean(orig[m.Start:m.End]))
		if term == "" {
			continue
		}
		// Locate the same occurrence in text: count earlier occurrences in orig.
		nth := strings.Count(oneLine(clean(orig[:m.Start])), term)
		at := nthIndex(text, term, nth)
		if at < 0 {
			continue
		}
		s, e := at, at+len(term)
		for s > 0 {
			r, size := utf8.DecodeLastRuneInString(text[:s])
			if !isWord(r) {
				break
			}
			s -= size
		}
		for e < len(text) {
			r, size := utf8.DecodeRuneInString(text[e:])
			if !isWord(r) {
				break
			}
			e += size
		}
		out = append(out, index.Span{Start: s, End: e})
	}
	slices.SortFunc(out, func(a, b index.Span) int { return a.Start - b.Start })
	var merged []index.Span
	for _, s := range out {
		if n := len(merged); n > 0 && s.Start <= merged[n-1].End {
			merged[n-1].End = max(merged[n-1].End, s.End)
			continue
		}
		merged = append(merged, s)
	}
	return merged
}

func nthIndex(s, sub string, n int) int {
	off := 0
	for {
		i := strings.Index(s[off:], sub)
		if i < 0 {
			return -1
		}
		if n == 0 {
			return off + i
		}
		n--
		off += i + len(sub)
	}
}

// backRunes returns the byte offset n runes before i.
func backRunes(s string, i, n int) int {
	for ; n > 0 && i > 0; n-- {
		_, size := utf8.DecodeLastRuneInString(s[:i])
		i -= size
	}
	return i
}

// forwardRunes returns the byte offset n runes after i.
func forwardRunes(s string, i, n int) int {
	for ; n > 0 && i < len(s); n-- {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return i
}
