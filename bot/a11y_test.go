package bot

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/devopsbot/devopsbot/quiz"
)

// TestAnswerButtonsHaveAccessibilityLabels: a screen reader says "Answer
// B: <the option>" rather than a bare letter, within Slack's 75 characters.
func TestAnswerButtonsHaveAccessibilityLabels(t *testing.T) {
	long := strings.Repeat("a very long option ", 10)
	rd := quiz.Round{ID: "r1", OpenedAt: time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC), Question: quiz.Question{
		ID: "q1", Stem: "Which one?", Options: []string{"cfn-init", long}, Correct: 0}}
	b, err := json.Marshal(RenderDaily(rd, 0, 0, false).slack())
	if err != nil {
		t.Fatal(err)
	}
	labels := regexp.MustCompile(`"accessibility_label":"([^"]*)"`).FindAllStringSubmatch(string(b), -1)
	if len(labels) != 2 {
		t.Fatalf("%d accessibility labels, want one per option: %s", len(labels), b)
	}
	if labels[0][1] != "Answer A: cfn-init" {
		t.Errorf("first label %q, want %q", labels[0][1], "Answer A: cfn-init")
	}
	if l := labels[1][1]; !strings.HasPrefix(l, "Answer B: a very long option") || utf8.RuneCountInString(l) > maxA11yLabel {
		t.Errorf("second label %q (%d characters): want it cut to %d", l, utf8.RuneCountInString(l), maxA11yLabel)
	}
}
