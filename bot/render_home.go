package bot

import (
	"cmp"
	"fmt"
	"strings"

	"github.com/devopsbot/devopsbot/quiz"
)

const (
	maxHomeStem     = 300 // runes of the question of the day's stem on the Home tab
	maxHomeChannels = 20  // quiz channels listed one per line; the rest are counted
)

// renderHome renders a person's Home tab. The parts come in order of
// importance, so when the view must be cut to Slack's limits (fitBlocks
// drops blocks from the end) the admins' lists go first.
func renderHome(h home, v view) Response {
	m := &Response{}
	m.header("Your AWS DevOps Pro prep")
	homeReadiness(m, h.stats)
	m.divider()
	homeRounds(m, h.rounds)
	weak := ""
	if h.stats.Weakest > 0 {
		weak = fmt.Sprint(h.stats.Weakest)
	}
	m.buttons(
		button{label: "Practice my weakest domain", actionID: ActionPracticeDomain, value: weak, primary: true},
		button{label: "Practice what I missed", actionID: ActionPracticeMissed},
	)
	m.divider()
	m.header("Leaderboard · " + periodWords(quiz.Week))
	if len(h.leader) == 0 {
		m.text(plain("No one has answered the question of the day this week yet."))
	} else {
		m.text(standingRuns(h.leader)...)
	}
	if h.admin != nil {
		homeAdminPart(m, *h.admin, v)
	}
	return *m
}

// homeReadiness shows accuracy per domain, the weakest one, the streak and
// the days to the exam.
func homeReadiness(m *Response, st quiz.Stats) {
	if st.Answered == 0 {
		m.text(bold("Readiness"), plain(": no answers yet. Answer the question of the day, or practise below."))
	} else {
		m.text(bold("Readiness"), plain(fmt.Sprintf(" · answered %d · right %d · accuracy ", st.Answered, st.Correct)),
			bold(percent(st.Accuracy)))
		m.text(domainRuns(st.Domains)...)
		if st.Weakest > 0 {
			m.text(weakestRuns(st)...)
		}
	}
	var line []string
	if st.Streak > 0 || st.BestStreak > 0 {
		line = append(line, fmt.Sprintf("Streak %d (best %d)", st.Streak, st.BestStreak))
	}
	if s := examText(st.DaysToExam, st.ExamSet); s != "" {
		line = append(line, s)
	}
	if len(line) > 0 {
		m.context(plain(strings.Join(line, " · ")))
	}
}

// homeRounds shows the latest question of the day of each quiz channel and
// the person's answer to it; with several channels each names its own.
func homeRounds(m *Response, rounds []homeRound) {
	if len(rounds) == 0 {
		m.text(bold("Question of the day"), plain(": none posted yet."))
		return
	}
	for _, hr := range rounds {
		homeRoundPart(m, hr, len(rounds) > 1)
	}
}

// homeRoundPart shows one question of the day: its title (a link to it),
// its stem, and whether the person answered.
func homeRoundPart(m *Response, hr homeRound, named bool) {
	rd := hr.Round
	t := "Question of the day"
	if !rd.OpenedAt.IsZero() {
		t += " · " + rd.OpenedAt.Format("Mon 2 Jan")
	}
	title := []run{boldLink(t, hr.link)}
	if named && rd.Channel != "" {
		title = append(title, plain(" in "), channelRun(rd.Channel))
	}
	m.text(title...)
	m.text(plain(truncateRunes(oneLine(clean(rd.Question.Stem)), maxHomeStem)))
	var rs []run
	switch {
	case hr.Answered:
		a := hr.Answer
		verdict := "❌ not quite"
		if a.Correct {
			verdict = "✅ right"
		}
		rs = append(rs, plain("You answered "),
			bold(truncateRunes(optionKey(a.Choice)+") "+optionAt(rd.Question, a.Choice), maxOptionRunes)), plain(" · "+verdict))
	case rd.Open():
		rs = append(rs, plain("Not answered yet"))
		if hr.link != "" {
			rs = append(rs, plain(": "), link("answer it in the channel", hr.link))
		}
	default:
		rs = append(rs, plain("Closed before you answered"))
		if hr.link != "" {
			rs = append(rs, plain(": "), link("the answer is in its thread", hr.link))
		}
	}
	state := "open"
	if !rd.Open() {
		state = "closed"
	}
	rs = append(rs, plain(" · "+state+" · "+answeredCount(hr.Count)))
	m.context(rs...)
}

// answeredCount is "nobody answered", "1 answered" or "12 answered".
func answeredCount(n int) string {
	if n == 0 {
		return "nobody answered"
	}
	return answeredText(n)
}

// homeAdminPart shows admins the quiz channels with their schedules and
// the flagged questions.
func homeAdminPart(m *Response, a homeAdmin, v view) {
	m.divider()
	m.header("Admin")
	rs := []run{bold("Quiz channels")}
	if len(a.channels) == 0 {
		rs = append(rs, plain(": none. Set DEVOPSBOT_QUIZ_CHANNEL to post a question of the day."))
	}
	for i, c := range a.channels {
		if i == maxHomeChannels {
			rs = append(rs, plain(fmt.Sprintf("\n… and %d more", len(a.channels)-i)))
			break
		}
		rs = append(rs, plain("\n"))
		rs = append(rs, channelRuns(c)...)
	}
	m.text(rs...)
	fl := renderFlagList(a.flags, func(id string) run { return v.cmd("quiz restore " + id) })
	m.parts = append(m.parts, fl.parts...)
}

// channelRuns is one quiz channel and its schedule on one line.
func channelRuns(c quiz.Channel) []run {
	rs := []run{channelRun(c.ID), plain(" · posts ")}
	if c.Post == "" {
		rs = append(rs, plain("only on "), code("quiz post"))
	} else {
		rs = append(rs, code(c.Post))
	}
	rs = append(rs, plain(" · closes "))
	if c.Close == "" {
		rs = append(rs, plain("with the next post"))
	} else {
		rs = append(rs, code(c.Close))
	}
	rs = append(rs, plain(" · "+cmp.Or(c.TZ, "UTC")))
	if c.ExamDate != "" {
		rs = append(rs, plain(" · exam "+c.ExamDate))
	}
	if c.Default {
		rs = append(rs, plain(" · from the environment"))
	}
	return rs
}
