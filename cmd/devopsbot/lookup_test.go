package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/devopsbot/devopsbot/index"
)

func hitFact(text string, spans [][2]int) index.HitFact {
	f := index.HitFact{Text: text}
	for _, s := range spans {
		f.Matches = append(f.Matches, index.Span{Start: s[0], End: s[1]})
	}
	return f
}

// searchRun runs the command line with the embedded notes.
func searchRun(t *testing.T, stdin string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errb bytes.Buffer
	err = run(context.Background(), Config{}, args, strings.NewReader(stdin), &out, &errb)
	return out.String(), errb.String(), err
}

func TestLookupShowsSectionAndAnswerLine(t *testing.T) {
	out, _, err := searchRun(t, "", "lookup", "how big can a cloudformation template be")
	if err != nil {
		t.Fatalf("lookup: %v", err)
	}
	first, _, _ := strings.Cut(out, "\n\n")
	for _, want := range []string{"Lookup: how big", "*Services › CloudFormation › Limits*", "Section 4_2_4", "460kB", "*template*"} {
		if !strings.Contains(first, want) {
			t.Errorf("first hit lacks %q:\n%s", want, first)
		}
	}
}

func TestLookupJSON(t *testing.T) {
	out, _, err := searchRun(t, "", "lookup", "--json", "-k", "2", "cloudtrial", "retention")
	if err != nil {
		t.Fatalf("lookup --json: %v", err)
	}
	var hits []struct {
		Doc   string   `json:"doc"`
		ID    string   `json:"id"`
		Title string   `json:"title"`
		Path  []string `json:"path"`
		Score float64  `json:"score"`
		Facts []struct {
			Text    string `json:"text"`
			Matches []struct{ Start, End int }
		} `json:"facts"`
	}
	if err := json.Unmarshal([]byte(out), &hits); err != nil {
		t.Fatalf("output is not a JSON array of hits: %v\n%s", err, out)
	}
	if len(hits) != 2 {
		t.Fatalf("%d hits, want 2 (-k 2)", len(hits))
	}
	h := hits[0]
	if h.Doc == "" || h.ID == "" || h.Title == "" || len(h.Path) == 0 || h.Score <= 0 || len(h.Facts) == 0 {
		t.Errorf("incomplete hit %+v", h)
	}
	if !strings.Contains(strings.Join(h.Path, " "), "CloudTrail") {
		t.Errorf("first hit %v, want a CloudTrail section", h.Path)
	}
}

func TestLookupFlagsAmongWords(t *testing.T) {
	out, _, err := searchRun(t, "", "lookup", "cloudtrail", "retention", "--json", "-k", "1")
	if err != nil {
		t.Fatal(err)
	}
	var hits []map[string]any
	if err := json.Unmarshal([]byte(out), &hits); err != nil || len(hits) != 1 {
		t.Fatalf("flags after words not honoured (%v):\n%s", err, out)
	}
	out, _, err = searchRun(t, "", "lookup", "cloudtrail", "+events", "-retention", "--json")
	if err != nil || !strings.HasPrefix(strings.TrimSpace(out), "[") {
		t.Errorf("dash words in a query: %v\n%s", err, out)
	}
	out, _, err = searchRun(t, "", "lookup", "--", "-k", "cloudtrail")
	if err != nil || !strings.Contains(out, "CloudTrail") {
		t.Errorf("words after -- : %v\n%s", err, out)
	}
}

func TestLookupBadInput(t *testing.T) {
	tests := []struct {
		name      string
		args      []string
		wantUsage bool
		wantOut   string
	}{
		{"no query", []string{"lookup"}, true, ""},
		{"blank query", []string{"lookup", "  "}, true, ""},
		{"bad k", []string{"lookup", "-k", "0", "asg"}, true, ""},
		{"stop words only", []string{"lookup", "what is the"}, false, "Nothing to search for"},
		{"punctuation only", []string{"lookup", "?!;"}, false, "Nothing to search for"},
		{"nothing matches", []string{"lookup", "zzqxv"}, false, "Nothing matched"},
		{"other script", []string{"lookup", "Облако"}, false, "Nothing matched"},
		{"control characters", []string{"lookup", "\x1b[31mzzqxv\x07"}, false, "Nothing matched"},
		{"10 KB query", []string{"lookup", strings.Repeat("launch configuration ", 500)}, false, "Launch Configuration"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, _, err := searchRun(t, "", tt.args...)
			var ue usageError
			if tt.wantUsage {
				if !errors.As(err, &ue) {
					t.Fatalf("err = %v, want a usage error", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("err = %v, want a helpful answer", err)
			}
			if !strings.Contains(out, tt.wantOut) {
				t.Errorf("output lacks %q:\n%.400s", tt.wantOut, out)
			}
			if strings.ContainsAny(out, "\x07\x1b") {
				t.Errorf("output echoes control characters: %q", out)
			}
		})
	}
}

func TestLookupNothingMatchedSuggestsTitles(t *testing.T) {
	out, _, err := searchRun(t, "", "lookup", "cloudformaton stak polcy zzqx")
	if err != nil {
		t.Fatal(err)
	}
	if strings.HasPrefix(out, "Nothing matched") && !strings.Contains(out, "Closest sections:") {
		t.Errorf("no suggestions: %s", out)
	}
}

func TestLookupSeveralNotesMarksDocuments(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "team-a.md")
	b := filepath.Join(dir, "team-b.md")
	if err := os.WriteFile(a, []byte("# A\n\n## CloudTrail\n\n* Events are kept for 90 days\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(b, []byte("# B\n\n## CloudTrail trails\n\n* Trails deliver events to S3\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out, _, err := searchRun(t, "", "lookup", "--notes", a, "--notes", b, "cloudtrail events")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, " in team-a") || !strings.Contains(out, " in team-b") {
		t.Errorf("hits not marked with their documents:\n%s", out)
	}
}
