package bot

import (
	"context"
	"errors"
	"strconv"

	"github.com/devopsbot/devopsbot/quiz"
)

// The App Home tab: each person's own page in the bot (app_home_opened,
// views.publish). It shows their readiness, streak and days to the exam,
// the question of the day (answered or not, with a link to it), buttons
// that start practice, and the week's leaderboard; admins also see the
// quiz channels with their schedules and the flagged questions. It is
// published again whenever the person answers.

const (
	// ActionPracticeDomain asks for a practice question in one exam
	// domain; value the domain number ("" when none is weak yet).
	ActionPracticeDomain = "devops_practice_domain"
	// ActionPracticeMissed asks for a practice question among those the
	// person last answered wrong; value "".
	ActionPracticeMissed = "devops_practice_missed"
)

// home is what the Home tab shows one person.
type home struct {
	user   string
	stats  quiz.Stats
	rounds []homeRound // the latest question of the day of each quiz channel, newest first
	leader []quiz.Standing
	admin  *homeAdmin // nil for everyone but admins
}

// homeRound is a question of the day as the person sees it, and a link to
// its message ("" when unknown).
type homeRound struct {
	quiz.Seen
	link string
}

// homeAdmin is the admins' part of the Home tab.
type homeAdmin struct {
	channels []quiz.Channel
	flags    []quiz.Flagged
}

// Home builds user's App Home tab.
func (r *Router) Home(ctx context.Context, user string) Response {
	h := home{user: user}
	var err error
	if h.stats, err = r.quiz.Stats(ctx, user); err != nil {
		return r.fail(ctx, "home stats", err)
	}
	h.stats.User = user
	seen, err := r.quiz.LatestRounds(ctx, user, maxHomeRounds)
	if err != nil {
		return r.fail(ctx, "home rounds", err)
	}
	for _, s := range seen {
		s.Round.OpenedAt = s.Round.OpenedAt.In(r.calendar(s.Round.Channel).Location)
		h.rounds = append(h.rounds, homeRound{Seen: s, link: r.roundLink(ctx, s.Round)})
	}
	if h.leader, err = r.quiz.Leaderboard(ctx, quiz.Week, homeLeaders); err != nil {
		return r.fail(ctx, "home leaderboard", err)
	}
	if r.IsAdmin(user) {
		h.admin = &homeAdmin{}
		if h.admin.channels, err = r.quiz.QuizChannels(ctx); err != nil {
			return r.fail(ctx, "home quiz channels", err)
		}
		if h.admin.flags, err = r.quiz.Flags(ctx); err != nil {
			return r.fail(ctx, "home flags", err)
		}
	}
	return renderHome(h, r.view(false))
}

const (
	homeLeaders   = 5 // the week's leaders the Home tab lists
	maxHomeRounds = 3 // quiz channels whose latest question it shows
)

// roundLink links the round's message; "" when it was not posted (or
// whether it was is unknown) or the link cannot be had, which is logged:
// the Home tab then shows the question without a link.
func (r *Router) roundLink(ctx context.Context, rd quiz.Round) string {
	if r.opts.Permalink == nil || rd.Channel == "" || rd.MessageTS == "" || rd.MessageTS == unknownTS {
		return ""
	}
	u, err := r.opts.Permalink(ctx, rd.Channel, rd.MessageTS)
	if err != nil {
		r.lg.WarnContext(ctx, "bot.Router permalink", "round", rd.ID, "err", err)
		return ""
	}
	return u
}

// practiceDomain answers "Practice my weakest domain": a question in the
// domain, else (no weak domain yet, or no question in it) one from
// anywhere, saying why.
func (r *Router) practiceDomain(ctx context.Context, a Action) Response {
	if a.Value == "" {
		return r.practice(ctx, a.User, plain("No weak domain yet: you have not missed a question. Here is one from anywhere."))
	}
	d, err := strconv.Atoi(a.Value)
	if err != nil || d < 1 {
		setOutcome(ctx, OutcomeInvalid)
		return textResponse(true, plain("Sorry, that button no longer works. Try "), r.cmd("quiz"), plain("."))
	}
	q, err := r.quiz.PracticeDomain(ctx, a.User, d)
	if errors.Is(err, quiz.ErrNoQuestions) {
		return r.practice(ctx, a.User, plain("No questions in "+domainName(d)+" are in rotation; here is one from anywhere."))
	}
	if err != nil {
		return r.fail(ctx, "practice domain", err)
	}
	return renderPractice(q)
}

// practiceMissed answers "Practice what I missed": a question the person
// last answered wrong, else one from anywhere, saying why.
func (r *Router) practiceMissed(ctx context.Context, a Action) Response {
	q, err := r.quiz.PracticeMissed(ctx, a.User)
	if errors.Is(err, quiz.ErrNoQuestions) {
		return r.practice(ctx, a.User, plain("Nothing you missed is waiting: here is a question from anywhere."))
	}
	if err != nil {
		return r.fail(ctx, "practice missed", err)
	}
	return renderPractice(q)
}
