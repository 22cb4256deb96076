package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/devopsbot/devopsbot/bot"
	"github.com/devopsbot/devopsbot/bot/slackfake"
)

// End-to-end tests: they run the real wiring (run with "serve") against
// slackfake, a fake Slack Web API on 127.0.0.1, and send signed requests
// shaped like the documented payloads in ../../bot/testdata/slack.

const (
	testSecret = "e2e-signing-secret-0123456789abcdef"
	quizChan   = "CQUIZ0001"
	adminUser  = "UADMIN001"
)

var slackDir = filepath.Join("..", "..", "bot", "testdata", "slack")

func readSlack(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(slackDir, name))
	if err != nil {
		t.Fatal(err)
	}
	return bytes.TrimSpace(b)
}

// syncBuffer is a goroutine-safe log sink.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func freeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// testConfig is an HTTP-mode configuration against fake, with the database
// at db.
func testConfig(t testing.TB, fake *slackfake.Server, db string) Config {
	return Config{
		BotToken:      slackfake.BotToken,
		SigningSecret: testSecret,
		APIURL:        fake.APIURL(),
		Addr:          freeAddr(t),
		DB:            db,
		TZ:            "UTC",
		Admins:        []string{adminUser},
	}
}

// testBot is one running `devopsbot serve`.
type testBot struct {
	t      testing.TB
	cfg    Config
	base   string
	logs   *syncBuffer
	cancel context.CancelFunc
	done   chan error
	client *http.Client
}

// startBot runs serve with cfg and waits until /readyz answers 200.
func startBot(t testing.TB, cfg Config) *testBot {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	b := &testBot{t: t, cfg: cfg, base: "http://" + cfg.Addr, logs: &syncBuffer{}, cancel: cancel,
		done: make(chan error, 1), client: &http.Client{Timeout: 5 * time.Second}}
	go func() { b.done <- run(ctx, cfg, []string{"serve"}, strings.NewReader(""), io.Discard, b.logs) }()
	t.Cleanup(func() { b.stop() })
	deadline := time.Now().Add(15 * time.Second)
	for {
		select {
		case err := <-b.done:
			b.done <- err
			t.Fatalf("serve ended before ready: %v\nlogs:\n%s", err, b.logs)
		default:
		}
		resp, err := b.client.Get(b.base + bot.PathReadyz)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return b
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("not ready after 15s (last: %v)\nlogs:\n%s", err, b.logs)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// stop cancels serve and returns its error (nil after a clean shutdown).
func (b *testBot) stop() error {
	b.cancel()
	select {
	case err := <-b.done:
		b.done <- err
		return err
	case <-time.After(15 * time.Second):
		b.t.Errorf("serve did not stop within 15s")
		return fmt.Errorf("serve did not stop")
	}
}

// get fetches path and returns the body.
func (b *testBot) get(path string) string {
	b.t.Helper()
	resp, err := b.client.Get(b.base + path)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		b.t.Fatalf("GET %s: %d %s", path, resp.StatusCode, body)
	}
	return string(body)
}

type signing int

const (
	signOK signing = iota
	signNone
	signWrong
	signStale
	signNoTimestamp
)

// send POSTs body to path, signed as sig says, with extra headers.
func (b *testBot) send(path, contentType string, body []byte, sig signing, headers ...string) (int, []byte) {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodPost, b.base+path, bytes.NewReader(body))
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	switch sig {
	case signOK:
		slackfake.SignRequest(req, testSecret, body, time.Now())
	case signWrong:
		slackfake.SignRequest(req, testSecret+"-not", body, time.Now())
	case signStale:
		slackfake.SignRequest(req, testSecret, body, time.Now().Add(-6*time.Minute))
	case signNoTimestamp:
		slackfake.SignRequest(req, testSecret, body, time.Now())
		req.Header.Del("X-Slack-Request-Timestamp")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := b.client.Do(req)
	if err != nil {
		b.t.Fatalf("POST %s: %v", path, err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, out
}

// triggers numbers the trigger_id of each request, unique as in Slack's.
var triggers atomic.Int64

// slashReply is what the bot answers to a slash command.
type slashReply struct {
	ResponseType string          `json:"response_type"`
	Text         string          `json:"text"`
	Blocks       json.RawMessage `json:"blocks"`
}

func (r slashReply) call() slackfake.Call { return slackfake.Call{Text: r.Text, Blocks: r.Blocks} }

// command sends `/devops text` as user (a body shaped like the documented
// slash command) and returns the inline answer.
func (b *testBot) command(user, channel, text string) slashReply {
	b.t.Helper()
	form := url.Values{
		"token": {"gIkuvaNzQIHg97ATvDxqgjtO"}, "team_id": {"T0001"}, "team_domain": {"example"},
		"channel_id": {channel}, "channel_name": {"test"}, "user_id": {user}, "user_name": {strings.ToLower(user)},
		"command": {"/devops"}, "text": {text}, "response_url": {"http://127.0.0.1:1/commands/unused"},
		"trigger_id": {fmt.Sprintf("13345224609.738474920.%d", triggers.Add(1))},
	}
	start := time.Now()
	code, body := b.send(bot.PathCommands, "application/x-www-form-urlencoded", []byte(form.Encode()), signOK)
	if code != http.StatusOK {
		b.t.Fatalf("/devops %s: status %d: %s", text, code, body)
	}
	if d := time.Since(start); d > 3*time.Second {
		b.t.Errorf("/devops %s took %v, over Slack's 3 s", text, d)
	}
	var r slashReply
	if err := json.Unmarshal(body, &r); err != nil {
		b.t.Fatalf("/devops %s: bad JSON %q: %v", text, body, err)
	}
	return r
}

// click sends a block_actions payload (the documented shape) for a button
// of the message at ts in channel.
func (b *testBot) click(fake *slackfake.Server, user, channel, ts string, btn slackfake.Button, responseName string) {
	b.t.Helper()
	var p map[string]any
	if err := json.Unmarshal(readSlack(b.t, "block_actions.json"), &p); err != nil {
		b.t.Fatal(err)
	}
	p["user"] = map[string]any{"id": user, "username": strings.ToLower(user), "name": strings.ToLower(user), "team_id": "T0001"}
	p["container"] = map[string]any{"type": "message", "message_ts": ts, "channel_id": channel, "is_ephemeral": false}
	p["channel"] = map[string]any{"id": channel, "name": "devops-quiz"}
	p["message"] = map[string]any{"type": "message", "ts": ts, "text": "question", "bot_id": slackfake.BotID}
	p["response_url"] = fake.ResponseURL(responseName)
	p["trigger_id"] = fmt.Sprintf("12321423423.333649436676.%d", triggers.Add(1))
	p["actions"] = []any{map[string]any{"action_id": btn.ActionID, "block_id": "answers", "value": btn.Value,
		"type": "button", "text": map[string]any{"type": "plain_text", "text": btn.Text}, "action_ts": "1548426417.840180"}}
	raw, _ := json.Marshal(p)
	body := []byte(url.Values{"payload": {string(raw)}}.Encode())
	code, out := b.send(bot.PathInteractions, "application/x-www-form-urlencoded", body, signOK)
	if code != http.StatusOK {
		b.t.Fatalf("click: status %d: %s", code, out)
	}
}

func isQuestion(c slackfake.Call) bool {
	if c.Method != "chat.postMessage" || c.Channel != quizChan || c.ThreadTS != "" {
		return false
	}
	for _, b := range c.Buttons() {
		if strings.HasPrefix(b.ActionID, bot.ActionAnswerDaily) {
			return true
		}
	}
	return false
}

func questions(calls []slackfake.Call) []slackfake.Call {
	var out []slackfake.Call
	for _, c := range calls {
		if isQuestion(c) {
			out = append(out, c)
		}
	}
	return out
}

func answerButtons(c slackfake.Call) []slackfake.Button {
	var out []slackfake.Button
	for _, b := range c.Buttons() {
		if strings.HasPrefix(b.ActionID, bot.ActionAnswerDaily) {
			out = append(out, b)
		}
	}
	return out
}

// roundOf returns the round ID carried by a question's buttons.
func roundOf(c slackfake.Call) string {
	bs := answerButtons(c)
	if len(bs) == 0 {
		return ""
	}
	id, _, _ := strings.Cut(bs[0].Value, "|")
	return id
}

func TestServeSlashLookupAnsweredInline(t *testing.T) {
	fake := slackfake.New(t)
	b := startBot(t, testConfig(t, fake, filepath.Join(t.TempDir(), "bot.db")))

	r := b.command("U2147483697", "C2147483705", "lookup canary")
	if r.ResponseType != "ephemeral" {
		t.Errorf("response_type = %q, want ephemeral", r.ResponseType)
	}
	text := strings.ToLower(r.Text + "\n" + r.call().BlockText())
	if !strings.Contains(text, "canary") {
		t.Errorf("lookup canary answer does not mention canary:\n%s", text)
	}
	if len(r.Blocks) == 0 {
		t.Errorf("no blocks in the answer")
	}
	share := false
	for _, btn := range r.call().Buttons() {
		if strings.HasPrefix(btn.ActionID, bot.ActionShare) {
			share = true
		}
	}
	if !share {
		t.Errorf("no Share in channel button in %s", r.Blocks)
	}
	// Text without a subcommand is a lookup too.
	if r2 := b.command("U2147483697", "C2147483705", "canary"); !strings.Contains(strings.ToLower(r2.Text+r2.call().BlockText()), "canary") {
		t.Errorf("bare query not answered as lookup: %s", r2.Text)
	}
	// Nothing matches: answered, counted as no_result.
	if r3 := b.command("U2147483697", "C2147483705", "lookup zzqxv wqqzx"); r3.ResponseType != "ephemeral" {
		t.Errorf("no-match reply %+v", r3)
	}
	if m := b.get(bot.PathMetrics); !regexp.MustCompile(`devopsbot_lookup_duration_seconds_count [1-9]`).MatchString(m) ||
		!strings.Contains(m, `devopsbot_commands_total{command="lookup",outcome="ok"} 2`) ||
		!strings.Contains(m, `devopsbot_commands_total{command="lookup",outcome="no_result"} 1`) {
		t.Errorf("metrics do not count the lookups by outcome")
	}
	if err := b.stop(); err != nil {
		t.Errorf("shutdown: %v", err)
	}
	logs := b.logs.String()
	if !regexp.MustCompile(`"msg":"bot.HTTP request","route":"/slack/commands","command":"lookup","outcome":"no_result",.*"latency_ms":`).MatchString(logs) {
		t.Errorf("no request log line with command, outcome and latency:\n%s", logs)
	}
	for _, secret := range []string{testSecret, slackfake.BotToken} {
		if strings.Contains(logs, secret) {
			t.Errorf("logs contain a secret")
		}
	}
}

func TestServeRefusesBadSignatures(t *testing.T) {
	fake := slackfake.New(t)
	cfg := testConfig(t, fake, filepath.Join(t.TempDir(), "bot.db"))
	cfg.QuizChannel = quizChan // an admin's "quiz post" would post a question
	b := startBot(t, cfg)
	before := len(fake.Calls())

	cmd := []byte(url.Values{"command": {"/devops"}, "text": {"quiz post"}, "user_id": {adminUser}, "channel_id": {"C1"},
		"response_url": {fake.ResponseURL("cmd")}}.Encode())
	mention := bytes.Replace(readSlack(t, "app_mention.event_callback.json"), []byte("Ev0MDYHUEL"), []byte("EvBADSIG01"), 1)
	click := readSlack(t, "block_actions.http-body.txt")
	routes := []struct {
		path, ctype string
		body        []byte
	}{
		{bot.PathCommands, "application/x-www-form-urlencoded", cmd},
		{bot.PathEvents, "application/json", mention},
		{bot.PathInteractions, "application/x-www-form-urlencoded", click},
	}
	for _, sig := range []struct {
		name string
		s    signing
	}{{"missing", signNone}, {"wrong", signWrong}, {"stale", signStale}, {"no timestamp", signNoTimestamp}} {
		for _, rt := range routes {
			t.Run(sig.name+" signature on "+rt.path+" is 401", func(t *testing.T) {
				code, body := b.send(rt.path, rt.ctype, rt.body, sig.s)
				if code != http.StatusUnauthorized {
					t.Errorf("status %d (%s), want 401", code, body)
				}
			})
		}
	}
	// A correctly signed body that was altered after signing is refused too.
	t.Run("altered body is 401", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodPost, b.base+bot.PathEvents, bytes.NewReader(append(mention, ' ')))
		slackfake.SignRequest(req, testSecret, mention, time.Now())
		resp, err := b.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("status %d, want 401", resp.StatusCode)
		}
	})
	time.Sleep(300 * time.Millisecond) // anything started in the background would show by now
	if calls := fake.Calls(); len(calls) != before {
		t.Errorf("refused requests reached Slack: %+v", calls[before:])
	}
	// The same command, signed, does post: the refusals above were the
	// signatures, not the command. Sent again as it is (a replay), it is
	// refused and posts nothing.
	req := func() *http.Request {
		r, _ := http.NewRequest(http.MethodPost, b.base+bot.PathCommands, bytes.NewReader(cmd))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return r
	}
	first := req()
	slackfake.SignRequest(first, testSecret, cmd, time.Now())
	for i, want := range []int{http.StatusOK, http.StatusUnauthorized} {
		r := req()
		r.Header = first.Header.Clone()
		resp, err := b.client.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("signed quiz post, delivery %d: status %d, want %d", i+1, resp.StatusCode, want)
		}
	}
	if _, ok := fake.Wait(5*time.Second, func(c []slackfake.Call) bool { return len(questions(c)) == 1 }); !ok {
		t.Errorf("signed quiz post did not post")
	}
	time.Sleep(200 * time.Millisecond)
	if n := len(questions(fake.Calls())); n != 1 {
		t.Errorf("%d questions posted, want 1: the replay must change nothing", n)
	}
	if _, ok := waitLog(b.logs, "bot.HTTP signature refused", 5*time.Second); !ok {
		t.Errorf("refusals not logged")
	}
}

func TestServeURLVerification(t *testing.T) {
	fake := slackfake.New(t)
	b := startBot(t, testConfig(t, fake, filepath.Join(t.TempDir(), "bot.db")))
	code, body := b.send(bot.PathEvents, "application/json", readSlack(t, "url_verification.json"), signOK)
	if want := string(readSlack(t, "url_verification.expected-response.txt")); code != http.StatusOK || string(body) != want {
		t.Errorf("got %d %q, want 200 %q", code, body, want)
	}
}

func TestServeMentionAnsweredOnceInThread(t *testing.T) {
	fake := slackfake.New(t)
	b := startBot(t, testConfig(t, fake, filepath.Join(t.TempDir(), "bot.db")))
	body := readSlack(t, "app_mention.event_callback.json")
	body = bytes.Replace(body, []byte("You can count on <@U0LAN0Z89> for an honorable mention."),
		[]byte("<@"+slackfake.BotUser+"> canary deployment"), 1)
	// Slack's first delivery, then two retries of the same event_id.
	for i, retry := range []string{"", "1", "2"} {
		var hdr []string
		if retry != "" {
			hdr = []string{"X-Slack-Retry-Num", retry, "X-Slack-Retry-Reason", "http_timeout"}
		}
		start := time.Now()
		code, out := b.send(bot.PathEvents, "application/json", body, signOK, hdr...)
		if code != http.StatusOK {
			t.Fatalf("delivery %d: status %d: %s", i, code, out)
		}
		if d := time.Since(start); d > time.Second {
			t.Errorf("delivery %d acknowledged after %v", i, d)
		}
	}
	inThread := func(calls []slackfake.Call) []slackfake.Call {
		var out []slackfake.Call
		for _, c := range calls {
			if c.Method == "chat.postMessage" && c.Channel == "C123ABC456" && c.ThreadTS == "1515449483.000108" {
				out = append(out, c)
			}
		}
		return out
	}
	calls, ok := fake.Wait(5*time.Second, func(c []slackfake.Call) bool { return len(inThread(c)) > 0 })
	if !ok {
		t.Fatalf("no reply in the mention's thread; calls: %+v\nlogs:\n%s", calls, b.logs)
	}
	time.Sleep(300 * time.Millisecond) // let a wrongly processed retry show up
	replies := inThread(fake.Calls())
	if len(replies) != 1 {
		t.Fatalf("%d replies in thread, want exactly 1", len(replies))
	}
	if txt := strings.ToLower(replies[0].Text + replies[0].BlockText()); !strings.Contains(txt, "canary") {
		t.Errorf("reply does not answer the lookup:\n%s", txt)
	}
	t.Logf("mention reply in thread:\n%s", replies[0].BlockText())
}

// TestServeRetriedEventAfterRestartAnsweredOnce: a retry of an event that
// reaches a new process on the same database is not answered again.
func TestServeRetriedEventAfterRestartAnsweredOnce(t *testing.T) {
	fake := slackfake.New(t)
	cfg := testConfig(t, fake, filepath.Join(t.TempDir(), "bot.db"))
	body := readSlack(t, "app_mention.event_callback.json")
	body = bytes.Replace(body, []byte("You can count on <@U0LAN0Z89> for an honorable mention."),
		[]byte("<@"+slackfake.BotUser+"> canary deployment"), 1)
	replies := func() int {
		n := 0
		for _, c := range fake.Calls() {
			if c.Method == "chat.postMessage" && c.ThreadTS == "1515449483.000108" {
				n++
			}
		}
		return n
	}
	b := startBot(t, cfg)
	if code, out := b.send(bot.PathEvents, "application/json", body, signOK); code != http.StatusOK {
		t.Fatalf("first delivery: status %d: %s", code, out)
	}
	if _, ok := fake.Wait(5*time.Second, func([]slackfake.Call) bool { return replies() > 0 }); !ok {
		t.Fatalf("no reply to the first delivery; logs:\n%s", b.logs)
	}
	if err := b.stop(); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	cfg.Addr = freeAddr(t)
	b2 := startBot(t, cfg)
	code, out := b2.send(bot.PathEvents, "application/json", body, signOK,
		"X-Slack-Retry-Num", "1", "X-Slack-Retry-Reason", "http_timeout")
	if code != http.StatusOK {
		t.Fatalf("retry: status %d: %s", code, out)
	}
	time.Sleep(300 * time.Millisecond) // let a wrongly processed retry show up
	if n := replies(); n != 1 {
		t.Errorf("%d replies in the thread after a retry across a restart, want 1", n)
	}
}

// etcZoneNearNoon returns an Etc/GMT zone where it is now between 10:00 and
// 14:00, so that a test around a day-aligned slot never crosses midnight.
func etcZoneNearNoon() string {
	off := 12 - time.Now().UTC().Hour() // hours east of UTC
	switch {
	case off == 0:
		return "Etc/UTC"
	case off > 0:
		return "Etc/GMT-" + strconv.Itoa(off) // POSIX sign: GMT-3 is UTC+3
	default:
		return "Etc/GMT+" + strconv.Itoa(-off)
	}
}

var ptsRe = regexp.MustCompile(`<@([A-Z0-9]+)>\s*\*?(\d+) pts`)

func TestServeQuestionOfTheDay(t *testing.T) {
	fake := slackfake.New(t)
	db := filepath.Join(t.TempDir(), "bot.db")
	cfg := testConfig(t, fake, db)
	cfg.QuizChannel = quizChan
	// "@every 24h" has one slot a day, at midnight: the bot, started later
	// in the day, posts it at once as a missed slot of today.
	cfg.QuizSchedule = "@every 24h"
	cfg.QuizClose = ""
	cfg.TZ = etcZoneNearNoon()
	b := startBot(t, cfg)

	calls, ok := fake.Wait(10*time.Second, func(c []slackfake.Call) bool { return len(questions(c)) > 0 })
	if !ok {
		t.Fatalf("no question of the day posted; calls %+v\nlogs:\n%s", calls, b.logs)
	}
	q := questions(calls)[0]
	t.Logf("question of the day as posted:\n%s", q.BlockText())
	if slot := roundOf(q); !strings.Contains(slot, "T00:00:00") {
		t.Errorf("round ID %q is not the midnight slot", slot)
	}
	// Four people need four options: generated questions may have two or
	// three, so an admin posts new ones (each closing the previous) until
	// one has four.
	for i := 0; len(answerButtons(q)) < 4; i++ {
		if i == 20 {
			t.Fatalf("no question with four options in 20 posts")
		}
		n := len(questions(fake.Calls()))
		if r := b.command(adminUser, "C2147483705", "quiz post"); !strings.Contains(r.Text, "Posted") {
			t.Fatalf("quiz post: %s", r.Text)
		}
		calls, ok := fake.Wait(5*time.Second, func(c []slackfake.Call) bool { return len(questions(c)) > n })
		if !ok {
			t.Fatalf("quiz post posted nothing; logs:\n%s", b.logs)
		}
		qs := questions(calls)
		q = qs[len(qs)-1]
	}
	btns := answerButtons(q)

	// Four people click four options; the first one clicks twice.
	users := []string{"UALICE001", "UBOB00001", "UCAROL001", "UDAVE0001"}
	for i, u := range users {
		b.click(fake, u, quizChan, q.TS, btns[i], u)
	}
	b.click(fake, users[0], quizChan, q.TS, btns[1], users[0]+"-again")

	replyTo := func(calls []slackfake.Call, name string) (slackfake.Call, bool) {
		for _, c := range calls {
			if c.Method == "response_url" && strings.HasSuffix(c.Path, "/"+name) {
				return c, true
			}
		}
		return slackfake.Call{}, false
	}
	calls, ok = fake.Wait(10*time.Second, func(c []slackfake.Call) bool {
		for _, u := range append(users, users[0]+"-again") {
			if _, ok := replyTo(c, u); !ok {
				return false
			}
		}
		return true
	})
	if !ok {
		t.Fatalf("not every click was answered; calls %+v\nlogs:\n%s", calls, b.logs)
	}
	winner := ""
	for _, u := range users {
		r, _ := replyTo(calls, u)
		if r.ResponseType != "ephemeral" {
			t.Errorf("reply to %s is %q, want ephemeral", u, r.ResponseType)
		}
		txt := r.Text + "\n" + r.BlockText()
		switch {
		case strings.Contains(txt, "Right!"):
			if winner != "" {
				t.Errorf("%s and %s both right", winner, u)
			}
			winner = u
		case !strings.Contains(txt, "Not quite"):
			t.Errorf("reply to %s is neither right nor wrong:\n%s", u, txt)
		}
	}
	if winner == "" {
		t.Fatalf("nobody got it right with four different options")
	}
	if r, _ := replyTo(calls, winner); testing.Verbose() {
		t.Logf("private reply to %s (response_url, %s):\n%s", winner, r.ResponseType, r.BlockText())
	}
	again, _ := replyTo(calls, users[0]+"-again")
	if !strings.Contains(again.Text+again.BlockText(), "already answered") {
		t.Errorf("double click reply does not say already answered:\n%s", again.Text)
	}
	// The channel message shows the count (4), never the answer.
	calls, ok = fake.Wait(5*time.Second, func(c []slackfake.Call) bool {
		var last *slackfake.Call
		for i := range c {
			if c[i].Method == "chat.update" && c[i].TS == q.TS {
				last = &c[i]
			}
		}
		return last != nil && strings.Contains(last.BlockText(), "4 answered")
	})
	if !ok {
		t.Errorf("channel message not updated to 4 answered; updates: %+v", filter(calls, "chat.update"))
	} else if testing.Verbose() {
		var ups []slackfake.Call
		for _, c := range filter(calls, "chat.update") {
			if c.TS == q.TS {
				ups = append(ups, c)
			}
		}
		t.Logf("%d chat.update calls of the question for 4 answers; the last:\n%s", len(ups), ups[len(ups)-1].BlockText())
	}

	// The leaderboard shows exactly one winner.
	lb := b.command(users[1], "C2147483705", "leaderboard week")
	rows := ptsRe.FindAllStringSubmatch(lb.call().BlockText(), -1)
	scored := 0
	for _, r := range rows {
		if r[2] != "0" {
			scored++
			if r[1] != winner {
				t.Errorf("%s has points, but %s was right", r[1], winner)
			}
		}
	}
	if scored != 1 {
		t.Errorf("%d people with points on the leaderboard, want 1:\n%s", scored, lb.call().BlockText())
	}
	t.Logf("leaderboard:\n%s", lb.call().BlockText())

	// Closing posts the answer in the question's thread.
	if r := b.command(users[1], "C2147483705", "quiz close"); !strings.Contains(r.Text+r.call().BlockText(), "only admins") {
		t.Errorf("quiz close by a non-admin not refused: %s", r.Text)
	}
	if r := b.command(adminUser, "C2147483705", "quiz close"); !strings.Contains(r.Text+r.call().BlockText(), "Closed") {
		t.Errorf("quiz close: %s %s", r.Text, r.Blocks)
	}
	calls, ok = fake.Wait(5*time.Second, func(c []slackfake.Call) bool {
		for _, x := range c {
			if x.Method == "chat.postMessage" && x.ThreadTS == q.TS {
				return true
			}
		}
		return false
	})
	if !ok {
		t.Fatalf("no answer posted in the question's thread; logs:\n%s", b.logs)
	}
	var closing slackfake.Call
	for _, x := range calls {
		if x.Method == "chat.postMessage" && x.ThreadTS == q.TS {
			closing = x
		}
	}
	ct := closing.BlockText()
	t.Logf("close posted in thread:\n%s", ct)
	if !strings.Contains(ct, "The answer") || !strings.Contains(ct, "4 answered") || !strings.Contains(ct, "1 got it right") {
		t.Errorf("close message lacks the answer or the counts:\n%s", ct)
	}
	// A click after the close does not count.
	b.click(fake, "ULATE0001", quizChan, q.TS, btns[0], "late")
	if _, ok := fake.Wait(5*time.Second, func(c []slackfake.Call) bool {
		r, ok := replyTo(c, "late")
		return ok && strings.Contains(r.Text+r.BlockText(), "closed")
	}); !ok {
		t.Errorf("late click not told the question closed")
	}
	// The metrics count the answers by outcome and the questions posted.
	metrics := b.get(bot.PathMetrics)
	for _, want := range []string{
		`devopsbot_answers_recorded_total{outcome="correct"} 1`,
		`devopsbot_answers_recorded_total{outcome="wrong"} 3`,
		`devopsbot_answers_recorded_total{outcome="duplicate"} 1`,
		`devopsbot_answers_recorded_total{outcome="closed"} 1`,
		`devopsbot_commands_total{command="leaderboard",outcome="ok"} 1`,
		`devopsbot_commands_total{command="quiz_close",outcome="denied"} 1`,
		`devopsbot_commands_total{command="quiz_close",outcome="ok"} 1`,
		`devopsbot_http_requests_total{code="200",route="/slack/interactions"}`,
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if !regexp.MustCompile(`devopsbot_questions_posted_total [1-9]`).MatchString(metrics) {
		t.Errorf("metrics count no question posted")
	}
	if err := b.stop(); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	posted := len(questions(fake.Calls()))

	// Restart on the same database: the slot is not posted again and the
	// scores stay.
	cfg.Addr = freeAddr(t)
	b2 := startBot(t, cfg)
	if _, ok := waitLog(b2.logs, "bot.DailyScheduler started", 10*time.Second); !ok {
		t.Fatalf("scheduler did not start after restart; logs:\n%s", b2.logs)
	}
	if n := len(questions(fake.Calls())); n != posted {
		t.Errorf("restart posted %d more questions of the day", n-posted)
	}
	lb2 := b2.command(users[2], "C2147483705", "leaderboard all")
	rows = ptsRe.FindAllStringSubmatch(lb2.call().BlockText(), -1)
	found := false
	for _, r := range rows {
		if r[1] == winner && r[2] != "0" {
			found = true
		}
	}
	if !found {
		t.Errorf("after restart %s has no points:\n%s", winner, lb2.call().BlockText())
	}
	if err := b2.stop(); err != nil {
		t.Errorf("shutdown: %v", err)
	}
}

// TestServeEveryScheduleSlots runs the cron path on "@every 1s": a question
// per slot, each new one closing the previous (the answer in its thread),
// and no slot posted twice across a restart.
func TestServeEveryScheduleSlots(t *testing.T) {
	fake := slackfake.New(t)
	cfg := testConfig(t, fake, filepath.Join(t.TempDir(), "bot.db"))
	cfg.QuizChannel = quizChan
	cfg.QuizSchedule = "@every 1s"
	cfg.QuizClose = ""
	b := startBot(t, cfg)
	calls, ok := fake.Wait(10*time.Second, func(c []slackfake.Call) bool { return len(questions(c)) >= 3 })
	if !ok {
		t.Fatalf("fewer than 3 questions in 10s on @every 1s; logs:\n%s", b.logs)
	}
	first := questions(calls)[0]
	if _, ok := fake.Wait(5*time.Second, func(c []slackfake.Call) bool {
		for _, x := range c {
			if x.Method == "chat.postMessage" && x.ThreadTS == first.TS && strings.Contains(x.BlockText(), "The answer") {
				return true
			}
		}
		return false
	}); !ok {
		t.Errorf("the next question did not close the first one in its thread")
	}
	if err := b.stop(); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	cfg.Addr = freeAddr(t)
	b2 := startBot(t, cfg)
	n := len(questions(fake.Calls()))
	if _, ok := fake.Wait(10*time.Second, func(c []slackfake.Call) bool { return len(questions(c)) >= n+2 }); !ok {
		t.Errorf("no questions after restart; logs:\n%s", b2.logs)
	}
	if err := b2.stop(); err != nil {
		t.Errorf("shutdown: %v", err)
	}
	seen := map[string]bool{}
	for _, q := range questions(fake.Calls()) {
		id := roundOf(q)
		if seen[id] {
			t.Errorf("slot %s posted twice", id)
		}
		seen[id] = true
	}
}

func filter(calls []slackfake.Call, method string) []slackfake.Call {
	var out []slackfake.Call
	for _, c := range calls {
		if c.Method == method {
			out = append(out, c)
		}
	}
	return out
}

func waitLog(logs *syncBuffer, substr string, timeout time.Duration) (string, bool) {
	deadline := time.Now().Add(timeout)
	for {
		s := logs.String()
		if strings.Contains(s, substr) {
			return s, true
		}
		if time.Now().After(deadline) {
			return s, false
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestServeSocketMode runs serve with only an app-level token: Socket Mode
// answers a slash command in its ack; the HTTP routes for Slack are off
// while the probes still answer.
func TestServeSocketMode(t *testing.T) {
	fake := slackfake.New(t)
	cfg := testConfig(t, fake, filepath.Join(t.TempDir(), "bot.db"))
	cfg.SigningSecret = ""
	cfg.AppToken = slackfake.AppToken
	b := startBot(t, cfg)
	if !fake.WaitSocket(10 * time.Second) {
		t.Fatalf("no Socket Mode connection; logs:\n%s", b.logs)
	}
	var env map[string]any
	if err := json.Unmarshal(readSlack(t, "socketmode/slash_commands.envelope.json"), &env); err != nil {
		t.Fatal(err)
	}
	p := env["payload"].(map[string]any)
	p["command"], p["text"] = "/devops", "lookup canary"
	raw, _ := json.Marshal(env)
	// The hello may still be in flight: retry the send until it is acked.
	var ack json.RawMessage
	for i := 0; i < 50 && ack == nil; i++ {
		if err := fake.SendSocket(raw); err != nil {
			t.Fatal(err)
		}
		if a, ok := fake.NextAck(200 * time.Millisecond); ok {
			ack = a
		}
	}
	if ack == nil {
		t.Fatalf("slash command not acked; logs:\n%s", b.logs)
	}
	var got struct {
		EnvelopeID string     `json:"envelope_id"`
		Payload    slashReply `json:"payload"`
	}
	if err := json.Unmarshal(ack, &got); err != nil {
		t.Fatal(err)
	}
	if got.EnvelopeID != env["envelope_id"] || len(ack) >= 20*1024 ||
		!strings.Contains(strings.ToLower(got.Payload.call().BlockText()), "canary") {
		t.Errorf("ack %s", ack)
	}
	code, _ := b.send(bot.PathCommands, "application/x-www-form-urlencoded", []byte("text=x"), signOK)
	if code != http.StatusNotFound {
		t.Errorf("Slack HTTP route in Socket Mode only: %d, want 404", code)
	}
	if err := b.stop(); err != nil {
		t.Errorf("shutdown: %v", err)
	}
}

// TestServeDirectMessages: a direct message is answered in its thread; the
// bot's own messages and edits are not.
func TestServeDirectMessages(t *testing.T) {
	fake := slackfake.New(t)
	b := startBot(t, testConfig(t, fake, filepath.Join(t.TempDir(), "bot.db")))
	event := func(id string, ev map[string]any) []byte {
		env := map[string]any{"token": "x", "team_id": "T0001", "api_app_id": "A0001", "type": "event_callback",
			"event_id": id, "event_time": 1764100000, "event": ev}
		raw, _ := json.Marshal(env)
		return raw
	}
	dm := map[string]any{"type": "message", "channel_type": "im", "channel": "D0001", "user": "U2147483697",
		"text": "blue green deployment", "ts": "1764100001.000100"}
	own := map[string]any{"type": "message", "channel_type": "im", "channel": "D0001", "user": slackfake.BotUser,
		"bot_id": slackfake.BotID, "text": "canary", "ts": "1764100002.000100"}
	edit := map[string]any{"type": "message", "subtype": "message_changed", "channel_type": "im", "channel": "D0001",
		"ts": "1764100003.000100", "message": map[string]any{"text": "canary", "user": "U2147483697"}}
	for id, ev := range map[string]map[string]any{"EvDM000001": dm, "EvOWN00001": own, "EvEDIT0001": edit} {
		if code, out := b.send(bot.PathEvents, "application/json", event(id, ev), signOK); code != http.StatusOK {
			t.Fatalf("%s: %d %s", id, code, out)
		}
	}
	calls, ok := fake.Wait(5*time.Second, func(c []slackfake.Call) bool { return len(filter(c, "chat.postMessage")) > 0 })
	if !ok {
		t.Fatalf("direct message not answered; logs:\n%s", b.logs)
	}
	time.Sleep(200 * time.Millisecond)
	posts := filter(fake.Calls(), "chat.postMessage")
	if len(posts) != 1 || posts[0].Channel != "D0001" || posts[0].ThreadTS != "1764100001.000100" {
		t.Errorf("posts %+v, want one reply in the direct message's thread", calls)
	}
}
