package main

import (
	"context"
	"errors"
)

// SKELETON: replaced by the issue that owns the console command.
func cmdConsole(ctx context.Context, e *env, args []string) error {
	return errors.New("console: not implemented yet")
}
