package index

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
)

// This file scores search and exam answering against an eval file in the
// format of shared/eval/dev.jsonl, with the rules of its README: a section ID
// without an anchor of its own ("4_2_2_2/stack-policy") counts as its
// anchored ancestor (the part before the first "/"), each anchor counts once
// at its first position, Hit@k and MRR over the first ten results. The
// results of an exam item that Ask answered are the sections in the order
// its reply shows them (Answer.Reply), then its search: its Hit@1 says
// whether the first section a reader meets is the deciding one.

// ErrEvalFile is returned for an eval file that cannot be read.
var ErrEvalFile = errors.New("index: bad eval file")

// EvalRanked is how many distinct results an eval item is scored on.
const EvalRanked = 10

// EvalItem is one line of an eval file.
type EvalItem struct {
	ID         string            `json:"id"`
	Kind       string            `json:"kind"` // "lookup" or "exam"
	Query      string            `json:"query"`
	Anchors    []string          `json:"anchors"`
	AnswerHint string            `json:"answer_hint,omitempty"`
	Options    map[string]string `json:"options,omitempty"`
	Correct    string            `json:"correct,omitempty"` // one letter, or several in key order ("BD") for "Choose two"
	Why        string            `json:"why,omitempty"`
	// Covered says whether the notes decide the question (exam_style.jsonl);
	// nil when the file does not say.
	Covered *bool `json:"covered,omitempty"`
}

// ReadEval reads an eval file: one JSON object per line, blank lines
// skipped. Every item needs an id, a kind and a query.
func ReadEval(r io.Reader) ([]EvalItem, error) {
	var items []EvalItem
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 4<<20)
	line := 0
	ids := map[string]bool{}
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" {
			continue
		}
		var it EvalItem
		if err := json.Unmarshal([]byte(text), &it); err != nil {
			return nil, fmt.Errorf("read eval line %d: %w: %w", line, ErrEvalFile, err)
		}
		switch {
		case it.ID == "":
			return nil, fmt.Errorf("read eval line %d: no id: %w", line, ErrEvalFile)
		case ids[it.ID]:
			return nil, fmt.Errorf("read eval line %d: id %s repeated: %w", line, it.ID, ErrEvalFile)
		case it.Kind == "":
			return nil, fmt.Errorf("read eval line %d (%s): no kind: %w", line, it.ID, ErrEvalFile)
		case strings.TrimSpace(it.Query) == "":
			return nil, fmt.Errorf("read eval line %d (%s): no query: %w", line, it.ID, ErrEvalFile)
		}
		ids[it.ID] = true
		items = append(items, it)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read eval line %d: %w", line+1, err)
	}
	if len(items) == 0 {
		return nil, fmt.Errorf("read eval: no items: %w", ErrEvalFile)
	}
	return items, nil
}

// AnchorOf returns the anchor a section ID counts as: the part before the
// first "/".
func AnchorOf(id string) string {
	if i := strings.IndexByte(id, '/'); i >= 0 {
		return id[:i]
	}
	return id
}

// EvalResult is one scored item.
type EvalResult struct {
	Item       EvalItem `json:"-"`
	Ranked     []string `json:"ranked"`           // section IDs, one per anchor, best first
	Rank       int      `json:"rank"`             // 1-based rank of the first expected anchor; 0 if none in Ranked
	Chosen     string   `json:"chosen,omitempty"` // exam items: the options Ask chose ("BD")
	Decided    bool     `json:"decided"`          // Ask committed to Chosen
	Confidence float64  `json:"confidence"`
	Right      bool     `json:"right"`           // Chosen is exactly the set in Item.Correct
	Err        string   `json:"error,omitempty"` // why the item could not be run
}

// EvalKind sums up the items of one kind.
type EvalKind struct {
	Items    int     `json:"items"`
	Hit1     float64 `json:"hit@1"`
	Hit3     float64 `json:"hit@3"`
	MRR      float64 `json:"mrr"`
	WithOpts int     `json:"with_options,omitempty"` // items with options
	Answered int     `json:"answered,omitempty"`     // items Ask chose an option for
	Correct  int     `json:"correct,omitempty"`
	// Accuracy is the share of items with options whose chosen option is
	// right (unanswered items count as wrong); AnsweredAccuracy the share
	// among answered ones.
	Accuracy         *float64 `json:"accuracy,omitempty"`
	AnsweredAccuracy *float64 `json:"answered_accuracy,omitempty"`

	// Decided answers and how many of them are right; DecidedAccuracy is
	// the share right among them, DecidedShare their share of the items
	// with options.
	Decided         int      `json:"decided,omitempty"`
	DecidedCorrect  int      `json:"decided_correct,omitempty"`
	DecidedAccuracy *float64 `json:"accuracy_decided,omitempty"`
	DecidedShare    *float64 `json:"share_decided,omitempty"`
	// "Choose k" items (Correct with several letters) and how many were
	// answered with exactly that set.
	ChooseK      int      `json:"choose_k,omitempty"`
	ChooseKRight int      `json:"choose_k_right,omitempty"`
	ChooseKExact *float64 `json:"choose_k_exact,omitempty"`
	// Items marked covered: false, and how many of them Ask declined (did
	// not decide); items marked covered: true, and how many were right.
	NotCovered      int      `json:"not_covered,omitempty"`
	Declined        int      `json:"declined,omitempty"`
	CoveredItems    int      `json:"covered_items,omitempty"`
	CoveredCorrect  int      `json:"covered_correct,omitempty"`
	CoveredAccuracy *float64 `json:"accuracy_covered,omitempty"`
}

// EvalReport is the outcome of Evaluate.
type EvalReport struct {
	Results []EvalResult
	Kinds   map[string]*EvalKind // by item kind
}

// Asker answers exam questions; *Index is one. Evaluate takes it separately
// so a test can score search without answering.
type Asker interface {
	Ask(ctx context.Context, q Question) (Answer, error)
}

// tally counts one item of kind found at rank (0: not found) into the
// kind's sums of Hit@1, Hit@3 and reciprocal rank, and returns the kind.
func (rep *EvalReport) tally(kind string, rank int) *EvalKind {
	k := rep.Kinds[kind]
	if k == nil {
		k = &EvalKind{}
		rep.Kinds[kind] = k
	}
	k.Items++
	if rank == 1 {
		k.Hit1++
	}
	if rank >= 1 && rank <= 3 {
		k.Hit3++
	}
	if rank > 0 {
		k.MRR += 1 / float64(rank)
	}
	return k
}

// Evaluate runs every item: the query through Search (scenario text alone
// for exam items), and items with options through ask when it is not nil.
// An item is ranked by its search, except an item that ask answered: it is
// ranked in the order the answer's reply shows sections (Answer.Reply:
// the quoted facts' sections, then its sources), then by its search, so
// that an exam item's Hit@1 is whether the first section a reader meets is
// the deciding one. An item whose search fails is scored as a miss and
// carries the error.
func (ix *Index) Evaluate(ctx context.Context, items []EvalItem, ask Asker) (*EvalReport, error) {
	rep := &EvalReport{Kinds: map[string]*EvalKind{}}
	for _, it := range items {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("evaluate: %w", err)
		}
		r := EvalResult{Item: it, Ranked: []string{}}
		hits, err := ix.Search(ctx, it.Query, 2*EvalRanked)
		if err != nil {
			r.Err = err.Error()
		}
		if len(it.Options) > 0 && ask != nil {
			shown := answerItem(ctx, ask, &r)
			hits = append(shown, hits...)
		}
		r.Ranked = ix.rankAnchors(hits)
		r.Rank = FirstRank(r.Ranked, it.Anchors)
		k := rep.tally(it.Kind, r.Rank)
		if len(it.Options) > 0 {
			k.WithOpts++
			if ask != nil {
				k.count(r)
			}
		}
		rep.Results = append(rep.Results, r)
	}
	for _, k := range rep.Kinds {
		k.finish(ask != nil)
	}
	return rep, nil
}

// rankAnchors returns the IDs of hits, one per anchor (per document and
// anchor over several documents), at most EvalRanked.
func (ix *Index) rankAnchors(hits []Hit) []string {
	ranked := []string{}
	seen := map[string]bool{}
	for _, h := range hits {
		a := AnchorOf(h.ID)
		if ix.multi {
			a = h.Doc + "\x00" + a
		}
		if seen[a] {
			continue
		}
		seen[a] = true
		ranked = append(ranked, h.ID)
		if len(ranked) == EvalRanked {
			break
		}
	}
	return ranked
}

// answerItem asks the item of r, records the answer in r and returns the
// sections its reply shows, in order.
func answerItem(ctx context.Context, ask Asker, r *EvalResult) []Hit {
	it := r.Item
	ans, err := ask.Ask(ctx, Question{Text: it.Query, Options: sortedOptions(it.Options)})
	if err != nil && r.Err == "" {
		r.Err = err.Error()
	}
	r.Chosen, r.Decided, r.Confidence = ans.Chosen, ans.Decided, ans.Confidence
	r.Right = r.Chosen != "" && SameKeys(r.Chosen, it.Correct)
	return ans.Reply().Sections()
}

// count counts the answer of r into k.
func (k *EvalKind) count(r EvalResult) {
	it := r.Item
	count := func(n *int, ok bool) {
		if ok {
			*n++
		}
	}
	count(&k.Answered, r.Chosen != "")
	count(&k.Correct, r.Right)
	count(&k.Decided, r.Decided)
	count(&k.DecidedCorrect, r.Decided && r.Right)
	multi := len(strings.TrimSpace(it.Correct)) > 1
	count(&k.ChooseK, multi)
	count(&k.ChooseKRight, multi && r.Right)
	if it.Covered != nil {
		count(&k.NotCovered, !*it.Covered)
		count(&k.Declined, !*it.Covered && !r.Decided)
		count(&k.CoveredItems, *it.Covered)
		count(&k.CoveredCorrect, *it.Covered && r.Right)
	}
}

// finish turns the sums of k into shares.
func (k *EvalKind) finish(asked bool) {
	n := float64(k.Items)
	k.Hit1 = round4(k.Hit1 / n)
	k.Hit3 = round4(k.Hit3 / n)
	k.MRR = round4(k.MRR / n)
	if k.WithOpts == 0 || !asked {
		return
	}
	share := func(a, b int) *float64 {
		if b == 0 {
			return nil
		}
		x := round4(float64(a) / float64(b))
		return &x
	}
	k.Accuracy = share(k.Correct, k.WithOpts)
	k.AnsweredAccuracy = share(k.Correct, k.Answered)
	k.DecidedAccuracy = share(k.DecidedCorrect, k.Decided)
	k.DecidedShare = share(k.Decided, k.WithOpts)
	k.ChooseKExact = share(k.ChooseKRight, k.ChooseK)
	k.CoveredAccuracy = share(k.CoveredCorrect, k.CoveredItems)
}

// SameKeys reports whether two sets of option keys ("BD", "D,B", "db")
// are the same set, ignoring case, order and separators.
func SameKeys(a, b string) bool {
	set := func(s string) string {
		var ks []rune
		for _, r := range strings.ToUpper(s) {
			if r >= 'A' && r <= 'Z' && !slices.Contains(ks, r) {
				ks = append(ks, r)
			}
		}
		slices.Sort(ks)
		return string(ks)
	}
	return set(a) != "" && set(a) == set(b)
}

// FirstRank returns the 1-based position of the first ranked ID whose anchor
// is one of anchors, counting each anchor once at its first position, or 0.
func FirstRank(ranked, anchors []string) int {
	want := map[string]bool{}
	for _, a := range anchors {
		want[a] = true
	}
	seen := map[string]bool{}
	rank := 0
	for _, id := range ranked {
		a := AnchorOf(id)
		if seen[a] {
			continue
		}
		seen[a] = true
		rank++
		if rank > EvalRanked {
			return 0
		}
		if want[a] {
			return rank
		}
	}
	return 0
}

// sortedOptions turns an eval item's option map into options in key order.
func sortedOptions(m map[string]string) []Option {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]Option, 0, len(keys))
	for _, k := range keys {
		out = append(out, Option{Key: k, Text: m[k]})
	}
	return out
}

func round4(x float64) float64 {
	return float64(int64(x*10000+0.5)) / 10000
}
