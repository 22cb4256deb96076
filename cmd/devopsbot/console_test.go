package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/devopsbot/devopsbot/bot/slackfake"
)

// runConsoleCmd runs the real wiring with input on stdin.
func runConsoleCmd(t *testing.T, cfg Config, args []string, input string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errb bytes.Buffer
	err = run(context.Background(), cfg, args, strings.NewReader(input), &out, &errb)
	return out.String(), errb.String(), err
}

func TestConsoleCommand(t *testing.T) {
	dir := t.TempDir()
	cfg := Config{DB: filepath.Join(dir, "data", "devopsbot.db"), TZ: "UTC"}

	out, errOut, err := runConsoleCmd(t, cfg, []string{"console", "--user", "alice"},
		"lookup how big can a cloudformation template be\nquiz\nanswer A\nstats\n")
	if err != nil {
		t.Fatalf("console: %v\nstderr: %s", err, errOut)
	}
	for _, want := range []string{"CloudFormation", "460", "Practice question", "answer A-", "Source:", "Readiness of @alice", "Answered 1"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "\x1b[") {
		t.Errorf("colour through a pipe")
	}
	if errOut != "" {
		t.Errorf("stderr: %s", errOut)
	}

	// A new process on the same DB keeps alice's answer.
	out, _, err = runConsoleCmd(t, cfg, []string{"console", "--user", "alice"}, "stats")
	if err != nil || !strings.Contains(out, "Answered 1") {
		t.Errorf("answer not kept across runs (err %v):\n%s", err, out)
	}
}

func TestConsoleWithoutCommandOrCredentials(t *testing.T) {
	out, _, err := runConsoleCmd(t, Config{DB: filepath.Join(t.TempDir(), "db")}, nil, "help\n")
	if err != nil || !strings.Contains(out, "leaderboard") || !strings.Contains(out, "quit") {
		t.Errorf("plain devopsbot without credentials: err %v\n%s", err, out)
	}
}

func TestConsoleStoreFallsBackToMemory(t *testing.T) {
	dir := t.TempDir()
	// A directory where the DB file should be: bbolt cannot open it.
	bad := filepath.Join(dir, "db")
	if err := os.MkdirAll(bad, 0o755); err != nil {
		t.Fatal(err)
	}
	out, errOut, err := runConsoleCmd(t, Config{DB: bad}, []string{"console"}, "lookup canary\nquiz\nanswer B\n")
	if err != nil {
		t.Fatalf("console: %v", err)
	}
	if !strings.Contains(errOut, "in memory") {
		t.Errorf("no word about the store on stderr: %q", errOut)
	}
	if !strings.Contains(out, "Canary") || !strings.Contains(out, "Source:") {
		t.Errorf("lookups or quiz stopped working:\n%s", out)
	}
}

func TestConsoleFlags(t *testing.T) {
	cfg := Config{DB: filepath.Join(t.TempDir(), "db")}
	out, _, err := runConsoleCmd(t, cfg, []string{"console", "--color", "always"}, "lookup canary\n")
	if err != nil || !strings.Contains(out, "\x1b[1m") {
		t.Errorf("--color always: err %v, no bold in %q", err, out)
	}
	var ue usageError
	if _, _, err := runConsoleCmd(t, cfg, []string{"console", "--color", "pink"}, ""); !errors.As(err, &ue) {
		t.Errorf("bad --color: %v, want a usage error", err)
	}
	if _, _, err := runConsoleCmd(t, cfg, []string{"console", "lookup"}, ""); !errors.As(err, &ue) {
		t.Errorf("argument: %v, want a usage error", err)
	}
	if _, _, err := runConsoleCmd(t, Config{TZ: "Mars/Olympus"}, []string{"console"}, ""); err == nil {
		t.Errorf("bad time zone accepted")
	}
}

// TestAliasesFromEnvironment checks that DEVOPSBOT_ALIASES extends the
// aliases of the index the console and the Slack bot search.
func TestAliasesFromEnvironment(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "aliases.txt")
	if err := os.WriteFile(file, []byte("# team words\nflaxgrub | canary deployment\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := Config{DB: filepath.Join(dir, "console.db"), TZ: "UTC", Aliases: []string{file}}
	out, errOut, err := runConsoleCmd(t, cfg, []string{"console"}, "lookup flaxgrub\n")
	if err != nil || !strings.Contains(out, "Canary deployment") {
		t.Errorf("console lookup through an alias (err %v):\n%s%s", err, out, errOut)
	}

	fake := slackfake.New(t)
	scfg := testConfig(t, fake, filepath.Join(dir, "bot.db"))
	scfg.Aliases = []string{file}
	b := startBot(t, scfg)
	r := b.command("U2147483697", "C2147483705", "lookup flaxgrub")
	if got := r.Text + "\n" + r.call().BlockText(); !strings.Contains(got, "Canary deployment") {
		t.Errorf("serve lookup through an alias:\n%s", got)
	}

	// A missing alias file stops the start with a line naming it.
	cfg.Aliases = []string{filepath.Join(dir, "missing.txt")}
	if _, _, err := runConsoleCmd(t, cfg, []string{"console"}, "quit\n"); err == nil || !strings.Contains(err.Error(), "missing.txt") {
		t.Errorf("missing alias file: err %v", err)
	}
}

// After the exam date, stats no longer counts down: it used to say "Exam
// day: good luck!" every day after the exam.
func TestConsoleStatsAfterTheExam(t *testing.T) {
	for _, tt := range []struct {
		name, date, want, wantNot string
	}{
		{"exam passed: no countdown", "2020-01-06", "", "Exam day"},
		{"exam ahead: days to go", time.Now().AddDate(0, 0, 30).Format(time.DateOnly), "days to the exam", "Exam day"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cfg := Config{DB: filepath.Join(t.TempDir(), "db"), ExamDate: tt.date}
			out, _, err := runConsoleCmd(t, cfg, []string{"console"}, "stats team\n")
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(out, tt.wantNot) || !strings.Contains(out, tt.want) || strings.Contains(out, "to the exam") != (tt.want != "") {
				t.Errorf("stats with the exam on %s:\n%s", tt.date, out)
			}
		})
	}
}

// TestConsoleAdminReload: an admin reloads the notes from the console; a
// second document makes lookups name their document.
func TestConsoleAdminReload(t *testing.T) {
	dir := t.TempDir()
	mustWrite(t, filepath.Join(dir, "a.md"), notesV1)
	cfg := Config{DB: filepath.Join(t.TempDir(), "db"), Notes: []string{dir}, Admins: []string{"alice"}}
	out, errOut, err := runConsoleCmd(t, cfg, []string{"console", "--user", "alice"}, "admin reload\n")
	if err != nil || !strings.Contains(out, "The notes have not changed: 1 section in 1 document.") {
		t.Fatalf("unchanged: err %v, stdout %q, stderr %q", err, out, errOut)
	}
	mustWrite(t, filepath.Join(dir, "b.md"), "# Savings plans\n* Savings plans commit to an hourly spend\n")
	out, errOut, err = runConsoleCmd(t, cfg, []string{"console", "--user", "alice"}, "lookup savings plans hourly\n")
	if err != nil || !strings.Contains(out, "in b") {
		t.Errorf("two documents: lookup does not name the document b: err %v, stdout %q, stderr %q", err, out, errOut)
	}
}
