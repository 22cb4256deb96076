package quiz

import "time"

// DaysToExam returns the calendar days from today to the exam date (0 on
// the day, negative once it has passed) and whether an exam date is set.
func (e *Engine) DaysToExam() (int, bool) {
	if e.opts.ExamDate.IsZero() {
		return 0, false
	}
	return DaysUntil(e.opts.ExamDate, e.now(), e.opts.Location), true
}

// DaysUntil counts the calendar days from now's date in loc (nil means UTC)
// to date's own year, month and day: 0 on that day, negative after it.
func DaysUntil(date, now time.Time, loc *time.Location) int {
	if loc == nil {
		loc = time.UTC
	}
	y1, m1, d1 := now.In(loc).Date()
	y2, m2, d2 := date.Date()
	// Noon to noon: whole days, whatever daylight saving does.
	a := time.Date(y1, m1, d1, 12, 0, 0, 0, time.UTC)
	b := time.Date(y2, m2, d2, 12, 0, 0, 0, time.UTC)
	return int(b.Sub(a).Round(24*time.Hour) / (24 * time.Hour))
}
