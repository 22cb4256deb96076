package main

import (
	"context"
	"encoding/csv"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/devopsbot/devopsbot/quiz"
	"github.com/devopsbot/devopsbot/quiz/bolt"
	"github.com/devopsbot/devopsbot/quiz/postgres/pgtest"
)

// wantExport is the export fillBolt's history must give, read back from
// the file with EachAnswer: one row per answer, in the store's order. The
// rounds asked "Which?"; the practice question q9 is not in the pool, so
// its row shows the ID.
func wantExport(t *testing.T, path string) [][]string {
	t.Helper()
	s, err := bolt.Open(nil, path, bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	rows := [][]string{quiz.ExportHeader}
	err = s.EachAnswer(context.Background(), quiz.AnswerQuery{}, func(a quiz.Answer) error {
		stem, kind := "Which?", "daily"
		if a.Practice() {
			stem, kind = a.Question, "practice"
		}
		rows = append(rows, []string{a.User, a.At.UTC().Format(time.RFC3339), stem, quiz.DomainLabels(a.Domains),
			quiz.OptionKey(a.Choice), strconv.FormatBool(a.Correct), kind})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func readCSV(t *testing.T, s string) [][]string {
	t.Helper()
	rows, err := csv.NewReader(strings.NewReader(s)).ReadAll()
	if err != nil {
		t.Fatalf("not CSV: %v\n%s", err, s)
	}
	return rows
}

func TestExportFromTheDatabaseFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "devopsbot.db")
	fillBolt(t, path)
	want := wantExport(t, path)
	if len(want) != 8 {
		t.Fatalf("the file holds %d answers, want 7", len(want)-1)
	}

	out, _, err := opsRun(t, Config{DB: path, TZ: "UTC"}, "export")
	if err != nil {
		t.Fatalf("export: %v", err)
	}
	if got := readCSV(t, out); !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("export =\n%q\nwant\n%q", got, want)
	}

	file := filepath.Join(t.TempDir(), "answers.csv")
	_, stderr, err := opsRun(t, Config{DB: path, TZ: "UTC"}, "export", "-o", file)
	if err != nil {
		t.Fatalf("export -o: %v", err)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != out || !strings.Contains(stderr, "wrote 7 answers") {
		t.Errorf("export -o wrote %q (stderr %q), want what stdout got", b, stderr)
	}
}

func TestExportRefusals(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "none", "none.db")
	_, _, err := opsRun(t, Config{DB: missing, TZ: "UTC"}, "export")
	if err == nil {
		t.Error("export of a missing file succeeded")
	}
	if _, serr := os.Stat(filepath.Dir(missing)); !errors.Is(serr, os.ErrNotExist) {
		t.Errorf("export created %s", filepath.Dir(missing))
	}
	if _, _, err := opsRun(t, Config{TZ: "UTC"}, "export"); err == nil || !strings.Contains(err.Error(), "DEVOPSBOT_DB") {
		t.Errorf("export without DEVOPSBOT_DB: %v", err)
	}
	var ue usageError
	if _, _, err := opsRun(t, Config{DB: missing, TZ: "UTC"}, "export", "extra"); !errors.As(err, &ue) {
		t.Errorf("export extra: %v, want a usage error", err)
	}

	// The running bot holds the file: the export says what to do instead.
	path := filepath.Join(dir, "busy.db")
	fillBolt(t, path)
	held, err := bolt.Open(nil, path, bolt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	if _, _, err := opsRun(t, Config{DB: path, TZ: "UTC"}, "export"); !errors.Is(err, bolt.ErrLocked) ||
		!strings.Contains(err.Error(), "admin export") {
		t.Errorf("export of a file in use: %v", err)
	}
}

func TestExportFromPostgreSQL(t *testing.T) {
	dbURL := pgtest.URL(t)
	path := filepath.Join(t.TempDir(), "devopsbot.db")
	fillBolt(t, path)
	if out, _, err := opsRun(t, Config{}, "migrate", "--from", path, "--to", dbURL); err != nil {
		t.Fatalf("migrate: %v\n%s", err, out)
	}
	out, _, err := opsRun(t, Config{DB: dbURL, TZ: "UTC"}, "export")
	if err != nil {
		t.Fatalf("export: %v", err)
	}
	if got, want := readCSV(t, out), wantExport(t, path); !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("export =\n%q\nwant\n%q", got, want)
	}
}
