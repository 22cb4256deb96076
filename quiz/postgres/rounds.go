package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/devopsbot/devopsbot/quiz"
)

const roundCols = `id, question, channel, message_ts, opened_ns, closed_ns`

// scanRound reads the columns roundCols lists.
func scanRound(row pgx.Row) (quiz.Round, error) {
	var r quiz.Round
	var q []byte
	var opened int64
	var closed *int64
	if err := row.Scan(&r.ID, &q, &r.Channel, &r.MessageTS, &opened, &closed); err != nil {
		return quiz.Round{}, err
	}
	if err := json.Unmarshal(q, &r.Question); err != nil {
		return quiz.Round{}, fmt.Errorf("round %q question: %w", r.ID, err)
	}
	r.OpenedAt, r.ClosedAt = fromNanos(&opened), fromNanos(closed)
	return r, nil
}

// notFound turns pgx.ErrNoRows into quiz.ErrNotFound for round id.
func notFound(id string, err error) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("round %q: %w", id, quiz.ErrNotFound)
	}
	return err
}

// CreateRound implements quiz.Store.
func (s *Store) CreateRound(ctx context.Context, r quiz.Round) (quiz.Round, bool, error) {
	q, err := json.Marshal(r.Question)
	if err != nil {
		return quiz.Round{}, false, fmt.Errorf("create round %s: %w", r.ID, err)
	}
	r.OpenedAt = r.OpenedAt.UTC()
	if !r.ClosedAt.IsZero() {
		r.ClosedAt = r.ClosedAt.UTC()
	}
	tag, err := s.pool.Exec(ctx, `INSERT INTO rounds (`+roundCols+`) VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (id) DO NOTHING`, r.ID, q, r.Channel, r.MessageTS, r.OpenedAt.UnixNano(), nanos(r.ClosedAt))
	if err != nil {
		return quiz.Round{}, false, fail("create round "+r.ID, err)
	}
	if tag.RowsAffected() == 1 {
		return r, true, nil
	}
	old, err := s.GetRound(ctx, r.ID)
	if err != nil {
		return quiz.Round{}, false, fmt.Errorf("create round %s: %w", r.ID, err)
	}
	return old, false, nil
}

// GetRound implements quiz.Store.
func (s *Store) GetRound(ctx context.Context, id string) (quiz.Round, error) {
	r, err := scanRound(s.pool.QueryRow(ctx, `SELECT `+roundCols+` FROM rounds WHERE id = $1`, id))
	if err != nil {
		return quiz.Round{}, fail("get round", notFound(id, err))
	}
	return r, nil
}

// SetRoundMessage implements quiz.Store.
func (s *Store) SetRoundMessage(ctx context.Context, id, channel, ts string) error {
	tag, err := s.pool.Exec(ctx, `UPDATE rounds SET channel = $2, message_ts = $3 WHERE id = $1`, id, channel, ts)
	if err != nil {
		return fail("set round message", err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("set round message: round %q: %w", id, quiz.ErrNotFound)
	}
	return nil
}

// ClaimRoundMessage implements quiz.Store: one UPDATE that matches only
// while the round has no message, so of several replicas one claims it.
func (s *Store) ClaimRoundMessage(ctx context.Context, id, channel, mark string) (quiz.Round, bool, error) {
	if mark == "" {
		return quiz.Round{}, false, fmt.Errorf("claim round message %s: empty mark", id)
	}
	r, err := scanRound(s.pool.QueryRow(ctx, `UPDATE rounds SET channel = $2, message_ts = $3
		WHERE id = $1 AND message_ts = '' RETURNING `+roundCols, id, channel, mark))
	if err == nil {
		return r, true, nil
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return quiz.Round{}, false, fail("claim round message", err)
	}
	r, err = s.GetRound(ctx, id)
	if err != nil {
		return quiz.Round{}, false, fmt.Errorf("claim round message: %w", err)
	}
	return r, false, nil
}

// CloseRound implements quiz.Store. The row lock waits for answers in
// flight (they hold a key-share lock on the round) and holds back those
// that come after, so the close sees every answer that was counted.
func (s *Store) CloseRound(ctx context.Context, id string, at time.Time) (quiz.Round, bool, error) {
	var out quiz.Round
	already := false
	err := s.inTx(ctx, "close round", func(tx pgx.Tx) error {
		r, err := scanRound(tx.QueryRow(ctx, `SELECT `+roundCols+` FROM rounds WHERE id = $1 FOR UPDATE`, id))
		if err != nil {
			return notFound(id, err)
		}
		if !r.Open() {
			out, already = r, true
			return nil
		}
		r.ClosedAt = at.UTC()
		if _, err := tx.Exec(ctx, `UPDATE rounds SET closed_ns = $2 WHERE id = $1`, id, r.ClosedAt.UnixNano()); err != nil {
			return err
		}
		out = r
		return nil
	})
	if err != nil {
		return quiz.Round{}, false, err
	}
	return out, already, nil
}

// Rounds implements quiz.Store.
func (s *Store) Rounds(ctx context.Context, openOnly bool) ([]quiz.Round, error) {
	sql := `SELECT ` + roundCols + ` FROM rounds ORDER BY opened_ns, id`
	if openOnly {
		sql = `SELECT ` + roundCols + ` FROM rounds WHERE closed_ns IS NULL ORDER BY opened_ns, id`
	}
	rows, err := s.pool.Query(ctx, sql)
	if err != nil {
		return nil, fail("list rounds", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (quiz.Round, error) { return scanRound(row) })
	if err != nil {
		return nil, fail("list rounds", err)
	}
	return out, nil
}

// RoundInfos implements quiz.Store without reading the questions.
func (s *Store) RoundInfos(ctx context.Context) ([]quiz.RoundInfo, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, opened_ns, closed_ns IS NULL FROM rounds ORDER BY opened_ns, id`)
	if err != nil {
		return nil, fail("list round infos", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (quiz.RoundInfo, error) {
		var in quiz.RoundInfo
		var opened int64
		err := row.Scan(&in.ID, &opened, &in.Open)
		in.OpenedAt = fromNanos(&opened)
		return in, err
	})
	if err != nil {
		return nil, fail("list round infos", err)
	}
	return out, nil
}
