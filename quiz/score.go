package quiz

import (
	"context"
	"fmt"
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
	return time.Time{}, fmt.Errorf("leaderboard: period %q: %w", p, ErrBadPeriod)
}

// Leaderboard ranks people for a period by points, then accuracy, then who
// reached their score first (the time of their last point-earning answer in
// the period; earlier wins), then user ID. limit <= 0 means everyone. Only
// answers to questions of the day count.
func (e *Engine) Leaderboard(ctx context.Context, p Period, limit int) ([]Standing, error) {
	return e.ChannelLeaderboard(ctx, p, "", limit)
}

// ChannelLeaderboard is Leaderboard counting only the answers to questions
// posted in channel (every channel when channel is ""). Scores are per
// person: the same person's answers in several channels add up in the
// unfiltered board.
func (e *Engine) ChannelLeaderboard(ctx context.Context, p Period, channel string, limit int) ([]Standing, error) {
	since, err := periodStart(p, e.now(), e.opts.Location)
	if err != nil {
		return nil, err
	}
	var r ranker
	if channel != "" {
		rounds, err := e.store.Rounds(ctx, false)
		if err != nil {
			return nil, fmt.Errorf("leaderboard %s in %s: %w", p, channel, err)
		}
		in := map[string]bool{}
		for _, rd := range rounds {
			if rd.Channel == channel {
				in[rd.ID] = true
			}
		}
		if err := e.store.EachAnswer(ctx, AnswerQuery{Since: since, Kind: RoundAnswers}, func(a Answer) error {
			if in[a.Round] {
				r.add(a)
			}
			return nil
		}); err != nil {
			return nil, fmt.Errorf("leaderboard %s in %s: %w", p, channel, err)
		}
		return r.standings(limit), nil
	}
	if t, ok := e.store.(Tallier); ok {
		tallies, err := t.TallyRounds(ctx, since)
		if err != nil {
			return nil, fmt.Errorf("leaderboard %s: %w", p, err)
		}
		for _, t := range tallies {
			r.addTally(t)
		}
		return r.standings(limit), nil
	}
	if err := e.store.EachAnswer(ctx, AnswerQuery{Since: since, Kind: RoundAnswers}, func(a Answer) error {
		r.add(a)
		return nil
	}); err != nil {
		return nil, fmt.Errorf("leaderboard %s: %w", p, err)
	}
	return r.standings(limit), nil
}

type standingAcc struct {
	Standing
	reached time.Time
}

// ranker accumulates standings answer by answer.
type ranker struct {
	by   map[string]*standingAcc
	last *standingAcc // answers come in runs by the same user often enough
}

func (r *ranker) add(a Answer) {
	s := r.last
	if s == nil || s.User != a.User {
		if r.by == nil {
			r.by = map[string]*standingAcc{}
		}
		s = r.by[a.User]
		if s == nil {
			s = &standingAcc{Standing: Standing{User: a.User}, reached: a.At}
			r.by[a.User] = s
		}
		r.last = s
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

// addTally adds a person's answers summed by the store.
func (r *ranker) addTally(t Tally) {
	if r.by == nil {
		r.by = map[string]*standingAcc{}
	}
	r.by[t.User] = &standingAcc{Standing: Standing{User: t.User, Points: t.Points, Answered: t.Answered, Correct: t.Correct},
		reached: t.Reached}
}

func (r *ranker) standings(limit int) []Standing {
	list := make([]*standingAcc, 0, len(r.by))
	for _, s := range r.by {
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
	rounds, err := e.store.RoundInfos(ctx)
	if err != nil {
		return Stats{}, fmt.Errorf("stats %s: %w", user, err)
	}
	st := Stats{User: user, Domains: make([]DomainStats, 6)}
	for i := range st.Domains {
		st.Domains[i] = DomainStats{Domain: i + 1, Name: DomainName(i + 1)}
	}
	days := e.newStreakDays(rounds)
	err = e.store.EachAnswer(ctx, AnswerQuery{User: user}, func(a Answer) error {
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
		days.add(a)
		return nil
	})
	if err != nil {
		return Stats{}, fmt.Errorf("stats %s: %w", user, err)
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
	if st.Weakest != 0 && st.Domains[st.Weakest-1].Correct == st.Domains[st.Weakest-1].Answered {
		st.Weakest = 0 // nothing missed yet: no domain is weak
	}
	st.Streak, st.BestStreak = days.streaks(user == "")
	st.DaysToExam, st.ExamSet = e.DaysToExam()
	return st, nil
}

// personStreak returns user's current daily streak.
func (e *Engine) personStreak(ctx context.Context, user string) (int, error) {
	rounds, err := e.store.RoundInfos(ctx)
	if err != nil {
		return 0, err
	}
	days := e.newStreakDays(rounds)
	if err := e.store.EachAnswer(ctx, AnswerQuery{User: user, Kind: RoundAnswers}, func(a Answer) error {
		days.add(a)
		return nil
	}); err != nil {
		return 0, err
	}
	cur, _ := days.streaks(false)
	return cur, nil
}

// streakDays tallies answers per question-of-the-day day for streaks (see
// the package comment for the rules).
type streakDays struct {
	e         *Engine
	roundDay  map[string]int // round ID -> index into days
	days      []dayInfo      // in time order
	lastRound string         // answers come grouped by round: skip the map
	lastDay   int
}

type dayInfo struct {
	day          time.Time
	right, total int
	wrong        bool
	open         bool
}

func (e *Engine) newStreakDays(rounds []RoundInfo) *streakDays {
	s := &streakDays{e: e, roundDay: make(map[string]int, len(rounds))}
	idx := map[time.Time]int{}
	for _, r := range rounds {
		d := e.day(r.OpenedAt)
		i, ok := idx[d]
		if !ok {
			i = len(s.days)
			idx[d] = i
			s.days = append(s.days, dayInfo{day: d})
		}
		s.roundDay[r.ID] = i
		if r.Open {
			s.days[i].open = true
		}
	}
	// Rounds come ordered by opening time, but a location change can
	// reorder days; keep them sorted and the index in step.
	if !sort.SliceIsSorted(s.days, func(i, j int) bool { return s.days[i].day.Before(s.days[j].day) }) {
		order := make([]int, len(s.days))
		for i := range order {
			order[i] = i
		}
		sort.Slice(order, func(i, j int) bool { return s.days[order[i]].day.Before(s.days[order[j]].day) })
		pos := make([]int, len(order))
		sorted := make([]dayInfo, len(order))
		for newI, oldI := range order {
			pos[oldI] = newI
			sorted[newI] = s.days[oldI]
		}
		s.days = sorted
		for id, i := range s.roundDay {
			s.roundDay[id] = pos[i]
		}
	}
	return s
}

func (s *streakDays) add(a Answer) {
	if a.Practice() {
		return
	}
	i := s.lastDay
	if a.Round != s.lastRound || s.lastRound == "" {
		var ok bool
		if i, ok = s.roundDay[a.Round]; !ok {
			return
		}
		s.lastRound, s.lastDay = a.Round, i
	}
	d := &s.days[i]
	d.total++
	if a.Correct {
		d.right++
	} else {
		d.wrong = true
	}
}

// streaks returns the current and best streak; team selects the team rule
// (at least half of the day's answers right) over the personal one (every
// answer of the day right).
func (s *streakDays) streaks(team bool) (cur, best int) {
	good := func(d dayInfo) bool {
		if d.total == 0 {
			return false
		}
		if team {
			return 2*d.right >= d.total
		}
		return !d.wrong
	}
	run := 0
	for _, d := range s.days {
		if good(d) {
			run++
			best = max(best, run)
		} else {
			run = 0
		}
	}
	today := s.e.day(s.e.now())
	for i := len(s.days) - 1; i >= 0; i-- {
		d := s.days[i]
		if i == len(s.days)-1 && d.total == 0 && (d.open || !d.day.Before(today)) {
			continue // today's question not answered yet: no break
		}
		if !good(d) {
			break
		}
		cur++
	}
	return cur, best
}
