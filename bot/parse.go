package bot

import (
	"strconv"
	"strings"
	"unicode"

	"github.com/devopsbot/devopsbot/quiz"
)

// decodeSlack turns Slack's message encoding back into what people typed:
// <https://x|label> and <https://x> become the label or the URL,
// <@U123|name> "@name", <#C123|name> "#name", <!here> "@here"; &amp; &lt;
// &gt; become & < >.
func decodeSlack(s string) string {
	if !strings.ContainsAny(s, "<&") {
		return s
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '<')
		if i < 0 {
			break
		}
		j := strings.IndexByte(s[i:], '>')
		if j < 0 {
			break
		}
		b.WriteString(s[:i])
		inner := s[i+1 : i+j]
		target, label, hasLabel := strings.Cut(inner, "|")
		switch {
		case strings.HasPrefix(target, "@"), strings.HasPrefix(target, "#"):
			if hasLabel {
				b.WriteString(target[:1] + label)
			} else {
				b.WriteString(target)
			}
		case strings.HasPrefix(target, "!"):
			if hasLabel {
				b.WriteString(label)
			} else {
				b.WriteString("@" + strings.TrimPrefix(target, "!"))
			}
		case hasLabel:
			b.WriteString(label)
		default:
			b.WriteString(target)
		}
		s = s[i+j+1:]
	}
	b.WriteString(s)
	return strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&").Replace(b.String())
}

// splitWord splits off the first word of s.
func splitWord(s string) (string, string) {
	s = strings.TrimSpace(s)
	i := strings.IndexFunc(s, unicode.IsSpace)
	if i < 0 {
		return s, ""
	}
	return s[:i], strings.TrimSpace(s[i:])
}

// stripMentions removes leading user mentions (<@U123> or <@U123|name>),
// as in "@devopsbot lookup canary".
func stripMentions(s string) string {
	s = strings.TrimSpace(s)
	for strings.HasPrefix(s, "<@") {
		end := strings.IndexByte(s, '>')
		if end < 0 {
			break
		}
		s = strings.TrimSpace(s[end+1:])
	}
	return s
}

func parsePeriod(s string) (quiz.Period, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "week", "weekly", "this week":
		return quiz.Week, true
	case "month", "monthly", "this month":
		return quiz.Month, true
	case "all", "all time", "alltime", "ever":
		return quiz.All, true
	}
	return "", false
}

// parseUser reads a Slack user mention (<@U123|name> or <@U123>), a bare
// user ID, "me" or "team"; ok is false for anything else.
func parseUser(s, self string) (user string, ok bool) {
	s = strings.TrimSpace(s)
	switch strings.ToLower(s) {
	case "", "me", "my", "mine":
		return self, true
	case "team", "all", "everyone":
		return "", true
	}
	if strings.HasPrefix(s, "<@") && strings.HasSuffix(s, ">") {
		id := s[2 : len(s)-1]
		id, _, _ = strings.Cut(id, "|")
		if slackID(id) {
			return id, true
		}
		return "", false
	}
	if slackID(s) {
		return s, true
	}
	return "", false
}

// parseChoice splits "id|choice".
func parseChoice(v string) (string, int, bool) {
	i := strings.LastIndexByte(v, '|')
	if i <= 0 {
		return "", 0, false
	}
	n, err := strconv.Atoi(v[i+1:])
	if err != nil || n < 0 || n > 25 {
		return "", 0, false
	}
	return v[:i], n, true
}
