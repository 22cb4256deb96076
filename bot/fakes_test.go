package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/devopsbot/devopsbot/index"
	"github.com/devopsbot/devopsbot/quiz"
)

// fakeSearcher is a Searcher with one function field per method.
type fakeSearcher struct {
	SearchFn  func(ctx context.Context, query string, k int) ([]index.Hit, error)
	SuggestFn func(ctx context.Context, query string, k int) []string
	AskFn     func(ctx context.Context, q index.Question) (index.Answer, error)
}

func (f *fakeSearcher) Search(ctx context.Context, query string, k int) ([]index.Hit, error) {
	if f.SearchFn == nil {
		return nil, errors.New("fake: Search not expected")
	}
	return f.SearchFn(ctx, query, k)
}

func (f *fakeSearcher) Suggest(ctx context.Context, query string, k int) []string {
	if f.SuggestFn == nil {
		return nil
	}
	return f.SuggestFn(ctx, query, k)
}

func (f *fakeSearcher) Ask(ctx context.Context, q index.Question) (index.Answer, error) {
	if f.AskFn == nil {
		return index.Answer{}, errors.New("fake: Ask not expected")
	}
	return f.AskFn(ctx, q)
}

// fakeQuiz is a Quiz with one function field per method.
type fakeQuiz struct {
	PracticeFn       func(ctx context.Context, user string) (quiz.Question, error)
	PracticeFromFn   func(ctx context.Context, user, doc, section string) (quiz.Question, error)
	AnswerPracticeFn func(ctx context.Context, user, questionID string, choice int) (quiz.Result, error)
	AnswerRoundFn    func(ctx context.Context, roundID, user string, choice int) (quiz.Result, error)
	RoundFn          func(ctx context.Context, id string) (quiz.Round, error)
	LeaderboardFn    func(ctx context.Context, p quiz.Period, limit int) ([]quiz.Standing, error)
	StatsFn          func(ctx context.Context, user string) (quiz.Stats, error)
	QuestionFn       func(id string) (quiz.Question, bool)
	FlagFn           func(ctx context.Context, user, questionID string, reason quiz.FlagReason, admin bool) (quiz.FlagResult, error)
	FlagsFn          func(ctx context.Context) ([]quiz.Flagged, error)
	RestoreFn        func(ctx context.Context, questionID string) (int, error)
	DaysToExamFn     func() (int, bool)
	ExportFn         func(ctx context.Context, w io.Writer) (int, error)
}

func (f *fakeQuiz) Export(ctx context.Context, w io.Writer) (int, error) {
	if f.ExportFn == nil {
		return 0, errUnexpected
	}
	return f.ExportFn(ctx, w)
}

var errUnexpected = errors.New("fake: not expected")

func (f *fakeQuiz) Practice(ctx context.Context, user string) (quiz.Question, error) {
	if f.PracticeFn == nil {
		return quiz.Question{}, errUnexpected
	}
	return f.PracticeFn(ctx, user)
}

func (f *fakeQuiz) PracticeFrom(ctx context.Context, user, doc, section string) (quiz.Question, error) {
	if f.PracticeFromFn == nil {
		return quiz.Question{}, errUnexpected
	}
	return f.PracticeFromFn(ctx, user, doc, section)
}

func (f *fakeQuiz) AnswerPractice(ctx context.Context, user, questionID string, choice int) (quiz.Result, error) {
	if f.AnswerPracticeFn == nil {
		return quiz.Result{}, errUnexpected
	}
	return f.AnswerPracticeFn(ctx, user, questionID, choice)
}

func (f *fakeQuiz) AnswerRound(ctx context.Context, roundID, user string, choice int) (quiz.Result, error) {
	if f.AnswerRoundFn == nil {
		return quiz.Result{}, errUnexpected
	}
	return f.AnswerRoundFn(ctx, roundID, user, choice)
}

func (f *fakeQuiz) Round(ctx context.Context, id string) (quiz.Round, error) {
	if f.RoundFn == nil {
		return quiz.Round{}, errUnexpected
	}
	return f.RoundFn(ctx, id)
}

func (f *fakeQuiz) Leaderboard(ctx context.Context, p quiz.Period, limit int) ([]quiz.Standing, error) {
	if f.LeaderboardFn == nil {
		return nil, errUnexpected
	}
	return f.LeaderboardFn(ctx, p, limit)
}

func (f *fakeQuiz) Stats(ctx context.Context, user string) (quiz.Stats, error) {
	if f.StatsFn == nil {
		return quiz.Stats{}, errUnexpected
	}
	return f.StatsFn(ctx, user)
}

func (f *fakeQuiz) Question(id string) (quiz.Question, bool) {
	if f.QuestionFn == nil {
		return quiz.Question{}, false
	}
	return f.QuestionFn(id)
}

func (f *fakeQuiz) Flag(ctx context.Context, user, questionID string, reason quiz.FlagReason, admin bool) (quiz.FlagResult, error) {
	if f.FlagFn == nil {
		return quiz.FlagResult{}, errUnexpected
	}
	return f.FlagFn(ctx, user, questionID, reason, admin)
}

func (f *fakeQuiz) Flags(ctx context.Context) ([]quiz.Flagged, error) {
	if f.FlagsFn == nil {
		return nil, errUnexpected
	}
	return f.FlagsFn(ctx)
}

func (f *fakeQuiz) Restore(ctx context.Context, questionID string) (int, error) {
	if f.RestoreFn == nil {
		return 0, errUnexpected
	}
	return f.RestoreFn(ctx, questionID)
}

func (f *fakeQuiz) DaysToExam() (int, bool) {
	if f.DaysToExamFn == nil {
		return 0, false
	}
	return f.DaysToExamFn()
}

// fakeDaily is a Daily with one function field per method.
type fakeDaily struct {
	PostFn  func(ctx context.Context) error
	CloseFn func(ctx context.Context) error
}

func (f *fakeDaily) Post(ctx context.Context) error  { return f.PostFn(ctx) }
func (f *fakeDaily) Close(ctx context.Context) error { return f.CloseFn(ctx) }

// Sample data.

var canaryHit = index.Hit{
	Doc:   "devops-engineer-professional",
	ID:    "4_2_4",
	Title: "Canary",
	Path:  []string{"Concepts", "Deployment strategies", "Canary"},
	Score: 3.2,
	Facts: []index.HitFact{
		{Text: "Canary: shift 10% of traffic to the new version, then the rest", Matches: []index.Span{{Start: 0, End: 6}}},
		{Text: "CodeDeploy supports canary for Lambda & ECS <not EC2>", Matches: []index.Span{{Start: 20, End: 26}}},
	},
}

var limitsHit = index.Hit{
	Doc:   "devops-engineer-professional",
	ID:    "4_2_2_2/limits",
	Title: "Limits",
	Path:  []string{"Services", "CloudFormation", "Limits"},
	Facts: []index.HitFact{
		{Text: "Max template size (stored in S3): 460kB", Matches: []index.Span{{Start: 13, End: 17}}},
	},
}

var sampleQuestion = quiz.Question{
	ID:          "q-cfn-hup",
	Stem:        "Which helper script checks for metadata updates and runs hooks?",
	Options:     []string{"cfn-init", "cfn-hup", "cfn-signal", "cfn-get-metadata"},
	Correct:     1,
	Explanation: "cfn-hup: a daemon that checks for updates to metadata and runs custom hooks",
	Source:      quiz.Source{Doc: "devops-engineer-professional", Section: "4_2_2_5", Path: []string{"Services", "CloudFormation", "Helper scripts"}},
	Domains:     []int{1},
}

// Assertions on responses.

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	return b
}

// payload is what a transport sends to Slack for a response.
func payload(r Response) map[string]any {
	return map[string]any{"text": r.slack().Text, "blocks": r.slack().Blocks}
}

// buttonsOf returns the buttons of a response's blocks.
func buttonsOf(r Response) []*slack.ButtonBlockElement {
	var out []*slack.ButtonBlockElement
	for _, b := range r.slack().Blocks {
		if s, ok := b.(*slack.SectionBlock); ok && s.Accessory != nil && s.Accessory.ButtonElement != nil {
			out = append(out, s.Accessory.ButtonElement)
		}
		if a, ok := b.(*slack.ActionBlock); ok && a.Elements != nil {
			for _, e := range a.Elements.ElementSet {
				if btn, ok := e.(*slack.ButtonBlockElement); ok {
					out = append(out, btn)
				}
			}
		}
	}
	return out
}

func buttonWith(r Response, action string) *slack.ButtonBlockElement {
	for _, b := range buttonsOf(r) {
		if actionBase(b.ActionID) == action {
			return b
		}
	}
	return nil
}

// blocksText is all the text in a response's blocks, for assertions.
func blocksText(r Response) string {
	var b strings.Builder
	for _, bl := range r.slack().Blocks {
		switch x := bl.(type) {
		case *slack.HeaderBlock:
			b.WriteString(x.Text.Text + "\n")
		case *slack.SectionBlock:
			if x.Text != nil {
				b.WriteString(x.Text.Text + "\n")
			}
			if x.Accessory != nil && x.Accessory.ButtonElement != nil {
				b.WriteString("[" + x.Accessory.ButtonElement.Text.Text + "]\n")
			}
		case *slack.ContextBlock:
			for _, e := range x.ContextElements.Elements {
				if t, ok := e.(*slack.TextBlockObject); ok {
					b.WriteString(t.Text + "\n")
				}
			}
		case *slack.ActionBlock:
			for _, e := range x.Elements.ElementSet {
				if btn, ok := e.(*slack.ButtonBlockElement); ok {
					b.WriteString("[" + btn.Text.Text + "]\n")
				}
			}
		}
	}
	return b.String()
}

// checkSlackLimits fails when a response would be refused or cut by Slack,
// or is too big for a Socket Mode ack.
func checkSlackLimits(t *testing.T, r Response) {
	t.Helper()
	raw := mustJSON(t, payload(r))
	if len(raw) >= 20*1024 {
		t.Errorf("payload is %d bytes, Socket Mode drops acks of 20 KB", len(raw))
	}
	if len(raw) > 16*1024 {
		t.Errorf("payload is %d bytes, over our 16 KB budget", len(raw))
	}
	// Round trip through slack-go's decoder: the blocks are valid Block Kit.
	var back struct {
		Blocks slack.Blocks `json:"blocks"`
	}
	if err := json.Unmarshal(raw, &back); err != nil {
		t.Fatalf("blocks do not decode: %v", err)
	}
	if len(back.Blocks.BlockSet) != len(r.slack().Blocks) {
		t.Errorf("decoded %d blocks, want %d", len(back.Blocks.BlockSet), len(r.slack().Blocks))
	}
	if len(r.slack().Blocks) > 50 {
		t.Errorf("%d blocks, Slack allows 50", len(r.slack().Blocks))
	}
	if r.slack().Text == "" {
		t.Errorf("no plain-text fallback")
	}
	ids := map[string]bool{}
	for i, bl := range r.slack().Blocks {
		switch x := bl.(type) {
		case *slack.HeaderBlock:
			if x.Text.Type != slack.PlainTextType {
				t.Errorf("block %d: header text type %q", i, x.Text.Type)
			}
			if n := utf8.RuneCountInString(x.Text.Text); n > 150 || n == 0 {
				t.Errorf("block %d: header of %d characters", i, n)
			}
		case *slack.SectionBlock:
			if x.Text == nil || strings.TrimSpace(x.Text.Text) == "" {
				t.Errorf("block %d: empty section", i)
				continue
			}
			if n := utf8.RuneCountInString(x.Text.Text); n > 3000 {
				t.Errorf("block %d: section text of %d characters", i, n)
			}
			if x.Text.Type == slack.MarkdownType && !x.Text.Verbatim {
				t.Errorf("block %d: mrkdwn not verbatim: Slack would auto-link @channel in user text", i)
			}
			checkMrkdwn(t, x.Text.Text)
		case *slack.ContextBlock:
			if n := len(x.ContextElements.Elements); n == 0 || n > 10 {
				t.Errorf("block %d: context with %d elements", i, n)
			}
			for _, e := range x.ContextElements.Elements {
				if tx, ok := e.(*slack.TextBlockObject); ok {
					if n := utf8.RuneCountInString(tx.Text); n > 2000 || n == 0 {
						t.Errorf("block %d: context text of %d characters", i, n)
					}
					checkMrkdwn(t, tx.Text)
				}
			}
		case *slack.ActionBlock:
			if n := len(x.Elements.ElementSet); n == 0 || n > 25 {
				t.Errorf("block %d: actions with %d elements", i, n)
			}
		case *slack.DividerBlock:
		default:
			t.Errorf("block %d: unexpected type %T", i, bl)
		}
	}
	for _, b := range buttonsOf(r) {
		if n := utf8.RuneCountInString(b.Text.Text); n > 75 || n == 0 {
			t.Errorf("button text of %d characters: %q", n, b.Text.Text)
		}
		if len(b.Value) > 2000 {
			t.Errorf("button value of %d bytes", len(b.Value))
		}
		if len(b.ActionID) > 255 || b.ActionID == "" {
			t.Errorf("bad action_id %q", b.ActionID)
		}
		if ids[b.ActionID] {
			t.Errorf("action_id %q repeated in one message", b.ActionID)
		}
		ids[b.ActionID] = true
	}
}

// checkMrkdwn fails on raw & < > that Slack would read as markup: every <
// must open a link or mention we made, every & an entity.
func checkMrkdwn(t *testing.T, s string) {
	t.Helper()
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '<':
			if !strings.HasPrefix(s[i:], "<@") && !strings.HasPrefix(s[i:], "<http") {
				t.Errorf("raw < in mrkdwn at %d: %q", i, excerpt(s, i))
			}
		case '&':
			if !strings.HasPrefix(s[i:], "&amp;") && !strings.HasPrefix(s[i:], "&lt;") && !strings.HasPrefix(s[i:], "&gt;") {
				t.Errorf("raw & in mrkdwn at %d: %q", i, excerpt(s, i))
			}
		}
	}
	// Asterisks outside code spans come in pairs (Slack shows * inside code as is).
	outside := s
	for {
		i := strings.IndexByte(outside, '`')
		if i < 0 {
			break
		}
		j := strings.IndexByte(outside[i+1:], '`')
		if j < 0 {
			break
		}
		outside = outside[:i] + outside[i+1+j+1:]
	}
	if strings.Count(outside, "*")%2 != 0 {
		t.Errorf("unbalanced * in mrkdwn: %q", excerpt(s, 0))
	}
}

func excerpt(s string, i int) string {
	lo, hi := max(0, i-30), min(len(s), i+30)
	return s[lo:hi]
}

// logBuffer returns a logger writing to a buffer.
func logBuffer() (*slog.Logger, *bytes.Buffer) {
	var b bytes.Buffer
	return slog.New(slog.NewTextHandler(&b, nil)), &b
}

// slack is r as Slack gets it, for tests that read the text or the blocks.
func (r Response) slack() slackMessage { return renderSlack(r) }
