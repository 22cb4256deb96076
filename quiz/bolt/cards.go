package bolt

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	bbolt "go.etcd.io/bbolt"

	"github.com/devopsbot/devopsbot/quiz"
)

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
	return s.cards(ctx, cat([]byte(user), []byte{0}))
}

// AllCards returns every person's cards, ordered by person then question
// (for copying the store: devopsbot migrate).
func (s *Store) AllCards(ctx context.Context) ([]quiz.Card, error) {
	return s.cards(ctx, nil)
}

// cards returns the cards whose keys start with prefix.
func (s *Store) cards(ctx context.Context, prefix []byte) ([]quiz.Card, error) {
	var out []quiz.Card
	err := s.view(ctx, "list cards", func(tx *bbolt.Tx) error {
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
