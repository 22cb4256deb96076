package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/devopsbot/devopsbot/notes"
)

const sectionsSynopsis = "sections [--json] [--notes FILE]..."

// cmdSections prints the parsed sections of every loaded notes file: one
// line per section, indented by level, with its ID and title (prefixed by
// the document name when several are loaded), or with --json an array of
// the sections as notes.Section encodes them.
func cmdSections(ctx context.Context, e *env, args []string) error {
	fs := e.flags("sections", sectionsSynopsis)
	asJSON := fs.Bool("json", false, "print the sections as a JSON array")
	if err := e.parse(fs, sectionsSynopsis, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{msg: fmt.Sprintf("sections: unexpected argument %q", fs.Arg(0)), usage: "usage: devopsbot " + sectionsSynopsis + "\n"}
	}
	docs, err := e.loadNotes(ctx)
	if err != nil {
		return err
	}
	if *asJSON {
		all := []notes.Section{}
		for _, d := range docs {
			all = append(all, d.Sections...)
		}
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(all); err != nil {
			return fmt.Errorf("sections: write json: %w", err)
		}
		return nil
	}
	return writeSections(e, docs)
}

func writeSections(e *env, docs []*notes.Document) error {
	var b strings.Builder
	width := 0
	for _, d := range docs {
		width = max(width, len(d.Name))
	}
	for _, d := range docs {
		for _, s := range d.Sections {
			if len(docs) > 1 {
				fmt.Fprintf(&b, "%-*s  ", width, d.Name)
			}
			b.WriteString(strings.Repeat("  ", max(s.Level-1, 0)))
			fmt.Fprintf(&b, "%s  %s\n", s.ID, s.Title)
		}
	}
	if _, err := fmt.Fprint(e.stdout, b.String()); err != nil {
		return fmt.Errorf("sections: write: %w", err)
	}
	return nil
}
