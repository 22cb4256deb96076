package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"
)

// SwapClose sets round id's close state to new if it is old ("" when there
// is none) and reports whether it did: one statement, so of replicas
// racing to post a round's answer one wins. Committed before it returns.
func (s *Store) SwapClose(ctx context.Context, id, old, new string) (bool, error) {
	sql := `UPDATE closes SET state = $3 WHERE round_id = $1 AND state = $2`
	if old == "" {
		sql = `INSERT INTO closes (round_id, state) VALUES ($1, $3)
			ON CONFLICT (round_id) DO UPDATE SET state = EXCLUDED.state WHERE closes.state = $2`
	}
	tag, err := s.pool.Exec(ctx, sql, id, old, new)
	if err != nil {
		return false, fail("record close", err)
	}
	return tag.RowsAffected() == 1, nil
}

// PendingCloses returns the rounds whose close state is "pending", in ID
// order.
func (s *Store) PendingCloses(ctx context.Context) ([]string, error) {
	rows, err := s.pool.Query(ctx, `SELECT round_id FROM closes WHERE state = 'pending' ORDER BY round_id COLLATE "C"`)
	if err != nil {
		return nil, fail("pending closes", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fail("pending closes", err)
	}
	return ids, nil
}
