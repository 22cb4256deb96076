package index

import (
	"cmp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/devopsbot/devopsbot/index/stem"
)

// This file reads the scenario's constraints. Those that rule something
// out ("the cutover must not involve any DNS changes", "without writing
// retry logic", "cannot request record changes"): an option that relies
// on what the scenario rules out is weighed down, however many words it
// shares with the scenario. And those that name what must keep working
// (below, from keepModals on).

// negators start a scope that rules out what follows.
var negators = setOf(`not no without never cannot cant nor avoid avoiding`)

// contractions are negating stems whose "'t" the analyser drops.
var contractions = setOf(`don doesn didn isn aren won can shouldn mustn wouldn couldn`)

// askForbiddenScope is how many content words after a negator it rules out;
// the parts of a compound ("long-term") count as one word.
const askForbiddenScope = 3

// negScope is a negated stretch of text: from just after its negator to
// the end of its last word, with the first content word (its head: the
// term and where it ends), "" when there is none.
type negScope struct {
	span
	head    string
	headEnd int
	// req: the negation states a requirement ("must not", "does not want
	// to", "without", "no ...") rather than describing the situation
	// ("the metrics do not appear", "tasks cannot be placed").
	req bool
}

// negatedScopes returns the scopes the negators of text start: up to
// askForbiddenScope content words each (frame words such as "want" aside),
// to the end of the clause.
func (fx *factIndex) negatedScopes(text string) []negScope {
	toks := analyzeAll(text)
	var scopes []negScope
	for i, t := range toks {
		if !negators[t.term] && !(contractions[t.term] && negatedContraction(text, t.end)) {
			continue
		}
		sc := negScope{span: span{t.end, t.end}, req: requirementNegation(toks, i)}
		n := 0
		for _, u := range toks[i+1:] {
			if u.start < sc.end {
				continue // a part of the word just taken
			}
			gap := text[sc.end:u.start]
			if strings.ContainsAny(gap, ".,;:?!()") {
				break
			}
			if joined(gap) {
				sc.end = u.end // the next part of a compound ("long-term"): one word
				continue
			}
			if n == askForbiddenScope {
				break
			}
			if !u.stop && !fx.frame[u.term] {
				if n == 0 {
					sc.head, sc.headEnd = u.term, u.end
				}
				n++
			}
			sc.end = u.end
		}
		if sc.end > t.end {
			scopes = append(scopes, sc)
		}
	}
	return scopes
}

// Words that make a negation a requirement: a negator that is one by
// itself, a modal before the negator, a wish after it (stemmed).
var (
	reqNegators = setOf(`no without never avoid`)
	reqModals   = setOf(`must should shall`)
	reqWishes   = func() map[string]bool {
		m := map[string]bool{}
		for _, w := range strings.Fields(`want need wish require allow expect`) {
			m[stem.Word(w)] = true
		}
		return m
	}()
)

// statingVerbs before "no" make it describe the situation.
var statingVerbs = setOf(`has have had is are was were there`)

// quantifiers say how much of what a scope rules out, not what.
var quantifiers = setOf(`any all every ever some`)

// requirementNegation reports whether the negator toks[i] states what the
// scenario requires: "no" or "without" (avoid, never), a modal before it
// ("must not"), or a wish after it ("does not want to", "do not need").
func requirementNegation(toks []token, i int) bool {
	if i > 0 && reqModals[toks[i-1].term] {
		return true
	}
	if reqNegators[toks[i].term] {
		// "it has no termination protection", "there is no queue":
		// what the scenario has, not what it asks for.
		return i == 0 || !statingVerbs[toks[i-1].term]
	}
	for _, u := range toks[i+1:] {
		if !u.stop {
			return reqWishes[u.term]
		}
	}
	return false
}

// ruledWords returns, for each negated scope of the scenario that states a
// requirement (negScope.req), the terms of each of its words (a compound
// such as "CloudWatch" is one word; quantifiers and wishes are none),
// without the terms the scenario also uses outside negated scopes, as
// forbidden drops them. Words left without terms are left out, and so are
// scopes left empty.
func (fx *factIndex) ruledWords(scenario string) [][]map[string]bool {
	scopes := fx.negatedScopes(scenario)
	var out [][]map[string]bool
	var kept map[string]bool // the scopes' terms the scenario uses only there
	for _, s := range scopes {
		if !s.req {
			continue
		}
		if kept == nil {
			kept = map[string]bool{}
			for _, s := range scopes {
				for t := range fx.termSet(scenario[s.start:s.end]) {
					kept[t] = true
				}
			}
			fx.dropOutside(kept, scenario, spansOf(scopes))
		}
		var words []map[string]bool
		seen := map[string]bool{}
		for _, word := range strings.Fields(scenario[s.start:s.end]) {
			w := map[string]bool{}
			for t := range fx.termSet(word) {
				if kept[t] && !reqWishes[t] && !quantifiers[t] && !seen[t] {
					w[t] = true
				}
			}
			for t := range w {
				seen[t] = true
			}
			if len(w) > 0 {
				words = append(words, w)
			}
		}
		if len(words) > 0 {
			out = append(out, words)
		}
	}
	return out
}

// forbidden returns the terms the scenario rules out: the content words
// (with aliases) of each negated scope (negatedScopes), except words the
// scenario also uses outside such scopes.
func (fx *factIndex) forbidden(scenario string) map[string]bool {
	scopes := fx.negatedScopes(scenario)
	if len(scopes) == 0 {
		return nil
	}
	out := map[string]bool{}
	for _, s := range scopes {
		for t := range fx.termSet(scenario[s.start:s.end]) {
			out[t] = true
		}
	}
	fx.dropOutside(out, scenario, spansOf(scopes))
	return out
}

// spansOf returns the spans of scopes.
func spansOf(scopes []negScope) []span {
	out := make([]span, len(scopes))
	for i, s := range scopes {
		out[i] = s.span
	}
	return out
}

// dropOutside deletes from terms those text uses outside the scopes (in
// text order), and frame words and numbers.
func (fx *factIndex) dropOutside(terms map[string]bool, text string, scopes []span) {
	var rest strings.Builder
	prev := 0
	for _, s := range scopes {
		if s.start > prev {
			rest.WriteString(text[prev:s.start])
		}
		if s.end <= prev {
			continue
		}
		rest.WriteString(" . ")
		prev = max(prev, s.end)
	}
	rest.WriteString(text[prev:])
	for t := range fx.termSet(rest.String()) {
		delete(terms, t)
	}
	for t := range terms {
		if fx.frame[t] || isNumber(t) {
			delete(terms, t)
		}
	}
}

// limitVerbs head a negation that limits what something holds: "this
// count does not include any response codes generated by the targets".
var limitVerbs = setOf(`includ contain count cover`)

// excludes returns what text says something does not hold: the content
// words after the head of each negated scope headed by a limiting verb
// (limitVerbs), except words text also uses outside negated scopes.
func (fx *factIndex) excludes(text string) map[string]bool {
	scopes := fx.negatedScopes(text)
	out := map[string]bool{}
	for _, s := range scopes {
		if !limitVerbs[s.head] {
			continue
		}
		for t := range fx.termSet(text[s.headEnd:s.end]) {
			out[t] = true
		}
	}
	if len(out) > 0 {
		fx.dropOutside(out, text, spansOf(scopes))
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

// penalizeConstraints weighs down, in both scorers, the options that go
// against the scenario's constraints: those that rely on what it rules
// out (penalizeForbidden) and those that stop what it says must keep
// working (penalizePreserved).
func (fx *factIndex) penalizeConstraints(scenario string, options []Option, ot optionTermSets, sup []optionSupport, hyp []float64, p askParams) {
	fx.penalizeForbidden(scenario, options, ot, sup, hyp, p.forbidden)
	fx.penalizePreserved(scenario, options, sup, hyp, p.preserved)
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

// The scenario's other kind of constraint names what must keep working
// while the change is made ("the nightly report job must still run",
// "without interrupting the running tasks", "keep the old fleet
// running"). Word overlap favours exactly the options that stop it
// ("Suspend the report job"), since they name it: an option that stops,
// suspends, disables, removes, deletes or terminates what must keep
// working is weighed down, as one that relies on what the scenario rules
// out is.

// keepModals open a requirement on their subject ("X must ...", "X
// should ...", "X needs to ...").
var keepModals = setOf(`must should shall may will can need have has`)

// keepVerbs, after a modal, say the subject goes on doing what it does:
// "must keep running", "must continue to serve", "must remain available",
// "should stay configured", and "still" before any verb ("must still be
// reachable").
var keepVerbs = setOf(`keep continu remain stay still`)

// holdVerbs keep what they hold: "must keep one endpoint URL", "wants to
// retain the logs", "must preserve the disks", and their subject when
// passive ("a copy must be kept for a year").
var holdVerbs = setOf(`keep kept retain preserv`)

// keepLinks may stand between a modal and its keep verb ("needs to keep",
// "must also still", "must be able to continue").
var keepLinks = setOf(`to be abl also`)

// keepStates end "keep X running": what stands between is kept. They
// say nothing of what is kept, so they are not kept terms themselves.
var keepStates = setOf(`run work function up aliv onlin availabl servic operational`)

// stopVerbs stop what follows them.
const stopVerbWords = `stop suspend disabl remov delet terminat deregister shut kill halt paus`

var stopVerbs = setOf(stopVerbWords)

// harmVerbs, after "without" or in "must not be ...", name what must not
// happen to their object or subject: it must keep working.
var harmVerbs = setOf(stopVerbWords + ` interrupt disrupt affect impact break broken drop lost los`)

// clauseWords start a new clause: a subject does not reach back past
// them. "and" and "or" join the parts of a subject too ("scheduled
// actions and health checks must ..."), so they do not count; a comma
// before them does.
var clauseWords = setOf(`but while so yet becaus although though wherea if when sinc unless`)

// relatives open a relative clause: the subject of "a reindex task that
// must not be interrupted" is the few words before "that".
var relatives = setOf(`that which who`)

// keepNegators deny their clause: "no test server may keep running" is a
// constraint against keeping it, not for.
var keepNegators = setOf(`not no noth none nobody never neither nor cannot`)

// askKeptScope is how many content words a kept object, complement or
// subject of a relative clause holds; askKeptSubject how many a subject
// holds.
const (
	askKeptScope   = 3
	askKeptSubject = 8
)

// clauseBreak reports whether a clause ends between tokens a and b of
// text: punctuation between them, or b a word that starts a clause.
func clauseBreak(text string, a, b token) bool {
	return punctBetween(text, a, b) || clauseWords[b.term]
}

// punctBetween reports whether punctuation stands between tokens a and b
// of text; the parts of a compound and the compound overlap, with none.
func punctBetween(text string, a, b token) bool {
	return b.start > a.end && strings.ContainsAny(text[a.end:b.start], ".,;:?!()")
}

// newWord reports whether token t starts a word after a stretch of text
// ending at end, rather than continuing the word that ends there: the
// parts of "ScheduledAction" or "scale-in" and the compound itself are one
// word.
func newWord(text string, end int, t token) bool {
	return t.start > end && !joined(text[end:t.start])
}

// keptReader reads a scenario's tokens for what must keep working.
type keptReader struct {
	text     string
	toks     []token
	question []bool // the token's sentence asks something: it requires nothing
}

func newKeptReader(text string) keptReader {
	r := keptReader{text: text, toks: analyzeAll(text)}
	r.question = make([]bool, len(r.toks))
	start := 0
	for i := range r.toks {
		gap := r.gapAfter(i)
		if i == len(r.toks)-1 || strings.ContainsAny(gap, ".?!") {
			asks := strings.Contains(gap, "?")
			for j := start; j <= i; j++ {
				r.question[j] = asks
			}
			start = i + 1
		}
	}
	return r
}

// gapAfter returns the text between token i and the next one (the end of
// the text after the last); "" for the parts of a compound.
func (r keptReader) gapAfter(i int) string {
	end := len(r.text)
	if i+1 < len(r.toks) {
		end = r.toks[i+1].start
	}
	if end <= r.toks[i].end {
		return ""
	}
	return r.text[r.toks[i].end:end]
}

// breaks reports whether a clause ends before token i.
func (r keptReader) breaks(i int) bool {
	return i > 0 && i < len(r.toks) && clauseBreak(r.text, r.toks[i-1], r.toks[i])
}

// is reports whether token i exists and is term.
func (r keptReader) is(i int, term string) bool {
	return i >= 0 && i < len(r.toks) && r.toks[i].term == term
}

// ongoing reports whether token i is a present participle ("keep
// serving traffic") or a state word ("keep running", "stay available"):
// then "keep" continues what its subject does, rather than holding an
// object.
func (r keptReader) ongoing(i int) bool {
	if i >= len(r.toks) {
		return false
	}
	t := r.toks[i]
	return keepStates[t.term] || !t.stop && strings.HasSuffix(strings.ToLower(r.text[t.start:t.end]), "ing")
}

// participle reports whether token i is a past participle ("the invoices
// kept for a year", "its disks preserved"): what it holds stands before
// it, not after.
func (r keptReader) participle(i int) bool {
	w := strings.ToLower(r.text[r.toks[i].start:r.toks[i].end])
	return w == "kept" || strings.HasSuffix(w, "ed")
}

// forward returns the span from token i of up to askKeptScope content
// words, to the end of the clause, "without", or a state word after one
// ("the old fleet" of "keep the old fleet running"), and ok when it
// holds one and no negator.
func (r keptReader) forward(i int) (span, bool) {
	if i >= len(r.toks) {
		return span{}, false
	}
	sp, n := span{r.toks[i].start, r.toks[i].start}, 0
	for j := i; j < len(r.toks); j++ {
		t := r.toks[j]
		if j > i && r.breaks(j) || keepStates[t.term] && n > 0 || t.term == "without" {
			break
		}
		if keepNegators[t.term] {
			return span{}, false
		}
		if !t.stop && !keepStates[t.term] && (n == 0 || newWord(r.text, sp.end, t)) {
			if n == askKeptScope {
				break
			}
			n++
		}
		if !t.stop {
			sp.end = max(sp.end, t.end)
		}
	}
	return sp, n > 0
}

// subject returns the span of the subject of the modal at token m: the
// clause before it, its last askKeptSubject content words, or
// askKeptScope before a relative pronoun ("a reindex task that must
// ..."); empty when it holds no content word ("they can still read"),
// and denied when it holds a negator ("no test server may keep running").
func (r keptReader) subject(m int) (sp span, denied bool) {
	limit, end := askKeptSubject, m
	if m > 0 && relatives[r.toks[m-1].term] {
		limit, end = askKeptScope, m-1
	}
	if end == 0 || r.breaks(end) {
		return span{}, false
	}
	n := 0
	for j := end - 1; j >= 0; j-- {
		t := r.toks[j]
		if keepNegators[t.term] {
			return span{}, true
		}
		if clauseWords[t.term] {
			break
		}
		if !t.stop {
			switch {
			case n == 0:
				sp = span{t.start, t.end}
				n++
			case t.end < sp.start && !joined(r.text[t.end:sp.start]):
				if n == limit {
					return sp, false
				}
				n++
				sp.start = t.start
			}
		}
		if r.breaks(j) {
			break
		}
	}
	return sp, false
}

// afterModal returns the spans of what must keep working that the modal
// at token m requires: its subject when a keep verb follows ("the nightly
// report job must still run", "the old fleet must keep serving
// requests"), a passive hold verb ("a copy must be kept") or "not be" and
// a harm verb ("existing connections must not be dropped"), and what a
// continuing subject goes on doing ("must continue to receive messages",
// "they can still read the archive").
func (r keptReader) afterModal(m int) []span {
	j := m + 1
	for j < len(r.toks) && keepLinks[r.toks[j].term] {
		j++
	}
	neg := r.toks[m].term == "cannot"
	if r.is(j, "not") {
		neg = true
		j++
	}
	if j >= len(r.toks) {
		return nil
	}
	comp := 0 // the token the complement starts at, 0 for none
	switch v := r.toks[j].term; {
	case neg:
		if !r.is(j, "be") || j+1 >= len(r.toks) || !harmVerbs[r.toks[j+1].term] {
			return nil
		}
	case holdVerbs[v] && r.is(j-1, "be"): // "must be kept"
	case v == "keep":
		if !r.ongoing(j + 1) {
			return nil // "must keep one endpoint URL": its object (keptSpans)
		}
		comp = j + 1
	case v == "continu" || v == "still":
		comp = j + 1
		for comp < len(r.toks) && (keepLinks[r.toks[comp].term] || keepVerbs[r.toks[comp].term]) {
			comp++
		}
	case keepVerbs[v]: // "must remain available"
	default:
		return nil
	}
	subj, denied := r.subject(m)
	if denied {
		return nil
	}
	var out []span
	if subj.end > subj.start {
		out = append(out, subj)
	}
	if comp > 0 && !r.breaks(comp) {
		if c, ok := r.forward(comp); ok {
			out = append(out, c)
		}
	}
	return out
}

// keptSpans returns the stretches of text that name what must keep
// working: the subject of a modal and a keep verb, and what it goes on
// doing (afterModal), the object of a hold verb ("keep the old fleet
// running", "must keep one endpoint URL", "retain the logs"), and of
// "without" and a harm verb ("without interrupting the running tasks").
// Questions require nothing, and a clause holding a negator keeps nothing
// ("no test server may keep running").
func keptSpans(text string) []span {
	r := newKeptReader(text)
	var out []span
	for i, t := range r.toks {
		if r.question[i] {
			continue
		}
		switch {
		case t.term == "without":
			if i+1 < len(r.toks) && harmVerbs[r.toks[i+1].term] && !r.breaks(i+2) {
				if sp, ok := r.forward(i + 2); ok {
					out = append(out, sp)
				}
			}
		case holdVerbs[t.term] && !r.is(i-1, "be") && !r.participle(i):
			if !r.ongoing(i+1) && !r.breaks(i+1) {
				if sp, ok := r.forward(i + 1); ok {
					out = append(out, sp)
				}
			}
		case keepModals[t.term] || t.term == "cannot":
			out = append(out, r.afterModal(i)...)
		}
	}
	return out
}

// preserved returns the terms of what the scenario says must keep
// working (keptSpans), except words the scenario also uses elsewhere:
// those are its topic, not one thing it protects.
func (fx *factIndex) preserved(scenario string) map[string]bool {
	spans := keptSpans(scenario)
	if len(spans) == 0 {
		return nil
	}
	slices.SortFunc(spans, func(a, b span) int { return cmp.Compare(a.start, b.start) })
	out := map[string]bool{}
	for _, s := range spans {
		for t := range fx.termSet(scenario[s.start:s.end]) {
			out[t] = true
		}
	}
	for t := range out {
		if keepStates[t] || stopVerbs[t] || harmVerbs[t] {
			delete(out, t)
		}
	}
	fx.dropOutside(out, scenario, spans)
	return out
}

// stopped returns the terms an option stops: up to askKeptScope content
// words after each stop verb not itself negated ("neither add nor remove
// queues" stops nothing), to the end of the clause; the whole option
// when the question asks which to stop ("Which of them should they
// disable?", stopAsked).
func (fx *factIndex) stopped(option string, asked bool) map[string]bool {
	if asked {
		return fx.termSet(option)
	}
	toks := analyzeAll(option)
	out := map[string]bool{}
	for i, t := range toks {
		if !stopVerbs[t.term] || i+1 >= len(toks) {
			continue
		}
		if i > 0 && keepNegators[toks[i-1].term] || i > 1 && keepNegators[toks[i-2].term] {
			continue
		}
		sp, n := span{toks[i+1].start, toks[i+1].start}, 0
		for j := i + 1; j < len(toks); j++ {
			if j > i+1 && punctBetween(option, toks[j-1], toks[j]) {
				break
			}
			if !toks[j].stop && (n == 0 || newWord(option, sp.end, toks[j])) {
				if n == askKeptScope {
					break
				}
				n++
			}
			if !toks[j].stop {
				sp.end = max(sp.end, toks[j].end)
			}
		}
		for w := range fx.termSet(option[sp.start:sp.end]) {
			out[w] = true
		}
	}
	return out
}

// stopAsked reports whether the question asks which option to stop: its
// question ends in a stop verb ("Which of them should they disable?",
// "Which jobs should be paused?"), so every option is stopped. "... after
// the bucket is deleted?" stops the bucket, not the options.
func stopAsked(text string) bool {
	q := strings.LastIndexByte(text, '?')
	if q < 0 {
		return false
	}
	toks := analyzeAll(text[:q])
	n := len(toks)
	if n == 0 || !stopVerbs[toks[n-1].term] {
		return false
	}
	last := strings.ToLower(text[toks[n-1].start:toks[n-1].end])
	if !strings.HasSuffix(last, "ed") {
		return true // a base form: "should they disable?"
	}
	return n >= 3 && toks[n-2].term == "be" && keepModals[toks[n-3].term] // "should be paused?"
}

// penalizePreserved weighs down, in both scorers, every option that stops
// a term the scenario says must keep working (preserved, stopped).
func (fx *factIndex) penalizePreserved(scenario string, options []Option, sup []optionSupport, hyp []float64, factor float64) {
	kept := fx.preserved(scenario)
	if len(kept) == 0 || factor >= 1 {
		return
	}
	asked := stopAsked(scenario)
	for i, o := range options {
		for t := range fx.stopped(o.Text, asked) {
			if kept[t] {
				sup[i].score *= factor
				hyp[i] *= factor
				break
			}
		}
	}
}
