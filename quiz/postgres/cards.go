package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"github.com/devopsbot/devopsbot/quiz"
)

const cardCols = `user_id, question, box, due_ns, pending, seen, right_count, last_choice, last_correct, last_ns`

// putCard replaces the card for (user, question); with onlyPending it
// replaces only a card that is absent or pending, and returns a row only
// when it wrote.
const putCard = `INSERT INTO cards (` + cardCols + `) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
	ON CONFLICT (user_id, question) DO UPDATE SET box = EXCLUDED.box, due_ns = EXCLUDED.due_ns,
		pending = EXCLUDED.pending, seen = EXCLUDED.seen, right_count = EXCLUDED.right_count,
		last_choice = EXCLUDED.last_choice, last_correct = EXCLUDED.last_correct, last_ns = EXCLUDED.last_ns`

func cardArgs(c quiz.Card) []any {
	return []any{c.User, c.Question, c.Box, nanos(c.Due), c.Pending, c.Seen, c.Right, c.LastChoice, c.LastCorrect, nanos(c.LastAt)}
}

func scanCard(row pgx.Row) (quiz.Card, error) {
	var c quiz.Card
	var due, last *int64
	if err := row.Scan(&c.User, &c.Question, &c.Box, &due, &c.Pending, &c.Seen, &c.Right, &c.LastChoice,
		&c.LastCorrect, &last); err != nil {
		return quiz.Card{}, err
	}
	c.Due, c.LastAt = fromNanos(due), fromNanos(last)
	return c, nil
}

// Card implements quiz.Store.
func (s *Store) Card(ctx context.Context, user, question string) (quiz.Card, bool, error) {
	c, err := scanCard(s.pool.QueryRow(ctx, `SELECT `+cardCols+` FROM cards WHERE user_id = $1 AND question = $2`, user, question))
	if errors.Is(err, pgx.ErrNoRows) {
		return quiz.Card{}, false, nil
	}
	if err != nil {
		return quiz.Card{}, false, fail("get card", err)
	}
	return c, true, nil
}

// Cards implements quiz.Store.
func (s *Store) Cards(ctx context.Context, user string) ([]quiz.Card, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+cardCols+` FROM cards WHERE user_id = $1 ORDER BY question`, user)
	if err != nil {
		return nil, fail("list cards", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (quiz.Card, error) { return scanCard(row) })
	if err != nil {
		return nil, fail("list cards", err)
	}
	return out, nil
}

// PutCard implements quiz.Store.
func (s *Store) PutCard(ctx context.Context, c quiz.Card) error {
	if _, err := s.pool.Exec(ctx, putCard, cardArgs(c)...); err != nil {
		return fail("put card", err)
	}
	return nil
}

// AnswerPractice implements quiz.Store in one transaction: the card is
// written only over an absent or pending card (the upsert's condition,
// evaluated under the row lock), and the answer only when it was.
func (s *Store) AnswerPractice(ctx context.Context, a quiz.Answer, c quiz.Card) (bool, error) {
	applied := false
	a.Round = ""
	err := s.inTx(ctx, "answer practice", func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, putCard+` WHERE cards.pending`, cardArgs(c)...)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return nil
		}
		if _, err := tx.Exec(ctx, insertAnswer, answerArgs(a)...); err != nil {
			return err
		}
		applied = true
		return nil
	})
	return applied, err
}
