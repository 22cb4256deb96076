package main

import (
	"context"
	"errors"
)

// SKELETON: replaced by the issue that owns the quiz command.
func cmdQuiz(ctx context.Context, e *env, args []string) error {
	return errors.New("quiz: not implemented yet")
}
