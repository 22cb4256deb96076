package quiz

import "github.com/devopsbot/devopsbot/notes"

// Generate writes questions from the parsed notes.
func Generate(docs ...*notes.Document) []Question { return nil } // replaced by the generators
