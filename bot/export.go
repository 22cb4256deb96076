package bot

import (
	"bytes"
	"context"
	"fmt"
)

// exportAnswers sends the admin every recorded answer as a CSV file
// (quiz.Engine.Export writes it) in a direct message. The file is built in
// memory first: Slack's upload wants its length up front, and a team's
// answers are a few hundred kilobytes a year.
func (r *Router) exportAnswers(ctx context.Context, user string) Response {
	if r.opts.Files == nil {
		return textResponse(true, plain("The export is sent as a file in Slack. Here, run "),
			code("devopsbot export -o answers.csv"), plain(" instead."))
	}
	var buf bytes.Buffer
	n, err := r.quiz.Export(ctx, &buf)
	if err != nil {
		return r.fail(ctx, "export", err)
	}
	if n == 0 {
		setOutcome(ctx, OutcomeNoResult)
		return textResponse(true, plain("No answers are recorded yet: there is nothing to export."))
	}
	day := r.opts.Now().In(r.opts.Location).Format("2006-01-02")
	f := File{
		Name:    "devopsbot-answers-" + day + ".csv",
		Title:   "devopsbot answers, " + day,
		Comment: fmt.Sprintf("Every recorded answer (%s): one row each, question of the day and practice (the kind column). Columns: person, date, question, domain, chosen, right, kind.", count(n, "answer")),
		Content: buf.Bytes(),
	}
	if err := r.opts.Files.SendFile(ctx, user, f); err != nil {
		return r.fail(ctx, "send export", err)
	}
	return textResponse(true, plain(fmt.Sprintf("Sent you the export (%s) in a direct message.", count(n, "answer"))))
}
