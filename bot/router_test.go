package bot

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/devopsbot/devopsbot/index"
	"github.com/devopsbot/devopsbot/notes"
	"github.com/devopsbot/devopsbot/quiz"
)

var fixedNow = time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)

// newTestRouter returns a router over fakes that record what they are
// asked; opts.Now is fixed.
func newTestRouter(s *fakeSearcher, q *fakeQuiz, opts Options) *Router {
	if s == nil {
		s = &fakeSearcher{}
	}
	if q == nil {
		q = &fakeQuiz{}
	}
	opts.Now = func() time.Time { return fixedNow }
	return NewRouter(nil, s, q, opts)
}

func TestCommandRoutes(t *testing.T) {
	var searched, practiced, board, statsFor string
	s := &fakeSearcher{
		SearchFn: func(ctx context.Context, q string, k int) ([]index.Hit, error) {
			searched = q
			return []index.Hit{canaryHit, limitsHit}, nil
		},
		AskFn: func(ctx context.Context, q index.Question) (index.Answer, error) {
			return index.Answer{Chosen: "B", Decided: true, Confidence: 0.85, Options: []index.OptionScore{
				{Key: "A", Text: "Rolling"}, {Key: "B", Text: "Canary", Score: 2, Evidence: []index.Evidence{{ID: "4_2_4", Path: canaryHit.Path, Fact: "shift 10% of traffic", Cover: 1}}},
			}, Sections: []index.Hit{canaryHit}}, nil
		},
	}
	q := &fakeQuiz{
		PracticeFn: func(ctx context.Context, user string) (quiz.Question, error) {
			practiced = user
			return sampleQuestion, nil
		},
		LeaderboardFn: func(ctx context.Context, p quiz.Period, channel string, limit int) ([]quiz.Standing, error) {
			board = string(p)
			return []quiz.Standing{{Rank: 1, User: "U1", Points: 30, Answered: 3, Correct: 3, Accuracy: 1}}, nil
		},
		StatsFn: func(ctx context.Context, user string) (quiz.Stats, error) {
			statsFor = user
			return quiz.Stats{User: user, Answered: 4, Correct: 3, Accuracy: 0.75, Streak: 2, BestStreak: 3,
				Domains: []quiz.DomainStats{{Domain: 1, Name: "SDLC Automation", Answered: 4, Correct: 3, Accuracy: 0.75}}, Weakest: 1}, nil
		},
	}
	r := newTestRouter(s, q, Options{NotesURL: "https://notes.example/devops.md"})

	tests := []struct {
		name       string
		text       string
		want       []string // in the blocks' text
		wantSearch string
		wantBoard  string
		wantStats  string
		wantButton string
	}{
		{name: "help when empty", text: "", want: []string{"lookup", "leaderboard", "stats"}},
		{name: "help", text: "help", want: []string{"quiz"}},
		{name: "explicit lookup", text: "lookup canary", wantSearch: "canary",
			want: []string{"Concepts › Deployment strategies › Canary", "*Canary*", "https://notes.example/devops.md#4_2_4", "&amp;", "&lt;not EC2&gt;"}, wantButton: ActionShare},
		{name: "default is lookup", text: "template size limit", wantSearch: "template size limit",
			want: []string{"CloudFormation › Limits", "*size*", "#4_2_2_2|"}, wantButton: ActionQuizMe},
		{name: "lookup without words", text: "lookup", want: []string{"What should I look up?"}},
		{name: "ask decided", text: "ask Which strategy? A) Rolling B) Canary", want: []string{"Answer: B (Canary)", "high confidence (85%)", "shift 10% of traffic"}, wantButton: ActionShare},
		{name: "ask without text", text: "ask", want: []string{"Paste an exam question"}},
		{name: "quiz", text: "quiz", want: []string{"Which helper script", "*A)*", "cfn-get-metadata"}, wantButton: ActionAnswerPractice},
		{name: "quiz me is not a topic", text: "quiz me!", want: []string{"Which helper script"}, wantButton: ActionAnswerPractice},
		{name: "leaderboard default week", text: "leaderboard", wantBoard: "week", want: []string{"this week", "<@U1>", "30 pts"}, wantButton: ActionShare},
		{name: "leaderboard month", text: "leaderboard month", wantBoard: "month", want: []string{"this month"}},
		{name: "leaderboard all", text: "LEADERBOARD all", wantBoard: "all", want: []string{"all time"}},
		{name: "leaderboard bad period", text: "leaderboard year", want: []string{"Which period?"}},
		{name: "stats self", text: "stats", wantStats: "U9", want: []string{"Readiness of* <@U9>", "75%", "████████░░", "Weakest"}, wantButton: ActionShare},
		{name: "stats mention with name", text: "stats <@U2|bob>", wantStats: "U2", want: []string{"<@U2>"}},
		{name: "stats mention", text: "stats <@U3>", wantStats: "U3"},
		{name: "stats team", text: "stats team", wantStats: "", want: []string{"Team readiness"}},
		{name: "stats unknown person", text: "stats @bob", want: []string{"Whose stats?"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			searched, board, statsFor = "", "", "-"
			resp := r.Command(context.Background(), Request{User: "U9", UserName: "me", Channel: "C1", Text: tt.text})
			if !resp.Ephemeral {
				t.Errorf("reply is public, want ephemeral")
			}
			checkSlackLimits(t, resp)
			got := blocksText(resp)
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("reply lacks %q:\n%s", w, got)
				}
			}
			if searched != tt.wantSearch {
				t.Errorf("searched %q, want %q", searched, tt.wantSearch)
			}
			if board != tt.wantBoard {
				t.Errorf("leaderboard period %q, want %q", board, tt.wantBoard)
			}
			if tt.wantStats != "" || strings.HasPrefix(tt.text, "stats team") {
				if statsFor != tt.wantStats {
					t.Errorf("stats for %q, want %q", statsFor, tt.wantStats)
				}
			}
			if tt.wantButton != "" && buttonWith(resp, tt.wantButton) == nil {
				t.Errorf("no %s button in:\n%s", tt.wantButton, got)
			}
		})
	}
	if practiced != "U9" {
		t.Errorf("practice for %q, want U9", practiced)
	}
}

func TestLookupReply(t *testing.T) {
	s := &fakeSearcher{SearchFn: func(ctx context.Context, q string, k int) ([]index.Hit, error) {
		if k != 3 {
			t.Errorf("k = %d, want 3", k)
		}
		return []index.Hit{canaryHit, limitsHit, canaryHit, limitsHit}, nil
	}}
	r := newTestRouter(s, nil, Options{})
	resp := r.Command(context.Background(), Request{User: "U1", Text: "canary"})
	checkSlackLimits(t, resp)
	var quizMe []string
	for _, b := range buttonsOf(resp) {
		if actionBase(b.ActionID) == ActionQuizMe {
			quizMe = append(quizMe, b.Value)
		}
	}
	want := []string{"devops-engineer-professional|4_2_4", "devops-engineer-professional|4_2_2_2/limits", "devops-engineer-professional|4_2_4"}
	if fmt.Sprint(quizMe) != fmt.Sprint(want) {
		t.Errorf("quiz me values %q, want %q (top 3)", quizMe, want)
	}
	if b := buttonWith(resp, ActionShare); b == nil || b.Value != "lookup|canary" {
		t.Errorf("share button %+v, want value lookup|canary", b)
	}
	if strings.Contains(blocksText(resp), "http") {
		t.Errorf("links without NotesURL:\n%s", blocksText(resp))
	}
}

func TestLookupNothingMatched(t *testing.T) {
	var suggested string
	s := &fakeSearcher{
		SearchFn: func(ctx context.Context, q string, k int) ([]index.Hit, error) { return nil, nil },
		SuggestFn: func(ctx context.Context, q string, k int) []string {
			suggested = q
			return []string{"CloudTrail", "CloudWatch"}
		},
	}
	r := newTestRouter(s, nil, Options{})
	resp := r.Command(context.Background(), Request{User: "U1", Text: "lookup cloudtrial xyz"})
	checkSlackLimits(t, resp)
	if suggested != "cloudtrial xyz" {
		t.Errorf("suggest asked for %q", suggested)
	}
	got := blocksText(resp)
	if !strings.Contains(got, "Nothing in the notes matched") || !strings.Contains(got, "[CloudTrail]") {
		t.Errorf("reply:\n%s", got)
	}
	b := buttonWith(resp, ActionLookup)
	if b == nil || b.Value != "CloudTrail" {
		t.Fatalf("suggestion button %+v", b)
	}
	// Clicking a suggestion looks it up.
	s.SearchFn = func(ctx context.Context, q string, k int) ([]index.Hit, error) {
		if q != "CloudTrail" {
			t.Errorf("looked up %q", q)
		}
		return []index.Hit{limitsHit}, nil
	}
	res := r.Action(context.Background(), Action{User: "U1", ActionID: b.ActionID, Value: b.Value})
	if res.Reply == nil || !strings.Contains(blocksText(*res.Reply), "Limits") {
		t.Errorf("suggestion click reply %+v", res.Reply)
	}
}

func TestLookupErrors(t *testing.T) {
	tests := []struct {
		name    string
		err     error
		want    string
		wantLog bool
	}{
		{name: "empty query is usage", err: fmt.Errorf("search: %w", index.ErrEmptyQuery), want: "Type a few words"},
		{name: "timeout", err: context.DeadlineExceeded, want: "took too long"},
		{name: "unknown error is an apology and logged", err: errors.New("disk on fire"), want: "Sorry, something went wrong", wantLog: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lg, logs := logBuffer()
			s := &fakeSearcher{SearchFn: func(ctx context.Context, q string, k int) ([]index.Hit, error) { return nil, tt.err }}
			r := NewRouter(lg, s, &fakeQuiz{}, Options{})
			resp := r.Command(context.Background(), Request{User: "U1", Text: "lookup ???"})
			checkSlackLimits(t, resp)
			if !strings.Contains(resp.slack().Text, tt.want) {
				t.Errorf("reply %q, want %q", resp.slack().Text, tt.want)
			}
			if strings.Contains(resp.slack().Text, "disk on fire") {
				t.Errorf("internal error shown to the user: %q", resp.slack().Text)
			}
			if got := strings.Contains(logs.String(), "disk on fire"); got != tt.wantLog {
				t.Errorf("logged = %v, want %v: %s", got, tt.wantLog, logs.String())
			}
		})
	}
}

func TestAskReplies(t *testing.T) {
	twoOpts := []index.OptionScore{
		{Key: "A", Text: "Use a stack policy", Score: 1.0, Evidence: []index.Evidence{{ID: "4_2_2_2/stack-policy", Path: []string{"Services", "CloudFormation", "Stack policy"}, Fact: "Stacks › A stack policy protects resources from updates", Cover: 1}}},
		{Key: "B", Text: "Use a change set", Score: 0.9, Evidence: []index.Evidence{{ID: "4_2_2_3", Path: []string{"Services", "CloudFormation", "Change sets"}, Fact: "Change sets preview changes", Cover: 1}}},
	}
	// sameFact: the runner-up's best fact is the chosen option's own.
	sameFact := []index.OptionScore{twoOpts[0], {Key: "B", Text: "Use a change set", Score: 0.9, Evidence: twoOpts[0].Evidence}}
	unsupported := []index.OptionScore{twoOpts[0], {Key: "B", Text: "Use a change set", Evidence: []index.Evidence{}}}
	tests := []struct {
		name   string
		text   string
		answer index.Answer
		want   []string
		order  []string // substrings that must appear in this order
		not    []string
	}{
		{name: "decided: verdict first, then the deciding fact by its own words and short path, then sources", text: "ask How to protect a DB? A) Use a stack policy B) Use a change set",
			answer: index.Answer{Chosen: "A", RunnerUp: "B", Covered: true, Decided: true, Confidence: 0.72, Options: twoOpts, Sections: []index.Hit{limitsHit}},
			want:   []string{"*Answer: A (Use a stack policy)* — from the notes, good confidence (72%)", "*Why A:* “A stack policy protects resources from updates” — CloudFormation › Stack policy", "Sources: CloudFormation › Limits"},
			order:  []string{"Answer: A", "Why A:", "Sources: "},
			not:    []string{"How to protect a DB", "don't", "guess", "Stacks ›", "Services ›", "Against", "Not B", "Change sets preview"}},
		{name: "the runner-up's own best fact is no reason against it", text: "ask How to protect a DB? A) Use a stack policy B) Use a change set",
			answer: index.Answer{Chosen: "A", RunnerUp: "B", Covered: true, Decided: true, Confidence: 0.9, Options: sameFact},
			want:   []string{"Why A:"},
			not:    []string{"Not B", "Against", "less well"}},
		{name: "a runner-up nothing supports is ruled out by that", text: "ask How to protect a DB? A) Use a stack policy B) Use a change set",
			answer: index.Answer{Chosen: "A", RunnerUp: "B", Covered: true, Decided: true, Confidence: 0.9, Options: unsupported},
			want:   []string{"*Not B:* nothing in the notes supports it."},
			order:  []string{"Why A:", "Not B:"}},
		{name: "choose two names both by letter and label, with a label for the confidence but no shared figure", text: "ask Which two? (Choose two.) A) Use a stack policy B) Use a change set C) Nothing",
			answer: index.Answer{Chosen: "AB", Choose: 2, Covered: true, Decided: true, Confidence: 0.8, Options: twoOpts},
			want:   []string{"Answer: A (Use a stack policy) and B (Use a change set)* — from the notes, good confidence", "Why A:", "Why B:"},
			not:    []string{"80%"}},
		{name: "not covered: says so, a labelled guess, one line of closest sections and no sources or evidence", text: "ask How to protect a DB? A) Use a stack policy B) Use a change set",
			answer: index.Answer{Chosen: "B", RunnerUp: "A", Confidence: 0.2, Options: twoOpts, Note: index.NoteNotCovered, Sections: []index.Hit{limitsHit}},
			want:   []string{"*The notes don't cover this.* Best guess: B (Use a change set) — not from the notes, very low confidence", "Closest sections: CloudFormation › Limits"},
			order:  []string{"don't cover this", "Closest sections: "},
			not:    []string{"Answer:", "Why ", "Closest note", "Sources:", "20%", "protects", "preview"}},
		{name: "a guess by exam technique says so", text: "ask How to protect a DB? A) Use a stack policy B) Use a change set",
			answer: index.Answer{Chosen: "B", RunnerUp: "A", Confidence: 0.2, Options: twoOpts, Note: index.NoteNotCovered,
				Technique: []string{"a managed or automatic feature does the work"}},
			want:  []string{"Guessed by exam technique: unlike the other options, a managed or automatic feature does the work."},
			order: []string{"don't cover this", "Best guess", "exam technique"},
			not:   []string{"Answer:"}},
		{name: "a decided answer shows no exam technique", text: "ask How to protect a DB? A) Use a stack policy B) Use a change set",
			answer: index.Answer{Chosen: "A", RunnerUp: "B", Covered: true, Decided: true, Confidence: 0.8, Options: twoOpts,
				Technique: []string{"a managed or automatic feature does the work"}},
			want: []string{"Answer: A (Use a stack policy)"},
			not:  []string{"exam technique"}},
		{name: "NOT questions are never decided and quote no support for the option the notes support least", text: "ask Which is NOT a way to protect a DB? A) Use a stack policy B) Use a change set",
			answer: index.Answer{Chosen: "B", RunnerUp: "A", Confidence: 0.2, Options: twoOpts, Note: index.NoteInverted},
			want:   []string{"don't decide NOT/EXCEPT", "Best guess: B (Use a change set)"},
			not:    []string{"Answer:", "Closest note", "preview"}},
		{name: "covered but undecided says the notes don't decide, and quotes the closest notes of the guess and the runner-up as that", text: "ask How to protect a DB? A) Use a stack policy B) Use a change set",
			answer: index.Answer{Chosen: "A", RunnerUp: "B", Covered: true, Confidence: 0.45, Options: twoOpts, Note: index.NoteUndecided, Sections: []index.Hit{limitsHit}},
			want: []string{"*The notes don't decide between these options.* Best guess: A (Use a stack policy) — low confidence", "*Closest note for A:* “A stack policy protects",
				"*Closest note for B:* “Change sets preview changes”", "Sources: CloudFormation › Limits"},
			order: []string{"Best guess", "Closest note for A:", "Closest note for B:", "Sources: "},
			not:   []string{"Answer:", "Why ", "don't cover", "45%", "Against", "Not B"}},
		{name: "an undecided guess never reads stronger than fair confidence", text: "ask How to protect a DB? A) Use a stack policy B) Use a change set",
			answer: index.Answer{Chosen: "A", RunnerUp: "B", Covered: true, Confidence: 0.78, Options: twoOpts, Note: index.NoteUndecided},
			want:   []string{"*The notes don't decide between these options.* Best guess: A (Use a stack policy) — fair confidence"},
			not:    []string{"good confidence", "high confidence", "78%", "Answer:"}},
		{name: "undecided quotes a note once, not for the runner-up as well", text: "ask How to protect a DB? A) Use a stack policy B) Use a change set",
			answer: index.Answer{Chosen: "A", RunnerUp: "B", Covered: true, Confidence: 0.45, Options: sameFact, Note: index.NoteUndecided},
			want:   []string{"Closest note for A:"},
			not:    []string{"Closest note for B:", "Not B"}},
		{name: "no evidence", text: "ask How to protect a DB? A) Use a stack policy B) Use a change set",
			answer: index.Answer{Options: []index.OptionScore{{Key: "A", Text: "x"}, {Key: "B", Text: "y"}}, Note: index.NoteNoEvidence},
			want:   []string{"nothing in them supports any of the options"},
			not:    []string{"Answer:", "Evidence"}},
		{name: "no options reads like a lookup", text: "ask how do I protect a database during stack updates",
			answer: index.Answer{Sections: []index.Hit{limitsHit}},
			want:   []string{"no options", "CloudFormation › Limits"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var asked index.Question
			s := &fakeSearcher{AskFn: func(ctx context.Context, q index.Question) (index.Answer, error) {
				asked = q
				return tt.answer, nil
			}}
			r := newTestRouter(s, nil, Options{})
			resp := r.Command(context.Background(), Request{User: "U1", Text: tt.text})
			checkSlackLimits(t, resp)
			got := blocksText(resp)
			checkReplyHas(t, got, tt.want, tt.not)
			at := 0
			for _, w := range tt.order {
				i := strings.Index(got[at:], w)
				if i < 0 {
					t.Errorf("%q missing or out of order %v:\n%s", w, tt.order, got)
					break
				}
				at += i + len(w)
			}
			if strings.Contains(tt.text, "A)") && len(asked.Options) < 2 {
				t.Errorf("asked %+v, want 2 options parsed", asked)
			}
		})
	}
}

func TestQuizAdmin(t *testing.T) {
	tests := []struct {
		name     string
		user     string
		text     string
		daily    bool
		dailyErr error
		want     string
		wantCall string
	}{
		{name: "non-admin post is refused", user: "U2", text: "quiz post", daily: true, want: "only admins"},
		{name: "non-admin close is refused", user: "U2", text: "quiz close", daily: true, want: "only admins"},
		{name: "admin without a quiz channel", user: "UADMIN", text: "quiz post", want: "not scheduled here"},
		{name: "admin posts", user: "UADMIN", text: "quiz post", daily: true, want: "Posted", wantCall: "post"},
		{name: "admin closes", user: "UADMIN", text: "Quiz Close", daily: true, want: "Closed", wantCall: "close"},
		{name: "close with nothing open", user: "UADMIN", text: "quiz close", daily: true, dailyErr: quiz.ErrNotFound, want: "no open question", wantCall: "close"},
		{name: "post failure is an apology", user: "UADMIN", text: "quiz post", daily: true, dailyErr: errors.New("slack down"), want: "Sorry", wantCall: "post"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			called := ""
			opts := Options{Admins: []string{"UADMIN", " UOTHER "}}
			if tt.daily {
				opts.Daily = &fakeDaily{
					PostFn:  func(ctx context.Context, channel string) error { called = "post"; return tt.dailyErr },
					CloseFn: func(ctx context.Context, channel string) error { called = "close"; return tt.dailyErr },
				}
			}
			r := newTestRouter(nil, nil, opts)
			resp := r.Command(context.Background(), Request{User: tt.user, Text: tt.text})
			checkSlackLimits(t, resp)
			if !resp.Ephemeral {
				t.Errorf("admin reply is public")
			}
			if !strings.Contains(resp.slack().Text, tt.want) {
				t.Errorf("reply %q, want %q", resp.slack().Text, tt.want)
			}
			if called != tt.wantCall {
				t.Errorf("daily called %q, want %q", called, tt.wantCall)
			}
		})
	}
	r := newTestRouter(nil, nil, Options{Admins: []string{"UADMIN", " UOTHER "}})
	if !r.IsAdmin("UOTHER") || r.IsAdmin("U2") {
		t.Errorf("admins not trimmed or too lenient")
	}
	if h := r.Command(context.Background(), Request{User: "UADMIN", Text: "help"}); !strings.Contains(h.slack().Text, "quiz post") {
		t.Errorf("admin help lacks quiz post: %s", h.slack().Text)
	}
	if h := r.Command(context.Background(), Request{User: "U2", Text: "help"}); strings.Contains(h.slack().Text, "quiz post") {
		t.Errorf("help shows admin commands to others: %s", h.slack().Text)
	}
}

func TestQuizTopic(t *testing.T) {
	var from []string
	s := &fakeSearcher{SearchFn: func(ctx context.Context, q string, k int) ([]index.Hit, error) {
		return []index.Hit{canaryHit, limitsHit}, nil
	}}
	q := &fakeQuiz{
		PracticeFromFn: func(ctx context.Context, user, doc, section string) (quiz.Question, error) {
			from = append(from, section)
			if section == canaryHit.ID {
				return quiz.Question{}, quiz.ErrNoQuestions
			}
			return sampleQuestion, nil
		},
	}
	r := newTestRouter(s, q, Options{})
	resp := r.Command(context.Background(), Request{User: "U1", Text: "quiz cloudformation limits"})
	checkSlackLimits(t, resp)
	if fmt.Sprint(from) != "[4_2_4 4_2_2_2/limits]" {
		t.Errorf("practice from %v", from)
	}
	if !strings.Contains(resp.slack().Text, sampleQuestion.Stem) {
		t.Errorf("reply %q", resp.slack().Text)
	}
	// No section has questions: one from anywhere, saying so.
	q.PracticeFromFn = func(ctx context.Context, user, doc, section string) (quiz.Question, error) {
		return quiz.Question{}, quiz.ErrNoQuestions
	}
	q.PracticeFn = func(ctx context.Context, user string) (quiz.Question, error) { return sampleQuestion, nil }
	resp = r.Command(context.Background(), Request{User: "U1", Text: "quiz canary"})
	checkSlackLimits(t, resp)
	if !strings.Contains(resp.slack().Text, "from anywhere") || !strings.Contains(resp.slack().Text, sampleQuestion.Stem) {
		t.Errorf("fallback reply %q", resp.slack().Text)
	}
}

func TestQuizNoQuestions(t *testing.T) {
	q := &fakeQuiz{PracticeFn: func(ctx context.Context, user string) (quiz.Question, error) {
		return quiz.Question{}, fmt.Errorf("practice: %w", quiz.ErrNoQuestions)
	}}
	r := newTestRouter(nil, q, Options{})
	resp := r.Command(context.Background(), Request{User: "U1", Text: "quiz"})
	if !strings.Contains(resp.slack().Text, "no quiz questions") {
		t.Errorf("reply %q", resp.slack().Text)
	}
}

func TestActions(t *testing.T) {
	round := quiz.Round{ID: "2026-11-26T09:00:00Z", Question: sampleQuestion, OpenedAt: time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)}
	tests := []struct {
		name       string
		action     Action
		result     quiz.Result
		err        error
		wantReply  []string
		notReply   []string
		wantUpdate []string
		noUpdate   bool
		wantCall   string
	}{
		{name: "daily right", action: Action{User: "U1", ActionID: ActionAnswerDaily + ":1", Value: round.ID + "|1"},
			result:     quiz.Result{Question: sampleQuestion, Choice: 1, Correct: true, Points: 10, Streak: 3, Answered: 2},
			wantReply:  []string{"Right!", "B) cfn-hup", "+10 points", "streak 3 days", "2 answered so far", "checks for updates to metadata", "Helper scripts"},
			wantUpdate: []string{"2 answered", "Question of the day · Thu 26 Nov · 9 days to the exam", "[A]", "[D]"},
			wantCall:   round.ID + " U1 1"},
		{name: "daily wrong", action: Action{User: "U2", ActionID: ActionAnswerDaily + ":0", Value: round.ID + "|0"},
			result:     quiz.Result{Question: sampleQuestion, Choice: 0, Answered: 3},
			wantReply:  []string{"Not quite", "You chose A) cfn-init", "*B) cfn-hup*", "3 answered so far"},
			wantUpdate: []string{"3 answered"},
			wantCall:   round.ID + " U2 0"},
		{name: "daily double click", action: Action{User: "U1", ActionID: ActionAnswerDaily, Value: round.ID + "|2"},
			result:    quiz.Result{Question: sampleQuestion, Choice: 1, Correct: true, Already: true, Answered: 3},
			wantReply: []string{"already answered", "B) cfn-hup", "first answer stands"},
			noUpdate:  true, wantCall: round.ID + " U1 2"},
		{name: "daily closed", action: Action{User: "U1", ActionID: ActionAnswerDaily, Value: round.ID + "|2"},
			result:    quiz.Result{Question: sampleQuestion, Closed: true},
			wantReply: []string{"has closed"}, notReply: []string{"cfn-hup"},
			noUpdate: true, wantCall: round.ID + " U1 2"},
		{name: "daily unknown round", action: Action{User: "U1", ActionID: ActionAnswerDaily, Value: "nope|2"},
			err: quiz.ErrNotFound, wantReply: []string{"no longer available"}, noUpdate: true, wantCall: "nope U1 2"},
		{name: "daily bad value", action: Action{User: "U1", ActionID: ActionAnswerDaily, Value: "garbage"},
			wantReply: []string{"no longer works"}, noUpdate: true},
		{name: "practice wrong", action: Action{User: "U1", ActionID: ActionAnswerPractice + ":3", Value: "q-cfn-hup|3"},
			result:    quiz.Result{Question: sampleQuestion, Choice: 3},
			wantReply: []string{"Not quite", "D) cfn-get-metadata", "cfn-hup: a daemon", "Source: Services › CloudFormation › Helper scripts", "[Another question]"},
			noUpdate:  true, wantCall: "q-cfn-hup U1 3"},
		{name: "practice right", action: Action{User: "U1", ActionID: ActionAnswerPractice, Value: "q-cfn-hup|1"},
			result:    quiz.Result{Question: sampleQuestion, Choice: 1, Correct: true},
			wantReply: []string{"Right!", "[Another question]"}, notReply: []string{"points"},
			noUpdate: true, wantCall: "q-cfn-hup U1 1"},
		{name: "unknown action", action: Action{User: "U1", ActionID: "something_else", Value: "x"},
			wantReply: []string{"no longer works"}, noUpdate: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			call := ""
			q := &fakeQuiz{
				AnswerRoundFn: func(ctx context.Context, roundID, user string, choice int) (quiz.Result, error) {
					call = fmt.Sprint(roundID, " ", user, " ", choice)
					return tt.result, tt.err
				},
				AnswerPracticeFn: func(ctx context.Context, user, qid string, choice int) (quiz.Result, error) {
					call = fmt.Sprint(qid, " ", user, " ", choice)
					return tt.result, tt.err
				},
				RoundFn:      func(ctx context.Context, id string) (quiz.Round, error) { return round, nil },
				DaysToExamFn: func() (int, bool) { return 9, true },
			}
			r := newTestRouter(nil, q, Options{})
			res := r.Action(context.Background(), tt.action)
			if call != tt.wantCall {
				t.Errorf("quiz called with %q, want %q", call, tt.wantCall)
			}
			if res.Reply == nil {
				t.Fatalf("no reply")
			}
			if !res.Reply.Ephemeral {
				t.Errorf("reply is public")
			}
			if res.Post != nil {
				t.Errorf("unexpected public post")
			}
			checkSlackLimits(t, *res.Reply)
			got := blocksText(*res.Reply)
			for _, w := range tt.wantReply {
				if !strings.Contains(got, w) {
					t.Errorf("reply lacks %q:\n%s", w, got)
				}
			}
			for _, w := range tt.notReply {
				if strings.Contains(got, w) {
					t.Errorf("reply has %q:\n%s", w, got)
				}
			}
			if tt.noUpdate {
				if res.Update != nil {
					t.Errorf("unexpected update: %s", res.Update.slack().Text)
				}
				return
			}
			if res.Update == nil {
				t.Fatalf("no update of the channel message")
			}
			checkSlackLimits(t, *res.Update)
			upd := blocksText(*res.Update)
			for _, w := range tt.wantUpdate {
				if !strings.Contains(upd, w) {
					t.Errorf("update lacks %q:\n%s", w, upd)
				}
			}
			if res.Update.Ephemeral {
				t.Errorf("update is ephemeral")
			}
			if strings.Contains(upd, "cfn-hup: a daemon") || strings.Contains(upd, "answer is") || strings.Contains(upd, "*B) cfn-hup*") {
				t.Errorf("update reveals the answer:\n%s", upd)
			}
		})
	}
}

func TestActionPracticeNextAndQuizMe(t *testing.T) {
	var from string
	practiced := 0
	q := &fakeQuiz{
		PracticeFn: func(ctx context.Context, user string) (quiz.Question, error) {
			practiced++
			return sampleQuestion, nil
		},
		PracticeFromFn: func(ctx context.Context, user, doc, section string) (quiz.Question, error) {
			from = doc + "|" + section
			if section == "empty" {
				return quiz.Question{}, quiz.ErrNoQuestions
			}
			return sampleQuestion, nil
		},
	}
	r := newTestRouter(nil, q, Options{})
	ctx := context.Background()

	res := r.Action(ctx, Action{User: "U1", ActionID: ActionPracticeNext})
	if res.Reply == nil || buttonWith(*res.Reply, ActionAnswerPractice) == nil || practiced != 1 {
		t.Fatalf("another question: %+v (practiced %d)", res.Reply, practiced)
	}
	res = r.Action(ctx, Action{User: "U1", ActionID: ActionQuizMe + ":2", Value: "devops-engineer-professional|4_2_2_2/limits"})
	if from != "devops-engineer-professional|4_2_2_2/limits" || res.Reply == nil || !strings.Contains(res.Reply.slack().Text, sampleQuestion.Stem) {
		t.Errorf("quiz me: from %q reply %+v", from, res.Reply)
	}
	res = r.Action(ctx, Action{User: "U1", ActionID: ActionQuizMe, Value: "d|empty"})
	if res.Reply == nil || !strings.Contains(res.Reply.slack().Text, "from anywhere") || practiced != 2 {
		t.Errorf("quiz me on a section without questions: %+v", res.Reply)
	}
	res = r.Action(ctx, Action{User: "U1", ActionID: ActionQuizMe, Value: "no-separator"})
	if res.Reply == nil || !strings.Contains(res.Reply.slack().Text, "no longer works") {
		t.Errorf("bad quiz me value: %+v", res.Reply)
	}
}

func TestShare(t *testing.T) {
	s := &fakeSearcher{SearchFn: func(ctx context.Context, q string, k int) ([]index.Hit, error) {
		return []index.Hit{canaryHit}, nil
	}}
	var statsFor string
	q := &fakeQuiz{
		LeaderboardFn: func(ctx context.Context, p quiz.Period, channel string, limit int) ([]quiz.Standing, error) {
			return []quiz.Standing{{Rank: 1, User: "U1", Points: 10, Answered: 1, Correct: 1, Accuracy: 1}}, nil
		},
		StatsFn: func(ctx context.Context, user string) (quiz.Stats, error) {
			statsFor = user
			return quiz.Stats{User: user, Answered: 1, Correct: 1, Accuracy: 1}, nil
		},
	}
	r := newTestRouter(s, q, Options{})
	ctx := context.Background()
	tests := []struct {
		name    string
		command string
		want    []string
	}{
		{name: "lookup", command: "lookup canary", want: []string{"Shared by <@USHARER>", "Canary", "[Quiz me on this]"}},
		{name: "leaderboard", command: "leaderboard month", want: []string{"Shared by <@USHARER>", "this month", "<@U1>"}},
		{name: "stats", command: "stats <@U7>", want: []string{"shared by <@USHARER>", "Readiness of* <@U7>"}},
		{name: "team stats", command: "stats team", want: []string{"Team readiness"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := r.Command(ctx, Request{User: "USHARER", Text: tt.command})
			b := buttonWith(resp, ActionShare)
			if b == nil {
				t.Fatalf("no share button:\n%s", blocksText(resp))
			}
			res := r.Action(ctx, Action{User: "USHARER", Channel: "C1", ActionID: b.ActionID, Value: b.Value})
			if res.Post == nil {
				t.Fatalf("nothing posted; reply %+v", res.Reply)
			}
			if res.Post.Ephemeral {
				t.Errorf("shared post is ephemeral")
			}
			checkSlackLimits(t, *res.Post)
			got := blocksText(*res.Post)
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("post lacks %q:\n%s", w, got)
				}
			}
			if buttonWith(*res.Post, ActionShare) != nil {
				t.Errorf("shared post has a share button")
			}
			// The private copy is replaced by one without the button.
			if res.Update == nil || !res.Update.Ephemeral {
				t.Fatalf("private copy not replaced: %+v", res.Update)
			}
			if buttonWith(*res.Update, ActionShare) != nil {
				t.Errorf("private copy keeps its share button")
			}
			if got := blocksText(*res.Update); !strings.Contains(got, "Shared in the channel") {
				t.Errorf("private copy does not say it was shared:\n%s", got)
			}
		})
	}
	if statsFor != "" {
		t.Errorf("team stats shared as %q", statsFor)
	}
	// A share whose lookup now fails is told privately, not posted.
	s.SearchFn = func(ctx context.Context, q string, k int) ([]index.Hit, error) { return nil, errors.New("boom") }
	res := r.Action(ctx, Action{User: "U1", ActionID: ActionShare, Value: "lookup|canary"})
	if res.Post != nil || res.Reply == nil || !strings.Contains(res.Reply.slack().Text, "Sorry") {
		t.Errorf("failed share: %+v", res)
	}
}

func TestShareTwicePostsOnce(t *testing.T) {
	s := &fakeSearcher{SearchFn: func(ctx context.Context, q string, k int) ([]index.Hit, error) {
		return []index.Hit{canaryHit}, nil
	}}
	r := newTestRouter(s, &fakeQuiz{}, Options{})
	ctx := context.Background()
	click := Action{User: "U1", Channel: "C1", MessageTS: "1.000100", ActionID: ActionShare, Value: "lookup|canary"}
	if res := r.Action(ctx, click); res.Post == nil {
		t.Fatalf("first click posted nothing: %+v", res.Reply)
	}
	res := r.Action(ctx, click)
	if res.Post != nil {
		t.Errorf("second click posted again")
	}
	if res.Reply == nil || !strings.Contains(res.Reply.slack().Text, "Already shared") || !res.Reply.Ephemeral {
		t.Errorf("second click reply %+v", res.Reply)
	}
	// Another message, or another person, shares again.
	other := click
	other.MessageTS = "1.000200"
	if res := r.Action(ctx, other); res.Post == nil {
		t.Errorf("share of another message posted nothing")
	}
	// When the post fails the transport forgets the share; the button works again.
	res = r.Action(ctx, Action{User: "U2", Channel: "C1", MessageTS: "1.000300", ActionID: ActionShare, Value: "lookup|canary"})
	r.forgetShare(res.shareKey)
	if res := r.Action(ctx, Action{User: "U2", Channel: "C1", MessageTS: "1.000300", ActionID: ActionShare, Value: "lookup|canary"}); res.Post == nil {
		t.Errorf("share after a failed post posted nothing")
	}
}

func TestShareButtonOmittedWhenTooLong(t *testing.T) {
	s := &fakeSearcher{SearchFn: func(ctx context.Context, q string, k int) ([]index.Hit, error) {
		return []index.Hit{canaryHit}, nil
	}}
	r := newTestRouter(s, nil, Options{})
	resp := r.Command(context.Background(), Request{User: "U1", Text: "lookup " + strings.Repeat("canary ", 400)})
	checkSlackLimits(t, resp)
	if buttonWith(resp, ActionShare) != nil {
		t.Errorf("share button with a value over 2000 bytes")
	}
	if buttonWith(resp, ActionQuizMe) == nil {
		t.Errorf("quiz me button lost")
	}
}

func TestMention(t *testing.T) {
	var searched string
	asked := false
	s := &fakeSearcher{
		SearchFn: func(ctx context.Context, q string, k int) ([]index.Hit, error) {
			searched = q
			return []index.Hit{canaryHit}, nil
		},
		AskFn: func(ctx context.Context, q index.Question) (index.Answer, error) {
			asked = true
			return index.Answer{Chosen: "A", Decided: true, Confidence: 0.9, Options: []index.OptionScore{{Key: "A", Text: "Canary"}, {Key: "B", Text: "Linear"}}}, nil
		},
	}
	q := &fakeQuiz{LeaderboardFn: func(ctx context.Context, p quiz.Period, channel string, limit int) ([]quiz.Standing, error) {
		return nil, nil
	}}
	r := newTestRouter(s, q, Options{})
	ctx := context.Background()
	tests := []struct {
		name       string
		text       string
		wantSearch string
		wantAsk    bool
		want       string
	}{
		{name: "lookup after the bot's mention", text: "<@UBOT> canary deployments", wantSearch: "canary deployments", want: "Canary"},
		{name: "mention with name", text: "<@UBOT|devopsbot>   what is a canary", wantSearch: "what is a canary"},
		{name: "pasted question is ask", text: "<@UBOT> Which shifts 10% first?\nA) Canary\nB) Linear\nC) All at once", wantAsk: true, want: "Answer: A (Canary)"},
		{name: "subcommand", text: "<@UBOT> leaderboard", want: "Leaderboard"},
		{name: "empty is help", text: "<@UBOT>", want: "@devopsbot lookup"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			searched, asked = "", false
			resp := r.Mention(ctx, Request{User: "U1", Channel: "D1", Text: tt.text})
			checkSlackLimits(t, resp)
			if resp.Ephemeral {
				t.Errorf("mention reply is ephemeral")
			}
			if searched != tt.wantSearch || asked != tt.wantAsk {
				t.Errorf("searched %q asked %v, want %q %v", searched, asked, tt.wantSearch, tt.wantAsk)
			}
			if !strings.Contains(blocksText(resp), tt.want) {
				t.Errorf("reply lacks %q:\n%s", tt.want, blocksText(resp))
			}
			if buttonWith(resp, ActionShare) != nil {
				t.Errorf("public reply has a share button")
			}
		})
	}
}

// benchLookup runs the lookup command b.N times and reports p99 latency.
func benchLookup(b *testing.B, r *Router, text string) {
	ctx := context.Background()
	req := Request{User: "U1", Channel: "C1", Text: text}
	lat := make([]time.Duration, 0, 1024)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		t0 := time.Now()
		resp := r.Command(ctx, req)
		lat = append(lat, time.Since(t0))
		if len(resp.slack().Blocks) == 0 {
			b.Fatal("no blocks")
		}
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)*99/100].Nanoseconds()), "p99-ns")
}

// BenchmarkRouterLookup measures the router and the Block Kit rendering
// alone, over a fake index returning three sections.
func BenchmarkRouterLookup(b *testing.B) {
	s := &fakeSearcher{SearchFn: func(ctx context.Context, q string, k int) ([]index.Hit, error) {
		return []index.Hit{canaryHit, limitsHit, canaryHit}, nil
	}}
	benchLookup(b, newTestRouter(s, nil, Options{NotesURL: "https://notes.example/n.md"}), "lookup canary deployment")
}

// BenchmarkRouterLookupIndex is /devops lookup in process: the real index
// over the default notes, the router and the rendering.
func BenchmarkRouterLookupIndex(b *testing.B) {
	doc, err := notes.Default()
	if err != nil {
		b.Fatal(err)
	}
	ix, err := index.Build(doc)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { ix.Close() })
	r := NewRouter(nil, ix, &fakeQuiz{}, Options{NotesURL: "https://notes.example/n.md"})
	for _, q := range []string{"lookup canary deployment", "how big can a cloudformation template be"} {
		b.Run(strings.ReplaceAll(q, " ", "_"), func(b *testing.B) { benchLookup(b, r, q) })
	}
}

// TestFailSentinels checks that every sentinel error of index and quiz gets
// its own short text, not the apology for unknown errors.
func TestFailSentinels(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{quiz.ErrReadOnly, "Scores can't be saved right now; lookups still work"},
		{quiz.ErrNoUser, "could not tell who you are"},
		{quiz.ErrNotFound, "no longer available"},
		{quiz.ErrNoQuestions, "no quiz questions yet"},
		{quiz.ErrBadChoice, "option does not exist"},
		{index.ErrEmptyQuery, "Type a few words"},
		{index.ErrQuestionTooLong, "too long"},
		{index.ErrNoScenario, "no question before them"},
		{index.ErrDuplicateOption, "appears twice"},
		{index.ErrTooManyOptions, "too many options"},
		{index.ErrEmptyOption, "no text"},
	}
	r := newTestRouter(&fakeSearcher{}, &fakeQuiz{}, Options{})
	for _, tt := range tests {
		t.Run(tt.err.Error(), func(t *testing.T) {
			resp := r.fail(context.Background(), "op", fmt.Errorf("op: %w", tt.err))
			checkSlackLimits(t, resp)
			if !strings.Contains(resp.slack().Text, tt.want) || strings.Contains(resp.slack().Text, "Sorry") {
				t.Errorf("reply %q, want %q", resp.slack().Text, tt.want)
			}
			if !resp.Ephemeral {
				t.Errorf("error reply is public")
			}
		})
	}
	// Through a click: a read-only store refuses the answer with that text.
	q := &fakeQuiz{AnswerPracticeFn: func(ctx context.Context, user, id string, choice int) (quiz.Result, error) {
		return quiz.Result{}, fmt.Errorf("record answer: %w", quiz.ErrReadOnly)
	}}
	r = newTestRouter(&fakeSearcher{}, q, Options{})
	res := r.Action(context.Background(), Action{User: "U1", ActionID: ActionAnswerPractice, Value: "q1|0"})
	if res.Reply == nil || !strings.Contains(res.Reply.slack().Text, "can't be saved") {
		t.Errorf("read-only answer reply %+v", res.Reply)
	}
}

func TestAskBadQuestions(t *testing.T) {
	s := &fakeSearcher{AskFn: func(ctx context.Context, q index.Question) (index.Answer, error) {
		return index.Answer{}, nil
	}}
	r := newTestRouter(s, nil, Options{})
	var many strings.Builder
	many.WriteString("Which one?")
	for i := 0; i < 50; i++ {
		fmt.Fprintf(&many, "\n%c) option %d", 'A'+i%26, i)
	}
	tests := []struct {
		name, text, want string
	}{
		{"only options", "ask A) Canary B) Linear C) All at once", "no question before them"},
		{"duplicate letters", "ask Which?\nA) Canary\nA) Linear\nB) All", "appears twice"},
		{"fifty options", "ask " + many.String(), ""},
		{"20 KB", "ask " + huge("scenario words ", 20*1024) + " A) x B) y", "too long"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := r.Command(context.Background(), Request{User: "U1", Text: tt.text})
			checkSlackLimits(t, resp)
			if !strings.Contains(resp.slack().Text, tt.want) {
				t.Errorf("reply %q, want %q", resp.slack().Text, tt.want)
			}
			if strings.Contains(resp.slack().Text, "Sorry") {
				t.Errorf("bad input treated as an internal error: %q", resp.slack().Text)
			}
		})
	}
}

// FuzzCommand: any text gives a reply within Slack's limits, never a panic.
func FuzzCommand(f *testing.F) {
	for _, s := range []string{"", "help", "lookup canary", "ask Which? A) x B) y", "quiz", "quiz post", "stats <@U1|a>",
		"leaderboard month", "<@U1>", "*_~`&<>", "ask \x00\xff A) \n B)", "stats <@", "lookup " + strings.Repeat("é", 3000)} {
		f.Add(s)
	}
	s := &fakeSearcher{
		SearchFn: func(ctx context.Context, q string, k int) ([]index.Hit, error) {
			if strings.TrimSpace(q) == "" {
				return nil, index.ErrEmptyQuery
			}
			// Echo the query as a section, a fact with the query marked.
			fact := "before " + q + " after"
			return []index.Hit{{Doc: "d", ID: "x/" + q, Title: q, Path: []string{q, q}, Facts: []index.HitFact{
				{Text: fact, Matches: []index.Span{{Start: 7, End: 7 + len(q)}, {Start: 3, End: len(fact) + 4}}}}}}, nil
		},
		SuggestFn: func(ctx context.Context, q string, k int) []string { return []string{q} },
		AskFn: func(ctx context.Context, q index.Question) (index.Answer, error) {
			a := index.Answer{Confidence: 0.5, Decided: len(q.Options) > 0}
			for _, o := range q.Options {
				a.Options = append(a.Options, index.OptionScore{Key: o.Key, Text: o.Text, Evidence: []index.Evidence{{ID: o.Text, Path: []string{q.Text}, Fact: o.Text, Cover: 1}}})
			}
			if len(q.Options) > 0 {
				a.Chosen = q.Options[0].Key
			}
			return a, nil
		},
	}
	qz := &fakeQuiz{
		PracticeFn: func(ctx context.Context, user string) (quiz.Question, error) { return sampleQuestion, nil },
		PracticeFromFn: func(ctx context.Context, user, doc, section string) (quiz.Question, error) {
			return sampleQuestion, nil
		},
		LeaderboardFn: func(ctx context.Context, p quiz.Period, channel string, limit int) ([]quiz.Standing, error) {
			return nil, nil
		},
		StatsFn: func(ctx context.Context, user string) (quiz.Stats, error) { return quiz.Stats{User: user}, nil },
	}
	r := newTestRouter(s, qz, Options{NotesURL: "https://n.example/x.md"})
	f.Fuzz(func(t *testing.T, text string) {
		for _, resp := range []Response{
			r.Command(context.Background(), Request{User: "U1", Text: text}),
			r.Mention(context.Background(), Request{User: "U1", Text: text}),
		} {
			checkSlackLimits(t, resp)
			for _, b := range buttonsOf(resp) {
				res := r.Action(context.Background(), Action{User: "U2", Channel: "C1", ActionID: b.ActionID, Value: b.Value})
				for _, x := range []*Response{res.Reply, res.Post, res.Update} {
					if x != nil {
						checkSlackLimits(t, *x)
					}
				}
			}
		}
	})
}

func TestDecodeSlack(t *testing.T) {
	tests := []struct{ in, want string }{
		{"canary deployment", "canary deployment"},
		{"a &lt; b &amp;&amp; c &gt; d", "a < b && c > d"},
		{"&amp;lt; stays literal", "&lt; stays literal"},
		{"see <https://docs.aws.amazon.com/x|the docs> now", "see the docs now"},
		{"<https://example.com>", "https://example.com"},
		{"ask <@U123|bob> and <@U456>", "ask @bob and @U456"},
		{"in <#C123|general>", "in #general"},
		{"<!here> what", "@here what"},
		{"broken < no close", "broken < no close"},
	}
	for _, tt := range tests {
		if got := decodeSlack(tt.in); got != tt.want {
			t.Errorf("decodeSlack(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	// The query reaches the index as typed.
	var searched string
	s := &fakeSearcher{SearchFn: func(ctx context.Context, q string, k int) ([]index.Hit, error) {
		searched = q
		return []index.Hit{canaryHit}, nil
	}}
	r := newTestRouter(s, nil, Options{})
	r.Command(context.Background(), Request{User: "U1", Text: "lookup AWS::CloudFormation::Init &amp; cfn-hup &lt;v2&gt;"})
	if searched != "AWS::CloudFormation::Init & cfn-hup <v2>" {
		t.Errorf("searched %q", searched)
	}
	r.Mention(context.Background(), Request{User: "U1", Text: "<@UBOT> x &gt; y"})
	if searched != "x > y" {
		t.Errorf("mention searched %q", searched)
	}
}

// TestRouterConcurrent runs commands and clicks at once (for -race).
func TestRouterConcurrent(t *testing.T) {
	var calls []string
	s, q := consoleFakes(&calls)
	var mu sync.Mutex
	q.AnswerRoundFn = func(ctx context.Context, roundID, user string, choice int) (quiz.Result, error) {
		mu.Lock()
		defer mu.Unlock()
		return quiz.Result{Question: sampleQuestion, Choice: choice, Answered: 1}, nil
	}
	q.RoundFn = func(ctx context.Context, id string) (quiz.Round, error) {
		return quiz.Round{ID: id, Question: sampleQuestion, OpenedAt: fixedNow}, nil
	}
	// The fakes append to calls: serialise them.
	search, practice := s.SearchFn, q.PracticeFn
	s.SearchFn = func(ctx context.Context, qs string, k int) ([]index.Hit, error) {
		mu.Lock()
		defer mu.Unlock()
		return search(ctx, qs, k)
	}
	q.PracticeFn = func(ctx context.Context, user string) (quiz.Question, error) {
		mu.Lock()
		defer mu.Unlock()
		return practice(ctx, user)
	}
	r := newTestRouter(s, q, Options{Admins: []string{"UADMIN"},
		Daily: &fakeDaily{PostFn: func(context.Context, string) error { return nil }, CloseFn: func(context.Context, string) error { return nil }}})
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx := context.Background()
			for j := 0; j < 20; j++ {
				r.Command(ctx, Request{User: "U1", Text: "lookup canary"})
				r.Command(ctx, Request{User: "UADMIN", Text: "quiz post"})
				r.Command(ctx, Request{User: "U1", Text: "quiz"})
				r.Action(ctx, Action{User: "U2", ActionID: ActionAnswerDaily, Value: "r|1"})
			}
		}()
	}
	wg.Wait()
}

func TestLookupNamesDocumentsOnlyWithSeveral(t *testing.T) {
	fs := &fakeSearcher{SearchFn: func(ctx context.Context, q string, k int) ([]index.Hit, error) {
		return []index.Hit{canaryHit}, nil
	}}
	for _, n := range []int{1, 2} {
		// Through the metrics wrapper, which has no Docs method: the count
		// comes as an option.
		s := InstrumentSearcher(fs, NewMetrics("test"))
		r := NewRouter(nil, s, &fakeQuiz{}, Options{ShowDoc: func() bool { return n > 1 }})
		got := blocksText(r.Command(context.Background(), Request{User: "U1", Text: "canary"}))
		if named := strings.Contains(got, "in devops-engineer-professional"); named != (n > 1) {
			t.Errorf("%d documents: named = %v:\n%s", n, named, got)
		}
	}
}

func TestAdminReload(t *testing.T) {
	ctx := context.Background()
	fs := &fakeSearcher{}
	var calls int
	reload := func(result NotesReload, err error) func(context.Context) (NotesReload, error) {
		return func(context.Context) (NotesReload, error) { calls++; return result, err }
	}
	tests := []struct {
		name   string
		reload func(context.Context) (NotesReload, error)
		user   string
		want   string
		calls  int
	}{
		{"changed notes are reported", reload(NotesReload{Changed: true, Docs: 2, Sections: 250, Before: 192}, nil), "UADMIN",
			"Reloaded the notes: 250 sections in 2 documents (192 before).", 1},
		{"unchanged notes say so", reload(NotesReload{Docs: 1, Sections: 192, Before: 192}, nil), "UADMIN",
			"The notes have not changed: 192 sections in 1 document.", 1},
		{"a failed reload says why and that the notes stay", reload(NotesReload{}, errors.New("fetch notes https://x/n.md: 404 Not Found")), "UADMIN",
			"The reload failed and the current notes stay. Why: `fetch notes https://x/n.md: 404 Not Found`", 1},
		{"no reload here says so", nil, "UADMIN", "reloaded by the bot only", 0},
		{"others are refused", reload(NotesReload{Changed: true}, nil), "U1", "only admins", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			calls = 0
			r := NewRouter(nil, fs, &fakeQuiz{}, Options{Admins: []string{"UADMIN"}, Reload: tc.reload})
			got := blocksText(r.Command(ctx, Request{User: tc.user, Text: "admin reload"}))
			if !strings.Contains(got, tc.want) || calls != tc.calls {
				t.Errorf("reply %q (%d calls), want %q (%d calls)", got, calls, tc.want, tc.calls)
			}
		})
	}
}

// TestAskTechniqueFitsPick runs questions the notes do not decide through
// the real index and checks that a "Guessed by exam technique" reason is
// true of the option guessed and of no other: an option that deploys a
// Lambda function is never said to need no custom code, a reason that
// holds for several options is not given, and a reason that does tell the
// pick apart still is.
func TestAskTechniqueFitsPick(t *testing.T) {
	r := NewRouter(nil, defaultIndex(t), &fakeQuiz{}, Options{})
	tests := []struct {
		name      string
		text      string
		want, not []string
	}{
		{name: "an option that deploys a Lambda function is custom code",
			text: "ask A company keeps customer profiles in a key-value table in one region and opens a second office abroad, where staff must also write profiles. " +
				"Edits must show in both places quickly, and the company does not want to maintain any replication code. Which solution needs the LEAST operational overhead?\n" +
				"A) Put a caching cluster in front of the table in the second region for the staff there.\n" +
				"B) Turn the table into a multi-region table with a replica in each region that accepts writes.\n" +
				"C) Turn on the table's change stream and deploy a Lambda function that writes every change into a table in the other region.\n" +
				"D) Restore a nightly backup of the table into a table in the second region.",
			not: []string{"no custom code"}},
		{name: "a reason true of other options too is not given",
			text: "ask A team runs a reporting database in one region and must keep it available if the whole region goes down, with almost no data loss. Which solution BEST meets this requirement?\n" +
				"A) Add a standby in another Availability Zone that takes over automatically when the primary fails.\n" +
				"B) Copy snapshots to a second region every hour with a scheduled script and restore them by hand.\n" +
				"C) Add a secondary region with a global database and promote it when the primary region fails.\n" +
				"D) Turn on automatic backups and restore the newest one into the same region when needed.",
			not: []string{"no custom code", "unlike another option"}},
		{name: "a reason that tells the pick apart is given",
			text: "ask A company must keep a monitoring agent running on all of its instances, and restore it within a day if someone removes it. Which solution requires the LEAST operational overhead?\n" +
				"A) Have an operator log in to each instance every week and reinstall the agent manually where it is missing.\n" +
				"B) Run a cron job on a separate server that connects over SSH every night and reinstalls the agent.\n" +
				"C) Use a managed configuration service that reapplies the agent installation automatically to every instance.\n" +
				"D) Write a custom script into every instance's user data that installs the agent at launch, and check the instances by hand each month.",
			want: []string{"Best guess: C", "Guessed by exam technique: unlike the other options, a managed or automatic feature does the work; it needs no custom code, schedule or manual step."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := r.Command(context.Background(), Request{User: "U1", Text: tt.text})
			got := blocksText(resp)
			if !strings.Contains(got, "Best guess") {
				t.Fatalf("want an undecided guess:\n%s", got)
			}
			checkReplyHas(t, got, tt.want, tt.not)
		})
	}
}

// TestAskQuoteDenyingPickUndecided runs, through the real index, a
// question whose likeliest pick is quoted with a fact saying that option's
// metric does not include what the question asks for: the reply must not
// present it as the answer from the notes, and shows both closest notes.
func TestAskQuoteDenyingPickUndecided(t *testing.T) {
	r := NewRouter(nil, defaultIndex(t), &fakeQuiz{}, Options{})
	text := "ask A web application runs on EC2 instances behind a Classic Load Balancer. Support wants an alarm on the number of 5xx responses that the instances themselves return to clients. Which CloudWatch metric should the alarm use?\n" +
		"A) HTTPCode_ELB_5XX\nB) HTTPCode_Backend_5XX\nC) SurgeQueueLength\nD) UnHealthyHostCount"
	got := blocksText(r.Command(context.Background(), Request{User: "U1", Text: text}))
	if strings.Contains(got, "does not include") {
		for _, w := range []string{"The notes don't decide between these options.", "Closest note for A:", "Closest note for B:"} {
			if !strings.Contains(got, w) {
				t.Errorf("reply lacks %q:\n%s", w, got)
			}
		}
	}
	if strings.Contains(got, "Answer: A") {
		t.Errorf("a pick its own quote argues against is shown as the answer:\n%s", got)
	}
}

// checkReplyHas reports each of want that the reply text got lacks and
// each of not that it holds.
func checkReplyHas(t *testing.T, got string, want, not []string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("reply lacks %q:\n%s", w, got)
		}
	}
	for _, w := range not {
		if strings.Contains(got, w) {
			t.Errorf("reply has %q:\n%s", w, got)
		}
	}
}
