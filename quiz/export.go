package quiz

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// ExportHeader is the header row of Export's CSV. One row per recorded
// answer, in the order the store keeps them (by time):
//
//	person    the Slack user ID of who answered (U0123ABCD)
//	date      when, RFC 3339 in the engine's location (DEVOPSBOT_TZ)
//	question  the question's stem; its ID when the question is gone
//	domain    the exam domains' names, joined with " / "
//	chosen    the letter of the chosen option (A, B, ...)
//	right     true or false
//	kind      daily (the question of the day: counts on the leaderboard)
//	          or practice (counts toward readiness only)
//
// kind is there so that the file alone tells leaderboard answers from
// practice ones.
var ExportHeader = []string{"person", "date", "question", "domain", "chosen", "right", "kind"}

// Export writes every recorded answer, round and practice, as CSV with
// ExportHeader, streaming them from the store, and returns how many rows
// it wrote. A round answer's question is the one the round asked (kept
// with the round); a practice answer's comes from the current pool, and is
// its ID when the pool no longer has it. Cells that a spreadsheet would
// read as a formula are neutralised (see csvCell).
func (e *Engine) Export(ctx context.Context, w io.Writer) (int, error) {
	// Rounds are read first, not inside the scan: a store may hold one
	// read transaction (or connection) for the whole scan.
	rounds, err := e.store.Rounds(ctx, false)
	if err != nil {
		return 0, fmt.Errorf("export: %w", err)
	}
	asked := make(map[string]string, len(rounds))
	for _, r := range rounds {
		asked[r.ID] = r.Question.Stem
	}
	qs := e.set.Load()
	cw := csv.NewWriter(w)
	if err := cw.Write(ExportHeader); err != nil {
		return 0, fmt.Errorf("export: %w", err)
	}
	n := 0
	row := make([]string, len(ExportHeader))
	err = e.store.EachAnswer(ctx, AnswerQuery{}, func(a Answer) error {
		var stem string
		var ok bool
		if a.Practice() {
			var q Question
			q, ok = qs.question(a.Question)
			stem = q.Stem
		} else {
			stem, ok = asked[a.Round]
		}
		if !ok || strings.TrimSpace(stem) == "" {
			stem = a.Question
		}
		kind := "daily"
		if a.Practice() {
			kind = "practice"
		}
		row[0] = a.User
		row[1] = a.At.In(e.opts.Location).Format(time.RFC3339)
		row[2] = stem
		row[3] = DomainLabels(a.Domains)
		row[4] = OptionKey(a.Choice)
		row[5] = strconv.FormatBool(a.Correct)
		row[6] = kind
		for i, c := range row {
			row[i] = csvCell(c)
		}
		n++
		return cw.Write(row)
	})
	if err != nil {
		return n, fmt.Errorf("export: %w", err)
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return n, fmt.Errorf("export: %w", err)
	}
	return n, nil
}

// csvCell neutralises a cell that a spreadsheet would run as a formula
// (one starting with =, +, -, @, a tab or a carriage return) by putting an
// apostrophe before it, as OWASP recommends: the apostrophe is not shown
// and the cell stays text.
func csvCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// OptionKey is the letter of option i as people see it (A, B, ...); past
// Z, its number.
func OptionKey(i int) string {
	if i >= 0 && i < 26 {
		return string(rune('A' + i))
	}
	return strconv.Itoa(i + 1)
}

// DomainLabel is how the product names exam domain n: its name, or
// "Domain n" for a number it does not know.
func DomainLabel(n int) string {
	if s := DomainName(n); s != "" {
		return s
	}
	return "Domain " + strconv.Itoa(n)
}

// DomainLabels joins the labels of ds with " / ": the names hold commas
// themselves ("High Availability, Fault Tolerance, and Disaster Recovery").
func DomainLabels(ds []int) string {
	var b strings.Builder
	for i, d := range ds {
		if i > 0 {
			b.WriteString(" / ")
		}
		b.WriteString(DomainLabel(d))
	}
	return b.String()
}
