package bot

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// runsMrkdwnByStrings is runsMrkdwn as it was before runs were written
// into one buffer: each run rendered to its own string first.
func runsMrkdwnByStrings(rs []run, limit int) string {
	var b strings.Builder
	used := 0
	for _, r := range rs {
		s := runMrkdwnByStrings(r)
		n := utf8.RuneCountInString(s)
		if used+n <= limit-1 {
			b.WriteString(s)
			used += n
			continue
		}
		room := limit - 1 - used
		if r.user == "" && r.channel == "" && r.text != "" {
			overhead := n - escapedLen(r.text)
			if room-overhead > 0 {
				rr := r
				rr.text = prefixFitting(r.text, room-overhead)
				if strings.TrimSpace(rr.text) != "" {
					b.WriteString(runMrkdwnByStrings(rr))
				}
			}
		}
		b.WriteString("…")
		break
	}
	return b.String()
}

func runMrkdwnByStrings(r run) string {
	if r.channel != "" {
		if channelID(r.channel) {
			return "<#" + r.channel + ">"
		}
		return escapeMrkdwnByBuilder("#" + r.channel)
	}
	if r.user != "" {
		if slackID(r.user) {
			return "<@" + r.user + ">"
		}
		return escapeMrkdwnByBuilder("@" + r.user)
	}
	if r.text == "" {
		return ""
	}
	if (r.bold || r.code) && strings.Contains(r.text, "\n") {
		lines := strings.Split(r.text, "\n")
		for i, l := range lines {
			rr := r
			rr.text = l
			lines[i] = runMrkdwnByStrings(rr)
		}
		return strings.Join(lines, "\n")
	}
	var s string
	switch {
	case r.code:
		s = "`" + escapeCode(r.text) + "`"
	case r.url != "":
		s = "<" + escapeURL(r.url) + "|" + escapeMrkdwnByBuilder(r.text) + ">"
	default:
		s = escapeMrkdwnByBuilder(r.text)
	}
	if r.bold {
		lead := r.text[:len(r.text)-len(strings.TrimLeftFunc(r.text, unicode.IsSpace))]
		trail := r.text[len(strings.TrimRightFunc(r.text, unicode.IsSpace)):]
		core := strings.TrimSpace(r.text)
		if core == "" {
			return s
		}
		rr := r
		rr.text, rr.bold = core, false
		s = escapeMrkdwnByBuilder(lead) + "*" + runMrkdwnByStrings(rr) + "*" + escapeMrkdwnByBuilder(trail)
	}
	return s
}

func escapeMrkdwnByBuilder(s string) string {
	if !strings.ContainsAny(s, "&<>*~`_") {
		return s
	}
	var b strings.Builder
	for i, c := range s {
		switch c {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '*':
			b.WriteRune('∗')
		case '~':
			b.WriteRune('∼')
		case '`':
			b.WriteRune('ˋ')
		case '_':
			prev, _ := utf8.DecodeLastRuneInString(s[:i])
			next, _ := utf8.DecodeRuneInString(s[i+1:])
			if isWord(prev) && isWord(next) {
				b.WriteByte('_')
			} else {
				b.WriteRune('＿')
			}
		default:
			b.WriteRune(c)
		}
	}
	return b.String()
}

// Runs written into one buffer give the mrkdwn they gave as strings of
// their own, cut at every limit: random text, styles, links, mentions.
func TestRunsMrkdwnSameAsByStrings(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	ids := []string{"U0123ABC", "C0123ABC", "u_1", "not an id", "D9"}
	for i := range 20000 {
		rs := make([]run, 1+rng.IntN(5))
		for j := range rs {
			r := run{text: randomText(rng, rng.IntN(8)), bold: rng.IntN(2) == 0, code: rng.IntN(4) == 0}
			switch rng.IntN(8) {
			case 0:
				r.url = "https://x.test/" + randomText(rng, 2)
			case 1:
				r.user = ids[rng.IntN(len(ids))]
			case 2:
				r.channel = ids[rng.IntN(len(ids))]
			}
			rs[j] = r
		}
		limit := 1 + rng.IntN(40)
		if i%10 == 0 {
			limit = maxSectionText
		}
		if got, want := runsMrkdwn(rs, limit), runsMrkdwnByStrings(rs, limit); got != want {
			t.Fatalf("runsMrkdwn(%+v, %d) = %q, want %q", rs, limit, got, want)
		}
		for _, r := range rs {
			if got, want := escapeMrkdwn(r.text), escapeMrkdwnByBuilder(r.text); got != want {
				t.Fatalf("escapeMrkdwn(%q) = %q, want %q", r.text, got, want)
			}
		}
	}
}
