package bot

import (
	"fmt"
	"math"
	"strings"

	"github.com/devopsbot/devopsbot/index"
)

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

// renderAsk renders the answer to a pasted exam question, in this order:
// the verdict (the answer, or that the notes do not cover or decide it,
// with a best guess labelled as one), the deciding fact for the chosen
// option and what speaks against the runner-up, then the sources.
func renderAsk(q index.Question, a index.Answer, text string, v view) Response {
	m := &Response{Ephemeral: !v.public}
	if v.sharedBy != "" {
		m.context(plain("Shared by "), mention(v.sharedBy), plain(" · exam question"))
	}
	if stem := oneLine(q.Text); stem != "" {
		m.context(plain("Question: "), plain(truncateRunes(stem, 2*maxQueryEcho)))
	}
	askVerdict(m, q, a, v)
	// Facts for options of a question the notes do not cover are off the
	// topic by definition: quoting them would only mislead.
	if len(a.Options) > 0 && a.Chosen != "" && a.Note != index.NoteNoEvidence && a.Note != index.NoteNoScenario &&
		a.Note != index.NoteNotCovered {
		askReasons(m, q, a, v)
	}
	if len(a.Sections) > 0 {
		rs := []run{plain("Sources: ")}
		m.context(append(rs, sectionLinks(a.Sections, lookupHits, v)...)...)
	}
	if !v.public || v.sharedBy != "" {
		var bs []button
		if len(a.Sections) > 0 {
			h := a.Sections[0]
			bs = append(bs, button{label: "Quiz me on this", actionID: ActionQuizMe, value: h.Doc + "|" + h.ID})
		}
		if v.shareable() {
			bs = append(bs, v.shareButton("ask", text))
		}
		m.buttons(bs...)
	}
	sharedNote(m, v)
	return *m
}

// askVerdict adds the verdict: the answer with its confidence, or why
// there is none, with the best guess labelled as a guess.
func askVerdict(m *Response, q index.Question, a index.Answer, v view) {
	guess := func() {
		if a.Chosen != "" {
			line := "Best guess, not an answer: " + chosenText(a, q) + " (confidence " + percent(a.Confidence) + ")."
			if len(a.Technique) > 0 {
				line += " By exam technique, not the notes: " + strings.Join(a.Technique, "; ") + "."
			}
			m.context(plain(line))
		}
	}
	switch {
	case len(a.Options) == 0 || a.Note == index.NoteNoOptions:
		m.text(plain("I found no options (A) … D)) in that, so here are the sections that match it best."))
	case a.Decided && a.Chosen != "":
		m.text(bold("Answer: " + chosenText(a, q)))
		m.context(plain("Confidence: " + confidenceWords(a.Confidence) + " (" + percent(a.Confidence) + ")"))
	case a.Note == index.NoteNoEvidence:
		m.text(bold("The notes don't separate these options:"), plain(" nothing in them supports any of the options."))
	case a.Note == index.NoteNoScenario:
		m.text(bold("The notes don't separate these options:"), plain(" there is no question text to go on, only options."))
	case a.Note == index.NoteNotCovered:
		rs := []run{bold("The notes don't cover this")}
		if len(a.Sections) > 0 {
			rs = append(rs, plain("; closest: "))
			rs = append(rs, sectionLinks(a.Sections, 3, v)...)
		}
		m.text(rs...)
		guess()
	case a.Note == index.NoteInverted:
		m.text(bold("The notes don't decide NOT/EXCEPT questions:"), plain(" they say what applies, not what doesn't."))
		guess()
	default:
		m.text(bold("The notes don't decide this:"), plain(" they do not separate the options clearly."))
		guess()
	}
}

// askReasons adds the deciding fact for each chosen option and what
// speaks against the runner-up.
func askReasons(m *Response, q index.Question, a index.Answer, v view) {
	label := "Why "
	if !a.Decided {
		label = "Closest evidence for "
	}
	var rs []run
	for _, o := range a.Options {
		if !strings.Contains(a.Chosen, o.Key) || len(o.Evidence) == 0 {
			continue
		}
		if len(rs) > 0 {
			rs = append(rs, plain("\n"))
		}
		rs = append(rs, bold(label+o.Key+") "+truncateRunes(oneLine(o.Text), maxOptionEcho)+":"), plain(" "))
		rs = append(rs, evidenceRuns(o.Evidence[0], v)...)
	}
	if r, ok := optionByKey(a, a.RunnerUp); ok {
		if len(rs) > 0 {
			rs = append(rs, plain("\n"))
		}
		rs = append(rs, bold("Against "+r.Key+") "+truncateRunes(oneLine(optionText(a, q, r.Key)), maxOptionEcho)+":"), plain(" "))
		if len(r.Evidence) == 0 {
			rs = append(rs, plain("nothing in the notes supports it."))
		} else {
			rs = append(rs, plain("its best support matches the question less well: "))
			rs = append(rs, evidenceRuns(r.Evidence[0], v)...)
		}
	}
	if len(rs) > 0 {
		m.text(rs...)
	}
}

// evidenceRuns shows one fact with a link to its section.
func evidenceRuns(e index.Evidence, v view) []run {
	rs := []run{plain(truncateRunes(oneLine(clean(e.Fact)), maxFactRunes) + " — ")}
	path := pathText(e.Path, e.ID)
	if u := sectionURL(v.notesURL, e.Doc, e.ID); u != "" {
		return append(rs, link(path, u))
	}
	return append(rs, plain(path))
}

// sectionLinks lists up to n sections as links, separated by " · ".
func sectionLinks(hits []index.Hit, n int, v view) []run {
	var rs []run
	for i, h := range hits {
		if i == n {
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
	return rs
}

// chosenText names the chosen options: "B) text", or "B) … and D) …".
func chosenText(a index.Answer, q index.Question) string {
	var parts []string
	for _, k := range a.Chosen {
		parts = append(parts, string(k)+") "+truncateRunes(oneLine(optionText(a, q, string(k))), maxOptionEcho))
	}
	return strings.Join(parts, " and ")
}

// optionByKey returns the scored option with key.
func optionByKey(a index.Answer, key string) (index.OptionScore, bool) {
	for _, o := range a.Options {
		if key != "" && o.Key == key {
			return o, true
		}
	}
	return index.OptionScore{}, false
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

// AskTextOptions configure AskText.
type AskTextOptions struct {
	Colour   bool   // ANSI bold and dim; without it bold text is *marked*
	NotesURL string // base URL for links to sections; "" for none
}

// AskText renders the answer to an exam question as plain text, the way
// the console shows it (without buttons); the command line's ask prints it.
func AskText(q index.Question, a index.Answer, o AskTextOptions) string {
	v := view{public: true, bare: true, notesURL: o.NotesURL}
	return renderPlain(renderAsk(q, a, "", v), plainStyle{colour: o.Colour, marks: !o.Colour})
}
