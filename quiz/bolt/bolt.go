// Package bolt is the embedded quiz.Store: one bbolt file (go.etcd.io/bbolt).
// Every write is one bbolt read-write transaction, committed with fsync
// before the method returns, so an acknowledged answer survives a crash.
//
// On-disk layout, schema version 1 (all keys and values are bytes):
//
//	meta       "app"     -> "devopsbot-quiz"  (marks the file as ours)
//	           "schema"  -> "1"               (decimal schema version)
//	rounds     roundID   -> JSON of quiz.Round (with its question)
//	roundidx   ts(8) ‖ roundID -> "o" open | "c" closed  (ordered by opening time)
//	roundans   roundID   -> nested bucket: user -> seq(8) ‖ answer,
//	                        and 0x00 "count" -> uvarint number of answers
//	answers    ts(8) ‖ seq(8)          -> answer   (all answers, by time)
//	byuser     user ‖ 0x00 ‖ ts(8) ‖ seq(8) -> answer (the same, by user)
//	cards      user ‖ 0x00 ‖ questionID -> JSON of quiz.Card
//	events     Slack event_id -> Unix nanoseconds(8), when it was handled
//	           (created on first use; entries older than an hour are pruned)
//
// ts(8) is a time as Unix nanoseconds, big-endian with the sign bit flipped
// so that byte order is time order; seq(8) is the answers bucket's sequence
// number, big-endian. An answer is a compact binary record: version byte 1,
// then round, user, question, doc and section as uvarint-length strings,
// choice and points as varints, a correct byte, the time as a varint of Unix
// nanoseconds, and the domains as a uvarint count of bytes.
//
// Open refuses a file that is not a bbolt database, is damaged, belongs to
// something else (buckets but no meta), or has a newer schema; it never
// resets data. A file locked by another process is an error after the open
// timeout rather than a hang. An existing file on a read-only disk opens
// read-only: every read works and every write fails with quiz.ErrReadOnly,
// as do writes that fail for a full disk.
//
// It owns the bbolt file's layout. Import rules (DESIGN.md, checked by deploy's TestImportRules): it imports
// quiz and bbolt, never index, bot, cmd, Bleve or Slack.
package bolt

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/devopsbot/devopsbot/quiz"
)

// Sentinel errors.
var (
	ErrCorrupt = errors.New("bolt: database file is damaged or not a bbolt database")
	ErrForeign = errors.New("bolt: database file belongs to another application")
	ErrSchema  = errors.New("bolt: database schema is newer than this program")
	ErrLocked  = errors.New("bolt: database file is locked by another process")
)

var _ quiz.Store = (*Store)(nil)

// Store is a quiz.Store in one bbolt file.
type Store struct {
	lg        *slog.Logger
	db        *bbolt.DB
	path      string
	readOnly  bool
	replays   replayBatch // FirstRequest calls waiting for a shared commit
	damaged   atomic.Uint64
	writeErr  atomic.Pointer[error] // the last failed commit; nil after a good one
	lastProbe atomic.Int64          // Unix nanoseconds of CheckWrite's last probe
}

// Damaged returns how many damaged records reads have skipped since Open
// (a record that does not decode: a round, an answer). Each is logged.
func (s *Store) Damaged() uint64 { return s.damaged.Load() }

// skipDamaged logs and counts a record a read skips because it does not
// decode: one damaged record must not fail every leaderboard or post.
func (s *Store) skipDamaged(kind string, key []byte, err error) {
	s.damaged.Add(1)
	s.lg.Warn("bolt.Store damaged record skipped", "kind", kind, "key", fmt.Sprintf("%q", key), "err", err)
}

// ReadOnly reports whether the store was opened for reading only.
func (s *Store) ReadOnly() bool { return s.readOnly }

// cannotWrite reports whether an error means the file or disk refuses
// writes.
func cannotWrite(err error) bool {
	return errors.Is(err, syscall.EROFS) || errors.Is(err, syscall.EACCES) || errors.Is(err, syscall.EPERM) ||
		errors.Is(err, syscall.ENOSPC)
}

// Options tune Open. The zero value is fine.
type Options struct {
	// Timeout bounds the wait for the file lock; default 2s.
	Timeout time.Duration
	// ReadOnly opens an existing database for reading only. Open also falls
	// back to it when the file exists but cannot be opened for writing (a
	// read-only disk or file): writes then fail with quiz.ErrReadOnly.
	ReadOnly bool
}

// Open opens or creates the database at path, creating its directory
// (with opts.ReadOnly, it opens an existing file and creates nothing).
func Open(lg *slog.Logger, path string, opts Options) (s *Store, err error) {
	if lg == nil {
		lg = slog.New(slog.DiscardHandler)
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 2 * time.Second
	}
	// A read-only open never creates anything: the file must exist.
	if dir := filepath.Dir(path); dir != "" && !opts.ReadOnly {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("open store %s: %w", path, err)
		}
	}
	var db *bbolt.DB
	// bbolt panics on some kinds of damage; report them as errors.
	defer func() {
		if r := recover(); r != nil {
			if db != nil {
				db.Close()
			}
			s, err = nil, fmt.Errorf("open store %s: %v: %w", path, r, ErrCorrupt)
		}
	}()
	// The freelist stays synced: without it bbolt walks every page at open
	// in a goroutine that crashes the process on a damaged file.
	bo := &bbolt.Options{Timeout: opts.Timeout, ReadOnly: opts.ReadOnly, FreelistType: bbolt.FreelistMapType}
	db, err = bbolt.Open(path, 0o600, bo)
	if err != nil && !opts.ReadOnly && cannotWrite(err) {
		if _, serr := os.Stat(path); serr == nil {
			lg.Warn("bolt.Store open read-only", "path", path, "err", err)
			opts.ReadOnly, bo.ReadOnly = true, true
			db, err = bbolt.Open(path, 0o600, bo)
		}
	}
	if err != nil {
		switch {
		case errors.Is(err, bbolt.ErrTimeout):
			return nil, fmt.Errorf("open store %s: %w", path, ErrLocked)
		case errors.Is(err, bbolt.ErrInvalid), errors.Is(err, bbolt.ErrVersionMismatch),
			errors.Is(err, bbolt.ErrChecksum), isFormatError(err):
			return nil, fmt.Errorf("open store %s: %v: %w", path, err, ErrCorrupt)
		}
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	s = &Store{lg: lg, db: db, path: path, readOnly: opts.ReadOnly}
	if err := s.init(); err != nil {
		db.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	lg.Info("bolt.Store open", "path", path, "schema", SchemaVersion)
	return s, nil
}

// isFormatError recognises bbolt's errors for files that are too small or
// have unreadable pages; errors from the file system (which carry the path)
// are not format errors.
func isFormatError(err error) bool {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return false
	}
	msg := err.Error()
	for _, s := range []string{"too small", "invalid", "checksum", "version", "page"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// Close closes the database file.
func (s *Store) Close() error {
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("close store %s: %w", s.path, err)
	}
	return nil
}

// Path returns the database file's path.
func (s *Store) Path() string { return s.path }

func (s *Store) update(ctx context.Context, op string, fn func(tx *bbolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	if s.readOnly {
		return fmt.Errorf("%s: %s: %w", op, s.path, quiz.ErrReadOnly)
	}
	var fnErr error
	err := s.db.Update(func(tx *bbolt.Tx) error {
		fnErr = fn(tx)
		return fnErr
	})
	if err == nil || err != fnErr { // fn's own errors say nothing of the disk
		s.noteWrite(op, err)
	}
	if err != nil {
		if cannotWrite(err) || errors.Is(err, bbolt.ErrDatabaseReadOnly) {
			return fmt.Errorf("%s: %v: %w", op, err, quiz.ErrReadOnly)
		}
		return fmt.Errorf("%s: %w", op, err)
	}
	return nil
}

// WriteErr returns why the last write to the file failed (a full or
// read-only disk, an I/O error), or nil once a write has succeeded since:
// serve's readiness reports it.
func (s *Store) WriteErr() error {
	if e := s.writeErr.Load(); e != nil {
		return *e
	}
	return nil
}

// CheckWrite returns WriteErr, first trying a small write (a probe key in
// the meta bucket) when the last write failed and no probe ran in the last
// writeProbeEvery: readiness then recovers once the disk does, even if
// nothing else writes meanwhile.
func (s *Store) CheckWrite(ctx context.Context) error {
	if s.WriteErr() == nil || s.readOnly {
		return s.WriteErr()
	}
	now := time.Now()
	last := s.lastProbe.Load()
	if now.UnixNano()-last < int64(writeProbeEvery) || !s.lastProbe.CompareAndSwap(last, now.UnixNano()) {
		return s.WriteErr()
	}
	_ = s.update(ctx, "write probe", func(tx *bbolt.Tx) error {
		return tx.Bucket(bMeta).Put([]byte("write_probe"), []byte(now.UTC().Format(time.RFC3339Nano)))
	})
	return s.WriteErr()
}

// writeProbeEvery spaces CheckWrite's probe writes.
const writeProbeEvery = 5 * time.Second

// noteWrite records the outcome of a commit for WriteErr.
func (s *Store) noteWrite(op string, err error) {
	if err == nil {
		if s.writeErr.Swap(nil) != nil {
			s.lg.Info("bolt.Store writes again", "op", op)
		}
		return
	}
	e := fmt.Errorf("%s: %w", op, err)
	s.writeErr.Store(&e)
}

func (s *Store) view(ctx context.Context, op string, fn func(tx *bbolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	if err := s.db.View(fn); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	return nil
}
