package bot

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/devopsbot/devopsbot/index"
)

// Sizes of an ask reply.
const (
	askSources    = 3  // sections on the Sources or Closest sections line
	maxLabelRunes = 32 // an option's label: the first words of its text
	// maxDistinctLabelRunes bounds a label lengthened to tell its option
	// from another that opens with the same words.
	maxDistinctLabelRunes = 96
	minQuoteRunes         = 30  // a quoted fact shorter than this keeps its parent bullet
	maxQuoteRunes         = 200 // a quoted fact is cut to this many runes
	maxStemEcho           = 100 // runes of the question on a shared reply

	// maxGuessConfidence caps the label of an undecided best guess at the
	// "fair confidence" band.
	maxGuessConfidence = 0.55
)

// confidenceLabel reads a calibrated confidence for people. The bands are
// those of the calibration table in BENCHMARKS.md ("ask calibration"),
// with how often answers in each were right on items the model did not
// see: 90%, 74%, 65%, 51%, and 14-27% (about chance) below 0.40.
func confidenceLabel(c float64) string {
	switch {
	case c >= 0.85:
		return "high confidence"
	case c >= 0.70:
		return "good confidence"
	case c >= 0.55:
		return "fair confidence"
	case c >= 0.40:
		return "low confidence"
	default:
		return "very low confidence"
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
// the verdict (the answer, or that the notes do not cover or do not decide
// it, with a best guess labelled as one), the deciding fact for each
// chosen option and what rules out the runner-up, then the sources. It
// does not repeat the question the user just pasted; a reply shared in a
// channel ends with a short line of it for the others there.
func renderAsk(q index.Question, a index.Answer, text string, v view) Response {
	m := &Response{Ephemeral: !v.public}
	askVerdict(m, q, a)
	r := a.Reply()
	askReasons(m, a, r, v)
	askSourceLine(m, a, r, v)
	if v.sharedBy != "" {
		m.context(plain("Shared by "), mention(v.sharedBy), plain(" · question: "+cutWords(oneLine(q.Text), maxStemEcho)))
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

// askVerdict adds the verdict line: the answer and how sure it is, or why
// there is none and the best guess, labelled as one.
func askVerdict(m *Response, q index.Question, a index.Answer) {
	if len(a.Options) == 0 || a.Note == index.NoteNoOptions {
		m.text(plain("I found no options (A) … D)) in that, so here are the sections that match it best."))
		return
	}
	if a.Decided && a.Chosen != "" {
		how := " — from the notes, " + confidenceLabel(a.Confidence)
		if len(a.Chosen) == 1 {
			// One calibrated figure means something for one letter; for a
			// set of letters it would read as a figure for each.
			how += " (" + percent(a.Confidence) + ")"
		}
		m.text(bold("Answer: "+chosenLabels(a, q)), plain(how))
		return
	}
	var why string
	switch a.Note {
	case index.NoteNoEvidence:
		m.text(bold("The notes don't cover this:"), plain(" nothing in them supports any of the options."))
		return
	case index.NoteNoScenario:
		m.text(bold("The notes can't decide this:"), plain(" there is no question text to go on, only options."))
		return
	case index.NoteNotCovered:
		why = "The notes don't cover this."
	case index.NoteInverted:
		why = "The notes don't decide NOT/EXCEPT questions."
	default:
		why = "The notes don't decide between these options."
	}
	if a.Chosen == "" {
		m.text(bold(why))
		return
	}
	// A guess the notes do not back never reads stronger than fair: "good
	// confidence" beside "the notes don't decide" reads as a contradiction,
	// and without a fact naming the option a learner cannot check it.
	c := min(a.Confidence, maxGuessConfidence)
	how := " — " + confidenceLabel(c)
	if a.Note == index.NoteNotCovered {
		how = " — not from the notes, " + confidenceLabel(c)
	}
	m.text(bold(why), plain(" Best guess: "+chosenLabels(a, q)+how))
	if len(a.Technique) > 0 {
		// Every reason is one the options not chosen lack (index.Answer.Technique).
		m.context(plain("Guessed by exam technique: unlike the other options, " + strings.Join(a.Technique, "; ") + "."))
	}
}

// askReasons adds the facts the reply quotes (index.Answer.Reply): the
// fact that decides each chosen option (the closest one, for a guess the
// notes do not decide) and what rules out the runner-up (for a guess, its
// closest note).
func askReasons(m *Response, a index.Answer, r index.Reply, v view) {
	label := "Closest note for "
	if a.Decided {
		label = "Why "
	}
	var rs []run
	for _, q := range r.Quotes {
		if len(rs) > 0 {
			rs = append(rs, plain("\n"))
		}
		if q.Evidence == nil {
			rs = append(rs, bold("Not "+q.Key+":"), plain(" nothing in the notes supports it."))
			continue
		}
		rs = append(rs, bold(label+q.Key+":"), plain(" "))
		rs = append(rs, evidenceRuns(*q.Evidence, v)...)
	}
	if len(rs) > 0 {
		m.text(rs...)
	}
}

// askSourceLine adds the sections behind the answer that the reasons did
// not already quote, or, when the notes are off the question's topic, the
// closest sections, said to be only that.
func askSourceLine(m *Response, a index.Answer, r index.Reply, v view) {
	label := "Sources: "
	if a.OffTopic() {
		label = "Closest sections: "
	}
	if rs := sectionLinks(r.Sources, askSources, v); len(rs) > 0 {
		m.context(append([]run{plain(label)}, rs...)...)
	}
}

// evidenceRuns quotes a fact and links its section by a short path.
func evidenceRuns(e index.Evidence, v view) []run {
	rs := []run{plain("“" + factSentence(e.Fact) + "” — ")}
	path := shortPath(e.Path, e.ID)
	if u := sectionURL(v.notesURL, e.Doc, e.ID); u != "" {
		return append(rs, link(path, u))
	}
	return append(rs, plain(path))
}

// sectionLinks lists up to n sections by their short paths, as links,
// separated by " · ", each path once.
func sectionLinks(hits []index.Hit, n int, v view) []run {
	var rs []run
	seen := map[string]bool{}
	for _, h := range hits {
		path := shortPath(h.Path, h.Title)
		if seen[path] {
			continue
		}
		if len(seen) == n {
			break
		}
		seen[path] = true
		if len(rs) > 0 {
			rs = append(rs, plain(" · "))
		}
		if u := sectionURL(v.notesURL, h.Doc, h.ID); u != "" {
			rs = append(rs, link(path, u))
		} else {
			rs = append(rs, plain(path))
		}
	}
	return rs
}

// chosenLabels names the chosen options by letter and label: "B (Use
// dynamic host port mapping…)", "A (…) and D (…)" or "A (…), B (…) and
// E (…)".
func chosenLabels(a index.Answer, q index.Question) string {
	var parts []string
	for _, k := range a.Chosen {
		key := string(k)
		parts = append(parts, key+" ("+optionLabel(a, q, key)+")")
	}
	if n := len(parts); n > 2 {
		return strings.Join(parts[:n-1], ", ") + " and " + parts[n-1]
	}
	return strings.Join(parts, " and ")
}

// optionLabel is the first words of an option's text, long enough that no
// other option opens with them: options that open alike ("Add the
// migration to the commands…", "Add the migration to container_commands…")
// get a longer label, up to maxDistinctLabelRunes.
func optionLabel(a index.Answer, q index.Question, key string) string {
	text := oneLine(optionText(a, q, key))
	var others []string
	for _, o := range a.Options {
		if o.Key != key {
			others = append(others, oneLine(o.Text))
		}
	}
	for n := maxLabelRunes; ; n += 16 {
		label := cutWords(text, n)
		shown := strings.TrimSuffix(label, "…")
		if n >= maxDistinctLabelRunes || !slices.ContainsFunc(others, func(o string) bool { return strings.HasPrefix(o, shown) }) {
			return label
		}
	}
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
