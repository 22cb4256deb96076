package bot

import (
	"context"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"

	"github.com/devopsbot/devopsbot/quiz"
	"github.com/devopsbot/devopsbot/quiz/memory"
)

// TestFlagFlow: Flag under a revealed answer offers the reasons; two
// people's flags take the question out of rotation; an admin lists it with
// quiz flags and brings it back with quiz restore.
func TestFlagFlow(t *testing.T) {
	ctx := context.Background()
	eng := quiz.New(nil, memory.New(), testPool(), quiz.Options{Seed: 1})
	m := NewMetrics("test")
	r := NewRouter(nil, &fakeSearcher{}, InstrumentQuiz(eng, m), Options{Admins: []string{"UADMIN"}})
	plainOf := func(resp Response) string { return renderPlain(resp, plainStyle{}) }

	res, err := eng.AnswerPractice(ctx, "U1", "q1", 0)
	if err != nil {
		t.Fatal(err)
	}
	shown := renderResult(res, false, view{})
	var ask *button
	for _, p := range shown.parts {
		for i, b := range p.buttons {
			if actionBase(b.actionID) == ActionFlagAsk {
				ask = &p.buttons[i]
			}
		}
	}
	if ask == nil || ask.value != "q1" {
		t.Fatalf("practice result has no Flag button: %+v", shown.parts)
	}
	menu := r.Action(ctx, Action{User: "U1", ActionID: ask.actionID, Value: ask.value})
	var reasons []button
	for _, p := range menu.Reply.parts {
		reasons = append(reasons, p.buttons...)
	}
	if len(reasons) != len(quiz.FlagReasons) || !menu.Reply.Ephemeral {
		t.Fatalf("flag menu = %+v, want one private button per reason", menu.Reply)
	}
	click := func(user string, b button) string {
		t.Helper()
		out := r.Action(ctx, Action{User: user, ActionID: b.actionID, Value: b.value})
		return plainOf(*out.Reply)
	}
	two := reasons[1] // two answers fit
	if got := click("U1", two); !strings.Contains(got, "flagged as two answers fit") || strings.Contains(got, "out of the question of the day") {
		t.Errorf("first flag: %q", got)
	}
	if got := click("U1", reasons[2]); !strings.Contains(got, "already") {
		t.Errorf("same person again: %q", got)
	}
	if got := click("U2", reasons[0]); !strings.Contains(got, "out of the question of the day") {
		t.Errorf("second person: %q", got)
	}
	if got := click("U2", button{actionID: ActionFlag, value: "q1|boring"}); !strings.Contains(got, "no longer works") {
		t.Errorf("unknown reason: %q", got)
	}

	command := func(user, text string) string {
		return plainOf(r.Command(ctx, Request{User: user, Channel: "D1", Text: text}))
	}
	if got := command("U1", "quiz flags"); !strings.Contains(got, "only admins") {
		t.Errorf("quiz flags by a non-admin: %q", got)
	}
	list := command("UADMIN", "quiz flags")
	for _, w := range []string{"q1", "out of rotation", "two answers fit", "wrong answer", "quiz restore q1"} {
		if !strings.Contains(list, w) {
			t.Errorf("quiz flags lacks %q:\n%s", w, list)
		}
	}
	if got := command("UADMIN", "quiz restore nope"); !strings.Contains(got, "No question has the ID") {
		t.Errorf("restore of an unknown ID: %q", got)
	}
	if got := command("UADMIN", "quiz restore q1"); !strings.Contains(got, "back in rotation (2 flag(s) cleared)") {
		t.Errorf("restore: %q", got)
	}
	if got := command("UADMIN", "quiz flags"); !strings.Contains(got, "No flagged questions") {
		t.Errorf("quiz flags after restore: %q", got)
	}
	if got := click("UADMIN", reasons[3]); !strings.Contains(got, "out of the question of the day") {
		t.Errorf("an admin's flag: %q", got)
	}
	if n := flagCount(t, m, "outdated"); n != 1 {
		t.Errorf("outdated flags counted %v, want 1", n)
	}
	if n := flagCount(t, m, "unclear"); n != 0 {
		t.Errorf("a repeated flag was counted: unclear %v, want 0", n)
	}
}

// TestCloseOffersFlag: the daily answer in its thread carries Flag.
func TestCloseOffersFlag(t *testing.T) {
	resp := RenderClose(quiz.Summary{Round: quiz.Round{ID: "r", Question: testPool()[0]}})
	for _, p := range resp.parts {
		for _, b := range p.buttons {
			if actionBase(b.actionID) == ActionFlagAsk && b.value == "q1" {
				return
			}
		}
	}
	t.Errorf("close message without a Flag button: %+v", resp.parts)
}

// flagCount reads devopsbot_question_flags_total for a reason.
func flagCount(t *testing.T, m *Metrics, reason string) float64 {
	t.Helper()
	var out dto.Metric
	if err := m.flags.WithLabelValues(reason).Write(&out); err != nil {
		t.Fatal(err)
	}
	return out.GetCounter().GetValue()
}
