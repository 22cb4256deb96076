package bot

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/devopsbot/devopsbot/quiz"
)

// Flagging: every revealed answer (a practice result, the daily answer in
// its thread) carries a Flag button; it offers the reasons, and a reason
// records the flag. Admins list flagged questions with "quiz flags" and
// bring one back with "quiz restore ID".

const (
	// ActionFlagAsk offers the reasons to flag a question; value the question ID.
	ActionFlagAsk = "devops_flag_ask"
	// ActionFlag flags a question; value "questionID|reason".
	ActionFlag = "devops_flag"
)

// flagButton is the Flag control under a revealed answer.
func flagButton(questionID string) button {
	return button{label: "Flag this question", actionID: ActionFlagAsk, value: questionID}
}

// renderFlagAsk asks what is wrong with a question, one button per reason.
func renderFlagAsk(q quiz.Question) Response {
	m := &Response{Ephemeral: true}
	m.text(plain("What is wrong with this question?"))
	m.context(plain(truncateRunes(oneLine(q.Stem), 150)))
	bs := make([]button, 0, len(quiz.FlagReasons))
	for i, r := range quiz.FlagReasons {
		label := r.Label()
		bs = append(bs, button{label: strings.ToUpper(label[:1]) + label[1:], actionID: ActionFlag + ":" + strconv.Itoa(i),
			value: q.ID + "|" + string(r)})
	}
	m.buttons(bs...)
	return *m
}

// renderFlagged thanks the person and says what happens to the question.
func renderFlagged(res quiz.FlagResult) Response {
	m := &Response{Ephemeral: true}
	switch {
	case res.Already:
		m.text(plain("You flagged this question already ("), bold(res.Flag.Reason.Label()), plain("); your first flag stands."))
	default:
		m.text(plain("🚩 Thanks: flagged as "), bold(res.Flag.Reason.Label()), plain("."))
	}
	if res.Retired {
		m.context(plain("It is out of the question of the day and practice until an admin restores it."))
	} else {
		m.context(plain("One more flag, or an admin's, takes it out of rotation until it is checked."))
	}
	return *m
}

// renderFlagList lists flagged questions with their reasons, for admins.
func renderFlagList(fl []quiz.Flagged, restore func(id string) run) Response {
	m := &Response{Ephemeral: true}
	if len(fl) == 0 {
		m.text(plain("No flagged questions."))
		return *m
	}
	out := 0
	for _, f := range fl {
		if f.Retired {
			out++
		}
	}
	m.header(fmt.Sprintf("Flagged questions: %d, %d out of rotation", len(fl), out))
	for i, f := range fl {
		if i == maxFlagList {
			m.context(plain(fmt.Sprintf("… and %d more.", len(fl)-i)))
			break
		}
		state := "in rotation"
		if f.Retired {
			state = "out of rotation"
		}
		m.text(code(f.Question.ID), plain(" · "+state+" · "), plain(truncateRunes(oneLine(f.Question.Stem), 120)))
		var why []string
		for _, fg := range f.Flags {
			w := fg.Reason.Label()
			if fg.Admin {
				w += " (admin)"
			}
			why = append(why, w)
		}
		m.context(plain(strings.Join(why, ", ")+" · restore with "), restore(f.Question.ID))
	}
	return *m
}

// maxFlagList bounds the questions one flags reply lists.
const maxFlagList = 15

func (r *Router) flagAsk(ctx context.Context, a Action) ActionResult {
	q, ok := r.quiz.Question(a.Value)
	if !ok {
		resp := r.fail(ctx, "flag ask", fmt.Errorf("question %q: %w", a.Value, quiz.ErrNotFound))
		return ActionResult{Reply: &resp}
	}
	resp := renderFlagAsk(q)
	return ActionResult{Reply: &resp}
}

func (r *Router) flag(ctx context.Context, a Action) ActionResult {
	qid, reason, ok := strings.Cut(a.Value, "|")
	if !ok || qid == "" {
		return r.badAction(ctx, a)
	}
	res, err := r.quiz.Flag(ctx, a.User, qid, quiz.FlagReason(reason), r.IsAdmin(a.User))
	if errors.Is(err, quiz.ErrBadFlag) {
		return r.badAction(ctx, a)
	}
	if err != nil {
		resp := r.fail(ctx, "flag", err)
		return ActionResult{Reply: &resp}
	}
	r.lg.InfoContext(ctx, "bot.Router flag", "question_id", qid, "reason", reason, "user", a.User, "already", res.Already, "retired", res.Retired)
	resp := renderFlagged(res)
	return ActionResult{Reply: &resp}
}

// quizFlags lists the flagged questions (admins).
func (r *Router) quizFlags(ctx context.Context, prefix string) Response {
	fl, err := r.quiz.Flags(ctx)
	if err != nil {
		return r.fail(ctx, "list flags", err)
	}
	return renderFlagList(fl, func(id string) run { return code(prefix + "quiz restore " + id) })
}

// quizRestore brings a flagged question back into rotation (admins).
func (r *Router) quizRestore(ctx context.Context, id, prefix string) Response {
	id = strings.TrimSpace(id)
	if id == "" {
		setOutcome(ctx, OutcomeInvalid)
		return textResponse(true, plain("Which question? "), code(prefix+"quiz flags"), plain(" lists them with their IDs; then "),
			code(prefix+"quiz restore ID"), plain("."))
	}
	n, err := r.quiz.Restore(ctx, id)
	if errors.Is(err, quiz.ErrNotFound) {
		setOutcome(ctx, OutcomeInvalid)
		return textResponse(true, plain("No question has the ID "), code(id), plain(". "), code(prefix+"quiz flags"), plain(" lists the flagged ones."))
	}
	if err != nil {
		return r.fail(ctx, "restore", err)
	}
	r.lg.InfoContext(ctx, "bot.Router restore", "question_id", id, "flags_cleared", n)
	if n == 0 {
		return textResponse(true, plain("Question "), code(id), plain(" had no flags; it is in rotation."))
	}
	return textResponse(true, plain("Question "), code(id), plain(fmt.Sprintf(" is back in rotation (%d flag(s) cleared).", n)))
}
