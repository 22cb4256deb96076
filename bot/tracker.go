package bot

import (
	"context"
	"errors"
	"sync"
)

// tracker runs background work that shutdown waits for.
type tracker struct {
	ctx    context.Context
	cancel context.CancelFunc
	mu     sync.RWMutex // held to write closed; read-held to count work in
	closed bool
	wg     sync.WaitGroup
}

func newTracker() *tracker {
	ctx, cancel := context.WithCancel(context.Background())
	return &tracker{ctx: ctx, cancel: cancel}
}

// open reports whether the tracker still takes work.
func (t *tracker) open() bool {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return !t.closed
}

// goCtx runs f in a goroutine; false (and f not run) after close.
func (t *tracker) goCtx(f func(ctx context.Context)) bool {
	t.mu.RLock()
	defer t.mu.RUnlock()
	if t.closed {
		return false
	}
	t.wg.Go(func() { f(t.ctx) })
	return true
}

// do runs f on the calling goroutine, counted like the work of goCtx, so
// that close waits for it too; false (and f not run) after close. Requests
// take the lock shared, so that they do not wait for each other (a mutex
// profile of 50 clients found them waiting here).
func (t *tracker) do(f func(ctx context.Context)) bool {
	t.mu.RLock()
	if t.closed {
		t.mu.RUnlock()
		return false
	}
	t.wg.Add(1)
	t.mu.RUnlock()
	defer t.wg.Done()
	f(t.ctx)
	return true
}

// close refuses new work and waits for the running work until ctx ends,
// then cancels it.
func (t *tracker) close(ctx context.Context) error {
	t.mu.Lock()
	t.closed = true
	t.mu.Unlock()
	done := make(chan struct{})
	go func() {
		t.wg.Wait()
		close(done)
	}()
	defer t.cancel()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return errors.Join(ctx.Err(), errors.New("background work still running"))
	}
}
