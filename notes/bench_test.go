package notes

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/yuin/goldmark/text"
)

// parseLoop parses data b.N times and also reports CPU time per parse
// ("cpu-ns/op", GC included), which a busy shared machine inflates far less
// than wall time.
func parseLoop(b *testing.B, name string, data []byte) {
	b.Helper()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	start, ok := cpuTime()
	n := 0
	for b.Loop() {
		if _, err := Parse(name, data); err != nil {
			b.Fatal(err)
		}
		n++
	}
	if end, ok2 := cpuTime(); ok && ok2 && n > 0 {
		b.ReportMetric(float64((end-start).Nanoseconds())/float64(n), "cpu-ns/op")
	}
}

func BenchmarkParseDefault(b *testing.B) {
	parseLoop(b, DefaultName, defaultNotes)
}

// sized returns about n bytes of notes: the default notes repeated and cut
// at a line end.
func sized(n int) []byte {
	data := bytes.Repeat(defaultNotes, n/len(defaultNotes)+1)[:n]
	if i := bytes.LastIndexByte(data, '\n'); i > 0 {
		data = data[:i+1]
	}
	return data
}

// BenchmarkParseSize shows time growing linearly with the size of the file;
// the budget is 100 ms for 1.2 MB.
func BenchmarkParseSize(b *testing.B) {
	for _, kb := range []int{100, 400, 1229} {
		data := sized(kb << 10)
		b.Run(fmt.Sprintf("%dKB", kb), func(b *testing.B) { parseLoop(b, "sized", data) })
	}
}

// BenchmarkParseHostile parses 256 KB lines built to defeat naive inline
// matching; time per byte should stay close to ordinary notes.
func BenchmarkParseHostile(b *testing.B) {
	for _, unit := range []string{"[a](", "*a ", "`", "<a "} {
		data := []byte("# H\n" + string(bytes.Repeat([]byte(unit), (256<<10)/len(unit))) + "\n")
		b.Run(fmt.Sprintf("%q", unit), func(b *testing.B) { parseLoop(b, "hostile", data) })
	}
}

// BenchmarkGoldmarkDefault is goldmark's share of BenchmarkParseDefault:
// the CommonMark tree of the default notes, not walked.
func BenchmarkGoldmarkDefault(b *testing.B) {
	b.SetBytes(int64(len(defaultNotes)))
	b.ReportAllocs()
	start, ok := cpuTime()
	n := 0
	for b.Loop() {
		markdown().Parse(text.NewReader(defaultNotes))
		n++
	}
	if end, ok2 := cpuTime(); ok && ok2 && n > 0 {
		b.ReportMetric(float64((end-start).Nanoseconds())/float64(n), "cpu-ns/op")
	}
}
