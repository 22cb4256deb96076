// Command devopsbot is a Slack bot for teams preparing for the AWS DevOps
// Engineer Professional exam. main only reads the environment and calls run.
//
// This package is the wiring: it owns the configuration (the only envconfig
// call), the subcommands (serve, console, lookup, ask, eval, sections,
// quiz, config, ...), the choice of store (openStore) and the order of start
// and shutdown, and builds and runs the other packages; it holds no logic of
// the bot itself. Import rules (DESIGN.md, checked by deploy's
// TestImportRules): it may import every package of the module; nothing
// imports it.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/kelseyhightower/envconfig"

	"github.com/devopsbot/devopsbot/notes"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var cfg Config
	if err := envconfig.Process("", &cfg); err != nil {
		fmt.Fprintln(os.Stderr, "devopsbot: config:", err)
		os.Exit(2)
	}
	err := run(ctx, cfg, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	if err != nil {
		var ue usageError
		if errors.As(err, &ue) {
			if ue.msg != "" {
				fmt.Fprintln(os.Stderr, "devopsbot:", ue.msg)
			}
			fmt.Fprint(os.Stderr, ue.usage)
			os.Exit(2)
		}
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "devopsbot:", err)
		os.Exit(1)
	}
}

// env is what every subcommand gets.
type env struct {
	cfg       Config
	notesFlag bool // a --notes flag was given: flags replace DEVOPSBOT_NOTES
	stdin     io.Reader
	stdout    io.Writer
	stderr    io.Writer
}

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, e *env, args []string) error
}

func commands() []command {
	return []command{
		{"console", "the /devops commands on stdin/stdout", cmdConsole},
		{"serve", "run the Slack bot (HTTP and/or Socket Mode)", cmdServe},
		{"lookup", "search the notes: lookup [--json] [-k N] QUERY...", cmdLookup},
		{"ask", "answer an exam question: ask [--json] TEXT|-", cmdAsk},
		{"eval", "score lookup and ask on an eval file: eval [--json] FILE.jsonl", cmdEval},
		{"sections", "list the parsed sections: sections [--json]", cmdSections},
		{"quiz", "list generated questions: quiz [--json] [--n N] [--seed S]; quiz check FILE...", cmdQuiz},
		{"config", "print the effective configuration, secrets masked", cmdConfig},
		{"export", "write every recorded answer as CSV: export [-o FILE]", cmdExport},
		{"migrate", "copy the database file into PostgreSQL: migrate --from PATH --to URL", cmdMigrate},
		{"healthcheck", "probe a running bot's /healthz (for container health checks)", cmdHealthcheck},
		{"version", "print the version", cmdVersion},
		{"help", "show this help", nil},
	}
}

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func usage() string {
	var b strings.Builder
	b.WriteString("usage: devopsbot [COMMAND] [--notes SRC]... [ARGS]\n\n")
	b.WriteString("Without a command: Slack when credentials are set, else the console.\n\nCommands:\n")
	for _, c := range commands() {
		fmt.Fprintf(&b, "  %-12s %s\n", c.name, c.summary)
	}
	b.WriteString("\n--notes SRC (repeatable) or DEVOPSBOT_NOTES=a.md,b.md replaces the embedded notes;\n")
	b.WriteString("SRC is a Markdown file, a directory (every *.md under it) or an https:// URL.\n")
	return b.String()
}

// usageError makes main print usage and exit 2.
type usageError struct{ msg, usage string }

func (u usageError) Error() string { return u.msg }

func run(ctx context.Context, cfg Config, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	e := &env{cfg: cfg, stdin: stdin, stdout: stdout, stderr: stderr}
	// Leading global flags (--notes) may come before the command.
	for len(args) > 0 {
		if (args[0] == "--notes" || args[0] == "-notes") && len(args) >= 2 {
			e.addNotes(args[1])
			args = args[2:]
		} else if v, ok := strings.CutPrefix(args[0], "--notes="); ok {
			e.addNotes(v)
			args = args[1:]
		} else if v, ok := strings.CutPrefix(args[0], "-notes="); ok {
			e.addNotes(v)
			args = args[1:]
		} else {
			break
		}
	}
	if len(args) == 0 {
		if cfg.BotToken != "" || cfg.AppToken != "" {
			return cmdServe(ctx, e, nil)
		}
		return cmdConsole(ctx, e, nil)
	}
	name, rest := args[0], args[1:]
	switch name {
	case "help", "-h", "--help", "-help":
		fmt.Fprint(stdout, usage())
		return nil
	}
	for _, c := range commands() {
		if c.name == name && c.run != nil {
			return c.run(ctx, e, rest)
		}
	}
	return usageError{msg: fmt.Sprintf("unknown command %q", name), usage: usage()}
}

// flags returns a flag set for a subcommand that also takes --notes.
func (e *env) flags(name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	fs.Func("notes", "notes file, directory or https:// URL replacing the embedded notes (repeatable)", func(s string) error {
		e.addNotes(s)
		return nil
	})
	_ = synopsis
	return fs
}

// parse parses args with fs; --help prints the flags to stdout and returns
// flag.ErrHelp, other errors become usage errors.
func (e *env) parse(fs *flag.FlagSet, synopsis string, args []string) error {
	err := fs.Parse(args)
	if err == nil {
		return nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "usage: devopsbot %s\n", synopsis)
	fs.SetOutput(&b)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(e.stdout, b.String())
		return flag.ErrHelp
	}
	return usageError{msg: err.Error(), usage: b.String()}
}

// addNotes records a --notes flag. Flags replace the DEVOPSBOT_NOTES list
// rather than adding to it: the command line wins over the environment.
func (e *env) addNotes(path string) {
	if !e.notesFlag {
		e.cfg.Notes = nil
		e.notesFlag = true
	}
	e.cfg.Notes = append(e.cfg.Notes, path)
}

// loadNotes reads the configured notes sources (files, directories, URLs),
// or the embedded default notes; warnings go to stderr.
func (e *env) loadNotes(ctx context.Context) ([]*notes.Document, error) {
	lg := slog.New(redactHandler(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}), e.cfg))
	s, err := e.notesLoader(lg).Load(ctx, e.cfg.Notes...)
	return s.Docs, err
}

// notesLoader returns a loader for the notes sources. Copies of URL notes
// are cached beside the database file (none with a database URL).
func (e *env) notesLoader(lg *slog.Logger) *notes.Loader {
	return notes.NewLoader(lg, notes.LoaderOptions{CacheDir: notesCacheDir(e.cfg.DB)})
}

// notesCacheDir is where copies of URL notes are kept: a notes-cache
// directory beside the database file, or "" for a database URL.
func notesCacheDir(db string) string {
	if db = strings.TrimSpace(db); db == "" || strings.Contains(db, "://") {
		return ""
	}
	return filepath.Join(filepath.Dir(db), "notes-cache")
}

func cmdVersion(ctx context.Context, e *env, args []string) error {
	fs := e.flags("version", "version")
	if err := e.parse(fs, "version", args); err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, "devopsbot", version)
	return nil
}
