package index

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/devopsbot/devopsbot/notes"
)

// TestEnsembleSweep prints, per eval file with options, how many questions
// the fact-vote scorer alone, the hypothesis scorer alone and their rank
// ensemble (what Ask uses) get right, while the hypothesis scorer's
// parameters vary over a small grid. It only measures:
//
//	DEVOPSBOT_ENSEMBLE=1 go test ./index -run EnsembleSweep -v
func TestEnsembleSweep(t *testing.T) {
	if os.Getenv("DEVOPSBOT_ENSEMBLE") == "" {
		t.Skip("set DEVOPSBOT_ENSEMBLE=1 to print the sweep")
	}
	ix := mustDefault(t)
	ctx := context.Background()
	fx := ix.factIndex()
	base := defaultAskParams
	defer func() { defaultAskParams = base }()
	run := func(name string, p askParams) {
		s := ""
		var rc, rh, re, n, agree, agreeRight int
		for _, f := range evalSets {
			var c, h, e, m int
			for _, it := range mustLoadEval(t, f) {
				if len(it.Options) == 0 {
					continue
				}
				opts := sortedOptions(it.Options)
				hits, err := ix.Search(ctx, it.Query, askSearchK)
				if err != nil {
					t.Fatal(err)
				}
				rel := sectionRelevance(hits)
				sup := fx.scoreOptions(fx.termSet(it.Query), opts, fx.optionTermSets(opts), rel, nil, p)
				hyp := fx.scoreHypotheses(fx.termSet(it.Query), opts, fx.optionTermSets(opts), rel, p)
				en := ensemble(sup, hyp)
				bc, bh := 0, 0
				for i := range opts {
					if sup[i].score > sup[bc].score {
						bc = i
					}
					if hyp[i] > hyp[bh] {
						bh = i
					}
				}
				m++
				right := func(i int) int {
					if opts[i].Key == it.Correct {
						return 1
					}
					return 0
				}
				c += right(bc)
				h += right(bh)
				e += right(en.best)
				if bc == bh {
					agree++
					agreeRight += right(bc)
				}
			}
			if m > 0 {
				s += fmt.Sprintf(" %s %d/%d/%d of %d;", f[len("testdata/"):], c, h, e, m)
				rc, rh, re, n = rc+c, rh+h, re+e, n+m
			}
		}
		fmt.Printf("%-34s votes %d hyp %d ensemble %d of %d (agree %d, %d right) |%s\n", name, rc, rh, re, n, agree, agreeRight, s)
	}
	run("default", base)
	for _, temp := range []float64{0.01, 0.02, 0.05} {
		for _, opt := range []float64{0.25, 0.5, 1} {
			for _, sec := range []float64{0, 0.5, 1} {
				p := base
				p.hypTemp, p.hypOption, p.hypSection = temp, opt, sec
				run(fmt.Sprintf("temp=%g option=%g section=%g", temp, opt, sec), p)
			}
		}
	}
}

func TestEnsemble(t *testing.T) {
	tests := []struct {
		name string
		sup  []optionSupport
		hyp  []float64
		best int
	}{
		{"both agree", sup(1, 3, 0.5, 0.2), []float64{0.2, 0.9, 0.1, 0.3}, 1},
		{"hypotheses rank the votes' choice last: the runner-up wins", sup(2.5, 3, 0.5, 0.2), []float64{0.9, 0.1, 0.5, 0.3}, 0},
		{"the hypotheses prefer another option: the votes' choice stays", sup(1, 3, 0.5, 0.2), []float64{0.2, 0.5, 0.1, 0.9}, 1},
		{"a tie in rank votes goes to the fact votes", sup(3, 2, 1, 0), []float64{0.5, 0.9, 0.1, 0}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := ensemble(tt.sup, tt.hyp)
			if r.best != tt.best {
				t.Errorf("best %d, want %d", r.best, tt.best)
			}
			for i, s := range r.score {
				if s > r.score[r.best] {
					t.Errorf("option %d scores %v above the chosen %v", i, s, r.score[r.best])
				}
			}
		})
	}
}

// sup makes fact-vote results with the given scores.
func sup(s ...float64) []optionSupport {
	out := make([]optionSupport, len(s))
	for i, v := range s {
		out[i].score = v
	}
	return out
}

// TestSignals checks that disagreement between the scorers and a small
// lead show as doubt.
func TestSignals(t *testing.T) {
	fx := mustDefault(t).factIndex()
	opts := []Option{{"A", "a"}, {"B", "b"}, {"C", "c"}, {"D", "d"}}
	sig := func(s []optionSupport, hyp []float64) askSignals {
		en := ensemble(s, hyp)
		return fx.signals(fx.termSet("scaling"), opts, fx.optionTermSets(opts), s, hyp, en, choose(en.score, 1, false), nil)
	}
	agree := sig(sup(1, 3, 0.5, 0.2), []float64{0.2, 0.9, 0.1, 0.3})
	against := sig(sup(1, 3, 0.5, 0.2), []float64{0.2, 0.5, 0.1, 0.9})
	close := sig(sup(2.9, 3, 0.5, 0.2), []float64{0.2, 0.9, 0.1, 0.3})
	if !agree.agree || against.agree || agree.margin <= close.margin {
		t.Errorf("agree %+v, against %+v, close %+v", agree, against, close)
	}
	if against.confidence() >= agree.confidence() || close.confidence() >= agree.confidence() {
		t.Errorf("confidence agree %v, against %v, close %v", agree.confidence(), against.confidence(), close.confidence())
	}
	if !agree.notes {
		t.Errorf("the notes' own first choice: notes %v, want true", agree.notes)
	}
	s, hyp := sup(1, 3, 0.5, 0.2), []float64{0.2, 0.9, 0.1, 0.3}
	en := ensemble(s, hyp)
	moved := fx.signals(fx.termSet("scaling"), opts, fx.optionTermSets(opts), s, hyp, en, choose([]float64{0, 0, 0, 1}, 1, false), nil)
	if moved.notes || moved.notesDecide() {
		t.Errorf("exam technique chose over the notes: notes %v, decide %v; want false", moved.notes, moved.notesDecide())
	}
	two := choose(ensemble(sup(1, 3, 0.5, 2), []float64{0.2, 0.9, 0.1, 0.8}).score, 2, false)
	if !slices.Equal(two.chosen, []int{1, 3}) || two.best != 1 || two.runner != 0 {
		t.Errorf("choose two: %+v, want [1 3], best 1, runner-up 0", two)
	}
	least := choose(ensemble(sup(1, 3, 0.5, 2), []float64{0.2, 0.9, 0.1, 0.8}).score, 1, true)
	if !slices.Equal(least.chosen, []int{2}) {
		t.Errorf("inverted: %+v, want the least supported option 2", least)
	}
}

func TestScoreHypotheses(t *testing.T) {
	ix := mustDefault(t)
	fx := ix.factIndex()
	ctx := context.Background()
	scenario := "An ECS cluster must run exactly one copy of a monitoring agent container on every container instance."
	opts := []Option{{"A", "A service of the Daemon type"}, {"B", "A service of the Replica type"}, {"C", "A task with static host port mapping"}, {"D", "A Kinesis data stream"}}
	hits, err := ix.Search(ctx, scenario, askSearchK)
	if err != nil {
		t.Fatal(err)
	}
	s := fx.scoreHypotheses(fx.termSet(scenario), opts, fx.optionTermSets(opts), sectionRelevance(hits), defaultAskParams)
	for i := 1; i < len(s); i++ {
		if s[0] <= s[i] {
			t.Errorf("daemon option %.3f not above option %s %.3f", s[0], opts[i].Key, s[i])
		}
	}
	// Options that share every word tell nothing apart.
	dd := []Option{{"A", "Daemon"}, {"B", "Daemon"}}
	same := fx.scoreHypotheses(fx.termSet(scenario), dd, fx.optionTermSets(dd), nil, defaultAskParams)
	if same[0] != same[1] {
		t.Errorf("identical options score %v", same)
	}
	// An option that restates the scenario's cause in its own words is
	// still stated by the fact that holds those words.
	cause := "Launches fail: the launch configuration of the group uses an instance-store AMI and maps an EBS block device."
	rs := []Option{{"A", "An EBS block device mapped to an instance-store AMI"}, {"B", "A service of the Replica type"}}
	got := fx.scoreHypotheses(fx.termSet(cause), rs, fx.optionTermSets(rs), nil, defaultAskParams)
	if got[0] <= got[1] {
		t.Errorf("the option made of the scenario's words scores %.3f, the unrelated one %.3f", got[0], got[1])
	}
}

// FuzzAsk answers arbitrary pasted text: never a panic, a finite
// confidence in [0, 1], a chosen key among the options, and JSON that
// encodes (NaN would not).
//
//	go test ./index -run '^$' -fuzz FuzzAsk -fuzztime 60s
func FuzzAsk(f *testing.F) {
	for _, s := range []string{
		"Which service records API calls? A) CloudTrail B) Config C) X-Ray D) Kinesis",
		"A) zzzz B) qqqq",
		"Quel service ? A) un seau B) un disque",
		"ECS daemon? A) Daemon B) Daemon",
		"lambda A) 1 B) 2 C) 3 D) 4 E) 5 F) 6",
		"\xff A) \xfe B) x",
	} {
		f.Add(s)
	}
	ix := mustDefault(f)
	f.Fuzz(func(t *testing.T, s string) {
		q, err := ParseQuestion(s)
		if err != nil {
			return
		}
		ans, err := ix.Ask(context.Background(), q)
		if err != nil {
			return
		}
		if math.IsNaN(ans.Confidence) || ans.Confidence < 0 || ans.Confidence > 1 {
			t.Fatalf("confidence %v", ans.Confidence)
		}
		if ans.Chosen != "" && !slices.ContainsFunc(q.Options, func(o Option) bool { return o.Key == ans.Chosen }) {
			t.Fatalf("chosen %q not an option of %+v", ans.Chosen, q.Options)
		}
		if _, err := json.Marshal(ans); err != nil {
			t.Fatalf("JSON: %v", err)
		}
	})
}

// TestDeciderCover checks the share of an option's distinctive words that
// its deciding fact holds.
func TestDeciderCover(t *testing.T) {
	fx, opts, ot, fact := ecsServiceFacts(t)
	n := float64(len(opts))
	if got, _ := fx.deciderCover(optionSupport{score: 1, evidence: fact("daemon")}, ot.sorted[0], n, ot.count); got != 1 {
		t.Errorf("the fact naming the option's own word: cover %v, want 1", got)
	}
	if got, _ := fx.deciderCover(optionSupport{score: 1, evidence: fact("replica")}, ot.sorted[0], n, ot.count); got != 0 {
		t.Errorf("a fact about another option: cover %v, want 0", got)
	}
	if got, _ := fx.deciderCover(optionSupport{}, ot.sorted[2], n, ot.count); got != 0 {
		t.Errorf("no evidence: cover %v, want 0", got)
	}
}

// TestDeciderCoverLongOption checks that a long option, as real exams
// write them, is measured against at most askCoverWeight of its
// distinctive weight for deciding: the fact that names its point decides
// it although the option's steps and details make up most of its words;
// and against all of it without a limit.
func TestDeciderCoverLongOption(t *testing.T) {
	fx := mustDefault(t).factIndex()
	opts := []Option{
		{"A", "Put a database proxy in front of the DB instance so that it keeps a pool of connections for the functions, keep the credentials in Secrets Manager, and point each function's connection string at the proxy's endpoint instead of the instance."},
		{"B", "Raise the instance class to a larger size so that max_connections rises, and enable Multi-AZ so that a standby instance takes over when the primary is overloaded."},
	}
	ot := fx.optionTermSets(opts)
	n := float64(len(opts))
	var ev []scoredFact
	for i, f := range fx.facts {
		if strings.Contains(f.text, "A database proxy manages a pool of database connections") {
			ev = []scoredFact{{fact: int32(i), score: 1}}
		}
	}
	if ev == nil {
		t.Fatal("the notes lack the database proxy fact")
	}
	total, held := 0.0, 0.0
	for term := range ot.terms[0] {
		if fx.frame[term] || isNumber(term) {
			continue
		}
		w := fx.weight(term) * distinctiveness(n, ot.count[term])
		total += w
		if slices.Contains(fx.post[term], ev[0].fact) {
			held += w
		}
	}
	if total <= askCoverWeight || held == 0 || held >= askCoverWeight {
		t.Fatalf("the option should be long (weight %.1f, want more than %d) and its fact hold some of it (%.1f)", total, askCoverWeight, held)
	}
	got, whole := fx.deciderCover(optionSupport{score: 1, evidence: ev}, ot.sorted[0], n, ot.count)
	if want := held / askCoverWeight; math.Abs(got-want) > 1e-9 {
		t.Errorf("cover %.3f, want %.3f (the held weight over askCoverWeight, not over the option's %.1f)", got, want, total)
	}
	// Over the whole option (whether a fact backs it, for coverage) the
	// share stays what the fact holds of all of it.
	if math.Abs(whole-held/total) > 1e-9 {
		t.Errorf("cover of the whole option %.3f, want %.3f", whole, held/total)
	}
}

// TestHoldersPathOnly checks that a fact holding a term only through its
// section path earns pathShare of it, and one naming it earns all of it.
func TestHoldersPathOnly(t *testing.T) {
	d := mustParse(t, "ecs", "# Elastic Container Service\n\n- The service scheduler keeps the desired count of tasks\n- Container Insights sends per-container metrics\n")
	fx := newFactIndex([]*notes.Document{d}, nil)
	got := map[string]float64{}
	fx.holders(analyze("service")[0].term, 0.25, func(id int32, share float64) { got[fx.facts[id].text] = share })
	want := map[string]float64{
		"The service scheduler keeps the desired count of tasks": 1,
		"Container Insights sends per-container metrics":         0.25,
	}
	if !maps.Equal(got, want) {
		t.Errorf("holders of \"service\": %v, want %v", got, want)
	}
	// In the option scorer, the fact that names the option's word gives
	// it more support than a fact that only sits under it.
	opts := []Option{{"A", "the service"}, {"B", "per-container metrics"}}
	ot := fx.optionTermSets(opts)
	p := defaultAskParams
	p.optPath = 0.25
	om := fx.optionMatches(ot, map[string]float64{}, p)
	nf := len(fx.facts)
	if own, path := om.match[0*nf+0], om.match[0*nf+1]; !(own > 0 && path > 0 && path < own) {
		t.Errorf("option A's match: naming fact %v, path-only fact %v; want the path-only one lower, above 0", own, path)
	}
}

// ecsServiceFacts is a fact index over two ECS service facts, three options
// naming service kinds (the third one the notes lack), their term sets, and
// fact, which returns the fact holding text as deciding evidence.
func ecsServiceFacts(t *testing.T) (*factIndex, []Option, optionTermSets, func(text string) []scoredFact) {
	t.Helper()
	d := mustParse(t, "ecs", "# ECS\n\n- A daemon service runs one task on every container instance\n- A replica service keeps a count of tasks\n")
	fx := newFactIndex([]*notes.Document{d}, nil)
	opts := []Option{{"A", "daemon service"}, {"B", "replica service"}, {"C", "sidecar service"}}
	ot := fx.optionTermSets(opts)
	fact := func(text string) []scoredFact {
		for i, f := range fx.facts {
			if strings.Contains(f.text, text) {
				return []scoredFact{{fact: int32(i), score: 1}}
			}
		}
		t.Fatalf("no fact %q", text)
		return nil
	}
	return fx, opts, ot, fact
}
