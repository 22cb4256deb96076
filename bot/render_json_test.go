package bot

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/slack-go/slack"

	"github.com/devopsbot/devopsbot/index"
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
				Options: []index.OptionScore{{Key: "A", Text: odd, Score: 1, Evidence: []index.Evidence{{ID: "x", Path: []string{odd}, Fact: odd}}}, {Key: "B", Text: "b"}}}, odd, v).slack()},
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
