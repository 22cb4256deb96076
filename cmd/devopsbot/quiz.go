package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"log/slog"
	"math/rand/v2"
	"os"
	"slices"
	"strings"

	"github.com/devopsbot/devopsbot/index"
	"github.com/devopsbot/devopsbot/notes"
	"github.com/devopsbot/devopsbot/quiz"
)

const (
	quizSynopsis      = "quiz [--json] [--n N] [--seed S] [--kind KIND] [--pool daily] [--format text|eval] [--notes FILE]...\n       devopsbot quiz check [--notes FILE]... FILE..."
	quizCheckSynopsis = "quiz check [--notes FILE]... FILE..."
)

// cmdQuiz prints the question pool for review: the questions generated from
// the notes followed by the bank's (DEVOPSBOT_QUESTIONS). Human output shows
// each stem with its options, the correct one marked with "*", the source
// section and the exam domains; --json prints a JSON array of questions.
// --n limits how many are printed (0: all); --seed S (not 0) prints a
// reproducible random sample instead of notes order. --pool daily keeps
// only the questions of the day's pool (above the quality gate); --format
// text prints each question for a person to read (answer, explanation, why
// each wrong option fails, source) with a summary of the pool; --format
// eval prints the hand-written (bank) questions as eval lines, the form
// `devopsbot eval` and the index's calibration read (bankEvalItems).
// "quiz check FILE..." validates bank files instead.
func cmdQuiz(ctx context.Context, e *env, args []string) error {
	if len(args) > 0 && args[0] == "check" {
		return cmdQuizCheck(ctx, e, args[1:])
	}
	fset := e.flags("quiz", quizSynopsis)
	asJSON := fset.Bool("json", false, "print the questions as a JSON array")
	n := fset.Int("n", 0, "print at most N questions (0: all)")
	seed := fset.Int64("seed", 0, "print a random sample drawn with this seed (0: notes order)")
	kind := fset.String("kind", "", "only questions of this kind (scenario, recall, or a generator kind: term, number, ...)")
	poolName := fset.String("pool", "all", "all, or daily: only the questions the question of the day is drawn from")
	format := fset.String("format", "", "text: each question as a learner reads it, with its answer and why; eval: the bank's questions as eval lines")
	if err := e.parse(fset, quizSynopsis, args); err != nil {
		return err
	}
	if *poolName != "all" && *poolName != "daily" {
		return usageError{msg: fmt.Sprintf("quiz: --pool %q: want all or daily", *poolName), usage: "usage: devopsbot " + quizSynopsis + "\n"}
	}
	if *format != "" && *format != "text" && *format != "eval" {
		return usageError{msg: fmt.Sprintf("quiz: --format %q: want text or eval", *format), usage: "usage: devopsbot " + quizSynopsis + "\n"}
	}
	if fset.NArg() > 0 {
		return usageError{msg: fmt.Sprintf("quiz: unexpected argument %q", fset.Arg(0)), usage: "usage: devopsbot " + quizSynopsis + "\n"}
	}
	if *n < 0 {
		return usageError{msg: "quiz: --n must not be negative", usage: "usage: devopsbot " + quizSynopsis + "\n"}
	}
	docs, err := e.loadNotes(ctx)
	if err != nil {
		return err
	}
	pool, err := loadQuestionPool(e, docs, slog.New(slog.NewTextHandler(e.stderr, nil)))
	if err != nil {
		return err
	}
	if *poolName == "daily" {
		pool = quiz.DailyPool(pool)
	}
	if *kind != "" {
		pool = slices.DeleteFunc(pool, func(q quiz.Question) bool { return q.Kind != *kind })
	}
	if *seed != 0 {
		rng := rand.New(rand.NewPCG(uint64(*seed), 0x9e3779b97f4a7c15))
		rng.Shuffle(len(pool), func(i, j int) { pool[i], pool[j] = pool[j], pool[i] })
	}
	if *n > 0 && len(pool) > *n {
		pool = pool[:*n]
	}
	if *format == "eval" {
		enc := json.NewEncoder(e.stdout)
		enc.SetEscapeHTML(false)
		for _, it := range bankEvalItems(pool) {
			if err := enc.Encode(it); err != nil {
				return fmt.Errorf("quiz: write eval line: %w", err)
			}
		}
		return nil
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if pool == nil {
			pool = []quiz.Question{}
		}
		if err := enc.Encode(pool); err != nil {
			return fmt.Errorf("quiz: write json: %w", err)
		}
		return nil
	}
	text := formatQuestions(pool)
	if *format == "text" {
		text = readableQuestions(pool, docs)
	}
	if _, err := fmt.Fprint(e.stdout, text); err != nil {
		return fmt.Errorf("quiz: write: %w", err)
	}
	return nil
}

// bankEvalItems turns the hand-written (bank) questions of a pool into
// exam eval items: the stem as the query, the options keyed A, B, ...,
// the right letters as the key ("BD" for "Choose two") and the anchor of
// the source section (index.AnchorOf). Generated questions are left out: they restate
// single facts of the notes and would flatter the answerer.
func bankEvalItems(pool []quiz.Question) []index.EvalItem {
	var items []index.EvalItem
	for _, q := range pool {
		if q.Bank == "" {
			continue
		}
		it := index.EvalItem{ID: q.ID, Kind: "exam", Query: q.Stem, Anchors: []string{index.AnchorOf(q.Source.Section)}, Options: map[string]string{}}
		for i, o := range q.Options {
			it.Options[string(rune('A'+i))] = o
		}
		for _, i := range q.Right() {
			it.Correct += string(rune('A' + i))
		}
		items = append(items, it)
	}
	return items
}

func formatQuestions(qs []quiz.Question) string {
	var b strings.Builder
	kinds := map[string]int{}
	for i, q := range qs {
		kinds[q.Kind]++
		if i > 0 {
			b.WriteString("\n")
		}
		var ds []string
		for _, d := range q.Domains {
			ds = append(ds, fmt.Sprintf("%d %s", d, quiz.DomainName(d)))
		}
		fmt.Fprintf(&b, "%s  [%s]  quality %.2f  domains: %s\n", q.ID, q.Kind, quiz.Quality(q), strings.Join(ds, "; "))
		fmt.Fprintf(&b, "  source: %s#%s  %s\n", q.Source.Doc, q.Source.Section, strings.Join(q.Source.Path, notes.Sep))
		fmt.Fprintf(&b, "  %s\n", q.Stem)
		for j, o := range q.Options {
			mark := " "
			if slices.Contains(q.Right(), j) {
				mark = "*"
			}
			fmt.Fprintf(&b, "  %s %c) %s\n", mark, 'A'+j, o)
		}
		if q.Explanation != "" {
			fmt.Fprintf(&b, "  explanation: %s\n", q.Explanation)
		}
	}
	names := make([]string, 0, len(kinds))
	for k := range kinds {
		names = append(names, k)
	}
	slices.Sort(names)
	var per []string
	for _, k := range names {
		per = append(per, fmt.Sprintf("%s %d", k, kinds[k]))
	}
	fmt.Fprintf(&b, "\n%d questions (%s)\n", len(qs), strings.Join(per, ", "))
	return b.String()
}

// osFS opens paths as given (relative to the working directory, or
// absolute), so problems name files the way the user typed them.
type osFS struct{}

func (osFS) Open(name string) (fs.File, error) { return os.Open(name) }

// cmdQuizCheck validates question bank files against the notes and lists
// every problem as FILE:LINE: message; it fails when there is any.
func cmdQuizCheck(ctx context.Context, e *env, args []string) error {
	fset := e.flags("quiz check", quizCheckSynopsis)
	if err := e.parse(fset, quizCheckSynopsis, args); err != nil {
		return err
	}
	files := fset.Args()
	if len(files) == 0 {
		return usageError{msg: "quiz check: no bank files given", usage: "usage: devopsbot " + quizCheckSynopsis + "\n"}
	}
	docs, err := e.loadNotes(ctx)
	if err != nil {
		return err
	}
	qs, probs := quiz.CheckBank(osFS{}, docs, files...)
	errs := 0
	for _, p := range probs {
		fmt.Fprintln(e.stdout, p.String())
		if !p.Warning {
			errs++
		}
	}
	r := quiz.Report(qs)
	for _, p := range r.Problems() {
		fmt.Fprintf(e.stdout, "warning: %s\n", p)
	}
	fmt.Fprintf(e.stdout, "balance: %s\n", r)
	if errs > 0 {
		return fmt.Errorf("quiz check: %d problem(s) in %d file(s)", errs, len(files))
	}
	fmt.Fprintf(e.stdout, "ok: %d question(s) in %d file(s)\n", len(qs), len(files))
	return nil
}
