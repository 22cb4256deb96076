package postgres

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/devopsbot/devopsbot/quiz"
)

const answerCols = `coalesce(round, ''), user_id, question, choice, correct, points, at_ns, doc, section, domains`

// answerScanner reads the columns answerCols lists, reusing its buffers.
type answerScanner struct {
	doms []int16
	out  []int // Domains of the last answer when reusing
}

func (sc *answerScanner) scan(row pgx.Row, reuse bool) (quiz.Answer, error) {
	var a quiz.Answer
	var at int64
	sc.doms = sc.doms[:0]
	if err := row.Scan(&a.Round, &a.User, &a.Question, &a.Choice, &a.Correct, &a.Points, &at,
		&a.Doc, &a.Section, &sc.doms); err != nil {
		return quiz.Answer{}, err
	}
	a.At = fromNanos(&at)
	if len(sc.doms) > 0 {
		var ds []int
		if reuse {
			ds = sc.out[:0]
		} else {
			ds = make([]int, 0, len(sc.doms))
		}
		for _, d := range sc.doms {
			ds = append(ds, int(d))
		}
		if reuse {
			sc.out = ds
		}
		a.Domains = ds
	}
	return a, nil
}

func domains(a quiz.Answer) []int16 {
	out := make([]int16, len(a.Domains))
	for i, d := range a.Domains {
		out[i] = int16(d)
	}
	return out
}

// answerRound is one statement (one implicit transaction): lock the round
// against a close (key share: answers do not wait for each other), insert
// the answer unless the round is closed or the person answered, and count.
// The count is taken from the statement's snapshot, so it lacks the row
// this statement inserted.
const answerRound = `WITH r AS (
	SELECT closed_ns FROM rounds WHERE id = $1 FOR KEY SHARE
), ins AS (
	INSERT INTO answers (round, user_id, question, choice, correct, points, at_ns, doc, section, domains)
	SELECT $1, $2::text, $3::text, $4::integer, $5::boolean, $6::integer, $7::bigint, $8::text, $9::text, $10::smallint[]
	FROM r WHERE r.closed_ns IS NULL
	ON CONFLICT (round, user_id) WHERE round IS NOT NULL DO NOTHING
	RETURNING seq
)
SELECT EXISTS (SELECT 1 FROM r), EXISTS (SELECT 1 FROM r WHERE closed_ns IS NOT NULL),
	EXISTS (SELECT 1 FROM ins), (SELECT count(*) FROM answers WHERE round = $1)`

// AnswerRound implements quiz.Store.
func (s *Store) AnswerRound(ctx context.Context, a quiz.Answer) (quiz.RoundAnswer, error) {
	a.At = a.At.UTC()
	var found, closed, inserted bool
	var count int
	err := s.pool.QueryRow(ctx, answerRound, a.Round, a.User, a.Question, a.Choice, a.Correct, a.Points,
		a.At.UnixNano(), a.Doc, a.Section, domains(a)).Scan(&found, &closed, &inserted, &count)
	if err != nil {
		return quiz.RoundAnswer{}, fail("answer round", err)
	}
	if !found {
		return quiz.RoundAnswer{}, fmt.Errorf("answer round: round %q: %w", a.Round, quiz.ErrNotFound)
	}
	if inserted {
		return quiz.RoundAnswer{Answer: a, Count: count + 1}, nil
	}
	// Not inserted: the person answered before (that answer stands, even
	// after the close), or the round is closed.
	var sc answerScanner
	old, err := sc.scan(s.pool.QueryRow(ctx, `SELECT `+answerCols+` FROM answers WHERE round = $1 AND user_id = $2`,
		a.Round, a.User), false)
	switch {
	case err == nil:
		return quiz.RoundAnswer{Answer: old, Already: true, Count: count}, nil
	case !errors.Is(err, pgx.ErrNoRows):
		return quiz.RoundAnswer{}, fail("answer round", err)
	case closed:
		return quiz.RoundAnswer{Answer: a, Closed: true, Count: count}, nil
	}
	return quiz.RoundAnswer{}, fmt.Errorf("answer round %q: not stored and no earlier answer", a.Round)
}

// RoundAnswers implements quiz.Store.
func (s *Store) RoundAnswers(ctx context.Context, roundID string) ([]quiz.Answer, error) {
	var exists bool
	if err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM rounds WHERE id = $1)`, roundID).Scan(&exists); err != nil {
		return nil, fail("round answers", err)
	}
	if !exists {
		return nil, fmt.Errorf("round answers: round %q: %w", roundID, quiz.ErrNotFound)
	}
	var out []quiz.Answer
	err := s.each(ctx, "round answers", `SELECT `+answerCols+` FROM answers WHERE round = $1 ORDER BY seq`,
		[]any{roundID}, false, func(a quiz.Answer) error {
			out = append(out, a)
			return nil
		})
	return out, err
}

// Answers implements quiz.Store.
func (s *Store) Answers(ctx context.Context, q quiz.AnswerQuery) ([]quiz.Answer, error) {
	var out []quiz.Answer
	sql, args := answerQuery(q)
	err := s.each(ctx, "list answers", sql, args, false, func(a quiz.Answer) error {
		out = append(out, a)
		return nil
	})
	return out, err
}

// EachAnswer implements quiz.Store.
func (s *Store) EachAnswer(ctx context.Context, q quiz.AnswerQuery, fn func(quiz.Answer) error) error {
	sql, args := answerQuery(q)
	return s.each(ctx, "list answers", sql, args, true, fn)
}

// answerQuery builds the SELECT for q, ordered by time then recording
// order; each filter uses an index (answers_by_user or answers_by_time).
func answerQuery(q quiz.AnswerQuery) (string, []any) {
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if q.User != "" {
		where = append(where, "user_id = "+arg(q.User))
	}
	if !q.Since.IsZero() {
		where = append(where, "at_ns >= "+arg(q.Since.UnixNano()))
	}
	if !q.Until.IsZero() {
		where = append(where, "at_ns < "+arg(q.Until.UnixNano()))
	}
	switch q.Kind {
	case quiz.RoundAnswers:
		where = append(where, "round IS NOT NULL")
	case quiz.PracticeAnswers:
		where = append(where, "round IS NULL")
	}
	sql := `SELECT ` + answerCols + ` FROM answers`
	if len(where) > 0 {
		sql += " WHERE " + strings.Join(where, " AND ")
	}
	return sql + " ORDER BY at_ns, seq", args
}

// each calls fn for every answer the query returns; an error from fn
// stops the scan and is returned as is.
func (s *Store) each(ctx context.Context, op, sql string, args []any, reuse bool, fn func(quiz.Answer) error) error {
	rows, err := s.pool.Query(ctx, sql, args...)
	if err != nil {
		return fail(op, err)
	}
	defer rows.Close()
	var sc answerScanner
	for rows.Next() {
		a, err := sc.scan(rows, reuse)
		if err != nil {
			return fail(op, err)
		}
		if err := fn(a); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fail(op, err)
	}
	return nil
}

// insertAnswer is the practice answer's INSERT (round NULL).
const insertAnswer = `INSERT INTO answers (round, user_id, question, choice, correct, points, at_ns, doc, section, domains)
	VALUES (NULLIF($1, ''), $2, $3, $4, $5, $6, $7, $8, $9, $10)`

func answerArgs(a quiz.Answer) []any {
	return []any{a.Round, a.User, a.Question, a.Choice, a.Correct, a.Points, a.At.UnixNano(), a.Doc, a.Section, domains(a)}
}

// TallyRounds implements quiz.Tallier: the leaderboard's sums in one
// aggregate query, so a year of answers is not sent over the wire.
func (s *Store) TallyRounds(ctx context.Context, since time.Time) ([]quiz.Tally, error) {
	from := int64(math.MinInt64)
	if !since.IsZero() {
		from = since.UnixNano()
	}
	rows, err := s.pool.Query(ctx, `SELECT user_id, count(*), count(*) FILTER (WHERE correct), coalesce(sum(points), 0),
		coalesce(max(at_ns) FILTER (WHERE points > 0), min(at_ns))
		FROM answers WHERE round IS NOT NULL AND at_ns >= $1 GROUP BY user_id`, from)
	if err != nil {
		return nil, fail("tally answers", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (quiz.Tally, error) {
		var t quiz.Tally
		var reached int64
		err := row.Scan(&t.User, &t.Answered, &t.Correct, &t.Points, &reached)
		t.Reached = fromNanos(&reached)
		return t, err
	})
	if err != nil {
		return nil, fail("tally answers", err)
	}
	return out, nil
}
