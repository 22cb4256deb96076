package bot

import (
	"context"
	"errors"
	"fmt"

	"github.com/devopsbot/devopsbot/index"
	"github.com/devopsbot/devopsbot/quiz"
)

// fail turns an error from index or quiz into a short reply; unknown errors
// are logged and get an apology. It lists only errors the router's calls can
// return (bad banks, alias and eval files fail at start or in the CLI).
func (r *Router) fail(ctx context.Context, op string, err error) Response {
	setOutcome(ctx, failOutcome(err))
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return textResponse(true, plain("That took too long. Please try again."))
	case errors.Is(err, ErrRateLimited):
		r.lg.WarnContext(ctx, "bot.Router dropped: Slack rate limit", "op", op, "err", err)
		return textResponse(true, plain("Slack is rate-limiting the bot right now, so that did not go out (it is not queued to run late). Please try again in a minute."))
	case slackErrorCode(err) == "missing_scope":
		r.lg.WarnContext(ctx, "bot.Router Slack scope missing", "op", op, "err", err)
		return textResponse(true, plain("Slack refused: the app lacks a permission this needs. Update the app from the manifest in deploy/ (App Manifest) and reinstall it."))
	case errors.Is(err, quiz.ErrNoQuestions):
		return textResponse(true, plain("There are no quiz questions yet: the notes gave none and the question bank is empty."))
	case errors.Is(err, quiz.ErrNotFound):
		return textResponse(true, plain("That question is no longer available. Try "), r.cmd("quiz"), plain(" for a new one."))
	case errors.Is(err, quiz.ErrBadChoice):
		return textResponse(true, plain("That option does not exist any more. Try "), r.cmd("quiz"), plain(" for a new question."))
	case errors.Is(err, index.ErrEmptyQuery):
		return textResponse(true, plain("Type a few words to look up, for example "), r.cmd("lookup canary"), plain("."))
	case errors.Is(err, index.ErrQuestionTooLong):
		return textResponse(true, plain(fmt.Sprintf("That is too long for one question (over %d KB). Paste just the scenario and its options.", index.MaxQuestionBytes>>10)))
	case errors.Is(err, index.ErrNoScenario):
		return textResponse(true, plain("I see options but no question before them. Paste the scenario and the question too."))
	case errors.Is(err, index.ErrDuplicateOption):
		return textResponse(true, plain("The same option letter appears twice. Check the options and paste the question again."))
	case errors.Is(err, index.ErrTooManyOptions):
		return textResponse(true, plain(fmt.Sprintf("That has too many options: at most %d, lettered A) B) C) …", index.MaxOptions)))
	case errors.Is(err, index.ErrEmptyOption):
		return textResponse(true, plain("One of the options has no text. Check the options and paste the question again."))
	case errors.Is(err, quiz.ErrReadOnly):
		r.lg.WarnContext(ctx, "bot.Router store read-only", "op", op, "err", err)
		return textResponse(true, plain("Scores can't be saved right now; lookups still work. Please try again later."))
	case errors.Is(err, quiz.ErrNoUser):
		return textResponse(true, plain("I could not tell who you are, so nothing was recorded. Please try again."))
	}
	r.lg.ErrorContext(ctx, "bot.Router failed", "op", op, "err", err)
	return textResponse(true, plain("Sorry, something went wrong. Please try again in a moment."))
}
