package notes

import (
	"math/rand/v2"
	"testing"
)

// TestIsCollapsed holds isCollapsed, which reads eight bytes at a time, to
// its byte-by-byte reading and to collapse leaving the text as it is, on
// random text of words, spaces, control characters and the lead bytes of
// Unicode spaces.
func TestIsCollapsed(t *testing.T) {
	alphabet := []string{
		"abcdefg ", " hijklmn", "opqrstuv", "a", "b", " ", "  ", "\t", "\n", "\x01", "\x7f", "\u00a0",
		"\u2003", "\u3000", "\ufeff", "\u200b", "é", "→", "\u0085", "xyz", "12345678",
	}
	r := rand.New(rand.NewPCG(5, 6))
	for range 200_000 {
		var b []byte
		for k := r.IntN(24); k > 0; k-- {
			b = append(b, alphabet[r.IntN(len(alphabet))]...)
		}
		s := string(b)
		bytewise := s == "" || s[0] != ' ' && s[len(s)-1] != ' ' && collapsedBytes(b)
		if got := isCollapsed(s); got != bytewise {
			t.Fatalf("isCollapsed(%q) = %v, byte by byte %v", s, got, bytewise)
		} else if got && collapse(s) != s {
			t.Fatalf("isCollapsed(%q) = true, but collapse gives %q", s, collapse(s))
		}
	}
}
