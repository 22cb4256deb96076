package bot

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/devopsbot/devopsbot/quiz"
)

// Oversized inputs: what the renderers must fit into Slack's limits.

var longText = strings.Repeat("A fact that goes on & on <and on> about CodeDeploy. ", 200) // over 10k characters

func manyDomains(n int) []quiz.DomainStats {
	ds := make([]quiz.DomainStats, n)
	for i := range ds {
		ds[i] = quiz.DomainStats{Domain: i + 1, Name: fmt.Sprintf("Domain with a long name number %d", i+1),
			Answered: 10, Correct: i % 10, Accuracy: float64(i%10) / 10}
	}
	return ds
}

func manyFlags(n int) []quiz.Flagged {
	fl := make([]quiz.Flagged, n)
	for i := range fl {
		fl[i] = quiz.Flagged{Question: quiz.Question{ID: fmt.Sprintf("q-%03d-%s", i, strings.Repeat("x", 300)), Stem: longText},
			Flags: []quiz.Flag{{Reason: quiz.FlagReasons[0]}, {Reason: quiz.FlagReasons[1], Admin: true}}, Retired: i%2 == 0}
	}
	return fl
}

func manyChannels(n int) []quiz.Channel {
	cs := make([]quiz.Channel, n)
	for i := range cs {
		cs[i] = quiz.Channel{ID: fmt.Sprintf("C%08d", i), Post: "0 9 * * MON-FRI", Close: "0 17 * * MON-FRI",
			TZ: "America/Argentina/ComodRivadavia", ExamDate: "2027-02-01"}
	}
	return cs
}

func manyStandings(n int) []quiz.Standing {
	rows := make([]quiz.Standing, n)
	for i := range rows {
		rows[i] = quiz.Standing{Rank: i + 1, User: fmt.Sprintf("U%08d", i), Points: 1000 - i, Answered: 100, Correct: 90, Accuracy: 0.9}
	}
	return rows
}

// bigHome is a Home tab with every part oversized.
func bigHome(admin bool) home {
	long := sampleQuestion
	long.Stem, long.Options = longText, []string{longText, longText, longText, longText}
	h := home{
		user: "U0001",
		stats: quiz.Stats{User: "U0001", Answered: 400, Correct: 200, Accuracy: 0.5, Domains: manyDomains(40),
			Weakest: 3, Streak: 4, BestStreak: 9, ExamSet: true, DaysToExam: 12},
		leader: manyStandings(homeLeaders),
	}
	for i := range maxHomeRounds {
		ch := fmt.Sprintf("CQUIZ%d", i)
		h.rounds = append(h.rounds, homeRound{link: "https://example.slack.com/archives/" + ch + "/p12",
			Seen: quiz.Seen{Round: quiz.Round{ID: "r" + ch, Question: long, Channel: ch, MessageTS: "1.2",
				OpenedAt: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)}, Answered: i == 0, Answer: quiz.Answer{Choice: 2}, Count: 3}})
	}
	if admin {
		h.admin = &homeAdmin{channels: manyChannels(150), flags: manyFlags(200)}
	}
	return h
}

func TestHomeFitsSlackLimitsOnOversizedInputs(t *testing.T) {
	for _, admin := range []bool{false, true} {
		t.Run(fmt.Sprintf("admin=%v", admin), func(t *testing.T) {
			resp := renderHome(bigHome(admin), view{})
			blocks := renderView(resp)
			checkViewLimits(t, blocks)
			text := textOfBlocks(blocks)
			if !strings.Contains(text, "…") {
				t.Error("the oversized texts were not cut with an ellipsis")
			}
			if admin && !strings.Contains(text, "… and 130 more") {
				t.Errorf("the channel list does not say how many it left out:\n%s", text)
			}
		})
	}
}

func TestHomeAdminsSeeMore(t *testing.T) {
	user := textOfBlocks(renderView(renderHome(bigHome(false), view{})))
	admin := textOfBlocks(renderView(renderHome(bigHome(true), view{})))
	for _, want := range []string{"Admin", "Quiz channels", "<#C00000000>", "Flagged questions: 200"} {
		if strings.Contains(user, want) || !strings.Contains(admin, want) {
			t.Errorf("%q: want it on the admins' Home tab only", want)
		}
	}
}

func TestViewsAndMessagesAreCutToTheirBlockLimits(t *testing.T) {
	m := &Response{}
	for i := range 150 {
		m.text(plain(fmt.Sprintf("line %d", i)))
	}
	m.buttons(button{label: "Keep me", actionID: ActionPracticeNext})
	for _, tt := range []struct {
		name   string
		blocks []slack.Block
		max    int
	}{
		{"view", renderView(*m), slackViewBlocks},
		{"message", m.slack().Blocks, slackMessageBlocks},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if len(tt.blocks) != tt.max {
				t.Errorf("%d blocks, want exactly %d (cut to the limit)", len(tt.blocks), tt.max)
			}
			if _, ok := tt.blocks[len(tt.blocks)-1].(*slack.ActionBlock); !ok {
				t.Errorf("the final row of buttons was dropped")
			}
			note := tt.blocks[len(tt.blocks)-2].(*slack.ContextBlock)
			if s := note.ContextElements.Elements[0].(*slack.TextBlockObject).Text; !strings.Contains(s, "shortened") {
				t.Errorf("no note that it was shortened: %q", s)
			}
		})
	}
	checkSlackLimits(t, *m)
	checkViewLimits(t, renderView(*m))
}

// Every message renderer, fed oversized inputs, stays within Slack's
// limits for messages.
func TestMessagesFitSlackLimitsOnOversizedInputs(t *testing.T) {
	long := sampleQuestion
	long.Stem, long.Explanation = longText, longText
	long.Options = []string{longText, longText, longText, longText}
	long.Wrong = []string{longText, "", longText, longText}
	rd := quiz.Round{ID: strings.Repeat("r", 300), Question: long, OpenedAt: time.Now()}
	big := bigHome(true)
	for name, resp := range map[string]Response{
		"flags":       renderFlagList(manyFlags(200), func(id string) run { return code("/devops quiz restore " + id) }),
		"stats":       renderStats(big.stats, view{}),
		"leaderboard": renderLeaderboard(quiz.Week, "", manyStandings(200), view{}),
		"practice":    renderPractice(long),
		"result":      renderResult(quiz.Result{Question: long, Choice: 0}, true, view{}),
		"daily":       RenderDaily(rd, 12, 3, true),
		"close":       RenderClose(quiz.Summary{Round: rd, Answered: 3, Correct: 1}),
		"flag ask":    renderFlagAsk(long),
	} {
		t.Run(name, func(t *testing.T) { checkSlackLimits(t, resp) })
	}
}

func TestHomeNamesTheChannelOfEachQuestion(t *testing.T) {
	h := bigHome(false)
	text := textOfBlocks(renderView(renderHome(h, view{})))
	for _, hr := range h.rounds {
		if want := "*<" + hr.link + "|Question of the day · Mon 23 Nov>* in <#" + hr.Round.Channel + ">"; !strings.Contains(text, want) {
			t.Errorf("home lacks %q:\n%s", want, text)
		}
	}
	h.rounds = h.rounds[:1]
	if text := textOfBlocks(renderView(renderHome(h, view{}))); strings.Contains(text, "<#") {
		t.Errorf("with one quiz channel the question names it:\n%s", text)
	}
}
