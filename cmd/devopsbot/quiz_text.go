package main

import (
	"fmt"
	"strings"

	"github.com/devopsbot/devopsbot/notes"
	"github.com/devopsbot/devopsbot/quiz"
)

// readableQuestions prints questions as a learner meets them, then what a
// reviewer checks: the answer, why it fits, why each wrong option fails,
// and the deciding lines of the notes. A summary of the set ends it.
func readableQuestions(qs []quiz.Question, docs []*notes.Document) string {
	var b strings.Builder
	for i, q := range qs {
		fmt.Fprintf(&b, "%d. %s (%s, quality %.2f", i+1, q.ID, q.Kind, quiz.Quality(q))
		if svc := quiz.Service(q.Source.Path); svc != "" {
			fmt.Fprintf(&b, ", %s", svc)
		}
		b.WriteString(")\n")
		fmt.Fprintf(&b, "%s\n", q.Stem)
		for j, o := range q.Options {
			fmt.Fprintf(&b, "   %c) %s\n", 'A'+j, o)
		}
		var ans []string
		for _, j := range q.Right() {
			ans = append(ans, fmt.Sprintf("%c) %s", 'A'+j, q.Options[j]))
		}
		fmt.Fprintf(&b, "Answer: %s\n", strings.Join(ans, "; "))
		if q.Explanation != "" {
			fmt.Fprintf(&b, "Why: %s\n", q.Explanation)
		}
		for j, w := range q.Wrong {
			if w != "" {
				fmt.Fprintf(&b, "Not %c: %s\n", 'A'+j, w)
			}
		}
		var ds []string
		for _, d := range q.Domains {
			ds = append(ds, fmt.Sprintf("%d %s", d, quiz.DomainName(d)))
		}
		fmt.Fprintf(&b, "Source: %s (%s#%s); domains: %s\n", strings.Join(q.Source.Path, notes.Sep), q.Source.Doc, q.Source.Section, strings.Join(ds, "; "))
		if q.Quote != "" {
			fmt.Fprintf(&b, "Notes: %q\n", q.Quote)
		}
		for _, c := range q.Also {
			fmt.Fprintf(&b, "Also %s: %q\n", c.Section, c.Quote)
		}
		b.WriteString("\n")
	}
	b.WriteString(summaryLine(qs, docs))
	return b.String()
}

// summaryLine sums up a set of questions: size, share of scenarios, how
// many pass every mechanical check, domains and services.
func summaryLine(qs []quiz.Question, docs []*notes.Document) string {
	s := quiz.Summarize(qs)
	var b strings.Builder
	share := 0.0
	if s.Questions > 0 {
		share = 100 * float64(s.Scenarios) / float64(s.Questions)
	}
	valid := 0
	for _, q := range qs {
		if len(quiz.Validate(q, docs)) == 0 {
			valid++
		}
	}
	fmt.Fprintf(&b, "%d questions: %d scenarios (%.0f%%), %d from banks, %d mechanically valid\n", s.Questions, s.Scenarios, share, s.Bank, valid)
	b.WriteString("domains:")
	for i, n := range s.Domains {
		fmt.Fprintf(&b, " %d:%d", i+1, n)
	}
	names := s.ServiceNames()
	fmt.Fprintf(&b, "\nservices (%d):", len(names))
	for _, n := range names {
		fmt.Fprintf(&b, " %s %d;", n, s.Services[n])
	}
	b.WriteString("\n")
	return b.String()
}
