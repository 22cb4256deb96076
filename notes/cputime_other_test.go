//go:build !unix

package notes

import "time"

func cpuTime() (time.Duration, bool) { return 0, false }
