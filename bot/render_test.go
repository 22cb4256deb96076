package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/devopsbot/devopsbot/index"
	"github.com/devopsbot/devopsbot/quiz"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func TestEscapeMrkdwn(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain text", "plain text"},
		{"a & b <c> d", "a &amp; b &lt;c&gt; d"},
		{"<!channel> <@U123>", "&lt;!channel&gt; &lt;@U123&gt;"},
		{"*not bold*", "∗not bold∗"},
		{"~not struck~", "∼not struck∼"},
		{"`not code`", "ˋnot codeˋ"},
		{"_not italic_", "＿not italic＿"},
		{"anchor 4_2_4 and snake_case stay", "anchor 4_2_4 and snake_case stay"},
		{"arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/∗"},
	}
	for _, tt := range tests {
		if got := escapeMrkdwn(tt.in); got != tt.want {
			t.Errorf("escapeMrkdwn(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestRunMrkdwn(t *testing.T) {
	tests := []struct {
		name string
		r    run
		want string
	}{
		{"bold keeps spaces outside", bold(" term "), " *term* "},
		{"bold per line", bold("one\n\ntwo "), "*one*\n\n*two* "},
		{"code per line", code("a\nb"), "`a`\n`b`"},
		{"bold of only space is plain", bold("  "), "  "},
		{"bold escapes", bold("a<b"), "*a&lt;b*"},
		{"code", code("x `y` & z*"), "`x ˋyˋ &amp; z*`"},
		{"link", link("A | B", "https://e.x/a b|c"), "<https://e.x/a%20b%7Cc|A | B>"},
		{"bold link", boldLink("Path", "https://e.x/#1"), "*<https://e.x/#1|Path>*"},
		{"slack user", mention("U123ABC"), "<@U123ABC>"},
		{"local user", mention("alice_b"), "@alice_b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := runMrkdwn(tt.r); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestRunsMrkdwnLimit(t *testing.T) {
	long := strings.Repeat("a&b ", 2000)
	rs := []run{bold("Title"), plain("\n"), plain(long), bold("never")}
	got := runsMrkdwn(rs, 3000)
	if n := utf8.RuneCountInString(got); n > 3000 {
		t.Fatalf("%d characters, limit 3000", n)
	}
	if !strings.HasPrefix(got, "*Title*\n") || !strings.HasSuffix(got, "…") {
		t.Errorf("cut badly: %q…%q", got[:20], got[len(got)-20:])
	}
	if strings.Contains(got, "never") {
		t.Errorf("run after the cut kept")
	}
	if i := strings.LastIndex(got, "&"); i >= 0 && !strings.HasPrefix(got[i:], "&amp;") {
		t.Errorf("entity cut in half: %q", got[i:])
	}
	// A bold run cut in the middle stays balanced.
	got = runsMrkdwn([]run{bold(strings.Repeat("x ", 100))}, 50)
	if strings.Count(got, "*") != 2 || utf8.RuneCountInString(got) > 50 {
		t.Errorf("bold cut: %q", got)
	}
}

func TestTruncateRunes(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"short", 10, "short"},
		{"exactly", 7, "exactly"},
		{"héllo wörld again", 12, "héllo wörld…"},
		{"abcdefghij", 5, "abcd…"},
		{"abc", 1, "…"},
		{"abc", 0, ""},
	}
	for _, tt := range tests {
		got := truncateRunes(tt.in, tt.n)
		if got != tt.want {
			t.Errorf("truncateRunes(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
		if utf8.RuneCountInString(got) > tt.n || !utf8.ValidString(got) {
			t.Errorf("truncateRunes(%q, %d) = %q: too long or invalid", tt.in, tt.n, got)
		}
	}
}

func TestFactRuns(t *testing.T) {
	tests := []struct {
		name string
		fact index.HitFact
		want string // runs with bold as *x*
	}{
		{"no matches", index.HitFact{Text: "plain fact"}, "plain fact"},
		{"match widened to the word", index.HitFact{Text: "Max template size: 460kB", Matches: []index.Span{{Start: 4, End: 10}}}, "Max *template* size: 460kB"},
		{"overlapping merged", index.HitFact{Text: "blue/green deploy", Matches: []index.Span{{Start: 0, End: 4}, {Start: 2, End: 10}}}, "*blue/green* deploy"},
		{"out of range ignored", index.HitFact{Text: "abc", Matches: []index.Span{{Start: 2, End: 99}, {Start: -1, End: 2}}}, "abc"},
		{"newlines collapsed", index.HitFact{Text: "a\n  b canary", Matches: []index.Span{{Start: 6, End: 12}}}, "a b *canary*"},
		{"multibyte", index.HitFact{Context: []string{"Stack", "Limits"}, Text: "size", Matches: []index.Span{{In: 2, Start: 0, End: 4}}}, "Stack › Limits › *size*"},
		{"match in the context", index.HitFact{Context: []string{"Stack limits"}, Text: "size", Matches: []index.Span{{Start: 6, End: 12}, {In: 1, Start: 0, End: 9}}}, "Stack *limits* › size"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			for _, r := range factRuns(tt.fact) {
				if r.bold {
					b.WriteString("*" + r.text + "*")
				} else {
					b.WriteString(r.text)
				}
			}
			if b.String() != tt.want {
				t.Errorf("got %q, want %q", b.String(), tt.want)
			}
		})
	}
	// A long fact is cut around its first match.
	long := strings.Repeat("filler words here ", 60) + "the needle is here " + strings.Repeat("more words ", 60)
	at := strings.Index(long, "needle")
	var b strings.Builder
	for _, r := range factRuns(index.HitFact{Text: long, Matches: []index.Span{{Start: at, End: at + 6}}}) {
		b.WriteString(r.text)
	}
	got := b.String()
	if !strings.Contains(got, "needle") || utf8.RuneCountInString(got) > maxFactRunes+2 || !strings.HasPrefix(got, "…") || !strings.HasSuffix(got, "…") {
		t.Errorf("window %q", got)
	}
}

func huge(s string, n int) string { return strings.Repeat(s, n/len(s)+1)[:n] }

// TestRenderHugeInputs feeds every renderer inputs far beyond Slack's limits
// and checks that what comes out is still valid and small enough.
func TestRenderHugeInputs(t *testing.T) {
	bigText := huge("lorem <ipsum> & *dolor* _sit_ ~amet~ `x` ", 12000)
	var facts []index.HitFact
	for i := 0; i < 50; i++ {
		facts = append(facts, index.HitFact{Text: bigText, Matches: []index.Span{{Start: 6, End: 13}, {Start: 5000, End: 5010}}})
	}
	var hits []index.Hit
	for i := 0; i < 20; i++ {
		hits = append(hits, index.Hit{Doc: huge("doc", 300), ID: huge("id/", 900), Title: bigText, Path: []string{bigText, bigText}, Facts: facts})
	}
	var opts []index.OptionScore
	var qopts []index.Option
	for i := 0; i < 50; i++ {
		key := string(rune('A' + i%26))
		var ev []index.Evidence
		for j := 0; j < 20; j++ {
			ev = append(ev, index.Evidence{ID: "x", Path: []string{bigText}, Fact: bigText, Cover: 1})
		}
		opts = append(opts, index.OptionScore{Key: key, Text: bigText, Score: float64(i), Evidence: ev})
		qopts = append(qopts, index.Option{Key: key, Text: bigText})
	}
	bigQ := quiz.Question{ID: huge("q", 3000), Stem: bigText, Options: []string{bigText, bigText, bigText, bigText, bigText},
		Correct: 2, Explanation: bigText, Source: quiz.Source{Doc: bigText, Section: bigText, Path: []string{bigText, bigText}}, Domains: []int{1, 2, 3}}
	round := quiz.Round{ID: huge("r", 3000), Question: bigQ, OpenedAt: fixedNow}
	var rows []quiz.Standing
	for i := 0; i < 1000; i++ {
		rows = append(rows, quiz.Standing{Rank: i + 1, User: fmt.Sprintf("U%06d", i), Points: 1000 - i, Answered: 100, Correct: 90, Accuracy: 0.9})
	}
	var doms []quiz.DomainStats
	for d := 1; d <= 6; d++ {
		doms = append(doms, quiz.DomainStats{Domain: d, Name: bigText, Answered: 10, Correct: d, Accuracy: float64(d) / 10})
	}
	v := view{notesURL: "https://notes.example/" + huge("p", 1500)}
	tests := []struct {
		name string
		resp Response
	}{
		{"lookup", renderLookup(bigText, hits, v)},
		{"lookup public", renderLookup(bigText, hits, view{public: true, sharedBy: "U1"})},
		{"nothing", renderNothing(bigText, []string{bigText, bigText, bigText, bigText, bigText, bigText}, v)},
		{"ask decided", renderAsk(index.Question{Text: bigText, Options: qopts}, index.Answer{Chosen: "C", Decided: true, Confidence: 0.99, Options: opts, Sections: hits}, bigText, v)},
		{"ask undecided", renderAsk(index.Question{Text: bigText, Options: qopts}, index.Answer{Options: opts, Sections: hits}, bigText, v)},
		{"practice", renderPractice(bigQ)},
		{"result daily", renderResult(quiz.Result{Question: bigQ, Choice: 1, Points: 10, Streak: 99, Answered: 5000}, true, v)},
		{"result practice", renderResult(quiz.Result{Question: bigQ, Choice: 2, Correct: true}, false, v)},
		{"daily", RenderDaily(round, 123456, 300, true)},
		{"close", RenderClose(quiz.Summary{Round: round, Answered: 5000, Correct: 4000})},
		{"leaderboard", renderLeaderboard(quiz.All, "", rows, view{})},
		{"stats", renderStats(quiz.Stats{User: "U1", Answered: 60, Correct: 21, Accuracy: 0.35, Domains: doms, Weakest: 1, ExamSet: true, DaysToExam: 3}, view{})},
		{"help", renderHelp(subcommands, true, "/devops ")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkSlackLimits(t, tt.resp)
			if n := utf8.RuneCountInString(tt.resp.slack().Text); n > maxFallback {
				t.Errorf("fallback text of %d characters", n)
			}
		})
	}
}

func TestFitBlocksKeepsButtons(t *testing.T) {
	m := &Response{Ephemeral: true}
	for i := 0; i < 80; i++ {
		m.text(plain(huge("word ", 2500)))
	}
	m.buttons(button{label: "Share in channel", actionID: ActionShare, value: "lookup|x"})
	resp := *m
	checkSlackLimits(t, resp)
	if buttonWith(resp, ActionShare) == nil {
		t.Errorf("the final buttons were dropped")
	}
	if !strings.Contains(blocksText(resp), "shortened to fit") {
		t.Errorf("no note that the reply was shortened")
	}
}

func TestRenderDailyNeverRevealsAnswer(t *testing.T) {
	round := quiz.Round{ID: "2026-11-26T09:00:00Z", Question: sampleQuestion, OpenedAt: fixedNow}
	for _, answered := range []int{0, 1, 7} {
		resp := RenderDaily(round, answered, 9, true)
		checkSlackLimits(t, resp)
		got := blocksText(resp)
		if strings.Contains(got, sampleQuestion.Explanation) || strings.Contains(got, "answer is") {
			t.Errorf("reveals the answer:\n%s", got)
		}
		bs := buttonsOf(resp)
		if len(bs) != 4 {
			t.Fatalf("%d buttons, want one per option", len(bs))
		}
		for i, b := range bs {
			if actionBase(b.ActionID) != ActionAnswerDaily || b.Value != fmt.Sprintf("%s|%d", round.ID, i) {
				t.Errorf("button %d: %s %q", i, b.ActionID, b.Value)
			}
			if b.Style != "" {
				t.Errorf("button %d styled %q: would single out an option", i, b.Style)
			}
		}
		if resp.Ephemeral {
			t.Errorf("channel message is ephemeral")
		}
	}
	if got := blocksText(RenderDaily(round, 0, 0, false)); strings.Contains(got, "exam") {
		t.Errorf("exam shown without a date:\n%s", got)
	}
	if got := blocksText(RenderDaily(round, 0, 0, true)); !strings.Contains(got, "exam day") {
		t.Errorf("exam day not shown:\n%s", got)
	}
	if got := blocksText(RenderDaily(round, 0, -3, true)); strings.Contains(got, "exam") {
		t.Errorf("past exam shown:\n%s", got)
	}
	closed := round
	closed.ClosedAt = fixedNow.Add(8 * time.Hour)
	resp := RenderDaily(closed, 5, 9, true)
	if len(buttonsOf(resp)) != 0 || !strings.Contains(resp.slack().Text, "Closed · 5 answered") {
		t.Errorf("closed round: %s", resp.slack().Text)
	}
	if resp := RenderDaily(closed, 0, 9, true); !strings.Contains(resp.slack().Text, "Closed · nobody answered") {
		t.Errorf("closed round without answers: %s", resp.slack().Text)
	}
}

func TestRenderClose(t *testing.T) {
	round := quiz.Round{ID: "r1", Question: sampleQuestion, OpenedAt: fixedNow}
	tests := []struct {
		name string
		s    quiz.Summary
		want []string
	}{
		{"answered", quiz.Summary{Round: round, Answered: 4, Correct: 1},
			[]string{"The answer: *B) cfn-hup*", "cfn-hup: a daemon", "Services › CloudFormation › Helper scripts", "4 answered · 1 got it right (25%)"}},
		{"nobody", quiz.Summary{Round: round}, []string{"Nobody answered"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := RenderClose(tt.s)
			checkSlackLimits(t, resp)
			got := blocksText(resp)
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("lacks %q:\n%s", w, got)
				}
			}
		})
	}
}

func TestRenderPlain(t *testing.T) {
	m := &Response{}
	m.header("Head")
	m.text(plain("a "), bold("b"), plain(" "), link("c", "https://x"), plain(" "), mention("U1"), plain(" "), code("d"))
	m.context(plain("ctx"))
	m.buttons(button{label: "A", actionID: ActionAnswerPractice, value: "q|0"}, button{label: "B", actionID: ActionAnswerPractice, value: "q|1"})
	if got, want := renderPlain(*m, plainStyle{}), "Head\na b c <https://x> @U1 d\nctx"; got != want {
		t.Errorf("plain:\n%q\nwant\n%q", got, want)
	}
	got := renderPlain(*m, plainStyle{colour: true, hints: true})
	for _, w := range []string{ansiBold + "Head" + ansiReset, ansiBold + "b" + ansiReset, ansiDim + "ctx" + ansiReset, "answer A-B"} {
		if !strings.Contains(got, w) {
			t.Errorf("colour rendering lacks %q: %q", w, got)
		}
	}
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test -update rewrites it):\n%s", name, got)
	}
}

func goldenResponse(t *testing.T, name string, resp Response) {
	t.Helper()
	checkSlackLimits(t, resp)
	var js bytes.Buffer
	enc := json.NewEncoder(&js)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(payload(resp)); err != nil {
		t.Fatal(err)
	}
	golden(t, name+".json", js.Bytes())
	golden(t, name+".txt", []byte(renderPlain(resp, plainStyle{hints: true})+"\n"))
}

func TestGolden(t *testing.T) {
	s := &fakeSearcher{SearchFn: func(ctx context.Context, q string, k int) ([]index.Hit, error) {
		return []index.Hit{limitsHit, canaryHit}, nil
	}}
	r := newTestRouter(s, nil, Options{NotesURL: "https://github.com/team/notes/blob/main/devops.md"})
	goldenResponse(t, "lookup", r.Command(context.Background(), Request{User: "U1", Text: "template size"}))
	round := quiz.Round{ID: "2026-11-26T09:00:00Z", Question: sampleQuestion, OpenedAt: fixedNow}
	goldenResponse(t, "daily", RenderDaily(round, 3, 9, true))
	goldenResponse(t, "close", RenderClose(quiz.Summary{Round: round, Answered: 4, Correct: 3}))
}

func TestSectionURL(t *testing.T) {
	tests := []struct{ base, doc, id, want string }{
		{"", "d", "4_2_4", ""},
		{"https://n.example/notes.md", "d", "4_2_4", "https://n.example/notes.md#4_2_4"},
		{"https://n.example/notes.md#", "d", "4_2_2_2/stack-policy", "https://n.example/notes.md#4_2_2_2"},
		{"https://n.example/notes.md", "d", "stack-policy-1", "https://n.example/notes.md#stack-policy-1"},
		{"https://n.example/{doc}.md", "devops pro", "4_2_4", "https://n.example/devops%20pro.md#4_2_4"},
		{"https://n.example/{doc}.md", "", "4_2_4", ""},
	}
	for _, tt := range tests {
		if got := sectionURL(tt.base, tt.doc, tt.id); got != tt.want {
			t.Errorf("sectionURL(%q, %q, %q) = %q, want %q", tt.base, tt.doc, tt.id, got, tt.want)
		}
	}
}

func TestLookupNestedFactsShowParentOnce(t *testing.T) {
	parent := "Can enable canary deployments for a stage"
	hit := index.Hit{ID: "4_1_2_2", Title: "Stage", Path: []string{"API Gateway", "Stage"}, Facts: []index.HitFact{
		{Text: parent, Matches: []index.Span{{Start: 11, End: 17}}},
		{Context: []string{parent}, Text: "Canary releases shift traffic", Matches: []index.Span{{Start: 11, End: 17}, {In: 1, Start: 0, End: 6}}},
		{Context: []string{parent}, Text: "Metrics are kept apart for canary requests"},
	}}
	got := renderLookup("canary", []index.Hit{hit}, view{}).slack().Text
	if n := strings.Count(got, parent); n != 1 {
		t.Errorf("parent shown %d times, want once:\n%s", n, got)
	}
	for _, want := range []string{"• " + parent, "› Canary releases shift traffic", "› Metrics are kept apart"} {
		if !strings.Contains(got, want) {
			t.Errorf("lacks %q:\n%s", want, got)
		}
	}
	// The match in the shown child keeps its bold.
	blocks := renderLookup("canary", []index.Hit{hit}, view{})
	if b := blocksText(blocks); !strings.Contains(b, "› *Canary* releases") {
		t.Errorf("child match not bold:\n%s", b)
	}
	// A fact whose parent is not on screen keeps its context.
	hit.Facts = hit.Facts[1:2]
	if got := renderLookup("canary", []index.Hit{hit}, view{}).slack().Text; !strings.Contains(got, "• "+parent+" › Canary") {
		t.Errorf("context dropped without its parent:\n%s", got)
	}
	if b := blocksText(renderLookup("canary", []index.Hit{hit}, view{})); !strings.Contains(b, "enable *canary* deployments for a stage › *Canary* releases") {
		t.Errorf("matches in the context and the text not both bold:\n%s", b)
	}
}

func TestPracticeNamesSeveralDomainsApart(t *testing.T) {
	q := sampleQuestion
	q.Domains = []int{1, 6}
	got := renderPractice(q).slack().Text
	want := "Practice question · " + quiz.DomainName(1) + " / " + quiz.DomainName(6)
	if !strings.Contains(got, want) {
		t.Errorf("header %q, want %q", strings.SplitN(got, "\n", 2)[0], want)
	}
}

func TestLookupText(t *testing.T) {
	hits := []index.Hit{limitsHit, canaryHit, limitsHit, canaryHit}
	got := LookupText("template\x07 size", hits, LookupTextOptions{Hits: 4, ShowDoc: true})
	for _, want := range []string{"Lookup: template size", "*Services › CloudFormation › Limits*", "*size*", "Section 4_2_4 in devops-engineer-professional"} {
		if !strings.Contains(got, want) {
			t.Errorf("lacks %q:\n%s", want, got)
		}
	}
	if n := strings.Count(got, "\nSection "); n != 4 {
		t.Errorf("%d sections, want 4:\n%s", n, got)
	}
	if strings.ContainsAny(got, "\x07\x1b→") || strings.Contains(got, "Share") {
		t.Errorf("control characters, hints or buttons in:\n%q", got)
	}
	if got := LookupText("template", hits, LookupTextOptions{Colour: true}); !strings.Contains(got, ansiBold) || strings.Contains(got, "*size*") {
		t.Errorf("colour: %q", got)
	}
}

func TestExamCountdown(t *testing.T) {
	round := quiz.Round{ID: "r", Question: sampleQuestion, OpenedAt: fixedNow}
	for _, tt := range []struct {
		days       int
		stats, day string // "" means no countdown at all
	}{
		{9, "9 days to the exam", "9 days to the exam"},
		{1, "1 day to the exam", "1 day to the exam"},
		{0, "Exam day: good luck!", "exam day!"},
		{-1, "", ""},
		{-300, "", ""},
	} {
		stats := renderPlain(renderStats(quiz.Stats{ExamSet: true, DaysToExam: tt.days}, view{}), plainStyle{})
		daily := renderPlain(RenderDaily(round, 0, tt.days, true), plainStyle{})
		for _, c := range []struct{ name, got, want string }{{"stats", stats, tt.stats}, {"daily", daily, tt.day}} {
			if (c.want != "" && !strings.Contains(c.got, c.want)) ||
				(c.want == "" && strings.Contains(strings.ToLower(c.got), "exam")) {
				t.Errorf("%s %d days to the exam: want %q in\n%s", c.name, tt.days, c.want, c.got)
			}
		}
	}
}
