package main

import (
	"context"
	"errors"
)

// SKELETON: replaced by the issue that owns the healthcheck command.
func cmdHealthcheck(ctx context.Context, e *env, args []string) error {
	return errors.New("healthcheck: not implemented yet")
}
