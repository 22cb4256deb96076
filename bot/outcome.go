package bot

import (
	"context"
	"errors"

	"github.com/devopsbot/devopsbot/index"
	"github.com/devopsbot/devopsbot/quiz"
)

// outcomeKey carries the outcome recorder of one router call.
type outcomeKey struct{}

// withOutcome returns ctx with a recorder for the outcome of the router
// call made with it; the pointer holds OutcomeOK until setOutcome changes it.
func withOutcome(ctx context.Context) (context.Context, *string) {
	o := new(string)
	*o = OutcomeOK
	return context.WithValue(ctx, outcomeKey{}, o), o
}

// setOutcome notes how the command running with ctx ended (one of the
// Outcome* constants: no_result, invalid, denied, error) for the transports'
// log lines and metrics. Without a recorder in ctx it does nothing, so the
// router may call it whatever drives it.
func setOutcome(ctx context.Context, outcome string) {
	if o, ok := ctx.Value(outcomeKey{}).(*string); ok {
		*o = outcome
	}
}

// failOutcome classifies an error the router turns into user text: bad
// input (an empty query, a malformed question, a choice or question that no
// longer exists) is invalid, anything else an error.
func failOutcome(err error) string {
	for _, e := range []error{index.ErrEmptyQuery, index.ErrQuestionTooLong, index.ErrNoScenario,
		index.ErrDuplicateOption, index.ErrTooManyOptions, index.ErrEmptyOption,
		quiz.ErrBadChoice, quiz.ErrNotFound, quiz.ErrNoUser} {
		if errors.Is(err, e) {
			return OutcomeInvalid
		}
	}
	return OutcomeError
}

// reqInfo collects what a request's log line reports.
type reqInfo struct {
	command string
	outcome string
}
