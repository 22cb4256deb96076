package bot

import (
	"cmp"
	"slices"
	"strings"

	"github.com/devopsbot/devopsbot/index"
)

const (
	lookupHits   = 3   // sections shown for a lookup
	factsPerHit  = 3   // facts shown per section
	maxFactRunes = 400 // a fact longer than this is cut around its first match
	maxQueryEcho = 120 // runes of the user's query repeated in a reply
)

// renderLookup renders the answer to a lookup.
func renderLookup(query string, hits []index.Hit, v view) Response {
	m := &Response{Ephemeral: !v.public}
	if v.sharedBy != "" {
		m.context(plain("Shared by "), mention(v.sharedBy), plain(" · lookup: "), bold(truncateRunes(oneLine(query), maxQueryEcho)))
	} else {
		m.context(plain("Lookup: "), bold(truncateRunes(oneLine(query), maxQueryEcho)))
	}
	if n := cmp.Or(v.hits, lookupHits); len(hits) > n {
		hits = hits[:n]
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
		m.buttons(v.shareButton("lookup", query))
	}
	sharedNote(m, v)
	return *m
}

// sectionRuns adds one section: its path (a link when the notes have a URL),
// its best facts with the matched terms in bold, and its ID.
func sectionRuns(m *Response, doc, id, path string, facts []index.HitFact, v view, b *button) {
	rs := make([]run, 0, 1+8*min(len(facts), factsPerHit))
	if u := sectionURL(v.notesURL, doc, id); u != "" {
		rs = append(rs, boldLink(path, u))
	} else {
		rs = append(rs, bold(path))
	}
	n := 0
	var prev []string // the last fact shown, its parent bullets and its own text
	for _, f := range facts {
		if strings.TrimSpace(f.Text) == "" && len(f.Context) == 0 {
			continue
		}
		if n == factsPerHit {
			break
		}
		n++
		// A fact carries its parent bullets as context ("parent › child").
		// Right below its parent or a sibling, that context is already on
		// screen: show only the child, indented.
		if n := len(prev); len(f.Context) > 0 && n > 0 &&
			(slices.Equal(f.Context, prev) || slices.Equal(f.Context, prev[:n-1])) {
			rs = append(rs, plain("\n      › "))
			rs = appendFactRuns(rs, ownText(f))
		} else {
			rs = append(rs, plain("\n• "))
			rs = appendFactRuns(rs, f)
		}
		prev = append(f.Context[:len(f.Context):len(f.Context)], f.Text)
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

// renderNothing answers a lookup that matched nothing, with suggestions as
// buttons that look them up.
func renderNothing(query string, suggestions []string, v view) Response {
	m := &Response{Ephemeral: !v.public}
	m.text(plain("Nothing in the notes matched “"), bold(truncateRunes(oneLine(query), maxQueryEcho)), plain("”."))
	if len(suggestions) == 0 {
		m.context(plain("Try other words, an AWS service name or an abbreviation (ASG, CFN, CW)."))
		return *m
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
	return *m
}

// LookupTextOptions configure LookupText.
type LookupTextOptions struct {
	Hits     int    // sections shown; 0 means as many as a Slack reply shows
	Colour   bool   // ANSI bold and dim; without it matched words are *marked*
	ShowDoc  bool   // several notes files: name the document of each section
	NotesURL string // base URL for links to sections; "" for none
}

// LookupText renders the answer to a lookup as plain text, the way the
// console shows it (without its command hints); the command line's lookup
// prints it.
func LookupText(query string, hits []index.Hit, o LookupTextOptions) string {
	v := view{public: true, bare: true, showDoc: o.ShowDoc, notesURL: o.NotesURL, hits: o.Hits}
	return renderPlain(renderLookup(clean(query), hits, v), plainStyle{colour: o.Colour, marks: !o.Colour})
}
