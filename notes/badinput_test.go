package notes

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestParseRejects(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		want error
	}{
		{"empty file is ErrEmpty", nil, ErrEmpty},
		{"white space only is ErrEmpty", []byte(" \n\t\r\n  \n"), ErrEmpty},
		{"binary file is ErrBinary", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), ErrBinary},
		{"NUL byte inside text is ErrBinary", []byte("# Notes\nsome\x00text\n"), ErrBinary},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, err := Parse("my-notes", tc.data)
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if d != nil {
				t.Errorf("got a document with the error")
			}
			if !strings.Contains(err.Error(), "my-notes") {
				t.Errorf("error %q does not name the document", err)
			}
		})
	}
}

func TestParseAccepts(t *testing.T) {
	tests := []struct {
		name string
		md   string
		want want
	}{
		{
			name: "invalid UTF-8 is replaced with U+FFFD",
			md:   "# Caf\xe9 notes\n* na\xefve \xff\xfe bytes\n",
			want: want{titles: []string{"Caf\uFFFD notes"}, facts: map[string][]string{"caf-notes": {"na\uFFFDve \uFFFD bytes"}}},
		},
		{
			name: "file without headings is one section named after the file",
			md:   "* Spot instances can be interrupted\n* Use Savings Plans\n",
			want: want{
				ids: []string{"my-notes"}, titles: []string{"my-notes"}, levels: []int{1},
				facts: map[string][]string{"my-notes": {"Spot instances can be interrupted", "Use Savings Plans"}},
			},
		},
		{
			name: "CRLF and CR line ends",
			md:   "# A\r\n* one\r\n* two\r# B\rtext\r",
			want: want{ids: []string{"a", "b"}, facts: map[string][]string{"a": {"one", "two"}, "b": {"text"}}},
		},
		{
			name: "byte order mark",
			md:   "\ufeff# Title\nx\n",
			want: want{ids: []string{"title"}, levels: []int{1}},
		},
		{
			name: "unclosed fence runs to the end",
			md:   "# A\n```\n# not a heading\n",
			want: want{ids: []string{"a"}, code: map[string][]Code{"a": {{Text: "# not a heading"}}}},
		},
		{
			name: "heading with nothing but arrows",
			md:   "# [↑](#top)\n## #\n",
			want: want{ids: []string{"section", "section-1"}, titles: []string{"", ""}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := MustParse(t, "my-notes", tc.md)
			tc.want.verify(t, d)
			checkClean(t, d)
		})
	}
}

// TestParseLargeFile parses a 20 MB file built from the default notes (4 MB
// under the race detector).
func TestParseLargeFile(t *testing.T) {
	if testing.Short() {
		t.Skip("20 MB parse skipped in -short mode")
	}
	size := 20 << 20
	if raceEnabled {
		size = 4 << 20
	}
	copies := size/len(defaultNotes) + 1
	data := bytes.Repeat(append(bytes.Clone(defaultNotes), '\n'), copies)
	d, err := Parse("big", data)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(d.Sections), 192*copies; got != want {
		t.Errorf("got %d sections, want %d", got, want)
	}
	seen := make(map[string]bool, len(d.Sections))
	for _, s := range d.Sections {
		if seen[s.ID] {
			t.Fatalf("duplicate ID %q", s.ID)
		}
		seen[s.ID] = true
	}
}

// TestParseHostileLines feeds long single lines that would make naive
// bracket, backtick or emphasis matching quadratic. The benchmark
// BenchmarkParseHostile measures them; here they must simply finish.
func TestParseHostileLines(t *testing.T) {
	for _, unit := range []string{"[", "[a](", "`", "*a ", "_", "<a ", "<!--", "&amp", "![", "|", "\\", "[↑](#)"} {
		t.Run(unit, func(t *testing.T) {
			md := "# H\n" + strings.Repeat(unit, (256<<10)/len(unit)) + "\n"
			d := MustParse(t, "hostile", md)
			if len(d.Sections) != 1 {
				t.Errorf("got %d sections", len(d.Sections))
			}
		})
	}
}

// TestParseDeepNesting: bullets nested 60 deep keep only the nearest
// maxContext parents as context, so memory stays linear.
func TestParseDeepNesting(t *testing.T) {
	var b strings.Builder
	b.WriteString("# Deep\n")
	for i := 0; i < 60; i++ {
		b.WriteString(strings.Repeat("  ", i))
		fmt.Fprintf(&b, "* level %d\n", i)
	}
	d := MustParse(t, "deep", b.String())
	facts := d.Sections[0].Facts
	if len(facts) != 60 {
		t.Fatalf("got %d facts, want 60", len(facts))
	}
	last := facts[len(facts)-1]
	if len(last.Context) != maxContext {
		t.Errorf("deepest fact has %d context entries, want %d", len(last.Context), maxContext)
	}
	if got, want := last.Context[maxContext-1], "level 58"; got != want {
		t.Errorf("deepest fact's nearest parent = %q, want %q", got, want)
	}
}

// TestParseDeepIndentation: each line one column deeper than the last,
// 3000 lines (4.5 MB of indentation). Indentation past maxIndent columns is
// cut, so this takes well under a second instead of minutes.
func TestParseDeepIndentation(t *testing.T) {
	var b strings.Builder
	b.WriteString("# Deep\n")
	for i := 0; i < 3000; i++ {
		b.WriteString(strings.Repeat(" ", i))
		b.WriteString("* level\n")
	}
	d := MustParse(t, "deep", b.String())
	if n := strings.Count(d.Sections[0].Text, "level"); n != 3000 {
		t.Errorf("the text holds %d of the 3000 bullets", n)
	}
}

// TestParseLongLines: lines over maxLine bytes are broken where a soft line
// break reads the same, so a long paragraph stays one fact, word for word.
func TestParseLongLines(t *testing.T) {
	words := strings.Repeat("scaling policies adjust capacity ", 1000) // 33 KB on one line
	d := MustParse(t, "long", "# Long\n"+words+"\n\n| k | v |\n|-|-|\n| a | b |\n")
	facts := d.Sections[0].Facts
	if len(facts) != 2 {
		t.Fatalf("got %d facts, want the paragraph and the row", len(facts))
	}
	if got, want := facts[0].Text, strings.TrimSpace(words); got != want {
		t.Errorf("paragraph changed: %d bytes, want %d", len(got), len(want))
	}
}

// checkInvariants are the properties every parse must have.
func checkInvariants(t *testing.T, data []byte, d *Document) {
	t.Helper()
	// Every CommonMark heading is a section, but for navigation targets
	// (a heading holding an anchor and no text).
	if n, anchored := commonMarkHeadings(normalize(data)); n > 0 && (len(d.Sections) > n || len(d.Sections) < n-anchored) {
		t.Fatalf("got %d sections, want %d headings (%d with anchors)", len(d.Sections), n, anchored)
	}
	if len(d.Sections) == 0 {
		t.Fatal("no sections")
	}
	ids := map[string]bool{}
	for i, s := range d.Sections {
		if s.ID == "" || ids[s.ID] {
			t.Fatalf("section %d: empty or repeated ID %q", i, s.ID)
		}
		if s.Parent != "" && !ids[s.Parent] {
			t.Fatalf("section %q: parent %q is not an earlier section", s.ID, s.Parent)
		}
		ids[s.ID] = true
		if s.Level < 1 || s.Level > 6 {
			t.Fatalf("section %q: level %d", s.ID, s.Level)
		}
		for _, str := range append([]string{s.ID, s.Title, s.Text}, s.Path...) {
			if !utf8.ValidString(str) {
				t.Fatalf("section %q: invalid UTF-8 %q", s.ID, str)
			}
		}
		for _, f := range s.Facts {
			if !utf8.ValidString(f.Text) || f.Text == "" || strings.Contains(f.Text, "\n") {
				t.Fatalf("section %q: bad fact text %q", s.ID, f.Text)
			}
			if f.Kind == FactRow && (f.Table >= len(s.Tables) || f.Row >= len(s.Tables[f.Table].Rows)) {
				t.Fatalf("section %q: row fact points at table %d row %d", s.ID, f.Table, f.Row)
			}
		}
	}
}

func FuzzParse(f *testing.F) {
	seeds := []string{
		"# A\n* b\n  * c\n",
		"<a name=\"top\"></a>\n---\n<a name=\"1\"></a>\n# [↖](#top) T\n",
		"<!-- toc_start -->\n* [x](#x)\n<!-- toc_end -->\n# X\n",
		"[toc_start]::\n[toc_end]::\n## Y\n",
		"a|b\n-|-\n1|.\n",
		"| a | b |\n|:--|--:|\n| <br/>* x | `y` |\n",
		"# C\n\t```YAML\n# c\n\t```\n",
		"**x** *y* _z_ `w` [l](u) ![i](s) <a href=\"h\">t</a> &amp; \u00a0",
		"### H:\n##### skip\n# one\n# two\n",
		"\xff\xfe# bad utf8\n",
		"no headings at all",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Add(defaultNotes[:4096])
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := Parse("fuzz", data)
		if err != nil {
			if !errors.Is(err, ErrEmpty) && !errors.Is(err, ErrBinary) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		checkInvariants(t, data, d)
	})
}
