package notes

import (
	"bytes"
	"fmt"
	"testing"
)

func BenchmarkParseDefault(b *testing.B) {
	b.SetBytes(int64(len(defaultNotes)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(DefaultName, defaultNotes); err != nil {
			b.Fatal(err)
		}
	}
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

// BenchmarkParseSize shows time growing linearly with the size of the file.
func BenchmarkParseSize(b *testing.B) {
	for _, kb := range []int{100, 400, 1600} {
		data := sized(kb << 10)
		b.Run(fmt.Sprintf("%dKB", kb), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Parse("sized", data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkParseHostile parses 256 KB lines built to defeat naive inline
// matching; time per byte should stay close to ordinary notes.
func BenchmarkParseHostile(b *testing.B) {
	for _, unit := range []string{"[a](", "*a ", "`", "<a "} {
		data := []byte("# H\n" + string(bytes.Repeat([]byte(unit), (256<<10)/len(unit))) + "\n")
		b.Run(fmt.Sprintf("%q", unit), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Parse("hostile", data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
