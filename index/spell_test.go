package index

import (
	"math/bits"
	"testing"
)

// TestRuneMaskBound checks that the rune-mask count corrections skips
// words by never exceeds the edit distance, on every single and double
// edit (deletion, insertion, substitution, transposition) of some words.
func TestRuneMaskBound(t *testing.T) {
	words := []string{"cloudtrail", "lifecycle", "termination", "kinesis", "beanstalk", "événement"}
	edits := func(w string) []string {
		r := []rune(w)
		var out []string
		for i := range r {
			out = append(out, string(append(append([]rune{}, r[:i]...), r[i+1:]...)))
			for _, c := range "aeitxé" {
				s := append([]rune{}, r...)
				s[i] = c
				out = append(out, string(s))
				out = append(out, string(append(append(append([]rune{}, r[:i]...), c), r[i:]...)))
			}
			if i+1 < len(r) {
				s := append([]rune{}, r...)
				s[i], s[i+1] = s[i+1], s[i]
				out = append(out, string(s))
			}
		}
		return out
	}
	checked := 0
	for _, w := range words {
		for _, e1 := range edits(w) {
			for _, v := range append(edits(e1), e1) {
				d := osaDistance([]rune(w), v, 2, nil)
				a, b := runeMask(w), runeMask(v)
				if lb := max(bits.OnesCount64(a&^b), bits.OnesCount64(b&^a)); lb > d {
					t.Fatalf("%q -> %q: mask bound %d over distance %d", w, v, lb, d)
				}
				checked++
			}
		}
	}
	if checked < 1000 {
		t.Fatalf("only %d pairs checked", checked)
	}
}
