package notes

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// treeDump writes every node of a goldmark tree with its kind and the
// source it covers, so two trees can be compared.
func treeDump(n ast.Node, src []byte) string {
	var b strings.Builder
	ast.Walk(n, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			b.WriteString(")")
			return ast.WalkContinue, nil
		}
		fmt.Fprintf(&b, "(%s", n.Kind())
		switch n := n.(type) {
		case *ast.Text:
			fmt.Fprintf(&b, " %q", n.Segment.Value(src))
		case *ast.RawHTML:
			for i := 0; i < n.Segments.Len(); i++ {
				s := n.Segments.At(i)
				fmt.Fprintf(&b, " %d-%d", s.Start, s.Stop)
			}
		}
		if n.Type() == ast.TypeBlock {
			for i := 0; i < n.Lines().Len(); i++ {
				s := n.Lines().At(i)
				fmt.Fprintf(&b, " %d-%d/%d", s.Start, s.Stop, s.Padding)
			}
		}
		return ast.WalkContinue, nil
	})
	return b.String()
}

// TestFastRawHTMLSameTree checks that fastRawHTML and fastHTMLBlock build
// the same tree as goldmark's stock parsers, both with tables and nothing
// else of ours (no simple paragraphs, which leave tags to neither).
func TestFastRawHTMLSameTree(t *testing.T) {
	stock := goldmark.New(goldmark.WithExtensions(extension.Table)).Parser()
	var parsers []util.PrioritizedValue
	for _, p := range blockParsers() {
		if h, ok := p.Value.(navHeading); ok {
			p.Value = h.BlockParser
		}
		parsers = append(parsers, p)
	}
	fast := goldmark.New(goldmark.WithExtensions(extension.Table), goldmark.WithParser(parser.NewParser(
		parser.WithBlockParsers(parsers...),
		parser.WithInlineParsers(inlineParsers()...),
		parser.WithParagraphTransformers(parser.DefaultParagraphTransformers()...),
	))).Parser()
	inputs := map[string][]byte{
		"default": defaultNotes,
		"tags": []byte(`a <b>bold</b> <a name="x"></a> <a href='>' title="q">t</a>
<a b="c
d">multi</a> <a b c="x>
">split</a> <img alt="x > y" src=z/> <br/> <br > </br> <x-y> <Code>
<a <a <a b=c d='e' f="g"> <a b=x/> <a =x> <a b=> <a b='�'> <1a> </ a> </a
> <!-- c --> <?pi?> <!DOC x> <![CDATA[x]]> ` + "`<a>` <a b=`x`>" + `
- <i>item</i> <u
- x <a href="#top">↑</a>
	<b>tab</b> <a	b="c">
`),
	}
	// Lines opening with a tag, alone and followed by more, in and after
	// paragraphs, in lists and quotes: HTML blocks or not.
	var blocks strings.Builder
	for _, tag := range []string{"a", "A", "span", "b", "img", "em", "code", "kbd", "br", "sup", "strike", "strong", "u", "q", "s", "i", "tt"} {
		for _, line := range []string{
			"<%[1]s>", "<%[1]s name=\"x\"></%[1]s>", "</%[1]s>", "</%[1]s> after", "<%[1]s>text</%[1]s>",
			"   <%[1]s href='>'>text</%[1]s>", "<%[1]s b=\"c>d\"> e", "<%[1]s b='x>", "<%[1]s>  ", "<%[1]s/>\tx",
			"<%[1]s-x>y", "<%[1]s1>z", "</ %[1]s> w", "<%[1]s `>` x", "<%[1]s\ty>z", "<%[1]s\n>", "<%[1]s>\ttext",
		} {
			l := fmt.Sprintf(line, tag)
			fmt.Fprintf(&blocks, "%s\n\npara\n%s\n- %s\n> %s\n\n    %s\n\n", l, l, l, l, l)
		}
	}
	for _, l := range []string{"<!-- c -->", "   <!-- c", "<!---->", "<!-->", "<!--", "<!-- a --> b", "<!- x", " <!--\n-->"} {
		fmt.Fprintf(&blocks, "%s\n\npara\n%s\n- %s\n> %s\n\n    %s\n\n-->\n", l, l, l, l, l)
	}
	blocks.WriteString("<div>\nx\n</div>\n<pre>\n# h\n</pre>\n<textarea x>\n<!-- c\n-->\n<?p\n?>\n<!X>\n<![CDATA[\n]]>\n<custom>\n")
	inputs["blocks"] = []byte(blocks.String())
	files, _ := filepath.Glob(filepath.Join(corpusDir, "*", "*.md"))
	for _, f := range files {
		if data, err := os.ReadFile(f); err == nil {
			inputs[f] = data
		}
	}
	for name, data := range inputs {
		src := normalize(data)
		want := treeDump(stock.Parse(text.NewReader(src)), src)
		got := treeDump(fast.Parse(text.NewReader(src)), src)
		if got != want {
			i := 0
			for i < len(got) && i < len(want) && got[i] == want[i] {
				i++
			}
			t.Errorf("%s: trees differ at %d:\n got %.200s\nwant %.200s", name, i, got[i:], want[i:])
		}
	}
}

// Copies of goldmark's tag expressions (parser/raw_html.go), which isTag
// must agree with.
var (
	tagAttribute = `(?:[\r\n \t]+[a-zA-Z_:][a-zA-Z0-9:._-]*(?:[\r\n \t]*=[\r\n \t]*(?:[^\"'=<>` + "`" + `\x00-\x20]+|'[^']*'|"[^"]*"))?)`
	tagSpace     = `(?:[ \t]|(?:\r\n|\n){0,1})`
	openTagRe    = regexp.MustCompile(`^<([A-Za-z][A-Za-z0-9-]*)` + tagAttribute + `*` + tagSpace + `*/?>`)
	closeTagRe   = regexp.MustCompile(`^</([A-Za-z][A-Za-z0-9-]*)` + tagSpace + `*>`)
)

// TestIsTag holds isTag to goldmark's expressions on a million random
// candidate tags built from the characters that matter to the grammar:
// whenever isTag says yes, the expression matches the whole candidate, and
// the other way round.
func TestIsTag(t *testing.T) {
	const alphabet = "<</aB1-_:.=\"\"''  \t\n>x`/\u00e9"
	r := rand.New(rand.NewPCG(1, 2))
	for range 1_000_000 {
		b := []byte{'<'}
		if r.IntN(4) == 0 {
			b = append(b, '/')
		}
		b = append(b, "ab"[r.IntN(2)])
		for n := r.IntN(14); n > 0; n-- {
			b = append(b, alphabet[r.IntN(len(alphabet))])
		}
		b = append(b, '>')
		end := tagCandidateEnd(b)
		if end < 0 {
			continue
		}
		b = b[:end]
		re := openTagRe
		if b[1] == '/' {
			re = closeTagRe
		}
		m := re.FindIndex(b)
		want := m != nil && m[1] == len(b)
		if m != nil && !want {
			t.Fatalf("%q: the expression matches only %q", b, b[:m[1]])
		}
		if got := isTag(b); got != want {
			t.Fatalf("isTag(%q) = %v, the expression says %v", b, got, want)
		}
	}
}
