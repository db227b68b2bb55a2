//go:build !unix

package replaytest

import "time"

// CPUTime is not measured here.
func CPUTime() time.Duration { return 0 }
