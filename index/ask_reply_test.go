package index

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

func TestAnswerReply(t *testing.T) {
	ev := func(id, fact string) Evidence {
		return Evidence{Doc: "d", ID: id, Path: []string{"P", id}, Fact: fact, Cover: 0.5}
	}
	weak := func(id, fact string) Evidence {
		return Evidence{Doc: "d", ID: id, Path: []string{"P", id}, Fact: fact, Cover: QuoteCover - 0.01}
	}
	opts := func(es ...[]Evidence) []OptionScore {
		var out []OptionScore
		for i, e := range es {
			out = append(out, OptionScore{Key: string(rune('A' + i)), Evidence: e})
		}
		return out
	}
	secs := []Hit{{Doc: "d", ID: "s1"}, {Doc: "d", ID: "s2"}, {Doc: "d", ID: "s3"}}
	shown := func(r Reply) []string {
		var out []string
		for _, h := range r.Sections() {
			out = append(out, h.ID)
		}
		return out
	}
	quotes := func(r Reply) []string {
		var out []string
		for _, q := range r.Quotes {
			s := q.Key
			if q.RunnerUp {
				s += "!"
			}
			if q.Evidence != nil {
				s += ":" + q.Evidence.ID
			}
			out = append(out, s)
		}
		return out
	}
	tests := []struct {
		name          string
		a             Answer
		quotes, order []string
	}{
		{
			name:   "decided: the deciding fact, then the sources without its section",
			a:      Answer{Chosen: "B", RunnerUp: "A", Decided: true, Sections: secs, Options: opts([]Evidence{ev("s1", "a")}, []Evidence{ev("s2", "b")})},
			quotes: []string{"B:s2"},
			order:  []string{"s2", "s1", "s3"},
		},
		{
			name:   "a guess shows the runner-up's closest note beside its own",
			a:      Answer{Chosen: "B", RunnerUp: "A", Sections: secs, Options: opts([]Evidence{ev("s3", "a")}, []Evidence{ev("s2", "b")})},
			quotes: []string{"B:s2", "A!:s3"},
			order:  []string{"s2", "s3", "s1"},
		},
		{
			name:   "a runner-up nothing supports",
			a:      Answer{Chosen: "A", RunnerUp: "B", Decided: true, Sections: secs, Options: opts([]Evidence{ev("s9", "a")}, nil)},
			quotes: []string{"A:s9", "B!"},
			order:  []string{"s9", "s1", "s2", "s3"},
		},
		{
			name:   "two chosen options on one fact quote it once",
			a:      Answer{Chosen: "AC", RunnerUp: "B", Decided: true, Sections: secs, Options: opts([]Evidence{ev("s3", "x")}, []Evidence{ev("s1", "b")}, []Evidence{ev("s3", "x")})},
			quotes: []string{"A:s3"},
			order:  []string{"s3", "s1", "s2"},
		},
		{
			name:   "a guess whose closest note does not state it: no quote for it, nor for the runner-up",
			a:      Answer{Chosen: "B", RunnerUp: "A", Sections: secs, Options: opts([]Evidence{ev("s3", "a")}, []Evidence{weak("s2", "b")})},
			quotes: nil,
			order:  []string{"s1", "s2", "s3"},
		},
		{
			name:   "a guess whose first note does not state it quotes the next that does",
			a:      Answer{Chosen: "B", RunnerUp: "A", Sections: secs, Options: opts([]Evidence{weak("s1", "a")}, []Evidence{weak("s3", "b"), ev("s2", "b2")})},
			quotes: []string{"B:s2"},
			order:  []string{"s2", "s1", "s3"},
		},
		{
			name:   "a runner-up whose closest note does not state it: only the guess's",
			a:      Answer{Chosen: "B", RunnerUp: "A", Sections: secs, Options: opts([]Evidence{weak("s3", "a")}, []Evidence{ev("s2", "b")})},
			quotes: []string{"B:s2"},
			order:  []string{"s2", "s1", "s3"},
		},
		{
			name:   "two chosen options, one stated",
			a:      Answer{Chosen: "AB", RunnerUp: "C", Decided: true, Sections: secs, Options: opts([]Evidence{weak("s3", "a")}, []Evidence{ev("s2", "b")}, []Evidence{ev("s1", "c")})},
			quotes: []string{"B:s2"},
			order:  []string{"s2", "s1", "s3"},
		},
		{
			name:   "a guess of two options, one stated: no runner-up's note beside it",
			a:      Answer{Chosen: "AB", RunnerUp: "C", Sections: secs, Options: opts([]Evidence{weak("s3", "a")}, []Evidence{ev("s2", "b")}, []Evidence{ev("s1", "c")})},
			quotes: []string{"B:s2"},
			order:  []string{"s2", "s1", "s3"},
		},
		{
			name: "sources far below the best section are left out, the first kept",
			a: Answer{Chosen: "B", RunnerUp: "A", Decided: true, Options: opts([]Evidence{ev("s3", "a")}, []Evidence{ev("s2", "b")}),
				Sections: []Hit{{Doc: "d", ID: "s9", Score: 0.1}, {Doc: "d", ID: "s1", Score: 0.9}, {Doc: "d", ID: "s2", Score: 0.5}, {Doc: "d", ID: "s3", Score: 0.2}}},
			quotes: []string{"B:s2"},
			order:  []string{"s2", "s9", "s1"}, // s3 at 0.2 is under 0.3 of 0.9
		},
		{
			name:  "not covered: nothing quoted, the sections as they rank",
			a:     Answer{Chosen: "B", RunnerUp: "A", Note: NoteNotCovered, Sections: secs, Options: opts([]Evidence{ev("s3", "a")}, []Evidence{ev("s2", "b")})},
			order: []string{"s1", "s2", "s3"},
		},
		{
			name:  "NOT/EXCEPT: nothing quoted",
			a:     Answer{Chosen: "B", RunnerUp: "A", Note: NoteInverted, Sections: secs, Options: opts([]Evidence{ev("s3", "a")}, []Evidence{ev("s2", "b")})},
			order: []string{"s1", "s2", "s3"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.a.Reply()
			if got := quotes(r); !slices.Equal(got, tt.quotes) {
				t.Errorf("quotes %v, want %v", got, tt.quotes)
			}
			if got := shown(r); !slices.Equal(got, tt.order) {
				t.Errorf("sections %v, want %v", got, tt.order)
			}
		})
	}
}

// An exam item that Ask answered is ranked in the order its reply shows
// sections, so Hit@1 is the section a reader meets first.
func TestEvaluateRanksWhatTheReplyShows(t *testing.T) {
	ix := mustDefault(t)
	ctx := context.Background()
	item := EvalItem{ID: "1", Kind: "exam", Query: "cloudtrail trail bucket", Options: map[string]string{"A": "a", "B": "b"}, Correct: "B", Anchors: []string{"4_12_3"}}
	searched, err := ix.Evaluate(ctx, []EvalItem{item}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r := searched.Results[0]; r.Rank == 1 {
		t.Fatalf("the search already ranks %s first: %v", item.Anchors[0], r.Ranked)
	}
	sec := ix.docs[0].Sections[0]
	for _, s := range ix.docs[0].Sections {
		if s.ID == "4_12_3" {
			sec = s
		}
	}
	ans := Answer{Chosen: "B", RunnerUp: "A", Decided: true, Options: []OptionScore{
		{Key: "A"},
		{Key: "B", Evidence: []Evidence{{Doc: sec.Doc, ID: sec.ID, Path: sec.Path, Fact: "f", Cover: 1}}},
	}}
	rep, err := ix.Evaluate(ctx, []EvalItem{item}, fakeAsker{ans})
	if err != nil {
		t.Fatal(err)
	}
	r := rep.Results[0]
	if r.Rank != 1 || r.Ranked[0] != "4_12_3" || !r.Right {
		t.Errorf("rank %d, ranked %v, right %v", r.Rank, r.Ranked, r.Right)
	}
	// The answer has no sections of its own: the search's ranking follows.
	if want := searched.Results[0].Ranked[0]; len(r.Ranked) < 2 || r.Ranked[1] != want {
		t.Errorf("ranked %v, want the search's first section %s second", r.Ranked, want)
	}
}

// A fact just under QuoteCover is not quoted though its cover shows as
// QuoteCover in JSON (three places).
func TestEvidenceStatesUnrounded(t *testing.T) {
	e := Evidence{ID: "s1", Cover: QuoteCover - 0.0005}
	if e.States() {
		t.Errorf("cover %v states the option, want not under %v", e.Cover, QuoteCover)
	}
	b, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	if want := `"cover":0.3`; !strings.Contains(string(b), want) {
		t.Errorf("JSON %s, want %s", b, want)
	}
}
