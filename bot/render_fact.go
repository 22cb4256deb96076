package bot

import (
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/devopsbot/devopsbot/index"
	"github.com/devopsbot/devopsbot/notes"
)

// ownText is f without its context: its own text and the matches in it.
func ownText(f index.HitFact) index.HitFact {
	out := index.HitFact{Text: f.Text}
	for _, m := range f.Matches {
		if m.In == len(f.Context) {
			out.Matches = append(out.Matches, index.Span{Start: m.Start, End: m.End})
		}
	}
	return out
}

// joinFact returns f's context and text as one line of text, joined by
// notes.Sep, and its matches as byte ranges of that text.
func joinFact(f index.HitFact) (string, []index.Span) {
	if len(f.Context) == 0 {
		return f.Text, f.Matches
	}
	starts := make([]int, 0, len(f.Context)+1)
	var b strings.Builder
	for _, c := range f.Context {
		starts = append(starts, b.Len())
		b.WriteString(c)
		b.WriteString(notes.Sep)
	}
	starts = append(starts, b.Len())
	b.WriteString(f.Text)
	var ms []index.Span
	for _, m := range f.Matches {
		if part := f.Part(m.In); part != "" && m.Start >= 0 && m.End <= len(part) {
			ms = append(ms, index.Span{Start: starts[m.In] + m.Start, End: starts[m.In] + m.End})
		}
	}
	return b.String(), ms
}

// factRuns renders a fact with its matched terms in bold. Matches are
// widened to whole words (Slack only bolds at word boundaries) and merged;
// a long fact is cut to a window around its first match.
func factRuns(f index.HitFact) []run { return appendFactRuns(nil, f) }

// appendFactRuns appends the runs of factRuns(f) to rs.
func appendFactRuns(rs []run, f index.HitFact) []run {
	orig, matches := joinFact(f)
	text := cleanLine(orig)
	spans := wordSpans(orig, text, matches)
	// Window: at most maxFactRunes runes, starting a little before the first match.
	start, end := 0, len(text)
	if len(text) > maxFactRunes && utf8.RuneCountInString(text) > maxFactRunes { // runes are a byte or more
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
	// When cleaning left the text as it was (most facts), a piece of it
	// cut at rune boundaries is left as it is too, but for spaces at its
	// ends: the pieces need no cleaning.
	same := text == orig
	for _, m := range ms {
		if m.Start < 0 || m.End > len(orig) || m.Start >= m.End {
			continue
		}
		var term, before string
		if same && utf8.RuneStart(orig[m.Start]) && (m.End == len(orig) || utf8.RuneStart(orig[m.End])) {
			term = strings.Trim(orig[m.Start:m.End], " ")
			before = strings.TrimRight(orig[:m.Start], " ")
		} else {
			term = cleanLine(orig[m.Start:m.End])
			before = cleanLine(orig[:m.Start])
		}
		if term == "" {
			continue
		}
		// Locate the same occurrence in text: count earlier occurrences in orig.
		nth := strings.Count(before, term)
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

// factSentence is the part of an ask evidence fact to quote: its own text,
// without the bullets it sits under, unless that is too short to read on
// its own ("24/7", "AWS::RDS::DBInstance"); then its parent bullets are
// kept, nearest first, until it reads as a statement.
func factSentence(fact string) string {
	parts := strings.Split(cleanLine(fact), notes.Sep)
	i := len(parts) - 1
	for i > 0 && utf8.RuneCountInString(strings.Join(parts[i:], notes.Sep)) < minQuoteRunes {
		i--
	}
	return truncateRunes(strings.Join(parts[i:], notes.Sep), maxQuoteRunes)
}
