package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/devopsbot/devopsbot/bot/slackfake"
	"github.com/devopsbot/devopsbot/index"
	"github.com/devopsbot/devopsbot/notes"
	"github.com/devopsbot/devopsbot/quiz"
	"github.com/devopsbot/devopsbot/quiz/memory"
)

// slashCommand runs text as a /devops command from user and returns the
// reply as the HTTP transport sends it, and the outcome recorded.
func slashCommand(t *testing.T, r *Router, user, text string) (string, string) {
	t.Helper()
	ctx, o := withOutcome(context.Background())
	b, err := r.Command(ctx, Request{User: user, Channel: "C1", Text: text}).slashJSON()
	if err != nil {
		t.Fatal(err)
	}
	return string(b), *o
}

// TestCachedLookupRepliesAreTheSame: over the default notes, every reply
// and outcome, asked once or again, is the reply of a router without the
// cache: replies found, nothing found (with suggestions), nothing to look
// up; shared to a channel and shown privately.
func TestCachedLookupRepliesAreTheSame(t *testing.T) {
	doc, err := notes.Default()
	if err != nil {
		t.Fatal(err)
	}
	qz := quiz.New(nil, memory.New(), testPool(), quiz.Options{Seed: 1})
	uncached := NewRouter(nil, defaultIndex(t), qz, Options{})
	cached := NewRouter(nil, defaultIndex(t), qz, Options{LookupCache: 100})
	texts := slackfake.Lookups(doc)[:150] // more than the cache holds
	texts = append(texts, "lookup canary", "canary", "lookup zzxqv frobnicate", "lookup ?!", "lookup canery deploymnt",
		"lookup "+strings.Repeat("canary ", 40))
	for round := range 2 {
		for _, text := range texts {
			want, wantOutcome := slashCommand(t, uncached, "U1", text)
			got, outcome := slashCommand(t, cached, "U1", text)
			if got != want || outcome != wantOutcome {
				t.Fatalf("round %d, %q: cached reply (%s)\n%s\nwant (%s)\n%s", round+1, text, outcome, got, wantOutcome, want)
			}
		}
	}
	// The public copy of a cached private reply, and the private again.
	for _, public := range []bool{true, false, true} {
		ctx := context.Background()
		want := uncached.command(ctx, Request{User: "U1", Text: "lookup canary"}, public)
		got := cached.command(ctx, Request{User: "U1", Text: "lookup canary"}, public)
		wb, _ := want.slashJSON()
		gb, _ := got.slashJSON()
		if string(gb) != string(wb) {
			t.Fatalf("public %v: cached reply\n%s\nwant\n%s", public, gb, wb)
		}
	}
	if n := len(cached.lookups.m); n == 0 || n > 100 {
		t.Errorf("cache holds %d replies, want 1 to 100", n)
	}
}

// A reply made for one user (shared by them) is never shown to another.
func TestCachedLookupKeepsUsersApart(t *testing.T) {
	r := NewRouter(nil, defaultIndex(t), &fakeQuiz{}, Options{LookupCache: 10})
	for range 2 {
		for _, user := range []string{"U1", "U2"} {
			resp := r.lookup(context.Background(), "canary", view{public: true, sharedBy: user})
			got := fallbackText(resp)
			if !strings.Contains(got, "<@"+user+">") || strings.Contains(got, map[string]string{"U1": "<@U2>", "U2": "<@U1>"}[user]) {
				t.Fatalf("reply shared by %s: %s", user, got)
			}
		}
	}
}

// Replies are kept for one notes generation: a reload shows the new notes
// at once, and a search that failed is asked again.
func TestCachedLookupFollowsTheNotes(t *testing.T) {
	var gen uint64
	version := "one"
	searches := 0
	fail := false
	s := &fakeSearcher{SearchFn: func(ctx context.Context, q string, k int) ([]index.Hit, error) {
		searches++
		if fail {
			return nil, errors.New("index closed")
		}
		return []index.Hit{{ID: "s1", Title: "Spot " + version, Path: []string{"Spot " + version},
			Facts: []index.HitFact{{Text: "notes " + version}}}}, nil
	}}
	r := newTestRouter(s, nil, Options{LookupCache: 10, Generation: func() uint64 { return gen }})
	ask := func() string {
		t.Helper()
		got, _ := slashCommand(t, r, "U1", "lookup spot")
		return got
	}
	if got := ask(); !strings.Contains(got, "notes one") {
		t.Fatalf("first reply %s", got)
	}
	version = "two"
	if got := ask(); !strings.Contains(got, "notes one") || searches != 1 {
		t.Fatalf("same notes: searched %d times, reply %s; want the kept reply", searches, got)
	}
	gen++
	if got := ask(); !strings.Contains(got, "notes two") || searches != 2 {
		t.Fatalf("new notes: searched %d times, reply %s; want the new notes", searches, got)
	}
	gen++
	fail = true
	if got, outcome := slashCommand(t, r, "U1", "lookup spot"); outcome != OutcomeError {
		t.Fatalf("failed search: outcome %s, reply %s", outcome, got)
	}
	fail = false
	if got := ask(); !strings.Contains(got, "notes two") || searches != 4 {
		t.Fatalf("after a failed search: searched %d times, reply %s; want a new search", searches, got)
	}
}

func TestLookupCacheBounds(t *testing.T) {
	c := newLookupCache(8)
	for i := range 100 {
		c.put(1, lookupKey{query: fmt.Sprint(i)}, cachedLookup{outcome: OutcomeOK})
	}
	if len(c.m) != 8 {
		t.Errorf("cache holds %d replies, want 8", len(c.m))
	}
	if _, ok := c.get(1, lookupKey{query: "99"}); !ok {
		t.Error("the last reply put is not kept")
	}
	c.put(0, lookupKey{query: "old"}, cachedLookup{})
	if _, ok := c.get(0, lookupKey{query: "old"}); ok {
		t.Error("a reply made on replaced notes is kept")
	}
	long := lookupKey{query: strings.Repeat("a", maxCachedQuery+1)}
	c.put(1, long, cachedLookup{})
	if _, ok := c.get(1, long); ok {
		t.Error("a reply to a long query is kept")
	}
	c.put(2, lookupKey{query: "new"}, cachedLookup{})
	if len(c.m) != 1 {
		t.Errorf("after new notes the cache holds %d replies, want 1", len(c.m))
	}
	if newLookupCache(0) != nil {
		t.Error("a cache of 0 replies is not nil")
	}
}

// A part added to a copy of a reused Response is encoded, and the reused
// one stays as it was.
func TestReusedResponseEncodesItsChanges(t *testing.T) {
	r := textResponse(true, plain("one")).reused()
	before, _ := r.slashJSON()
	c := r
	c.text(plain("two"))
	after, _ := c.slashJSON()
	again, _ := r.slashJSON()
	if !strings.Contains(string(after), "two") || string(again) != string(before) || strings.Contains(string(before), "two") {
		t.Errorf("reused %s, copy with a part %s, reused again %s", before, after, again)
	}
}

// One cached reply is rendered by many requests at once, private and
// public (run with -race).
func TestCachedLookupServedConcurrently(t *testing.T) {
	reply := func(r *Router, public bool) string {
		resp := r.command(context.Background(), Request{User: "U1", Text: "lookup canary"}, public)
		_ = renderPlain(resp, plainStyle{})
		resp.Ephemeral = true // a copy changed by its caller
		b, err := resp.slashJSON()
		if err != nil {
			t.Error(err)
		}
		return string(b)
	}
	uncached := NewRouter(nil, defaultIndex(t), &fakeQuiz{}, Options{})
	want := map[bool]string{false: reply(uncached, false), true: reply(uncached, true)}
	r := NewRouter(nil, defaultIndex(t), &fakeQuiz{}, Options{LookupCache: 10})
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			public := i%2 == 0
			for range 50 {
				if got := reply(r, public); got != want[public] {
					t.Errorf("concurrent reply (public %v) %s, want %s", public, got, want[public])
					return
				}
			}
		})
	}
	wg.Wait()
}
