package notes

import (
	"strconv"
	"strings"
	"unicode"
)

// assignIDs gives every section its ID: its own anchor when it has one,
// else "<nearest anchored ancestor>/<slug>" or "<slug>", made unique with
// "-1", "-2", ... Explicit anchors are reserved first so a generated ID
// never takes one.
func (w *walker) assignIDs() {
	secs := w.doc.Sections
	used := make(map[string]bool, len(secs))
	for i, a := range w.anchors {
		if a != "" && !used[a] {
			used[a] = true
			secs[i].ID = a
			secs[i].Anchor = true
		}
	}
	next := map[string]int{}
	for i := range secs {
		s := &secs[i]
		if s.Anchor {
			continue
		}
		base := w.anchors[i] // a repeated anchor keeps its name, made unique
		if base == "" {
			base = slug(s.Title)
			for a := w.parents[i]; a >= 0; a = w.parents[a] {
				if secs[a].Anchor {
					base = secs[a].ID + "/" + base
					break
				}
			}
		}
		id := base
		if used[id] {
			n := next[base]
			for {
				n++
				id = base + "-" + strconv.Itoa(n)
				if !used[id] {
					break
				}
			}
			next[base] = n
		}
		used[id] = true
		s.ID = id
	}
	for i := range secs {
		if a := w.parents[i]; a >= 0 {
			secs[i].Parent = secs[a].ID
		}
	}
}

// slug is a GitHub-style heading slug: lower case, letters, digits, "-" and
// "_" kept, spaces become "-", everything else dropped.
func slug(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case unicode.IsLetter(r), unicode.IsDigit(r), unicode.Is(unicode.Mn, r), r == '_', r == '-':
			b.WriteRune(r)
		case r == ' ':
			b.WriteByte('-')
		}
	}
	if b.Len() == 0 {
		return "section"
	}
	return b.String()
}
