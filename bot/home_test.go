package bot

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/devopsbot/devopsbot/bot/slackfake"
	"github.com/devopsbot/devopsbot/quiz"
	"github.com/devopsbot/devopsbot/quiz/memory"
)

const (
	homeUser  = "U061F7AUR" // the documented app_home_opened event's user
	adminUser = "UADMIN001"
	quizChan  = "CQUIZ0001"
)

// homeEnv is the HTTP transport on loopback with a question of the day
// posted through the fake Slack, an admin, and the quiz channels of the
// engine (the environment's default).
type homeEnv struct {
	*httpEnv
	daily *DailyScheduler
}

func newHomeEnv(t *testing.T) *homeEnv {
	t.Helper()
	fake := newFake(t)
	eng := quiz.New(nil, memory.New(), testPool(), quiz.Options{Seed: 1, Channel: quiz.Channel{ID: quizChan,
		Post: "0 9 * * MON-FRI", Close: "0 17 * * MON-FRI", TZ: "Europe/Berlin", ExamDate: "2027-02-01"}})
	m := NewMetrics("test", Routes()...)
	sl := NewSlack(nil, NewSlackClient(slackfake.BotToken, "", fake.APIURL()), m)
	daily := NewDailyScheduler(nil, eng, sl, m, DailyOptions{Channel: quizChan})
	r := NewRouter(nil, defaultIndex(t), eng, Options{Admins: []string{adminUser}, Daily: daily,
		Permalink: sl.Permalink})
	disp := NewDispatcher(nil, r, sl, m, nil)
	srv := httptest.NewServer(NewHTTP(nil, disp, HTTPOptions{SigningSecret: testSecret, Metrics: m}).Handler())
	t.Cleanup(func() {
		srv.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = disp.Wait(ctx)
	})
	if err := daily.Post(context.Background(), quizChan); err != nil {
		t.Fatal(err)
	}
	return &homeEnv{httpEnv: &httpEnv{fake: fake, disp: disp, srv: srv}, daily: daily}
}

// openHome sends the documented app_home_opened event for user, signed.
func (e *homeEnv) openHome(t *testing.T, user, eventID string) {
	t.Helper()
	var env map[string]any
	if err := json.Unmarshal(readTestdata(t, "app_home_opened.event_callback.SYNTHETIC.json"), &env); err != nil {
		t.Fatal(err)
	}
	env["event_id"] = eventID
	env["event"].(map[string]any)["user"] = user
	body, _ := json.Marshal(env)
	if code, out := e.post(t, PathEvents, "application/json", body, true); code != http.StatusOK {
		t.Fatalf("event acked %d %s", code, out)
	}
}

// click sends the documented block_actions payload for one button,
// edited by edit, signed.
func (e *homeEnv) click(t *testing.T, user, actionID, value string, edit func(p map[string]any)) {
	t.Helper()
	body := withResponseURL(t, readTestdata(t, "block_actions.http-body.txt"), e.fake.ResponseURL(actionID), func(p map[string]any) {
		p["user"] = map[string]any{"id": user, "username": "someone"}
		p["actions"] = []any{map[string]any{"action_id": actionID, "block_id": "b", "value": value, "type": "button"}}
		if edit != nil {
			edit(p)
		}
	})
	if code, out := e.post(t, PathInteractions, "application/x-www-form-urlencoded", body, true); code != http.StatusOK {
		t.Fatalf("click acked %d %s", code, out)
	}
}

// published waits for the n-th views.publish for user and returns it,
// checked against Slack's limits for views.
func (e *homeEnv) published(t *testing.T, user string, n int) slackfake.Call {
	t.Helper()
	mine := func(calls []slackfake.Call) []slackfake.Call {
		var out []slackfake.Call
		for _, c := range calls {
			if c.Method == "views.publish" && c.User == user {
				out = append(out, c)
			}
		}
		return out
	}
	calls, ok := e.fake.Wait(5*time.Second, func(c []slackfake.Call) bool { return len(mine(c)) >= n })
	if !ok {
		t.Fatalf("views.publish for %s: %d of %d; calls %+v", user, len(mine(calls)), n, calls)
	}
	c := mine(calls)[n-1]
	if c.ViewType != "home" {
		t.Errorf("view type %q, want home", c.ViewType)
	}
	var blocks slack.Blocks
	if err := json.Unmarshal(c.Blocks, &blocks); err != nil {
		t.Fatalf("view blocks: %v", err)
	}
	checkViewLimits(t, blocks.BlockSet)
	return c
}

func TestHomePublishedOnOpenAndAfterAnAnswer(t *testing.T) {
	e := newHomeEnv(t)
	posted := e.fake.Calls("chat.postMessage")[0]
	e.openHome(t, homeUser, "EvHOME1")
	home := e.published(t, homeUser, 1)
	text := home.BlockText()
	for _, want := range []string{"Question of the day", "Question ", "Not answered yet",
		"<" + slackfake.Permalink(quizChan, posted.TS) + "|", "Leaderboard", "no answers yet"} {
		if !strings.Contains(text, want) {
			t.Errorf("home lacks %q:\n%s", want, text)
		}
	}
	for _, admin := range []string{"Admin", "Quiz channels", "Flagged"} {
		if strings.Contains(text, admin) {
			t.Errorf("a non-admin's home shows %q:\n%s", admin, text)
		}
	}
	ids := map[string]bool{}
	for _, b := range home.Buttons() {
		ids[actionBase(b.ActionID)] = true
	}
	if !ids[ActionPracticeDomain] || !ids[ActionPracticeMissed] {
		t.Errorf("home buttons %+v, want both practice buttons", home.Buttons())
	}

	// The person answers the question of the day, wrongly: once the click
	// is acknowledged, the Home tab shows the answer.
	var wrong slackfake.Button
	for _, b := range posted.Buttons() {
		if actionBase(b.ActionID) == ActionAnswerDaily && !strings.HasSuffix(b.Value, "|"+correctOf(t, e, b.Value)) {
			wrong = b
			break
		}
	}
	e.click(t, homeUser, wrong.ActionID, wrong.Value, func(p map[string]any) {
		p["channel"] = map[string]any{"id": quizChan}
		p["container"] = map[string]any{"type": "message", "message_ts": posted.TS, "channel_id": quizChan}
		p["message"] = map[string]any{"ts": posted.TS}
	})
	again := e.published(t, homeUser, 2).BlockText()
	if !strings.Contains(again, "You answered *"+wrong.Text+")") || !strings.Contains(again, "not quite") ||
		!strings.Contains(again, "1 answered") {
		t.Errorf("home after the answer:\n%s", again)
	}
	if n := len(e.fake.Calls("chat.getPermalink")); n != 1 {
		t.Errorf("%d chat.getPermalink calls, want 1 (a message's link is asked once)", n)
	}
}

// correctOf is the right option's index of the round in a button value.
func correctOf(t *testing.T, e *homeEnv, value string) string {
	t.Helper()
	id, _, _ := strings.Cut(value, "|")
	rd, err := e.disp.r.quiz.Round(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return string(rune('0' + rd.Question.Correct))
}

func TestHomeShowsAdminsTheScheduleChannelsAndFlags(t *testing.T) {
	e := newHomeEnv(t)
	e.openHome(t, adminUser, "EvADMIN1")
	text := e.published(t, adminUser, 1).BlockText()
	for _, want := range []string{"Admin", "Quiz channels", "<#" + quizChan + ">", "`0 9 * * MON-FRI`",
		"`0 17 * * MON-FRI`", "Europe/Berlin", "exam 2027-02-01", "No flagged questions."} {
		if !strings.Contains(text, want) {
			t.Errorf("admin home lacks %q:\n%s", want, text)
		}
	}
}

func TestHomePracticeButtonsStartPracticeInADirectMessage(t *testing.T) {
	e := newHomeEnv(t)
	home := func(p map[string]any) {
		var tab map[string]any
		if err := json.Unmarshal(readTestdata(t, "block_actions.home_tab.SYNTHETIC.json"), &tab); err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"channel", "message", "response_url"} {
			delete(p, k)
		}
		p["container"], p["view"] = tab["container"], tab["view"]
	}
	e.click(t, homeUser, ActionPracticeMissed+":1", "", home)
	e.click(t, homeUser, ActionPracticeDomain+":0", "1", home)
	calls, ok := e.fake.Wait(5*time.Second, func(c []slackfake.Call) bool {
		n := 0
		for _, x := range c {
			if x.Method == "chat.postMessage" && x.Channel == "D"+homeUser { // the fake's DM channel
				n++
			}
		}
		return n == 2
	})
	if !ok {
		t.Fatalf("want two practice questions in the person's DM; calls %+v", calls)
	}
	for _, c := range calls {
		if c.Method != "chat.postMessage" || c.Channel != "D"+homeUser {
			continue
		}
		if !strings.Contains(c.BlockText(), "Practice question") || len(c.Buttons()) == 0 ||
			actionBase(c.Buttons()[0].ActionID) != ActionAnswerPractice {
			t.Errorf("DM %+v, want a practice question with answer buttons:\n%s", c, c.BlockText())
		}
	}
	if n := len(e.fake.Calls("chat.postEphemeral", "response_url")); n != 0 {
		t.Errorf("%d ephemeral replies: a Home tab click has no channel to reply in", n)
	}
}

func TestSocketHomeOpened(t *testing.T) {
	e := newSocketEnv(t, 0)
	if err := e.fake.SendSocket(envelope(t, "events_api.app_home_opened.envelope.SYNTHETIC.json", "env-home", nil)); err != nil {
		t.Fatal(err)
	}
	e.ackFor(t, "env-home")
	calls, ok := e.fake.Wait(5*time.Second, func(c []slackfake.Call) bool { return len(c) > 0 })
	if !ok || calls[0].Method != "views.publish" || calls[0].User != homeUser {
		t.Fatalf("calls %+v, want views.publish for %s", calls, homeUser)
	}
	if text := calls[0].BlockText(); !strings.Contains(text, "none posted yet") {
		t.Errorf("home without a question of the day:\n%s", text)
	}
}

// homeEvent is the documented app_home_opened event for user on tab.
func homeEvent(t *testing.T, user, tab string) json.RawMessage {
	t.Helper()
	var env map[string]any
	if err := json.Unmarshal(readTestdata(t, "app_home_opened.event_callback.SYNTHETIC.json"), &env); err != nil {
		t.Fatal(err)
	}
	ev := env["event"].(map[string]any)
	ev["user"], ev["tab"] = user, tab
	raw, _ := json.Marshal(ev)
	return raw
}

func TestHomeMessagesTabIsIgnored(t *testing.T) {
	e := newHomeEnv(t)
	e.disp.event(context.Background(), "test", homeEvent(t, homeUser, "messages"))
	if calls := e.fake.Calls("views.publish"); len(calls) != 0 {
		t.Errorf("the Messages tab published %+v", calls)
	}
	e.disp.event(context.Background(), "test", homeEvent(t, homeUser, "home"))
	if calls := e.fake.Calls("views.publish"); len(calls) != 1 {
		t.Errorf("the Home tab published %d views, want 1", len(calls))
	}
}

func TestHomePublishFailureIsLoggedAndCounted(t *testing.T) {
	e := newHomeEnv(t)
	lg, logs := logBuffer()
	e.disp.lg = lg
	e.fake.FailNextWith("views.publish", "invalid_arguments")
	e.disp.event(context.Background(), "test", homeEvent(t, homeUser, "home"))
	e.disp.event(context.Background(), "test", homeEvent(t, homeUser, "home"))
	m := e.disp.m
	if got := value(t, m, "devopsbot_commands_total", "command", CommandHome, "outcome", OutcomeError); got != 1 {
		t.Errorf("home errors counted %v, want 1", got)
	}
	if got := value(t, m, "devopsbot_commands_total", "command", CommandHome, "outcome", OutcomeOK); got != 1 {
		t.Errorf("home publishes counted %v, want 1 (the next one works)", got)
	}
	if got := counterValue(t, m, "views.publish"); got != 1 {
		t.Errorf("views.publish errors counted %v, want 1", got)
	}
	if !strings.Contains(logs.String(), "home not published") || !strings.Contains(logs.String(), "invalid_arguments") {
		t.Errorf("the failure is not logged:\n%s", logs)
	}
}
