package notes

import (
	"slices"
	"strings"

	east "github.com/yuin/goldmark/extension/ast"
)

// table adds a table and one fact per row.
func (w *walker) table(t *east.Table) {
	w.pending = ""
	if w.inTOC {
		return
	}
	var header []string
	rows := t.ChildCount() - 1 // below the header
	tab := Table{Rows: make([][]string, 0, max(rows, 0))}
	// The cells and pairs of all rows share two arrays, allocated once the
	// header gives the width; each row's part is capped so that an append
	// to it copies.
	var cellsOf []string
	var pairsOf []Pair
	idx := len(w.sec.Tables)
	ctx := w.context()
	anchor := ""
	for r := t.FirstChild(); r != nil; r = r.NextSibling() {
		raw := w.row[:0] // copied below: header and cells own their strings
		var codes []string
		anchor = ""
		for c := r.FirstChild(); c != nil; c = c.NextSibling() {
			text, cs := w.in.text(c, 0)
			if anchor == "" {
				anchor = w.in.anchor
			}
			if rest, ok := cutItemMarker(text); ok {
				text = strings.TrimSpace(rest)
			}
			if text == "." {
				text = ""
			}
			raw = append(raw, text)
			codes = append(codes, cs...)
		}
		w.row = raw
		if _, ok := r.(*east.TableHeader); ok {
			header = slices.Clone(raw)
			tab.Header = header
			cellsOf = make([]string, 0, rows*len(header))
			pairsOf = make([]Pair, 0, rows*len(header))
			continue
		}
		if anchor != "" && strings.Join(raw, "") == "" {
			// An anchor line right below a table continues it as a row
			// in GitHub's tables: it is the next heading's anchor.
			continue
		}
		anchor = ""
		cellsOf = append(cellsOf, make([]string, len(header))...)
		cells := cellsOf[len(cellsOf)-len(header) : len(cellsOf) : len(cellsOf)]
		copy(cells, raw)
		tab.Rows = append(tab.Rows, cells)
		n := 0
		for _, c := range cells {
			if c != "" {
				n++
			}
		}
		if n == 0 {
			continue
		}
		from := len(pairsOf)
		for i, c := range cells {
			if c != "" {
				pairsOf = append(pairsOf, Pair{Header: header[i], Value: c})
			}
		}
		pairs := pairsOf[from:len(pairsOf):len(pairsOf)]
		w.addFact(Fact{
			Kind:    FactRow,
			Text:    rowText(header, cells),
			Context: ctx,
			Pairs:   pairs,
			Table:   idx,
			Row:     len(tab.Rows) - 1,
			Code:    codes,
			Line:    w.line(r.Pos()),
		})
	}
	w.sec.Tables = append(w.sec.Tables, tab)
	w.pending = anchor
}

// rowText renders a table row as one line:
//
//   - two columns (a key/value table): "Key: Value";
//   - wider tables: "Key — Header2: v2; Header3: v3" where Key is the first
//     cell; a value whose header is empty stands alone;
//   - empty cells are left out, and so is " — " when the first cell is empty.
func rowText(header, cells []string) string {
	if len(cells) == 2 {
		switch {
		case cells[0] != "" && cells[1] != "":
			return cells[0] + ": " + cells[1]
		case cells[0] != "":
			return cells[0]
		default:
			if header[1] != "" {
				return header[1] + ": " + cells[1]
			}
			return cells[1]
		}
	}
	if len(cells) == 0 {
		return ""
	}
	size := len(cells[0]) + len(" — ")
	for i := 1; i < len(cells); i++ {
		size += len(header[i]) + len(": ") + len(cells[i]) + len("; ")
	}
	var b strings.Builder
	b.Grow(size)
	b.WriteString(cells[0])
	rest := false // a value written after the first cell
	for i := 1; i < len(cells); i++ {
		if cells[i] == "" {
			continue
		}
		switch {
		case rest:
			b.WriteString("; ")
		case cells[0] != "":
			b.WriteString(" — ")
		}
		rest = true
		if header[i] != "" {
			b.WriteString(header[i])
			b.WriteString(": ")
		}
		b.WriteString(cells[i])
	}
	return b.String()
}
