//go:build race

package notes

// raceEnabled shrinks the largest inputs under the race detector, which
// makes parsing about ten times slower without finding more.
const raceEnabled = true
