package quiz_test

import (
	"context"
	"testing"
	"time"

	"github.com/devopsbot/devopsbot/quiz"
)

func TestDaysUntil(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip("no tzdata:", err)
	}
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip("no tzdata:", err)
	}
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name      string
		date, now time.Time
		loc       *time.Location
		want      int
	}{
		{"ahead", time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC), now, time.UTC, 9},
		{"on the day", time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC), now, nil, 0},
		{"passed", time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC), now, time.UTC, -6},
		{"still yesterday in New York", time.Date(2026, 11, 27, 0, 0, 0, 0, ny), time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC), ny, 2},
		{"already tomorrow in Berlin", time.Date(2026, 12, 1, 0, 0, 0, 0, berlin), time.Date(2026, 11, 25, 23, 30, 0, 0, time.UTC), berlin, 5},
		{"across a daylight saving change", time.Date(2027, 4, 1, 0, 0, 0, 0, berlin), time.Date(2027, 3, 1, 9, 0, 0, 0, berlin), berlin, 31},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := quiz.DaysUntil(tt.date, tt.now, tt.loc); got != tt.want {
				t.Errorf("DaysUntil = %d, want %d", got, tt.want)
			}
		})
	}
}

// After the exam date, stats count back instead of staying at 0 (which
// read as "exam day" every day after the exam).
func TestStatsAfterTheExamCountsBack(t *testing.T) {
	e, _, _ := newEngine(t, pool(3, 1), quiz.Options{ExamDate: monday.AddDate(0, 0, -6)})
	st, err := e.Stats(context.Background(), "ann")
	if err != nil {
		t.Fatal(err)
	}
	if !st.ExamSet || st.DaysToExam != -6 {
		t.Errorf("stats days to exam = %d (set %v), want -6", st.DaysToExam, st.ExamSet)
	}
	if d, set := e.DaysToExam(); !set || d != -6 {
		t.Errorf("DaysToExam = %d %v, want -6 true", d, set)
	}
}
