package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/devopsbot/devopsbot/bot"
	"github.com/devopsbot/devopsbot/notes"
	"github.com/devopsbot/devopsbot/quiz"
	"github.com/devopsbot/devopsbot/quiz/memory"
)

const consoleSynopsis = "console [--notes FILE]... [--user NAME] [--color auto|always|never]"

// consoleStoreTimeout bounds the wait for the database lock (a running
// serve holds it); the console then keeps scores in memory.
const consoleStoreTimeout = time.Second

// cmdConsole runs the /devops commands on stdin/stdout: notes -> index ->
// quiz (store at DEVOPSBOT_DB, or in memory when it cannot be opened) ->
// router -> console. It works through a pipe and ends at EOF.
func cmdConsole(ctx context.Context, e *env, args []string) (err error) {
	fs := e.flags("console", consoleSynopsis)
	user := fs.String("user", "", "who is typing, for quiz scores (default $USER, else console)")
	colour := fs.String("color", "auto", "bold and dim text: auto (only on a terminal), always or never")
	if err := e.parse(fs, consoleSynopsis, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{msg: fmt.Sprintf("console takes no arguments (got %q); type the commands on stdin", fs.Arg(0)),
			usage: "usage: devopsbot " + consoleSynopsis + "\n"}
	}
	useColour, err := consoleColour(*colour, e)
	if err != nil {
		return err
	}
	loc, exam, err := calendar(e.cfg)
	if err != nil {
		return err
	}
	// Warnings and errors only: the console's output is the replies.
	lg := slog.New(redactHandler(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}), e.cfg))

	loader := e.notesLoader(lg)
	snap, err := loader.Load(ctx, e.cfg.Notes...)
	if err != nil {
		return fmt.Errorf("load notes: %w", err)
	}
	docs := snap.Docs
	ix, err := buildIndexFrom(docs, e.cfg.Aliases)
	if err != nil {
		return err
	}
	live := newLiveIndex(ix, snap.Digest)
	defer live.Close()
	pool, err := loadQuestionPool(e, docs, lg)
	if err != nil {
		return err
	}

	var store quiz.Store
	if e.cfg.DB == "" {
		store = memory.New()
	} else if db, err := openStore(ctx, lg, e.cfg.DB, storeOptions{Timeout: consoleStoreTimeout}); err != nil {
		fmt.Fprintf(e.stderr, "devopsbot: quiz scores are kept in memory only this time: %v\n", err)
		store = memory.New()
	} else {
		store = db
		defer func() {
			if cerr := db.Close(); cerr != nil && err == nil {
				err = fmt.Errorf("close store: %w", cerr)
			}
		}()
	}
	engine := quiz.New(lg, store, pool, quiz.Options{ExamDate: exam, Location: loc, Channel: defaultChannel(e.cfg)})
	reload := &reloader{lg: lg, loader: loader, sources: e.cfg.Notes, aliases: e.cfg.Aliases, live: live, engine: engine,
		pool: func(docs []*notes.Document) ([]quiz.Question, error) { return loadQuestionPool(e, docs, lg) }}
	router := bot.NewRouter(lg, live, engine, bot.Options{
		Bare:   true,
		Admins: e.cfg.Admins, NotesURL: e.cfg.NotesURL, Location: loc,
		ShowDoc: func() bool { return len(live.Docs()) > 1 },
		Reload:  func(ctx context.Context) (bot.NotesReload, error) { return reload.Reload(ctx, "admin") },
	})
	name := strings.TrimSpace(*user)
	if name == "" {
		name = os.Getenv("USER")
	}
	c := bot.NewConsole(lg, router, bot.ConsoleOptions{User: name, Colour: useColour, Prompt: isTerminalFile(e.stdin)})
	return c.Run(ctx, e.stdin, e.stdout)
}

// consoleColour decides on ANSI styling: auto means stdout is a terminal,
// NO_COLOR is unset and TERM is not "dumb".
func consoleColour(mode string, e *env) (bool, error) {
	switch strings.ToLower(mode) {
	case "always", "yes", "on":
		return true, nil
	case "never", "no", "off":
		return false, nil
	case "auto", "":
		return isTerminal(e.stdout) && os.Getenv("NO_COLOR") == "" && os.Getenv("TERM") != "dumb", nil
	}
	return false, usageError{msg: fmt.Sprintf("--color %q: want auto, always or never", mode), usage: "usage: devopsbot " + consoleSynopsis + "\n"}
}

// isTerminalFile reports whether r is a terminal (for the prompt).
func isTerminalFile(r any) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
