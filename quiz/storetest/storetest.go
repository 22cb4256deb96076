// Package storetest is the conformance suite every quiz.Store must pass.
// A store's own test calls Run with a function that returns a fresh, empty
// store for each subtest.
//
// Import rules (DESIGN.md, checked by deploy's TestImportRules): it imports quiz only, never a store, index, bot or
// cmd: stores import it from their tests.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/devopsbot/devopsbot/quiz"
)

// Run runs the suite. newStore must return an empty store; it is called once
// per subtest.
func Run(t *testing.T, newStore func(t *testing.T) quiz.Store) {
	t.Helper()
	tests := []struct {
		name string
		fn   func(t *testing.T, s quiz.Store)
	}{
		{"create round is idempotent", testCreateRound},
		{"missing round is not found", testMissingRound},
		{"round message is recorded", testRoundMessage},
		{"round message is claimed once", testClaimRoundMessage},
		{"concurrent claims leave one poster", testConcurrentClaims},
		{"close states move from the state named", testCloses},
		{"close round is idempotent", testCloseRound},
		{"rounds are ordered and filtered", testRounds},
		{"first round answer counts", testAnswerRound},
		{"closed round refuses answers", testClosedRound},
		{"concurrent answers keep one per user", testConcurrentAnswers},
		{"answers are queried by user, time and kind", testAnswers},
		{"answer fields round-trip", testAnswerFields},
		{"cards are stored per user", testCards},
		{"practice answer applies once per hand-out", testAnswerPractice},
		{"flags are one per person and cleared per question", testFlags},
		{"concurrent flags by one person store one", testConcurrentFlags},
		{"quiz channels are replaced by ID and deleted once", testChannels},
		{"event IDs are first once within their ttl", testEvents},
		{"concurrent deliveries of one event are first once", testConcurrentEvents},
		{"signed requests are first once until they expire", testReplays},
		{"concurrent copies of a request are first once", testConcurrentReplays},
		{"context cancel is honoured or ignored without corruption", testCanceledContext},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.fn(t, newStore(t))
		})
	}
}

var ctx = context.Background()

var t0 = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC) // a Monday

func question(id string) quiz.Question {
	return quiz.Question{
		ID:          id,
		Stem:        "Which helper script checks for metadata updates? (" + id + ")",
		Options:     []string{"cfn-init", "cfn-hup", "cfn-signal"},
		Correct:     1,
		Explanation: "cfn-hup: Use to check for updates to metadata",
		Source:      quiz.Source{Doc: "notes", Section: "4_2_3_1", Path: []string{"Services", "CloudFormation"}},
		Domains:     []int{2},
		Kind:        "term",
	}
}

func round(id string, at time.Time) quiz.Round {
	return quiz.Round{ID: id, Question: question("q-" + id), OpenedAt: at}
}

// MustCreate creates a round or fails the test.
func MustCreate(t *testing.T, s quiz.Store, r quiz.Round) quiz.Round {
	t.Helper()
	got, created, err := s.CreateRound(ctx, r)
	if err != nil {
		t.Fatalf("CreateRound(%s): %v", r.ID, err)
	}
	if !created {
		t.Fatalf("CreateRound(%s): created = false for a new round", r.ID)
	}
	return got
}

func sameRound(t *testing.T, got, want quiz.Round) {
	t.Helper()
	if got.ID != want.ID || got.Channel != want.Channel || got.MessageTS != want.MessageTS ||
		!got.OpenedAt.Equal(want.OpenedAt) || !got.ClosedAt.Equal(want.ClosedAt) {
		t.Errorf("round = %+v, want %+v", got, want)
	}
	gq, wq := got.Question, want.Question
	if gq.ID != wq.ID || gq.Stem != wq.Stem || !slices.Equal(gq.Options, wq.Options) ||
		gq.Correct != wq.Correct || gq.Explanation != wq.Explanation || gq.Kind != wq.Kind ||
		!slices.Equal(gq.Domains, wq.Domains) || gq.Source.Doc != wq.Source.Doc ||
		gq.Source.Section != wq.Source.Section || !slices.Equal(gq.Source.Path, wq.Source.Path) {
		t.Errorf("round question = %+v, want %+v", gq, wq)
	}
}

func testCreateRound(t *testing.T, s quiz.Store) {
	r := round("slot1", t0)
	got := MustCreate(t, s, r)
	sameRound(t, got, r)

	other := r
	other.Question = question("different")
	other.OpenedAt = t0.Add(time.Hour)
	again, created, err := s.CreateRound(ctx, other)
	if err != nil {
		t.Fatal(err)
	}
	if created {
		t.Error("second CreateRound: created = true, want false")
	}
	sameRound(t, again, r)
	stored, err := s.GetRound(ctx, "slot1")
	if err != nil {
		t.Fatal(err)
	}
	sameRound(t, stored, r)
}

func testMissingRound(t *testing.T, s quiz.Store) {
	if _, err := s.GetRound(ctx, "nope"); !errors.Is(err, quiz.ErrNotFound) {
		t.Errorf("GetRound: err = %v, want ErrNotFound", err)
	}
	if err := s.SetRoundMessage(ctx, "nope", "C1", "1.2"); !errors.Is(err, quiz.ErrNotFound) {
		t.Errorf("SetRoundMessage: err = %v, want ErrNotFound", err)
	}
	if _, _, err := s.CloseRound(ctx, "nope", t0); !errors.Is(err, quiz.ErrNotFound) {
		t.Errorf("CloseRound: err = %v, want ErrNotFound", err)
	}
	if _, err := s.AnswerRound(ctx, quiz.Answer{Round: "nope", User: "U1", At: t0}); !errors.Is(err, quiz.ErrNotFound) {
		t.Errorf("AnswerRound: err = %v, want ErrNotFound", err)
	}
	if _, err := s.RoundAnswers(ctx, "nope"); !errors.Is(err, quiz.ErrNotFound) {
		t.Errorf("RoundAnswers: err = %v, want ErrNotFound", err)
	}
}

func testRoundMessage(t *testing.T, s quiz.Store) {
	r := MustCreate(t, s, round("slot1", t0))
	if err := s.SetRoundMessage(ctx, r.ID, "C123", "1700000000.000100"); err != nil {
		t.Fatal(err)
	}
	got, err := s.GetRound(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Channel != "C123" || got.MessageTS != "1700000000.000100" {
		t.Errorf("round = %+v, want channel and ts recorded", got)
	}
	sameRound(t, got, quiz.Round{ID: r.ID, Question: r.Question, OpenedAt: r.OpenedAt, Channel: "C123", MessageTS: "1700000000.000100"})
}

func testCloseRound(t *testing.T, s quiz.Store) {
	r := MustCreate(t, s, round("slot1", t0))
	closed, already, err := s.CloseRound(ctx, r.ID, t0.Add(8*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if already {
		t.Error("first close: already = true")
	}
	if !closed.ClosedAt.Equal(t0.Add(8 * time.Hour)) {
		t.Errorf("ClosedAt = %v, want %v", closed.ClosedAt, t0.Add(8*time.Hour))
	}
	again, already, err := s.CloseRound(ctx, r.ID, t0.Add(9*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if !already {
		t.Error("second close: already = false")
	}
	if !again.ClosedAt.Equal(t0.Add(8 * time.Hour)) {
		t.Errorf("second close moved ClosedAt to %v", again.ClosedAt)
	}
}

func testRounds(t *testing.T, s quiz.Store) {
	if rs, err := s.Rounds(ctx, false); err != nil || len(rs) != 0 {
		t.Fatalf("empty store: Rounds = %v, %v", rs, err)
	}
	// Created out of order; ties on OpenedAt ordered by ID.
	MustCreate(t, s, round("c", t0.Add(48*time.Hour)))
	MustCreate(t, s, round("b", t0))
	MustCreate(t, s, round("a", t0))
	MustCreate(t, s, round("d", t0.Add(24*time.Hour)))
	if _, _, err := s.CloseRound(ctx, "b", t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	all, err := s.Rounds(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(all); !slices.Equal(got, []string{"a", "b", "d", "c"}) {
		t.Errorf("Rounds(all) = %v, want [a b d c]", got)
	}
	open, err := s.Rounds(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(open); !slices.Equal(got, []string{"a", "d", "c"}) {
		t.Errorf("Rounds(open) = %v, want [a d c]", got)
	}
	infos, err := s.RoundInfos(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(infos) != len(all) {
		t.Fatalf("RoundInfos = %d, want %d", len(infos), len(all))
	}
	for i, in := range infos {
		if in.ID != all[i].ID || !in.OpenedAt.Equal(all[i].OpenedAt) || in.Open != all[i].Open() {
			t.Errorf("RoundInfos[%d] = %+v, want %s opened %v open %v", i, in, all[i].ID, all[i].OpenedAt, all[i].Open())
		}
	}
}

func ids(rs []quiz.Round) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.ID)
	}
	return out
}

func answer(roundID, user string, choice int, at time.Time) quiz.Answer {
	return quiz.Answer{Round: roundID, User: user, Question: "q-" + roundID, Choice: choice,
		Correct: choice == 1, Points: map[bool]int{true: 10}[choice == 1], At: at,
		Doc: "notes", Section: "4_2_3_1", Domains: []int{2}}
}

func testAnswerRound(t *testing.T, s quiz.Store) {
	r := MustCreate(t, s, round("slot1", t0))
	first, err := s.AnswerRound(ctx, answer(r.ID, "U1", 1, t0.Add(time.Minute)))
	if err != nil {
		t.Fatal(err)
	}
	if first.Already || first.Closed || first.Count != 1 || first.Answer.Choice != 1 {
		t.Errorf("first answer = %+v, want counted with count 1", first)
	}
	repeat, err := s.AnswerRound(ctx, answer(r.ID, "U1", 2, t0.Add(2*time.Minute)))
	if err != nil {
		t.Fatal(err)
	}
	if !repeat.Already || repeat.Answer.Choice != 1 || !repeat.Answer.Correct || repeat.Count != 1 {
		t.Errorf("repeat = %+v, want Already with the first choice 1 and count 1", repeat)
	}
	second, err := s.AnswerRound(ctx, answer(r.ID, "U2", 0, t0.Add(3*time.Minute)))
	if err != nil {
		t.Fatal(err)
	}
	if second.Already || second.Count != 2 {
		t.Errorf("second user = %+v, want counted with count 2", second)
	}
	list, err := s.RoundAnswers(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].User != "U1" || list[1].User != "U2" || list[0].Choice != 1 {
		t.Errorf("RoundAnswers = %+v, want U1 (choice 1) then U2", list)
	}
	all, err := s.Answers(ctx, quiz.AnswerQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 {
		t.Errorf("Answers = %d, want 2 (the repeat is not stored)", len(all))
	}
}

func testClosedRound(t *testing.T, s quiz.Store) {
	r := MustCreate(t, s, round("slot1", t0))
	if _, err := s.AnswerRound(ctx, answer(r.ID, "U1", 1, t0.Add(time.Minute))); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.CloseRound(ctx, r.ID, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	late, err := s.AnswerRound(ctx, answer(r.ID, "U2", 1, t0.Add(2*time.Hour)))
	if err != nil {
		t.Fatal(err)
	}
	if !late.Closed || late.Already || late.Count != 1 {
		t.Errorf("late answer = %+v, want Closed with count 1", late)
	}
	// Someone who answered before the close still gets "already answered".
	repeat, err := s.AnswerRound(ctx, answer(r.ID, "U1", 0, t0.Add(2*time.Hour)))
	if err != nil {
		t.Fatal(err)
	}
	if !repeat.Already || repeat.Answer.Choice != 1 {
		t.Errorf("repeat after close = %+v, want Already with choice 1", repeat)
	}
	list, err := s.RoundAnswers(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 {
		t.Errorf("RoundAnswers = %d, want 1", len(list))
	}
}

func testConcurrentAnswers(t *testing.T, s quiz.Store) {
	r := MustCreate(t, s, round("slot1", t0))
	const users, clicks = 8, 4
	var wg sync.WaitGroup
	var mu sync.Mutex
	counted := map[string]int{}
	errs := make(chan error, users*clicks)
	for u := range users {
		for c := range clicks {
			wg.Go(func() {
				user := fmt.Sprintf("U%d", u)
				res, err := s.AnswerRound(ctx, answer(r.ID, user, c%3, t0.Add(time.Duration(c)*time.Second)))
				if err != nil {
					errs <- err
					return
				}
				if !res.Already && !res.Closed {
					mu.Lock()
					counted[user]++
					mu.Unlock()
				}
			})
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	for u := range users {
		if n := counted[fmt.Sprintf("U%d", u)]; n != 1 {
			t.Errorf("user U%d counted %d times, want 1", u, n)
		}
	}
	list, err := s.RoundAnswers(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != users {
		t.Errorf("RoundAnswers = %d, want %d", len(list), users)
	}
}

func testAnswers(t *testing.T, s quiz.Store) {
	for d := range 5 {
		id := fmt.Sprintf("day%d", d)
		at := t0.Add(time.Duration(d) * 24 * time.Hour)
		MustCreate(t, s, round(id, at))
		for _, u := range []string{"U1", "U2"} {
			if _, err := s.AnswerRound(ctx, answer(id, u, d%2, at.Add(time.Minute))); err != nil {
				t.Fatal(err)
			}
		}
	}
	p := quiz.Answer{User: "U1", Question: "q-practice", Choice: 1, Correct: true, At: t0.Add(30 * time.Minute), Domains: []int{3}}
	if ok, err := s.AnswerPractice(ctx, p, quiz.Card{User: "U1", Question: "q-practice", Box: 2, Due: t0.Add(24 * time.Hour)}); err != nil || !ok {
		t.Fatalf("AnswerPractice = %v, %v", ok, err)
	}
	tests := []struct {
		name string
		q    quiz.AnswerQuery
		want int
	}{
		{"all", quiz.AnswerQuery{}, 11},
		{"one user", quiz.AnswerQuery{User: "U1"}, 6},
		{"rounds only", quiz.AnswerQuery{Kind: quiz.RoundAnswers}, 10},
		{"practice only", quiz.AnswerQuery{Kind: quiz.PracticeAnswers}, 1},
		{"since day 2", quiz.AnswerQuery{Since: t0.Add(48 * time.Hour)}, 6},
		{"until day 2", quiz.AnswerQuery{Until: t0.Add(48 * time.Hour)}, 5},
		{"window, one user, rounds", quiz.AnswerQuery{User: "U2", Since: t0.Add(24 * time.Hour), Until: t0.Add(72 * time.Hour), Kind: quiz.RoundAnswers}, 2},
		{"unknown user", quiz.AnswerQuery{User: "nobody"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.Answers(ctx, tt.q)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != tt.want {
				t.Errorf("Answers(%+v) = %d answers, want %d", tt.q, len(got), tt.want)
			}
			for i := 1; i < len(got); i++ {
				if got[i].At.Before(got[i-1].At) {
					t.Errorf("answers out of time order at %d", i)
				}
			}
			for _, a := range got {
				if !tt.q.Match(a) {
					t.Errorf("answer %+v does not match %+v", a, tt.q)
				}
			}
			var each []quiz.Answer
			err = s.EachAnswer(ctx, tt.q, func(a quiz.Answer) error {
				a.Domains = slices.Clone(a.Domains)
				each = append(each, a)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(each) != len(got) {
				t.Fatalf("EachAnswer = %d answers, Answers = %d", len(each), len(got))
			}
			for i := range each {
				if each[i].User != got[i].User || each[i].Round != got[i].Round || !each[i].At.Equal(got[i].At) ||
					!slices.Equal(each[i].Domains, got[i].Domains) {
					t.Errorf("EachAnswer[%d] = %+v, Answers[%d] = %+v", i, each[i], i, got[i])
				}
			}
		})
	}
	stop := errors.New("stop")
	n := 0
	err := s.EachAnswer(ctx, quiz.AnswerQuery{}, func(quiz.Answer) error {
		n++
		if n == 3 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || n != 3 {
		t.Errorf("EachAnswer with fn failing at 3: err %v after %d calls, want stop after 3", err, n)
	}
}

func testAnswerFields(t *testing.T, s quiz.Store) {
	MustCreate(t, s, round("slot1", t0))
	want := quiz.Answer{Round: "slot1", User: "U0ABC", Question: "q-123", Choice: 3, Correct: true,
		Points: 10, At: time.Date(2026, 11, 23, 9, 1, 2, 345678900, time.UTC),
		Doc: "devops-engineer-professional", Section: "4_2_2_2/stack-policy", Domains: []int{2, 4}}
	if _, err := s.AnswerRound(ctx, want); err != nil {
		t.Fatal(err)
	}
	got, err := s.Answers(ctx, quiz.AnswerQuery{User: "U0ABC"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 {
		t.Fatalf("Answers = %d, want 1", len(got))
	}
	g := got[0]
	if g.Round != want.Round || g.User != want.User || g.Question != want.Question || g.Choice != want.Choice ||
		g.Correct != want.Correct || g.Points != want.Points || !g.At.Equal(want.At) || g.Doc != want.Doc ||
		g.Section != want.Section || !slices.Equal(g.Domains, want.Domains) {
		t.Errorf("answer = %+v, want %+v", g, want)
	}
}

func testCards(t *testing.T, s quiz.Store) {
	if _, ok, err := s.Card(ctx, "U1", "q1"); err != nil || ok {
		t.Fatalf("Card on empty store = %v, %v", ok, err)
	}
	c := quiz.Card{User: "U1", Question: "q1", Box: 3, Due: t0.Add(72 * time.Hour), Pending: true, Seen: 4, Right: 3,
		LastChoice: 2, LastCorrect: true, LastAt: t0}
	if err := s.PutCard(ctx, c); err != nil {
		t.Fatal(err)
	}
	if err := s.PutCard(ctx, quiz.Card{User: "U1", Question: "q2", Box: 1, Due: t0}); err != nil {
		t.Fatal(err)
	}
	if err := s.PutCard(ctx, quiz.Card{User: "U2", Question: "q1", Box: 5, Due: t0}); err != nil {
		t.Fatal(err)
	}
	got, ok, err := s.Card(ctx, "U1", "q1")
	if err != nil || !ok {
		t.Fatalf("Card = %v, %v", ok, err)
	}
	if got.Box != 3 || !got.Due.Equal(c.Due) || !got.Pending || got.Seen != 4 || got.Right != 3 ||
		got.LastChoice != 2 || !got.LastCorrect || !got.LastAt.Equal(t0) {
		t.Errorf("Card = %+v, want %+v", got, c)
	}
	c.Box = 4
	if err := s.PutCard(ctx, c); err != nil {
		t.Fatal(err)
	}
	cards, err := s.Cards(ctx, "U1")
	if err != nil {
		t.Fatal(err)
	}
	if len(cards) != 2 {
		t.Fatalf("Cards(U1) = %d, want 2", len(cards))
	}
	for _, c := range cards {
		if c.User != "U1" {
			t.Errorf("Cards(U1) returned %+v", c)
		}
		if c.Question == "q1" && c.Box != 4 {
			t.Errorf("replaced card has box %d, want 4", c.Box)
		}
	}
	if cards, _ := s.Cards(ctx, "U3"); len(cards) != 0 {
		t.Errorf("Cards(U3) = %v, want none", cards)
	}
}

func testAnswerPractice(t *testing.T, s quiz.Store) {
	a := quiz.Answer{User: "U1", Question: "q1", Choice: 0, At: t0}
	next := quiz.Card{User: "U1", Question: "q1", Box: 1, Due: t0.Add(10 * time.Minute), Seen: 1}
	// Absent card: applies.
	if ok, err := s.AnswerPractice(ctx, a, next); err != nil || !ok {
		t.Fatalf("first AnswerPractice = %v, %v, want true", ok, err)
	}
	// Answered and not handed out again: refused.
	if ok, err := s.AnswerPractice(ctx, a, quiz.Card{User: "U1", Question: "q1", Box: 2}); err != nil || ok {
		t.Fatalf("repeat AnswerPractice = %v, %v, want false", ok, err)
	}
	if c, _, _ := s.Card(ctx, "U1", "q1"); c.Box != 1 {
		t.Errorf("refused answer changed the card: %+v", c)
	}
	// Handed out again: applies once.
	next.Pending = true
	if err := s.PutCard(ctx, next); err != nil {
		t.Fatal(err)
	}
	right := quiz.Card{User: "U1", Question: "q1", Box: 2, Due: t0.Add(24 * time.Hour), Seen: 2, Right: 1}
	if ok, err := s.AnswerPractice(ctx, quiz.Answer{User: "U1", Question: "q1", Choice: 1, Correct: true, At: t0.Add(time.Hour)}, right); err != nil || !ok {
		t.Fatalf("AnswerPractice on pending card = %v, %v, want true", ok, err)
	}
	if c, _, _ := s.Card(ctx, "U1", "q1"); c.Box != 2 || c.Pending {
		t.Errorf("card after answer = %+v, want box 2, not pending", c)
	}
	got, err := s.Answers(ctx, quiz.AnswerQuery{User: "U1", Kind: quiz.PracticeAnswers})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Round != "" || !got[1].Correct {
		t.Errorf("practice answers = %+v, want two, the second correct", got)
	}
}

func testCanceledContext(t *testing.T, s quiz.Store) {
	c, cancel := context.WithCancel(ctx)
	cancel()
	// A store may refuse work on a canceled context; it must not half-apply it.
	_, _, err := s.CreateRound(c, round("slot1", t0))
	rs, err2 := s.Rounds(ctx, false)
	if err2 != nil {
		t.Fatal(err2)
	}
	if err != nil && len(rs) != 0 {
		t.Errorf("CreateRound failed (%v) but the round was stored", err)
	}
	if err == nil && len(rs) != 1 {
		t.Errorf("CreateRound succeeded but Rounds = %d", len(rs))
	}
}
