package main

import (
	"context"
	"errors"
)

// SKELETON: replaced by the issue that owns the lookup command.
func cmdLookup(ctx context.Context, e *env, args []string) error {
	return errors.New("lookup: not implemented yet")
}
