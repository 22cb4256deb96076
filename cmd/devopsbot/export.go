package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"

	"github.com/devopsbot/devopsbot/quiz"
	"github.com/devopsbot/devopsbot/quiz/bolt"
)

const exportSynopsis = "export [-o FILE] [--notes SRC]...\n\nWrites every recorded answer (question of the day and practice) of the database\nDEVOPSBOT_DB as CSV: person,date,question,domain,chosen,right,kind (README, \"Export\").\nThe same file as `/devops admin export` in Slack. Question texts come from the rounds\nand from the notes and question banks the bot uses (--notes, DEVOPSBOT_QUESTIONS)."

// cmdExport writes the answers export of the configured database to
// stdout or to -o FILE. A bbolt file is opened read-only.
func cmdExport(ctx context.Context, e *env, args []string) (err error) {
	fs := e.flags("export", exportSynopsis)
	out := fs.String("o", "", "write the CSV to this file instead of stdout")
	if err := e.parse(fs, exportSynopsis, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{msg: fmt.Sprintf("export takes no arguments (got %q)", fs.Arg(0)), usage: "usage: devopsbot " + exportSynopsis + "\n"}
	}
	if strings.TrimSpace(e.cfg.DB) == "" {
		return errors.New("export: DEVOPSBOT_DB is empty: set it to the database file or postgres:// URL")
	}
	loc, _, err := calendar(e.cfg)
	if err != nil {
		return err
	}
	lg := slog.New(redactHandler(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}), e.cfg))
	docs, err := e.loadNotes(ctx)
	if err != nil {
		return fmt.Errorf("load notes: %w", err)
	}
	pool, err := loadQuestionPool(e, docs, lg)
	if err != nil {
		return err
	}
	st, err := openStore(ctx, lg, e.cfg.DB, storeOptions{ReadOnly: true})
	if errors.Is(err, bolt.ErrLocked) {
		return fmt.Errorf("export: %w: the bot is running on it; use /devops admin export in Slack, or stop the bot", err)
	}
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	defer func() {
		if cerr := st.Close(); cerr != nil {
			err = errors.Join(err, fmt.Errorf("close store: %w", cerr))
		}
	}()
	engine := quiz.New(lg, st, pool, quiz.Options{Location: loc})
	return writeExport(ctx, e, engine, *out)
}

// writeExport writes the CSV to stdout, or to path (removed again when
// the export fails, so no half file is left) and says how many rows.
func writeExport(ctx context.Context, e *env, engine *quiz.Engine, path string) error {
	if path == "" || path == "-" {
		_, err := engine.Export(ctx, e.stdout)
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	n, err := engine.Export(ctx, f)
	err = errors.Join(err, f.Close())
	if err != nil {
		_ = os.Remove(path)
		return err
	}
	fmt.Fprintf(e.stderr, "wrote %d answers to %s\n", n, path)
	return nil
}
