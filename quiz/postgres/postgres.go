// Package postgres is the quiz.Store on PostgreSQL (github.com/jackc/pgx/v5),
// for running several replicas of the bot on one database. Each write is
// one transaction (often one statement), committed before the method
// returns, so an acknowledged answer is stored.
//
// The schema lives in the embedded *.sql files, applied in order at Open
// inside one transaction that holds an advisory lock, so replicas starting
// together migrate once; the versions applied are kept in
// schema_migrations. The tables go in the first schema of the connection's
// search_path (set search_path=NAME in the URL to choose one).
//
// Times are stored as Unix nanoseconds (bigint): the store gives back the
// times it was given, to the nanosecond, as the embedded store does.
//
// Concurrency: one answer per person per round is a unique index; an
// answer takes a key-share lock on its round and a close an update lock,
// so an answer is either counted before the close or refused after it,
// and answers to one round do not wait for each other.
//
// It owns the PostgreSQL schema and its migrations. Import rules (DESIGN.md, checked by deploy's TestImportRules): it
// imports quiz and pgx, never index, bot, cmd, Bleve or Slack.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/devopsbot/devopsbot/quiz"
)

// Sentinel errors.
var (
	ErrSchema = errors.New("postgres: database schema is newer than this program")
	ErrURL    = errors.New("postgres: not a usable database URL")
)

var (
	_ quiz.Store   = (*Store)(nil)
	_ quiz.Tallier = (*Store)(nil)
)

// Store is a quiz.Store in a PostgreSQL database.
type Store struct {
	lg     *slog.Logger
	pool   *pgxpool.Pool
	shown  string // the URL without its password, for messages
	schema string // where the tables are

	events   atomic.Uint64 // FirstDelivery calls, to prune every pruneEvery
	requests atomic.Uint64 // FirstRequest calls, likewise
}

// Options tune Open. The zero value is fine.
type Options struct {
	// Timeout bounds connecting and migrating at Open; default 30s.
	Timeout time.Duration
}

// IsURL reports whether s names a PostgreSQL database (it starts with
// postgres:// or postgresql://) rather than a file.
func IsURL(s string) bool {
	scheme, _, ok := strings.Cut(s, "://")
	return ok && (strings.EqualFold(scheme, "postgres") || strings.EqualFold(scheme, "postgresql"))
}

// Redact returns the URL with its passwords (in the user part, and the
// password and sslpassword parameters) masked, for messages and logs; a
// value that is not a postgres:// URL, or does not parse, is not shown.
func Redact(s string) string {
	if !IsURL(s) {
		return "(not a postgres:// URL)"
	}
	u, err := url.Parse(s)
	if err != nil {
		return "(a postgres:// URL that does not parse)"
	}
	q := u.Query()
	masked := false
	for _, k := range []string{"password", "sslpassword"} {
		if q.Has(k) {
			q.Set(k, "xxxxx")
			masked = true
		}
	}
	if masked {
		u.RawQuery = q.Encode()
	}
	return u.Redacted()
}

// ParseURL checks a database URL without connecting. Its errors never
// show the password.
func ParseURL(rawURL string) (*pgxpool.Config, error) {
	if _, err := url.Parse(rawURL); err != nil || !IsURL(rawURL) {
		// url's error would show the URL, password and all.
		return nil, fmt.Errorf("want postgres://user:password@host:port/database: %w", ErrURL)
	}
	cfg, err := pgxpool.ParseConfig(rawURL)
	if err != nil {
		// The URL parses, so pgx's message masks its passwords.
		return nil, fmt.Errorf("%v: %w", err, ErrURL)
	}
	return cfg, nil
}

// Open connects to the database at rawURL and brings its schema up to
// date. Pool settings come from the URL (pool_max_conns=N and the other
// pgxpool parameters).
func Open(ctx context.Context, lg *slog.Logger, rawURL string, opts Options) (*Store, error) {
	if lg == nil {
		lg = slog.New(slog.DiscardHandler)
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 30 * time.Second
	}
	shown := Redact(rawURL)
	cfg, err := ParseURL(rawURL)
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", shown, err)
	}
	ctx, cancel := context.WithTimeout(ctx, opts.Timeout)
	defer cancel()
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", shown, err)
	}
	s := &Store{lg: lg, pool: pool, shown: shown}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("open store %s: %w", shown, err)
	}
	version, applied, err := s.migrate(ctx)
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("open store %s: %w", shown, err)
	}
	lg.Info("postgres.Store open", "url", shown, "schema", s.schema, "version", version, "migrations_applied", applied)
	return s, nil
}

// Close closes the connections.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// Ping checks that the database answers (readiness).
func (s *Store) Ping(ctx context.Context) error {
	if err := s.pool.Ping(ctx); err != nil {
		return fmt.Errorf("ping store %s: %w", s.shown, err)
	}
	return nil
}

// String names the database, without its password.
func (s *Store) String() string { return s.shown }

// fail wraps a database error for op; errors that mean the database takes
// no writes (a read-only standby, a full disk) also wrap quiz.ErrReadOnly.
func fail(op string, err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "25006", "53100": // read_only_sql_transaction, disk_full
			return fmt.Errorf("%s: %w: %w", op, err, quiz.ErrReadOnly)
		}
	}
	return fmt.Errorf("%s: %w", op, err)
}

// inTx runs fn in a transaction, committed when fn returns nil.
func (s *Store) inTx(ctx context.Context, op string, fn func(tx pgx.Tx) error) error {
	if err := pgx.BeginFunc(ctx, s.pool, fn); err != nil {
		return fail(op, err)
	}
	return nil
}

// nanos is a time as Unix nanoseconds, nil for the zero time.
func nanos(t time.Time) *int64 {
	if t.IsZero() {
		return nil
	}
	n := t.UnixNano()
	return &n
}

// fromNanos is the inverse of nanos, in UTC.
func fromNanos(n *int64) time.Time {
	if n == nil {
		return time.Time{}
	}
	return time.Unix(0, *n).UTC()
}
