package main

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/devopsbot/devopsbot/notes"
)

func TestSectionsDefaultNotes(t *testing.T) {
	d, err := notes.Default()
	if err != nil {
		t.Fatal(err)
	}
	t.Run("one indented line per section", func(t *testing.T) {
		out, errOut, code := runCLI(t, Config{}, "sections")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		if len(lines) != len(d.Sections) || len(lines) != 192 {
			t.Fatalf("got %d lines, want 192", len(lines))
		}
		for i, s := range d.Sections {
			want := strings.Repeat("  ", s.Level-1) + s.ID + "  " + s.Title
			if lines[i] != want {
				t.Errorf("line %d = %q, want %q", i+1, lines[i], want)
			}
		}
		if lines[0] != "1  DevOps Engineer Professional" {
			t.Errorf("first line %q", lines[0])
		}
	})
	t.Run("--json is the array of sections", func(t *testing.T) {
		out, errOut, code := runCLI(t, Config{}, "sections", "--json")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		var got []notes.Section
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatalf("output is not a JSON array of sections: %v", err)
		}
		if len(got) != 192 {
			t.Fatalf("got %d sections, want 192", len(got))
		}
		s := got[0]
		for _, x := range got {
			if x.ID == "4_2_4" {
				s = x
			}
		}
		if s.ID != "4_2_4" || s.Title != "Limits" || s.Parent != "4_2" || len(s.Facts) == 0 || len(s.Tables) != 1 {
			t.Errorf("section 4_2_4 = %+v", s)
		}
	})
}

func TestSectionsOtherNotes(t *testing.T) {
	ec2 := "../../../shared/corpus/p0o/ec2.md"
	if _, err := os.Stat(ec2); err != nil {
		// A clone outside the workplace has no shared folder beside it.
		t.Skipf("corpus notes not beside the repository: %v", err)
	}
	out, errOut, code := runCLI(t, Config{}, "sections", "--json", "--notes", ec2)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var got []notes.Section
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	if len(got) == 0 || got[0].Doc != "ec2" || got[0].ID != "basic-properties" {
		t.Errorf("first section = %+v", got)
	}

	t.Run("no headings: one section named after the file", func(t *testing.T) {
		p := writeNotes(t, "scratch.md", "* a fact\n")
		out, _, code := runCLI(t, Config{}, "sections", "--notes", p)
		if code != 0 || out != "scratch  scratch\n" {
			t.Errorf("exit %d, output %q", code, out)
		}
	})
}
