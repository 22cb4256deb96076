package quiz

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/devopsbot/devopsbot/notes"
)

func mustDefault(t testing.TB) *notes.Document {
	t.Helper()
	d, err := notes.Default()
	if err != nil {
		t.Fatalf("notes.Default: %v", err)
	}
	return d
}

var kinds = []string{KindScenario, KindTerm, KindDefinition, KindService, KindNumber}

// TestGeneratedQuestionsPassEveryRule runs every quality rule over every
// question generated from the default notes.
func TestGeneratedQuestionsPassEveryRule(t *testing.T) {
	d := mustDefault(t)
	qs := Generate(d)
	if len(qs) < 70 {
		t.Fatalf("generated %d questions, want at least 70", len(qs))
	}
	ids := map[string]bool{}
	stems := map[string]bool{}
	for _, q := range qs {
		if p := append(Problems(q), headingProblems(q)...); len(p) > 0 {
			t.Errorf("%s (%s): %v\n%s %q", q.ID, q.Kind, p, q.Stem, q.Options)
		}
		if strings.Contains(q.Explanation, "›") || strings.Contains(q.Quote, "›") {
			t.Errorf("%s: heading separator in quoted text: %q", q.ID, q.Explanation)
		}
		if ids[q.ID] {
			t.Errorf("duplicate ID %s", q.ID)
		}
		ids[q.ID] = true
		if stems[q.Stem] {
			t.Errorf("two questions with one stem (%s): %s", q.ID, q.Stem)
		}
		stems[q.Stem] = true
		if !slices.Contains(kinds, q.Kind) {
			t.Errorf("%s: unknown kind %q", q.ID, q.Kind)
		}
		if len(q.Domains) == 0 {
			t.Errorf("%s: no exam domain for section %s", q.ID, q.Source.Section)
		}
		if q.Explanation == "" {
			t.Errorf("%s: no explanation", q.ID)
		}
		s := d.Section(q.Source.Section)
		if s == nil || q.Source.Doc != d.Name || len(q.Source.Path) == 0 {
			t.Errorf("%s: source %+v is not a section of %s", q.ID, q.Source, d.Name)
			continue
		}
		if msg := sameType(d, s, q); msg != "" {
			t.Errorf("%s (%s): options not of one type: %s\n%s %q", q.ID, q.Kind, msg, q.Stem, q.Options)
		}
	}
}

// sameType checks that the options come from where the generator kind says
// they come from: one table column, sibling sections, one bullet group.
func sameType(d *notes.Document, s *notes.Section, q Question) string {
	in := func(set []string, o string) bool {
		return slices.ContainsFunc(set, func(x string) bool { return strings.TrimSpace(x) == o })
	}
	all := func(set []string) string {
		for _, o := range q.Options {
			if !in(set, o) {
				return "option " + quote(o) + " is not among " + clip(strings.Join(set, " | "), 200)
			}
		}
		return ""
	}
	switch q.Kind {
	case KindTerm, KindDefinition, KindNumber, KindScenario:
		if q.Kind == KindNumber && strings.Contains(q.Stem, "fill in the blank") {
			return "" // numbers from facts: options of one unit, checked by Problems
		}
		var tables []notes.Table
		for _, o := range d.Sections {
			if o.ID == s.ID || (q.Kind == KindNumber && o.Title == s.Title) {
				tables = append(tables, o.Tables...)
				for _, bt := range nameBullets(o.Facts) {
					tables = append(tables, bt.Table)
				}
			}
		}
		for _, t := range tables {
			cols := columns(t)
			if q.Kind == KindNumber {
				// Cells of one table (side by side columns, or limits).
				var cells []string
				for _, c := range cols {
					cells = append(cells, c.cells...)
				}
				if all(cells) == "" {
					return ""
				}
			}
			for _, c := range cols {
				if all(c.cells) == "" {
					return ""
				}
			}
		}
		return "not all from one table column"
	case KindService:
		var titles []string
		for _, o := range d.Sections {
			if o.Parent == s.Parent {
				titles = append(titles, o.Title)
			}
		}
		if q.Kind == KindService {
			// The source is the service's overview; options are services.
			titles = nil
			for _, o := range d.Sections {
				if p := d.Section(o.Parent); p != nil && p.Parent == "" && p.Title == "Services" {
					titles = append(titles, o.Title)
				}
			}
		}
		return all(titles)
	}
	return ""
}

func TestGenerateCoverage(t *testing.T) {
	d := mustDefault(t)
	qs := Generate(d)
	perKind := map[string]int{}
	covered := map[string]int{}
	concepts := 0
	for _, q := range qs {
		perKind[q.Kind]++
		if len(q.Source.Path) >= 2 && q.Source.Path[0] == "Services" {
			covered[q.Source.Path[1]]++
		}
		if len(q.Source.Path) >= 1 && q.Source.Path[0] == "Concepts" {
			concepts++
		}
	}
	var services []string
	for _, s := range d.Sections {
		if p := d.Section(s.Parent); p != nil && p.Parent == "" && p.Title == "Services" {
			services = append(services, s.Title)
		}
	}
	if len(services) != 19 {
		t.Fatalf("default notes have %d service sections, want 19", len(services))
	}
	n := 0
	for _, s := range services {
		if covered[s] > 0 {
			n++
		} else {
			t.Logf("service %s has no questions", s)
		}
	}
	if n < 15 {
		t.Errorf("questions cover %d of 19 services, want at least 15", n)
	}
	if concepts < 8 {
		t.Errorf("%d questions from the Concepts part, want at least 8", concepts)
	}
	for _, k := range kinds {
		if perKind[k] == 0 {
			t.Errorf("no %s questions", k)
		}
	}
	t.Logf("%d questions; per kind %v; %d of 19 services; %d from Concepts", len(qs), perKind, n, concepts)
}

// TestIssueExamples checks the questions the issue names as examples.
func TestIssueExamples(t *testing.T) {
	qs := Generate(mustDefault(t))
	find := func(kind, section, stemPart, answer string) *Question {
		t.Helper()
		for i, q := range qs {
			if q.Kind == kind && q.Source.Section == section && strings.Contains(q.Stem, stemPart) && q.Options[q.Correct] == answer {
				return &qs[i]
			}
		}
		t.Errorf("no %s question in %s with %q answered by %q", kind, section, stemPart, answer)
		return nil
	}
	if q := find(KindScenario, "4_2_3_1", "check for updates to metadata", "cfn-hup"); q != nil {
		for _, o := range q.Options {
			if !strings.HasPrefix(o, "cfn-") {
				t.Errorf("cfn-hup question has option %q from another column", o)
			}
		}
	}
	if q := find(KindNumber, "4_2_4", "Resources per stack", "200"); q != nil {
		for _, o := range q.Options {
			if _, ok := numberUnit(o); !ok {
				t.Errorf("Resources per stack question has non-number option %q", o)
			}
		}
	}
	find(KindScenario, "3_1", "testing “can test prior to cutover”", "Blue/Green")
	find(KindService, "4_2_1", "provides a common language", "CloudFormation")
	find(KindNumber, "4_3_2_1", "Stored for ___", "90 days")
}

func TestGenerateIsStable(t *testing.T) {
	a := Generate(mustDefault(t))
	b := Generate(mustDefault(t))
	if len(a) != len(b) {
		t.Fatalf("two runs: %d and %d questions", len(a), len(b))
	}
	for i := range a {
		if a[i].ID != b[i].ID || a[i].Stem != b[i].Stem || !slices.Equal(a[i].Options, b[i].Options) || a[i].Correct != b[i].Correct {
			t.Fatalf("question %d differs between runs: %+v vs %+v", i, a[i], b[i])
		}
	}
	// Another document loaded beside does not change the first one's IDs.
	other, err := notes.Parse("extra", []byte(extraNotes))
	if err != nil {
		t.Fatal(err)
	}
	c := Generate(mustDefault(t), other)
	for i := range a {
		if c[i].ID != a[i].ID {
			t.Fatalf("question %d: ID %s with a second document, %s without", i, c[i].ID, a[i].ID)
		}
	}
}

const extraNotes = `# Route 53

## Routing policies

Policy|Use
-|-
Simple|One resource serves the domain
Weighted|Split traffic between resources in proportions you choose
Latency|Send users to the region with the lowest latency
Failover|Active-passive failover to a standby resource

## Health checks

* Health checks can monitor an endpoint every 30 seconds or every 10 seconds
* A failed health check removes the record from DNS answers
`

func TestGenerateOtherNotes(t *testing.T) {
	d, err := notes.Parse("extra", []byte(extraNotes))
	if err != nil {
		t.Fatal(err)
	}
	qs := Generate(d)
	if len(qs) < 3 {
		t.Fatalf("generated %d questions from a small routing table, want at least 3", len(qs))
	}
	for _, q := range qs {
		if p := Problems(q); len(p) > 0 {
			t.Errorf("%s: %v", q.ID, p)
		}
		if q.Source.Doc != "extra" {
			t.Errorf("%s: doc %q, want extra", q.ID, q.Source.Doc)
		}
		want := []int{6} // "route 53" on the path
		if q.Source.Path[len(q.Source.Path)-1] == "Health checks" {
			want = []int{5} // the deepest heading decides: "health"
		}
		if !slices.Equal(q.Domains, want) {
			t.Errorf("%s (%v): domains %v, want %v", q.ID, q.Source.Path, q.Domains, want)
		}
	}
}

func TestGenerateNil(t *testing.T) {
	if qs := Generate(); len(qs) != 0 {
		t.Errorf("Generate() = %d questions", len(qs))
	}
	if qs := Generate(nil); len(qs) != 0 {
		t.Errorf("Generate(nil) = %d questions", len(qs))
	}
}

func TestProblems(t *testing.T) {
	good := Question{ID: "q1", Stem: "Which helper script checks for metadata updates?", Options: []string{"cfn-init", "cfn-hup", "cfn-signal"},
		Correct: 1, Explanation: "cfn-hup: checks for updates", Domains: []int{2}}
	tests := []struct {
		name   string
		change func(q *Question)
		want   string // substring of a problem; "" for none
	}{
		{"good question", func(q *Question) {}, ""},
		{"missing id", func(q *Question) { q.ID = "" }, "missing id"},
		{"missing stem", func(q *Question) { q.Stem = " " }, "missing stem"},
		{"one option", func(q *Question) { q.Options = q.Options[:1]; q.Correct = 0 }, "want 2-5"},
		{"six options", func(q *Question) { q.Options = []string{"a1", "b2", "c3", "d4", "e5", "f6"} }, "want 2-5"},
		{"correct out of range", func(q *Question) { q.Correct = 3 }, "out of range"},
		{"empty option", func(q *Question) { q.Options[0] = "" }, "placeholder"},
		{"dot option", func(q *Question) { q.Options[2] = "." }, "placeholder"},
		{"same after normalisation", func(q *Question) { q.Options[2] = "CFN-HUP." }, "same after normalisation"},
		{"br in option", func(q *Question) { q.Options[0] = "cfn-init<br/>x" }, "<br"},
		{"bold in stem", func(q *Question) { q.Stem = "Which **helper** script?" }, "**"},
		{"backtick", func(q *Question) { q.Options[0] = "`cfn-init`" }, "`"},
		{"link", func(q *Question) { q.Explanation = "see [x](#4_2)" }, "](#"},
		{"pipe", func(q *Question) { q.Stem = "a | b" }, "|"},
		{"answer in stem", func(q *Question) { q.Stem = "What does cfn-hup do?" }, "appears in the stem"},
		{"answer variant in stem", func(q *Question) {
			q.Options = []string{"Rolling deployment", "Canary deployment"}
			q.Correct = 0
			q.Stem = "Which one is rolling?"
		}, "appears in the stem"},
		{"plural variant in stem", func(q *Question) {
			q.Options = []string{"Layer", "Stack"}
			q.Correct = 0
			q.Stem = "Which one has layers?"
		}, "appears in the stem"},
		{"number without unit among units", func(q *Question) {
			q.Options = []string{"90 days", "60", "7 days"}
			q.Correct = 0
			q.Stem = "Events are stored for ___"
		}, "not a number"},
		{"different units", func(q *Question) {
			q.Options = []string{"90 days", "90 hours", "7 days"}
			q.Correct = 0
			q.Stem = "Events are stored for ___"
		}, "not a number"},
		{"same unit spelled differently", func(q *Question) {
			q.Options = []string{"1 day", "7 days", "90 days"}
			q.Correct = 1
			q.Stem = "Retention up to ___"
		}, ""},
		{"bad domain", func(q *Question) { q.Domains = []int{7} }, "not 1-6"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := good
			q.Options = slices.Clone(good.Options)
			q.Domains = slices.Clone(good.Domains)
			tt.change(&q)
			p := Problems(q)
			if tt.want == "" {
				if len(p) > 0 {
					t.Errorf("Problems = %v, want none", p)
				}
				return
			}
			if !slices.ContainsFunc(p, func(s string) bool { return strings.Contains(s, tt.want) }) {
				t.Errorf("Problems = %v, want one containing %q", p, tt.want)
			}
		})
	}
}

func TestDomainMap(t *testing.T) {
	if _, err := parseDomainMap(domainsData); err != nil {
		t.Fatalf("embedded domains.txt: %v", err)
	}
	if got := DomainName(1); got != "SDLC Automation" {
		t.Errorf("DomainName(1) = %q", got)
	}
	if got := DomainName(6); !strings.HasPrefix(got, "High Availability") {
		t.Errorf("DomainName(6) = %q", got)
	}
	if DomainName(0) != "" || DomainName(7) != "" {
		t.Error("DomainName outside 1-6 is not empty")
	}
	tests := []struct {
		id   string
		path []string
		want []int
	}{
		{"4_2", nil, []int{2}},
		{"4_2_4", nil, []int{2}},
		{"4_2_2_2/stack-policy", nil, []int{2}},
		{"4_1", nil, []int{1}},
		{"4_10_1", nil, []int{4}},  // 4_10, not 4_1
		{"4_1_2_7", nil, []int{6}}, // the longer prefix wins
		{"3_3_2_5", nil, []int{2, 6}},
		{"x", []string{"Study", "Amazon CloudWatch Logs", "Insights"}, []int{3}},
		{"y", []string{"Route 53"}, []int{6}},
		{"z", []string{"Cooking"}, nil},
	}
	m := defaultDomainMap()
	for _, tt := range tests {
		if got := m.domains("devops-engineer-professional", tt.id, tt.path); !slices.Equal(got, tt.want) {
			t.Errorf("domains(%s, %v) = %v, want %v", tt.id, tt.path, got, tt.want)
		}
	}
	bad := []string{
		"domain 1 A\n",                // only one domain
		"domain 2 A\n",                // out of order
		"section * 4_2 9\n",           // domain out of range
		"title cloudformation\n",      // no domains
		"whatever\n",                  // unknown directive
		"section * 4_2\ndomain 1 A\n", // section without domains
	}
	for _, b := range bad {
		if _, err := parseDomainMap(b); err == nil {
			t.Errorf("parseDomainMap(%q) succeeded", b)
		}
	}
}

func BenchmarkGenerate(b *testing.B) {
	d := mustDefault(b)
	b.ReportAllocs()
	for b.Loop() {
		if qs := Generate(d); len(qs) < 70 {
			b.Fatalf("%d questions", len(qs))
		}
	}
}

// BenchmarkBuildQuestions is every question the bot starts with: generated
// from the default notes, the embedded bank loaded and checked against
// them, and the engine's quality gate over all of them.
func BenchmarkBuildQuestions(b *testing.B) {
	d := mustDefault(b)
	docs := []*notes.Document{d}
	b.ReportAllocs()
	for b.Loop() {
		bank, _ := LoadDefaultBank(docs)
		e := New(nil, nil, Pool(docs, bank), Options{Seed: 1})
		if len(e.set.Load().daily) == 0 {
			b.Fatal("empty daily pool")
		}
	}
}

func TestForeignContextIsDropped(t *testing.T) {
	d := &notes.Document{Name: "n", Sections: []notes.Section{{
		ID: "a", Title: "A",
		Facts: []notes.Fact{
			{Kind: notes.FactBullet, Text: "Parent"},
			{Kind: notes.FactBullet, Text: "Child", Context: []string{"Parent"}},
			{Kind: notes.FactBullet, Text: "Orphan", Context: []string{"Events"}},
		},
	}}}
	got := withOwnContexts(d)
	f := got.Sections[0].Facts
	if !slices.Equal(f[1].Context, []string{"Parent"}) || f[2].Context != nil {
		t.Errorf("contexts = %v, %v; want [Parent] and none", f[1].Context, f[2].Context)
	}
	if d.Sections[0].Facts[2].Context == nil {
		t.Error("the input document was changed")
	}
}

// TestGenerateForeignNotes runs the generators over notes in another style
// (the robustness corpus in the shared folder beside the repository).
func TestGenerateForeignNotes(t *testing.T) {
	paths, _ := filepath.Glob("../../shared/corpus/p0o/*.md")
	if len(paths) == 0 {
		// A clone outside the workplace has no shared folder beside it.
		t.Skip("no corpus notes under ../../shared/corpus/p0o")
	}
	var docs []*notes.Document
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		d, err := notes.Parse(notes.DocName(p), data)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		docs = append(docs, d)
	}
	qs := Generate(docs...)
	if len(qs) < 20 {
		t.Errorf("%d questions from %d foreign notes files, want at least 20", len(qs), len(docs))
	}
	for _, q := range qs {
		if p := Problems(q); len(p) > 0 {
			t.Errorf("%s: %v", q.ID, p)
		}
		if len(q.Domains) == 0 {
			t.Errorf("%s (%s %v): no domain", q.ID, q.Source.Doc, q.Source.Path)
		}
	}
}

const strategyNotes = `# Guide

## Rollouts

Strategy|Downtime|Cost|Testing|Rollback
-|-|-|-|-
Slow roll|none|no extra cost|in production|redeploy
Quick roll|usually none|no extra cost|in production|redeploy
Big bang|full outage|no extra cost|none before release|redeploy
Blue green|none|a second environment|before cutover|switch back
`

// TestComparisonScenarios: a row clearly apart from every other becomes a
// scenario; rows apart only by "none" and "usually none" do not (a team
// needing one could take the other).
func TestComparisonScenarios(t *testing.T) {
	asked := map[string]string{}
	for _, q := range Generate(mustParse(t, strategyNotes)) {
		if q.Kind == KindScenario {
			asked[q.Options[q.Correct]] = q.Stem
		}
	}
	for _, name := range []string{"Big bang", "Blue green"} {
		if asked[name] == "" {
			t.Errorf("no scenario answered by %s (asked: %v)", name, asked)
		}
	}
	for _, name := range []string{"Slow roll", "Quick roll"} {
		if s, ok := asked[name]; ok {
			t.Errorf("near-twin %s asked: %s", name, s)
		}
	}
}
