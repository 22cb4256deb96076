package index

import (
	"context"
	"errors"
)

// Answer is the product's answer to an exam question.
type Answer struct {
	Chosen     string        `json:"chosen,omitempty"` // option key; "" when undecided or no options
	Confidence float64       `json:"confidence"`       // 0..1
	Decided    bool          `json:"decided"`          // false: the evidence does not separate the options
	Options    []OptionScore `json:"options"`
	Sections   []Hit         `json:"sections"`
}

// OptionScore is an option with its support in the notes.
type OptionScore struct {
	Key      string     `json:"key"`
	Text     string     `json:"text"`
	Score    float64    `json:"score"`
	Evidence []Evidence `json:"evidence"`
}

// Evidence is a fact that supports an option.
type Evidence struct {
	Doc  string   `json:"doc"`
	ID   string   `json:"id"`
	Path []string `json:"path"`
	Fact string   `json:"fact"`
}

// Ask answers q from the notes.
func (ix *Index) Ask(ctx context.Context, q Question) (Answer, error) {
	return Answer{}, errors.New("index.Ask: not implemented yet") // SKELETON
}
