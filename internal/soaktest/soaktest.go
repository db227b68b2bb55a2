// Package soaktest helps the soak benchmarks of the console and of
// headless mode: how many lines a run feeds, the process's resident
// memory after a collection, and the report of how it grew.
package soaktest

import (
	"context"
	"gavel/ircclient/ircdtest"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Lines is how many lines a soak run feeds: GAVEL_SOAK_LINES, else
// 1,500,000, or 150,000 under CI=true (CI runs every benchmark once so
// that none rots).
func Lines(tb testing.TB) int {
	tb.Helper()
	if s := os.Getenv("GAVEL_SOAK_LINES"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			tb.Fatalf("GAVEL_SOAK_LINES=%q", s)
		}
		return n
	}
	if os.Getenv("CI") == "true" {
		return 150_000
	}
	return 1_500_000
}

// RSSAfterGC is the process's resident memory after a full collection
// that gives freed memory back to the system. Where /proc/self/status is
// missing the benchmark is skipped.
func RSSAfterGC(tb testing.TB) int64 {
	tb.Helper()
	runtime.GC()
	debug.FreeOSMemory()
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		tb.Skipf("no /proc/self/status: %v", err)
	}
	rss, ok := VmRSS(string(b))
	if !ok {
		tb.Fatal("no VmRSS in /proc/self/status")
	}
	return rss
}

// VmRSS reads the resident set in bytes from the text of
// /proc/self/status (its "VmRSS:   1234 kB" line).
func VmRSS(status string) (int64, bool) {
	for l := range strings.Lines(status) {
		if rest, ok := strings.CutPrefix(l, "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10, err == nil
		}
	}
	return 0, false
}

// Report reports a run of lines that took elapsed, with the resident
// memory at its start and at its end: start-RSS-MiB, end-RSS-MiB,
// growth-MiB, lines/s and lines.
func Report(b *testing.B, start, end int64, lines int, elapsed time.Duration) {
	b.Helper()
	b.ReportMetric(float64(start)/(1<<20), "start-RSS-MiB")
	b.ReportMetric(float64(end)/(1<<20), "end-RSS-MiB")
	b.ReportMetric(float64(end-start)/(1<<20), "growth-MiB")
	b.ReportMetric(float64(lines)/elapsed.Seconds(), "lines/s")
	b.ReportMetric(float64(lines), "lines")
}

// Feed returns feed: feed(n) has chatters say n lines in all, chunk at a
// time, and after each chunk calls barrier with the chunk's number (from
// 1), which must return once gavel has read every line said (the server's
// send queue to gavel is bounded).
func Feed(tb testing.TB, ctx context.Context, chatters ircdtest.Chatters, chunk int, barrier func(k int)) func(n int) {
	chunks := 0
	return func(n int) {
		tb.Helper()
		for n > 0 {
			k := min(n, chunk)
			if err := chatters.Say(ctx, k); err != nil {
				tb.Fatal(err)
			}
			n -= k
			chunks++
			barrier(chunks)
		}
	}
}
