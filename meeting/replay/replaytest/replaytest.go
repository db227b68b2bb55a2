// Package replaytest helps the tests and benchmarks of replay and of its
// users (gavel replay): generated archives of the seed meeting, and the
// process's CPU time and peak memory.
package replaytest

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
)

// SeedLog is the path of the project's copy of a real zodbot log (an
// hour-long Fedora Infrastructure meeting, 279 lines).
func SeedLog() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..", "testdata", "logs", "fedora-meeting.infrastructure.2015-04-30-18.00.log.txt")
}

// SeedMeetings is a MeetBot log of n copies of the seed meeting (an hour,
// 279 lines), one after another: copy k starts at 00:00 when k is even and
// at 12:00 when it is odd, so that each even copy begins a new day (the
// clock goes back by more than RolloverThreshold) and every meeting has
// its own files.
func SeedMeetings(tb testing.TB, n int) []byte {
	tb.Helper()
	seed, err := os.ReadFile(SeedLog())
	if err != nil {
		tb.Fatal(err)
	}
	lines := bytes.Split(bytes.TrimRight(seed, "\n"), []byte("\n"))
	var out bytes.Buffer
	for k := range n {
		shift := -18 * 3600 // 18:00 -> 00:00
		if k%2 == 1 {
			shift = -6 * 3600 // 18:00 -> 12:00
		}
		for _, l := range lines {
			var h, m, s int
			if len(l) < 9 || l[8] != ' ' {
				out.Write(l)
				out.WriteByte('\n')
				continue
			}
			fmt.Sscanf(string(l[:8]), "%d:%d:%d", &h, &m, &s)
			sec := (h*3600 + m*60 + s + shift + 86400) % 86400
			fmt.Fprintf(&out, "%02d:%02d:%02d", sec/3600, sec/60%60, sec%60)
			out.Write(l[8:])
			out.WriteByte('\n')
		}
	}
	return out.Bytes()
}

// ResetPeakRSS returns the free heap to the system and resets the
// process's peak resident set (Linux: "5" to /proc/self/clear_refs);
// elsewhere it does nothing.
func ResetPeakRSS() {
	debug.FreeOSMemory()
	_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
}

// PeakRSS returns the process's peak resident set since the last reset
// (VmHWM), or 0 where it is not known.
func PeakRSS() uint64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			var kb uint64
			fmt.Sscanf(strings.TrimSpace(v), "%d", &kb)
			return kb << 10
		}
	}
	return 0
}
