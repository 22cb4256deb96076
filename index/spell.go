package index

import (
	"math"
	"math/bits"
	"sort"
	"strings"
)

// This file guesses spellings: words of the notes close to an unknown
// query word, and section titles close to a query that found nothing.

type correction struct {
	term string
	dist int
}

// corrections returns the words of the notes closest to an unknown word:
// edit distance 1 for words of 4-8 letters, up to 2 from 9 letters, with
// transpositions counting once ("cloudtrial"). Ties go to the more common
// word; at most two are returned.
func (ix *Index) corrections(w string) []correction {
	rw := []rune(w)
	n := len(rw)
	if n < 4 {
		return nil
	}
	maxD := 1
	if n >= 9 {
		maxD = 2
	}
	type cand struct {
		vocabTerm
		d int
	}
	var best []cand
	buf := make([]int, 3*(n+maxD+2))
	mw := runeMask(w)
	for l := n - maxD; l <= n+maxD; l++ {
		for _, v := range ix.vocab[l] {
			if bits.OnesCount64(mw&^v.runes) > maxD || bits.OnesCount64(v.runes&^mw) > maxD {
				continue // more than maxD letters of one word are missing from the other
			}
			d := osaDistance(rw, v.term, maxD, buf)
			if d <= maxD {
				best = append(best, cand{v, d})
			}
		}
	}
	if len(best) == 0 {
		return nil
	}
	sort.Slice(best, func(i, j int) bool {
		if best[i].d != best[j].d {
			return best[i].d < best[j].d
		}
		if best[i].df != best[j].df {
			return best[i].df > best[j].df
		}
		return best[i].term < best[j].term
	})
	var out []correction
	for _, c := range best {
		if c.d > best[0].d || len(out) == 2 {
			break
		}
		out = append(out, correction{c.term, c.d})
	}
	return out
}

// runeMask sets bit r%64 for every rune r of s. A bit of one word's mask
// that the other's lacks is a rune that word has and the other does not,
// and each such rune costs at least one edit (transpositions move runes
// but do not add or drop any), so the count of those bits, either way,
// is a lower bound on osaDistance.
func runeMask(s string) uint64 {
	var m uint64
	for _, r := range s {
		m |= 1 << (uint(r) % 64)
	}
	return m
}

// osaDistance is the optimal string alignment distance between a and b
// (insertions, deletions, substitutions, adjacent transpositions), or
// maxD+1 when it exceeds maxD. buf is scratch space.
func osaDistance(a []rune, bs string, maxD int, buf []int) int {
	var br [64]rune
	b := br[:0]
	for _, r := range bs {
		if len(b) == cap(br) {
			return maxD + 1
		}
		b = append(b, r)
	}
	if len(a) >= cap(br) {
		return maxD + 1
	}
	la, lb := len(a), len(b)
	if la-lb > maxD || lb-la > maxD {
		return maxD + 1
	}
	w := lb + 1
	if len(buf) < 3*w {
		buf = make([]int, 3*w)
	}
	prev2, prev, cur := buf[0:w], buf[w:2*w], buf[2*w:3*w]
	for j := 0; j <= lb; j++ {
		prev[j] = j
	}
	for i := 1; i <= la; i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= lb; j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				v = min(v, prev2[j-2]+1)
			}
			cur[j] = v
			rowMin = min(rowMin, v)
		}
		if rowMin > maxD {
			return maxD + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[lb]
}

// suggest ranks section titles by shared letter trigrams with query.
func (ix *Index) suggest(q string, k int) []string {
	q = strings.ToValidUTF8(q, " ")
	if len(q) > maxQueryBytes {
		q = q[:maxQueryBytes]
		q = strings.ToValidUTF8(q, "")
	}
	qg := trigrams(q)
	type cand struct {
		title string
		score float64
		level int
	}
	titles := ix.titleGrams()
	cs := make([]cand, 0, len(titles))
	for _, t := range titles {
		shared := 0
		for _, g := range t.grams {
			if qg[g] {
				shared++
			}
		}
		score := 0.0
		if len(t.grams) > 0 && shared > 0 {
			score = float64(shared) / math.Sqrt(float64(len(t.grams)*max(len(qg), 1)))
		}
		cs = append(cs, cand{t.title, score, t.level})
	}
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].score > cs[j].score })
	var out []string
	for _, c := range cs {
		if len(out) == k || c.score < 0.2 {
			break
		}
		out = append(out, c.title)
	}
	if len(out) > 0 {
		return out
	}
	// Nothing close: offer the level-two headings (the services and topics).
	for i := range ix.secs {
		s := ix.secs[i].sec
		if s.Level == 2 && s.Title != "" && len(out) < k {
			out = append(out, s.Title)
		}
	}
	return out
}

// trigrams returns the letter trigrams of the lower-cased words of s, each
// word padded with spaces.
// titleGram is a distinct section title with its trigrams, for
// suggestions.
type titleGram struct {
	title string
	level int
	grams []string
}

// titleGrams returns the distinct section titles in order, each with its
// trigrams, made on first use and kept.
func (ix *Index) titleGrams() []titleGram {
	ix.titles.once.Do(func() {
		seen := map[string]bool{}
		for i := range ix.secs {
			s := ix.secs[i].sec
			if s.Title == "" || seen[s.Title] {
				continue
			}
			seen[s.Title] = true
			t := titleGram{title: s.Title, level: s.Level}
			for g := range trigrams(s.Title) {
				t.grams = append(t.grams, g)
			}
			ix.titles.list = append(ix.titles.list, t)
		}
	})
	return ix.titles.list
}

func trigrams(s string) map[string]bool {
	g := map[string]bool{}
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !isWordRune(r) }) {
		if stopWords[w] {
			continue
		}
		r := []rune(" " + w + " ")
		for i := 0; i+3 <= len(r); i++ {
			g[string(r[i:i+3])] = true
		}
		if len(g) > 2000 {
			break
		}
	}
	return g
}
