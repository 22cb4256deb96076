package bolt

import (
	"fmt"
	"strconv"

	bbolt "go.etcd.io/bbolt"

	"github.com/devopsbot/devopsbot/quiz"
)

// SchemaVersion is the layout version this package writes.
const SchemaVersion = 1

const appName = "devopsbot-quiz"

var (
	bMeta     = []byte("meta")
	bRounds   = []byte("rounds")
	bRoundIdx = []byte("roundidx")
	bRoundAns = []byte("roundans")
	bAnswers  = []byte("answers")
	bByUser   = []byte("byuser")
	bCards    = []byte("cards")
	allBucket = [][]byte{bMeta, bRounds, bRoundIdx, bRoundAns, bAnswers, bByUser, bCards}
)

// countKey holds a round's answer count in its roundans bucket (Slack
// user IDs never start with a zero byte).
var countKey = []byte("\x00count")

// init checks an existing file (ours, a schema this program knows, every
// bucket there, no damaged page) or lays out a new one.
func (s *Store) init() error {
	run := s.db.Update
	if s.readOnly {
		run = s.db.View
	}
	return run(func(tx *bbolt.Tx) error {
		if meta := tx.Bucket(bMeta); meta != nil {
			if app := string(meta.Get([]byte("app"))); app != appName {
				return fmt.Errorf("meta app %q: %w", app, ErrForeign)
			}
			v, err := strconv.Atoi(string(meta.Get([]byte("schema"))))
			if err != nil {
				return fmt.Errorf("meta schema %q: %w", meta.Get([]byte("schema")), ErrCorrupt)
			}
			if v > SchemaVersion {
				return fmt.Errorf("schema %d, this program knows %d: %w", v, SchemaVersion, ErrSchema)
			}
			for _, b := range allBucket {
				if tx.Bucket(b) == nil {
					return fmt.Errorf("bucket %s missing: %w", b, ErrCorrupt)
				}
			}
			// Walk every page once: damage is found now, not mid-answer.
			var first error
			for err := range tx.Check() {
				if first == nil {
					first = err
				}
			}
			if first != nil {
				return fmt.Errorf("check: %v: %w", first, ErrCorrupt)
			}
			return nil
		}
		var foreign []string
		_ = tx.ForEach(func(name []byte, _ *bbolt.Bucket) error {
			foreign = append(foreign, string(name))
			return nil
		})
		if len(foreign) > 0 {
			return fmt.Errorf("buckets %v and no meta: %w", foreign, ErrForeign)
		}
		if s.readOnly {
			return fmt.Errorf("new database on a read-only disk: %w", quiz.ErrReadOnly)
		}
		for _, b := range allBucket {
			if _, err := tx.CreateBucket(b); err != nil {
				return fmt.Errorf("create bucket %s: %w", b, err)
			}
		}
		meta := tx.Bucket(bMeta)
		if err := meta.Put([]byte("app"), []byte(appName)); err != nil {
			return err
		}
		return meta.Put([]byte("schema"), []byte(strconv.Itoa(SchemaVersion)))
	})
}
