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
	tab := Table{Rows: [][]string{}}
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
			continue
		}
		if anchor != "" && strings.Join(raw, "") == "" {
			// An anchor line right below a table continues it as a row
			// in GitHub's tables: it is the next heading's anchor.
			continue
		}
		anchor = ""
		cells := make([]string, len(header))
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
		pairs := make([]Pair, 0, n)
		for i, c := range cells {
			if c != "" {
				pairs = append(pairs, Pair{Header: header[i], Value: c})
			}
		}
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
	var rest []string
	for i := 1; i < len(cells); i++ {
		if cells[i] == "" {
			continue
		}
		if header[i] != "" {
			rest = append(rest, header[i]+": "+cells[i])
		} else {
			rest = append(rest, cells[i])
		}
	}
	r := strings.Join(rest, "; ")
	switch {
	case len(cells) == 0:
		return ""
	case cells[0] == "":
		return r
	case r == "":
		return cells[0]
	}
	return cells[0] + " — " + r
}
