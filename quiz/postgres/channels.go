package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/devopsbot/devopsbot/quiz"
)

const channelCols = `id, name, post, close, tz, exam_date, set_by, at_ns`

// PutChannel implements quiz.Store.
func (s *Store) PutChannel(ctx context.Context, c quiz.Channel) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO quiz_channels (`+channelCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, post = EXCLUDED.post, close = EXCLUDED.close,
			tz = EXCLUDED.tz, exam_date = EXCLUDED.exam_date, set_by = EXCLUDED.set_by, at_ns = EXCLUDED.at_ns`,
		c.ID, c.Name, c.Post, c.Close, c.TZ, c.ExamDate, c.By, nanos(c.At))
	if err != nil {
		return fail("put channel", err)
	}
	return nil
}

// DeleteChannel implements quiz.Store.
func (s *Store) DeleteChannel(ctx context.Context, id string) (bool, error) {
	tag, err := s.pool.Exec(ctx, `DELETE FROM quiz_channels WHERE id = $1`, id)
	if err != nil {
		return false, fail("delete channel", err)
	}
	return tag.RowsAffected() == 1, nil
}

// Channels implements quiz.Store.
func (s *Store) Channels(ctx context.Context) ([]quiz.Channel, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+channelCols+` FROM quiz_channels ORDER BY id COLLATE "C"`)
	if err != nil {
		return nil, fail("list channels", err)
	}
	cs, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (quiz.Channel, error) {
		var c quiz.Channel
		var at *int64
		if err := row.Scan(&c.ID, &c.Name, &c.Post, &c.Close, &c.TZ, &c.ExamDate, &c.By, &at); err != nil {
			return quiz.Channel{}, err
		}
		c.At = fromNanos(at)
		return c, nil
	})
	if err != nil {
		return nil, fail("list channels", err)
	}
	return cs, nil
}
