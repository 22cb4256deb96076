package main

import (
	"context"
	"errors"
)

// SKELETON: replaced by the issue that owns the config command.
func cmdConfig(ctx context.Context, e *env, args []string) error {
	return errors.New("config: not implemented yet")
}
