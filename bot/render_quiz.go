package bot

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/devopsbot/devopsbot/notes"
	"github.com/devopsbot/devopsbot/quiz"
)

const (
	maxStemRunes   = 1500
	maxOptionRunes = 400
	maxExplRunes   = 1200
	leaderboardTop = 10
)

// optionKey is the letter of option i (A, B, ...).
func optionKey(i int) string { return quiz.OptionKey(i) }

// optionList lists options as "A) text" lines.
func optionList(opts []string) []run {
	var rs []run
	for i, o := range opts {
		if i > 0 {
			rs = append(rs, plain("\n"))
		}
		rs = append(rs, bold(optionKey(i)+")"), plain(" "+truncateRunes(oneLine(o), maxOptionRunes)))
	}
	return rs
}

// answerButtons returns one button per option, labelled with its letter;
// a screen reader says the option too ("Answer B: ...").
func answerButtons(actionID, id string, opts []string) []button {
	bs := make([]button, 0, len(opts))
	for i, o := range opts {
		bs = append(bs, button{label: optionKey(i), actionID: actionID, value: id + "|" + strconv.Itoa(i),
			a11y: "Answer " + optionKey(i) + ": " + o})
	}
	return bs
}

func domainName(n int) string { return quiz.DomainLabel(n) }

// renderPractice renders a private practice question.
func renderPractice(q quiz.Question) Response {
	m := &Response{Ephemeral: true}
	ctx := "Practice question"
	if len(q.Domains) > 0 {
		ctx += " · " + quiz.DomainLabels(q.Domains)
	}
	m.context(plain(ctx))
	m.text(bold(truncateRunes(clean(q.Stem), maxStemRunes)))
	m.text(optionList(q.Options)...)
	m.buttons(answerButtons(ActionAnswerPractice, q.ID, q.Options)...)
	return *m
}

// renderResult tells one person how their answer went. daily adds points
// and the count; practice offers another question.
func renderResult(res quiz.Result, daily bool, v view) Response {
	m := &Response{Ephemeral: true}
	q := res.Question
	chosen := optionKey(res.Choice) + ") " + optionAt(q, res.Choice)
	right := optionKey(q.Correct) + ") " + optionAt(q, q.Correct)
	switch {
	case res.Closed:
		m.text(plain("This question has closed, so answers no longer count. The answer is in the thread."))
		return *m
	case res.Already:
		verdict := "which was wrong"
		if res.Correct {
			verdict = "which was right"
		}
		m.text(plain("You already answered this one: "), bold(truncateRunes(chosen, maxOptionRunes)),
			plain(", "+verdict+". Your first answer stands."))
		return *m
	case res.Correct:
		rs := []run{plain("✅ "), bold("Right!"), plain(" " + truncateRunes(chosen, maxOptionRunes))}
		m.text(rs...)
	default:
		m.text(plain("❌ "), bold("Not quite."), plain(" You chose "+truncateRunes(chosen, maxOptionRunes)+"; the answer is "),
			bold(truncateRunes(right, maxOptionRunes)), plain("."))
	}
	if e := strings.TrimSpace(clean(q.Explanation)); e != "" {
		m.text(plain(truncateRunes(e, maxExplRunes)))
	}
	if !res.Correct && res.Choice >= 0 && res.Choice < len(q.Wrong) && q.Wrong[res.Choice] != "" {
		m.text(bold("Why not "+optionKey(res.Choice)+": "), plain(truncateRunes(clean(q.Wrong[res.Choice]), maxExplRunes)))
	}
	m.context(sourceRuns(q.Source, v)...)
	if daily {
		var parts []string
		if res.Points > 0 {
			parts = append(parts, fmt.Sprintf("+%d points", res.Points))
		}
		if res.Streak > 1 {
			parts = append(parts, fmt.Sprintf("streak %d days", res.Streak))
		}
		switch {
		case res.Answered == 1:
			parts = append(parts, "you are the first to answer")
		case res.Answered > 1:
			parts = append(parts, fmt.Sprintf("%d answered so far", res.Answered))
		}
		m.context(plain(strings.Join(parts, " · ")))
		m.buttons(flagButton(q.ID))
	} else {
		m.buttons(button{label: "Another question", actionID: ActionPracticeNext, primary: true}, flagButton(q.ID))
	}
	return *m
}

func optionAt(q quiz.Question, i int) string {
	if i < 0 || i >= len(q.Options) {
		return "?"
	}
	return oneLine(q.Options[i])
}

func sourceRuns(s quiz.Source, v view) []run {
	path := strings.Join(s.Path, notes.Sep)
	if path == "" {
		path = s.Section
	}
	if path == "" {
		return []run{plain("Source: the question bank")}
	}
	rs := []run{plain("Source: ")}
	if u := sectionURL(v.notesURL, s.Doc, s.Section); u != "" {
		rs = append(rs, link(path, u))
	} else {
		rs = append(rs, plain(path))
	}
	if s.Section != "" && path != s.Section {
		rs = append(rs, plain(" · "), code(s.Section))
	}
	return rs
}

func answeredText(n int) string {
	switch n {
	case 0:
		return "No answers yet: be the first"
	case 1:
		return "1 answered"
	}
	return strconv.Itoa(n) + " answered"
}

// RenderDaily renders the channel message of a question of the day: a
// header with the date (rd.OpenedAt in its own location, so pass it in
// DEVOPSBOT_TZ) and, when examSet and the exam is ahead, the days to the
// exam; the stem and options; one button per option (action
// ActionAnswerDaily, value "roundID|choice"); and how many have answered. It
// never reveals the answer. A closed round (ClosedAt set) renders without
// buttons, pointing to the thread.
func RenderDaily(rd quiz.Round, answered int, daysToExam int, examSet bool) Response {
	m := &Response{}
	h := "Question of the day"
	if !rd.OpenedAt.IsZero() {
		h += " · " + rd.OpenedAt.Format("Mon 2 Jan")
	}
	if examSet {
		switch {
		case daysToExam == 0:
			h += " · exam day!"
		case daysToExam == 1:
			h += " · 1 day to the exam"
		case daysToExam > 1:
			h += " · " + strconv.Itoa(daysToExam) + " days to the exam"
		}
	}
	m.header(h)
	q := rd.Question
	m.text(bold(truncateRunes(clean(q.Stem), maxStemRunes)))
	m.text(optionList(q.Options)...)
	if rd.ClosedAt.IsZero() {
		m.buttons(answerButtons(ActionAnswerDaily, rd.ID, q.Options)...)
		m.context(plain(answeredText(answered) + " · your answer stays private; the answer comes at close"))
	} else {
		n := answeredText(answered)
		if answered == 0 {
			n = "nobody answered"
		}
		m.context(plain("Closed · " + n + " · the answer is in the thread"))
	}
	return *m
}

// RenderClose renders the thread reply when a round closes: the answer, the
// explanation, the source section and how many answered and got it right.
func RenderClose(s quiz.Summary) Response {
	m := &Response{}
	q := s.Round.Question
	m.text(plain("The answer: "), bold(truncateRunes(optionKey(q.Correct)+") "+optionAt(q, q.Correct), maxOptionRunes)))
	if e := strings.TrimSpace(clean(q.Explanation)); e != "" {
		m.text(plain(truncateRunes(e, maxExplRunes)))
	}
	m.context(sourceRuns(q.Source, view{})...)
	switch {
	case s.Answered == 0:
		m.context(plain("Nobody answered this one."))
	default:
		m.context(plain(fmt.Sprintf("%s · %d got it right (%s)", answeredText(s.Answered), s.Correct,
			percent(float64(s.Correct)/float64(s.Answered)))))
	}
	m.buttons(flagButton(q.ID))
	return *m
}

func periodWords(p quiz.Period) string {
	switch p {
	case quiz.Week:
		return "this week"
	case quiz.Month:
		return "this month"
	default:
		return "all time"
	}
}

// renderLeaderboard renders the standings for a period.
func renderLeaderboard(p quiz.Period, channel string, rows []quiz.Standing, v view) Response {
	m := &Response{Ephemeral: !v.public}
	m.header("Leaderboard · " + periodWords(p))
	if channel != "" {
		m.context(plain("Questions of the day in "), channelRun(channel))
	}
	if v.sharedBy != "" {
		m.context(plain("Shared by "), mention(v.sharedBy))
	}
	if len(rows) == 0 {
		when := " " + periodWords(p)
		if p == quiz.All {
			when = ""
		}
		m.text(plain("No one has answered the question of the day" + when + " yet. " +
			"Only its answers count here; practice questions count in your stats."))
	} else {
		m.text(standingRuns(rows)...)
	}
	if v.shareable() {
		m.buttons(v.shareButton("leaderboard", string(p)))
	}
	sharedNote(m, v)
	return *m
}

// standingRuns lists the top standings, one line each.
func standingRuns(rows []quiz.Standing) []run {
	var rs []run
	for i, s := range rows {
		if i == leaderboardTop {
			break
		}
		if i > 0 {
			rs = append(rs, plain("\n"))
		}
		rank := s.Rank
		if rank == 0 {
			rank = i + 1
		}
		medal := map[int]string{1: "🥇", 2: "🥈", 3: "🥉"}[rank]
		if medal == "" {
			medal = strconv.Itoa(rank) + "."
		}
		rs = append(rs, plain(medal+" "), mention(s.User),
			plain(" "), bold(fmt.Sprintf("%d pts", s.Points)),
			plain(fmt.Sprintf(" · %d/%d right (%s)", s.Correct, s.Answered, percent(s.Accuracy))))
	}
	return rs
}

// bar is a ten-cell text bar for a fraction.
func bar(f float64) string {
	if math.IsNaN(f) || f < 0 {
		f = 0
	}
	n := int(math.Round(min(f, 1) * 10))
	return strings.Repeat("█", n) + strings.Repeat("░", 10-n)
}

// domainRuns shows accuracy per exam domain, one bar per line.
func domainRuns(domains []quiz.DomainStats) []run {
	var rs []run
	for i, d := range domains {
		if i > 0 {
			rs = append(rs, plain("\n"))
		}
		name := d.Name
		if name == "" {
			name = domainName(d.Domain)
		}
		if d.Answered == 0 {
			rs = append(rs, code(bar(0)), plain(fmt.Sprintf("   –   %d. %s (no answers)", d.Domain, name)))
			continue
		}
		rs = append(rs, code(bar(d.Accuracy)), plain(fmt.Sprintf(" %4s  %d. %s (%d/%d)", percent(d.Accuracy), d.Domain, name, d.Correct, d.Answered)))
	}
	return rs
}

// weakestRuns names the weakest domain: "Weakest: 3. Monitoring and Logging".
func weakestRuns(st quiz.Stats) []run {
	name := domainName(st.Weakest)
	for _, d := range st.Domains {
		if d.Domain == st.Weakest && d.Name != "" {
			name = d.Name
		}
	}
	return []run{plain("Weakest: "), bold(fmt.Sprintf("%d. %s", st.Weakest, name))}
}

// examText is how far the exam is ("12 days to the exam"); "" without an
// exam date or once it has passed.
func examText(days int, set bool) string {
	switch {
	case !set || days < 0:
		return ""
	case days == 0:
		return "Exam day: good luck!"
	case days == 1:
		return "1 day to the exam"
	}
	return fmt.Sprintf("%d days to the exam", days)
}

// renderStats renders readiness for one person, or the team when st.User is "".
func renderStats(st quiz.Stats, v view) Response {
	m := &Response{Ephemeral: !v.public}
	var who []run
	if st.User == "" {
		who = []run{bold("Team readiness")}
	} else {
		who = []run{bold("Readiness of "), mention(st.User)}
	}
	if v.sharedBy != "" {
		who = append(who, plain(" · shared by "), mention(v.sharedBy))
	}
	m.text(who...)
	if st.Answered == 0 {
		m.text(plain("No answers yet. Try "), v.cmd("quiz"), plain(" for a practice question, or answer the question of the day."))
	} else {
		streak := ""
		if st.BestStreak > 0 {
			streak = fmt.Sprintf("\nStreak %d (best %d)", st.Streak, st.BestStreak)
		}
		m.text(plain(fmt.Sprintf("Answered %d · right %d · accuracy ", st.Answered, st.Correct)), bold(percent(st.Accuracy)),
			plain(streak))
		if rs := domainRuns(st.Domains); len(rs) > 0 {
			m.text(rs...)
		}
		if st.Weakest > 0 {
			m.text(append(weakestRuns(st), plain(". Try "), v.cmd("quiz"), plain(": it brings back the questions you missed."))...)
		}
	}
	if s := examText(st.DaysToExam, st.ExamSet); s != "" {
		m.context(plain(s))
	}
	sharedNote(m, v)
	if v.shareable() {
		arg := st.User
		if arg == "" {
			arg = "team"
		}
		m.buttons(v.shareButton("stats", arg))
	}
	return *m
}
