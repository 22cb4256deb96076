package bot

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/devopsbot/devopsbot/index"
	"github.com/devopsbot/devopsbot/quiz"
)

// consoleFakes returns fakes that record the calls the console causes.
func consoleFakes(calls *[]string) (*fakeSearcher, *fakeQuiz) {
	s := &fakeSearcher{
		SearchFn: func(ctx context.Context, q string, k int) ([]index.Hit, error) {
			*calls = append(*calls, "search "+q)
			return []index.Hit{canaryHit, limitsHit}, nil
		},
		AskFn: func(ctx context.Context, q index.Question) (index.Answer, error) {
			*calls = append(*calls, fmt.Sprintf("ask %d options", len(q.Options)))
			return index.Answer{Chosen: "A", Decided: true, Confidence: 0.9, Options: []index.OptionScore{{Key: "A", Text: "Canary"}, {Key: "B", Text: "Linear"}}}, nil
		},
	}
	q := &fakeQuiz{
		PracticeFn: func(ctx context.Context, user string) (quiz.Question, error) {
			*calls = append(*calls, "practice "+user)
			return sampleQuestion, nil
		},
		PracticeFromFn: func(ctx context.Context, user, doc, section string) (quiz.Question, error) {
			*calls = append(*calls, "practice from "+section)
			return sampleQuestion, nil
		},
		AnswerPracticeFn: func(ctx context.Context, user, qid string, choice int) (quiz.Result, error) {
			*calls = append(*calls, fmt.Sprintf("answer %s %s %d", user, qid, choice))
			return quiz.Result{Question: sampleQuestion, Choice: choice, Correct: choice == sampleQuestion.Correct}, nil
		},
		LeaderboardFn: func(ctx context.Context, p quiz.Period, channel string, limit int) ([]quiz.Standing, error) {
			*calls = append(*calls, "leaderboard "+string(p))
			return []quiz.Standing{{Rank: 1, User: "alice", Points: 20, Answered: 2, Correct: 2, Accuracy: 1}}, nil
		},
		StatsFn: func(ctx context.Context, user string) (quiz.Stats, error) {
			*calls = append(*calls, "stats "+user)
			return quiz.Stats{User: user}, nil
		},
		LatestRoundsFn: func(ctx context.Context, user string, n int) ([]quiz.Seen, error) {
			*calls = append(*calls, "latest "+user)
			return nil, nil
		},
		PracticeMissedFn: func(ctx context.Context, user string) (quiz.Question, error) {
			*calls = append(*calls, "practice missed "+user)
			return sampleQuestion, nil
		},
		FlagFn: func(ctx context.Context, user, qid string, reason quiz.FlagReason, admin bool) (quiz.FlagResult, error) {
			*calls = append(*calls, fmt.Sprintf("flag %s %s %s", user, qid, reason))
			return quiz.FlagResult{Flag: quiz.Flag{Question: qid, User: user, Reason: reason}}, nil
		},
	}
	return s, q
}

func runConsole(t *testing.T, input string, opts ConsoleOptions) (string, []string) {
	t.Helper()
	var calls []string
	s, q := consoleFakes(&calls)
	c := NewConsole(nil, newTestRouter(s, q, Options{Bare: true}), opts) // as cmd/devopsbot builds it
	var out bytes.Buffer
	if err := c.Run(context.Background(), strings.NewReader(input), &out); err != nil {
		t.Fatalf("Run: %v", err)
	}
	return out.String(), calls
}

func TestConsole(t *testing.T) {
	tests := []struct {
		name      string
		input     string
		user      string
		wantCalls []string
		want      []string
		not       []string
	}{
		{name: "lookup through a pipe ends at EOF", input: "lookup canary\n",
			wantCalls: []string{"search canary"}, want: []string{"Concepts › Deployment strategies › Canary", "• Canary: shift 10%", "quiz me 1"}},
		{name: "last line without newline", input: "canary", wantCalls: []string{"search canary"}},
		{name: "quit stops reading", input: "help\nquit\nlookup never\n",
			wantCalls: nil, want: []string{"lookup canary deployment"}},
		{name: "blank lines and CRLF", input: "\n\r\n  \nleaderboard month\r\n",
			wantCalls: []string{"leaderboard month"}, want: []string{"Leaderboard · this month", "@alice"}},
		{name: "quiz then answer", input: "quiz\nanswer B\n", user: "alice",
			wantCalls: []string{"practice alice", "answer alice q-cfn-hup 1"}, want: []string{"answer A-D", "Right!", "next: another question"}},
		{name: "answer by number", input: "quiz\nanswer 4\n",
			wantCalls: []string{"practice console", "answer console q-cfn-hup 3"}, want: []string{"Not quite"}},
		{name: "answer twice needs a new question", input: "quiz\nanswer a\nanswer b\n",
			wantCalls: []string{"practice console", "answer console q-cfn-hup 0"}, want: []string{"No question is waiting"}},
		{name: "answer out of range", input: "quiz\nanswer Z\n",
			wantCalls: []string{"practice console"}, want: []string{"from A to D"}},
		{name: "answer without a question", input: "answer B\n", want: []string{"No question is waiting"}},
		{name: "next asks for another", input: "quiz\nanswer B\nnext\n",
			wantCalls: []string{"practice console", "answer console q-cfn-hup 1", "practice console"}},
		{name: "quiz me after a lookup", input: "lookup canary\nquiz me 2\n",
			wantCalls: []string{"search canary", "practice from 4_2_2_2/limits"}},
		{name: "quiz me out of range", input: "lookup canary\nquiz me 9\n",
			wantCalls: []string{"search canary"}, want: []string{"quiz me takes 1 to 2"}},
		{name: "ask on one line", input: "ask Which? A) Canary B) Linear\n",
			wantCalls: []string{"ask 2 options"}, want: []string{"Answer: A (Canary)", "high confidence (90%)"}},
		{name: "ask followed by option lines", input: "ask Which shifts traffic first?\nA) Canary\nB) Linear\nlookup canary\n",
			wantCalls: []string{"ask 2 options", "search canary"}},
		{name: "ask alone reads a pasted block", input: "ask\nA team wants to shift traffic.\nWhich strategy?\nA) Canary\nB) Linear\n\nstats\n",
			wantCalls: []string{"ask 2 options", "stats console"}},
		{name: "ask alone at EOF", input: "ask\nWhich?\nA) Canary\nB) Linear", wantCalls: []string{"ask 2 options"}},
		{name: "share is explained", input: "share\n", want: []string{"Slack channel"}},
		{name: "flag the answered question", input: "quiz\nanswer B\nflag two answers fit\n",
			wantCalls: []string{"practice console", "answer console q-cfn-hup 1", "flag console q-cfn-hup two"}, want: []string{"flagged as two answers fit"}},
		{name: "flag needs a reason", input: "quiz\nanswer B\nflag boring\n",
			wantCalls: []string{"practice console", "answer console q-cfn-hup 1"}, want: []string{"flag unclear"}},
		{name: "flag before any answer", input: "flag wrong\n", want: []string{"No answer shown yet"}},
		{name: "home, then its practice", input: "weak\nhome\nweak\nmissed\nanswer B\n",
			wantCalls: []string{"stats console", "latest console", "leaderboard week", "practice console", "practice missed console",
				"answer console q-cfn-hup 1"},
			want: []string{"Type home first", "Your AWS DevOps Pro prep", "none posted yet", "weak: a question in your weakest domain",
				"missed: one you got wrong", "No weak domain yet", "Right!"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, calls := runConsole(t, tt.input, ConsoleOptions{User: tt.user})
			if fmt.Sprint(calls) != fmt.Sprint(tt.wantCalls) {
				t.Errorf("calls %q, want %q", calls, tt.wantCalls)
			}
			for _, w := range tt.want {
				if !strings.Contains(strings.ToLower(out), strings.ToLower(w)) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			if strings.Contains(out, "\x1b[") {
				t.Errorf("colour codes with colour off:\n%q", out)
			}
			if strings.Contains(out, "devops>") {
				t.Errorf("prompt printed without Prompt")
			}
			if strings.Contains(out, "*") {
				t.Errorf("mrkdwn leaked into plain text:\n%s", out)
			}
		})
	}
}

func TestConsoleColourAndPrompt(t *testing.T) {
	out, _ := runConsole(t, "lookup canary\n", ConsoleOptions{Colour: true, Prompt: true})
	if !strings.Contains(out, ansiBold+"Concepts › Deployment strategies › Canary"+ansiReset) {
		t.Errorf("no bold path:\n%q", out)
	}
	if !strings.Contains(out, ansiBold+"Canary"+ansiReset+": shift") {
		t.Errorf("matched term not bold:\n%q", out)
	}
	if !strings.Contains(out, "devops> ") || !strings.Contains(out, "type help") && !strings.Contains(out, "Type help") {
		t.Errorf("no banner or prompt:\n%q", out)
	}
}

// errReader fails after its data.
type errReader struct{ data io.Reader }

func (e *errReader) Read(p []byte) (int, error) {
	n, err := e.data.Read(p)
	if err == io.EOF {
		return n, errors.New("disk gone")
	}
	return n, err
}

type failWriter struct{}

func (failWriter) Write(p []byte) (int, error) { return 0, errors.New("pipe closed") }

func TestConsoleErrors(t *testing.T) {
	var calls []string
	s, q := consoleFakes(&calls)
	r := newTestRouter(s, q, Options{})
	c := NewConsole(nil, r, ConsoleOptions{})
	err := c.Run(context.Background(), &errReader{strings.NewReader("help\n")}, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "disk gone") {
		t.Errorf("read error: %v", err)
	}
	err = NewConsole(nil, r, ConsoleOptions{}).Run(context.Background(), strings.NewReader("help\nhelp\n"), failWriter{})
	if err == nil || !strings.Contains(err.Error(), "pipe closed") {
		t.Errorf("write error: %v", err)
	}
}

func TestConsoleStopsOnCancel(t *testing.T) {
	pr, pw := io.Pipe()
	defer pw.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	c := NewConsole(nil, newTestRouter(nil, nil, Options{}), ConsoleOptions{})
	go func() { done <- c.Run(ctx, pr, io.Discard) }()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run after cancel: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not stop when the context was cancelled")
	}
}

func TestConsoleLongLine(t *testing.T) {
	out, calls := runConsole(t, "lookup "+strings.Repeat("canary ", 20000)+"\nhelp\n", ConsoleOptions{})
	if len(calls) != 1 || !strings.HasPrefix(calls[0], "search canary canary") {
		t.Errorf("calls %.80q", calls)
	}
	if !strings.Contains(out, "leaderboard") {
		t.Errorf("help after a long line missing")
	}
}

// TestBareCommandExamples checks that replies suggest commands as they are
// typed: without "/devops " in the console, with it in Slack.
func TestBareCommandExamples(t *testing.T) {
	var calls []string
	s, q := consoleFakes(&calls)
	q.LeaderboardFn = func(ctx context.Context, p quiz.Period, channel string, limit int) ([]quiz.Standing, error) {
		return nil, nil
	}
	s.SearchFn = func(ctx context.Context, q string, k int) ([]index.Hit, error) { return nil, nil }
	for _, bare := range []bool{true, false} {
		r := newTestRouter(s, q, Options{Bare: bare})
		for _, text := range []string{"stats", "lookup", "lookup ???"} {
			got := r.Command(context.Background(), Request{User: "U1", Text: text}).slack().Text
			if has := strings.Contains(got, "/devops"); has == bare {
				t.Errorf("bare %v, %q: %q", bare, text, got)
			}
		}
		resp := r.fail(context.Background(), "op", quiz.ErrNotFound)
		if has := strings.Contains(resp.slack().Text, "/devops quiz"); has == bare {
			t.Errorf("bare %v: fail text %q", bare, resp.slack().Text)
		}
		// An empty board says practice answers do not count there.
		if got := r.Command(context.Background(), Request{User: "U1", Text: "leaderboard"}).slack().Text; !strings.Contains(got, "practice questions count in your stats") {
			t.Errorf("empty leaderboard: %q", got)
		}
	}
}

func TestConsoleStatsOfNamedUser(t *testing.T) {
	out, calls := runConsole(t, "stats @bob\nstats carol\n", ConsoleOptions{User: "alice"})
	if !slices.Contains(calls, "stats bob") || !slices.Contains(calls, "stats carol") {
		t.Errorf("calls %v, want stats of bob and carol\n%s", calls, out)
	}
	if strings.Contains(out, "Whose stats") {
		t.Errorf("named user refused:\n%s", out)
	}
}
