package notes

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// splitTraps are notes where a cut at a "# " line would go wrong if the
// pieces were trusted blindly: fences and HTML blocks running over the
// line, containers, setext headings, anchors and tables around it.
var splitTraps = map[string]string{
	"fence in a list item, then a top-level fence": "# A\n- a\n  ```\n# B\n```\n# C\ntext\n```\n# D\n",
	"unclosed fence":                    "# A\n```\n# B\n",
	"empty fence at the end of a piece": "# A\n```\n```\n# B\nb\n",
	"tilde fence, longer closer":        "# A\n~~~\n# B\n~~~~~\n# C\n",
	"HTML block up to a blank line":     "# A\n<div>\n# B\n</div>\n\n# C\nc\n",
	"HTML block of a custom tag":        "# A\n<custom-tag>\n# B\n\n# C\n",
	"HTML comment over several lines":   "# A\n<!--\n# B\n-->\n# C\n",
	"HTML comment closed on its line":   "# A\n<!-- note -->\n# B\nb\n",
	"script block":                      "# A\n<script>\n# B\n</script>\n# C\n",
	"setext heading around":             "# A\nTitle\n# B\n===\nT2\n---\n# C\n",
	"block quote, lazy line":            "# A\n> quote\n# B\n> more\nlazy\n# C\n",
	"loose list before":                 "# A\n- a\n\n- b\n\n# B\n- c\n",
	"list item holding a heading":       "# A\n- # in item\n# B\n  - x\n",
	"indented code before":              "# A\n    code\n\n    more\n\n# B\n",
	"table before":                      "# A\n| a | b |\n|---|---|\n| 1 | 2 |\n# B\n| c |\n|---|\n| 3 |\n",
	"anchor above the heading":          "<a name=\"1\"></a>\n# A\n<a name=\"2\"></a>\n# B\n## C\n<a name=\"3\"></a>\n",
	"anchor row below a table":          "# A\n| a | b |\n|---|---|\n| 1 | 2 |\n<a name=\"x\"></a>\n# B\n",
	"table of contents over headings":   "<!-- toc_start -->\n- [A](#a)\n# A\n<!-- toc_end -->\n# B\n",
	"lead-in paragraph and list":        "# A\nOptions:\n- a\n# B\n- b\n",
	"empty and closed ATX headings":     "#\n# A #\n##\n###### F\n####### not\n#\tT\n",
	"link reference definition":         "# A\n[x]: /u\n# B\n[x]\n",
	"no heading at column 0":            " # A\n  # B\n",
	"indented bullets as code":          "# A\n\t* a\n\t* b\n# B\n\t* c\n",
}

// allATX cuts src at every line opening an ATX heading at column 0, fences
// or not, unless src may hold link reference definitions: the pieces'
// own check (runsOn) must catch the bad cuts.
func allATX(src []byte) []int {
	if !cuttable(src) {
		return nil
	}
	var cuts []int
	for off := 0; off < len(src); {
		end := len(src)
		if i := bytes.IndexByte(src[off:], '\n'); i >= 0 {
			end = off + i + 1
		}
		if off > 0 && isATX(src[off:end]) {
			cuts = append(cuts, off)
		}
		off = end
	}
	return cuts
}

// checkSplit parses data whole and cut in pieces three ways (every
// candidate line, every ATX line, on one goroutine and on two) and fails
// when any Document differs from the whole one.
func checkSplit(t *testing.T, name string, data []byte) {
	t.Helper()
	src := normalize(data)
	whole := parseCut(name, src, nil, 0)
	for _, c := range []struct {
		how     string
		cuts    []int
		helpers int
	}{
		{"cut at every candidate", cutPoints(src, 1), 1},
		{"cut at every ATX line", allATX(src), 1},
		{"cut at every ATX line, one goroutine", allATX(src), 0},
	} {
		got := parseCut(name, src, c.cuts, c.helpers)
		if !reflect.DeepEqual(got, whole) {
			t.Fatalf("%s (%d cuts): Document differs from the whole parse:\n%s", c.how, len(c.cuts), firstDiff(t, got, whole))
		}
	}
}

// firstDiff shows the first line where the JSON of got and want differ.
func firstDiff(t *testing.T, got, want *Document) string {
	t.Helper()
	g, err := json.MarshalIndent(got, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	w, err := json.MarshalIndent(want, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	gl, wl := strings.Split(string(g), "\n"), strings.Split(string(w), "\n")
	for i := 0; i < len(gl) && i < len(wl); i++ {
		if gl[i] != wl[i] {
			return fmt.Sprintf("JSON line %d:\n got %s\nwant %s", i+1, gl[i], wl[i])
		}
	}
	return "JSON equal: the difference is in unexported or nil-vs-empty fields"
}

// TestSplitSameDocument: notes parsed in pieces give the Document of the
// whole, on the default notes, every corpus file, the fuzz seeds and the
// traps above.
func TestSplitSameDocument(t *testing.T) {
	inputs := sameDocumentInputs(t, splitTraps)
	for name, data := range inputs {
		t.Run(name, func(t *testing.T) { checkSplit(t, name, data) })
	}
}

// sameDocumentInputs returns the notes the same-Document tests compare:
// the default notes, every corpus file and the given traps, by name.
func sameDocumentInputs(t *testing.T, traps map[string]string) map[string][]byte {
	t.Helper()
	inputs := map[string][]byte{DefaultName: defaultNotes}
	files, _ := filepath.Glob(filepath.Join(corpusDir, "*", "*.md"))
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		inputs[f] = data
	}
	if _, err := os.Stat(corpusDir); err != nil {
		// A clone outside the workplace has no shared folder beside it:
		// the default notes and the traps are still compared.
		t.Logf("corpus missing: %v (the shared folder sits beside the repository)", err)
	} else if len(files) < 7 {
		t.Errorf("found %d corpus files, want at least the 7 of p0o", len(files))
	}
	for name, md := range traps {
		inputs[name] = []byte(md)
	}
	return inputs
}

// TestCutPoints: cuts fall on headings at column 0 outside fences, pieces
// are at least the size asked, and notes that may define link references
// are not cut.
func TestCutPoints(t *testing.T) {
	md := "# A\naaaa\n```\n# in fence\n```\n# B\nbbbb\n~~~~\n# in fence\n~~~\n# still in\n~~~~\n## C\n- x\n# D\n"
	var got []string
	for _, c := range cutPoints([]byte(md), 1) {
		l, _, _ := strings.Cut(md[c:], "\n")
		got = append(got, l)
	}
	if want := []string{"# B", "## C", "# D"}; !reflect.DeepEqual(got, want) {
		t.Errorf("cuts at %q, want %q", got, want)
	}
	size := len(defaultNotes) / 4
	cuts := cutPoints(defaultNotes, size)
	if len(cuts) < 2 {
		t.Errorf("default notes in quarters: %d cuts, want 2 or 3", len(cuts))
	}
	prev := 0
	for _, c := range append(cuts, len(defaultNotes)) {
		if c-prev < size {
			t.Errorf("piece %d-%d is shorter than %d bytes", prev, c, size)
		}
		if c < len(defaultNotes) && !isATX(defaultNotes[c:]) {
			t.Errorf("cut at %d is not a heading", c)
		}
		prev = c
	}
	if c := cutPoints([]byte(md+"[x]: /url\n"), 1); c != nil {
		t.Errorf("notes with a link reference definition cut at %v", c)
	}
}

// FuzzSplit: any notes parsed in pieces give the Document of the whole.
func FuzzSplit(f *testing.F) {
	for _, md := range splitTraps {
		f.Add([]byte(md))
	}
	f.Add(defaultNotes[:8192])
	f.Fuzz(func(t *testing.T, data []byte) {
		if bytes.IndexByte(data, 0) >= 0 || len(bytes.TrimSpace(data)) == 0 {
			return
		}
		checkSplit(t, "fuzz", data)
	})
}
