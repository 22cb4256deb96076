package index

import "strings"

// This file says which of an answer's evidence its reply shows, and in
// what order: the facts it quotes, then the other sections as sources.
// The Slack and console replies render this order, and eval scores it
// (an exam item's "deciding section" Hit@k is the rank of the first
// section that item names in the order a reader meets them), so both
// read the one definition here.

// Quote is one fact a reply quotes.
type Quote struct {
	Key string // the option it is quoted for
	// RunnerUp marks the runner-up's line beside the chosen options:
	// either its own closest note (Evidence), shown next to a guess, or,
	// when Evidence is nil, that nothing in the notes supports it.
	RunnerUp bool
	Evidence *Evidence
}

// Reply is what a reply shows of an answer's evidence, in order.
type Reply struct {
	Quotes  []Quote // the facts quoted, in the order shown
	Sources []Hit   // the answer's other sections near the best one, best first; the reply lists the first few
}

// OffTopic reports whether the notes have nothing on the question's topic
// (or nothing for any option): the facts found for its options are then
// not evidence, only words in common, and a reply quotes none of them.
func (a Answer) OffTopic() bool {
	switch a.Note {
	case NoteNotCovered, NoteNoEvidence, NoteNoScenario:
		return true
	}
	return false
}

// Reply returns what a reply shows of a's evidence. It quotes the fact
// that decides each chosen option (for a guess, its closest note that
// states it), in key order and each fact once; then, for the runner-up, that nothing
// supports it, or, when the notes do not decide and the one option
// guessed was quoted, its own closest note, so that a reader can weigh the
// two (beside a guess of several options, one of them unquoted, it would
// read as the note for the unquoted one). A fact is
// quoted for an option only when it states what sets that option apart
// (States): a note that shares only the scenario's words with it ("Lambda
// retries failed events" beside "Create two Route 53 weighted records")
// reads as support it is not, so the option goes without a quote. It
// quotes nothing when the notes are off the question's topic or for a
// NOT/EXCEPT question, whose guess is the option the notes support least.
// Sources are a.Sections without the quoted facts' sections and without
// those the search ranks far below the best one (MinSourceShare).
func (a Answer) Reply() Reply {
	var r Reply
	quoted := map[string]bool{} // facts quoted, by document, section and text
	cited := map[string]bool{}  // sections quoted, by document and ID
	key := func(e Evidence) string { return e.Doc + "\x00" + e.ID + "\x00" + e.Fact }
	quote := func(q Quote) {
		r.Quotes = append(r.Quotes, q)
		if q.Evidence != nil {
			quoted[key(*q.Evidence)] = true
			cited[q.Evidence.Doc+"\x00"+q.Evidence.ID] = true
		}
	}
	if a.Chosen != "" && !a.OffTopic() && a.Note != NoteInverted {
		chosen := 0
		for _, o := range a.Options {
			if !strings.Contains(a.Chosen, o.Key) {
				continue
			}
			chosen++
			if e := o.stated(); e != nil && !quoted[key(*e)] {
				quote(Quote{Key: o.Key, Evidence: e})
			}
		}
		if ro, ok := a.option(a.RunnerUp); ok && len(r.Quotes) > 0 {
			e := ro.stated()
			switch {
			case len(ro.Evidence) == 0:
				quote(Quote{Key: ro.Key, RunnerUp: true})
			case !a.Decided && chosen == 1 && len(quoted) == 1 && e != nil && !quoted[key(*e)]:
				quote(Quote{Key: ro.Key, RunnerUp: true, Evidence: e})
			}
		}
	}
	best := 0.0
	for _, h := range a.Sections {
		best = max(best, h.Score)
	}
	for i, h := range a.Sections {
		if !cited[h.Doc+"\x00"+h.ID] && (i == 0 || h.Score >= MinSourceShare*best) {
			r.Sources = append(r.Sources, h)
		}
	}
	return r
}

// MinSourceShare is the lowest search score, relative to the best
// section's, of a source listed after the answer's first section (which
// always stays: it is the best-ranked one, or the section of the chosen
// option's closest note, evidenceFirst). A source under it is an item's
// deciding section less than half as often as one above it
// (BENCHMARKS.md, "ask: the verdict and the reply a learner reads").
const MinSourceShare = 0.3

// stated returns the first of o's facts that states it (States), nil if
// none does. Evidence is ordered by relevance (and, for a guess, by the
// sections the other options are quoted from: orderQuotes), not by cover,
// so a fact that states the option can follow one that only shares the
// scenario's words with it.
func (o OptionScore) stated() *Evidence {
	for i := range o.Evidence {
		if o.Evidence[i].States() {
			return &o.Evidence[i]
		}
	}
	return nil
}

// States reports whether the fact states what sets its option apart: it
// holds at least QuoteCover of the option's distinctive weight (Cover).
func (e Evidence) States() bool { return e.Cover >= QuoteCover }

// QuoteCover is the share of an option's distinctive weight a fact must
// hold to be quoted for it: below it, the closest notes nearly all share
// only the scenario's words with the option (BENCHMARKS.md,
// "ask: the verdict and the reply a learner reads"). The deciding fact of a
// decided answer holds at least askDecideCover (0.4).
const QuoteCover = 0.3

// Sections returns the sections of r in the order a reader meets them:
// each quoted fact's section (as a Hit with its document, ID, path and
// title), then the sources.
func (r Reply) Sections() []Hit {
	out := make([]Hit, 0, len(r.Quotes)+len(r.Sources))
	for _, q := range r.Quotes {
		if e := q.Evidence; e != nil {
			h := Hit{Doc: e.Doc, ID: e.ID, Path: e.Path}
			if len(e.Path) > 0 {
				h.Title = e.Path[len(e.Path)-1]
			}
			out = append(out, h)
		}
	}
	return append(out, r.Sources...)
}

// option returns the scored option with key.
func (a Answer) option(key string) (OptionScore, bool) {
	for _, o := range a.Options {
		if key != "" && o.Key == key {
			return o, true
		}
	}
	return OptionScore{}, false
}
