package bot

import (
	"context"
	"errors"
	"sync"
)

// updateQueue coalesces chat.update calls per message: while one update of
// a message is being sent, newer ones wait and only the latest is sent next.
type updateQueue struct {
	mu      sync.Mutex
	pending map[string]*pendingUpdate
}

type pendingUpdate struct {
	next    *Response
	send    func(ctx context.Context, r Response) error
	sending bool
}

// push records r as the latest update of key and returns the function that
// sends it: it sends queued updates until none is left, or does nothing when
// another caller is already sending for key (that caller sends r).
func (q *updateQueue) push(key string, r Response, send func(ctx context.Context, r Response) error) func(context.Context) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.pending == nil {
		q.pending = map[string]*pendingUpdate{}
	}
	p := q.pending[key]
	if p == nil {
		p = &pendingUpdate{}
		q.pending[key] = p
	}
	p.next, p.send = &r, send
	if p.sending {
		return func(context.Context) error { return nil }
	}
	p.sending = true
	return func(ctx context.Context) error {
		var errs []error
		for {
			q.mu.Lock()
			r, send := p.next, p.send
			p.next = nil
			if r == nil {
				p.sending = false
				delete(q.pending, key)
				q.mu.Unlock()
				return errors.Join(errs...)
			}
			q.mu.Unlock()
			if err := send(ctx, *r); err != nil {
				errs = append(errs, err)
			}
		}
	}
}
