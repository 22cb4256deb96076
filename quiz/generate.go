package quiz

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/devopsbot/devopsbot/notes"
)

// Generator kinds, besides KindScenario (a choice between approaches,
// from a comparison-table row or a "use to" description). Retired because
// they could not meet the bar of a good question: which column, statement
// or group a line is filed under, what comes next in a list, argument
// lists, and pros told from cons by tone.
const (
	KindTerm       = "term"       // a name from its description
	KindDefinition = "definition" // a description from its name
	KindService    = "service"    // a service from its overview, name masked
	KindNumber     = "number"     // a number with its unit: a limit, or missing from a statement
	KindBank       = "bank"       // older name of KindRecall in bank files
)

// Generate writes questions from the parsed notes. The same notes give the
// same questions with the same IDs: an ID hashes the generator kind, the
// source document and section and the question's key content, and every
// choice of distractors and option order is drawn from a generator seeded
// with the ID. Only questions that pass every rule in Problems are kept.
func Generate(docs ...*notes.Document) []Question {
	var out []Question
	seen := map[string]bool{}
	for _, d := range docs {
		if d == nil {
			continue
		}
		g := newGen(d)
		g.tables()
		g.services()
		g.numbers()
		for _, q := range g.out {
			if !seen[q.ID] {
				seen[q.ID] = true
				out = append(out, q)
			}
		}
	}
	return out
}

type gen struct {
	doc      *notes.Document
	byID     map[string]*notes.Section
	children map[string][]*notes.Section
	out      []Question
	ids      map[string]bool
	numVals  map[string][]string // unit -> number texts seen in the notes
	termsOf  map[termKey][]string
	asked    map[string]bool // repeatKey of every question kept
}

// repeatKey identifies a question apart from the heading path its stem
// starts with: the kind, the rest of the stem, the answer and the options.
func repeatKey(kind, stem, answer string, distractors []string) string {
	if i := strings.Index(stem, ": "); i >= 0 {
		stem = stem[i+2:]
	}
	ds := make([]string, len(distractors))
	for i, d := range distractors {
		ds[i] = normKey(d)
	}
	slices.Sort(ds)
	return kind + "\x00" + normKey(stem) + "\x00" + normKey(answer) + "\x00" + strings.Join(ds, "\x00")
}

type termKey struct {
	text  string
	parts bool
}

// terms is the package's terms, remembered: the same cells and facts come
// up as options and statements again and again.
func (g *gen) terms(s string, parts bool) []string {
	k := termKey{s, parts}
	if t, ok := g.termsOf[k]; ok {
		return t
	}
	t := terms(s, parts)
	g.termsOf[k] = t
	return t
}

func newGen(d *notes.Document) *gen {
	d = withOwnContexts(d)
	g := &gen{doc: d, byID: map[string]*notes.Section{}, children: map[string][]*notes.Section{}, ids: map[string]bool{},
		termsOf: map[termKey][]string{}, asked: map[string]bool{}}
	for i := range d.Sections {
		s := &d.Sections[i]
		g.byID[s.ID] = s
		g.children[s.Parent] = append(g.children[s.Parent], s)
	}
	g.collectNumbers()
	return g
}

// withOwnContexts returns a copy of d in which a fact keeps its context
// (parent bullets) only if every parent is a fact of the same section: a
// context carried over from another section would mislabel the fact.
func withOwnContexts(d *notes.Document) *notes.Document {
	out := *d
	out.Sections = slices.Clone(d.Sections)
	for i := range out.Sections {
		s := &out.Sections[i]
		texts := make(map[string]bool, len(s.Facts))
		for _, f := range s.Facts {
			texts[f.Text] = true
		}
		var facts []notes.Fact
		for j, f := range s.Facts {
			if len(f.Context) == 0 || !slices.ContainsFunc(f.Context, func(c string) bool { return !texts[c] }) {
				continue
			}
			if facts == nil {
				facts = slices.Clone(s.Facts)
			}
			facts[j].Context = nil
		}
		if facts != nil {
			s.Facts = facts
		}
	}
	return &out
}

// about names what a section is about in plain words, for a stem: its
// service or concept and its own title ("CloudFormation intrinsic
// functions", "Elastic Beanstalk limits"), never a heading path.
func (g *gen) about(s *notes.Section) string {
	title := cleanHeading(s.Title)
	svc := Service(s.Path)
	generic := strings.EqualFold(title, "overview") || strings.EqualFold(title, "concepts") || strings.EqualFold(title, "components")
	switch {
	case svc == "" || strings.EqualFold(svc, title):
		return lowerTitle(title)
	case generic:
		return svc
	case strings.Contains(strings.ToLower(title), strings.ToLower(svc)):
		return title // "Kinesis Data Firehose", a name of its own
	case strings.EqualFold(s.Path[0], "concepts") && !strings.HasSuffix(s.Path[1], " Concepts"):
		return lowerTitle(title) // "blue/green deployment", not "Deployment Strategies blue/green deployment"
	}
	return svc + " " + lowerTitle(title)
}

// lowerTitle lower-cases a heading's plain capitalised words ("Intrinsic
// Functions" → "intrinsic functions"), keeping names (CloudFormation,
// API, Fn::Join) as they are.
func lowerTitle(t string) string {
	ws := strings.Fields(t)
	for i, w := range ws {
		rest := w[1:]
		if w[0] >= 'A' && w[0] <= 'Z' && rest == strings.ToLower(rest) && hasLetters(w, 2) {
			ws[i] = strings.ToLower(w)
		}
	}
	return strings.Join(ws, " ")
}

// cleanHeading drops a bullet list run into a heading ("Benefits * Fully
// managed * Highly available" is the heading "Benefits").
func cleanHeading(h string) string {
	if i := strings.Index(h, " * "); i > 0 {
		return strings.TrimSpace(h[:i])
	}
	return h
}

func questionID(kind, doc, section, key string) string {
	h := sha256.Sum256([]byte(kind + "\x00" + doc + "\x00" + section + "\x00" + key))
	return "q" + hex.EncodeToString(h[:6])
}

func rngFor(id string) *rand.Rand {
	h := sha256.Sum256([]byte(id))
	return rand.New(rand.NewPCG(binary.BigEndian.Uint64(h[:8]), binary.BigEndian.Uint64(h[8:16])))
}

// add builds a question from an answer and candidate distractors (same
// type: same column, sibling sections, ...). Up to three distractors are
// drawn; candidates equal to the answer after normalisation, empty or found
// in the stem are dropped. The question is kept only if it passes Problems.
// basis is why a generated answer is right: an explanation and the line of
// the notes it rests on (found in the question's section).
type basis struct{ explain, quote string }

func (g *gen) add(kind string, s *notes.Section, key, stem, answer string, cands []string, b basis) bool {
	id := questionID(kind, g.doc.Name, s.ID, key)
	if g.ids[id] {
		return false
	}
	rng := rngFor(id)
	ds := g.distractors(rng, s, stem, answer, cands)
	if len(ds) == 0 {
		return false
	}
	opts := append([]string{answer}, ds...)
	rng.Shuffle(len(opts), func(i, j int) { opts[i], opts[j] = opts[j], opts[i] })
	q := Question{
		ID:          id,
		Stem:        stem,
		Options:     opts,
		Correct:     slices.Index(opts, answer),
		Explanation: b.explain,
		Quote:       b.quote,
		Source:      Source{Doc: s.Doc, Section: s.ID, Path: slices.Clone(s.Path)},
		Domains:     SectionDomains(s),
		Kind:        kind,
	}
	if q.Source.Doc == "" {
		q.Source.Doc = g.doc.Name
	}
	if len(problems(q, g.terms)) > 0 {
		return false
	}
	// The same block of notes under two headings would ask the same
	// question twice, only the heading path differing.
	rk := repeatKey(kind, stem, answer, ds)
	if g.asked[rk] {
		return false
	}
	g.asked[rk] = true
	g.ids[id] = true
	g.out = append(g.out, q)
	return true
}

// distractors draws up to three distractors for answer from cands (same
// type: same column, sibling sections, ...): candidates equal to the
// answer after normalisation, empty, found in the stem, nearly repeating
// the answer or another pick, or of a length apart are dropped.
func (g *gen) distractors(rng *rand.Rand, s *notes.Section, stem, answer string, cands []string) []string {
	ansKey := normKey(answer)
	ansTerms := g.terms(answer, false)
	stemWords := words(stem)
	seen := map[string]bool{ansKey: true}
	var ds []string
	for _, c := range cands {
		c = strings.TrimSpace(c)
		k := normKey(c)
		if k == "" || seen[k] || strings.Trim(c, ".") == "" || strings.EqualFold(c, "todo") {
			continue
		}
		if containsSeq(stemWords, words(c)) {
			continue
		}
		// A distractor that nearly repeats the answer, or stands out by its
		// length, makes the question a trick or a giveaway.
		if !bothNumbers(answer, c) && nearDuplicate(ansTerms, g.terms(c, false)) || !comparableLength(answer, c) {
			continue
		}
		seen[k] = true
		ds = append(ds, c)
	}
	if len(ds) == 0 {
		return nil
	}
	rng.Shuffle(len(ds), func(i, j int) { ds[i], ds[j] = ds[j], ds[i] })
	// When the stem echoes a word of the answer, distractors sharing that
	// word go first: they take the clue away.
	if cl := clues(g.terms, answer, stem, topicTerms(g.terms, s.Path, answer)); len(cl) > 0 {
		n := make(map[string]int, len(ds))
		for _, d := range ds {
			dt := g.terms(d, true)
			for _, w := range cl {
				if hasTerm(dt, w) {
					n[d]++
				}
			}
		}
		slices.SortStableFunc(ds, func(a, b string) int { return n[b] - n[a] })
	}
	// Up to three distractors, none nearly repeating another: two
	// near-twins read as a careless question.
	var picked []string
	for _, d := range ds {
		if len(picked) == 3 {
			break
		}
		dt := g.terms(d, false)
		if !slices.ContainsFunc(picked, func(p string) bool { return !bothNumbers(p, d) && nearDuplicate(g.terms(p, false), dt) }) {
			picked = append(picked, d)
		}
	}
	return picked
}

func quote(s string) string { return "“" + strings.TrimSpace(s) + "”" }

func hasLetters(s string, n int) bool {
	run := 0
	for _, r := range s {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' {
			run++
			if run >= n {
				return true
			}
		} else {
			run = 0
		}
	}
	return false
}

func wordCount(s string) int { return len(strings.Fields(s)) }
