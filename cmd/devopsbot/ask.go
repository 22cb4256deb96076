package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/devopsbot/devopsbot/bot"

	"github.com/devopsbot/devopsbot/index"
)

const askSynopsis = "ask [--json] [--notes FILE]... TEXT|-"

// askMaxInput bounds what ask reads from stdin; longer questions are refused
// by index.ParseQuestion anyway.
const askMaxInput = 1 << 20

// cmdAsk answers a pasted exam question from the notes as the console does
// (bot.AskText): the verdict (the chosen options by letter and label, or
// that the notes do not cover or do not decide it, with a labelled guess),
// the deciding fact and what rules out the runner-up, then the sources; for
// text without options, the sections that match. TEXT "-" reads the question from stdin.
// --json prints {chosen, choose, runner_up, confidence, covered, decided,
// note, options: [{key, text, score, evidence: [{id, path, fact, cover}]}],
// sections: [...]}.
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
	fmt.Fprintln(e.stdout, bot.AskText(q, ans, bot.AskTextOptions{Colour: colourFor(e.stdout), NotesURL: e.cfg.NotesURL}))
	return nil
}
