package main

import (
	"context"
	"errors"
)

// SKELETON: replaced by the issue that owns the sections command.
func cmdSections(ctx context.Context, e *env, args []string) error {
	return errors.New("sections: not implemented yet")
}
