//go:build !unix

package slackfake

import "time"

// cpuTime is unknown here: Load then reports no cpu_us/req.
func cpuTime() (time.Duration, bool) { return 0, false }
