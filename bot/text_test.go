package bot

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/devopsbot/devopsbot/index"
)

// randomText is made of pieces that exercise escaping, cleaning and
// whitespace: ASCII words, multi-byte letters, spaces of several kinds,
// control bytes, invalid UTF-8 and the characters Slack treats specially.
func randomText(rng *rand.Rand, n int) string {
	pieces := []string{"aa", "a", "ec2", "S3", "é", "日本", " ", "  ", "\t", "\n", "\u00a0", "\u2028", "\x00", "\x1f", "\x7f",
		"\u0085", "\xff", "\xe6\x97", "\ufffd", "&", "<", ">", "*", "~", "`", "_", "|", "›", "-", ".", "x_y"}
	var b strings.Builder
	for range n {
		b.WriteString(pieces[rng.IntN(len(pieces))])
	}
	return b.String()
}

// A byteSet finds what strings.ContainsAny and strings.IndexAny find for
// the same characters.
func TestByteSetIsContainsAny(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, chars := range []string{"&<>*~`_", "&<>", "&<>`", "|<> \n"} {
		set := newByteSet(chars)
		for i := range 5000 {
			s := randomText(rng, i%12)
			if got, want := set.in(s), strings.ContainsAny(s, chars); got != want {
				t.Fatalf("%q in %q: %v, strings.ContainsAny %v", chars, s, got, want)
			}
			if got, want := set.index(s), strings.IndexAny(s, chars); got != want {
				t.Fatalf("index of %q in %q: %v, strings.IndexAny %v", chars, s, got, want)
			}
		}
	}
}

// needsClean is true exactly when clean's rule drops something: every
// rune, invalid bytes and random text.
func TestNeedsClean(t *testing.T) {
	drops := func(s string) bool {
		return strings.ContainsFunc(s, func(r rune) bool {
			return r == utf8.RuneError || (unicode.IsControl(r) && r != '\n' && r != '\t')
		})
	}
	check := func(s string) {
		t.Helper()
		if got, want := needsClean(s), drops(s); got != want {
			t.Fatalf("needsClean(%q) = %v, want %v", s, got, want)
		}
	}
	for r := rune(0); r <= unicode.MaxRune; r++ {
		check("ab" + string(r))
	}
	for c := range 256 {
		check(string([]byte{'a', byte(c), 'b'}))
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range 20000 {
		check(randomText(rng, i%10))
	}
}

// wordSpansByCleaning is wordSpans locating every match by cleaning the
// text before it, as it did before clean text was left alone.
func wordSpansByCleaning(orig, text string, ms []index.Span) []index.Span {
	var out []index.Span
	for _, m := range ms {
		if m.Start < 0 || m.End > len(orig) || m.Start >= m.End {
			continue
		}
		term := oneLine(clean(orig[m.Start:m.End]))
		if term == "" {
			continue
		}
		at := nthIndex(text, term, strings.Count(oneLine(clean(orig[:m.Start])), term))
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

// wordSpans gives the spans it gave when it cleaned every piece, on clean
// and unclean text, with spans on and off rune boundaries and terms that
// overlap themselves ("aa" in "aaa").
func TestWordSpansSameAsCleaningEachPiece(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	nClean := 0
	for i := range 30000 {
		orig := randomText(rng, 1+i%15)
		if i%2 == 0 { // half of them clean already
			orig = oneLine(strings.Map(func(r rune) rune {
				if r == utf8.RuneError || unicode.IsControl(r) || unicode.IsSpace(r) {
					return ' '
				}
				return r
			}, strings.ToValidUTF8(orig, " ")))
		}
		text := oneLine(clean(orig))
		if text == orig {
			nClean++
		}
		var ms []index.Span
		for range rng.IntN(4) {
			if len(orig) == 0 {
				break
			}
			s := rng.IntN(len(orig))
			ms = append(ms, index.Span{Start: s, End: s + 1 + rng.IntN(min(6, len(orig)-s))})
		}
		got, want := wordSpans(orig, text, ms), wordSpansByCleaning(orig, text, ms)
		if !slices.Equal(got, want) {
			t.Fatalf("wordSpans(%q, %q, %v) = %v, want %v", orig, text, ms, got, want)
		}
	}
	if nClean < 10000 {
		t.Fatalf("only %d clean texts: the fast path is hardly tested", nClean)
	}
}

// The escapes that replace bytes give what replacing each byte on its own
// gives: random text, with invalid UTF-8 left as it is.
func TestReplaceBytesByteByByte(t *testing.T) {
	byByte := func(s string, set *byteSet, repl func(byte) string) string {
		var b strings.Builder
		for i := 0; i < len(s); i++ {
			if set.has(s[i]) {
				b.WriteString(repl(s[i]))
			} else {
				b.WriteByte(s[i])
			}
		}
		return b.String()
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range 5000 {
		s := randomText(rng, i%16)
		for _, e := range []struct {
			name string
			f    func(string) string
			set  *byteSet
		}{{"escapeEntities", escapeEntities, entitySpecial}, {"escapeCode", escapeCode, codeSpecial}, {"escapeURL", escapeURL, urlSpecial}} {
			want := byByte(s, e.set, func(c byte) string { return e.f(string(rune(c))) })
			if got := e.f(s); got != want {
				t.Fatalf("%s(%q) = %q, want %q", e.name, s, got, want)
			}
		}
	}
}

// cleanLine is oneLine(clean(s)): every rune between letters and at the
// ends, every byte, and random text.
func TestCleanLine(t *testing.T) {
	check := func(s string) {
		t.Helper()
		if got, want := cleanLine(s), oneLine(clean(s)); got != want {
			t.Fatalf("cleanLine(%q) = %q, want %q", s, got, want)
		}
	}
	for r := rune(0); r <= unicode.MaxRune; r += 1 + r/64 {
		check("ab cd" + string(r) + "efgh")
		check(string(r) + "ab")
		check("ab" + string(r))
	}
	for c := range 256 {
		check(string([]byte{'a', 'b', 'c', 'd', byte(c), 'e'}))
		check(string([]byte{byte(c)}))
	}
	rng := rand.New(rand.NewPCG(5, 6))
	for i := range 20000 {
		check(randomText(rng, i%24))
	}
	check("")
	check("Auto Scaling › lifecycle hooks: Pending:Wait, then Terminating:Wait")
}
