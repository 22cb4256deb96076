package main

import (
	"context"
	"errors"
)

// SKELETON: replaced by the issue that owns the ask command.
func cmdAsk(ctx context.Context, e *env, args []string) error {
	return errors.New("ask: not implemented yet")
}
