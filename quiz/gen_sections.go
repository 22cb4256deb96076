package quiz

import (
	"regexp"
	"slices"
	"strings"

	"github.com/devopsbot/devopsbot/notes"
)

// Generators over sections: service overviews.

var subjectVerb = regexp.MustCompile(`^(.{3,80}?)\s+(is|are|lets|helps|enables|makes|provides|offers|operates|allows)\b`)

// servicesRoot returns the top-level section titled "Services", or nil.
func (g *gen) root(title string) *notes.Section {
	for i := range g.doc.Sections {
		s := &g.doc.Sections[i]
		if s.Parent == "" && strings.EqualFold(s.Title, title) {
			return s
		}
	}
	return nil
}

func splitSentences(text string) []string {
	var out []string
	start := 0
	rs := []rune(text)
	for i := 0; i < len(rs); i++ {
		if (rs[i] == '.' || rs[i] == '!' || rs[i] == '?') && (i+1 == len(rs) || rs[i+1] == ' ') {
			// Not after an abbreviation like "e.g." or a single capital.
			word := lastWord(string(rs[start : i+1]))
			if strings.EqualFold(word, "e.g.") || strings.EqualFold(word, "i.e.") || strings.EqualFold(word, "etc.") {
				continue
			}
			out = append(out, strings.TrimSpace(string(rs[start:i+1])))
			start = i + 1
		}
	}
	if rest := strings.TrimSpace(string(rs[start:])); rest != "" {
		out = append(out, rest)
	}
	return out
}

func lastWord(s string) string {
	f := strings.Fields(s)
	if len(f) == 0 {
		return ""
	}
	return f[len(f)-1]
}

// overview returns the first paragraph describing a service section.
func (g *gen) overview(s *notes.Section) (string, *notes.Section) {
	for _, f := range s.Facts {
		if f.Kind == notes.FactParagraph && wordCount(f.Text) >= 12 {
			return f.Text, s
		}
	}
	for _, c := range g.children[s.ID] {
		if strings.EqualFold(c.Title, "overview") {
			for _, f := range c.Facts {
				if f.Kind == notes.FactParagraph && wordCount(f.Text) >= 12 {
					return f.Text, c
				}
			}
		}
	}
	return "", nil
}

// mask replaces the service's names in text with "this service".
func mask(text string, names []string) string {
	sort := slices.Clone(names)
	slices.SortFunc(sort, func(a, b string) int { return len(b) - len(a) })
	for _, n := range sort {
		if strings.TrimSpace(n) == "" {
			continue
		}
		re := regexp.MustCompile(`(?i)(^|[^\w-])` + regexp.QuoteMeta(n) + `([^\w-]|$)`)
		text = re.ReplaceAllString(text, "${1}this service${2}")
	}
	text = strings.ReplaceAll(text, "this service (this service)", "this service")
	text = strings.ReplaceAll(text, "this service’s", "this service's")
	// "AWS Config is a service that enables…" masked reads "this service
	// is a service that enables…".
	text = strings.ReplaceAll(text, "this service is a service that ", "this service ")
	for _, s := range []string{". this service", "? this service", "! this service"} {
		text = strings.ReplaceAll(text, s, strings.Replace(s, "this", "This", 1))
	}
	if strings.HasPrefix(text, "this service") {
		text = "This" + strings.TrimPrefix(text, "this")
	}
	return text
}

func (g *gen) services() {
	root := g.root("Services")
	if root == nil {
		return
	}
	svcs := g.children[root.ID]
	var titles []string
	for _, s := range svcs {
		titles = append(titles, s.Title)
	}
	for i, s := range svcs {
		text, src := g.overview(s)
		if text == "" {
			continue
		}
		names := []string{s.Title, "AWS " + s.Title, "Amazon " + s.Title}
		// The sentence that names the service defines it.
		sents := splitSentences(text)
		first := -1
		for j, se := range sents {
			if m := subjectVerb.FindStringSubmatch(se); m != nil && (strings.Contains(strings.ToLower(m[1]), strings.ToLower(s.Title)) ||
				strings.HasPrefix(m[1], "AWS ") || strings.HasPrefix(m[1], "Amazon ")) {
				names = append(names, m[1])
				// "Amazon Elastic Container Service (Amazon ECS)": both names.
				if k := strings.Index(m[1], "("); k > 0 {
					names = append(names, strings.TrimSpace(m[1][:k]), strings.Trim(m[1][k:], "() "))
				}
				first = j
				break
			}
		}
		if first < 0 {
			continue
		}
		body := strings.Join(sents[first:min(first+2, len(sents))], " ")
		stem := "Which service is this? " + quote(mask(body, names))
		g.add(KindService, src, s.Title, stem, s.Title, others(titles, i), basis{clip(text, 300), sents[first]})
	}
}

var stop = map[string]bool{"the": true, "a": true, "an": true, "of": true, "and": true, "or": true, "to": true, "in": true,
	"for": true, "on": true, "with": true, "is": true, "are": true, "be": true, "can": true, "by": true, "it": true}

// wordSet is the set of a text's words without stop words.
type wordSet map[string]struct{}

func newWordSet(ws []string) wordSet {
	set := make(wordSet, len(ws))
	for _, w := range ws {
		if !stop[w] {
			set[w] = struct{}{}
		}
	}
	return set
}

func jaccard(a, b wordSet) float64 {
	if len(a) > len(b) {
		a, b = b, a
	}
	if 2*len(a) < len(b) {
		return float64(len(a)) / float64(len(b)) // an upper bound below 0.5
	}
	inter := 0
	for w := range a {
		if _, ok := b[w]; ok {
			inter++
		}
	}
	union := len(a) + len(b) - inter
	if union == 0 {
		return 0
	}
	return float64(inter) / float64(union)
}
