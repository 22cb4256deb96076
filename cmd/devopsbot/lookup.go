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
	"unicode/utf8"

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
// that match, matched words marked (bold on a terminal, *asterisks*
// otherwise); --json prints an array of {doc, id, title, path, score, facts}.
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
	ix, err := e.buildIndex(aliasFiles)
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
	writeHits(e.stdout, hits, len(ix.Docs()) > 1, markerFor(e.stdout))
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

// marker wraps matched words.
type marker struct{ open, close string }

// markerFor returns ANSI bold for a terminal (unless NO_COLOR is set) and
// asterisks otherwise.
func markerFor(w io.Writer) marker {
	if f, ok := w.(*os.File); ok && os.Getenv("NO_COLOR") == "" {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			return marker{"\x1b[1m", "\x1b[0m"}
		}
	}
	return marker{"*", "*"}
}

// writeHits prints hits: rank, path, ID (and document when several are
// loaded), then the best facts with matched words marked.
func writeHits(w io.Writer, hits []index.Hit, multi bool, m marker) {
	var b strings.Builder
	for i, h := range hits {
		path := strings.Join(h.Path, " › ")
		if path == "" {
			path = h.Title
		}
		fmt.Fprintf(&b, "%d. %s  [", i+1, printable(path, 200))
		if multi {
			fmt.Fprintf(&b, "%s ", h.Doc)
		}
		fmt.Fprintf(&b, "%s]\n", h.ID)
		for _, f := range h.Facts {
			b.WriteString("   - ")
			b.WriteString(markSpans(f, m))
			b.WriteByte('\n')
		}
	}
	io.WriteString(w, b.String())
}

// markSpans returns a fact's text with its matched spans wrapped in m,
// control characters replaced and newlines (code facts) indented.
func markSpans(f index.HitFact, m marker) string {
	var b strings.Builder
	from, to := window(f, maxFactShown)
	if from > 0 {
		b.WriteString("…")
	}
	last := from
	for _, s := range f.Matches {
		if s.Start < last || s.End > to || s.Start >= s.End {
			continue
		}
		b.WriteString(f.Text[last:s.Start])
		b.WriteString(m.open)
		b.WriteString(f.Text[s.Start:s.End])
		b.WriteString(m.close)
		last = s.End
	}
	b.WriteString(f.Text[last:to])
	if to < len(f.Text) {
		b.WriteString("…")
	}
	out := strings.ReplaceAll(b.String(), "\n", "\n     ")
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == '\x1b' {
			return r
		}
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, out)
}

// maxFactShown is the longest fact text printed whole, in bytes; longer
// facts show a window around their first matched word.
const maxFactShown = 320

// window returns the byte range of f.Text to show: all of it when short,
// else about n bytes starting a little before the first match, cut at word
// boundaries.
func window(f index.HitFact, n int) (from, to int) {
	if len(f.Text) <= n {
		return 0, len(f.Text)
	}
	// Start near the match whose window holds the most matches.
	first, most := 0, 0
	for _, a := range f.Matches {
		if a.Start < 0 || a.End > len(f.Text) || a.Start >= a.End {
			continue
		}
		lo := max(0, a.Start-n/4)
		c := 0
		for _, b := range f.Matches {
			if b.Start >= lo && b.End <= lo+n {
				c++
			}
		}
		if c > most {
			first, most = a.Start, c
		}
	}
	from = max(0, first-n/4)
	if from > 0 {
		if i := strings.IndexByte(f.Text[from:first], ' '); i >= 0 {
			from += i + 1
		} else {
			from = first
		}
	}
	to = min(len(f.Text), from+n)
	if to < len(f.Text) {
		if i := strings.LastIndexByte(f.Text[from:to], ' '); i > 0 {
			to = from + i
		}
	}
	for from > 0 && !utf8.RuneStart(f.Text[from]) {
		from--
	}
	for to < len(f.Text) && !utf8.RuneStart(f.Text[to]) {
		to--
	}
	return from, to
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
func (e *env) buildIndex(aliasFiles []string) (*index.Index, error) {
	docs, err := e.loadNotes()
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
