package main

import (
	"log/slog"
	"os"
	"runtime"
	"runtime/debug"
	"testing"
)

// The soft memory limit serve sets must sit well above what the process
// already uses, else the collector runs without pause once traffic adds
// live data (the seen-signature set grew it past the old limit of twice the
// live heap plus 16 MiB, and CPU per request tripled).
func TestTuneGCLeavesHeadroomAboveTheMemoryInUse(t *testing.T) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		t.Skip("GOGC or GOMEMLIMIT set: tuneGC leaves the settings alone")
	}
	live := make([][]byte, 0, 24)
	for range cap(live) {
		live = append(live, make([]byte, 1<<20)) // 24 MiB of live data
	}
	debug.FreeOSMemory()
	restore := tuneGC(slog.New(slog.DiscardHandler))
	defer restore()
	limit := debug.SetMemoryLimit(-1)
	t.Logf("limit %d MiB, in use %d MiB", limit>>20, goMemoryInUse()>>20)
	inUse := int64(goMemoryInUse())
	if limit-inUse < 48<<20 {
		t.Errorf("memory limit %d MiB leaves %d MiB above the %d MiB in use, want at least 48",
			limit>>20, (limit-inUse)>>20, inUse>>20)
	}
	runtime.KeepAlive(live)
}
