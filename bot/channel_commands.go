package bot

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/devopsbot/devopsbot/quiz"
)

// Defaults of a new quiz channel's schedules (those of
// DEVOPSBOT_QUIZ_SCHEDULE and DEVOPSBOT_QUIZ_CLOSE).
const (
	defaultPost  = "0 9 * * MON-FRI"
	defaultClose = "0 17 * * MON-FRI"
)

// channelVerbs maps what admins type after `admin channel` to the action.
var channelVerbs = map[string]string{
	"list": "list", "ls": "list", "show": "list",
	"add": "add", "create": "add", "new": "add",
	"set": "set", "change": "set", "update": "set", "edit": "set",
	"remove": "remove", "rm": "remove", "delete": "remove", "del": "remove",
}

// adminChannel runs `admin channel [list|add|set|remove] [#channel]
// [settings]`. With no verb, settings mean add and none mean list.
func (r *Router) adminChannel(ctx context.Context, c call) Response {
	verb, rest := splitWord(c.rest)
	action, known := channelVerbs[strings.ToLower(verb)]
	if !known {
		rest, action = c.rest, "list"
		if strings.Contains(rest, "=") {
			action = "add"
		} else if verb != "" && !strings.HasPrefix(verb, "<#") && !quizChannelID(verb) {
			return r.channelUsage(ctx, fmt.Sprintf("%q is not something I can do with a channel: list, add, set or remove.", verb))
		}
	}
	ref, rest, named, err := cutChannel(rest)
	if err != nil {
		return r.channelUsage(ctx, upperFirst(err.Error())+".")
	}
	if !named && action != "list" {
		if !quizChannelID(c.req.Channel) {
			return r.channelUsage(ctx, "Which channel? Mention it (type # and pick it from the list).")
		}
		ref = channelRef{ID: c.req.Channel}
	}
	switch action {
	case "list":
		if named {
			return r.showChannel(ctx, ref.ID)
		}
		return r.listChannels(ctx)
	case "remove":
		return r.removeChannel(ctx, ref)
	}
	return r.setChannel(ctx, ref, rest, action == "add", c)
}

// channelUsage answers a channel command that cannot run, with why and
// how it is typed.
func (r *Router) channelUsage(ctx context.Context, why string) Response {
	setOutcome(ctx, OutcomeInvalid)
	return textResponse(true, plain(why+"\nFor example: "),
		r.cmd(`admin channel add #quiz post="0 9 * * MON-FRI" close="0 17 * * MON-FRI" tz=Europe/Berlin exam=2027-02-01`),
		plain("; change one setting with "), r.cmd("admin channel set #quiz exam=2027-03-01"),
		plain("; "), r.cmd("admin channel list"), plain("; "), r.cmd("admin channel remove #quiz"), plain("."))
}

// setChannel adds (add) or changes a quiz channel: the settings given
// replace the channel's, the others stay; a new channel starts from the
// default schedules in the bot's zone.
func (r *Router) setChannel(ctx context.Context, ref channelRef, rest string, add bool, c call) Response {
	set, err := parseChannelSettings(rest)
	if err != nil {
		return r.channelUsage(ctx, upperFirst(err.Error())+".")
	}
	ch, exists, err := r.quiz.QuizChannel(ctx, ref.ID)
	if err != nil {
		return r.fail(ctx, "quiz channel", err)
	}
	if exists && !add && set == (channelSettings{}) {
		setOutcome(ctx, OutcomeInvalid)
		rs := append(r.channelLine(ch), plain("\nNothing to change: give the settings, e.g. "),
			r.cmd("admin channel set #"+channelName(ref)+" exam=2027-03-01"), plain("."))
		return textResponse(true, rs...)
	}
	if !exists && !add {
		setOutcome(ctx, OutcomeInvalid)
		return textResponse(true, channelRun(ref.ID), plain(" is not a quiz channel yet: add it with "),
			r.cmd("admin channel add "+"#"+channelName(ref)+" "+strings.TrimSpace(rest)), plain("."))
	}
	if !exists {
		ch = quiz.Channel{ID: ref.ID, Post: defaultPost, Close: defaultClose, TZ: r.opts.Location.String()}
	}
	ch.Name = cmp.Or(ref.Name, ch.Name)
	applySettings(&ch, set)
	ch.By, ch.At, ch.Default = c.req.User, r.opts.Now(), false
	qc, err := newQuizChannel(ch)
	if err != nil {
		setOutcome(ctx, OutcomeInvalid)
		return textResponse(true, plain("Nothing changed: "+describeSettingError(err)))
	}
	if _, err := r.quiz.SetQuizChannel(ctx, ch); err != nil {
		return r.fail(ctx, "set quiz channel", err)
	}
	r.refreshDaily(ctx)
	verb := "Changed "
	if !exists {
		verb = "Added "
	}
	rs := append(append([]run{plain(verb), channelRun(ch.ID), plain(": ")}, r.describeChannel(qc)...), plain("."))
	if !exists {
		rs = append(rs, plain("\nInvite me to it ("), code("/invite @devopsbot"), plain(") if I am not in it yet."))
	}
	return textResponse(true, rs...)
}

func applySettings(ch *quiz.Channel, set channelSettings) {
	if set.post != nil {
		ch.Post = scheduleValue(*set.post)
	}
	if set.close != nil {
		ch.Close = scheduleValue(*set.close)
	}
	if set.tz != nil {
		ch.TZ = strings.TrimSpace(*set.tz)
	}
	if set.exam != nil {
		ch.ExamDate = examValue(*set.exam)
	}
}

// describeSettingError words a settings error for the admin.
func describeSettingError(err error) string {
	msg := strings.TrimSuffix(err.Error(), ": "+quiz.ErrBadChannel.Error())
	if strings.Contains(msg, "schedule") {
		msg += `. A schedule is five fields, minute hour day-of-month month day-of-week ("0 9 * * MON-FRI"), or @daily, @every 4h; off posts only on quiz post`
	}
	return upperFirst(msg) + "."
}

// describeChannel says when a quiz channel posts and closes, and when its
// next question comes.
func (r *Router) describeChannel(c *quizChannel) []run {
	var rs []run
	if c.Post == "" {
		rs = append(rs, plain("posts only on "), r.cmd("quiz post"))
	} else {
		rs = append(rs, plain("posts "), code(c.Post))
	}
	if c.Close == "" {
		rs = append(rs, plain(", closes when the next question is posted or on "), r.cmd("quiz close"))
	} else {
		rs = append(rs, plain(", closes "), code(c.Close))
	}
	rs = append(rs, plain(", time zone "+c.loc.String()))
	if days, ok := c.daysToExam(r.opts.Now()); ok {
		rs = append(rs, plain(fmt.Sprintf(", exam %s (%s)", c.ExamDate, daysWords(days))))
	}
	if c.post != nil {
		next := c.post.Next(r.opts.Now().In(c.loc))
		rs = append(rs, plain("; next question "+next.Format("Mon 2 Jan 15:04 MST")))
	}
	return rs
}

func daysWords(days int) string {
	switch {
	case days == 0:
		return "today"
	case days < 0:
		return "passed"
	case days == 1:
		return "tomorrow"
	}
	return fmt.Sprintf("in %d days", days)
}

// maxListedChannels keeps the list within Slack's 50 blocks a message.
const maxListedChannels = 40

// listChannels shows every quiz channel and its schedule.
func (r *Router) listChannels(ctx context.Context) Response {
	cs, err := r.quiz.QuizChannels(ctx)
	if err != nil {
		return r.fail(ctx, "quiz channels", err)
	}
	if len(cs) == 0 {
		return textResponse(true, plain("There are no quiz channels yet. Add one with "),
			r.cmd(`admin channel add #quiz post="0 9 * * MON-FRI" tz=Europe/Berlin`), plain("."))
	}
	m := &Response{Ephemeral: true}
	m.header("Quiz channels")
	for i, ch := range cs { // a section each: Slack limits a section's text
		if i == maxListedChannels {
			m.text(plain(fmt.Sprintf("… and %d more: ", len(cs)-i)), r.cmd("admin channel #channel"), plain(" shows one."))
			break
		}
		m.text(r.channelLine(ch)...)
	}
	m.context(plain("Change one with "), r.cmd("admin channel set #channel exam=2027-03-01"), plain(", remove one with "),
		r.cmd("admin channel remove #channel"), plain("."))
	return *m
}

func (r *Router) showChannel(ctx context.Context, id string) Response {
	ch, ok, err := r.quiz.QuizChannel(ctx, id)
	if err != nil {
		return r.fail(ctx, "quiz channel", err)
	}
	if !ok {
		return textResponse(true, channelRun(id), plain(" is not a quiz channel. Add it with "),
			r.cmd(`admin channel add #channel post="0 9 * * MON-FRI"`), plain("."))
	}
	return textResponse(true, r.channelLine(ch)...)
}

// channelLine is one quiz channel in the list.
func (r *Router) channelLine(ch quiz.Channel) []run {
	rs := []run{channelRun(ch.ID), plain(" ")}
	qc, err := newQuizChannel(ch)
	if err != nil {
		return append(rs, plain("does not run: "+describeSettingError(err)))
	}
	rs = append(rs, r.describeChannel(qc)...)
	switch {
	case ch.Default:
		rs = append(rs, plain(" (the default, from DEVOPSBOT_QUIZ_CHANNEL)"))
	case ch.By != "":
		rs = append(rs, plain(" (set by "), mention(ch.By), plain(")"))
	}
	return append(rs, plain("."))
}

// removeChannel closes the channel's open question and stops its
// schedule. The environment's channel cannot be removed here: removing its
// admin settings brings back the environment's.
func (r *Router) removeChannel(ctx context.Context, ref channelRef) Response {
	ch, ok, err := r.quiz.QuizChannel(ctx, ref.ID)
	if err != nil {
		return r.fail(ctx, "quiz channel", err)
	}
	if !ok {
		setOutcome(ctx, OutcomeInvalid)
		return textResponse(true, channelRun(ref.ID), plain(" is not a quiz channel; nothing changed. See "), r.cmd("admin channel list"), plain("."))
	}
	if ch.Default {
		setOutcome(ctx, OutcomeInvalid)
		return textResponse(true, channelRun(ref.ID), plain(" is the quiz channel set by DEVOPSBOT_QUIZ_CHANNEL, so it stays. To stop its questions: "),
			r.cmd("admin channel set #"+channelName(ref)+" post=off close=off"), plain("."))
	}
	closed := ""
	if r.opts.Daily != nil {
		switch err := r.opts.Daily.Close(ctx, ref.ID); {
		case err == nil:
			closed = " Its open question is closed and the answer is in its thread."
		case !errors.Is(err, quiz.ErrNotFound):
			r.lg.WarnContext(ctx, "bot.Router close before removing", "channel", ref.ID, "err", err)
			closed = " Its open question could not be closed now; the bot retries posting its answer."
		}
	}
	if _, err := r.quiz.RemoveQuizChannel(ctx, ref.ID); err != nil {
		return r.fail(ctx, "remove quiz channel", err)
	}
	r.refreshDaily(ctx)
	if after, ok, err := r.quiz.QuizChannel(ctx, ref.ID); err == nil && ok && after.Default {
		return textResponse(true, plain("Removed the admin settings of "), channelRun(ref.ID),
			plain(": it runs on the environment's settings again (DEVOPSBOT_QUIZ_*)."+closed))
	}
	return textResponse(true, plain("Removed "), channelRun(ref.ID), plain(" from the quiz channels."+closed))
}

// refreshDaily applies a channel change to the scheduler now; other
// replicas pick it up within a minute.
func (r *Router) refreshDaily(ctx context.Context) {
	if r.opts.Daily == nil {
		return
	}
	if err := r.opts.Daily.Refresh(ctx); err != nil {
		r.lg.WarnContext(ctx, "bot.Router refresh quiz channels", "err", err)
	}
}

// notQuizChannel answers `quiz post` or `quiz close` run outside the quiz
// channels when there are several (or none).
func (r *Router) notQuizChannel(ctx context.Context) Response {
	setOutcome(ctx, OutcomeInvalid)
	cs, err := r.quiz.QuizChannels(ctx)
	if err != nil || len(cs) == 0 {
		return textResponse(true, plain("There is no quiz channel yet. Add one with "),
			r.cmd(`admin channel add #quiz post="0 9 * * MON-FRI"`), plain("."))
	}
	rs := []run{plain("Run it in the quiz channel it is for: ")}
	for i, ch := range cs {
		if i > 0 {
			rs = append(rs, plain(", "))
		}
		rs = append(rs, channelRun(ch.ID))
	}
	return textResponse(true, append(rs, plain("."))...)
}

// channelName is how a channel is typed in an example command.
func channelName(ref channelRef) string { return cmp.Or(ref.Name, ref.ID) }

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
