package main

import (
	"context"
	"fmt"
	"log/slog"
	"text/tabwriter"

	"github.com/devopsbot/devopsbot/quiz"
	"github.com/devopsbot/devopsbot/quiz/bolt"
	"github.com/devopsbot/devopsbot/quiz/postgres"
)

const migrateSynopsis = "migrate --from PATH --to URL\n\nCopies the embedded database file PATH (rounds, answers, practice cards, flags, quiz\nchannels, closes whose answer is not out yet) into the\nPostgreSQL database URL in one transaction, then checks that every record is there.\nRecords the database already has are kept; running it again adds nothing.\nStop the bot first: the file is opened read-only and must not be in use."

// cmdMigrate copies a bbolt file into PostgreSQL (moving to replicas).
func cmdMigrate(ctx context.Context, e *env, args []string) error {
	fs := e.flags("migrate", migrateSynopsis)
	from := fs.String("from", "", "path of the bbolt database file")
	to := fs.String("to", "", "postgres:// URL of the database to copy into")
	if err := e.parse(fs, migrateSynopsis, args); err != nil {
		return err
	}
	usage := "usage: devopsbot " + migrateSynopsis + "\n"
	switch {
	case fs.NArg() > 0:
		return usageError{msg: fmt.Sprintf("migrate takes no arguments (got %q)", fs.Arg(0)), usage: usage}
	case *from == "" || *to == "":
		return usageError{msg: "migrate needs --from PATH and --to URL", usage: usage}
	case postgres.IsURL(*from):
		return usageError{msg: "--from is a database URL; give the path of the bbolt file", usage: usage}
	case !postgres.IsURL(*to):
		return usageError{msg: "--to must be a postgres:// URL", usage: usage}
	}
	cfg := e.cfg
	cfg.DB = *to // its password is redacted from the log like DEVOPSBOT_DB's
	lg := slog.New(redactHandler(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}), cfg))

	src, err := bolt.Open(lg, *from, bolt.Options{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer src.Close()
	snap, err := snapshot(ctx, src)
	if err != nil {
		return fmt.Errorf("migrate: read %s: %w", *from, err)
	}
	dst, err := postgres.Open(ctx, lg, *to, postgres.Options{})
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer dst.Close()
	counts, err := dst.Import(ctx, snap)
	if err != nil {
		return fmt.Errorf("migrate into %s: %w (nothing was kept)", dst, err)
	}
	// Questions closed whose answer Slack had not taken yet: the bot on the
	// database posts them (see bot.CloseLog).
	pending, err := src.PendingCloses(ctx)
	if err != nil {
		return fmt.Errorf("migrate: read %s: %w", *from, err)
	}
	for _, id := range pending {
		if _, err := dst.SwapClose(ctx, id, "", "pending"); err != nil {
			return fmt.Errorf("migrate into %s: %w", dst, err)
		}
	}
	fmt.Fprintf(e.stdout, "copied %s into %s\n", *from, dst)
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "\tin the file\tadded\talready there\t")
	for _, c := range counts {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t\n", c.Kind, c.Source, c.Added, c.Source-c.Added)
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	fmt.Fprintln(e.stdout, "verified: every record of the file is in the database")
	if n := src.Damaged(); n > 0 {
		fmt.Fprintf(e.stdout, "%d damaged records of the file could not be read and were not copied (see the warnings)\n", n)
	}
	return nil
}

// snapshot reads everything the bbolt store holds.
func snapshot(ctx context.Context, s *bolt.Store) (postgres.Snapshot, error) {
	var snap postgres.Snapshot
	var err error
	if snap.Rounds, err = s.Rounds(ctx, false); err != nil {
		return snap, err
	}
	if snap.Answers, err = s.Answers(ctx, quiz.AnswerQuery{}); err != nil {
		return snap, err
	}
	if snap.Cards, err = s.AllCards(ctx); err != nil {
		return snap, err
	}
	if snap.Flags, err = s.Flags(ctx, ""); err != nil {
		return snap, err
	}
	if snap.Channels, err = s.Channels(ctx); err != nil {
		return snap, err
	}
	return snap, nil
}
