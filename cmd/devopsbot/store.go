package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/devopsbot/devopsbot/bot"
	"github.com/devopsbot/devopsbot/quiz"
	"github.com/devopsbot/devopsbot/quiz/bolt"
	"github.com/devopsbot/devopsbot/quiz/postgres"
)

// store is what the bot keeps in its database: quiz rounds, answers,
// cards and flags, the Slack event IDs it handled, the signed requests it
// saw and how far each close got. Both stores implement it.
type store interface {
	quiz.Store
	bot.EventLog
	bot.ReplayLog
	bot.CloseLog
	Close() error
}

var (
	_ store = (*bolt.Store)(nil)
	_ store = (*postgres.Store)(nil)
)

// storeOptions tune openStore.
type storeOptions struct {
	Timeout time.Duration // bounds waiting for the bbolt file lock or connecting to PostgreSQL; 0: the store's default
	// ReadOnly opens a bbolt file for reading only (it must exist); a
	// PostgreSQL database is opened as always.
	ReadOnly bool
}

// openStore opens the store DEVOPSBOT_DB names: a postgres:// URL is a
// PostgreSQL database (shared by replicas), anything else the path of the
// embedded bbolt file.
func openStore(ctx context.Context, lg *slog.Logger, db string, opts storeOptions) (store, error) {
	if postgres.IsURL(db) {
		return postgres.Open(ctx, lg, db, postgres.Options{Timeout: opts.Timeout})
	}
	return bolt.Open(lg, db, bolt.Options{Timeout: opts.Timeout, ReadOnly: opts.ReadOnly})
}

// storeHealth says why st cannot serve now, nil when it can: for bbolt,
// the last write failed (a read-only or full disk) and a probe write still
// fails; for PostgreSQL, the
// database does not answer within a few seconds.
func storeHealth(st store) error {
	switch s := st.(type) {
	case *bolt.Store:
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		if err := s.CheckWrite(ctx); err != nil {
			return fmt.Errorf("store cannot write: %w", err)
		}
	case *postgres.Store:
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		if err := s.Ping(ctx); err != nil {
			return fmt.Errorf("database unreachable: %w", err)
		}
	}
	return nil
}

// storeDamaged returns the store's count of damaged records it skipped,
// or nil for a store that does not count them.
func storeDamaged(st store) func() uint64 {
	if d, ok := st.(interface{ Damaged() uint64 }); ok {
		return d.Damaged
	}
	return nil
}
