package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/devopsbot/devopsbot/quiz"
)

// Snapshot is what a quiz store holds, to be copied into this one.
type Snapshot struct {
	Rounds   []quiz.Round
	Answers  []quiz.Answer // round and practice answers, in recording order
	Cards    []quiz.Card
	Flags    []quiz.Flag
	Channels []quiz.Channel // the quiz channels admins set
}

// ImportCount is what Import did with one kind of record.
type ImportCount struct {
	Kind   string // "rounds", "answers", "cards", "flags", "channels"
	Source int    // records in the snapshot
	Added  int    // records this import inserted
	Found  int    // snapshot records the database holds after the import
}

// Import copies snap into the database in one transaction. A record the
// database already has is left as it is (a round by ID, a round answer by
// round and person, a practice answer by person, question and time, a card
// by person and question, a flag by question and person, a quiz channel by
// ID), so importing the same snapshot again adds nothing. Before
// committing it checks that every record of the snapshot is there; if one
// is not, nothing is kept.
func (s *Store) Import(ctx context.Context, snap Snapshot) ([]ImportCount, error) {
	var counts []ImportCount
	err := s.inTx(ctx, "import", func(tx pgx.Tx) error {
		counts = nil
		for _, step := range []func(context.Context, pgx.Tx, Snapshot) (ImportCount, error){
			importRounds, importAnswers, importCards, importFlags, importChannels,
		} {
			c, err := step(ctx, tx, snap)
			if err != nil {
				return err
			}
			if c.Found != c.Source {
				return fmt.Errorf("%s: %d in the source, %d found after copying", c.Kind, c.Source, c.Found)
			}
			counts = append(counts, c)
		}
		return nil
	})
	return counts, err
}

// copyInto creates a temporary table like cols of table, dropped at
// commit, and fills it with rows.
func copyInto(ctx context.Context, tx pgx.Tx, tmp, like string, cols []string, rows [][]any) error {
	if _, err := tx.Exec(ctx, `CREATE TEMP TABLE `+tmp+` ON COMMIT DROP AS SELECT `+strings.Join(cols, ", ")+` FROM `+like+` WITH NO DATA`); err != nil {
		return err
	}
	_, err := tx.CopyFrom(ctx, pgx.Identifier{tmp}, cols, pgx.CopyFromRows(rows))
	return err
}

// added runs an INSERT ... SELECT and returns how many rows it inserted;
// found counts with a query returning one number.
func added(ctx context.Context, tx pgx.Tx, insert, found string, c *ImportCount) error {
	tag, err := tx.Exec(ctx, insert)
	if err != nil {
		return fmt.Errorf("%s: %w", c.Kind, err)
	}
	c.Added = int(tag.RowsAffected())
	if err := tx.QueryRow(ctx, found).Scan(&c.Found); err != nil {
		return fmt.Errorf("%s: %w", c.Kind, err)
	}
	return nil
}

func importRounds(ctx context.Context, tx pgx.Tx, snap Snapshot) (ImportCount, error) {
	c := ImportCount{Kind: "rounds", Source: len(snap.Rounds)}
	rows := make([][]any, len(snap.Rounds))
	for i, r := range snap.Rounds {
		q, err := json.Marshal(r.Question)
		if err != nil {
			return c, fmt.Errorf("round %s: %w", r.ID, err)
		}
		rows[i] = []any{r.ID, q, r.Channel, r.MessageTS, r.OpenedAt.UnixNano(), nanos(r.ClosedAt)}
	}
	cols := []string{"id", "question", "channel", "message_ts", "opened_ns", "closed_ns"}
	if err := copyInto(ctx, tx, "import_rounds", "rounds", cols, rows); err != nil {
		return c, fmt.Errorf("rounds: %w", err)
	}
	err := added(ctx, tx, `INSERT INTO rounds (`+roundCols+`) SELECT `+roundCols+` FROM import_rounds ON CONFLICT (id) DO NOTHING`,
		`SELECT count(*) FROM import_rounds JOIN rounds USING (id)`, &c)
	return c, err
}

func importAnswers(ctx context.Context, tx pgx.Tx, snap Snapshot) (ImportCount, error) {
	c := ImportCount{Kind: "answers", Source: len(snap.Answers)}
	cols := []string{"seq", "round", "user_id", "question", "choice", "correct", "points", "at_ns", "doc", "section", "domains"}
	rows := make([][]any, len(snap.Answers))
	for i, a := range snap.Answers {
		var round any
		if a.Round != "" {
			round = a.Round
		}
		rows[i] = []any{int64(i), round, a.User, a.Question, a.Choice, a.Correct, a.Points, a.At.UnixNano(), a.Doc, a.Section, domains(a)}
	}
	if err := copyInto(ctx, tx, "import_answers", "answers", cols, rows); err != nil {
		return c, fmt.Errorf("answers: %w", err)
	}
	// In the snapshot's order, so that recording order carries over.
	err := added(ctx, tx, `INSERT INTO answers (round, user_id, question, choice, correct, points, at_ns, doc, section, domains)
		SELECT i.round, i.user_id, i.question, i.choice, i.correct, i.points, i.at_ns, i.doc, i.section, i.domains
		FROM import_answers i
		WHERE i.round IS NOT NULL OR NOT EXISTS (SELECT 1 FROM answers a
			WHERE a.round IS NULL AND a.user_id = i.user_id AND a.question = i.question AND a.at_ns = i.at_ns)
		ORDER BY i.seq
		ON CONFLICT (round, user_id) WHERE round IS NOT NULL DO NOTHING`,
		`SELECT count(*) FROM import_answers i WHERE EXISTS (SELECT 1 FROM answers a
			WHERE a.user_id = i.user_id AND (a.round = i.round OR
				(a.round IS NULL AND i.round IS NULL AND a.question = i.question AND a.at_ns = i.at_ns)))`, &c)
	return c, err
}

func importCards(ctx context.Context, tx pgx.Tx, snap Snapshot) (ImportCount, error) {
	c := ImportCount{Kind: "cards", Source: len(snap.Cards)}
	rows := make([][]any, len(snap.Cards))
	for i, card := range snap.Cards {
		rows[i] = cardArgs(card)
	}
	cols := []string{"user_id", "question", "box", "due_ns", "pending", "seen", "right_count", "last_choice", "last_correct", "last_ns"}
	if err := copyInto(ctx, tx, "import_cards", "cards", cols, rows); err != nil {
		return c, fmt.Errorf("cards: %w", err)
	}
	err := added(ctx, tx, `INSERT INTO cards (`+cardCols+`) SELECT `+cardCols+` FROM import_cards ON CONFLICT DO NOTHING`,
		`SELECT count(*) FROM import_cards JOIN cards USING (user_id, question)`, &c)
	return c, err
}

func importFlags(ctx context.Context, tx pgx.Tx, snap Snapshot) (ImportCount, error) {
	c := ImportCount{Kind: "flags", Source: len(snap.Flags)}
	rows := make([][]any, len(snap.Flags))
	for i, f := range snap.Flags {
		rows[i] = []any{f.Question, f.User, string(f.Reason), f.Admin, f.At.UnixNano()}
	}
	cols := []string{"question", "user_id", "reason", "admin", "at_ns"}
	if err := copyInto(ctx, tx, "import_flags", "flags", cols, rows); err != nil {
		return c, fmt.Errorf("flags: %w", err)
	}
	err := added(ctx, tx, `INSERT INTO flags (`+flagCols+`) SELECT `+flagCols+` FROM import_flags ON CONFLICT DO NOTHING`,
		`SELECT count(*) FROM import_flags JOIN flags USING (question, user_id)`, &c)
	return c, err
}

func importChannels(ctx context.Context, tx pgx.Tx, snap Snapshot) (ImportCount, error) {
	c := ImportCount{Kind: "channels", Source: len(snap.Channels)}
	rows := make([][]any, len(snap.Channels))
	for i, ch := range snap.Channels {
		rows[i] = []any{ch.ID, ch.Name, ch.Post, ch.Close, ch.TZ, ch.ExamDate, ch.By, nanos(ch.At)}
	}
	cols := strings.Split(channelCols, ", ")
	if err := copyInto(ctx, tx, "import_channels", "quiz_channels", cols, rows); err != nil {
		return c, fmt.Errorf("channels: %w", err)
	}
	err := added(ctx, tx, `INSERT INTO quiz_channels (`+channelCols+`) SELECT `+channelCols+` FROM import_channels ON CONFLICT (id) DO NOTHING`,
		`SELECT count(*) FROM import_channels JOIN quiz_channels USING (id)`, &c)
	return c, err
}
