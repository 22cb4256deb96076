package notes

import (
	"bytes"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// plainTraps are paragraphs at the edge of simple: setext headings, lazy
// lines, lists turning loose or tight, tables, a TOC end marker, links,
// tags, code spans and emphasis next to one another and over lines.
var plainTraps = map[string]string{
	"setext headings":              "Title one\n===\n\nTitle two\nsecond line\n---\n\ntext\n- item\n-\n",
	"paragraph then rules":         "# A\nwords here\n***\nmore words\n- - -\nend\n",
	"lazy line in a quote":         "# A\n> quoted words\nlazy words\n\n> x\n> y\n",
	"tight and loose lists":        "# A\n- one\n- two\n\n- three\n\n  para in item\n* a\n  b\n",
	"lead-in and list":             "# A\nOptions\n- first\n- second\n\nNot a lead-in because it is much longer than sixty characters in all\n- x\n",
	"table after a plain line":     "# A\nplain words\n| a | b |\n|---|---|\n| 1 | 2 |\n",
	"nbsp and trailing spaces":     "# A\nwords\u00a0with nbsp  \nhard break above\ttab\n",
	"TOC end in a paragraph":       "# A\n[toc_start]::\n- x\n[toc_end]::\nafter the toc\n",
	"indented bullets as code":     "# A\n\t* one plain\n\t* two plain\n",
	"plain heading-like content":   "# A\nC#\n#hashtag words\n",
	"entities and escapes":         "# A\nAT&amp;T and 1 \\+ 2\nends with a backslash\\\nnext\n",
	"table of contents":            "<!-- toc_start -->\n<a name=\"top\"></a>\n---\n* [A](#1)\n  * [B b](#1_1)\n---\n<!-- toc_end -->\n<a name=\"1\"></a>\n# [↖](#top)[↓](#2) A\n",
	"navigation in headings":       "# [↖](#top) A\n## [↑](#1)[↓](#2)\n## [↑](#1) [Back](#top) B\n### [↑](#1)*em* C\n#### [up](#1) D\n# [](#x) E\n",
	"links that are not plain":     "# A\n[a](<b>) [c](d \"t\") [e] (f) [g](h)i ![j](k) [l](m(n)) [o](p q)\n[x\ny](#z) [](#e) [a]: #b\n",
	"anchors and tags":             "# A\n<a name=\"x\"></a>\n<a id='y'></a> text <b>bold</b>\n<Code>kept</Code> <br> after\n<span title=\"*no* `em`\">s</span>\n",
	"alert after a TOC quote":      "# A\n<!-- toc_start -->\n> plain\n> <!-- toc_end -->\n> [!NOTE] x\n",
	"code spans":                   "# A\n`a` and `` b ` c `` and `  d  ` and ` ` and `open\nclose` and ``x`y``\n- `*not em*` `[x](#y)` `<b>`\n",
	"emphasis":                     "# A\n*a* **b** ***c*** *d **e** f* **g*h*i**\n- a * b * c ** d\n- x*y*z x**y**z 2*3*4\n- *unclosed and **unclosed\n- ***a* b** c\n- *a**b*\n- **a*\n- *a\nb*\n",
	"tables":                       "# A\n| *a* | **b** | `c` | [d](#e) | <b>f</b> |\n|---|---|---|---|---|\n| [↑](#top) | `x|y` | a\\|b | | . |\n| * g | *h | <a name=\"r\"></a> |\n<a name=\"x\"></a>\n\nT\n-|-\n***u*** | ` ` \n",
	"emphasis next to other marks": "# A\n*[a](#b)* **<b>c</b>** *`d`* `e`*f* [g](#h)*i*\n> *quoted*\n>*tight*\n- ****\n- ** **\n- *.*.*\n- *\u00a0a*\n- \u2192*a*\u2192\n",
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
	inputs := sameDocumentInputs(t, plainTraps)
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

func TestPlainRun(t *testing.T) {
	for c := range 256 {
		for at := range 11 {
			b := []byte("abcdefghijk")
			b[at] = byte(c)
			want := bytes.IndexAny(b, inlineMarks)
			if want < 0 {
				want = len(b)
			}
			if got := plainRun(b); got != want {
				t.Errorf("plainRun(%q) = %d, want %d", b, got, want)
			}
		}
	}
}

// TestSimpleParagraphsRandom holds simple paragraphs to goldmark's stock
// tree on random notes built from the pieces that matter to them: runs of
// "*", backticks, plain links and tags, punctuation, spaces and line
// breaks, in paragraphs, list items and quotes; a third of them mostly
// emphasis and code, a third also with marks that make a paragraph not
// simple.
func TestSimpleParagraphsRandom(t *testing.T) {
	simple := []string{
		"*", "**", "***", "*", "**", "`", "``", "a", "b c", " ", " ", "\n", ".", ",", "-", "(", ")", ":",
		"[x](#y)", "[↑](#top)", "[](#z)", "[t](http://e.com/a_b)", "<b>", "</b>", `<a name="n"></a>`,
		"<br>", "<Code>", "\u00a0", "→", "é", "#", "> ", "\n- ", "\n> ", "\n\n", "\n  ",
	}
	alphabets := [][]string{
		simple,
		{"*", "**", "***", "****", "`", "``", "a", " ", "\n", ".", "(", ")", "→", "\u00a0", "<b>", "[a](#b)"},
		append([]string{"[", "]", "!", "_", "&", "\\", "![x](y)", "&amp;"}, simple...),
	}
	r := rand.New(rand.NewPCG(3, 4))
	n := 30_000
	if testing.Short() {
		n = 3_000
	}
	cell := func(b *strings.Builder, pieces []string) {
		for k := r.IntN(6); k > 0; k-- {
			if p := pieces[r.IntN(len(pieces))]; !strings.Contains(p, "\n") {
				b.WriteString(p)
			}
		}
	}
	for i := range n {
		pieces := alphabets[i%len(alphabets)]
		var b strings.Builder
		b.WriteString("# H\n")
		for k := 1 + r.IntN(20); k > 0; k-- {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		b.WriteByte('\n')
		if i%4 == 0 { // a table: the header's width, rows narrower or wider
			w := 1 + r.IntN(3)
			b.WriteString("\n")
			for row := range 2 + r.IntN(3) {
				for c := range w + r.IntN(2) - r.IntN(2) {
					if c > 0 || r.IntN(2) == 0 {
						b.WriteByte('|')
					}
					cell(&b, pieces)
				}
				b.WriteByte('\n')
				if row == 0 {
					b.WriteString(strings.Repeat("|-", w) + "\n")
				}
			}
		}
		checkStock(t, b.String(), []byte(b.String()))
	}
}
