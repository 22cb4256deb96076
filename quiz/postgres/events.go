package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
)

// pruneEvery is how often (in calls) FirstDelivery and FirstRequest also
// delete the records that have expired.
const pruneEvery = 64

// FirstDelivery records a Slack event ID and reports whether it was not
// seen within ttl before now: of replicas receiving the same event (a
// retry landing elsewhere), one is told it is the first. One statement:
// the insert, or the update of a record older than ttl, happens only for
// the first delivery. The record is committed before it returns.
func (s *Store) FirstDelivery(ctx context.Context, id string, now time.Time, ttl time.Duration) (bool, error) {
	var one int
	err := s.pool.QueryRow(ctx, `INSERT INTO events (id, seen_ns) VALUES ($1, $2)
		ON CONFLICT (id) DO UPDATE SET seen_ns = EXCLUDED.seen_ns WHERE events.seen_ns <= $3
		RETURNING 1`, id, now.UnixNano(), now.Add(-ttl).UnixNano()).Scan(&one)
	first := err == nil
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return true, fail("record event", err)
	}
	if s.events.Add(1)%pruneEvery == 0 {
		if _, err := s.pool.Exec(ctx, `DELETE FROM events WHERE seen_ns <= $1`, now.Add(-ttl).UnixNano()); err != nil {
			s.lg.Warn("postgres.Store prune events", "err", err)
		}
	}
	return first, nil
}

// FirstRequest records a signed request's key until expires and reports
// whether no unexpired record of it existed, across replicas and restarts.
// A key already past expires is not recorded. The record is committed
// before it returns nil.
func (s *Store) FirstRequest(ctx context.Context, key []byte, now, expires time.Time) (bool, error) {
	var err error
	first := true
	if expires.After(now) {
		var one int
		err = s.pool.QueryRow(ctx, `INSERT INTO requests (key, expires_ns) VALUES ($1, $2)
			ON CONFLICT (key) DO UPDATE SET expires_ns = EXCLUDED.expires_ns WHERE requests.expires_ns <= $3
			RETURNING 1`, key, expires.UnixNano(), now.UnixNano()).Scan(&one)
		if errors.Is(err, pgx.ErrNoRows) {
			first, err = false, nil
		}
	} else {
		var seen bool
		err = s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM requests WHERE key = $1 AND expires_ns > $2)`,
			key, now.UnixNano()).Scan(&seen)
		first = !seen
	}
	if err != nil {
		return true, fail("record request", err)
	}
	if s.requests.Add(1)%pruneEvery == 0 {
		if _, err := s.pool.Exec(ctx, `DELETE FROM requests WHERE expires_ns <= $1`, now.UnixNano()); err != nil {
			s.lg.Warn("postgres.Store prune requests", "err", err)
		}
	}
	return first, nil
}
