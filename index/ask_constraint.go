package index

import (
	"strings"
	"unicode/utf8"
)

// This file reads the scenario's constraints that rule something out ("the
// cutover must not involve any DNS changes", "without writing retry
// logic", "cannot request record changes"): an option that relies on what
// the scenario rules out is weighed down, however many words it shares
// with the scenario.

// negators start a scope that rules out what follows.
var negators = setOf(`not no without never cannot cant nor avoid avoiding`)

// contractions are negating stems whose "'t" the analyser drops.
var contractions = setOf(`don doesn didn isn aren won can shouldn mustn wouldn couldn`)

// askForbiddenScope is how many content words after a negator it rules out;
// the parts of a compound ("long-term") count as one word.
const askForbiddenScope = 3

// forbidden returns the terms the scenario rules out: the content words
// (with aliases) of each negated scope (askForbiddenScope words, frame words
// such as "want" aside), up to the end of its clause,
// except words the scenario also uses outside such scopes.
func (fx *factIndex) forbidden(scenario string) map[string]bool {
	toks := analyzeAll(scenario)
	var scopes []span
	for i, t := range toks {
		if !negators[t.term] && !(contractions[t.term] && negatedContraction(scenario, t.end)) {
			continue
		}
		end, n := t.end, 0
		for _, u := range toks[i+1:] {
			if u.start < end {
				continue // a part of the word just taken
			}
			gap := scenario[end:u.start]
			if strings.ContainsAny(gap, ".,;:?!()") {
				break
			}
			if joined(gap) {
				end = u.end // the next part of a compound ("long-term"): one word
				continue
			}
			if n == askForbiddenScope {
				break
			}
			if !u.stop && !fx.frame[u.term] {
				n++
			}
			end = u.end
		}
		if end > t.end {
			scopes = append(scopes, span{t.end, end})
		}
	}
	if len(scopes) == 0 {
		return nil
	}
	out := map[string]bool{}
	var rest strings.Builder
	prev := 0
	for _, s := range scopes {
		for t := range fx.termSet(scenario[s.start:s.end]) {
			out[t] = true
		}
		if s.start > prev {
			rest.WriteString(scenario[prev:s.start])
		}
		if s.end <= prev {
			continue
		}
		rest.WriteString(" . ")
		prev = max(prev, s.end)
	}
	rest.WriteString(scenario[prev:])
	for t := range fx.termSet(rest.String()) {
		delete(out, t)
	}
	for t := range out {
		if fx.frame[t] || isNumber(t) {
			delete(out, t)
		}
	}
	return out
}

// joined reports whether gap, the text between two tokens, is a single
// joiner, so that the tokens are parts of one compound word.
func joined(gap string) bool {
	r, size := utf8.DecodeRuneInString(gap)
	return size > 0 && size == len(gap) && isJoiner(r)
}

// negatedContraction reports whether the word ending at end is followed
// by "'t" ("don't", "can’t").
func negatedContraction(text string, end int) bool {
	rest := text[end:]
	return strings.HasPrefix(rest, "'t") || strings.HasPrefix(rest, "’t")
}

// penalizeForbidden weighs down, in both scorers, every option that uses a
// term the scenario rules out and that not every option uses, unless the
// option itself negates something (it may be ruling the same thing out).
func (fx *factIndex) penalizeForbidden(scenario string, options []Option, ot optionTermSets, sup []optionSupport, hyp []float64, factor float64) {
	bad := fx.forbidden(scenario)
	if len(bad) == 0 || factor >= 1 {
		return
	}
	terms, count := ot.terms, ot.count
	for i, o := range options {
		if hasNegation(o.Text) {
			continue
		}
		for t := range terms[i] {
			if bad[t] && count[t] < len(options) {
				sup[i].score *= factor
				hyp[i] *= factor
				break
			}
		}
	}
}
