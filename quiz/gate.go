package quiz

import (
	"slices"
	"strings"
)

// The quality gate. Every question gets a score in [0, 1] from its kind and
// source (how often questions of that kind were found good when a learner
// tried them) less penalties from mechanical checks. The question of the
// day comes only from questions at or above DailyGate, scenarios first;
// practice uses the rest less often.

// DailyGate is the lowest score of a question of the day.
const DailyGate = 0.7

// kindScore is the starting score of each kind.
var kindScore = map[string]float64{
	KindScenario: 1.0, // hand-written, or a generated choice between approaches
	KindRecall:   0.9, // hand-written, asked directly
	// Generated recall kinds stay below the gate: in a blind review of 40
	// daily-pool questions (26 scenarios, 14 of these) every scenario was
	// rated good and none of these was: the stem reads like a notes line,
	// the name gives its description away, or a 2020 limit has a newer
	// value among the options. Practice still uses them, less often.
	KindDefinition: 0.65, // a description from its name
	KindNumber:     0.65, // a number with its unit
	KindTerm:       0.6,  // a name from its description
	KindService:    0.6,  // a service from its masked overview: often two fit
}

// Quality scores q: 0 when it breaks a rule of Problems or has a heading
// path; else its kind's score, less 0.2 per style problem (unbalanced
// options, the right option much longer), 0.1 for a bank question without
// a quote or without reasons for its wrong options (0.35 for a generated
// one without reasons, which keeps it out of the daily pool), 0.1 for three options
// or fewer, and 0.1 for a stem over 90 words.
func Quality(q Question) float64 {
	if len(Problems(q)) > 0 || len(headingProblems(q)) > 0 {
		return 0
	}
	s, ok := kindScore[q.Kind]
	if !ok {
		s = 0.5 // an unknown or retired kind
	}
	s -= 0.2 * float64(len(styleProblems(q)))
	if q.Bank != "" && q.Quote == "" {
		s -= 0.1
	}
	switch {
	case hasWrongReasons(q):
	case q.Bank != "":
		s -= 0.1 // written by a person, who may explain it in the explanation
	default:
		// A blind review found generated scenarios without reasons for
		// their wrong options (the explanation only repeats the stem) not
		// good enough for the question of the day.
		s -= 0.35
	}
	if len(q.Options) <= 3 {
		s -= 0.1
	}
	if wordCount(q.Stem) > 90 {
		s -= 0.1
	}
	return max(s, 0)
}

// InDaily reports whether q may be the question of the day: at or above
// the gate, and answerable with one click (not "Choose two": Slack and the
// console take one option per answer).
func InDaily(q Question) bool { return !q.ChooseTwo() && Quality(q) >= DailyGate }

// DailyPool returns the questions that may be the question of the day.
func DailyPool(qs []Question) []Question {
	var out []Question
	for _, q := range qs {
		if InDaily(q) {
			out = append(out, q)
		}
	}
	return out
}

// PoolSummary describes a set of questions.
type PoolSummary struct {
	Questions int            `json:"questions"`
	Scenarios int            `json:"scenarios"`
	Bank      int            `json:"bank"`
	Domains   [6]int         `json:"domains"`  // questions per exam domain 1-6
	Services  map[string]int `json:"services"` // questions per service or concept
	Kinds     map[string]int `json:"kinds"`
}

// Summarize counts qs by kind, domain and service.
func Summarize(qs []Question) PoolSummary {
	s := PoolSummary{Questions: len(qs), Services: map[string]int{}, Kinds: map[string]int{}}
	for _, q := range qs {
		s.Kinds[q.Kind]++
		if q.Kind == KindScenario {
			s.Scenarios++
		}
		if q.Bank != "" {
			s.Bank++
		}
		for _, d := range q.Domains {
			if d >= 1 && d <= 6 {
				s.Domains[d-1]++
			}
		}
		if svc := Service(q.Source.Path); svc != "" {
			s.Services[svc]++
		}
	}
	return s
}

// Service names the AWS service a section path is about: the heading
// below "Services" ("CloudFormation"), or a service's concepts below
// "Concepts" ("EC2 Autoscaling Concepts" gives "EC2 Autoscaling"); else ""
// (deployment strategies, external tools).
func Service(path []string) string {
	if len(path) < 2 {
		return ""
	}
	switch strings.ToLower(path[0]) {
	case "services":
		return path[1]
	case "concepts":
		if s, ok := strings.CutSuffix(path[1], " Concepts"); ok {
			return s
		}
	}
	return ""
}

// ServiceNames returns the services of a summary, most questions first.
func (s PoolSummary) ServiceNames() []string {
	names := make([]string, 0, len(s.Services))
	for n := range s.Services {
		names = append(names, n)
	}
	slices.SortFunc(names, func(a, b string) int {
		if s.Services[a] != s.Services[b] {
			return s.Services[b] - s.Services[a]
		}
		return strings.Compare(a, b)
	})
	return names
}

// hasWrongReasons reports whether q says why at least one wrong option fails.
func hasWrongReasons(q Question) bool {
	for _, w := range q.Wrong {
		if strings.TrimSpace(w) != "" {
			return true
		}
	}
	return false
}
