package quiz

import (
	"context"
	"fmt"
	"math"
	"sort"
	"time"
)

// periodStart returns the start of the period containing now, in loc; zero
// for All.
func periodStart(p Period, now time.Time, loc *time.Location) (time.Time, error) {
	now = now.In(loc)
	switch p {
	case All, "":
		return time.Time{}, nil
	case Week:
		d := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)
		back := (int(d.Weekday()) + 6) % 7 // days since Monday
		return d.AddDate(0, 0, -back), nil
	case Month:
		return time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, loc), nil
	}
	return time.Time{}, fmt.Errorf("leaderboard: unknown period %q: %w", p, ErrNotFound)
}

// Leaderboard ranks people for a period by points, then accuracy, then who
// reached their score first (the time of their last point-earning answer in
// the period; earlier wins), then user ID. limit <= 0 means everyone. Only
// answers to questions of the day count.
func (e *Engine) Leaderboard(ctx context.Context, p Period, limit int) ([]Standing, error) {
	since, err := periodStart(p, e.now(), e.opts.Location)
	if err != nil {
		return nil, err
	}
	answers, err := e.store.Answers(ctx, AnswerQuery{Since: since, Kind: RoundAnswers})
	if err != nil {
		return nil, fmt.Errorf("leaderboard %s: %w", p, err)
	}
	return rank(answers, limit), nil
}

func rank(answers []Answer, limit int) []Standing {
	type acc struct {
		Standing
		reached time.Time
	}
	by := map[string]*acc{}
	for _, a := range answers {
		s := by[a.User]
		if s == nil {
			s = &acc{Standing: Standing{User: a.User}, reached: a.At}
			by[a.User] = s
		}
		s.Answered++
		if a.Correct {
			s.Correct++
		}
		if a.Points > 0 {
			s.Points += a.Points
			s.reached = a.At
		}
	}
	list := make([]*acc, 0, len(by))
	for _, s := range by {
		s.Accuracy = ratio(s.Correct, s.Answered)
		list = append(list, s)
	}
	sort.Slice(list, func(i, j int) bool {
		a, b := list[i], list[j]
		if a.Points != b.Points {
			return a.Points > b.Points
		}
		if a.Accuracy != b.Accuracy {
			return a.Accuracy > b.Accuracy
		}
		if !a.reached.Equal(b.reached) {
			return a.reached.Before(b.reached)
		}
		return a.User < b.User
	})
	if limit > 0 && len(list) > limit {
		list = list[:limit]
	}
	out := make([]Standing, len(list))
	for i, s := range list {
		s.Rank = i + 1
		out[i] = s.Standing
	}
	return out
}

func ratio(n, d int) float64 {
	if d == 0 {
		return 0
	}
	return float64(n) / float64(d)
}

// Stats returns readiness for user, or for the team when user is "". It
// counts questions of the day and practice answers.
func (e *Engine) Stats(ctx context.Context, user string) (Stats, error) {
	answers, err := e.store.Answers(ctx, AnswerQuery{User: user})
	if err != nil {
		return Stats{}, fmt.Errorf("stats %s: %w", user, err)
	}
	rounds, err := e.store.Rounds(ctx, false)
	if err != nil {
		return Stats{}, fmt.Errorf("stats %s: %w", user, err)
	}
	st := Stats{User: user, Domains: make([]DomainStats, 6)}
	for i := range st.Domains {
		st.Domains[i] = DomainStats{Domain: i + 1, Name: DomainName(i + 1)}
	}
	for _, a := range answers {
		st.Answered++
		if a.Correct {
			st.Correct++
		}
		st.Points += a.Points
		for _, d := range a.Domains {
			if d < 1 || d > 6 {
				continue
			}
			st.Domains[d-1].Answered++
			if a.Correct {
				st.Domains[d-1].Correct++
			}
		}
	}
	st.Accuracy = ratio(st.Correct, st.Answered)
	for i := range st.Domains {
		d := &st.Domains[i]
		d.Accuracy = ratio(d.Correct, d.Answered)
		if d.Answered == 0 {
			continue
		}
		if st.Weakest == 0 {
			st.Weakest = d.Domain
			continue
		}
		w := st.Domains[st.Weakest-1]
		if d.Accuracy < w.Accuracy || (d.Accuracy == w.Accuracy && d.Answered > w.Answered) {
			st.Weakest = d.Domain
		}
	}
	st.Streak, st.BestStreak = e.streaks(rounds, answers, user == "")
	if !e.opts.ExamDate.IsZero() {
		st.ExamSet = true
		st.DaysToExam = e.daysTo(e.opts.ExamDate)
	}
	return st, nil
}

// DaysToExam returns the whole days from today to the exam date and whether
// an exam date is set.
func (e *Engine) DaysToExam() (int, bool) {
	if e.opts.ExamDate.IsZero() {
		return 0, false
	}
	return e.daysTo(e.opts.ExamDate), true
}

func (e *Engine) daysTo(date time.Time) int {
	y, m, d := date.Date()
	exam := time.Date(y, m, d, 0, 0, 0, 0, e.opts.Location)
	today := e.day(e.now())
	n := int(math.Round(exam.Sub(today).Hours() / 24))
	if n < 0 {
		return 0
	}
	return n
}

// personStreak returns user's current daily streak.
func (e *Engine) personStreak(ctx context.Context, user string) (int, error) {
	answers, err := e.store.Answers(ctx, AnswerQuery{User: user, Kind: RoundAnswers})
	if err != nil {
		return 0, err
	}
	rounds, err := e.store.Rounds(ctx, false)
	if err != nil {
		return 0, err
	}
	cur, _ := e.streaks(rounds, answers, false)
	return cur, nil
}

// streaks returns the current and best daily streak over round days (see
// the package comment for the rules). team selects the team rule.
func (e *Engine) streaks(rounds []Round, answers []Answer, team bool) (cur, best int) {
	if len(rounds) == 0 {
		return 0, 0
	}
	roundDay := make(map[string]time.Time, len(rounds))
	type dayInfo struct {
		right, total int
		open         bool
	}
	days := map[time.Time]*dayInfo{}
	var order []time.Time
	for _, r := range rounds {
		d := e.day(r.OpenedAt)
		roundDay[r.ID] = d
		di := days[d]
		if di == nil {
			di = &dayInfo{}
			days[d] = di
			order = append(order, d)
		}
		if r.Open() {
			di.open = true
		}
	}
	wrongDay := map[time.Time]bool{}
	for _, a := range answers {
		if a.Practice() {
			continue
		}
		d, ok := roundDay[a.Round]
		if !ok {
			continue
		}
		di := days[d]
		di.total++
		if a.Correct {
			di.right++
		} else {
			wrongDay[d] = true
		}
	}
	sort.Slice(order, func(i, j int) bool { return order[i].Before(order[j]) })
	good := func(d time.Time) bool {
		di := days[d]
		if di.total == 0 {
			return false
		}
		if team {
			return 2*di.right >= di.total
		}
		return !wrongDay[d]
	}
	run := 0
	for _, d := range order {
		if good(d) {
			run++
			best = max(best, run)
		} else {
			run = 0
		}
	}
	today := e.day(e.now())
	for i := len(order) - 1; i >= 0; i-- {
		d := order[i]
		if i == len(order)-1 && days[d].total == 0 && (days[d].open || !d.Before(today)) {
			continue // today's question not answered yet: no break
		}
		if !good(d) {
			break
		}
		cur++
	}
	return cur, best
}
