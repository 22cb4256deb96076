package bolt

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"sort"

	bbolt "go.etcd.io/bbolt"

	"github.com/devopsbot/devopsbot/quiz"
)

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
