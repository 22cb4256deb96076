package bot

import (
	"strconv"
	"strings"
)

// plainStyle says how to render for a text terminal.
type plainStyle struct {
	colour   bool // ANSI bold and dim
	hints    bool // show buttons as console commands
	fallback bool // Slack's notification text: &, <, > escaped, mentions kept, no URLs
	marks    bool // bold text between asterisks (*word*), for text without colour
}

const (
	ansiBold  = "\x1b[1m"
	ansiDim   = "\x1b[2m"
	ansiReset = "\x1b[0m"
)

// renderPlain renders m as plain text, one part per line.
func renderPlain(m Response, st plainStyle) string {
	var b strings.Builder
	n := 0
	for _, p := range m.parts {
		n += runsLen(p.runs) + 1
	}
	b.Grow(n)
	quizMe := 0
	for _, p := range m.parts {
		switch p.kind {
		case partHeader:
			if st.colour {
				b.WriteString(styled(runsPlainStyled(p.runs, plainStyle{fallback: st.fallback}), ansiBold, st.colour))
			} else {
				writeRunsPlain(&b, p.runs, plainStyle{fallback: st.fallback})
			}
		case partText:
			writeRunsPlain(&b, p.runs, st)
			if st.hints && len(p.buttons) > 0 {
				if h := consoleHints(p.buttons, &quizMe); h != "" {
					b.WriteString("\n" + styled(h, ansiDim, st.colour))
				}
			}
		case partContext:
			if st.colour {
				b.WriteString(styled(runsPlainStyled(p.runs, plainStyle{fallback: st.fallback}), ansiDim, st.colour))
			} else {
				writeRunsPlain(&b, p.runs, plainStyle{fallback: st.fallback})
			}
		case partDivider:
			// a blank line
		case partButtons:
			if !st.hints {
				continue
			}
			h := consoleHints(p.buttons, &quizMe)
			if h == "" {
				continue
			}
			b.WriteString(styled(h, ansiDim, st.colour))
		}
		b.WriteByte('\n')
	}
	return strings.TrimRight(b.String(), "\n")
}

func styled(s, esc string, on bool) string {
	if !on || s == "" {
		return s
	}
	return esc + s + ansiReset
}

func runsPlain(rs []run) string { return runsPlainStyled(rs, plainStyle{}) }

func runsPlainStyled(rs []run, st plainStyle) string {
	var b strings.Builder
	b.Grow(runsLen(rs))
	writeRunsPlain(&b, rs, st)
	return b.String()
}

// writeRunsPlain writes runsPlainStyled(rs, st) to b.
func writeRunsPlain(b *strings.Builder, rs []run, st plainStyle) {
	for _, r := range rs {
		t := r.text
		if st.fallback {
			t = escapeEntities(t)
		}
		if r.user != "" {
			t = "@" + r.user
			if st.fallback && slackID(r.user) {
				t = "<@" + r.user + ">"
			}
		}
		if r.channel != "" {
			t = "#" + r.channel
			if st.fallback && channelID(r.channel) {
				t = "<#" + r.channel + ">"
			}
		}
		switch {
		case r.bold && st.marks && strings.TrimSpace(t) != "":
			t = "*" + t + "*"
		case r.bold:
			t = styled(t, ansiBold, st.colour)
		}
		b.WriteString(t)
		if r.url != "" && !st.fallback {
			b.WriteString(" <" + r.url + ">")
		}
	}
}

// consoleHints describes a row of buttons as the console commands that do
// the same thing.
// quizMe counts the "Quiz me" buttons so far, for "quiz me N".
func consoleHints(bs []button, quizMe *int) string {
	var answers []string
	var hints []string
	for _, b := range bs {
		switch actionBase(b.actionID) {
		case ActionAnswerDaily, ActionAnswerPractice:
			answers = append(answers, b.label)
		case ActionPracticeNext:
			hints = append(hints, "next: another question")
		case ActionQuizMe:
			*quizMe++
			hints = append(hints, "quiz me "+strconv.Itoa(*quizMe)+": a question on this section")
		case ActionLookup:
			hints = append(hints, "lookup "+b.value)
		case ActionPracticeDomain:
			hints = append(hints, "weak: a question in your weakest domain")
		case ActionPracticeMissed:
			hints = append(hints, "missed: one you got wrong")
		}
	}
	if len(answers) > 0 {
		hints = append([]string{"answer " + answers[0] + "-" + answers[len(answers)-1]}, hints...)
	}
	if len(hints) == 0 {
		return ""
	}
	return "→ " + strings.Join(hints, " · ")
}
