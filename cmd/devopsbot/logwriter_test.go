package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// never is a flush interval no test outlives: lines go out only by size,
// Flush or Close.
const never = time.Hour

// Lines from many goroutines arrive whole, each goroutine's in its order,
// none missing, through small batches and a small bound.
func TestLogWriterKeepsLinesInOrder(t *testing.T) {
	out := &syncBuffer{}
	w := newLogWriter(out, logBuffering{flushAt: 512, max: 2048, every: time.Millisecond})
	const writers, lines = 8, 2000
	var wg sync.WaitGroup
	for g := range writers {
		wg.Go(func() {
			for i := range lines {
				fmt.Fprintf(w, `{"g":%d,"i":%d,"pad":%q}`+"\n", g, i, strings.Repeat("x", i%97))
			}
		})
	}
	wg.Wait()
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	next := make([]int, writers)
	sc := bufio.NewScanner(strings.NewReader(out.String()))
	n := 0
	for sc.Scan() {
		var rec struct{ G, I int }
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatalf("line %d is not a whole line: %v: %q", n+1, err, sc.Text())
		}
		if rec.I != next[rec.G] {
			t.Fatalf("line %d: writer %d's line %d, want its line %d", n+1, rec.G, rec.I, next[rec.G])
		}
		next[rec.G]++
		n++
	}
	if n != writers*lines {
		t.Errorf("%d lines written, want %d", n, writers*lines)
	}
}

// Close writes what is pending; a line written after Close goes out at
// once.
func TestLogWriterFlushesOnClose(t *testing.T) {
	out := &syncBuffer{}
	w := newLogWriter(out, logBuffering{flushAt: 1 << 20, max: 2 << 20, every: never})
	for i := range 10 {
		fmt.Fprintf(w, "line %d\n", i)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if got := strings.Count(out.String(), "\n"); got != 10 {
		t.Fatalf("after Close: %d lines out, want 10:\n%s", got, out)
	}
	fmt.Fprintln(w, "after close")
	if !strings.HasSuffix(out.String(), "line 9\nafter close\n") {
		t.Errorf("a line after Close was not written at once:\n%s", out)
	}
	if err := w.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

// A record at ERROR is written, with every line before it, by the time the
// logger returns (the lines below ERROR wait up to 100 ms for their batch).
func TestLoggerWritesErrorsAtOnce(t *testing.T) {
	out := &syncBuffer{}
	lg, logs := newLogger(out, opsDefaultConfig(t))
	defer logs.Close()
	lg.Info("cmd.Test first", "n", 1)
	lg.Warn("cmd.Test second", "n", 2)
	lg.Error("cmd.Test stopping", "err", "disk on fire")
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 3 || !strings.Contains(lines[0], "cmd.Test first") || !strings.Contains(lines[2], "disk on fire") {
		t.Fatalf("after the error: %d lines out, want the three in order:\n%s", len(lines), out)
	}
}

// Under an output that does not return, Write waits once the bound is
// pending instead of growing the buffer; the lines go out when the output
// does.
func TestLogWriterBoundedUnderStuckOutput(t *testing.T) {
	stuck := &gateWriter{open: make(chan struct{}), entered: make(chan struct{}, 1)}
	const max = 4096
	w := newLogWriter(stuck, logBuffering{flushAt: 1024, max: max, every: time.Millisecond})
	line := []byte(strings.Repeat("y", 99) + "\n")
	fmt.Fprintln(w, "first")
	<-stuck.entered // the goroutine is inside the output's Write with "first"

	const lines = 200 // 20 KB: five times the bound
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range lines {
			w.Write(line)
		}
	}()
	for {
		select {
		case <-done:
			t.Fatalf("%d lines written while the output was stuck: Write did not wait", lines)
		default:
		}
		if p := w.pending(); p > max {
			t.Fatalf("%d bytes pending, bound %d", p, max)
		} else if p > max-len(line) {
			break // full: the writer must be waiting now
		}
		time.Sleep(time.Millisecond)
	}
	select {
	case <-done:
		t.Fatalf("%d lines written while the output was stuck", lines)
	default:
	}
	close(stuck.open)
	<-done
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if got, want := stuck.b.String(), "first\n"+strings.Repeat(string(line), lines); got != want {
		t.Errorf("after the output came back: %d bytes out, want %d", len(got), len(want))
	}
}

// gateWriter blocks every Write until open is closed, saying on entered
// that a Write began.
type gateWriter struct {
	open    chan struct{}
	entered chan struct{}
	mu      sync.Mutex
	b       strings.Builder
}

func (g *gateWriter) Write(p []byte) (int, error) {
	select {
	case g.entered <- struct{}{}:
	default:
	}
	<-g.open
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.b.Write(p)
}
