package bot

import (
	"fmt"
	"math"
	"sort"

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

// renderAsk renders the answer to a pasted exam question.
func renderAsk(q index.Question, a index.Answer, text string, v view) Response {
	m := &Response{Ephemeral: !v.public}
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
	return *m
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
