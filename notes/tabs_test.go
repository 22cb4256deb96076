package notes

import (
	"bytes"
	"slices"
	"testing"
)

// ragged is a list written with tabs 2 wide: read at 4, "Merge groups"
// goes back to a column where no item stands.
const (
	ragged    = "* Cutover\n\t* Swap the group\n  * Merge groups\n\t* Swap environments\n"
	raggedAt2 = "* Cutover\n  * Swap the group\n  * Merge groups\n  * Swap environments\n"
)

func TestExpandListTabs(t *testing.T) {
	for _, c := range []struct {
		name string
		md   string
		want string // "" when data comes back unchanged
	}{
		{
			// At 4, "Merge groups" goes back to a column where no item
			// stands; at 2 it lines up with "Swap the group".
			name: "children indented with spaces under tab-indented items",
			md:   ragged + "* Sections\n\t* `commands`\n    * Run before the app\n\t* `container_commands`\n    * Run after the app\n",
			want: raggedAt2 + "* Sections\n  * `commands`\n    * Run before the app\n  * `container_commands`\n    * Run after the app\n",
		},
		{
			name: "a tab under an ordered item reaches its content",
			md:   ragged + "3. Names\n4. Processing\n\t* Ordering\n      * Natural\n\t* Creation\n\t\t* In parallel\n    * Wait\n",
			want: raggedAt2 + "3. Names\n4. Processing\n   * Ordering\n      * Natural\n   * Creation\n     * In parallel\n    * Wait\n",
		},
		{
			name: "tabs only",
			md:   "* a\n\t* b\n\t\t* c\n",
		},
		{
			name: "mixed, reading as well at CommonMark's width",
			md:   "* a\n\t* b\n    * c\n",
		},
		{
			name: "mixed, ragged at 2 but not at 4",
			md:   "* a\n    * b\n\t* c\n        * d\n\t\t* e\n    * f\n",
		},
		{
			name: "fenced code keeps its tabs",
			md:   ragged + "```\n\t* not an item\n  * nor this\n```\n",
			want: raggedAt2 + "```\n\t* not an item\n  * nor this\n```\n",
		},
		{
			name: "a paragraph ends the list",
			md:   ragged + "Text\n\t* d\n",
			want: raggedAt2 + "Text\n  * d\n",
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			in := []byte(c.md)
			got := expandListTabs(in)
			if c.want == "" {
				if !bytes.Equal(got, in) {
					t.Errorf("changed to %q, want it unchanged", got)
				}
				return
			}
			if string(got) != c.want {
				t.Errorf("got  %q\nwant %q", got, c.want)
			}
		})
	}
}

// TestListTabsKeepParents parses a list in the style of the default notes'
// .ebextensions section: each fact keeps the section name it belongs to,
// which CommonMark's tab stop of 4 would drop.
func TestListTabsKeepParents(t *testing.T) {
	md := "# EB\n" + ragged + "* Contains sections like\n\t* `commands`\n    * Run before the web server is set up\n\t* `container_commands`\n    * Can use `leader_only` to run on one instance\n"
	d, err := Parse("eb.md", []byte(md))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range d.Sections[0].Facts {
		got = append(got, f.FullText())
	}
	want := []string{
		"Cutover", "Cutover › Swap the group", "Cutover › Merge groups", "Cutover › Swap environments",
		"Contains sections like",
		"Contains sections like › commands",
		"Contains sections like › commands › Run before the web server is set up",
		"Contains sections like › container_commands",
		"Contains sections like › container_commands › Can use leader_only to run on one instance",
	}
	if !slices.Equal(got, want) {
		t.Errorf("facts:\n got %q\nwant %q", got, want)
	}
}

func TestListMarker(t *testing.T) {
	for s, want := range map[string]bool{
		"* a": true, "- a": true, "+ a": true, "*": true, "1. a": true, "12) a": true, "*\ta": true,
		"*a": false, "**bold**": false, "1.5 GB": false, "a. b": false, "1234567890. a": false, "": false,
	} {
		if got := listMarker([]byte(s)); got != want {
			t.Errorf("listMarker(%q) = %v, want %v", s, got, want)
		}
	}
}
