package notes

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// want describes what a fixture must parse into. Empty fields are not
// checked.
type want struct {
	ids    []string          // section IDs in order
	titles []string          // section titles in order
	levels []int             // section levels in order
	parent map[string]string // section ID -> parent ID
	facts  map[string][]string
	// fullFacts: section ID -> facts as FullText (context › text)
	fullFacts map[string][]string
	code      map[string][]Code
	check     func(t *testing.T, d *Document)
}

func (w want) verify(t *testing.T, d *Document) {
	t.Helper()
	var ids, titles []string
	var levels []int
	for _, s := range d.Sections {
		ids = append(ids, s.ID)
		titles = append(titles, s.Title)
		levels = append(levels, s.Level)
	}
	if w.ids != nil && !reflect.DeepEqual(ids, w.ids) {
		t.Errorf("ids = %q, want %q", ids, w.ids)
	}
	if w.titles != nil && !reflect.DeepEqual(titles, w.titles) {
		t.Errorf("titles = %q, want %q", titles, w.titles)
	}
	if w.levels != nil && !reflect.DeepEqual(levels, w.levels) {
		t.Errorf("levels = %v, want %v", levels, w.levels)
	}
	for id, p := range w.parent {
		if s := d.Section(id); s == nil {
			t.Errorf("no section %q", id)
		} else if s.Parent != p {
			t.Errorf("section %q parent = %q, want %q", id, s.Parent, p)
		}
	}
	for id, fs := range w.facts {
		s := d.Section(id)
		if s == nil {
			t.Errorf("no section %q", id)
			continue
		}
		if got := factTexts(s); !reflect.DeepEqual(got, fs) {
			t.Errorf("section %q facts:\n got %q\nwant %q", id, got, fs)
		}
	}
	for id, fs := range w.fullFacts {
		s := d.Section(id)
		if s == nil {
			t.Errorf("no section %q", id)
			continue
		}
		var got []string
		for _, f := range s.Facts {
			got = append(got, f.FullText())
		}
		if !reflect.DeepEqual(got, fs) {
			t.Errorf("section %q facts with context:\n got %q\nwant %q", id, got, fs)
		}
	}
	for id, cs := range w.code {
		s := d.Section(id)
		if s == nil {
			t.Errorf("no section %q", id)
			continue
		}
		var got []Code
		for _, c := range s.Code {
			got = append(got, Code{Lang: c.Lang, Text: c.Text})
		}
		if !reflect.DeepEqual(got, cs) {
			t.Errorf("section %q code:\n got %+v\nwant %+v", id, got, cs)
		}
	}
	if w.check != nil {
		w.check(t, d)
	}
}

// TestTraps has one small fixture of our own for each trap listed in
// ../shared/corpus/README.md, plus the ID rules of the section contract.
func TestTraps(t *testing.T) {
	tests := []struct {
		name string
		md   string
		want want
	}{
		{
			name: "top anchor followed by --- is not a heading",
			md: "<a name=\"top\"></a>\n---\n\n" +
				"<a name=\"1\"></a>\n# [↖](#top)[↓](#2) Intro\n\nHello.\n",
			want: want{ids: []string{"1"}, titles: []string{"Intro"}, facts: map[string][]string{"1": {"Hello."}}},
		},
		{
			name: "top anchor and --- inside a TOC are navigation",
			md: "<!-- toc_start -->\n<a name=\"top\"></a>\n---\n* [Intro](#1)\n  * [Sub](#1_1)\n---\n<!-- toc_end -->\n\n" +
				"<a name=\"1\"></a>\n# Intro\n<a name=\"1_1\"></a>\n## Sub\n* fact\n",
			want: want{ids: []string{"1", "1_1"}, facts: map[string][]string{"1": nil, "1_1": {"fact"}}},
		},
		{
			name: "html comment TOC and sub-TOC inside a section are dropped",
			md: "<a name=\"1\"></a>\n# Services\n<!-- toc_start -->\n* [API Gateway](#1_1)\n* [CloudFormation](#1_2)\n<!-- toc_end -->\n\nServices we use.\n\n" +
				"<a name=\"1_1\"></a>\n## API Gateway\n* Throttles at 10000 rps\n",
			want: want{facts: map[string][]string{"1": {"Services we use."}, "1_1": {"Throttles at 10000 rps"}}},
		},
		{
			name: "old [toc_start]:: markers are dropped too",
			md:   "[toc_start]::\n* [A](#a)\n* [B](#b)\n[toc_end]::\n\n# A\n[toc_start]::\n* [A1](#a1)\n[toc_end]::\ntext\n",
			want: want{ids: []string{"a"}, facts: map[string][]string{"a": {"text"}}, check: func(t *testing.T, d *Document) {
				if d.Preamble != nil {
					t.Errorf("TOC before the first heading became a preamble: %+v", d.Preamble)
				}
			}},
		},
		{
			name: "navigation arrows are stripped from headings",
			md: "<a name=\"4_2_4\"></a>\n### [↖](#4_2)[↑](#4_2_3_4)[↓](#4_3) Limits\n" +
				"<a name=\"4_3\"></a>\n## [↑](#) CloudTrail\n" +
				"<a name=\"4_4\"></a>\n## CloudWatch\n### Sub\n" +
				"## Plain heading\n",
			want: want{
				ids:    []string{"4_2_4", "4_3", "4_4", "4_4/sub", "plain-heading"},
				titles: []string{"Limits", "CloudTrail", "CloudWatch", "Sub", "Plain heading"},
				parent: map[string]string{"4_4/sub": "4_4", "plain-heading": "", "4_3": ""},
			},
		},
		{
			name: "links to anchors that do not exist change nothing",
			md:   "<a name=\"4_2_2_1\"></a>\n#### [↖](#4_2)[↑](#4_2_2)[↓](#4_2_2_1_1) Template\nSee [the next part](#4_2_2_1_1).[Back to top](#top)\n",
			want: want{ids: []string{"4_2_2_1"}, facts: map[string][]string{"4_2_2_1": {"See the next part."}}},
		},
		{
			name: "# lines inside fences are not headings",
			md: "# Scripts\n```\n#!/bin/bash\n# comment\necho hi\n```\n~~~yaml\n# YAML comment\nkey: v\n~~~\n" +
				"````\n```\n# still code\n```\n````\n## After\n",
			want: want{
				ids: []string{"scripts", "after"},
				code: map[string][]Code{"scripts": {
					{Text: "#!/bin/bash\n# comment\necho hi"},
					{Lang: "yaml", Text: "# YAML comment\nkey: v"},
					{Text: "```\n# still code\n```"},
				}},
			},
		},
		{
			name: "fence opened inside a tab-indented list item, upper-case language",
			md:   "# Conditions\n* Can toggle creation with `Condition`:\n\t```YAML\n\tResources:\n\t\tMountPoint:\n\t# not a heading\n\t```\n* Next bullet\n",
			want: want{
				ids: []string{"conditions"},
				code: map[string][]Code{"conditions": {
					{Lang: "yaml", Text: "Resources:\n\tMountPoint:\n# not a heading"},
				}},
				facts: map[string][]string{"conditions": {"Can toggle creation with Condition:", "Next bullet"}},
			},
		},
		{
			name: "skipped levels, several H1s, no H1, trailing colon",
			md:   "### Three\n##### Five\n# One\n## Two:\n# Other One\n#### Four\n",
			want: want{
				ids:    []string{"three", "five", "one", "two", "other-one", "four"},
				titles: []string{"Three", "Five", "One", "Two", "Other One", "Four"},
				levels: []int{3, 5, 1, 2, 1, 4},
				parent: map[string]string{"five": "three", "two": "one", "four": "other-one", "three": "", "one": ""},
			},
		},
		{
			name: "tables with and without leading pipes, alignment rows, dots and empty cells",
			md: "# T\nName|Limit|Note\n-|-|-\nStacks|200|.\nOutputs||per stack\n\n" +
				"| Key | Value |\n|:---|---:|\n| `Ref` | logical name |\n| . | orphan |\n",
			want: want{
				facts: map[string][]string{"t": {
					"Stacks — Limit: 200",
					"Outputs — Note: per stack",
					"Ref: logical name",
					"Value: orphan",
				}},
				check: func(t *testing.T, d *Document) {
					s := d.Sections[0]
					if len(s.Tables) != 2 {
						t.Fatalf("got %d tables, want 2", len(s.Tables))
					}
					if got := s.Tables[0].Rows[0]; !reflect.DeepEqual(got, []string{"Stacks", "200", ""}) {
						t.Errorf("row 0 = %q", got)
					}
					f := s.Facts[1]
					if f.Table != 0 || f.Row != 1 || !reflect.DeepEqual(f.Pairs, []Pair{{"Name", "Outputs"}, {"Note", "per stack"}}) {
						t.Errorf("fact 1 = %+v", f)
					}
					if f := s.Facts[2]; f.Table != 1 || f.Row != 0 || f.Kind != FactRow {
						t.Errorf("fact 2 table/row = %d/%d", f.Table, f.Row)
					}
				},
			},
		},
		{
			name: "two-column key/value table with dot headers",
			md:   "# Limits\n.|.\n-|-\nMax template size (stored in S3)|460kB\nParameters per stack|60\n",
			want: want{facts: map[string][]string{"limits": {"Max template size (stored in S3): 460kB", "Parameters per stack: 60"}}},
		},
		{
			name: "br inside cells: line break or list inside a cell",
			md: "# F\nName|Deploy<br/>time|Description\n-|-|-\n`Fn::GetAtt`|🕑🕑|* Returns an attribute<br/>* Object is from the same template\n" +
				"**Blue/Green**|🕑|can test <br>prior to cutover\n",
			want: want{facts: map[string][]string{"f": {
				"Fn::GetAtt — Deploy time: 🕑🕑; Description: Returns an attribute; Object is from the same template",
				"Blue/Green — Deploy time: 🕑; Description: can test prior to cutover",
			}}},
		},
		{
			name: "table indented inside a list item keeps the bullet as context",
			md:   "# L\n* Policies\n  Name|Use\n  -|-\n  Default|balance AZs\n* Next\n",
			want: want{fullFacts: map[string][]string{"l": {"Policies", "Policies › Default: balance AZs", "Next"}}},
		},
		{
			name: "non-breaking spaces, emoji, hard line breaks",
			md:   "# N\nDeploy\u00a0time is 🕑 ✔  \nsecond line\\\nthird&nbsp;part\n",
			want: want{facts: map[string][]string{"n": {"Deploy time is 🕑 ✔ second line third part"}}},
		},
		{
			name: "inline HTML links, raw XML and images",
			md: "# H\nSee <a href=\"https://aws.amazon.com\" target=\"_blank\">the docs</a> &amp; more.\n\n" +
				"<Error><Code>AccessDenied</Code></Error>\n\n![architecture diagram](img/arch.png) and ![[Pasted image 1.png]]\n",
			want: want{facts: map[string][]string{"h": {
				"See the docs & more.",
				"<Error><Code>AccessDenied</Code></Error>",
				"architecture diagram and",
			}}},
		},
		{
			name: "inline markdown becomes plain text",
			md:   "# M\n* **Bold**, *em*, _under_, `code_span`, [link](https://x.y), snake_case_name, s3:* and 2 * 3\n",
			want: want{facts: map[string][]string{"m": {"Bold, em, under, code_span, link, snake_case_name, s3:* and 2 * 3"}}},
		},
		{
			name: "nested bullets keep their parents as context",
			md:   "# B\nOptions:\n* Manual\n  * min/max\n* Dynamic\n\t* Policies\n\t\t* step scaling\n  * Alarms\n",
			want: want{fullFacts: map[string][]string{"b": {
				"Options:",
				"Options › Manual",
				"Options › Manual › min/max",
				"Options › Dynamic",
				"Options › Dynamic › Policies",
				"Options › Dynamic › Policies › step scaling",
				"Options › Dynamic › Alarms",
			}}},
		},
		{
			name: "bullet continuation lines join their bullet",
			md:   "# C\n* Use the AWS::CloudFormation::Init type\n  for the cfn helper.\n* Second\n\n  still second\n\nParagraph after.\n",
			want: want{facts: map[string][]string{"c": {"Use the AWS::CloudFormation::Init type for the cfn helper.", "Second still second", "Paragraph after."}}},
		},
		{
			name: "headings without anchors under an anchored ancestor; repeats numbered",
			md: "<a name=\"4_2_2_2\"></a>\n#### Stacks\n##### Stack Creation\n###### Process\n##### Stack Updates\n###### Process\n" +
				"<a name=\"4_2_2_3\"></a>\n#### Stack Sets\n##### Process\n",
			want: want{
				ids:    []string{"4_2_2_2", "4_2_2_2/stack-creation", "4_2_2_2/process", "4_2_2_2/stack-updates", "4_2_2_2/process-1", "4_2_2_3", "4_2_2_3/process"},
				parent: map[string]string{"4_2_2_2/process-1": "4_2_2_2/stack-updates"},
			},
		},
		{
			name: "plain slugs in files without anchors, GitHub style",
			md:   "# ASG\n### Scaling \n##### Dynamic Scaling\n### Scaling\n## `.ebextensions` in project\n## VM /Import/Export\n## 🚀\n",
			want: want{ids: []string{"asg", "scaling", "dynamic-scaling", "scaling-1", "ebextensions-in-project", "vm-importexport", "section"}},
		},
		{
			name: "repeated anchors and slugs that collide with anchors stay unique",
			md:   "# Foo\n<a name=\"foo\"></a>\n# Bar\n<a name=\"x\"></a>\n# X1\n<a name=\"x\"></a>\n# X2\n",
			want: want{ids: []string{"foo-1", "foo", "x", "x-1"}},
		},
		{
			name: "anchor inside the heading line",
			md:   "## <a name=\"s3\"></a> S3\n",
			want: want{ids: []string{"s3"}, titles: []string{"S3"}},
		},
		{
			name: "very long section of nested bullets gives one fact per bullet",
			md:   longBullets(16 << 10),
			want: want{check: func(t *testing.T, d *Document) {
				s := d.Sections[0]
				n := strings.Count(longBullets(16<<10), "* ")
				if len(s.Facts) != n {
					t.Fatalf("got %d facts, want %d", len(s.Facts), n)
				}
				for _, f := range s.Facts {
					if len(f.Context) > 2 || len(f.Text) > 200 {
						t.Fatalf("fact %+v: context too deep or text too long", f)
					}
				}
				if last := s.Facts[len(s.Facts)-1]; len(last.Context) != 2 {
					t.Errorf("last fact context = %q, want two levels", last.Context)
				}
			}},
		},
		{
			name: "preamble before the first heading is kept apart",
			md:   "Written for the 2024 exam.\n\n# First\n",
			want: want{ids: []string{"first"}, check: func(t *testing.T, d *Document) {
				if d.Preamble == nil || d.Preamble.Text != "Written for the 2024 exam." {
					t.Errorf("preamble = %+v", d.Preamble)
				}
			}},
		},
		{
			name: "setext headings are sections",
			md:   "Title\n=====\n\nIntro text.\n\nSub part\n--------\n* bullet\n",
			want: want{
				ids: []string{"title", "sub-part"}, levels: []int{1, 2},
				parent: map[string]string{"sub-part": "title"},
				facts:  map[string][]string{"title": {"Intro text."}, "sub-part": {"bullet"}},
			},
		},
		{
			name: "tab-indented bullets right below a heading are bullets, not code",
			md:   "# CodeDeploy\n\t* Events can notify\n\t\t* *No logs* for Lambda\n    * Triggers\n",
			want: want{fullFacts: map[string][]string{"codedeploy": {
				"Events can notify", "Events can notify › No logs for Lambda", "Triggers",
			}}},
		},
		{
			name: "an indented code block of anything else stays code",
			md:   "# C\n\n    # not a heading\n    echo hi\n",
			want: want{ids: []string{"c"}, code: map[string][]Code{"c": {{Text: "# not a heading\necho hi"}}}},
		},
		{
			name: "an anchor right below a table is the next heading's anchor",
			md:   "# A\nName|Limit\n-|-\nStacks|200\n<a name=\"4_2\"></a>\n## B\n",
			want: want{
				ids:   []string{"a", "4_2"},
				facts: map[string][]string{"a": {"Stacks: 200"}},
				check: func(t *testing.T, d *Document) {
					if rows := d.Sections[0].Tables[0].Rows; len(rows) != 1 {
						t.Errorf("rows = %q, want the one row", rows)
					}
				},
			},
		},
		{
			name: "a heading inside a list item starts a section",
			md:   "# Hooks\n- Stop: runs first\n\n    ###### Note\n\n    Not on the first deploy.\n- Start: runs last\n",
			want: want{
				ids:       []string{"hooks", "note"},
				fullFacts: map[string][]string{"hooks": {"Stop: runs first"}, "note": {"Not on the first deploy.", "Start: runs last"}},
			},
		},
		{
			name: "HTML blocks are text without their tags",
			md:   "# H\n<details>\n<summary>Why?</summary>\n\nBecause &amp; so.\n\n</details>\n",
			want: want{facts: map[string][]string{"h": {"Why?", "Because & so."}}},
		},
		{
			name: "emphasis never closed leaves no markers",
			md:   "# S\n**Common fields\n\nThese __fields:\n* s3:* and 2 * 3\n",
			want: want{facts: map[string][]string{"s": {"Common fields", "These fields:", "s3:* and 2 * 3"}}},
		},
		{
			name: "blockquotes and thematic breaks",
			md:   "# Q\n> 10/2019 - *current*\n\n---\n***\n* item\n\n> [!NOTE] SCPs\n> never grant access\n",
			want: want{facts: map[string][]string{"q": {"10/2019 - current", "item", "Note: SCPs never grant access"}}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := MustParse(t, "fixture", tc.md)
			if got, want := len(d.Sections), countHeadings(t, tc.md); got != want {
				t.Errorf("got %d sections, want %d headings", got, want)
			}
			tc.want.verify(t, d)
			checkClean(t, d)
		})
	}
}

// countHeadings is the number of sections a fixture must give: its
// CommonMark headings, or one section when it has none.
func countHeadings(t *testing.T, md string) int {
	t.Helper()
	n, _ := commonMarkHeadings(normalize([]byte(md)))
	return max(n, 1)
}

// longBullets is one section of about n bytes of three-level bullets.
func longBullets(n int) string {
	var b strings.Builder
	b.WriteString("# Long\n")
	for i := 0; b.Len() < n; i++ {
		fmt.Fprintf(&b, "* Topic %d\n  * Detail %d about something\n    * Sub-detail %d with `code`\n", i, i, i)
	}
	return b.String()
}

// TestContextNotAliased: siblings share their context slice, so it must be
// full (len == cap): an append by one reader then copies instead of writing
// into the array its siblings see.
func TestContextNotAliased(t *testing.T) {
	d := MustParse(t, "ctx", "Intro:\n* parent\n  * child\n    * a\n    * b\n# S\n| K | V |\n|-|-|\n| k | v |\n")
	for _, s := range append(d.Sections, *d.Preamble) {
		for _, f := range s.Facts {
			if len(f.Context) != cap(f.Context) {
				t.Errorf("fact %q: context len %d cap %d", f.Text, len(f.Context), cap(f.Context))
			}
		}
	}
	facts := d.Preamble.Facts
	a := append(facts[3].Context, "extra")
	b := append(facts[4].Context, "other")
	if a[3] != "extra" || b[3] != "other" {
		t.Fatalf("contexts alias: %q %q", a, b)
	}
}

// TestListContextEndsAtHeading: a lead-in paragraph and the open list of one
// section never become the context of the next section's facts.
func TestListContextEndsAtHeading(t *testing.T) {
	src := "# A\n\n**Events**\n* one\n  * nested\n\n# B\n\nPlain paragraph.\n\n* two\n"
	d, err := Parse("ctx", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range d.Sections[1].Facts {
		if len(f.Context) != 0 {
			t.Errorf("fact %q of section B has context %q from section A", f.Text, f.Context)
		}
	}
	if got := d.Sections[0].Facts; len(got) < 2 || len(got[1].Context) == 0 || got[1].Context[0] != "Events" {
		t.Errorf("section A facts = %+v, want the lead-in as context", got)
	}
}
