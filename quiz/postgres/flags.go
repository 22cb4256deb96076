package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/devopsbot/devopsbot/quiz"
)

const flagCols = `question, user_id, reason, admin, at_ns`

func scanFlag(row pgx.Row) (quiz.Flag, error) {
	var f quiz.Flag
	var at int64
	if err := row.Scan(&f.Question, &f.User, &f.Reason, &f.Admin, &at); err != nil {
		return quiz.Flag{}, err
	}
	f.At = fromNanos(&at)
	return f, nil
}

// AddFlag implements quiz.Store.
func (s *Store) AddFlag(ctx context.Context, f quiz.Flag) (quiz.Flag, bool, error) {
	tag, err := s.pool.Exec(ctx, `INSERT INTO flags (`+flagCols+`) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (question, user_id) DO NOTHING`, f.Question, f.User, string(f.Reason), f.Admin, f.At.UnixNano())
	if err != nil {
		return quiz.Flag{}, false, fail("add flag", err)
	}
	if tag.RowsAffected() == 1 {
		f.At = f.At.UTC()
		return f, true, nil
	}
	old, err := scanFlag(s.pool.QueryRow(ctx, `SELECT `+flagCols+` FROM flags WHERE question = $1 AND user_id = $2`, f.Question, f.User))
	if err != nil {
		return quiz.Flag{}, false, fail("add flag", err)
	}
	return old, false, nil
}

// Flags implements quiz.Store, ordered as quiz.CompareFlags orders them
// (the C collation compares bytes, like strings.Compare).
func (s *Store) Flags(ctx context.Context, question string) ([]quiz.Flag, error) {
	sql := `SELECT ` + flagCols + ` FROM flags WHERE $1 = '' OR question = $1
		ORDER BY at_ns, question COLLATE "C", user_id COLLATE "C"`
	rows, err := s.pool.Query(ctx, sql, question)
	if err != nil {
		return nil, fail("list flags", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (quiz.Flag, error) { return scanFlag(row) })
	if err != nil {
		return nil, fail("list flags", err)
	}
	return out, nil
}

// ClearFlags implements quiz.Store.
func (s *Store) ClearFlags(ctx context.Context, question string) (int, error) {
	tag, err := s.pool.Exec(ctx, `DELETE FROM flags WHERE question = $1`, question)
	if err != nil {
		return 0, fail("clear flags", err)
	}
	return int(tag.RowsAffected()), nil
}
