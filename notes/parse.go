package notes

import (
	_ "embed"
	"errors"
)

//go:embed devops-engineer-professional.md
var defaultNotes []byte

// DefaultName is the document name of the embedded default notes.
const DefaultName = "devops-engineer-professional"

// ErrEmpty is returned for a file with no content.
var ErrEmpty = errors.New("notes: empty file")

// Default parses the embedded default notes.
func Default() (*Document, error) { return Parse(DefaultName, defaultNotes) }

// Parse parses Markdown notes. name becomes Document.Name and Section.Doc.
// Errors name the document.
func Parse(name string, data []byte) (*Document, error) {
	return nil, errors.New("notes.Parse: not implemented yet") // SKELETON: replaced by the notes work
}
