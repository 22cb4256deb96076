// Package index is a Bleve full-text index over note sections: it builds the
// index, searches it, picks out the facts that answer a query, and answers
// pasted exam questions from the notes.
package index

import (
	"context"
	"errors"

	"github.com/devopsbot/devopsbot/notes"
)

// ErrEmptyQuery is returned when a query has no searchable words.
var ErrEmptyQuery = errors.New("index: empty query")

// Index searches the sections of one or more notes documents.
type Index struct {
	docs []*notes.Document
}

// Hit is one ranked section.
type Hit struct {
	Section *notes.Section `json:"-"`
	Doc     string         `json:"doc"`
	ID      string         `json:"id"`
	Title   string         `json:"title"`
	Path    []string       `json:"path"`
	Score   float64        `json:"score"`
	Facts   []HitFact      `json:"facts"`
}

// HitFact is a fact of a hit with the query's matched terms located.
type HitFact struct {
	Text    string `json:"text"`              // the fact's plain text (with context)
	Matches []Span `json:"matches,omitempty"` // byte ranges of matched terms in Text
}

// Span is a half-open byte range [Start, End).
type Span struct {
	Start int `json:"start"`
	End   int `json:"end"`
}

// Build indexes all sections of docs in memory. aliases may be nil for the
// embedded default alias list.
func Build(docs ...*notes.Document) (*Index, error) {
	return nil, errors.New("index.Build: not implemented yet") // SKELETON
}

// Search returns up to k hits for query, best first. A query with nothing
// searchable returns ErrEmptyQuery.
func (ix *Index) Search(ctx context.Context, query string, k int) ([]Hit, error) {
	return nil, errors.New("index.Search: not implemented yet") // SKELETON
}

// Suggest returns up to k section titles close to query, for "nothing
// matched" replies.
func (ix *Index) Suggest(ctx context.Context, query string, k int) []string { return nil }

// Docs returns the indexed documents.
func (ix *Index) Docs() []*notes.Document { return ix.docs }
