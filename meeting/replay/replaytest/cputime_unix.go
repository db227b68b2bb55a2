//go:build unix

package replaytest

import (
	"syscall"
	"time"
)

// CPUTime is the user and system time the process has used: on a shared
// machine a steadier figure than the wall clock.
func CPUTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
