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
package bolt

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/devopsbot/devopsbot/quiz"
)

// SchemaVersion is the layout version this package writes.
const SchemaVersion = 1

const appName = "devopsbot-quiz"

// Sentinel errors.
var (
	ErrCorrupt = errors.New("bolt: database file is damaged or not a bbolt database")
	ErrForeign = errors.New("bolt: database file belongs to another application")
	ErrSchema  = errors.New("bolt: database schema is newer than this program")
	ErrLocked  = errors.New("bolt: database file is locked by another process")
)

var (
	bMeta     = []byte("meta")
	bRounds   = []byte("rounds")
	bRoundIdx = []byte("roundidx")
	bRoundAns = []byte("roundans")
	bAnswers  = []byte("answers")
	bByUser   = []byte("byuser")
	bCards    = []byte("cards")
	allBucket = [][]byte{bMeta, bRounds, bRoundIdx, bRoundAns, bAnswers, bByUser, bCards}
)

// countKey holds a round's answer count in its roundans bucket (Slack
// user IDs never start with a zero byte).
var countKey = []byte("\x00count")

var _ quiz.Store = (*Store)(nil)

// Store is a quiz.Store in one bbolt file.
type Store struct {
	lg       *slog.Logger
	db       *bbolt.DB
	path     string
	readOnly bool
	replays  replayBatch // FirstRequest calls waiting for a shared commit
	damaged  atomic.Uint64
	writeErr atomic.Pointer[error] // the last failed commit; nil after a good one
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

// Open opens or creates the database at path, creating its directory.
func Open(lg *slog.Logger, path string, opts Options) (s *Store, err error) {
	if lg == nil {
		lg = slog.New(slog.DiscardHandler)
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 2 * time.Second
	}
	if dir := filepath.Dir(path); dir != "" {
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

func (s *Store) init() error {
	run := s.db.Update
	if s.readOnly {
		run = s.db.View
	}
	return run(func(tx *bbolt.Tx) error {
		if meta := tx.Bucket(bMeta); meta != nil {
			if app := string(meta.Get([]byte("app"))); app != appName {
				return fmt.Errorf("meta app %q: %w", app, ErrForeign)
			}
			v, err := strconv.Atoi(string(meta.Get([]byte("schema"))))
			if err != nil {
				return fmt.Errorf("meta schema %q: %w", meta.Get([]byte("schema")), ErrCorrupt)
			}
			if v > SchemaVersion {
				return fmt.Errorf("schema %d, this program knows %d: %w", v, SchemaVersion, ErrSchema)
			}
			for _, b := range allBucket {
				if tx.Bucket(b) == nil {
					return fmt.Errorf("bucket %s missing: %w", b, ErrCorrupt)
				}
			}
			// Walk every page once: damage is found now, not mid-answer.
			var first error
			for err := range tx.Check() {
				if first == nil {
					first = err
				}
			}
			if first != nil {
				return fmt.Errorf("check: %v: %w", first, ErrCorrupt)
			}
			return nil
		}
		var foreign []string
		_ = tx.ForEach(func(name []byte, _ *bbolt.Bucket) error {
			foreign = append(foreign, string(name))
			return nil
		})
		if len(foreign) > 0 {
			return fmt.Errorf("buckets %v and no meta: %w", foreign, ErrForeign)
		}
		if s.readOnly {
			return fmt.Errorf("new database on a read-only disk: %w", quiz.ErrReadOnly)
		}
		for _, b := range allBucket {
			if _, err := tx.CreateBucket(b); err != nil {
				return fmt.Errorf("create bucket %s: %w", b, err)
			}
		}
		meta := tx.Bucket(bMeta)
		if err := meta.Put([]byte("app"), []byte(appName)); err != nil {
			return err
		}
		return meta.Put([]byte("schema"), []byte(strconv.Itoa(SchemaVersion)))
	})
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

func tsKey(t time.Time) []byte {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(t.UnixNano())^(1<<63))
	return b[:]
}

func seqKey(n uint64) []byte {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], n)
	return b[:]
}

func cat(parts ...[]byte) []byte {
	return bytes.Join(parts, nil)
}

func roundIdxKey(r quiz.Round) []byte { return cat(tsKey(r.OpenedAt), []byte(r.ID)) }

func getRound(tx *bbolt.Tx, id string) (quiz.Round, error) {
	v := tx.Bucket(bRounds).Get([]byte(id))
	if v == nil {
		return quiz.Round{}, fmt.Errorf("round %q: %w", id, quiz.ErrNotFound)
	}
	var r quiz.Round
	if err := json.Unmarshal(v, &r); err != nil {
		return quiz.Round{}, fmt.Errorf("round %q: %v: %w", id, err, ErrCorrupt)
	}
	return r, nil
}

func putRound(tx *bbolt.Tx, r quiz.Round) error {
	v, err := json.Marshal(r)
	if err != nil {
		return err
	}
	if err := tx.Bucket(bRounds).Put([]byte(r.ID), v); err != nil {
		return err
	}
	state := []byte("o")
	if !r.Open() {
		state = []byte("c")
	}
	return tx.Bucket(bRoundIdx).Put(roundIdxKey(r), state)
}

// CreateRound implements quiz.Store.
func (s *Store) CreateRound(ctx context.Context, r quiz.Round) (quiz.Round, bool, error) {
	var out quiz.Round
	created := false
	err := s.update(ctx, "create round "+r.ID, func(tx *bbolt.Tx) error {
		old, err := getRound(tx, r.ID)
		if err == nil {
			out = old
			return nil
		}
		if !errors.Is(err, quiz.ErrNotFound) {
			return err
		}
		r.OpenedAt = r.OpenedAt.UTC()
		if err := putRound(tx, r); err != nil {
			return err
		}
		if _, err := tx.Bucket(bRoundAns).CreateBucketIfNotExists([]byte(r.ID)); err != nil {
			return err
		}
		out, created = r, true
		return nil
	})
	if err != nil {
		return quiz.Round{}, false, err
	}
	return out, created, nil
}

// GetRound implements quiz.Store.
func (s *Store) GetRound(ctx context.Context, id string) (quiz.Round, error) {
	var out quiz.Round
	err := s.view(ctx, "get round", func(tx *bbolt.Tx) error {
		var err error
		out, err = getRound(tx, id)
		return err
	})
	return out, err
}

// SetRoundMessage implements quiz.Store.
func (s *Store) SetRoundMessage(ctx context.Context, id, channel, ts string) error {
	return s.update(ctx, "set round message", func(tx *bbolt.Tx) error {
		r, err := getRound(tx, id)
		if err != nil {
			return err
		}
		r.Channel, r.MessageTS = channel, ts
		return putRound(tx, r)
	})
}

// CloseRound implements quiz.Store.
func (s *Store) CloseRound(ctx context.Context, id string, at time.Time) (quiz.Round, bool, error) {
	var out quiz.Round
	already := false
	err := s.update(ctx, "close round", func(tx *bbolt.Tx) error {
		r, err := getRound(tx, id)
		if err != nil {
			return err
		}
		if !r.Open() {
			out, already = r, true
			return nil
		}
		r.ClosedAt = at.UTC()
		out = r
		return putRound(tx, r)
	})
	if err != nil {
		return quiz.Round{}, false, err
	}
	return out, already, nil
}

// Rounds implements quiz.Store.
func (s *Store) Rounds(ctx context.Context, openOnly bool) ([]quiz.Round, error) {
	var out []quiz.Round
	err := s.view(ctx, "list rounds", func(tx *bbolt.Tx) error {
		c := tx.Bucket(bRoundIdx).Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			if openOnly && string(v) != "o" {
				continue
			}
			if len(k) < 8 {
				return fmt.Errorf("round index key %x: %w", k, ErrCorrupt)
			}
			r, err := getRound(tx, string(k[8:]))
			if errors.Is(err, ErrCorrupt) {
				s.skipDamaged("round", k[8:], err)
				continue
			}
			if err != nil {
				return err
			}
			out = append(out, r)
		}
		return nil
	})
	return out, err
}

// RoundInfos implements quiz.Store from the round index alone.
func (s *Store) RoundInfos(ctx context.Context) ([]quiz.RoundInfo, error) {
	var out []quiz.RoundInfo
	err := s.view(ctx, "list round infos", func(tx *bbolt.Tx) error {
		c := tx.Bucket(bRoundIdx).Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			if len(k) < 8 {
				return fmt.Errorf("round index key %x: %w", k, ErrCorrupt)
			}
			out = append(out, quiz.RoundInfo{ID: string(k[8:]), OpenedAt: keyTime(k[:8]), Open: string(v) == "o"})
		}
		return nil
	})
	return out, err
}

func keyTime(b []byte) time.Time {
	return time.Unix(0, int64(binary.BigEndian.Uint64(b)^(1<<63))).UTC()
}

// AnswerRound implements quiz.Store.
func (s *Store) AnswerRound(ctx context.Context, a quiz.Answer) (quiz.RoundAnswer, error) {
	var out quiz.RoundAnswer
	err := s.update(ctx, "answer round", func(tx *bbolt.Tx) error {
		r, err := getRound(tx, a.Round)
		if err != nil {
			return err
		}
		ra := tx.Bucket(bRoundAns).Bucket([]byte(a.Round))
		if ra == nil {
			return fmt.Errorf("answers of round %q missing: %w", a.Round, ErrCorrupt)
		}
		count := 0
		if v := ra.Get(countKey); v != nil {
			n, k := binary.Uvarint(v)
			if k <= 0 {
				return fmt.Errorf("answer count of round %q: %w", a.Round, ErrCorrupt)
			}
			count = int(n)
		}
		if v := ra.Get([]byte(a.User)); v != nil {
			if len(v) < 8 {
				return fmt.Errorf("round answer %q/%q: %w", a.Round, a.User, ErrCorrupt)
			}
			old, err := decodeAnswer(v[8:])
			if err != nil {
				return err
			}
			out = quiz.RoundAnswer{Answer: old, Already: true, Count: count}
			return nil
		}
		if !r.Open() {
			out = quiz.RoundAnswer{Answer: a, Closed: true, Count: count}
			return nil
		}
		seq, err := putAnswer(tx, a)
		if err != nil {
			return err
		}
		if err := ra.Put([]byte(a.User), cat(seqKey(seq), encodeAnswer(a))); err != nil {
			return err
		}
		if err := ra.Put(countKey, binary.AppendUvarint(nil, uint64(count+1))); err != nil {
			return err
		}
		out = quiz.RoundAnswer{Answer: a, Count: count + 1}
		return nil
	})
	if err != nil {
		return quiz.RoundAnswer{}, err
	}
	out.Answer.At = out.Answer.At.UTC()
	return out, nil
}

// putAnswer stores a in the answers and byuser buckets.
func putAnswer(tx *bbolt.Tx, a quiz.Answer) (uint64, error) {
	ans := tx.Bucket(bAnswers)
	seq, err := ans.NextSequence()
	if err != nil {
		return 0, err
	}
	v := encodeAnswer(a)
	if err := ans.Put(cat(tsKey(a.At), seqKey(seq)), v); err != nil {
		return 0, err
	}
	if err := tx.Bucket(bByUser).Put(cat([]byte(a.User), []byte{0}, tsKey(a.At), seqKey(seq)), v); err != nil {
		return 0, err
	}
	return seq, nil
}

// RoundAnswers implements quiz.Store.
func (s *Store) RoundAnswers(ctx context.Context, roundID string) ([]quiz.Answer, error) {
	type seqAnswer struct {
		seq uint64
		a   quiz.Answer
	}
	var list []seqAnswer
	err := s.view(ctx, "round answers", func(tx *bbolt.Tx) error {
		if _, err := getRound(tx, roundID); err != nil {
			return err
		}
		ra := tx.Bucket(bRoundAns).Bucket([]byte(roundID))
		if ra == nil {
			return nil
		}
		return ra.ForEach(func(k, v []byte) error {
			if bytes.Equal(k, countKey) {
				return nil
			}
			if len(v) < 8 {
				s.skipDamaged("round answer", k, fmt.Errorf("round answer %q/%q: %w", roundID, k, ErrCorrupt))
				return nil
			}
			a, err := decodeAnswer(v[8:])
			if err != nil {
				s.skipDamaged("round answer", k, err)
				return nil
			}
			list = append(list, seqAnswer{binary.BigEndian.Uint64(v[:8]), a})
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	sort.Slice(list, func(i, j int) bool { return list[i].seq < list[j].seq })
	out := make([]quiz.Answer, len(list))
	for i, sa := range list {
		out[i] = sa.a
	}
	return out, nil
}

// Answers implements quiz.Store.
func (s *Store) Answers(ctx context.Context, q quiz.AnswerQuery) ([]quiz.Answer, error) {
	var out []quiz.Answer
	err := s.scan(ctx, q, false, func(a quiz.Answer) error {
		out = append(out, a)
		return nil
	})
	return out, err
}

// EachAnswer implements quiz.Store.
func (s *Store) EachAnswer(ctx context.Context, q quiz.AnswerQuery, fn func(quiz.Answer) error) error {
	return s.scan(ctx, q, true, fn)
}

// scan walks the answers matching q in key (time) order: the byuser bucket
// for one user, else the answers bucket, seeking to q.Since. With reuse the
// Domains array of the answer passed to fn is reused between calls.
func (s *Store) scan(ctx context.Context, q quiz.AnswerQuery, reuse bool, fn func(quiz.Answer) error) error {
	return s.view(ctx, "list answers", func(tx *bbolt.Tx) error {
		var c *bbolt.Cursor
		var prefix []byte
		if q.User != "" {
			c = tx.Bucket(bByUser).Cursor()
			prefix = cat([]byte(q.User), []byte{0})
		} else {
			c = tx.Bucket(bAnswers).Cursor()
		}
		start := prefix
		if !q.Since.IsZero() {
			start = cat(prefix, tsKey(q.Since))
		}
		var end []byte
		if !q.Until.IsZero() {
			end = cat(prefix, tsKey(q.Until))
		}
		d := decoder{strs: map[string]string{}, reuse: reuse}
		var k, v []byte
		if len(start) == 0 {
			k, v = c.First()
		} else {
			k, v = c.Seek(start)
		}
		for ; k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			if end != nil && bytes.Compare(k, end) >= 0 {
				break
			}
			if q.Kind != quiz.AnyAnswer && len(v) > 2 {
				// The round ID comes first: empty for practice answers.
				if practice := v[1] == 0; practice != (q.Kind == quiz.PracticeAnswers) {
					continue
				}
			}
			a, err := d.decode(v)
			if err != nil {
				s.skipDamaged("answer", k, err)
				continue
			}
			if q.Match(a) {
				if err := fn(a); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

func cardKey(user, question string) []byte {
	return cat([]byte(user), []byte{0}, []byte(question))
}

func getCard(tx *bbolt.Tx, user, question string) (quiz.Card, bool, error) {
	v := tx.Bucket(bCards).Get(cardKey(user, question))
	if v == nil {
		return quiz.Card{}, false, nil
	}
	var c quiz.Card
	if err := json.Unmarshal(v, &c); err != nil {
		return quiz.Card{}, false, fmt.Errorf("card %q/%q: %v: %w", user, question, err, ErrCorrupt)
	}
	return c, true, nil
}

func putCard(tx *bbolt.Tx, c quiz.Card) error {
	v, err := json.Marshal(c)
	if err != nil {
		return err
	}
	return tx.Bucket(bCards).Put(cardKey(c.User, c.Question), v)
}

// Card implements quiz.Store.
func (s *Store) Card(ctx context.Context, user, question string) (quiz.Card, bool, error) {
	var c quiz.Card
	var ok bool
	err := s.view(ctx, "get card", func(tx *bbolt.Tx) error {
		var err error
		c, ok, err = getCard(tx, user, question)
		return err
	})
	return c, ok, err
}

// Cards implements quiz.Store.
func (s *Store) Cards(ctx context.Context, user string) ([]quiz.Card, error) {
	var out []quiz.Card
	err := s.view(ctx, "list cards", func(tx *bbolt.Tx) error {
		prefix := cat([]byte(user), []byte{0})
		c := tx.Bucket(bCards).Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			var card quiz.Card
			if err := json.Unmarshal(v, &card); err != nil {
				return fmt.Errorf("card %q: %v: %w", k, err, ErrCorrupt)
			}
			out = append(out, card)
		}
		return nil
	})
	return out, err
}

// PutCard implements quiz.Store.
func (s *Store) PutCard(ctx context.Context, c quiz.Card) error {
	return s.update(ctx, "put card", func(tx *bbolt.Tx) error { return putCard(tx, c) })
}

// AnswerPractice implements quiz.Store.
func (s *Store) AnswerPractice(ctx context.Context, a quiz.Answer, c quiz.Card) (bool, error) {
	applied := false
	err := s.update(ctx, "answer practice", func(tx *bbolt.Tx) error {
		old, ok, err := getCard(tx, a.User, a.Question)
		if err != nil {
			return err
		}
		if ok && !old.Pending {
			return nil
		}
		if err := putCard(tx, c); err != nil {
			return err
		}
		if _, err := putAnswer(tx, a); err != nil {
			return err
		}
		applied = true
		return nil
	})
	return applied, err
}

// encodeAnswer writes the compact binary form described in the package
// comment.
func encodeAnswer(a quiz.Answer) []byte {
	b := make([]byte, 0, 64+len(a.Round)+len(a.User)+len(a.Question)+len(a.Doc)+len(a.Section))
	b = append(b, 1)
	for _, s := range []string{a.Round, a.User, a.Question, a.Doc, a.Section} {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	b = binary.AppendVarint(b, int64(a.Choice))
	b = binary.AppendVarint(b, int64(a.Points))
	if a.Correct {
		b = append(b, 1)
	} else {
		b = append(b, 0)
	}
	b = binary.AppendVarint(b, a.At.UnixNano())
	b = binary.AppendUvarint(b, uint64(len(a.Domains)))
	for _, d := range a.Domains {
		b = append(b, byte(d))
	}
	return b
}

var errShort = fmt.Errorf("answer record truncated: %w", ErrCorrupt)

func decodeAnswer(b []byte) (quiz.Answer, error) { return (&decoder{}).decode(b) }

// decoder decodes many answers in one query: strings that repeat (rounds,
// users, questions, sections) are shared, and with reuse the Domains array
// is reused from one answer to the next.
type decoder struct {
	strs  map[string]string
	last  [5]string // the previous answer's strings: a day's answers share most
	reuse bool
	doms  []int
}

func (d *decoder) str(field int, b []byte) string {
	if d.strs == nil {
		return string(b)
	}
	if string(b) == d.last[field] {
		return d.last[field]
	}
	s, ok := d.strs[string(b)]
	if !ok {
		s = string(b)
		d.strs[s] = s
	}
	d.last[field] = s
	return s
}

func (d *decoder) decode(b []byte) (quiz.Answer, error) {
	var a quiz.Answer
	if len(b) == 0 || b[0] != 1 {
		return a, fmt.Errorf("answer record version: %w", ErrCorrupt)
	}
	b = b[1:]
	var strs [5]string
	for i := range strs {
		n, k := binary.Uvarint(b)
		if k <= 0 || uint64(len(b)-k) < n {
			return a, errShort
		}
		strs[i] = d.str(i, b[k:k+int(n)])
		b = b[k+int(n):]
	}
	a.Round, a.User, a.Question, a.Doc, a.Section = strs[0], strs[1], strs[2], strs[3], strs[4]
	choice, k := binary.Varint(b)
	if k <= 0 {
		return a, errShort
	}
	b = b[k:]
	points, k := binary.Varint(b)
	if k <= 0 || len(b) < k+1 {
		return a, errShort
	}
	a.Choice, a.Points, a.Correct = int(choice), int(points), b[k] == 1
	b = b[k+1:]
	nanos, k := binary.Varint(b)
	if k <= 0 {
		return a, errShort
	}
	a.At = time.Unix(0, nanos).UTC()
	b = b[k:]
	n, k := binary.Uvarint(b)
	if k <= 0 || uint64(len(b)-k) < n {
		return a, errShort
	}
	if n > 0 {
		if d.reuse {
			d.doms = d.doms[:0]
			for i := range int(n) {
				d.doms = append(d.doms, int(b[k+i]))
			}
			a.Domains = d.doms
		} else {
			a.Domains = make([]int, n)
			for i := range a.Domains {
				a.Domains[i] = int(b[k+i])
			}
		}
	}
	return a, nil
}
