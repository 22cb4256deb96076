package bot

import (
	"fmt"
	"math"
	"net/url"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/devopsbot/devopsbot/index"
)

const (
	lookupHits    = 3   // sections shown for a lookup
	factsPerHit   = 3   // facts shown per section
	maxFactRunes  = 400 // a fact longer than this is cut around its first match
	maxQueryEcho  = 120 // runes of the user's query repeated in a reply
	maxOptionEcho = 300 // runes of an option's text in an ask reply
)

// view says who sees a reply and how to link sections.
type view struct {
	notesURL string
	public   bool   // posted in a channel or thread: no Share button
	showDoc  bool   // several notes files: name the document of each section
	sharedBy string // user ID who shared it, for "shared by"
	shared   bool   // the private copy after sharing: no Share button, a note instead
	bare     bool   // commands are typed without "/devops " (the console)
}

// cmd shows a command as people type it in this view.
func (v view) cmd(s string) run {
	if v.bare {
		return code(s)
	}
	return code("/devops " + s)
}

// shareable reports whether a reply in this view gets a Share button.
func (v view) shareable() bool { return !v.public && !v.shared }

// sharedNote tells the requester that this private reply was shared.
func sharedNote(m *message, v view) {
	if v.shared {
		m.context(plain("✓ Shared in the channel."))
	}
}

// sectionURL links a section: the base URL plus the anchor part of its ID
// ("4_2_2_2" for "4_2_2_2/stack-policy"; the slug in files without anchors).
// With several notes files, "{doc}" in the base URL becomes the document's
// name.
func sectionURL(base, doc, id string) string {
	if base == "" || id == "" {
		return ""
	}
	if strings.Contains(base, "{doc}") {
		if doc == "" {
			return ""
		}
		base = strings.ReplaceAll(base, "{doc}", url.PathEscape(doc))
	}
	anchor, _, _ := strings.Cut(id, "/")
	return strings.TrimRight(base, "#") + "#" + anchor
}

func pathText(path []string, title string) string {
	if len(path) == 0 {
		return title
	}
	return strings.Join(path, " › ")
}

// renderLookup renders the answer to a lookup.
func renderLookup(query string, hits []index.Hit, v view) *message {
	m := &message{ephemeral: !v.public}
	if v.sharedBy != "" {
		m.context(plain("Shared by "), mention(v.sharedBy), plain(" · lookup: "), bold(truncateRunes(oneLine(query), maxQueryEcho)))
	} else {
		m.context(plain("Lookup: "), bold(truncateRunes(oneLine(query), maxQueryEcho)))
	}
	if len(hits) > lookupHits {
		hits = hits[:lookupHits]
	}
	for i, h := range hits {
		if i > 0 {
			m.divider()
		}
		var quizMe *button
		if !v.public || v.sharedBy != "" {
			quizMe = &button{label: "Quiz me on this", actionID: ActionQuizMe, value: h.Doc + "|" + h.ID}
		}
		sectionRuns(m, h.Doc, h.ID, pathText(h.Path, h.Title), h.Facts, v, quizMe)
	}
	if v.shareable() {
		m.buttons(button{label: "Share in channel", actionID: ActionShare, value: shareValue("lookup", query)})
	}
	sharedNote(m, v)
	return m
}

// sectionRuns adds one section: its path (a link when the notes have a URL),
// its best facts with the matched terms in bold, and its ID.
func sectionRuns(m *message, doc, id, path string, facts []index.HitFact, v view, b *button) {
	rs := make([]run, 0, 1+8*min(len(facts), factsPerHit))
	if u := sectionURL(v.notesURL, doc, id); u != "" {
		rs = append(rs, boldLink(path, u))
	} else {
		rs = append(rs, bold(path))
	}
	n := 0
	var prev, prevCtx string // the last fact shown and its parent bullets
	for _, f := range facts {
		if strings.TrimSpace(f.Text) == "" {
			continue
		}
		if n == factsPerHit {
			break
		}
		n++
		// A fact carries its parent bullets as context ("parent › child").
		// Right below its parent or a sibling, that context is already on
		// screen: show only the child, indented.
		ctx, _, nested := cutLastContext(f.Text)
		if nested && (ctx == prev || ctx == prevCtx) {
			rs = append(rs, plain("\n      › "))
			rs = appendFactRuns(rs, trimFact(f, len(ctx)+len(factContextSep)))
		} else {
			rs = append(rs, plain("\n• "))
			rs = appendFactRuns(rs, f)
		}
		prev, prevCtx = f.Text, ctx
	}
	if b != nil {
		m.textButton(*b, rs...)
	} else {
		m.text(rs...)
	}
	ctx := []run{plain("Section "), code(id)}
	if doc != "" && v.showDoc {
		ctx = append(ctx, plain(" in "+doc))
	}
	m.context(ctx...)
}

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

// renderNothing answers a lookup that matched nothing, with suggestions as
// buttons that look them up.
func renderNothing(query string, suggestions []string, v view) *message {
	m := &message{ephemeral: !v.public}
	m.text(plain("Nothing in the notes matched “"), bold(truncateRunes(oneLine(query), maxQueryEcho)), plain("”."))
	if len(suggestions) == 0 {
		m.context(plain("Try other words, an AWS service name or an abbreviation (ASG, CFN, CW)."))
		return m
	}
	m.text(plain("Did you mean one of these sections?"))
	var bs []button
	for i, s := range suggestions {
		if i == 5 {
			break
		}
		bs = append(bs, button{label: s, actionID: ActionLookup, value: truncateRunes(oneLine(s), 500)})
	}
	m.buttons(bs...)
	return m
}

// confidenceWords reads a confidence for people.
func confidenceWords(c float64) string {
	switch {
	case c >= 0.8:
		return "high"
	case c >= 0.6:
		return "fair"
	case c >= 0.4:
		return "low"
	default:
		return "very low"
	}
}

func percent(f float64) string {
	if math.IsNaN(f) || f < 0 {
		f = 0
	}
	if f > 1 {
		f = 1
	}
	return fmt.Sprintf("%d%%", int(math.Round(f*100)))
}

// renderAsk renders the answer to a pasted exam question.
func renderAsk(q index.Question, a index.Answer, text string, v view) *message {
	m := &message{ephemeral: !v.public}
	if v.sharedBy != "" {
		m.context(plain("Shared by "), mention(v.sharedBy), plain(" · exam question"))
	}
	if stem := oneLine(q.Text); stem != "" {
		m.context(plain("Question: "), plain(truncateRunes(stem, 2*maxQueryEcho)))
	}
	switch {
	case len(a.Options) == 0 || a.Note == index.NoteNoOptions:
		m.text(plain("I found no options (A) … D)) in that, so here are the sections that match it best."))
	case a.Decided && a.Chosen != "":
		chosen := optionText(a, q, a.Chosen)
		m.text(bold("Answer: " + a.Chosen + ") " + truncateRunes(oneLine(chosen), maxOptionEcho)))
		m.context(plain("Confidence: " + confidenceWords(a.Confidence) + " (" + percent(a.Confidence) + ")"))
	case a.Note == index.NoteNoEvidence:
		m.text(bold("The notes don't separate these options:"), plain(" nothing in them supports any of the options."))
	case a.Note == index.NoteNoScenario:
		m.text(bold("The notes don't separate these options:"), plain(" there is no question text to go on, only options."))
	default:
		rs := []run{bold("The notes don't separate these options.")}
		if lead := optionText(a, q, a.Chosen); a.Chosen != "" && lead != "" {
			rs = append(rs, plain(" "+a.Chosen+") leads by a little ("+percent(a.Confidence)+"); judge for yourself from the evidence."))
		} else {
			rs = append(rs, plain(" Here is the closest evidence; judge for yourself."))
		}
		m.text(rs...)
	}
	// Options, the chosen one marked, each with its best evidence.
	if len(a.Options) > 0 {
		var rs []run
		for i, o := range a.Options {
			if i == 6 {
				rs = append(rs, plain(fmt.Sprintf("\n…and %d more options", len(a.Options)-i)))
				break
			}
			if i > 0 {
				rs = append(rs, plain("\n"))
			}
			label := o.Key + ") " + truncateRunes(oneLine(o.Text), maxOptionEcho)
			if a.Decided && o.Key == a.Chosen {
				rs = append(rs, bold("✓ "+label))
			} else {
				rs = append(rs, plain("   "+label))
			}
		}
		m.text(rs...)
	}
	// Evidence: for the chosen option, or the two best supported when undecided.
	ev := evidenceFor(a)
	if len(ev) > 0 {
		var rs []run
		rs = append(rs, bold("Evidence"))
		for _, e := range ev {
			rs = append(rs, plain("\n• "))
			if e.key != "" {
				rs = append(rs, bold(e.key+": "))
			}
			rs = append(rs, plain(truncateRunes(oneLine(clean(e.Fact)), maxFactRunes)))
			path := pathText(e.Path, e.ID)
			rs = append(rs, plain(" — "))
			if u := sectionURL(v.notesURL, e.Doc, e.ID); u != "" {
				rs = append(rs, link(path, u))
			} else {
				rs = append(rs, plain(path))
			}
		}
		m.text(rs...)
	}
	// Sections that decide it.
	if len(a.Sections) > 0 {
		rs := []run{plain("Sections: ")}
		for i, h := range a.Sections {
			if i == lookupHits {
				break
			}
			if i > 0 {
				rs = append(rs, plain(" · "))
			}
			path := pathText(h.Path, h.Title)
			if u := sectionURL(v.notesURL, h.Doc, h.ID); u != "" {
				rs = append(rs, link(path, u))
			} else {
				rs = append(rs, plain(path))
			}
		}
		m.context(rs...)
	}
	if !v.public || v.sharedBy != "" {
		var bs []button
		if len(a.Sections) > 0 {
			h := a.Sections[0]
			bs = append(bs, button{label: "Quiz me on this", actionID: ActionQuizMe, value: h.Doc + "|" + h.ID})
		}
		if v.shareable() {
			bs = append(bs, button{label: "Share in channel", actionID: ActionShare, value: shareValue("ask", text)})
		}
		m.buttons(bs...)
	}
	sharedNote(m, v)
	return m
}

type keyedEvidence struct {
	index.Evidence
	key string
}

func evidenceFor(a index.Answer) []keyedEvidence {
	var out []keyedEvidence
	add := func(o index.OptionScore, n int, keyed bool) {
		for i, e := range o.Evidence {
			if i == n {
				break
			}
			k := ""
			if keyed {
				k = o.Key
			}
			out = append(out, keyedEvidence{e, k})
		}
	}
	if a.Decided && a.Chosen != "" {
		for _, o := range a.Options {
			if o.Key == a.Chosen {
				add(o, 3, false)
			}
		}
		return out
	}
	opts := append([]index.OptionScore(nil), a.Options...)
	sort.SliceStable(opts, func(i, j int) bool { return opts[i].Score > opts[j].Score })
	for i, o := range opts {
		if i == 2 {
			break
		}
		add(o, 2, true)
	}
	return out
}

func optionText(a index.Answer, q index.Question, key string) string {
	for _, o := range a.Options {
		if o.Key == key {
			return o.Text
		}
	}
	for _, o := range q.Options {
		if o.Key == key {
			return o.Text
		}
	}
	return ""
}

// shareValue is the value of a Share button: the command and its argument.
// A value too long for Slack makes message.buttons drop the button.
func shareValue(cmd, arg string) string { return cmd + "|" + arg }
