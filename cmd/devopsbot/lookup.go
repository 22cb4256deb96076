package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"unicode"

	"github.com/devopsbot/devopsbot/bot"
	"github.com/devopsbot/devopsbot/index"
	"github.com/devopsbot/devopsbot/notes"
)

const lookupSynopsis = "lookup [--json] [-k N] [--aliases FILE]... [--notes FILE]... QUERY..."

// lookupHit is one result of lookup --json.
type lookupHit struct {
	Doc   string          `json:"doc"`
	ID    string          `json:"id"`
	Title string          `json:"title"`
	Path  []string        `json:"path"`
	Score float64         `json:"score"`
	Facts []index.HitFact `json:"facts"`
}

// cmdLookup searches the notes and prints the best sections with the facts
// that match as the console shows them (bot.LookupText), matched words
// marked (bold on a terminal, *asterisks* otherwise); --json prints an array of {doc, id, title, path, score, facts}.
// A query with nothing to search for, or that matches nothing, gets a short
// hint (and the closest section titles), not an error.
func cmdLookup(ctx context.Context, e *env, args []string) error {
	fs := e.flags("lookup", lookupSynopsis)
	asJSON := fs.Bool("json", false, "print the hits as a JSON array")
	k := fs.Int("k", 5, "number of sections to show (1-100)")
	var aliasFiles stringList
	fs.Var(&aliasFiles, "aliases", "extra alias file (repeatable; format of index/aliases.txt)")
	words, err := e.parseInterspersed(fs, lookupSynopsis, args)
	if err != nil {
		return err
	}
	query := strings.TrimSpace(strings.Join(words, " "))
	if query == "" {
		return usageError{msg: "lookup: what should I look up?", usage: "usage: devopsbot " + lookupSynopsis + "\n"}
	}
	if *k < 1 || *k > 100 {
		return usageError{msg: fmt.Sprintf("lookup: -k %d out of range 1-100", *k), usage: "usage: devopsbot " + lookupSynopsis + "\n"}
	}
	ix, err := e.buildIndex(ctx, aliasFiles)
	if err != nil {
		return err
	}
	defer ix.Close()
	hits, err := ix.Search(ctx, query, *k)
	if err != nil && !errors.Is(err, index.ErrEmptyQuery) {
		return fmt.Errorf("lookup: %w", err)
	}
	if *asJSON {
		out := make([]lookupHit, 0, len(hits))
		for _, h := range hits {
			out = append(out, lookupHit{Doc: h.Doc, ID: h.ID, Title: h.Title, Path: h.Path, Score: h.Score, Facts: h.Facts})
		}
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(out); err != nil {
			return fmt.Errorf("lookup: write json: %w", err)
		}
		if len(hits) == 0 {
			fmt.Fprintln(e.stderr, noHitsMessage(ctx, ix, query, err))
		}
		return nil
	}
	if len(hits) == 0 {
		fmt.Fprintln(e.stdout, noHitsMessage(ctx, ix, query, err))
		return nil
	}
	fmt.Fprintln(e.stdout, bot.LookupText(query, hits, bot.LookupTextOptions{
		Hits: *k, Colour: colourFor(e.stdout), ShowDoc: len(ix.Docs()) > 1, NotesURL: e.cfg.NotesURL}))
	return nil
}

// parseInterspersed parses flags anywhere among the words ("lookup asg
// limits --json"); after "--" everything is words. It returns the words.
func (e *env) parseInterspersed(fs *flag.FlagSet, synopsis string, args []string) ([]string, error) {
	var tail []string
	for i, a := range args {
		if a == "--" {
			args, tail = args[:i], args[i+1:]
			break
		}
	}
	var words []string
	for {
		if err := e.parse(fs, synopsis, args); err != nil {
			return nil, err
		}
		args = fs.Args()
		// Words, and dash words that name no flag ("-bar" in a query).
		for len(args) > 0 && !isFlag(fs, args[0]) {
			words = append(words, args[0])
			args = args[1:]
		}
		if len(args) == 0 {
			break
		}
	}
	return append(words, tail...), nil
}

// isFlag reports whether arg names a flag of fs ("-k", "--json", "-k=3").
func isFlag(fs *flag.FlagSet, arg string) bool {
	if len(arg) < 2 || arg[0] != '-' {
		return false
	}
	name := strings.TrimLeft(arg, "-")
	name, _, _ = strings.Cut(name, "=")
	return name != "" && fs.Lookup(name) != nil
}

// noHitsMessage explains an empty result: nothing searchable, or nothing
// matched with the closest section titles.
func noHitsMessage(ctx context.Context, ix *index.Index, query string, err error) string {
	q := printable(query, 60)
	if errors.Is(err, index.ErrEmptyQuery) {
		return fmt.Sprintf("Nothing to search for in %q: type a few words, e.g. devopsbot lookup cloudformation template size", q)
	}
	msg := fmt.Sprintf("Nothing matched %q.", q)
	if sug := ix.Suggest(ctx, query, 5); len(sug) > 0 {
		msg += " Closest sections: " + strings.Join(sug, "; ")
	}
	return msg
}

// colourFor reports whether w is a terminal that takes ANSI bold (and
// NO_COLOR is not set); elsewhere matched words are *marked*.
func colourFor(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok || os.Getenv("NO_COLOR") != "" {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// printable shortens s to n bytes and replaces control characters, for
// echoing user text.
func printable(s string, n int) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(s, "?"))
	if len(s) > n {
		cut := n
		for cut > 0 && s[cut]&0xC0 == 0x80 {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}

// buildIndex loads the notes and builds the search index, with extra alias
// files when given.
func (e *env) buildIndex(ctx context.Context, aliasFiles []string) (*index.Index, error) {
	docs, err := e.loadNotes(ctx)
	if err != nil {
		return nil, err
	}
	// DEVOPSBOT_ALIASES applies here as in the bot, so lookup answers as
	// /devops lookup does; --aliases adds to it.
	return buildIndexFrom(docs, append(slices.Clip(e.cfg.Aliases), aliasFiles...))
}

func buildIndexFrom(docs []*notes.Document, aliasFiles []string) (*index.Index, error) {
	var opts index.Options
	for _, p := range aliasFiles {
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("read aliases: %w", err)
		}
		opts.AliasFiles = append(opts.AliasFiles, data)
	}
	ix, err := index.BuildWith(opts, docs...)
	if err != nil && len(aliasFiles) > 0 && errors.Is(err, index.ErrAliases) {
		return nil, fmt.Errorf("build index with aliases %s: %w", strings.Join(aliasFiles, ", "), err)
	}
	if err != nil {
		return nil, fmt.Errorf("build index: %w", err)
	}
	return ix, nil
}

// stringList is a repeatable string flag.
type stringList []string

func (l *stringList) String() string { return strings.Join(*l, ",") }

func (l *stringList) Set(s string) error {
	*l = append(*l, s)
	return nil
}

var _ flag.Value = (*stringList)(nil)
