package notes

import (
	"bytes"
	"encoding/json"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/text"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata")

// MustParse parses md or fails the test.
func MustParse(t testing.TB, name, md string) *Document {
	t.Helper()
	d, err := Parse(name, []byte(md))
	if err != nil {
		t.Fatalf("Parse(%q): %v", name, err)
	}
	return d
}

// forbidden are leftovers of markup or navigation that must never reach a
// title or fact.
var forbidden = []string{"[↖", "[↑", "[↓", "](#", "<br", "**", "<a ", "</a>", "toc_start", "toc_end", "<!--"}

// checkClean reports markup left in titles, facts, contexts, pairs and
// table cells. Inline code spans are content and may hold anything (a fact
// saying "masked with `****`"), so they are removed before the check.
func checkClean(t *testing.T, d *Document) {
	t.Helper()
	check := func(where, s string, codes []string) {
		for _, c := range codes {
			s = strings.ReplaceAll(s, c, "")
		}
		for _, f := range forbidden {
			if strings.Contains(s, f) {
				t.Errorf("%s contains %q: %q", where, f, s)
			}
		}
		if !utf8.ValidString(s) {
			t.Errorf("%s is not valid UTF-8: %q", where, s)
		}
		if strings.ContainsRune(s, '\u00a0') {
			t.Errorf("%s contains a non-breaking space: %q", where, s)
		}
	}
	for _, s := range d.Sections {
		check(s.ID+" title", s.Title, nil)
		for _, p := range s.Path {
			check(s.ID+" path", p, nil)
		}
		for _, f := range s.Facts {
			check(s.ID+" fact", f.Text, f.Code)
			for _, c := range f.Context {
				check(s.ID+" context", c, nil)
			}
			for _, p := range f.Pairs {
				check(s.ID+" pair", p.Header+" "+p.Value, f.Code)
			}
		}
		for _, tab := range s.Tables {
			for _, h := range tab.Header {
				check(s.ID+" header", h, nil)
			}
		}
	}
}

var anchorNameRe = regexp.MustCompile(`<a name="([^"]+)"></a>`)

func TestDefaultNotes(t *testing.T) {
	d, err := Default()
	if err != nil {
		t.Fatalf("Default: %v", err)
	}
	if d.Name != DefaultName {
		t.Errorf("Name = %q, want %q", d.Name, DefaultName)
	}
	if got, want := len(d.Sections), 192; got != want {
		t.Errorf("got %d sections, want %d (one per heading)", got, want)
	}
	if got, want := len(d.Sections), countATX(string(defaultNotes)); got != want {
		t.Errorf("got %d sections, want %d ATX headings", got, want)
	}
	if got, want := commonMarkHeadings(defaultNotes); len(d.Sections) != got {
		t.Errorf("got %d sections, want %d CommonMark headings (%d with anchors)", len(d.Sections), got, want)
	}
	ids := map[string]int{}
	for _, s := range d.Sections {
		ids[s.ID]++
		if s.Doc != DefaultName {
			t.Errorf("section %s: Doc = %q", s.ID, s.Doc)
		}
		if s.Title == "" {
			t.Errorf("section %s at line %d has no title", s.ID, s.Line)
		}
		if len(s.Path) == 0 || s.Path[len(s.Path)-1] != s.Title {
			t.Errorf("section %s: path %q does not end with its title", s.ID, s.Path)
		}
	}
	for id, n := range ids {
		if n != 1 {
			t.Errorf("ID %q used by %d sections", id, n)
		}
	}
	anchors := 0
	for _, m := range anchorNameRe.FindAllStringSubmatch(string(defaultNotes), -1) {
		if m[1] == "top" {
			if ids["top"] != 0 {
				t.Errorf(`the "top" anchor became a section`)
			}
			continue
		}
		anchors++
		s := d.Section(m[1])
		if s == nil {
			t.Errorf("anchor %q is no section's ID", m[1])
			continue
		}
		if !s.Anchor {
			t.Errorf("section %q: Anchor = false", m[1])
		}
	}
	if anchors != 170 {
		t.Errorf("found %d anchors besides top, want 170", anchors)
	}
	checkClean(t, d)

	// Spot checks on sections people look up.
	limits := d.Section("4_2_4")
	if limits == nil {
		t.Fatal("no section 4_2_4")
	}
	if got, want := strings.Join(limits.Path, " › "), "Services › CloudFormation › Limits"; got != want {
		t.Errorf("4_2_4 path = %q, want %q", got, want)
	}
	if limits.Parent != "4_2" || limits.Level != 3 {
		t.Errorf("4_2_4 parent/level = %q/%d, want 4_2/3", limits.Parent, limits.Level)
	}
	if !hasFact(limits, "Max template size (stored in S3): 460kB") {
		t.Errorf("4_2_4 lacks the template size row; facts: %v", factTexts(limits))
	}
	for _, id := range []string{"4_2_2_2/stack-policy", "4_2_2_2/process", "4_2_2_2/process-1", "4_2_2_2/process-2", "4_2_2_1/parameters"} {
		if d.Section(id) == nil {
			t.Errorf("no section %q", id)
		}
	}
	if s := d.Section("4_2_2_2/process-1"); s != nil && s.Parent != "4_2_2_2/stacks-updates" {
		t.Errorf("4_2_2_2/process-1 parent = %q", s.Parent)
	}
}

func hasFact(s *Section, text string) bool {
	for _, f := range s.Facts {
		if f.Text == text {
			return true
		}
	}
	return false
}

func factTexts(s *Section) []string {
	var out []string
	for _, f := range s.Facts {
		out = append(out, f.Text)
	}
	return out
}

var atxRe = regexp.MustCompile(`^ {0,3}#{1,6}(?:[ \t]|$)`)

// countATX counts ATX headings outside fenced code, independently of the
// parser: a fence opens at a line starting (after any indentation) with
// three or more backticks or tildes and closes at a line with at least as
// many of the same character and nothing else.
func countATX(src string) int {
	n := 0
	var fc byte
	fl := 0
	for _, l := range strings.Split(strings.ReplaceAll(src, "\r\n", "\n"), "\n") {
		t := strings.TrimLeft(l, " \t")
		run := 0
		for run < len(t) && (t[run] == '`' || t[run] == '~') && t[run] == t[0] {
			run++
		}
		if fl > 0 {
			if run >= fl && t[0] == fc && strings.TrimSpace(t[run:]) == "" {
				fl = 0
			}
			continue
		}
		if run >= 3 && !(t[0] == '`' && strings.Contains(t[run:], "`")) {
			fc, fl = t[0], run
			continue
		}
		if atxRe.MatchString(l) {
			n++
		}
	}
	return n
}

// navHeadingRe matches the text of a heading made of anchors only: a
// navigation target ("<a name="top"></a>" underlined with "---"), not a
// section.
var navHeadingRe = regexp.MustCompile(`^(?:\s*<a\s+(?:name|id)\s*=\s*(?:"[^"]*[^"\s][^"]*"|'[^']*[^'\s][^']*'|[^\s"'=<>` + "`" + `]+)\s*>\s*(?:</a>)?)+\s*$`)

// commonMarkHeadings counts the headings CommonMark (with GitHub tables)
// finds in src, straight from goldmark's tree, and how many of them hold
// an anchor tag.
func commonMarkHeadings(src []byte) (all, withAnchor int) {
	root := goldmark.New(goldmark.WithExtensions(extension.Table)).Parser().Parse(text.NewReader(src))
	_ = ast.Walk(root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if h, ok := n.(*ast.Heading); ok && entering {
			var raw []byte
			for i := 0; i < h.Lines().Len(); i++ {
				seg := h.Lines().At(i)
				raw = append(raw, seg.Value(src)...)
			}
			if navHeadingRe.Match(raw) {
				return ast.WalkSkipChildren, nil
			}
			all++
			if bytes.Contains(bytes.ToLower(raw), []byte("<a ")) {
				withAnchor++
			}
		}
		return ast.WalkContinue, nil
	})
	return all, withAnchor
}

// corpusDir holds other people's notes, in the workplace's shared folder
// beside the repository (always present, also in CI).
const corpusDir = "../../shared/corpus"

// TestCorpus parses every Markdown file of other people's notes.
func TestCorpus(t *testing.T) {
	files := 0
	for _, dir := range []string{corpusDir} {
		if _, err := os.Stat(dir); err != nil {
			// A clone outside the workplace has no shared folder beside it.
			t.Skipf("corpus missing: %v (the shared folder sits beside the repository)", err)
		}
		err := filepath.WalkDir(dir, func(path string, e fs.DirEntry, err error) error {
			if err != nil || e.IsDir() || !strings.HasSuffix(path, ".md") || e.Name() == "README.md" {
				return err
			}
			files++
			t.Run(path, func(t *testing.T) {
				data, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				d, err := Parse(DocName(path), data)
				if err != nil {
					t.Fatalf("Parse: %v", err)
				}
				want, _ := commonMarkHeadings(data)
				if got := len(d.Sections); got != want {
					t.Errorf("got %d sections, want %d (CommonMark headings)", got, want)
				}
				seen := map[string]bool{}
				for _, s := range d.Sections {
					if seen[s.ID] {
						t.Errorf("duplicate ID %q", s.ID)
					}
					seen[s.ID] = true
					if s.Anchor || strings.Contains(s.ID, "/") {
						t.Errorf("file without anchors gave ID %q", s.ID)
					}
				}
				checkClean(t, d)
			})
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if files < 7 {
		t.Errorf("parsed %d corpus files, want at least the 7 of p0o", files)
	}
}

func TestGoldenDefault(t *testing.T) {
	d, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(d); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "default.golden.json")
	if *update {
		if err := os.WriteFile(golden, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./notes -run Golden -update)", err)
	}
	if !bytes.Equal(b.Bytes(), want) {
		got := strings.Split(b.String(), "\n")
		exp := strings.Split(string(want), "\n")
		for i := 0; i < len(got) && i < len(exp); i++ {
			if got[i] != exp[i] {
				t.Fatalf("parsed default notes differ from %s at line %d:\n got %s\nwant %s\n(run with -update if the change is intended)", golden, i+1, got[i], exp[i])
			}
		}
		t.Fatalf("parsed default notes differ from %s in length: %d vs %d lines", golden, len(got), len(exp))
	}
}
