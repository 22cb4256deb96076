package main

import (
	"context"
	"errors"
)

// SKELETON: replaced by the issue that owns the eval command.
func cmdEval(ctx context.Context, e *env, args []string) error {
	return errors.New("eval: not implemented yet")
}
