package quiz

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Flagging: anyone who has seen a question's answer may report it as faulty,
// once per question, with a reason. A question leaves rotation (the question
// of the day and practice) when two people have flagged it, or one admin,
// and comes back when an admin restores it (its flags are cleared).

// FlagReason says what is wrong with a flagged question.
type FlagReason string

// The reasons a flag may give.
const (
	FlagWrong    FlagReason = "wrong"    // the marked answer is wrong
	FlagTwo      FlagReason = "two"      // two answers fit
	FlagUnclear  FlagReason = "unclear"  // the question is unclear
	FlagOutdated FlagReason = "outdated" // AWS has changed since
	FlagOther    FlagReason = "other"
)

// FlagReasons lists every reason, in the order a menu shows them.
var FlagReasons = []FlagReason{FlagWrong, FlagTwo, FlagUnclear, FlagOutdated, FlagOther}

// Label is the reason as a person reads it.
func (r FlagReason) Label() string {
	switch r {
	case FlagWrong:
		return "wrong answer"
	case FlagTwo:
		return "two answers fit"
	case FlagUnclear:
		return "unclear"
	case FlagOutdated:
		return "outdated"
	}
	return "other"
}

// ParseFlagReason reads a reason from its name or label ("wrong", "wrong
// answer", "two answers fit", ...), case-insensitive.
func ParseFlagReason(s string) (FlagReason, error) {
	k := normKey(s)
	for _, r := range FlagReasons {
		if k == string(r) || k == normKey(r.Label()) {
			return r, nil
		}
	}
	switch k {
	case "two answers", "ambiguous":
		return FlagTwo, nil
	case "wrong answer", "incorrect":
		return FlagWrong, nil
	}
	return "", fmt.Errorf("flag reason %q (want wrong, two, unclear, outdated or other): %w", s, ErrBadFlag)
}

// Flag is one person's report on one question.
type Flag struct {
	Question string     `json:"question"`
	User     string     `json:"user"`
	Reason   FlagReason `json:"reason"`
	Admin    bool       `json:"admin,omitempty"` // flagged by an admin: out of rotation at once
	At       time.Time  `json:"at"`
}

// flagsToRetire is how many people's flags take a question out of rotation.
const flagsToRetire = 2

// FlagResult is the outcome of Engine.Flag.
type FlagResult struct {
	Flag    Flag // the stored flag (the earlier one when Already)
	Already bool // this person had flagged the question before
	Retired bool // the question is now out of rotation
}

// Flagged is a question with flags, for the admins' review.
type Flagged struct {
	Question Question `json:"question"`
	Flags    []Flag   `json:"flags"`
	Retired  bool     `json:"retired"` // out of rotation until restored
}

// Flag records user's flag on a question. admin makes one flag enough to
// take the question out of rotation. A second flag by the same person is
// not stored: the first stands (Already).
func (e *Engine) Flag(ctx context.Context, user, questionID string, reason FlagReason, admin bool) (FlagResult, error) {
	if user == "" {
		return FlagResult{}, fmt.Errorf("flag %s: %w", questionID, ErrNoUser)
	}
	if _, ok := e.Question(questionID); !ok {
		return FlagResult{}, fmt.Errorf("flag %s: %w", questionID, ErrNotFound)
	}
	if !slices.Contains(FlagReasons, reason) {
		return FlagResult{}, fmt.Errorf("flag %s: reason %q: %w", questionID, reason, ErrBadFlag)
	}
	f := Flag{Question: questionID, User: user, Reason: reason, Admin: admin, At: e.now()}
	stored, created, err := e.store.AddFlag(ctx, f)
	if err != nil {
		return FlagResult{}, fmt.Errorf("flag %s: %w", questionID, err)
	}
	mine, err := e.store.Flags(ctx, questionID)
	if err != nil {
		return FlagResult{}, fmt.Errorf("flag %s: %w", questionID, err)
	}
	return FlagResult{Flag: stored, Already: !created, Retired: retired(mine)[questionID]}, nil
}

// Flags lists the flagged questions that are still in the pool, the most
// flagged first (ties: the most recently flagged first).
func (e *Engine) Flags(ctx context.Context) ([]Flagged, error) {
	all, err := e.store.Flags(ctx, "")
	if err != nil {
		return nil, fmt.Errorf("list flags: %w", err)
	}
	out := map[string]*Flagged{}
	var order []string
	for _, f := range all {
		q, ok := e.Question(f.Question)
		if !ok {
			continue
		}
		fl := out[f.Question]
		if fl == nil {
			fl = &Flagged{Question: q}
			out[f.Question] = fl
			order = append(order, f.Question)
		}
		fl.Flags = append(fl.Flags, f)
	}
	ret := retired(all)
	list := make([]Flagged, 0, len(order))
	for _, id := range order {
		fl := out[id]
		fl.Retired = ret[id]
		list = append(list, *fl)
	}
	slices.SortStableFunc(list, func(a, b Flagged) int {
		if len(a.Flags) != len(b.Flags) {
			return len(b.Flags) - len(a.Flags)
		}
		return b.Flags[len(b.Flags)-1].At.Compare(a.Flags[len(a.Flags)-1].At)
	})
	return list, nil
}

// Restore brings a flagged question back into rotation by clearing its
// flags. It wraps ErrNotFound when the question is not in the pool and
// reports how many flags it cleared.
func (e *Engine) Restore(ctx context.Context, questionID string) (int, error) {
	questionID = strings.TrimSpace(questionID)
	if _, ok := e.Question(questionID); !ok {
		return 0, fmt.Errorf("restore %s: %w", questionID, ErrNotFound)
	}
	n, err := e.store.ClearFlags(ctx, questionID)
	if err != nil {
		return 0, fmt.Errorf("restore %s: %w", questionID, err)
	}
	return n, nil
}

// retiredIDs returns the questions out of rotation now.
func (e *Engine) retiredIDs(ctx context.Context) (map[string]bool, error) {
	all, err := e.store.Flags(ctx, "")
	if err != nil {
		return nil, fmt.Errorf("read flags: %w", err)
	}
	return retired(all), nil
}

// retired returns the questions that flags take out of rotation: flagged
// by an admin, or by flagsToRetire people.
func retired(flags []Flag) map[string]bool {
	n := map[string]int{}
	out := map[string]bool{}
	for _, f := range flags {
		n[f.Question]++
		if f.Admin || n[f.Question] >= flagsToRetire {
			out[f.Question] = true
		}
	}
	return out
}

// CompareFlags orders flags as Store.Flags returns them: by At, then
// question, then user.
func CompareFlags(a, b Flag) int {
	if c := a.At.Compare(b.At); c != 0 {
		return c
	}
	if c := strings.Compare(a.Question, b.Question); c != 0 {
		return c
	}
	return strings.Compare(a.User, b.User)
}
