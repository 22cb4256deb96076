package notes

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// plainTraps are paragraphs at the edge of plain: setext headings, lazy
// lines, lists turning loose or tight, tables, a TOC end marker.
var plainTraps = map[string]string{
	"setext headings":            "Title one\n===\n\nTitle two\nsecond line\n---\n\ntext\n- item\n-\n",
	"paragraph then rules":       "# A\nwords here\n***\nmore words\n- - -\nend\n",
	"lazy line in a quote":       "# A\n> quoted words\nlazy words\n\n> x\n> y\n",
	"tight and loose lists":      "# A\n- one\n- two\n\n- three\n\n  para in item\n* a\n  b\n",
	"lead-in and list":           "# A\nOptions\n- first\n- second\n\nNot a lead-in because it is much longer than sixty characters in all\n- x\n",
	"table after a plain line":   "# A\nplain words\n| a | b |\n|---|---|\n| 1 | 2 |\n",
	"nbsp and trailing spaces":   "# A\nwords\u00a0with nbsp  \nhard break above\ttab\n",
	"TOC end in a paragraph":     "# A\n[toc_start]::\n- x\n[toc_end]::\nafter the toc\n",
	"indented bullets as code":   "# A\n\t* one plain\n\t* two plain\n",
	"plain heading-like content": "# A\nC#\n#hashtag words\n",
	"entities and escapes":       "# A\nAT&amp;T and 1 \\+ 2\nends with a backslash\\\nnext\n",
}

// stockParser is goldmark with tables and nothing of ours.
var stockParser = goldmark.New(goldmark.WithExtensions(extension.Table), goldmark.WithParser(parser.NewParser(
	parser.WithBlockParsers(parser.DefaultBlockParsers()...),
	parser.WithInlineParsers(parser.DefaultInlineParsers()...),
	parser.WithParagraphTransformers(parser.DefaultParagraphTransformers()...),
))).Parser()

// checkStock fails when the Document of data differs from the one walked
// from goldmark's stock tree (no plain paragraphs, no fast HTML parsers).
func checkStock(t *testing.T, name string, data []byte) {
	t.Helper()
	src := normalize(data)
	w := &walker{doc: &Document{Name: name}}
	w.run(src, func() {
		w.walkPiece(&piece{src: src, root: stockParser.Parse(text.NewReader(src)), lines: lineStarts(src)})
	})
	if got := parseCut(name, src, nil, 0); !reflect.DeepEqual(got, w.doc) {
		t.Fatalf("Document differs from goldmark's stock tree:\n%s", firstDiff(t, got, w.doc))
	}
}

// TestPlainParagraphsSameDocument: marking plain paragraphs raw (and
// reading HTML faster) changes no Document, on the default notes, every
// corpus file and the traps above.
func TestPlainParagraphsSameDocument(t *testing.T) {
	inputs := map[string][]byte{DefaultName: defaultNotes}
	files, _ := filepath.Glob(filepath.Join(corpusDir, "*", "*.md"))
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		inputs[f] = data
	}
	for name, md := range plainTraps {
		inputs[name] = []byte(md)
	}
	for name, data := range inputs {
		t.Run(name, func(t *testing.T) { checkStock(t, name, data) })
	}
}

// FuzzStock: any notes give the Document of goldmark's stock tree.
func FuzzStock(f *testing.F) {
	for _, md := range plainTraps {
		f.Add([]byte(md))
	}
	for _, md := range splitTraps {
		f.Add([]byte(md))
	}
	f.Add(defaultNotes[:8192])
	f.Fuzz(func(t *testing.T, data []byte) {
		if bytes.IndexByte(data, 0) >= 0 || len(bytes.TrimSpace(data)) == 0 {
			return
		}
		checkStock(t, "fuzz", data)
	})
}

func TestHasInlineMark(t *testing.T) {
	for c := range 256 {
		b := []byte{'a', byte(c), 'b'}
		if got, want := hasInlineMark(b), bytes.ContainsAny(b, inlineMarks); got != want {
			t.Errorf("hasInlineMark(%q) = %v, want %v", b, got, want)
		}
	}
}
