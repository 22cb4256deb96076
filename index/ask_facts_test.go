package index

import (
	"slices"
	"strings"
	"testing"

	"github.com/devopsbot/devopsbot/notes"
)

// factTexts returns the texts of the facts fx holds for section id.
func factTexts(fx *factIndex, id string) []string {
	var out []string
	for _, f := range fx.facts {
		if f.sec.ID == id {
			out = append(out, f.text)
		}
	}
	return out
}

func TestComparisonTableCellsAreFactsOfTheirColumn(t *testing.T) {
	d := mustParse(t, "k", "# Kinesis\n\n## Data Streams\n\n- Shards\n\n## Firehose\n\n- Near real time\n\n"+
		"Data Streams|Firehose\n-|-\nMust manage scaling|Fully managed\nData storage|No data storage\n\n"+
		"## Metrics\n\nMetric|Effect\n-|-\nIncomingBytes|Bytes put into the stream\n")
	fx := newFactIndex([]*notes.Document{d}, nil)
	secID := func(title string) string {
		for _, s := range d.Sections {
			if s.Title == title {
				return s.ID
			}
		}
		t.Fatalf("no section %q", title)
		return ""
	}
	got := factTexts(fx, secID("Firehose"))
	want := []string{"Near real time", "Data Streams: Must manage scaling", "Firehose: Fully managed", "Data Streams: Data storage", "Firehose: No data storage"}
	if !slices.Equal(got, want) {
		t.Errorf("facts of a comparison table = %q, want %q", got, want)
	}
	// A cell about Data Streams does not hold the section's own subject.
	for _, id := range fx.post["firehos"] {
		if strings.HasPrefix(fx.facts[id].text, "Data Streams:") {
			t.Errorf("%q holds the section's title term", fx.facts[id].text)
		}
	}
	// A table whose first column names each row's subject stays one fact a row.
	if got := factTexts(fx, secID("Metrics")); !slices.Equal(got, []string{"IncomingBytes: Bytes put into the stream"}) {
		t.Errorf("facts of a key/value table = %q", got)
	}
}

func TestLabelBulletsAreNotFacts(t *testing.T) {
	d := mustParse(t, "k", "# Streams\n\n- Consumers\n  - Client Library, Lambda\n"+
		"- Records are ordered per shard\n  - not across shards\n- Retention\n")
	fx := newFactIndex([]*notes.Document{d}, nil)
	got := factTexts(fx, d.Sections[0].ID)
	want := []string{
		"Consumers › Client Library, Lambda",
		"Records are ordered per shard",
		"Records are ordered per shard › not across shards",
		"Retention", // no bullets below it: it states something itself
	}
	if !slices.Equal(got, want) {
		t.Errorf("facts = %q, want %q", got, want)
	}
}

func TestDurationsMatchAcrossUnits(t *testing.T) {
	fx := &factIndex{expand: dropStops} // as while indexing the notes: every duration kept
	tests := []struct {
		in   string
		want []string // duration terms
	}{
		{"Raise retention above the 24-hour default", []string{durationTerm(86400)}},
		{"Data retention is 1 day (default), up to 7 days", []string{durationTerm(86400), durationTerm(7 * 86400)}},
		{"A delay of around a minute is fine", []string{durationTerm(60)}},
		{"Near real time (~60 seconds)", []string{durationTerm(60)}},
		{"down for up to three days", []string{durationTerm(3 * 86400)}},
		{"3h to 15m", []string{durationTerm(900), durationTerm(3 * 3600)}},
		{"a second consumer application", nil},
		{"every minute", nil},
	}
	for _, tt := range tests {
		var got []string
		for term := range fx.termSet(tt.in) {
			if isDurationTerm(term) {
				got = append(got, term)
			}
		}
		slices.Sort(got)
		slices.Sort(tt.want)
		if !slices.Equal(got, tt.want) {
			t.Errorf("durations of %q = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestDurationsTheNotesDoNotStateAreDropped(t *testing.T) {
	d := mustParse(t, "k", "# Streams\n\n- Data retention is 1 day by default\n")
	fx := newFactIndex([]*notes.Document{d}, nil)
	got := fx.termSet("kept for 24 hours, or for five days")
	if !got[durationTerm(86400)] || got[durationTerm(5*86400)] {
		t.Errorf("termSet = %v, want the 1-day duration and not the 5-day one", got)
	}
}
