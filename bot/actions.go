package bot

import (
	"cmp"
	"context"
	"errors"
	"strings"

	"github.com/devopsbot/devopsbot/quiz"
)

// Action IDs of the buttons the router renders. A rendered button's action_id
// is one of these, optionally followed by ":" and a number that keeps IDs
// unique within a message; Router.Action accepts both forms.
const (
	// ActionAnswerDaily answers the question of the day; value "roundID|choice".
	ActionAnswerDaily = "devops_daily_answer"
	// ActionAnswerPractice answers a practice question; value "questionID|choice".
	ActionAnswerPractice = "devops_practice_answer"
	// ActionPracticeNext asks for another practice question; value "".
	ActionPracticeNext = "devops_practice_next"
	// ActionShare posts an ephemeral reply publicly; value "command|argument"
	// (e.g. "lookup|canary", "leaderboard|week", "stats|U123").
	ActionShare = "devops_share"
	// ActionShareThread posts an ephemeral reply in a thread of the
	// channel: the thread of the message the "Ask devopsbot" shortcut was
	// used on; value "threadTS|command|argument".
	ActionShareThread = "devops_share_thread"
	// ActionQuizMe asks for a practice question from a section; value "doc|sectionID".
	ActionQuizMe = "devops_quiz_me"
	// ActionLookup looks up a suggested section title; value the query.
	ActionLookup = "devops_lookup"
)

// Action is a click on one of the router's buttons.
type Action struct {
	User, UserName  string
	Channel         string
	MessageTS       string
	ThreadTS        string
	ActionID, Value string
}

// ActionResult says what to do after a click. Any field may be nil.
type ActionResult struct {
	Reply  *Response // private to the clicker
	Post   *Response // public in Action.Channel
	Update *Response // replaces the clicked message; skipped when Post fails
	// Thread, when set, is the thread of Action.Channel that Post goes in.
	Thread string

	// shareKey identifies a share click; a transport that fails to post
	// the share calls Router.forgetShare with it so the button works again.
	shareKey string
}

// Action handles a click on one of the router's buttons.
func (r *Router) Action(ctx context.Context, a Action) ActionResult {
	switch actionBase(a.ActionID) {
	case ActionAnswerDaily:
		return r.answerDaily(ctx, a)
	case ActionAnswerPractice:
		return r.answerPractice(ctx, a)
	case ActionPracticeNext:
		resp := r.practice(ctx, a.User)
		return ActionResult{Reply: &resp}
	case ActionQuizMe:
		doc, id, ok := strings.Cut(a.Value, "|")
		if !ok || id == "" {
			return r.badAction(ctx, a)
		}
		q, err := r.quiz.PracticeFrom(ctx, a.User, doc, id)
		if errors.Is(err, quiz.ErrNoQuestions) || errors.Is(err, quiz.ErrNotFound) {
			resp := r.practice(ctx, a.User, plain("No questions come from that section yet; here is one from anywhere."))
			return ActionResult{Reply: &resp}
		}
		if err != nil {
			resp := r.fail(ctx, "practice from", err)
			return ActionResult{Reply: &resp}
		}
		resp := renderPractice(q)
		return ActionResult{Reply: &resp}
	case ActionPracticeDomain:
		resp := r.practiceDomain(ctx, a)
		return ActionResult{Reply: &resp}
	case ActionPracticeMissed:
		resp := r.practiceMissed(ctx, a)
		return ActionResult{Reply: &resp}
	case ActionLookup:
		resp := r.lookup(ctx, a.Value, r.view(false))
		return ActionResult{Reply: &resp}
	case ActionShare:
		return r.share(ctx, a, "", a.Value)
	case ActionShareThread:
		thread, value, ok := strings.Cut(a.Value, "|")
		if !ok || thread == "" {
			return r.badAction(ctx, a)
		}
		return r.share(ctx, a, thread, value)
	case ActionFlagAsk:
		return r.flagAsk(ctx, a)
	case ActionFlag:
		return r.flag(ctx, a)
	}
	return r.badAction(ctx, a)
}

func (r *Router) badAction(ctx context.Context, a Action) ActionResult {
	setOutcome(ctx, OutcomeInvalid)
	r.lg.WarnContext(ctx, "bot.Router unknown action", "action_id", a.ActionID, "user", a.User)
	resp := textResponse(true, plain("Sorry, that button no longer works. Try the command again."))
	return ActionResult{Reply: &resp}
}

func (r *Router) answerPractice(ctx context.Context, a Action) ActionResult {
	qid, choice, ok := parseChoice(a.Value)
	if !ok {
		return r.badAction(ctx, a)
	}
	res, err := r.quiz.AnswerPractice(ctx, a.User, qid, choice)
	if err != nil {
		resp := r.fail(ctx, "answer practice", err)
		return ActionResult{Reply: &resp}
	}
	if res.Question.ID == "" {
		if q, ok := r.quiz.Question(qid); ok {
			res.Question = q
		}
	}
	resp := renderResult(res, false, r.view(false))
	return ActionResult{Reply: &resp}
}

func (r *Router) answerDaily(ctx context.Context, a Action) ActionResult {
	roundID, choice, ok := parseChoice(a.Value)
	if !ok {
		return r.badAction(ctx, a)
	}
	res, err := r.quiz.AnswerRound(ctx, roundID, a.User, choice)
	if err != nil {
		resp := r.fail(ctx, "answer round", err)
		return ActionResult{Reply: &resp}
	}
	reply := renderResult(res, true, r.view(false))
	out := ActionResult{Reply: &reply}
	if res.Already || res.Closed {
		return out
	}
	rd, err := r.quiz.Round(ctx, roundID)
	if err != nil {
		r.lg.WarnContext(ctx, "bot.Router round for update", "round", roundID, "err", err)
		return out
	}
	cal := r.calendar(cmp.Or(rd.Channel, a.Channel))
	if !rd.OpenedAt.IsZero() {
		rd.OpenedAt = rd.OpenedAt.In(cal.Location)
	}
	upd := RenderDaily(rd, res.Answered, cal.Days, cal.ExamSet)
	out.Update = &upd
	return out
}

// calendar is the zone and days to the exam of quiz channel channel; those
// of the environment (DEVOPSBOT_TZ, DEVOPSBOT_EXAM_DATE) for a channel the
// scheduler does not know, or without a scheduler (the console).
func (r *Router) calendar(channel string) DailyCalendar {
	if r.opts.Daily != nil {
		if cal, ok := r.opts.Daily.Calendar(channel); ok && cal.Location != nil {
			return cal
		}
	}
	days, set := r.quiz.DaysToExam()
	return DailyCalendar{Location: r.opts.Location, Days: days, ExamSet: set}
}

// share posts an ephemeral reply publicly (in thread when it is not ""),
// naming who shared it, and replaces the private copy with one without the
// Share button. A second click on the same message posts nothing. value is
// "command|argument".
func (r *Router) share(ctx context.Context, a Action, thread, value string) ActionResult {
	cmd, arg, ok := strings.Cut(value, "|")
	if !ok {
		return r.badAction(ctx, a)
	}
	key := ""
	if a.MessageTS != "" {
		key = a.User + "|" + a.Channel + "|" + a.MessageTS + "|" + a.Value
		if !r.shared.add(key, r.opts.Now()) {
			resp := textResponse(true, plain("Already shared in the channel."))
			return ActionResult{Reply: &resp}
		}
	}
	pub := r.view(true)
	pub.sharedBy = a.User
	priv := r.view(false)
	priv.shared = true
	priv.thread = thread
	c := subcommandNamed(cmd)
	if c == nil || c.share == nil {
		r.forgetShare(key)
		return r.badAction(ctx, a)
	}
	render := c.share(r, ctx, arg)
	post, mine := render(pub), render(priv)
	if post.Ephemeral {
		// An error reply: show it to the clicker only; the button still works.
		r.forgetShare(key)
		return ActionResult{Reply: &post}
	}
	post.Ephemeral = false
	res := ActionResult{Post: &post, Thread: thread, shareKey: key}
	if len(mine.parts) > 0 && mine.Ephemeral {
		res.Update = &mine
	}
	return res
}

// forgetShare lets a share be clicked again (its post failed).
func (r *Router) forgetShare(key string) {
	if key != "" {
		r.shared.forget(key)
	}
}

// actionBase strips the ":n" suffix that keeps action IDs unique in a message.
func actionBase(id string) string {
	base, _, _ := strings.Cut(id, ":")
	return base
}
