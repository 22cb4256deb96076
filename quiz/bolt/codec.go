package bolt

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"time"

	"github.com/devopsbot/devopsbot/quiz"
)

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

func keyTime(b []byte) time.Time {
	return time.Unix(0, int64(binary.BigEndian.Uint64(b)^(1<<63))).UTC()
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
