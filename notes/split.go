package notes

import (
	"bytes"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// Parsing in pieces, on every core.
//
// goldmark takes most of the time of Parse and uses one core. A line
// starting with "# " (an ATX heading at column 0) ends every block open
// above it but for two: a fenced code block and a raw HTML block, which run
// until their own end. So notes cut at such a line outside those two parse,
// piece by piece, into the same blocks as the whole, and the walker, fed the
// pieces in order, builds the same Document. Two things would break that:
//
//   - Link reference definitions ("[x]: url") count for the whole document.
//     Notes holding "]:", without which there is no definition, are parsed
//     whole.
//   - A cut inside a fenced code block or an HTML block. cutPoints skips
//     lines inside fences as far as a line-by-line look can tell, and
//     runsOn checks each parsed piece: when a piece's last block would have
//     run on past the cut, the rest of the notes from that piece on is
//     parsed whole.
//
// TestSplitSameDocument compares pieces with the whole on every file at
// hand, cutting at every candidate line.

// minPiece is the smallest piece, in bytes. Small pieces keep the cores
// busy to the end and little of goldmark's tree alive at a time (trees are
// dropped once walked); 4 KB cost fewer instructions than 16 or 50 KB on
// the default notes and on 1.2 MB, and no more than 2 KB.
const minPiece = 4 << 10

// piece is a part of the notes parsed on its own.
type piece struct {
	off      int // of src in the notes
	src      []byte
	lineBase int // lines of the notes before src
	root     ast.Node
	lines    []int         // lineStarts(src)
	done     chan struct{} // closed once root and lines are set
}

func (p *piece) parse() {
	p.root = markdown().Parse(text.NewReader(p.src), parser.WithContext(newContext()))
	p.lines = lineStarts(p.src)
}

// parsed returns src parsed, a piece starting after lineBase lines.
func parsed(src []byte, lineBase int) *piece {
	p := &piece{src: src, lineBase: lineBase}
	p.parse()
	return p
}

// plan says where to cut src and how many goroutines beside the caller
// parse the pieces: no cut on one core.
func plan(src []byte) (cuts []int, helpers int) {
	procs := runtime.GOMAXPROCS(0)
	if procs == 1 {
		return nil, 0
	}
	return cutPoints(src, minPiece), procs - 1
}

// walkPieces parses src cut at cuts (offsets of line starts, ascending)
// and walks the pieces in order. The calling goroutine and helpers more
// each take the next piece nobody has taken; the caller, while the piece
// it is to walk next is being parsed, parses ahead.
func (w *walker) walkPieces(src []byte, cuts []int, helpers int) {
	if len(cuts) == 0 {
		w.walkPiece(parsed(src, 0))
		return
	}
	pieces := make([]piece, len(cuts)+1)
	start, line := 0, 0
	for i := range pieces {
		end := len(src)
		if i < len(cuts) {
			end = cuts[i]
		}
		pieces[i] = piece{off: start, src: src[start:end], lineBase: line, done: make(chan struct{})}
		line += bytes.Count(pieces[i].src, []byte{'\n'})
		start = end
	}
	var next atomic.Int64 // index of the next piece to take
	var stop atomic.Bool
	take := func() bool {
		i := next.Add(1) - 1
		if i >= int64(len(pieces)) || stop.Load() {
			return false
		}
		pieces[i].parse()
		close(pieces[i].done)
		return true
	}
	var wg sync.WaitGroup
	defer wg.Wait()
	defer stop.Store(true)
	for range min(helpers, len(pieces)-1) {
		wg.Go(func() {
			for take() {
			}
		})
	}
	for i := range pieces {
		p := &pieces[i]
		for !closed(p.done) && take() {
		}
		<-p.done
		if i < len(pieces)-1 && runsOn(p) {
			stop.Store(true)
			w.walkPiece(parsed(src[p.off:], p.lineBase))
			return
		}
		w.walkPiece(p)
		p.root, p.lines = nil, nil // garbage now: less for the collector to mark
	}
}

func closed(c <-chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}

// walkPiece walks the tree of one piece of the notes.
func (w *walker) walkPiece(p *piece) {
	w.use(p)
	w.blocks(p.root)
}

// use makes p the piece whose source the walker reads.
func (w *walker) use(p *piece) {
	w.src, w.in.src, w.lines, w.lineBase = p.src, p.src, p.lines, p.lineBase
}

// runsOn reports whether the last block of p may have run to its end only
// because the piece ends there: an unclosed fenced code block or raw HTML
// block, which would have taken in the heading that starts the next piece.
// A block of either kind that ends on p's last line (or holds no line) is
// taken to run on; that errs on the safe side.
func runsOn(p *piece) bool {
	last := p.root.LastChild()
	switch b := last.(type) {
	case *ast.FencedCodeBlock:
	case *ast.HTMLBlock:
		if b.HasClosure() {
			return false
		}
	default:
		return false
	}
	lines := last.Lines()
	return lines.Len() == 0 || lines.At(lines.Len()-1).Stop >= len(p.src)
}

// cutPoints returns where src may be cut into pieces of at least size
// bytes: starts of lines that open an ATX heading at column 0 ("# x",
// "###"), outside fenced code blocks as a line-by-line look sees them.
// Notes holding "]:" (see above) are not cut.
func cutPoints(src []byte, size int) []int {
	if len(src) < 2*size || !cuttable(src) {
		return nil
	}
	var cuts []int
	var fence []byte // the open fence ("```", "~~~~"), nil outside one
	last := 0
	for off := 0; off < len(src); {
		end := len(src)
		if i := bytes.IndexByte(src[off:], '\n'); i >= 0 {
			end = off + i + 1
		}
		l := src[off:end]
		switch {
		case fence != nil:
			if f := fenceOf(l); len(f) >= len(fence) && f[0] == fence[0] && isBlank(l[bytes.Index(l, f)+len(f):]) {
				fence = nil
			}
		case fenceOf(l) != nil:
			fence = fenceOf(l)
		case off-last >= size && len(src)-off >= size && isATX(l):
			cuts = append(cuts, off)
			last = off
		}
		off = end
	}
	return cuts
}

// cuttable reports whether src holds no link reference definition: no
// "]:".
func cuttable(src []byte) bool { return !bytes.Contains(src, []byte("]:")) }

// fenceOf returns the fence opening line l ("```go", "~~~"), after at most
// three spaces, or nil.
func fenceOf(l []byte) []byte {
	t := l
	for i := 0; i < 3 && len(t) > 0 && t[0] == ' '; i++ {
		t = t[1:]
	}
	if len(t) < 3 || (t[0] != '`' && t[0] != '~') {
		return nil
	}
	n := 0
	for n < len(t) && t[n] == t[0] {
		n++
	}
	if n < 3 {
		return nil
	}
	return t[:n]
}

func isBlank(b []byte) bool { return len(bytes.TrimSpace(b)) == 0 }

// isATX reports whether l opens an ATX heading at column 0: one to six "#"
// then a space, a tab or the line end.
func isATX(l []byte) bool {
	n := 0
	for n < len(l) && n < 7 && l[n] == '#' {
		n++
	}
	if n == 0 || n > 6 {
		return false
	}
	return n == len(l) || l[n] == ' ' || l[n] == '\t' || l[n] == '\n'
}
