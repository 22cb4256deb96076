package bot

import (
	"fmt"
	"time"

	"github.com/robfig/cron/v3"
)

// CronParser parses the schedules: five fields or a descriptor such as
// "@every 5s" (the parser robfig/cron uses by default).
var cronParser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// parseSchedule parses a cron spec; "" gives nil. "@every D" becomes
// everySchedule, aligned on the start of the day so that its slots do not
// depend on when the process started.
func parseSchedule(spec string, loc *time.Location) (cron.Schedule, error) {
	if spec == "" {
		return nil, nil
	}
	s, err := cronParser.Parse(spec)
	if err != nil {
		return nil, fmt.Errorf("%q: %w", spec, err)
	}
	if cd, ok := s.(cron.ConstantDelaySchedule); ok {
		return everySchedule{every: cd.Delay, loc: loc}, nil
	}
	return s, nil
}

// everySchedule fires every `every` from midnight (in loc) and at every
// midnight.
type everySchedule struct {
	every time.Duration
	loc   *time.Location
}

// Next returns the first slot after t.
func (e everySchedule) Next(t time.Time) time.Time {
	t = t.In(e.loc)
	sod := startOfDay(t)
	n := sod.Add((t.Sub(sod)/e.every + 1) * e.every)
	y, m, dd := sod.Date()
	if next := time.Date(y, m, dd+1, 0, 0, 0, 0, e.loc); !n.Before(next) {
		return next
	}
	return n
}

// prev returns the latest slot at or before t.
func (e everySchedule) prev(t time.Time) time.Time {
	t = t.In(e.loc)
	sod := startOfDay(t)
	return sod.Add(t.Sub(sod) / e.every * e.every)
}

func startOfDay(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, t.Location())
}

// lastSlotToday returns the latest firing of s at or before now that falls on
// now's day (in loc), found by walking s.Next from the start of the day.
func lastSlotToday(s cron.Schedule, now time.Time, loc *time.Location) (time.Time, bool) {
	now = now.In(loc)
	sod := startOfDay(now)
	if e, ok := s.(everySchedule); ok {
		return e.prev(now), true // the start of the day is always a slot
	}
	var last time.Time
	found := false
	// Next is strictly after its argument: start just before midnight so a
	// slot at 00:00 counts. The bound covers a firing every second.
	t := s.Next(sod.Add(-time.Second))
	for i := 0; i < 90000 && !t.IsZero() && !t.After(now); i++ {
		if startOfDay(t).Equal(sod) {
			last, found = t, true
		}
		t = s.Next(t)
	}
	return last, found
}

// Clock is the scheduler's time: the system clock in production, a fake
// one in tests, which fires the schedules by moving time forward.
type Clock interface {
	Now() time.Time
	// WakeAt returns a channel that receives once the clock reaches t (at
	// once when it has).
	WakeAt(t time.Time) <-chan time.Time
}

// systemClock is the Clock of time.Now.
type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now() }

func (systemClock) WakeAt(t time.Time) <-chan time.Time { return time.After(time.Until(t)) }
