package notes

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"sync"
	"unicode/utf8"

	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/util"
)

//go:embed devops-engineer-professional.md
var defaultNotes []byte

// DefaultName is the document name of the embedded default notes.
const DefaultName = "devops-engineer-professional"

// Sentinel errors. Parse wraps them with the document name.
var (
	// ErrEmpty is returned for a file with no content (zero bytes or only
	// white space).
	ErrEmpty = errors.New("empty file")
	// ErrBinary is returned for data that is not text (it holds NUL bytes).
	ErrBinary = errors.New("binary file (NUL bytes), not Markdown text")
)

// Default parses the embedded default notes.
func Default() (*Document, error) { return Parse(DefaultName, defaultNotes) }

// Parse parses Markdown notes. name becomes Document.Name and Section.Doc.
// Errors name the document.
//
// Input rules: data holding a NUL byte is rejected with ErrBinary; empty or
// white-space-only data with ErrEmpty. Invalid UTF-8 is not an error: each
// invalid byte sequence is replaced with U+FFFD. A byte order mark is
// dropped and CRLF/CR line ends become LF. A file without headings gives
// one section titled with the document name. Text before the first heading
// (other than a table of contents) goes into Document.Preamble.
func Parse(name string, data []byte) (*Document, error) {
	if bytes.IndexByte(data, 0) >= 0 {
		return nil, fmt.Errorf("parse notes %s: %w", name, ErrBinary)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, fmt.Errorf("parse notes %s: %w", name, ErrEmpty)
	}
	src := normalize(data)
	cuts, helpers := plan(src)
	return parseCut(name, src, cuts, helpers), nil
}

// parseCut parses the notes src cut into pieces at cuts, on the calling
// goroutine and helpers more (see walkPieces).
func parseCut(name string, src []byte, cuts []int, helpers int) *Document {
	w := &walker{doc: &Document{Name: name}}
	w.run(src, func() { w.walkPieces(src, cuts, helpers) })
	return w.doc
}

// markdown is the CommonMark parser with GitHub's tables, built once; it
// is safe for concurrent use. Its HTML parsers are fastHTMLBlock and
// fastRawHTML.
var markdown = sync.OnceValue(func() parser.Parser {
	return parser.NewParser(
		parser.WithBlockParsers(blockParsers()...),
		parser.WithInlineParsers(inlineParsers()...),
		parser.WithParagraphTransformers(paragraphTransformers()...),
		// The rest of goldmark's table extension (extension.Table):
		// cells holding escaped pipes.
		parser.WithASTTransformers(util.Prioritized(extension.NewTableASTTransformer(), 0)),
	)
})

// paragraphTransformers are goldmark's (link reference definitions, in
// linkRefs), the table extension's at its priority (200, in simpleCells),
// then simpleParagraphs.
func paragraphTransformers() []util.PrioritizedValue {
	var ps []util.PrioritizedValue
	for _, p := range parser.DefaultParagraphTransformers() {
		if p.Value == parser.LinkReferenceParagraphTransformer {
			p = util.Prioritized(linkRefs{}, p.Priority)
		}
		ps = append(ps, p)
	}
	return append(ps,
		util.Prioritized(simpleCells{extension.NewTableParagraphTransformer()}, 200),
		util.Prioritized(simpleParagraphs{}, 1000))
}

// lineStarts returns the byte offset of the start of every line.
func lineStarts(src []byte) []int {
	starts := make([]int, 1, bytes.Count(src, []byte{'\n'})+1)
	for i := 0; ; {
		j := bytes.IndexByte(src[i:], '\n')
		if j < 0 || i+j+1 == len(src) {
			return starts
		}
		i += j + 1
		starts = append(starts, i)
	}
}

// normalize returns data as valid UTF-8 text with LF line ends and no BOM.
// It never changes data in place.
func normalize(data []byte) []byte {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		data = bytes.ToValidUTF8(data, []byte("\uFFFD"))
	}
	if bytes.IndexByte(data, '\r') >= 0 {
		data = bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
		data = bytes.ReplaceAll(data, []byte("\r"), []byte("\n"))
	}
	// brMark stands for <br> while text is assembled: none from the input.
	if bytes.IndexByte(data, brMark) >= 0 {
		data = bytes.ReplaceAll(data, []byte{brMark}, []byte(" "))
	}
	return wrapLongLines(clampIndent(expandListTabs(data)))
}

// maxLine is the longest line read, in bytes. Some of CommonMark's inline
// rules scan to the end of the line for every bracket or backtick, so a
// long enough line of them would take minutes; notes lines are far shorter.
const maxLine = 4096

// wrapLongLines breaks lines longer than maxLine: at a space followed by a
// letter when there is one in the line's last kilobyte (a soft line break,
// read as a space), else at a character boundary.
func wrapLongLines(data []byte) []byte {
	var out []byte // nil until a line needs breaking
	start := 0     // of the part of data not yet copied to out
	for i := 0; i < len(data); {
		end := len(data)
		if k := bytes.IndexByte(data[i:], '\n'); k >= 0 {
			end = i + k
		}
		for end-i > maxLine {
			cut := breakAt(data[i:end])
			if out == nil {
				out = make([]byte, 0, len(data)+len(data)/maxLine+1)
			}
			out = append(out, data[start:i+cut]...)
			out = append(out, '\n')
			i += cut
			if data[i] == ' ' {
				i++
			}
			start = i
		}
		i = end + 1
	}
	if out == nil {
		return data
	}
	return append(out, data[start:]...)
}

// breakAt is where to break l, a line longer than maxLine: a position in
// (0, maxLine].
func breakAt(l []byte) int {
	for j := maxLine - 1; j > maxLine-1024; j-- {
		if l[j] == ' ' && isAlpha(l[j+1]) {
			return j
		}
	}
	j := maxLine
	for j > 1 && !utf8.RuneStart(l[j]) {
		j--
	}
	return j
}

// maxIndent is the deepest indentation read, in columns. CommonMark's block
// parsing costs the nesting depth times the indentation on every line, so a
// file of ever deeper lines would take minutes; notes never come close.
const maxIndent = 128

// clampIndent cuts the leading white space of lines indented by more than
// maxIndent columns to maxIndent spaces.
func clampIndent(data []byte) []byte {
	var out []byte // nil until a line needs cutting
	start := 0     // of the part of data not yet copied to out
	for i := 0; i < len(data); {
		w, j := 0, i
		for j < len(data) && (data[j] == ' ' || data[j] == '\t') {
			if data[j] == '\t' {
				w += 4 - w%4
			} else {
				w++
			}
			j++
		}
		if w > maxIndent {
			if out == nil {
				out = make([]byte, 0, len(data))
			}
			out = append(out, data[start:i]...)
			out = append(out, bytes.Repeat([]byte{' '}, maxIndent)...)
			start = j
		}
		k := bytes.IndexByte(data[j:], '\n')
		if k < 0 {
			break
		}
		i = j + k + 1
	}
	if out == nil {
		return data
	}
	return append(out, data[start:]...)
}
