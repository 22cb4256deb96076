package notes

import "testing"

func TestRowText(t *testing.T) {
	for _, c := range []struct {
		header, cells []string
		want          string
	}{
		{[]string{"Key", "Value"}, []string{"a", "b"}, "a: b"},
		{[]string{"Key", "Value"}, []string{"a", ""}, "a"},
		{[]string{"Key", "Value"}, []string{"", "b"}, "Value: b"},
		{[]string{"Key", ""}, []string{"", "b"}, "b"},
		{[]string{"Service"}, []string{"S3"}, "S3"},
		{[]string{}, []string{}, ""},
		{[]string{"Service", "Limit", "Note"}, []string{"S3", "5 TB", "per object"}, "S3 — Limit: 5 TB; Note: per object"},
		{[]string{"Service", "Limit", "Note"}, []string{"S3", "", "per object"}, "S3 — Note: per object"},
		{[]string{"Service", "", "Note"}, []string{"S3", "x", "y"}, "S3 — x; Note: y"},
		{[]string{"Service", "Limit", "Note"}, []string{"", "5 TB", "per object"}, "Limit: 5 TB; Note: per object"},
		{[]string{"Service", "Limit", "Note"}, []string{"S3", "", ""}, "S3"},
		{[]string{"Service", "Limit", "Note"}, []string{"", "", ""}, ""},
	} {
		if got := rowText(c.header, c.cells); got != c.want {
			t.Errorf("rowText(%q, %q) = %q, want %q", c.header, c.cells, got, c.want)
		}
	}
}
