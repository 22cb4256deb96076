package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/devopsbot/devopsbot/bot/slackfake"
	"github.com/devopsbot/devopsbot/quiz"
	"github.com/devopsbot/devopsbot/quiz/memory"
)

// channelsEnv is one bot process for the quiz channel tests: the HTTP
// transport on loopback (signed requests), the router, the scheduler on a
// fake clock and the fake Slack Web API, over a store that outlives it.
type channelsEnv struct {
	eng   *quiz.Engine
	daily *DailyScheduler
	clk   *clock
	srv   *httptest.Server
	disp  *Dispatcher
}

// envChannel is DEVOPSBOT_QUIZ_CHANNEL and its settings in these tests.
var envChannel = quiz.Channel{ID: "CBERLIN01", Post: "0 9 * * MON-FRI", Close: "0 17 * * MON-FRI", TZ: "Europe/Berlin"}

func startChannelsEnv(t *testing.T, store quiz.Store, fake *slackfake.Server, clk *clock) *channelsEnv {
	t.Helper()
	eng := quiz.New(nil, store, testPool(), quiz.Options{Now: clk.Now, Seed: 1, Channel: envChannel})
	m := NewMetrics("test", Routes()...)
	sl := NewSlack(nil, NewSlackClient(slackfake.BotToken, "", fake.APIURL()), m)
	d := NewDailyScheduler(nil, eng, sl, m, DailyOptions{Channel: envChannel.ID, Clock: clk, CloseLog: store.(CloseLog)})
	r := NewRouter(nil, &fakeSearcher{}, eng, Options{Admins: []string{"UADMIN01"}, Daily: d, Now: clk.Now})
	disp := NewDispatcher(nil, r, sl, m, nil)
	srv := httptest.NewServer(NewHTTP(nil, disp, HTTPOptions{SigningSecret: testSecret, Metrics: m}).Handler())
	e := &channelsEnv{eng: eng, daily: d, clk: clk, srv: srv, disp: disp}
	mark := clk.mark()
	d.Start()
	clk.settle(t, mark)
	t.Cleanup(e.stop)
	return e
}

func (e *channelsEnv) stop() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	e.srv.Close()
	_ = e.disp.Wait(ctx)
	_ = e.daily.Stop(ctx)
}

// command sends a signed /devops command from user in channel and returns
// the text of its inline reply.
func (e *channelsEnv) command(t *testing.T, user, channel, text string) string {
	t.Helper()
	body := []byte(url.Values{"command": {"/devops"}, "text": {text}, "user_id": {user}, "channel_id": {channel},
		"team_id": {"T0001"}, "response_url": {"http://127.0.0.1:1/unused"}}.Encode())
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+PathCommands, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	slackfake.SignRequest(req, testSecret, body, time.Now())
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	var r replyJSON
	if resp.StatusCode != http.StatusOK || json.Unmarshal(out, &r) != nil {
		t.Fatalf("%q: status %d, body %s", text, resp.StatusCode, out)
	}
	return r.Text
}

// posts counts the fake Slack's questions (posts outside threads) and
// thread posts (answers) per channel.
func posts(fake *slackfake.Server) (questions, answers map[string]int) {
	questions, answers = map[string]int{}, map[string]int{}
	for _, c := range fake.Calls("chat.postMessage") {
		if c.ThreadTS == "" {
			questions[c.Channel]++
		} else {
			answers[c.Channel]++
		}
	}
	return questions, answers
}

func wantPosts(t *testing.T, fake *slackfake.Server, when string, questions, answers map[string]int) {
	t.Helper()
	q, a := posts(fake)
	if fmt.Sprint(q) != fmt.Sprint(questions) || fmt.Sprint(a) != fmt.Sprint(answers) {
		t.Fatalf("%s: questions %v and answers %v, want %v and %v", when, q, a, questions, answers)
	}
}

// e2eUTC is a time on the test's week (Monday 23 November 2026), in UTC.
func e2eUTC(day, h, m int) time.Time { return time.Date(2026, 11, day, h, m, 0, 0, time.UTC) }

const newYork = "CNEWYORK1"

// TestQuizChannelsEndToEnd: the environment's channel (Berlin) and one an
// admin adds in Slack (New York) each post and close at their own times,
// in their own zones, exactly once; the channel survives a restart,
// filters the leaderboard, and stops when removed.
func TestQuizChannelsEndToEnd(t *testing.T) {
	store := memory.New()
	fake := slackfake.New(t)
	clk := &clock{t: e2eUTC(23, 7, 0)} // Monday
	e := startChannelsEnv(t, store, fake, clk)
	addNewYork(t, e, store)
	mondayInTwoZones(t, e, fake)

	// A restart that evening: nothing is posted again, the added channel is
	// still there, and both post the next morning.
	e.stop()
	e = startChannelsEnv(t, store, fake, clk)
	wantPosts(t, fake, "restart", map[string]int{envChannel.ID: 1, newYork: 1}, map[string]int{envChannel.ID: 1, newYork: 1})
	if list := e.command(t, "UADMIN01", "CGENERAL1", "admin channel list"); !strings.Contains(list, "<#CNEWYORK1>") {
		t.Fatalf("after restart: %q", list)
	}
	e.clk.advance(t, e2eUTC(24, 8, 0))
	e.clk.advance(t, e2eUTC(24, 14, 30))
	wantPosts(t, fake, "Tuesday", map[string]int{envChannel.ID: 2, newYork: 2}, map[string]int{envChannel.ID: 1, newYork: 1})

	// Removing New York closes its open question and stops its schedule.
	if got := e.command(t, "UADMIN01", "CGENERAL1", "admin channel remove <#CNEWYORK1|quiz-ny>"); !strings.Contains(got, "Removed <#CNEWYORK1>") {
		t.Fatalf("remove: %q", got)
	}
	wantPosts(t, fake, "removed", map[string]int{envChannel.ID: 2, newYork: 2}, map[string]int{envChannel.ID: 1, newYork: 2})
	if got := e.command(t, "UADMIN01", "CGENERAL1", "admin channel remove <#CBERLIN01>"); !strings.Contains(got, "DEVOPSBOT_QUIZ_CHANNEL") {
		t.Errorf("removing the environment's channel: %q", got)
	}
	e.clk.advance(t, e2eUTC(25, 8, 0))
	e.clk.advance(t, e2eUTC(25, 14, 30))
	wantPosts(t, fake, "Wednesday", map[string]int{envChannel.ID: 3, newYork: 2}, map[string]int{envChannel.ID: 2, newYork: 2})
}

// addNewYork adds the New York channel through signed slash commands:
// refused for a non-admin and for bad settings (nothing stored), then
// added and listed beside the environment's.
func addNewYork(t *testing.T, e *channelsEnv, store quiz.Store) {
	t.Helper()
	add := `admin channel add <#CNEWYORK1|quiz-ny> post="30 9 * * MON-FRI" close="0 16 * * MON-FRI" tz=America/New_York exam=2027-02-01`
	if got := e.command(t, "UPERSON1", "CGENERAL1", add); !strings.Contains(got, "only admins") {
		t.Fatalf("non-admin add: %q", got)
	}
	for bad, why := range map[string]string{
		strings.Replace(add, "America/New_York", "America/Gotham", 1):    "unknown time zone",
		strings.Replace(add, "30 9 * * MON-FRI", "30 25 * * MON-FRI", 1): "post schedule",
		strings.Replace(add, "2027-02-01", "01/02/2027", 1):              "yyyy-mm-dd",
	} {
		if got := e.command(t, "UADMIN01", "CGENERAL1", bad); !strings.Contains(strings.ToLower(got), why) || !strings.Contains(got, "Nothing changed") {
			t.Errorf("bad add %q: reply %q, want it to say %q", bad, got, why)
		}
	}
	if cs, _ := store.Channels(context.Background()); len(cs) != 0 {
		t.Fatalf("refused adds stored %+v", cs)
	}
	if got := e.command(t, "UADMIN01", "CGENERAL1", add); !strings.Contains(got, "Added <#CNEWYORK1>") ||
		!strings.Contains(got, "next question Mon 23 Nov 09:30 EST") {
		t.Fatalf("add: %q", got)
	}
	list := e.command(t, "UADMIN01", "CGENERAL1", "admin channel list")
	if !strings.Contains(list, "<#CBERLIN01> posts") || !strings.Contains(list, "DEVOPSBOT_QUIZ_CHANNEL") ||
		!strings.Contains(list, "<#CNEWYORK1> posts") || !strings.Contains(list, "America/New_York") {
		t.Fatalf("list: %q", list)
	}
}

// mondayInTwoZones moves the clock through Monday: each channel posts at
// 09:00 or 09:30 its time and closes at 17:00 or 16:00 its time, once; a
// person answers in each, and the leaderboard counts one channel or both.
func mondayInTwoZones(t *testing.T, e *channelsEnv, fake *slackfake.Server) {
	t.Helper()
	ctx := context.Background()
	e.clk.advance(t, e2eUTC(23, 7, 59))
	wantPosts(t, fake, "before 09:00 Berlin", map[string]int{}, map[string]int{})
	e.clk.advance(t, e2eUTC(23, 8, 0)) // 09:00 in Berlin, 03:00 in New York
	wantPosts(t, fake, "09:00 Berlin", map[string]int{envChannel.ID: 1}, map[string]int{})
	e.clk.advance(t, e2eUTC(23, 14, 30)) // 09:30 in New York
	wantPosts(t, fake, "09:30 New York", map[string]int{envChannel.ID: 1, newYork: 1}, map[string]int{})

	// The environment's channel keeps the round IDs of one channel; the
	// added one's name it.
	for id, user := range map[string]string{"2026-11-23T09:00:00+01:00": "UBERLIN1", newYork + "/2026-11-23T09:30:00-05:00": "UNEWYRK1"} {
		rd, err := e.eng.Round(ctx, id)
		if err != nil {
			t.Fatalf("round %s: %v", id, err)
		}
		if _, err := e.eng.AnswerRound(ctx, id, user, rd.Question.Correct); err != nil {
			t.Fatal(err)
		}
	}

	e.clk.advance(t, e2eUTC(23, 16, 0)) // 17:00 in Berlin
	wantPosts(t, fake, "17:00 Berlin", map[string]int{envChannel.ID: 1, newYork: 1}, map[string]int{envChannel.ID: 1})
	e.clk.advance(t, e2eUTC(23, 21, 0)) // 16:00 in New York
	wantPosts(t, fake, "16:00 New York", map[string]int{envChannel.ID: 1, newYork: 1}, map[string]int{envChannel.ID: 1, newYork: 1})

	lb := e.command(t, "UPERSON1", newYork, "leaderboard all <#CNEWYORK1|quiz-ny>")
	if !strings.Contains(lb, "UNEWYRK1") || strings.Contains(lb, "UBERLIN1") || !strings.Contains(lb, "<#CNEWYORK1>") {
		t.Errorf("leaderboard in New York: %q", lb)
	}
	if lb := e.command(t, "UPERSON1", newYork, "leaderboard all"); !strings.Contains(lb, "UNEWYRK1") || !strings.Contains(lb, "UBERLIN1") {
		t.Errorf("leaderboard of every channel: %q", lb)
	}
}
