package deploy

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/devopsbot/devopsbot/bot/slackfake"
	"github.com/devopsbot/devopsbot/quiz/postgres"
	"github.com/devopsbot/devopsbot/quiz/postgres/pgtest"
)

const replicaSecret = "r3pl1ca5ecret0b5f1c3a9d7e2f4b6a8"

// replicaSet is several `devopsbot serve` processes on one database,
// reached round-robin like a load balancer would.
type replicaSet struct {
	t     *testing.T
	procs []*serveProc
	bases []string
	dead  []atomic.Bool
	next  atomic.Uint64
}

func startReplicas(t *testing.T, n int, env []string) *replicaSet {
	t.Helper()
	bin := imageBinary(t)
	rs := &replicaSet{t: t, dead: make([]atomic.Bool, n)}
	for range n {
		addr := freePort(t)
		p := startServe(t, bin, append(append([]string(nil), env...), "DEVOPSBOT_ADDR="+addr))
		t.Cleanup(p.kill)
		rs.procs = append(rs.procs, p)
		rs.bases = append(rs.bases, "http://"+addr)
	}
	deadline := time.Now().Add(30 * time.Second)
	for i, base := range rs.bases {
		for !ready(base) {
			select {
			case err := <-rs.procs[i].exited:
				rs.procs[i].gone = true
				t.Fatalf("replica %d exited before ready: %v\n%s", i, err, rs.procs[i].stderr.String())
			default:
			}
			if time.Now().After(deadline) {
				t.Fatalf("replica %d not ready after 30 s:\n%s", i, rs.procs[i].stderr.String())
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	return rs
}

// kill ends replica i with SIGKILL.
func (rs *replicaSet) kill(i int) {
	rs.dead[i].Store(true)
	rs.procs[i].kill()
	rs.procs[i].gone = true
}

// post sends a signed request to replica i, signed at signedAt.
func (rs *replicaSet) post(i int, path, contentType string, body []byte, signedAt time.Time, header map[string]string) (int, error) {
	req, err := http.NewRequest(http.MethodPost, rs.bases[i]+path, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", contentType)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	slackfake.SignRequest(req, replicaSecret, body, signedAt)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	resp, err := http.DefaultClient.Do(req.WithContext(ctx))
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}

// roundRobin sends to the next replica, like a load balancer: a replica
// that does not answer (killed) is taken out and the request goes to the
// next one. It returns the replica that answered.
func (rs *replicaSet) roundRobin(path, contentType string, body []byte) (replica, code int, err error) {
	var last error
	for range len(rs.bases) {
		i := int(rs.next.Add(1) % uint64(len(rs.bases)))
		if rs.dead[i].Load() {
			continue
		}
		code, err := rs.post(i, path, contentType, body, time.Now(), nil)
		if err == nil {
			return i, code, nil
		}
		last = err
	}
	return -1, 0, last
}

// click is the block_actions payload of user pressing an answer button.
func click(user, channel, messageTS, actionID, value, responseURL string) []byte {
	payload, _ := json.Marshal(map[string]any{
		"type":         "block_actions",
		"team":         map[string]any{"id": "T0001"},
		"user":         map[string]any{"id": user, "username": strings.ToLower(user)},
		"api_app_id":   "A0001",
		"container":    map[string]any{"type": "message", "message_ts": messageTS, "channel_id": channel},
		"trigger_id":   "1.2." + user,
		"channel":      map[string]any{"id": channel},
		"message":      map[string]any{"type": "message", "ts": messageTS},
		"response_url": responseURL,
		"actions": []map[string]any{{"action_id": actionID, "block_id": "answers", "value": value,
			"type": "button", "action_ts": "1764100000.000001"}},
	})
	return []byte(url.Values{"payload": {string(payload)}}.Encode())
}

// confirmedUsers maps each user whose click got a result back (through its
// response_url: a scored answer or "you already answered") to that reply.
func confirmedUsers(calls []slackfake.Call) map[string]string {
	out := map[string]string{}
	for _, c := range calls {
		if c.Method != "response_url" || !strings.HasPrefix(c.Path, "/response/click-") {
			continue
		}
		text := c.Text + " " + c.BlockText()
		if strings.Contains(text, "Right!") || strings.Contains(text, "Not quite.") || strings.Contains(text, "already answered") {
			user, _, _ := strings.Cut(strings.TrimPrefix(c.Path, "/response/click-"), "-")
			out[user] = text
		}
	}
	return out
}

// TestReplicasOnPostgreSQL runs three `serve` processes on one PostgreSQL
// database behind a round-robin of signed requests: they post the
// question of the day once; 200 people answer it at once while one
// replica is killed with SIGKILL, and every answer confirmed to its sender
// is counted once; two admins closing it on two replicas close it once; a
// Slack retry of an event that reaches another replica is answered once.
func TestReplicasOnPostgreSQL(t *testing.T) {
	dbURL := pgtest.URL(t)
	slack := slackfake.New(t)
	env := []string{
		"PATH=/usr/bin:/bin",
		"HOME=" + t.TempDir(),
		"SLACK_BOT_TOKEN=" + slackfake.BotToken,
		"SLACK_SIGNING_SECRET=" + replicaSecret,
		"SLACK_API_URL=" + slack.APIURL(),
		"DEVOPSBOT_DB=" + dbURL,
		"DEVOPSBOT_QUIZ_CHANNEL=CQUIZ",
		"DEVOPSBOT_QUIZ_SCHEDULE=0 0 * * *", // today's slot is caught up at start
		"DEVOPSBOT_QUIZ_CLOSE=0 0 1 1 *",    // closed only by the admins below
		"DEVOPSBOT_ADMINS=UADMIN1,UADMIN2",
		"DEVOPSBOT_SHUTDOWN_DRAIN=0s",
	}
	rs := startReplicas(t, 3, env)
	question := postedOnce(t, slack)
	store, err := postgres.Open(context.Background(), nil, dbURL, postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	answeredOnceEach(t, rs, slack, store, question)
	closedOnce(t, rs, slack, store, question)
	retryAnsweredOnce(t, rs, slack)
}

// isDailyQuestion reports whether c posts a question of the day.
func isDailyQuestion(c slackfake.Call) bool {
	return c.Method == "chat.postMessage" && c.Channel == "CQUIZ" && c.ThreadTS == "" && len(c.Buttons()) > 0
}

// postedOnce waits for the question of the day and checks it was posted
// once: all three replicas catch up today's slot at start.
func postedOnce(t *testing.T, slack *slackfake.Server) slackfake.Call {
	t.Helper()
	calls, ok := slack.Wait(20*time.Second, func(calls []slackfake.Call) bool {
		for _, c := range calls {
			if isDailyQuestion(c) {
				return true
			}
		}
		return false
	})
	if !ok {
		t.Fatal("no question of the day posted")
	}
	time.Sleep(time.Second) // a second post, if any, would come now
	var question slackfake.Call
	n := 0
	for _, c := range slack.Calls("chat.postMessage") {
		if isDailyQuestion(c) {
			question = c
			n++
		}
	}
	if n != 1 {
		t.Fatalf("three replicas posted the question of the day %d times, want 1 (calls: %d)", n, len(calls))
	}
	return question
}

// answeredOnceEach: 200 people answer at once while a replica is killed;
// every answer confirmed to its sender is stored once.
func answeredOnceEach(t *testing.T, rs *replicaSet, slack *slackfake.Server, store *postgres.Store, question slackfake.Call) {
	t.Helper()
	buttons := question.Buttons()
	slot, _, _ := strings.Cut(buttons[0].Value, "|")
	// 200 people answer at once, round-robin over the replicas; when a
	// third of them are confirmed, replica 1 is killed. A click that gets
	// no answer (its replica died) is sent again, as the person would
	// click again; each attempt has a response_url of its own.
	const people = 200
	var confirmed atomic.Int32
	killed := make(chan struct{})
	go func() {
		deadline := time.Now().Add(30 * time.Second)
		for confirmed.Load() < people/3 && time.Now().Before(deadline) {
			time.Sleep(5 * time.Millisecond)
		}
		rs.kill(1)
		t.Logf("replica 1 killed with SIGKILL after %d of %d answers were confirmed", confirmed.Load(), people)
		close(killed)
	}()
	var wg sync.WaitGroup
	failures := make(chan string, people)
	// ackedBy[p] is the replica that acknowledged person p's click.
	var ackedBy [people]int
	for p := range people {
		wg.Go(func() {
			user := fmt.Sprintf("U%04d", p)
			b := buttons[p%len(buttons)]
			for attempt := range 8 {
				body := click(user, "CQUIZ", question.TS, b.ActionID, b.Value, slack.ResponseURL(fmt.Sprintf("click-%s-%d", user, attempt)))
				replica, code, err := rs.roundRobin("/slack/interactions", "application/x-www-form-urlencoded", body)
				if err == nil && code == http.StatusOK {
					ackedBy[p] = replica
					confirmed.Add(1)
					return
				}
				time.Sleep(100 * time.Millisecond)
			}
			ackedBy[p] = -1
			failures <- user
		})
	}
	wg.Wait()
	<-killed
	t.Logf("%d answers acknowledged", confirmed.Load())
	close(failures)
	for u := range failures {
		t.Errorf("%s: no replica acknowledged the click in 8 tries", u)
	}

	// The confirmations go through response_url after the acknowledgement,
	// so wait for them. A replica killed between acknowledging a click
	// (the answer is stored by then) and sending its confirmation takes
	// that confirmation with it; every click the live replicas acknowledged
	// is confirmed.
	calls, _ := slack.Wait(20*time.Second, func(calls []slackfake.Call) bool { return len(confirmedUsers(calls)) >= people })
	got := confirmedUsers(calls)
	lost := 0
	for p, r := range ackedBy {
		user := fmt.Sprintf("U%04d", p)
		if _, ok := got[user]; ok || r < 0 {
			continue
		}
		if r != 1 {
			t.Errorf("%s: acknowledged by live replica %d, never confirmed", user, r)
		}
		lost++
	}
	t.Logf("%d of %d people got their answer confirmed (%d confirmations lost with the killed replica)", len(got), people, lost)
	answers, err := store.RoundAnswers(context.Background(), slot)
	if err != nil {
		t.Fatal(err)
	}
	stored := map[string]int{}
	for _, a := range answers {
		stored[a.User]++
		if want := fmt.Sprintf("%s|%d", slot, a.Choice); buttons[mustUserIndex(t, a.User)%len(buttons)].Value != want {
			t.Errorf("%s's stored choice %d is not the button they pressed", a.User, a.Choice)
		}
	}
	for p, r := range ackedBy {
		if user := fmt.Sprintf("U%04d", p); r >= 0 && stored[user] != 1 {
			t.Errorf("%s's click was acknowledged by replica %d; stored %d times, want 1", user, r, stored[user])
		}
	}
	if len(answers) != len(stored) {
		t.Errorf("%d answers stored for %d people: someone counted twice", len(answers), len(stored))
	}
}

// closedOnce: two admins closing the question on two replicas close it
// once.
func closedOnce(t *testing.T, rs *replicaSet, slack *slackfake.Server, store *postgres.Store, question slackfake.Call) {
	t.Helper()
	slot, _, _ := strings.Cut(question.Buttons()[0].Value, "|")
	// Two admins close it at once on the two live replicas: it closes
	// once, with one answer in the thread.
	var closes sync.WaitGroup
	for i, r := range []int{0, 2} {
		closes.Go(func() {
			form := url.Values{"command": {"/devops"}, "text": {"quiz close"}, "user_id": {fmt.Sprintf("UADMIN%d", i+1)},
				"channel_id": {"CQUIZ"}, "team_id": {"T0001"}, "trigger_id": {"1.2.3"},
				"response_url": {slack.ResponseURL(fmt.Sprintf("close-%d", i))}}.Encode()
			if code, err := rs.post(r, "/slack/commands", "application/x-www-form-urlencoded", []byte(form), time.Now(), nil); err != nil || code != http.StatusOK {
				t.Errorf("quiz close on replica %d: %d, %v", r, code, err)
			}
		})
	}
	closes.Wait()
	inThread := func(calls []slackfake.Call) int {
		n := 0
		for _, c := range calls {
			if c.Method == "chat.postMessage" && c.ThreadTS == question.TS {
				n++
			}
		}
		return n
	}
	slack.Wait(10*time.Second, func(calls []slackfake.Call) bool { return inThread(calls) > 0 })
	time.Sleep(time.Second)
	if n := inThread(slack.Calls()); n != 1 {
		t.Errorf("the answer was posted %d times in the question's thread, want 1", n)
	}
	if rd, err := store.GetRound(context.Background(), slot); err != nil || rd.Open() {
		t.Errorf("round after the close = %+v, %v; want closed", rd, err)
	}
	for _, c := range slack.Calls("chat.postMessage") {
		if isDailyQuestion(c) && c.TS != question.TS {
			t.Errorf("a second question of the day was posted: %+v", c)
		}
	}
}

// retryAnsweredOnce: a Slack retry of an event landing on another replica
// is answered once.
func retryAnsweredOnce(t *testing.T, rs *replicaSet, slack *slackfake.Server) {
	t.Helper()
	// Slack retries an event (same event_id, new signature, a retry
	// header) and the retry lands on another replica: answered once.
	event := []byte(`{"type":"event_callback","event_id":"Ev0REPLICA1","team_id":"T0001","event":{"type":"app_mention","user":"U0MENTION","text":"<@UBOT0001> canary deployment","ts":"1764100000.500001","channel":"CMENTION"}}`)
	if code, err := rs.post(0, "/slack/events", "application/json", event, time.Now().Add(-2*time.Second), nil); err != nil || code != http.StatusOK {
		t.Fatalf("event to replica 0: %d, %v", code, err)
	}
	if code, err := rs.post(2, "/slack/events", "application/json", event, time.Now(),
		map[string]string{"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}); err != nil || code != http.StatusOK {
		t.Fatalf("retried event to replica 2: %d, %v", code, err)
	}
	mentions := func(calls []slackfake.Call) int {
		n := 0
		for _, c := range calls {
			if c.Method == "chat.postMessage" && c.Channel == "CMENTION" {
				n++
			}
		}
		return n
	}
	slack.Wait(10*time.Second, func(calls []slackfake.Call) bool { return mentions(calls) > 0 })
	time.Sleep(time.Second)
	if n := mentions(slack.Calls()); n != 1 {
		t.Errorf("the mention was answered %d times across replicas, want 1", n)
	}
}

func mustUserIndex(t *testing.T, user string) int {
	t.Helper()
	var n int
	if _, err := fmt.Sscanf(user, "U%04d", &n); err != nil {
		t.Fatalf("user %q: %v", user, err)
	}
	return n
}
