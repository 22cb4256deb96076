package bot

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/devopsbot/devopsbot/quiz"
)

// slashBody is a signed-request body of /devops text by user.
func slashBody(user, text, responseURL string) []byte {
	return []byte(url.Values{"command": {"/devops"}, "text": {text}, "user_id": {user}, "user_name": {"someone"},
		"channel_id": {"CGENERAL"}, "team_id": {"T1"}, "response_url": {responseURL},
		"trigger_id": {"13345224609.738474920.8088930838d88f008e0"}}.Encode())
}

func TestAdminExportUploadsTheAnswersToTheAdmin(t *testing.T) {
	e := newHTTPEnvFor(t, nil, HTTPOptions{}, Options{Admins: []string{"UADMIN"}})
	ctx := context.Background()
	rd, err := e.eng.OpenRound(ctx, "2026-11-23T09:00:00Z", time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	for i, u := range []string{"UANA", "=cmd|' /C calc'!A0", "UBOB"} {
		if _, err := e.eng.AnswerRound(ctx, rd.ID, u, i); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.eng.AnswerPractice(ctx, "UANA", "q2", 1); err != nil {
		t.Fatal(err)
	}

	code, body := e.post(t, PathCommands, "application/x-www-form-urlencoded",
		slashBody("UADMIN", "admin export", e.fake.ResponseURL("export")), true)
	var reply replyJSON
	if code != http.StatusOK || json.Unmarshal(body, &reply) != nil || !strings.Contains(reply.Text, "Sent you the export (4 answers)") {
		t.Fatalf("reply %d %s", code, body)
	}
	files := e.fake.Files()
	if len(files) != 1 {
		t.Fatalf("files shared: %+v, want one", files)
	}
	f := files[0]
	if f.Channel != "DUADMIN" || !strings.HasSuffix(f.Name, ".csv") || f.Length != len(f.Content) || !strings.Contains(f.Comment, "4 answers") {
		t.Errorf("file %s in %s (%d of %d bytes, comment %q), want a CSV in the admin's DM", f.Name, f.Channel, len(f.Content), f.Length, f.Comment)
	}
	if opens := e.fake.Calls("conversations.open"); len(opens) != 1 || opens[0].User != "UADMIN" {
		t.Errorf("conversations.open calls %+v", opens)
	}

	rows, err := csv.NewReader(bytes.NewReader(f.Content)).ReadAll()
	if err != nil {
		t.Fatalf("the file is not CSV: %v\n%s", err, f.Content)
	}
	want := [][]string{quiz.ExportHeader}
	err = e.store.EachAnswer(ctx, quiz.AnswerQuery{}, func(a quiz.Answer) error {
		stem, kind := rd.Question.Stem, "daily"
		if a.Practice() {
			q, _ := e.eng.Question(a.Question)
			stem, kind = q.Stem, "practice"
		}
		user := a.User
		if strings.HasPrefix(user, "=") {
			user = "'" + user // a formula would run when the file is opened
		}
		want = append(want, []string{user, a.At.UTC().Format(time.RFC3339), stem, quiz.DomainLabels(a.Domains),
			quiz.OptionKey(a.Choice), strconv.FormatBool(a.Correct), kind})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 5 || len(rows) != len(want) {
		t.Fatalf("the file has %d rows, the store %d answers (+ header):\n%s", len(rows), len(want), f.Content)
	}
	for i := range want {
		if !slices.Equal(rows[i], want[i]) {
			t.Errorf("row %d = %q, the store holds %q", i, rows[i], want[i])
		}
	}
}

func TestAdminExportRefusals(t *testing.T) {
	e := newHTTPEnvFor(t, nil, HTTPOptions{}, Options{Admins: []string{"UADMIN"}})
	ctx := context.Background()

	// Nothing recorded: nothing is uploaded.
	_, body := e.post(t, PathCommands, "application/x-www-form-urlencoded", slashBody("UADMIN", "admin export", e.fake.ResponseURL("a")), true)
	if !strings.Contains(string(body), "nothing to export") {
		t.Errorf("export of an empty store: %s", body)
	}

	if _, err := e.eng.AnswerPractice(ctx, "UANA", "q1", 1); err != nil {
		t.Fatal(err)
	}
	_, body = e.post(t, PathCommands, "application/x-www-form-urlencoded", slashBody("UANA", "admin export", e.fake.ResponseURL("b")), true)
	if !strings.Contains(string(body), "only admins") {
		t.Errorf("a non-admin's export: %s", body)
	}
	if calls := e.fake.Calls("conversations.open", "files.getUploadURLExternal", "files.completeUploadExternal"); len(calls) != 0 || len(e.fake.Files()) != 0 {
		t.Errorf("a refused export called Slack: %+v", calls)
	}

	// Slack refuses the upload: the admin reads an apology, nothing is shared.
	e.fake.FailNextWith("files.getUploadURLExternal", "not_allowed_token_type")
	_, body = e.post(t, PathCommands, "application/x-www-form-urlencoded", slashBody("UADMIN", "admin export", e.fake.ResponseURL("c")), true)
	if !strings.Contains(string(body), "Sorry") || len(e.fake.Files()) != 0 {
		t.Errorf("a failed upload: %s, files %+v", body, e.fake.Files())
	}
	// An app installed before the export existed lacks files:write.
	e.fake.FailNextWith("files.getUploadURLExternal", "missing_scope")
	_, body = e.post(t, PathCommands, "application/x-www-form-urlencoded", slashBody("UADMIN", "admin export", e.fake.ResponseURL("d")), true)
	if !strings.Contains(string(body), "reinstall") || len(e.fake.Files()) != 0 {
		t.Errorf("an upload without the scope: %s, files %+v", body, e.fake.Files())
	}
}

func TestAdminExportInTheConsolePointsToTheCommandLine(t *testing.T) {
	r := newTestRouter(&fakeSearcher{}, &fakeQuiz{}, Options{Admins: []string{"U1"}, Bare: true})
	resp := r.Command(context.Background(), Request{User: "U1", Text: "admin export"})
	if got := renderPlain(resp, plainStyle{}); !strings.Contains(got, "devopsbot export") {
		t.Errorf("console admin export = %q", got)
	}
}
