package main

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"time"
)

// logBuffering sets when a logWriter writes: once pending lines reach
// flushAt bytes, or `every` after the first of them, whichever comes
// first; writers wait while max bytes are pending.
type logBuffering struct {
	flushAt int
	max     int
	every   time.Duration
}

// defaultLogBuffering: a request log line is 200-300 bytes, so a batch is
// up to a few hundred lines, and at most about 4,000 wait in memory.
var defaultLogBuffering = logBuffering{flushAt: 64 << 10, max: 1 << 20, every: 100 * time.Millisecond}

// logWriter batches log lines for the process log. The log handler writes
// each line while holding its own lock; written straight to stderr, every
// request's line held that lock through a write(2), and under 50 clients
// most of the serving goroutines' lock waiting was for it. Here a Write
// copies the line into a buffer under a short lock, and one goroutine
// writes what has gathered in one call.
//
// Lines are written in the order they were written to the logWriter, and
// never lost while the process runs: when max bytes are pending (the output
// is stuck or slower than the log), Write waits for room rather than drop
// lines, so the memory stays bounded and the log complete, as it was when
// every line was written at once. Flush writes everything pending before it
// returns: the logger does so after each record at ERROR and above (see
// syncOnError), so the line saying why the process stops is out before it
// does. Close flushes and writes any later line at once. A kill -9 loses at
// most the lines of the last `every` (and never an ERROR line).
type logWriter struct {
	out io.Writer
	o   logBuffering

	ioMu sync.Mutex // held while a batch is taken and written: batches go out in order

	mu     sync.Mutex
	room   sync.Cond // signalled when a batch is taken from buf
	buf    []byte    // lines not yet written
	spare  []byte    // the last batch written, for reuse
	closed bool

	kick      chan struct{} // buf has lines, or flushAt bytes
	stop      chan struct{}
	done      chan struct{}
	closeOnce sync.Once
}

// newLogWriter returns a logWriter over out and starts its goroutine; Close
// stops it.
func newLogWriter(out io.Writer, o logBuffering) *logWriter {
	w := &logWriter{out: out, o: o, kick: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	w.room.L = &w.mu
	go w.run()
	return w
}

// Write adds the line p (one or more whole lines, as a log handler writes
// them) to the batch; it waits while the batch is full.
func (w *logWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	for !w.closed && len(w.buf) > 0 && len(w.buf)+len(p) > w.o.max {
		w.signal()
		w.room.Wait()
	}
	n := len(w.buf)
	w.buf = append(w.buf, p...)
	if w.closed {
		w.mu.Unlock()
		w.Flush()
		return len(p), nil
	}
	if n == 0 || (n < w.o.flushAt && len(w.buf) >= w.o.flushAt) {
		w.signal()
	}
	w.mu.Unlock()
	return len(p), nil
}

// signal wakes the goroutine, without waiting; w.mu is held.
func (w *logWriter) signal() {
	select {
	case w.kick <- struct{}{}:
	default:
	}
}

// run writes batches: at once when flushAt bytes are pending, else `every`
// after the goroutine saw the first pending line.
func (w *logWriter) run() {
	defer close(w.done)
	t := time.NewTimer(w.o.every)
	t.Stop()
	for {
		select {
		case <-w.kick:
		case <-w.stop:
			w.Flush()
			return
		}
		if w.pending() < w.o.flushAt {
			t.Reset(w.o.every)
			select {
			case <-w.kick: // flushAt reached (or a line after a Flush)
			case <-t.C:
			case <-w.stop:
			}
			t.Stop()
		}
		w.Flush()
	}
}

// pending is the number of bytes waiting to be written.
func (w *logWriter) pending() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.buf)
}

// Flush writes every line written to w before it was called; an error of
// the output is returned (the lines are gone: a log handler has nobody to
// tell).
func (w *logWriter) Flush() error {
	w.ioMu.Lock()
	defer w.ioMu.Unlock()
	w.mu.Lock()
	batch := w.buf
	w.buf, w.spare = w.spare[:0], nil
	w.room.Broadcast()
	w.mu.Unlock()
	var err error
	if len(batch) > 0 {
		_, err = w.out.Write(batch)
	}
	if cap(batch) <= 2*w.o.max { // a batch grown by one huge line is not kept
		w.mu.Lock()
		w.spare = batch[:0]
		w.mu.Unlock()
	}
	return err
}

// Close writes what is pending and stops the goroutine; lines written
// after it go out at once.
func (w *logWriter) Close() error {
	w.closeOnce.Do(func() {
		w.mu.Lock()
		w.closed = true
		w.room.Broadcast()
		w.mu.Unlock()
		close(w.stop)
		<-w.done
	})
	return w.Flush()
}

// syncOnError flushes the log writer after each record at ERROR and above,
// so that an error is written before the logger returns.
type syncOnError struct {
	slog.Handler
	w *logWriter
}

func (h syncOnError) Handle(ctx context.Context, rec slog.Record) error {
	err := h.Handler.Handle(ctx, rec)
	if rec.Level >= slog.LevelError {
		_ = h.w.Flush()
	}
	return err
}

func (h syncOnError) WithAttrs(attrs []slog.Attr) slog.Handler {
	return syncOnError{Handler: h.Handler.WithAttrs(attrs), w: h.w}
}

func (h syncOnError) WithGroup(name string) slog.Handler {
	return syncOnError{Handler: h.Handler.WithGroup(name), w: h.w}
}
