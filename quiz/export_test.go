package quiz_test

import (
	"bytes"
	"encoding/csv"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/devopsbot/devopsbot/quiz"
)

func TestExportWritesOneRowPerAnswer(t *testing.T) {
	qs := pool(6, 3)
	qs[2].Stem = "=HYPERLINK(\"http://evil.example\",\"click\")"
	qs[3].Stem = "-1 or @SUM(A1)"
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Skip("no time zone data:", err)
	}
	e, clk, store := newEngine(t, qs, quiz.Options{Location: paris})

	r, err := e.OpenRound(ctx, "slot-1", monday)
	if err != nil {
		t.Fatal(err)
	}
	clk.Add(time.Minute)
	if _, err := e.AnswerRound(ctx, r.ID, "UANA", 1); err != nil {
		t.Fatal(err)
	}
	clk.Add(time.Minute)
	if _, err := e.AnswerRound(ctx, r.ID, "@bob", 0); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"q02", "q03", "q05"} {
		clk.Add(time.Minute)
		if _, err := e.AnswerPractice(ctx, "UANA", q, 2); err != nil {
			t.Fatal(err)
		}
	}
	// q05 leaves the pool (the notes changed): its row keeps the ID.
	e.SetPool(qs[:5])

	var buf bytes.Buffer
	n, err := e.Export(ctx, &buf)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatalf("the export is not CSV: %v\n%s", err, buf.String())
	}
	if !slices.Equal(rows[0], []string{"person", "date", "question", "domain", "chosen", "right", "kind"}) {
		t.Errorf("header = %q", rows[0])
	}
	var want [][]string
	err = store.EachAnswer(ctx, quiz.AnswerQuery{}, func(a quiz.Answer) error {
		stem := r.Question.Stem
		kind := "daily"
		if a.Practice() {
			kind = "practice"
			stem = a.Question
			if q, ok := e.Question(a.Question); ok {
				stem = q.Stem
			}
		}
		want = append(want, []string{a.User, a.At.In(paris).Format(time.RFC3339), stem,
			quiz.DomainLabels(a.Domains), quiz.OptionKey(a.Choice), strconv.FormatBool(a.Correct), kind})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n != 5 || len(want) != 5 || len(rows) != 6 {
		t.Fatalf("Export wrote %d rows (%d lines), the store holds %d answers", n, len(rows), len(want))
	}
	// Formula-looking cells get an apostrophe; nothing else changes.
	for i, w := range want {
		for j, c := range w {
			if c != "" && strings.ContainsRune("=+-@", rune(c[0])) {
				w[j] = "'" + c
			}
		}
		if !slices.Equal(rows[i+1], w) {
			t.Errorf("row %d = %q, want %q", i+1, rows[i+1], w)
		}
	}
	if rows[2][0] != "'@bob" || rows[3][2] != "'"+qs[2].Stem || rows[4][2] != "'"+qs[3].Stem {
		t.Errorf("formula-looking cells not neutralised: %q", rows[2:5])
	}
	if got := rows[5][2]; got != "q05" {
		t.Errorf("a question gone from the pool shows as %q, want its ID", got)
	}
	if got := rows[1][1]; got != "2026-11-23T10:01:00+01:00" {
		t.Errorf("date = %q, want the answer's time in DEVOPSBOT_TZ", got)
	}
}

func TestExportOfNothingIsTheHeader(t *testing.T) {
	e, _, _ := newEngine(t, pool(3, 1), quiz.Options{})
	var buf bytes.Buffer
	n, err := e.Export(ctx, &buf)
	if err != nil || n != 0 {
		t.Fatalf("Export = %d, %v", n, err)
	}
	if got := buf.String(); got != "person,date,question,domain,chosen,right,kind\n" {
		t.Errorf("export = %q", got)
	}
}
