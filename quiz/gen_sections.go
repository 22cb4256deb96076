package quiz

import (
	"regexp"
	"slices"
	"strings"

	"github.com/devopsbot/devopsbot/notes"
)

// Generators over sections: service overviews and statements among
// sibling sections.

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
		g.add(KindService, src, s.Title, stem, s.Title, others(titles, i), clip(text, 300))
	}
}

// ---- statements that belong to one section among siblings ----

// genericTitle are headings that name a part of any topic rather than a
// thing: a statement cannot be said to belong to one of them.
var genericTitle = map[string]bool{"overview": true, "components": true, "concepts": true, "concept": true,
	"benefits": true, "how it works": true, "how to": true, "under the hood": true, "process": true,
	"limits": true, "scenarios": true, "troubleshooting": true, "introduction": true, "summary": true,
	"details": true, "other": true, "general": true, "notes": true, "misc": true}

var stop = map[string]bool{"the": true, "a": true, "an": true, "of": true, "and": true, "or": true, "to": true, "in": true,
	"for": true, "on": true, "with": true, "is": true, "are": true, "be": true, "can": true, "by": true, "it": true}

// subtreeFacts returns the facts of s and its descendants, in order.
func (g *gen) subtreeFacts(s *notes.Section) []notes.Fact {
	out := slices.Clone(s.Facts)
	for _, c := range g.children[s.ID] {
		out = append(out, g.subtreeFacts(c)...)
	}
	return out
}

func (g *gen) descendants(s *notes.Section) []*notes.Section {
	var out []*notes.Section
	for _, c := range g.children[s.ID] {
		out = append(out, c)
		out = append(out, g.descendants(c)...)
	}
	return out
}

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

func (g *gen) statements() {
	for _, kids := range g.sortedChildren() {
		var sibs []*notes.Section
		for _, k := range kids {
			if len(g.subtreeFacts(k)) > 0 {
				sibs = append(sibs, k)
			}
		}
		if len(sibs) < 3 || slices.ContainsFunc(sibs, func(k *notes.Section) bool { return genericTitle[strings.ToLower(strings.TrimSuffix(k.Title, ":"))] }) {
			continue
		}
		parent := g.byID[kids[0].Parent]
		if parent == nil {
			continue // top-level headings: exam objectives, concepts, services as a whole
		}
		service := parent.Parent == "" && strings.EqualFold(parent.Title, "services")
		if parent.Parent == "" && !service {
			continue
		}
		minWords, cap := 6, 3
		if service {
			minWords, cap = 7, 3
		}
		var titles []string
		for _, k := range sibs {
			titles = append(titles, k.Title)
		}
		facts := make([][]notes.Fact, len(sibs))
		sets := make([][]wordSet, len(sibs))
		for i, k := range sibs {
			facts[i] = g.subtreeFacts(k)
			if service {
				// Marketing bullets ("Secure", "Pay as you go") fit any service.
				facts[i] = nil
				for _, d := range append([]*notes.Section{k}, g.descendants(k)...) {
					if !strings.EqualFold(d.Title, "benefits") {
						facts[i] = append(facts[i], d.Facts...)
					}
				}
			}
		}
		counts := make([]map[string]int, len(sibs))
		for i := range sibs {
			counts[i] = map[string]int{}
			for _, f := range facts[i] {
				sets[i] = append(sets[i], newWordSet(words(f.Text)))
				for _, w := range g.terms(f.Text, false) {
					counts[i][w]++
				}
			}
		}
		for i, k := range sibs {
			// Words of the answer's title that no other option has.
			other := map[string]bool{}
			for j, t := range titles {
				if j != i {
					for _, w := range words(t) {
						other[w] = true
					}
				}
			}
			var distinct []string
			for _, w := range words(k.Title) {
				if !other[w] && !stop[w] && len(w) > 2 {
					distinct = append(distinct, w)
				}
			}
			n := 0
			for _, f := range facts[i] {
				if n >= cap {
					break
				}
				if f.Kind != notes.FactBullet && f.Kind != notes.FactParagraph {
					continue
				}
				if service && len(f.Context) > 0 {
					continue // a detail under a bullet needs its context
				}
				text := strings.TrimSpace(f.Text)
				if len(f.Context) > 0 {
					// A detail needs the bullet it hangs under.
					text = strings.TrimSpace(f.FullText())
				}
				if first := strings.ToLower(strings.Fields(text + " x")[0]); first == "those" || first == "this" || first == "it" || first == "they" || first == "these" || first == "e.g." || first == "eg." || first == "-" || first == "->" || first == "..." {
					continue
				}
				wc := wordCount(text)
				if wc < minWords || wc > 40 || strings.HasPrefix(strings.ToUpper(text), "TODO") || strings.Contains(text, "://") {
					continue
				}
				fw := words(text)
				if slices.ContainsFunc(distinct, func(w string) bool {
					return slices.Contains(fw, w) || slices.Contains(fw, w+"s") || slices.Contains(fw, strings.TrimSuffix(w, "s"))
				}) {
					continue
				}
				if service && slices.ContainsFunc(titles, func(t string) bool { return containsSeq(fw, words(t)) }) {
					continue // names a service: a giveaway or a trap
				}
				if !anchored(g.terms(text, false), counts, i) {
					continue
				}
				dup := false
				fs := newWordSet(fw)
				for j := range sibs {
					if j == i || dup {
						continue
					}
					for _, os := range sets[j] {
						if jaccard(fs, os) >= 0.5 {
							dup = true
							break
						}
					}
				}
				if dup {
					continue
				}
				stem := g.topic(parent) + ": which topic is this statement about? " + quote(text)
				if service {
					stem = "Which service is this statement about? " + quote(text)
				}
				if g.add(KindStatement, k, text, stem, k.Title, others(titles, i), f.FullText()+" ("+g.topic(k)+")") {
					n++
				}
			}
		}
	}
}

// anchored reports whether a statement with terms ts is tied to sibling i
// by a word of its own: a term that sibling's notes use more than once and
// no other sibling uses at all ("layer", "recipe" for OpsWorks). Without
// one, a statement ("Application is pulled from S3 or GitHub") may fit
// several options and is right only "according to the notes".
//
// A statement is not anchored either when one of its words is the own
// word of one other sibling (used only there among the others, at least
// twice and as often as in its own): "application source bundle" leans
// toward CodeDeploy as much as toward Elastic Beanstalk.
func anchored(ts []string, counts []map[string]int, i int) bool {
	for _, t := range ts {
		users, lean := 0, false
		for j, c := range counts {
			if j == i || c[t] == 0 {
				continue
			}
			users++
			lean = lean || c[t] >= max(2, counts[i][t])
		}
		if users == 1 && lean {
			return false
		}
	}
	for _, t := range ts {
		if counts[i][t] < 2 || isNumber(t) {
			continue
		}
		own := true
		for j, c := range counts {
			if j != i && c[t] > 0 {
				own = false
				break
			}
		}
		if own {
			return true
		}
	}
	return false
}

// sortedChildren returns children lists keyed by parent, iterated in a
// stable order (document order of the first child).
func (g *gen) sortedChildren() [][]*notes.Section {
	var out [][]*notes.Section
	done := map[string]bool{}
	for i := range g.doc.Sections {
		p := g.doc.Sections[i].Parent
		if done[p] {
			continue
		}
		done[p] = true
		out = append(out, g.children[p])
	}
	return out
}
