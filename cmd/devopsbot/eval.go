package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/devopsbot/devopsbot/index"
)

const evalSynopsis = "eval [--json] [--no-ask] [--aliases FILE]... [--notes FILE]... FILE.jsonl"

// evalLine is one item of eval --json output.
type evalLine struct {
	ID         string   `json:"id"`
	Ranked     []string `json:"ranked"`
	Chosen     *string  `json:"chosen,omitempty"` // only for items with options: every chosen letter ("BD")
	Decided    *bool    `json:"decided,omitempty"`
	Confidence *float64 `json:"confidence,omitempty"`
}

// evalSummary is the last object of eval --json output.
type evalSummary struct {
	Summary map[string]*index.EvalKind `json:"summary"`
}

// cmdEval runs every item of an eval file (format of shared/eval/dev.jsonl)
// through Search, and items with options through Ask, and scores them:
// Hit@1, Hit@3 and MRR per kind, accuracy for items with options. An item
// Ask answered is ranked in the order its reply shows sections (the quoted
// facts' sections, then its sources; index.Answer.Reply), then by the
// search; with --no-ask, by the search alone. --json
// prints one object per item ({"id", "ranked", "chosen"}) and then the
// summary; otherwise a table (undecided choices in lower case), the summary
// and the misses.
func cmdEval(ctx context.Context, e *env, args []string) error {
	fs := e.flags("eval", evalSynopsis)
	asJSON := fs.Bool("json", false, "print one JSON object per item, then a summary object")
	noAsk := fs.Bool("no-ask", false, "score search only; do not answer items with options")
	var aliasFiles stringList
	fs.Var(&aliasFiles, "aliases", "extra alias file (repeatable)")
	if err := e.parse(fs, evalSynopsis, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{msg: "eval: give one eval file", usage: "usage: devopsbot " + evalSynopsis + "\n"}
	}
	var r io.Reader = e.stdin
	name := fs.Arg(0)
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return fmt.Errorf("eval: %w", err)
		}
		defer f.Close()
		r = f
	}
	items, err := index.ReadEval(r)
	if err != nil {
		return fmt.Errorf("eval %s: %w", name, err)
	}
	ix, err := e.buildIndex(ctx, aliasFiles)
	if err != nil {
		return err
	}
	defer ix.Close()
	var ask index.Asker
	if !*noAsk {
		ask = ix
	}
	rep, err := ix.Evaluate(ctx, items, ask)
	if err != nil {
		return fmt.Errorf("eval: %w", err)
	}
	if *asJSON {
		return writeEvalJSON(e.stdout, rep, ask != nil)
	}
	writeEvalTable(e.stdout, rep)
	return nil
}

func writeEvalJSON(w io.Writer, rep *index.EvalReport, asked bool) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, r := range rep.Results {
		l := evalLine{ID: r.Item.ID, Ranked: r.Ranked}
		if len(r.Item.Options) > 0 && asked {
			c, d, conf := r.Chosen, r.Decided, r.Confidence
			l.Chosen, l.Decided, l.Confidence = &c, &d, &conf
		}
		if err := enc.Encode(l); err != nil {
			return fmt.Errorf("eval: write json: %w", err)
		}
	}
	if err := enc.Encode(evalSummary{Summary: rep.Kinds}); err != nil {
		return fmt.Errorf("eval: write json: %w", err)
	}
	return nil
}

// writeEvalTable prints one row per item, the figures per kind and the
// items whose expected section was not ranked first.
func writeEvalTable(w io.Writer, rep *index.EvalReport) {
	var b strings.Builder
	fmt.Fprintf(&b, "%-6s %-7s %4s  %-7s %-16s %s\n", "id", "kind", "rank", "chosen", "first result", "expected")
	for _, r := range rep.Results {
		rank := "-"
		if r.Rank > 0 {
			rank = fmt.Sprint(r.Rank)
		}
		chosen := ""
		if len(r.Item.Options) > 0 {
			chosen = orDash(r.Chosen)
			if !r.Decided {
				chosen = strings.ToLower(chosen) // a guess
			}
			if r.Right {
				chosen += " ok"
			} else {
				chosen += " (" + r.Item.Correct + ")"
			}
		}
		first := "-"
		if len(r.Ranked) > 0 {
			first = r.Ranked[0]
		}
		fmt.Fprintf(&b, "%-6s %-7s %4s  %-7s %-16s %s\n", r.Item.ID, r.Item.Kind, rank, chosen, printable(first, 16), strings.Join(r.Item.Anchors, ","))
	}
	b.WriteByte('\n')
	kinds := make([]string, 0, len(rep.Kinds))
	for k := range rep.Kinds {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		s := rep.Kinds[k]
		fmt.Fprintf(&b, "%-7s %3d items  Hit@1 %.3f  Hit@3 %.3f  MRR %.3f", k, s.Items, s.Hit1, s.Hit3, s.MRR)
		if s.Accuracy != nil {
			fmt.Fprintf(&b, "  accuracy %.3f (%d of %d right)", *s.Accuracy, s.Correct, s.WithOpts)
			if s.DecidedAccuracy != nil {
				fmt.Fprintf(&b, "\n        decided %d (%.3f of items), %.3f of them right", s.Decided, *s.DecidedShare, *s.DecidedAccuracy)
			}
			if s.ChooseKExact != nil {
				fmt.Fprintf(&b, "\n        choose-k %d items, %.3f exactly right", s.ChooseK, *s.ChooseKExact)
			}
			if s.NotCovered > 0 {
				fmt.Fprintf(&b, "\n        not covered %d items, %d declined", s.NotCovered, s.Declined)
			}
		}
		b.WriteByte('\n')
	}
	var misses []index.EvalResult
	for _, r := range rep.Results {
		if r.Rank != 1 {
			misses = append(misses, r)
		}
	}
	if len(misses) > 0 {
		b.WriteString("\nNot ranked first:\n")
		for _, r := range misses {
			got := r.Ranked
			if len(got) > 3 {
				got = got[:3]
			}
			where := "not in the first 10"
			if r.Rank > 0 {
				where = fmt.Sprintf("rank %d", r.Rank)
			}
			fmt.Fprintf(&b, "  %s %s: %q\n      expected %s, got %s\n", r.Item.ID, where, printable(r.Item.Query, 90),
				strings.Join(r.Item.Anchors, " or "), orDash(strings.Join(got, ", ")))
			if r.Err != "" {
				fmt.Fprintf(&b, "      error: %s\n", printable(r.Err, 120))
			}
		}
	}
	io.WriteString(w, b.String())
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
