package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/slack-go/slack"

	"github.com/devopsbot/devopsbot/bot/slackfake"
	"github.com/devopsbot/devopsbot/index"
	"github.com/devopsbot/devopsbot/notes"
	"github.com/devopsbot/devopsbot/quiz"
)

// marshalReply must give exactly the bytes of json.Marshal for every reply.
func TestMarshalReplyMatchesEncodingJSON(t *testing.T) {
	odd := "a \"q\" \\ <b> & c\n\td\r\b\f\x01\x1f é ∗ \u2028\u2029 \xff\xfe 日本 `x` *y* _z_ ~w~ @channel <!here>"
	hits := []index.Hit{limitsHit, canaryHit, {Doc: odd, ID: odd, Title: odd, Path: []string{odd, "Canary"},
		Facts: []index.HitFact{{Text: odd, Matches: []index.Span{{Start: 0, End: 1}, {Start: 20, End: 24}}}}}}
	v := view{notesURL: "https://notes.example/a b|c<d>"}
	round := quiz.Round{ID: "2026-11-26T09:00:00Z", Question: sampleQuestion, OpenedAt: fixedNow}
	emoji := false
	tests := []struct {
		name string
		msg  slackMessage
	}{
		{"lookup", renderLookup("template size", hits, v).slack()},
		{"lookup odd query", renderLookup(odd, hits, view{public: true, sharedBy: "U1"}).slack()},
		{"nothing", renderNothing(odd, []string{odd, "CodeDeploy"}, v).slack()},
		{"ask", renderAsk(index.Question{Text: odd, Options: []index.Option{{Key: "A", Text: odd}, {Key: "B", Text: "b"}}},
			index.Answer{Chosen: "A", Decided: true, Confidence: 0.9, Sections: hits,
				Options: []index.OptionScore{{Key: "A", Text: odd, Score: 1, Evidence: []index.Evidence{{ID: "x", Path: []string{odd}, Fact: odd, Cover: 1}}}, {Key: "B", Text: "b"}}}, odd, v).slack()},
		{"practice", renderPractice(sampleQuestion).slack()},
		{"daily", RenderDaily(round, 3, 9, true).slack()},
		{"close", RenderClose(quiz.Summary{Round: round, Answered: 4, Correct: 3}).slack()},
		{"help", renderHelp(subcommands, true, "/devops ").slack()},
		{"text only", textResponse(true, plain(odd)).slack()},
		{"no blocks", slackMessage{Text: odd}},
		{"every field", slackMessage{Text: "x", Blocks: []slack.Block{
			&slack.HeaderBlock{Type: slack.MBTHeader, Text: slack.NewTextBlockObject(slack.PlainTextType, odd, true, false), BlockID: odd, Level: 2},
			&slack.SectionBlock{Type: slack.MBTSection, BlockID: "b", Expand: true, Accessory: slack.NewAccessory(&slack.ButtonBlockElement{
				Type: slack.METButton, ActionID: odd, URL: odd, Value: odd, Style: slack.StyleDanger, AccessibilityLabel: odd, AgentPrompt: "p", AgentPromptDisplay: "d"})},
			&slack.ContextBlock{Type: slack.MBTContext, BlockID: "c", ContextElements: slack.ContextElements{Elements: []slack.MixedElement{
				&slack.TextBlockObject{Type: slack.MarkdownType, Text: odd, Emoji: &emoji}}}},
			&slack.DividerBlock{Type: slack.MBTDivider, BlockID: "d"},
			slack.NewActionBlock("e", &slack.ButtonBlockElement{Text: slack.NewTextBlockObject(slack.PlainTextType, "b", false, false)}),
		}}},
		{"falls back: image", slackMessage{Text: "x", Blocks: []slack.Block{slack.NewDividerBlock(), slack.NewImageBlock("https://x/y.png", "alt", "", nil)}}},
		{"falls back: confirm", slackMessage{Text: "x", Blocks: []slack.Block{slack.NewActionBlock("", &slack.ButtonBlockElement{Type: slack.METButton, Confirm: &slack.ConfirmationBlockObject{}})}}},
	}
	for _, tt := range tests {
		for _, eph := range []bool{false, true} {
			r := tt.msg.slashReply(eph)
			want, err := json.Marshal(r)
			if err != nil {
				t.Fatalf("%s: json.Marshal: %v", tt.name, err)
			}
			got, err := marshalReply(r)
			if err != nil {
				t.Fatalf("%s: marshalReply: %v", tt.name, err)
			}
			if _, fast := appendReply(nil, r); fast == strings.HasPrefix(tt.name, "falls back") {
				t.Errorf("%s: encoded without json.Marshal: %v", tt.name, fast)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s (ephemeral %v):\n got %s\nwant %s", tt.name, eph, got, want)
			}
		}
	}
}

// BenchmarkSlashReplyJSON compares the hand-written encoder with
// encoding/json on a typical lookup reply (three sections with buttons).
//
//	go test ./bot -run '^$' -bench SlashReplyJSON
func BenchmarkSlashReplyJSON(b *testing.B) {
	r := newSlashReply(renderLookup("template size", []index.Hit{limitsHit, canaryHit, limitsHit},
		view{notesURL: "https://notes.example/n.md"}))
	b.Run("marshalReply", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := marshalReply(r); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding/json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := json.Marshal(r); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// Every byte and a few runes, alone and in text, encode and count as
// encoding/json does.
func TestJSONStringMatchesEncodingJSON(t *testing.T) {
	var texts []string
	for c := range 256 {
		texts = append(texts, string([]byte{byte(c)}), "a"+string([]byte{byte(c)})+"b")
		// At every place of the eight-byte words read at once, and
		// after them.
		for at := range 20 {
			b := []byte(strings.Repeat("plain ASCII text", 2))
			b[at] = byte(c)
			texts = append(texts, string(b))
		}
	}
	for _, r := range "é日  �" {
		for at := range 20 {
			texts = append(texts, strings.Repeat("x", at)+string(r)+strings.Repeat("y", 20-at))
		}
	}
	texts = append(texts, "", "Auto Scaling › lifecycle hooks", "\u2028 \u2029", "<@U1> & <#C1>", "\xff\xfe", "日本語 \t\"q\"\\")
	for _, s := range texts {
		want, _ := json.Marshal(s)
		if got := appendJSONString(nil, s); !bytes.Equal(got, want) {
			t.Errorf("appendJSONString(%q) = %s, want %s", s, got, want)
		}
		if got := jsonLen(s); got != len(want) {
			t.Errorf("jsonLen(%q) = %d, want %d", s, got, len(want))
		}
	}
}

// encodeSlash gives the bytes of marshalReply(newSlashReply(r)) whether
// the blocks fit as they are or are trimmed: replies around the payload
// budget a byte at a time, with and without a final row of buttons, with
// more blocks than a message holds, and the renderers' replies.
func TestEncodeSlashMatchesFittedReply(t *testing.T) {
	untrimmed, trimmed := 0, 0
	para := strings.Repeat("word ", 480) + "& <x>" // 2.4 KB
	reply := func(extra int, tail bool) Response {
		m := &Response{}
		for range 4 {
			m.text(plain(para))
		}
		m.text(plain(strings.Repeat("x", extra)))
		if tail {
			m.buttons(button{label: "Share", actionID: ActionShare, value: "v"})
		}
		return *m
	}
	fits := func(r Response) bool {
		_, ok := appendUntrimmed(fallbackText(r), r, messageBudget)
		return ok
	}
	for _, tail := range []bool{false, true} {
		// The longest last paragraph that still fits, then a byte at a
		// time on either side of it.
		edge := sort.Search(2900, func(n int) bool { return !fits(reply(n, tail)) })
		if edge == 0 || edge == 2900 {
			t.Fatalf("tail %v: no edge of the payload budget in reach (%d)", tail, edge)
		}
		for extra := edge - 40; extra < edge+40; extra++ {
			r := reply(extra, tail)
			checkEncodeSlash(t, "near the payload budget", r)
			// The one-pass encoding is used exactly when fitBlocks
			// keeps every block.
			built := buildBlocks(r)
			kept, _ := json.Marshal(built)
			fitted, _ := json.Marshal(renderBlocks(r, jsonLen(fallbackText(r)), messageBudget))
			if fits(r) != bytes.Equal(kept, fitted) {
				t.Fatalf("tail %v, last paragraph of %d bytes: one pass %v, fitBlocks keeps every block %v", tail, extra, fits(r), bytes.Equal(kept, fitted))
			}
			if fits(r) {
				untrimmed++
			} else {
				trimmed++
			}
		}
	}
	if untrimmed == 0 || trimmed == 0 {
		t.Fatalf("%d replies fit and %d were trimmed: the budget's edge is not tested", untrimmed, trimmed)
	}
	many := &Response{}
	for i := range 60 {
		many.context(plain(strings.Repeat("c", i)))
	}
	checkEncodeSlash(t, "more blocks than a message holds", *many)
	many.buttons(button{label: "Share", actionID: ActionShare, value: "v"})
	checkEncodeSlash(t, "more blocks, a row of buttons", *many)
	checkEncodeSlash(t, "a row of buttons only", func() Response { m := &Response{}; m.buttons(button{label: "b", actionID: ActionShare}); return *m }())
	checkEncodeSlash(t, "nothing", Response{})
	checkEncodeSlash(t, "lookup", renderLookup("template size", []index.Hit{limitsHit, canaryHit}, view{}))
	checkEncodeSlash(t, "help", renderHelp(subcommands, true, "/devops "))
	checkEncodeSlash(t, "a row without buttons", Response{parts: []part{{kind: partText, runs: []run{plain("x")}}, {kind: partButtons}}})
	checkEncodeSlash(t, "blank parts only", func() Response { m := &Response{}; m.header(" "); m.text(plain("\n")); m.context(); return *m }())
}

// The blocks' JSON written straight from a Response's parts is
// byte for byte the JSON of the Block Kit values buildBlocks makes, for the
// lookup reply of every soak query over the default notes in each view
// (private, shared in a channel, public, with links and document names),
// the "nothing matched" replies, and the other renderers' replies; and
// encodeSlash gives the same bytes as the way through slack-go values.
func TestPartBlocksMatchBuiltBlocks(t *testing.T) {
	check := func(name string, r Response) {
		t.Helper()
		want := []byte{}
		built := buildBlocks(r)
		for i, blk := range built {
			if i > 0 {
				want = append(want, ',')
			}
			var ok bool
			if want, ok = appendBlock(want, blk); !ok {
				t.Fatalf("%s: appendBlock does not know a block buildBlocks made", name)
			}
		}
		got, n, actionsLast, ok := appendPartBlocks(nil, r.parts)
		if !ok || !bytes.Equal(got, want) {
			t.Fatalf("%s: appendPartBlocks (ok %v)\n%s\nwant\n%s", name, ok, got, want)
		}
		lastActions := false
		if len(built) > 0 {
			_, lastActions = built[len(built)-1].(*slack.ActionBlock)
		}
		if n != len(built) || actionsLast != lastActions {
			t.Fatalf("%s: %d blocks, last a row of buttons %v; want %d, %v", name, n, actionsLast, len(built), lastActions)
		}
		checkEncodeSlash(t, name, r)
	}
	doc, err := notes.Default()
	if err != nil {
		t.Fatal(err)
	}
	ix := defaultIndex(t)
	views := []view{
		{},
		{public: true, sharedBy: "U0123ABCD"},
		{public: true, notesURL: "https://notes.example/devops notes.md", showDoc: true},
		{shared: true, thread: "1700000000.000100"},
	}
	queries := slackfake.Lookups(doc)
	for i, q := range queries {
		hits, err := ix.Search(context.Background(), q, lookupHits)
		if err != nil && !errors.Is(err, index.ErrEmptyQuery) {
			t.Fatal(err)
		}
		v := views[i%len(views)]
		if len(hits) == 0 {
			check("nothing: "+q, renderNothing(q, ix.Suggest(context.Background(), q, 5), v))
			continue
		}
		check("lookup: "+q, renderLookup(q, hits, v))
	}
	round := quiz.Round{ID: "2026-11-26T09:00:00Z", Question: sampleQuestion, OpenedAt: fixedNow}
	odd := "a \"q\" \\ <b> & c\n\td\r\b\f\x01 é \u2028 \xff 日本 *y* @channel <!here>"
	check("odd lookup", renderLookup(odd, []index.Hit{limitsHit, canaryHit, {Doc: odd, ID: odd, Title: odd, Path: []string{odd},
		Facts: []index.HitFact{{Text: odd}}}}, view{sharedBy: odd, notesURL: odd}))
	check("nothing with odd suggestions", renderNothing(odd, []string{odd, "CodeDeploy"}, view{}))
	check("practice", renderPractice(sampleQuestion))
	check("daily", RenderDaily(round, 3, 9, true))
	check("close", RenderClose(quiz.Summary{Round: round, Answered: 4, Correct: 3}))
	check("help", renderHelp(subcommands, true, "/devops "))
	many := &Response{}
	for i := range 30 {
		many.buttons(button{label: odd, actionID: ActionLookup, value: fmt.Sprint(i), primary: i%2 == 0, a11y: odd})
	}
	check("buttons over a row's limit", *many)
}

// checkEncodeSlash checks that r.encodeSlash gives marshalReply's bytes for
// r, private and shared.
func checkEncodeSlash(t *testing.T, name string, r Response) {
	t.Helper()
	for _, eph := range []bool{false, true} {
		r.Ephemeral = eph
		want, err := marshalReply(newSlashReply(r))
		if err != nil {
			t.Fatal(err)
		}
		got, err := r.encodeSlash()
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("%s: encodeSlash (%v)\n%s\nwant\n%s", name, err, got, want)
		}
	}
}
