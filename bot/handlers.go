package bot

import (
	"context"
	"errors"
	"strings"
	"unicode"

	"github.com/devopsbot/devopsbot/index"
	"github.com/devopsbot/devopsbot/quiz"
)

func (r *Router) lookup(ctx context.Context, query string, v view) Response {
	query = strings.TrimSpace(clean(query))
	gen, k := r.generation(), lookupKey{query: query, v: v}
	if e, ok := r.lookups.get(gen, k); ok {
		if e.outcome != OutcomeOK {
			setOutcome(ctx, e.outcome)
		}
		return e.resp
	}
	hits, err := r.search.Search(ctx, query, lookupHits)
	var e cachedLookup
	switch {
	case errors.Is(err, index.ErrEmptyQuery) || err == nil && len(hits) == 0:
		e = cachedLookup{resp: r.nothing(ctx, query, v), outcome: OutcomeNoResult}
		setOutcome(ctx, OutcomeNoResult)
	case err != nil:
		return r.fail(ctx, "lookup", err)
	default:
		e = cachedLookup{resp: renderLookup(query, hits, v), outcome: OutcomeOK}
	}
	if r.lookups != nil {
		e.resp = e.resp.reused()
		r.lookups.put(gen, k, e)
	}
	return e.resp
}

// nothing answers a lookup that found nothing.
func (r *Router) nothing(ctx context.Context, query string, v view) Response {
	if strings.TrimFunc(query, func(c rune) bool { return !unicode.IsLetter(c) && !unicode.IsDigit(c) }) == "" {
		return textResponse(!v.public, plain("Type a few words to look up, for example "), v.cmd("lookup blue green deployment"), plain("."))
	}
	return renderNothing(query, r.search.Suggest(ctx, query, 5), v)
}

func (r *Router) ask(ctx context.Context, text string, v view) Response {
	text = strings.TrimSpace(clean(text))
	if text == "" {
		return textResponse(!v.public, plain("Paste an exam question after "), code("ask"),
			plain(", with its options as A) B) C) D), inline or on their own lines."))
	}
	q, err := index.ParseQuestion(text)
	if err != nil {
		return r.fail(ctx, "parse question", err)
	}
	a, err := r.search.Ask(ctx, q)
	if errors.Is(err, index.ErrEmptyQuery) {
		return textResponse(!v.public, plain("I could not find a question in that. Paste the scenario and its options A) B) C) D)."))
	}
	if err != nil {
		return r.fail(ctx, "ask", err)
	}
	return renderAsk(q, a, text, v)
}

func (r *Router) quizCommand(ctx context.Context, req Request, rest string) Response {
	switch strings.ToLower(strings.Trim(rest, " .!?")) {
	case "", "me", "please", "me please", "random", "any", "anything":
		return r.practice(ctx, req.User)
	}
	// quiz <topic>: a practice question from the best section for the topic.
	hits, err := r.search.Search(ctx, rest, lookupHits)
	if err == nil {
		for _, h := range hits {
			q, err := r.quiz.PracticeFrom(ctx, req.User, h.Doc, h.ID)
			if err == nil {
				return renderPractice(q)
			}
			if !errors.Is(err, quiz.ErrNoQuestions) && !errors.Is(err, quiz.ErrNotFound) {
				return r.fail(ctx, "practice from", err)
			}
		}
	}
	return r.practice(ctx, req.User, plain("No questions come from the sections about "),
		bold(truncateRunes(oneLine(rest), maxQueryEcho)), plain(" yet; here is one from anywhere."))
}

// practice is a practice question from anywhere; a note, when given, comes
// first and says why.
func (r *Router) practice(ctx context.Context, user string, note ...run) Response {
	q, err := r.quiz.Practice(ctx, user)
	if err != nil {
		return r.fail(ctx, "practice", err)
	}
	if len(note) == 0 {
		return renderPractice(q)
	}
	m := &Response{Ephemeral: true}
	m.context(note...)
	for _, p := range renderPractice(q).parts {
		m.add(p)
	}
	return *m
}

// leaderboard answers `leaderboard [week|month|all] [#channel]` (in either
// order): the scores of the period, in one quiz channel when one is named.
func (r *Router) leaderboard(ctx context.Context, arg string, v view) Response {
	ref, rest, _, err := cutChannel(arg)
	if err != nil {
		setOutcome(ctx, OutcomeInvalid)
		return textResponse(!v.public, plain(upperFirst(err.Error())+"."))
	}
	p, ok := parsePeriod(rest)
	if !ok {
		setOutcome(ctx, OutcomeInvalid)
		return textResponse(!v.public, plain("Which period? "), code("leaderboard week"), plain(", "),
			code("leaderboard month"), plain(" or "), code("leaderboard all"), plain(", and a channel if you like: "),
			code("leaderboard week #quiz"), plain("."))
	}
	rows, err := r.quiz.ChannelLeaderboard(ctx, p, ref.ID, leaderboardTop)
	if err != nil {
		return r.fail(ctx, "leaderboard", err)
	}
	return renderLeaderboard(p, ref.ID, rows, v)
}

func (r *Router) stats(ctx context.Context, req Request, arg string, v view) Response {
	user, ok := parseUser(arg, req.User)
	if !ok && r.opts.Bare {
		// Console users are plain names (console --user alice).
		if name := strings.TrimPrefix(strings.TrimSpace(arg), "@"); name != "" && !strings.ContainsFunc(name, unicode.IsSpace) {
			user, ok = name, true
		}
	}
	if !ok {
		return textResponse(!v.public, plain("Whose stats? Mention someone ("), code("stats @name"),
			plain("), or use "), code("stats"), plain(" for yours and "), code("stats team"), plain(" for the team's."))
	}
	return r.statsFor(ctx, user, v)
}

func (r *Router) statsFor(ctx context.Context, user string, v view) Response {
	st, err := r.quiz.Stats(ctx, user)
	if err != nil {
		return r.fail(ctx, "stats", err)
	}
	st.User = user
	return renderStats(st, v)
}
