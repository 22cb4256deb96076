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
	PracticeDomainFn func(ctx context.Context, user string, domain int) (quiz.Question, error)
	PracticeMissedFn func(ctx context.Context, user string) (quiz.Question, error)
	LatestRoundsFn   func(ctx context.Context, user string, n int) ([]quiz.Seen, error)
	AnswerPracticeFn func(ctx context.Context, user, questionID string, choice int) (quiz.Result, error)
	AnswerRoundFn    func(ctx context.Context, roundID, user string, choice int) (quiz.Result, error)
	RoundFn          func(ctx context.Context, id string) (quiz.Round, error)
	LeaderboardFn    func(ctx context.Context, p quiz.Period, channel string, limit int) ([]quiz.Standing, error)
	QuizChannelsFn   func(ctx context.Context) ([]quiz.Channel, error)
	SetChannelFn     func(ctx context.Context, c quiz.Channel) (quiz.Channel, error)
	RemoveChannelFn  func(ctx context.Context, id string) (bool, error)
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

func (f *fakeQuiz) PracticeDomain(ctx context.Context, user string, domain int) (quiz.Question, error) {
	if f.PracticeDomainFn == nil {
		return quiz.Question{}, errUnexpected
	}
	return f.PracticeDomainFn(ctx, user, domain)
}

func (f *fakeQuiz) PracticeMissed(ctx context.Context, user string) (quiz.Question, error) {
	if f.PracticeMissedFn == nil {
		return quiz.Question{}, errUnexpected
	}
	return f.PracticeMissedFn(ctx, user)
}

func (f *fakeQuiz) LatestRounds(ctx context.Context, user string, n int) ([]quiz.Seen, error) {
	if f.LatestRoundsFn == nil {
		return nil, errUnexpected
	}
	return f.LatestRoundsFn(ctx, user, n)
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

// Leaderboard is ChannelLeaderboard over every channel, as in the engine.
func (f *fakeQuiz) Leaderboard(ctx context.Context, p quiz.Period, limit int) ([]quiz.Standing, error) {
	return f.ChannelLeaderboard(ctx, p, "", limit)
}

func (f *fakeQuiz) ChannelLeaderboard(ctx context.Context, p quiz.Period, channel string, limit int) ([]quiz.Standing, error) {
	if f.LeaderboardFn == nil {
		return nil, errUnexpected
	}
	return f.LeaderboardFn(ctx, p, channel, limit)
}

func (f *fakeQuiz) QuizChannels(ctx context.Context) ([]quiz.Channel, error) {
	if f.QuizChannelsFn == nil {
		return nil, errUnexpected
	}
	return f.QuizChannelsFn(ctx)
}

// QuizChannel finds id in QuizChannelsFn's list, as the engine does.
func (f *fakeQuiz) QuizChannel(ctx context.Context, id string) (quiz.Channel, bool, error) {
	cs, err := f.QuizChannels(ctx)
	for _, c := range cs {
		if c.ID == id {
			return c, true, err
		}
	}
	return quiz.Channel{}, false, err
}

func (f *fakeQuiz) SetQuizChannel(ctx context.Context, c quiz.Channel) (quiz.Channel, error) {
	if f.SetChannelFn == nil {
		return quiz.Channel{}, errUnexpected
	}
	return f.SetChannelFn(ctx, c)
}

func (f *fakeQuiz) RemoveQuizChannel(ctx context.Context, id string) (bool, error) {
	if f.RemoveChannelFn == nil {
		return false, errUnexpected
	}
	return f.RemoveChannelFn(ctx, id)
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

// fakeDaily is a Daily with one function field per method (Refresh and
// Calendar do nothing when theirs is nil).
type fakeDaily struct {
	PostFn     func(ctx context.Context, channel string) error
	CloseFn    func(ctx context.Context, channel string) error
	RefreshFn  func(ctx context.Context) error
	CalendarFn func(channel string) (DailyCalendar, bool)
}

func (f *fakeDaily) Post(ctx context.Context, channel string) error  { return f.PostFn(ctx, channel) }
func (f *fakeDaily) Close(ctx context.Context, channel string) error { return f.CloseFn(ctx, channel) }

func (f *fakeDaily) Refresh(ctx context.Context) error {
	if f.RefreshFn == nil {
		return nil
	}
	return f.RefreshFn(ctx)
}

func (f *fakeDaily) Calendar(channel string) (DailyCalendar, bool) {
	if f.CalendarFn == nil {
		return DailyCalendar{}, false
	}
	return f.CalendarFn(channel)
}

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

func mustJSON(t testing.TB, v any) []byte {
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
func blocksText(r Response) string { return textOfBlocks(r.slack().Blocks) }

// textOfBlocks is all the text in blocks, for assertions.
func textOfBlocks(blocks []slack.Block) string {
	var b strings.Builder
	for _, bl := range blocks {
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

// logBuffer returns a logger writing to a buffer.
func logBuffer() (*slog.Logger, *bytes.Buffer) {
	var b bytes.Buffer
	return slog.New(slog.NewTextHandler(&b, nil)), &b
}

// slack is r as Slack gets it, for tests that read the text or the blocks.
func (r Response) slack() slackMessage { return renderSlack(r) }
