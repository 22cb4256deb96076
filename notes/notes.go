// Package notes parses Markdown study notes into sections and facts.
//
// The Markdown is read as CommonMark with GitHub's tables, by goldmark;
// this package walks goldmark's tree and handles the notes' own conventions
// on top of it.
//
// A section starts at every heading (ATX or setext, also one inside a list
// item), except a navigation target: a heading holding only an anchor, as
// "<a name="top"></a>" underlined with "---". Its ID is the explicit anchor
// (<a name="4_2_4"></a>) just above the heading, or inside it, when there is
// one; otherwise "<ID of nearest anchored ancestor>/<slug>", or just
// "<slug>" in files without anchors (GitHub-style slugs, "-1", "-2" for
// repeats). An anchor line right below a table, which GitHub's tables read
// as one more row, is still the anchor of the heading below.
//
// Titles and facts are plain text: navigation links ("[↑](#4_2)"), emphasis
// (and "**" never closed), HTML tags and entities are removed, links and
// images become their text, "<br>" becomes a space (or "; " before a list
// marker), white space including NBSP collapses. Code spans keep their
// content and are listed in Fact.Code; mixed-case tags (<Code>, raw XML) are
// content and stay. Table-of-contents blocks (<!-- toc_start -->..<!--
// toc_end --> and [toc_start]::..[toc_end]::) are navigation and produce
// nothing.
//
// Facts: a bullet (its parent bullets, and a short lead-in paragraph such as
// "Options:", as Context), a table row, or a paragraph. A row's Text is
// "Key: Value" in a two-column table and "Key — Header2: v2; Header3: v3"
// in wider ones; "." and empty cells are dropped from Pairs and Text.
// Code blocks go to Section.Code verbatim, except an indented block made
// only of bullets, which is a list indented by mistake and gives facts.
//
// Input: NUL bytes are rejected (ErrBinary), empty or blank files too
// (ErrEmpty); invalid UTF-8 is replaced with U+FFFD, not rejected. A file
// without headings is one section named after the document. Parsing time
// is linear in the size of the input: lines are read up to maxLine bytes
// (longer ones are broken, at a space where possible) and indentation up to
// maxIndent columns, beyond which some CommonMark rules cost quadratic time.
// With more than one core, notes over 8 KB are parsed in pieces cut at
// top-level "#" headings, on every core, and walked in order into the same
// Document (split.go says when a cut is safe).
//
// It owns the notes' parsing, their sources (files, directories, URLs) and
// the embedded default notes, and the one separator (Sep) of paths and fact
// context. Import rules (DESIGN.md, checked by deploy's TestImportRules): it imports the standard library and goldmark only.
package notes

import "strings"

// Document is one parsed notes file.
type Document struct {
	// Name identifies the document among several loaded ones (the file's base
	// name without extension, e.g. "devops-engineer-professional").
	Name     string    `json:"name"`
	Sections []Section `json:"sections"`
	// Preamble holds content before the first heading (outside a table of
	// contents), or nil. It is not one of Sections: a section starts at a
	// heading.
	Preamble *Section `json:"preamble,omitempty"`
}

// Section is the content between one heading and the next.
type Section struct {
	Doc    string   `json:"doc"`
	ID     string   `json:"id"`
	Anchor bool     `json:"anchor"`           // ID comes from an explicit <a name> anchor
	Title  string   `json:"title"`            // clean text: no arrows, markup or HTML
	Level  int      `json:"level"`            // 1-6 for #-######
	Path   []string `json:"path"`             // ancestor titles plus own title
	Parent string   `json:"parent,omitempty"` // ID of the enclosing section, "" at top
	Line   int      `json:"line"`             // 1-based line of the heading
	Text   string   `json:"text"`             // plain text of the body, facts joined by newlines
	Facts  []Fact   `json:"facts,omitempty"`
	Tables []Table  `json:"tables,omitempty"`
	Code   []Code   `json:"code,omitempty"`
}

// FactKind says where a fact came from.
type FactKind string

const (
	FactBullet    FactKind = "bullet"
	FactRow       FactKind = "row"
	FactParagraph FactKind = "paragraph"
	FactCode      FactKind = "code"
)

// Fact is one bullet (with its parent bullets as context), one table row, or
// one paragraph, as plain text.
type Fact struct {
	Kind    FactKind `json:"kind"`
	Text    string   `json:"text"`              // the fact as one line of plain text
	Context []string `json:"context,omitempty"` // parent bullets, outermost first
	Pairs   []Pair   `json:"pairs,omitempty"`   // table rows: header/value, "." and empty cells dropped
	Table   int      `json:"table,omitempty"`   // rows: index into Section.Tables
	Row     int      `json:"row,omitempty"`     // rows: index into Table.Rows
	Code    []string `json:"code,omitempty"`    // inline code spans in the fact, verbatim
	Line    int      `json:"line"`
}

// Pair is one cell of a table row with its column header.
type Pair struct {
	Header string `json:"header"`
	Value  string `json:"value"`
}

// Table is a Markdown table in plain text; empty and "." cells are "".
type Table struct {
	Header []string   `json:"header"`
	Rows   [][]string `json:"rows"`
}

// Code is a fenced or indented code block, kept verbatim.
type Code struct {
	Lang string `json:"lang,omitempty"` // info string's first word, lower case
	Text string `json:"text"`
	Line int    `json:"line"` // 1-based line of the opening fence
}

// Sep joins the parts of a heading path or of a fact with its context when
// they are shown on one line ("Services › CloudFormation › Limits").
const Sep = " › "

// FullText returns the text of a fact with its context, outermost first,
// joined with Sep.
func (f Fact) FullText() string {
	if len(f.Context) == 0 {
		return f.Text
	}
	return strings.Join(f.Context, Sep) + Sep + f.Text
}

// Section returns the section with the given ID, or nil.
func (d *Document) Section(id string) *Section {
	for i := range d.Sections {
		if d.Sections[i].ID == id {
			return &d.Sections[i]
		}
	}
	return nil
}
