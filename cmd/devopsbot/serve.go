package main

import (
	"context"
	"errors"
)

// SKELETON: replaced by the issue that owns the serve command.
func cmdServe(ctx context.Context, e *env, args []string) error {
	return errors.New("serve: not implemented yet")
}
