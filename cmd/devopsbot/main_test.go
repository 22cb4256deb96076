package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kelseyhightower/envconfig"
)

// runCLI calls run as main does and returns what main would print and its
// exit code.
func runCLI(t *testing.T, cfg Config, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), cfg, args, strings.NewReader(""), &out, &errb)
	var ue usageError
	switch {
	case err == nil:
		return out.String(), errb.String(), 0
	case errors.As(err, &ue):
		if ue.msg != "" {
			errb.WriteString("devopsbot: " + ue.msg + "\n")
		}
		errb.WriteString(ue.usage)
		return out.String(), errb.String(), 2
	case errors.Is(err, flag.ErrHelp):
		return out.String(), errb.String(), 0
	default:
		errb.WriteString("devopsbot: " + err.Error() + "\n")
		return out.String(), errb.String(), 1
	}
}

// writeNotes writes a notes file into a temporary directory.
func writeNotes(t *testing.T, name, md string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(md), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestDispatchUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		msg  string
	}{
		{"unknown command", []string{"frobnicate"}, `unknown command "frobnicate"`},
		{"unknown flag of a command", []string{"sections", "--bogus"}, "flag provided but not defined: -bogus"},
		{"unknown leading flag", []string{"--bogus", "sections"}, `unknown command "--bogus"`},
		{"stray argument", []string{"sections", "extra"}, `unexpected argument "extra"`},
		{"bad flag value", []string{"sections", "--json=maybe"}, "invalid boolean value"},
	}
	for _, tc := range tests {
		t.Run(tc.name+" prints usage and exits 2", func(t *testing.T) {
			out, errOut, code := runCLI(t, Config{}, tc.args...)
			if code != 2 {
				t.Fatalf("exit %d, want 2 (stderr %q)", code, errOut)
			}
			if !strings.Contains(errOut, tc.msg) || !strings.Contains(errOut, "usage: devopsbot") {
				t.Errorf("stderr %q lacks %q and usage", errOut, tc.msg)
			}
			if out != "" {
				t.Errorf("stdout %q, want nothing", out)
			}
		})
	}
}

func TestDispatchHelpAndVersion(t *testing.T) {
	for _, args := range [][]string{{"help"}, {"--help"}, {"-h"}} {
		out, _, code := runCLI(t, Config{}, args...)
		if code != 0 || !strings.Contains(out, "sections") || !strings.Contains(out, "--notes SRC") {
			t.Errorf("%v: exit %d, output %q", args, code, out)
		}
	}
	out, _, code := runCLI(t, Config{}, "sections", "--help")
	if code != 0 || !strings.Contains(out, "-json") {
		t.Errorf("sections --help: exit %d, output %q", code, out)
	}
	out, _, code = runCLI(t, Config{}, "version")
	if code != 0 || !strings.HasPrefix(out, "devopsbot ") {
		t.Errorf("version: exit %d, output %q", code, out)
	}
}

func TestNotesFlagIsRepeatable(t *testing.T) {
	a := writeNotes(t, "alpha.md", "# Alpha\n* one\n")
	b := writeNotes(t, "beta.md", "# Beta\n## Beta Two\n")
	for _, args := range [][]string{
		{"sections", "--notes", a, "--notes", b},
		{"--notes", a, "sections", "--notes=" + b},
		{"--notes=" + a, "--notes", b, "sections"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			out, errOut, code := runCLI(t, Config{}, args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			want := "alpha  alpha  Alpha\nbeta   beta  Beta\nbeta     beta-two  Beta Two\n"
			if out != want {
				t.Errorf("output:\n%s\nwant:\n%s", out, want)
			}
		})
	}
}

func TestNotesFromEnvironment(t *testing.T) {
	a := writeNotes(t, "alpha.md", "# Alpha\n")
	b := writeNotes(t, "beta.md", "# Beta\n")
	t.Setenv("DEVOPSBOT_NOTES", a+", "+b)
	var cfg Config
	if err := envconfig.Process("", &cfg); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := runCLI(t, cfg, "sections")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "alpha  alpha  Alpha") || !strings.Contains(out, "beta   beta  Beta") {
		t.Errorf("output %q lacks both documents", out)
	}

	t.Run("--notes replaces DEVOPSBOT_NOTES", func(t *testing.T) {
		c := writeNotes(t, "gamma.md", "# Gamma\n")
		out, errOut, code := runCLI(t, cfg, "sections", "--notes", c)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		if out != "gamma  Gamma\n" {
			t.Errorf("output %q, want only gamma", out)
		}
	})
}

func TestNotesFromDirectoryAndURL(t *testing.T) {
	dir := t.TempDir()
	for name, md := range map[string]string{"b.md": "# Beta\n", "a.md": "# Alpha\n", "sub/c.md": "# Gamma\n", "skip.txt": "# no\n"} {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(md), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/team/delta.md" {
			http.NotFound(w, r)
			return
		}
		io.WriteString(w, "# Delta\n* from the wiki\n")
	}))
	defer srv.Close()
	db := filepath.Join(t.TempDir(), "bot.db")
	out, errOut, code := runCLI(t, Config{DB: db}, "sections", "--notes", dir, "--notes", srv.URL+"/team/delta.md?sig=x")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	want := "a      alpha  Alpha\nb      beta  Beta\nc      gamma  Gamma\ndelta  delta  Delta\n"
	if out != want {
		t.Errorf("output:\n%s\nwant:\n%s", out, want)
	}
	if cached, _ := filepath.Glob(filepath.Join(filepath.Dir(db), "notes-cache", "*.md")); len(cached) != 1 {
		t.Errorf("cached copies beside the database: %q, want one", cached)
	}
	_, errOut, code = runCLI(t, Config{DB: db}, "sections", "--notes", srv.URL+"/team/gone.md?sig=secret")
	if code != 1 || !strings.Contains(errOut, "404") || strings.Contains(errOut, "secret") {
		t.Errorf("exit %d, stderr %q: want 1 and a 404 without the query", code, errOut)
	}
}

func TestNotesErrorsNameTheFile(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.md")
	empty := writeNotes(t, "empty.md", "")
	binary := writeNotes(t, "image.md", "\x89PNG\r\n\x1a\n\x00\x00\x00")
	tests := []struct {
		name, path, want string
	}{
		{"missing file", missing, "no such file"},
		{"directory without notes", dir, "no *.md files"},
		{"empty file", empty, "empty file"},
		{"binary file", binary, "binary file"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, errOut, code := runCLI(t, Config{}, "sections", "--notes", tc.path)
			if code != 1 {
				t.Fatalf("exit %d, want 1", code)
			}
			if !strings.Contains(errOut, tc.path) || !strings.Contains(errOut, tc.want) {
				t.Errorf("stderr %q should name %s and say %q", errOut, tc.path, tc.want)
			}
			if strings.Count(errOut, "\n") != 1 {
				t.Errorf("want a one-line message, got %q", errOut)
			}
		})
	}
}

// TestEveryCommandHelpAndBadFlag runs every command of the table (and quiz
// check) with --help, which prints its usage and exits 0, and with an unknown
// flag, which prints the usage on stderr and exits 2.
func TestEveryCommandHelpAndBadFlag(t *testing.T) {
	var cmds [][]string
	for _, c := range commands() {
		if c.name != "help" {
			cmds = append(cmds, []string{c.name})
		}
	}
	cmds = append(cmds, []string{"quiz", "check"})
	if len(cmds) < 10 {
		t.Fatalf("only %d commands in the table", len(cmds))
	}
	for _, args := range cmds {
		name := strings.Join(args, " ")
		t.Run(name+" --help exits 0 with usage", func(t *testing.T) {
			out, errOut, code := runCLI(t, Config{}, append(args, "--help")...)
			if code != 0 || !strings.Contains(out+errOut, "usage: devopsbot "+name) {
				t.Errorf("exit %d, stdout %q, stderr %q", code, out, errOut)
			}
		})
		t.Run(name+" unknown flag exits 2 with usage", func(t *testing.T) {
			out, errOut, code := runCLI(t, Config{}, append(args, "--bogus")...)
			if code != 2 || !strings.Contains(errOut, "-bogus") || !strings.Contains(errOut, "usage: devopsbot "+name) {
				t.Errorf("exit %d, stdout %q, stderr %q", code, out, errOut)
			}
		})
	}
}
