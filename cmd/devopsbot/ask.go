package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/devopsbot/devopsbot/index"
)

const askSynopsis = "ask [--json] [--notes FILE]... TEXT|-"

// askMaxInput bounds what ask reads from stdin; longer questions are refused
// by index.ParseQuestion anyway.
const askMaxInput = 1 << 20

// cmdAsk answers a pasted exam question from the notes: the chosen option,
// its confidence and the facts that decide it, or, for text without
// options, the sections that match. TEXT "-" reads the question from stdin.
// --json prints {chosen, confidence, decided, note, options: [{key, text,
// score, evidence: [{id, path, fact}]}], sections: [...]}.
func cmdAsk(ctx context.Context, e *env, args []string) error {
	fs := e.flags("ask", askSynopsis)
	asJSON := fs.Bool("json", false, "print the answer as JSON")
	if err := e.parse(fs, askSynopsis, args); err != nil {
		return err
	}
	text := strings.Join(fs.Args(), " ")
	if text == "-" {
		data, err := io.ReadAll(io.LimitReader(e.stdin, askMaxInput+1))
		if err != nil {
			return fmt.Errorf("ask: read stdin: %w", err)
		}
		if len(data) > askMaxInput {
			return errors.New("ask: question too long")
		}
		text = string(data)
	}
	if strings.TrimSpace(text) == "" {
		return usageError{msg: "ask: paste a question (with options A) B) ...)", usage: "usage: devopsbot " + askSynopsis + "\n"}
	}
	q, err := index.ParseQuestion(text)
	if err != nil {
		return fmt.Errorf("ask: %w", err)
	}
	ix, err := e.buildIndex(ctx, nil)
	if err != nil {
		return err
	}
	defer ix.Close()
	ans, err := ix.Ask(ctx, q)
	if errors.Is(err, index.ErrEmptyQuery) {
		fmt.Fprintln(e.stdout, "Nothing in the notes matches that question.")
		return nil
	}
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(ans)
	}
	printAnswer(e.stdout, q, ans)
	return nil
}

// printAnswer writes an answer for people.
func printAnswer(w io.Writer, q index.Question, a index.Answer) {
	if len(a.Options) == 0 {
		fmt.Fprintln(w, "No options found; the sections that match the question:")
		for i, h := range a.Sections {
			if i == 5 {
				break
			}
			fmt.Fprintf(w, "  %s  [%s]\n", strings.Join(h.Path, " › "), h.ID)
			if len(h.Facts) > 0 {
				fmt.Fprintf(w, "      %s\n", shortFact(h.Facts[0].Text))
			}
		}
		return
	}
	byKey := map[string]index.OptionScore{}
	for _, o := range a.Options {
		byKey[o.Key] = o
	}
	switch {
	case a.Decided:
		o := byKey[a.Chosen]
		fmt.Fprintf(w, "Answer: %s) %s\n", o.Key, o.Text)
		fmt.Fprintf(w, "Confidence: %.0f%%\n", a.Confidence*100)
		printEvidence(w, "Deciding facts", o.Evidence)
	case a.Chosen != "":
		o := byKey[a.Chosen]
		fmt.Fprintf(w, "Not decided: %s.\n", a.Note)
		fmt.Fprintf(w, "Leaning to %s) %s (confidence %.0f%%)\n", o.Key, o.Text, a.Confidence*100)
		printEvidence(w, "Closest evidence", o.Evidence)
	default:
		fmt.Fprintf(w, "Not decided: %s.\n", a.Note)
	}
	fmt.Fprintln(w, "Options:")
	for _, o := range a.Options {
		mark := " "
		if o.Key == a.Chosen {
			mark = "*"
		}
		fmt.Fprintf(w, " %s %s) %-6.3f %s\n", mark, o.Key, o.Score, o.Text)
	}
	if len(a.Sections) > 0 {
		var ids []string
		for i, h := range a.Sections {
			if i == 3 {
				break
			}
			ids = append(ids, fmt.Sprintf("%s [%s]", h.Title, h.ID))
		}
		fmt.Fprintf(w, "Sections: %s\n", strings.Join(ids, "; "))
	}
}

func printEvidence(w io.Writer, title string, ev []index.Evidence) {
	if len(ev) == 0 {
		return
	}
	fmt.Fprintf(w, "%s:\n", title)
	for _, e := range ev {
		fmt.Fprintf(w, "  - %s  [%s]\n    %s\n", strings.Join(e.Path, " › "), e.ID, shortFact(e.Fact))
	}
}

// shortFact cuts a fact to one readable line.
func shortFact(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	const max = 240
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }
