package notes

import (
	"bytes"
	"slices"
)

// This file reads the indentation of lists that mix tabs and spaces the
// way their author saw it. CommonMark puts tab stops 4 columns apart;
// notes written in an editor that shows tabs 2 wide look nested there
// ("\t* `commands`" above "    * Run before the application is set up")
// and come out flat here, so a fact loses what it is about.

// listTabWidths are the tab widths expandListTabs considers, CommonMark's
// first: it wins ties.
var listTabWidths = [...]int{4, 2, 8}

// listLine is a list item's line of the notes.
type listLine struct {
	start  int  // offset of the line in the notes
	indent int  // bytes of its leading white space
	marker int  // bytes of its marker and the space after it
	tabs   bool // its indentation holds a tab
	first  bool // the first item after a line that ends the list
}

// expandListTabs returns data with the leading white space of its
// tab-indented list items replaced by spaces, at the tab width the author
// saw, when that is not CommonMark's 4. The author's width is the one at
// which the fewest items go back to a column where no item above them
// stands (raggedDedents): going back from a nested item, an author lines
// up with an outer one. With tabs 4 wide, notes written at 2 step back
// from "\t* Swap the Auto Scaling group" to "  * Elastic Beanstalk
// immutable", at a column where nothing is. At the chosen width a
// tab-indented item that goes past an open item's marker but stops short
// of its text (a tab under "4. Template processing", 2 columns for a
// 3-column marker) is read as that item's child, as its author meant.
// Data without both tab- and space-indented items, or whose lists read as
// well at 4, comes back unchanged; lines in fenced code are never
// changed.
func expandListTabs(data []byte) []byte {
	if bytes.IndexByte(data, '\t') < 0 {
		return data
	}
	items, mixed := listLines(data)
	if !mixed {
		return data
	}
	best, fewest := 4, -1
	for _, w := range listTabWidths {
		if n := raggedDedents(data, items, w); fewest < 0 || n < fewest {
			best, fewest = w, n
		}
	}
	if best == 4 {
		return data
	}
	out := make([]byte, 0, len(data)+len(items))
	last := 0
	for i, c := range layoutList(data, items, best) {
		if it := items[i]; it.tabs {
			out = append(out, data[last:it.start]...)
			out = append(out, bytes.Repeat([]byte{' '}, c)...)
			last = it.start + it.indent
		}
	}
	return append(out, data[last:]...)
}

// listLines returns the list items of data outside fenced code, and
// whether some are indented with tabs and others with spaces only.
func listLines(data []byte) (items []listLine, mixed bool) {
	var tabbed, spaced, fence bool
	first := true
	for i := 0; i < len(data); {
		end := bytes.IndexByte(data[i:], '\n')
		if end < 0 {
			end = len(data)
		} else {
			end += i
		}
		line := data[i:end]
		j := 0
		for j < len(line) && (line[j] == ' ' || line[j] == '\t') {
			j++
		}
		rest := line[j:]
		switch {
		case bytes.HasPrefix(rest, []byte("```")) || bytes.HasPrefix(rest, []byte("~~~")):
			fence = !fence
			first = true
		case fence:
		case listMarker(rest):
			it := listLine{start: i, indent: j, marker: markerWidth(rest), tabs: bytes.IndexByte(line[:j], '\t') >= 0, first: first}
			tabbed = tabbed || it.tabs
			spaced = spaced || (!it.tabs && j > 0)
			items = append(items, it)
			first = false
		case j == 0 && len(rest) > 0:
			first = true // a paragraph or heading ends the list
		}
		i = end + 1
	}
	return items, tabbed && spaced
}

// openItem is a list item that later lines may nest in: its marker's and
// its text's columns.
type openItem struct{ marker, content int }

// dropClosed drops from open, the items open above an item at column c,
// those that item closes: all whose marker is at c or right of it.
func dropClosed(open []openItem, c int) []openItem {
	for len(open) > 0 && open[len(open)-1].marker >= c {
		open = open[:len(open)-1]
	}
	return open
}

// raggedDedents counts the items that, with tabs w wide, go back to a
// column left of the item above them where no open item's marker
// stands.
func raggedDedents(data []byte, items []listLine, w int) int {
	var open []openItem
	n := 0
	for _, it := range items {
		if it.first {
			open = open[:0]
		}
		c := column(data[it.start:it.start+it.indent], w)
		if k := len(open); k > 0 && c < open[k-1].marker && !slices.ContainsFunc(open, func(o openItem) bool { return o.marker == c }) {
			n++
		}
		open = append(dropClosed(open, c), openItem{c, c + it.marker})
	}
	return n
}

// layoutList returns the column of every item with tabs w wide, a
// tab-indented item that stops short of an open item's text moved into
// it.
func layoutList(data []byte, items []listLine, w int) []int {
	var open []openItem
	cols := make([]int, len(items))
	for i, it := range items {
		if it.first {
			open = open[:0]
		}
		c := column(data[it.start:it.start+it.indent], w)
		open = dropClosed(open, c)
		if k := len(open); it.tabs && k > 0 && c < open[k-1].content {
			c = open[k-1].content
		}
		cols[i] = c
		open = append(open, openItem{c, c + it.marker})
	}
	return cols
}

// column is the column after the white space ws with tabs w wide.
func column(ws []byte, w int) int {
	c := 0
	for _, b := range ws {
		if b == '\t' {
			c += w - c%w
		} else {
			c++
		}
	}
	return c
}

// listMarker reports whether s starts with a list item's marker: "*", "-"
// or "+", or a number of up to nine digits with "." or ")", followed by a
// space, a tab or the end of the line.
func listMarker(s []byte) bool {
	n := 0
	switch {
	case len(s) > 0 && (s[0] == '*' || s[0] == '-' || s[0] == '+'):
		n = 1
	default:
		for n < len(s) && n < 9 && s[n] >= '0' && s[n] <= '9' {
			n++
		}
		if n == 0 || n >= len(s) || (s[n] != '.' && s[n] != ')') {
			return false
		}
		n++
	}
	return n == len(s) || s[n] == ' ' || s[n] == '\t'
}

// markerWidth is the width of the list marker s starts with (listMarker)
// and of the one space after it that CommonMark counts with it.
func markerWidth(s []byte) int {
	n := 0
	for n < len(s) && s[n] != ' ' && s[n] != '\t' {
		n++
	}
	if n < len(s) {
		n++
	}
	return n
}
