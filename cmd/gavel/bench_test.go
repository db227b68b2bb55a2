package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"testing"

	"gavel/meeting/replay/replaytest"
)

// BenchmarkRegenerateArchive runs "gavel replay IN --out OUT" (through
// run, as a user types it, on every core) over the archive of one channel
// that zodbot publishes (replaytest.Archive: five meetings a day at
// different times with distinct names, each the 280-line seed meeting):
// 20 days (100 meetings) and a year (1,825). It reports meetings/s, CPU
// time per meeting, the live heap after each GC during the run (its
// largest and its 90th percentile; gcs/op says how many collections they
// are of: at the replay's pace a short run has too few to compare, which
// BenchmarkRegenerateArchiveMemory does) and the peak RSS of the run.
// The disk is that of GAVEL_BENCH_OUT (a tmpfs, say) or the temporary
// directory, for the input and the output alike.
func BenchmarkRegenerateArchive(b *testing.B) {
	sizes := []int{20, 365}
	if os.Getenv("CI") == "true" {
		sizes = sizes[:1] // CI runs each benchmark once so that none rots
	}
	for _, days := range sizes {
		in := filepath.Join(benchDir(b), "in")
		meetings := len(replaytest.Archive(b, in, days))
		for _, style := range []string{"default", "zodbot"} {
			b.Run(fmt.Sprintf("style=%s/meetings=%d", style, meetings), func(b *testing.B) {
				replaytest.ResetPeakRSS()
				heap := replaytest.WatchHeapCycles()
				cpu0 := replaytest.CPUTime()
				for i := 0; i < b.N; i++ {
					regenerate(b, "--style", style, in)
				}
				b.StopTimer()
				b.ReportMetric(float64(meetings*b.N)/b.Elapsed().Seconds(), "meetings/s")
				b.ReportMetric(float64((replaytest.CPUTime()-cpu0).Microseconds())/1000/float64(meetings*b.N), "cpu-ms/meeting")
				cycles := heap()
				// The first figure is the heap before the run (after a
				// forced collection); what the run keeps live is in the
				// collections it caused. A short run causes few (the
				// replay collects at 5x the live heap, 4 MiB at least),
				// so its figures are told with their count.
				b.ReportMetric(float64(len(cycles)-1)/float64(b.N), "gcs/op")
				if len(cycles) > 1 {
					cycles = cycles[1:]
				}
				b.ReportMetric(float64(cycles.Max())/(1<<20), "peak-live-MiB")
				b.ReportMetric(float64(cycles.Quantile(0.9))/(1<<20), "p90-live-MiB")
				if rss := replaytest.PeakRSS(); rss > 0 {
					b.ReportMetric(float64(rss)/(1<<20), "peak-RSS-MiB")
				}
			})
		}
	}
}

// regenerate runs "gavel replay ARGS --out OUT" as a user types it, into
// a new directory OUT (made with the timer stopped).
func regenerate(b *testing.B, args ...string) {
	b.StopTimer()
	out := benchDir(b)
	b.StartTimer()
	var errs bytes.Buffer
	if code := run(context.Background(), append(append([]string{"replay"}, args...), "--out", out), nil, io.Discard, &errs); code != 0 {
		b.Fatalf("exit %d: %s", code, errs.String())
	}
}

// benchDir is a new directory under GAVEL_BENCH_OUT, else a temporary one.
func benchDir(b *testing.B) string {
	if d := os.Getenv("GAVEL_BENCH_OUT"); d != "" {
		dir, err := os.MkdirTemp(d, fmt.Sprintf("gavel-bench-%d-", os.Getpid()))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { os.RemoveAll(dir) })
		return dir
	}
	return b.TempDir()
}

// BenchmarkRegenerateArchiveMemory is BenchmarkRegenerateArchive's memory
// figures measured fairly: with the collector pacing at 25% instead of
// the replay's 400%, a run of 100 meetings collects as often as one of
// 1,825 does for the meetings it replays, so the live heaps after its
// collections are of the same moments of the work (at 400% a short run
// collects once or not at all, before its workers are busy, and a long
// one many times while they allocate, which counts what they allocate
// during the mark as live). The live heap after each collection must not
// grow with the meetings.
func BenchmarkRegenerateArchiveMemory(b *testing.B) {
	sizes := []int{20, 365}
	if os.Getenv("CI") == "true" {
		sizes = sizes[:1]
	}
	b.Setenv("GOGC", "25") // the replay keeps the pace it is given
	defer debug.SetGCPercent(debug.SetGCPercent(25))
	for _, days := range sizes {
		in := filepath.Join(benchDir(b), "in")
		meetings := len(replaytest.Archive(b, in, days))
		b.Run(fmt.Sprintf("meetings=%d", meetings), func(b *testing.B) {
			heap := replaytest.WatchHeapCycles()
			for i := 0; i < b.N; i++ {
				regenerate(b, in)
			}
			b.StopTimer()
			cycles := heap()[1:] // the first is the heap before the run
			b.ReportMetric(float64(len(cycles))/float64(b.N)/float64(meetings)*100, "gcs/100meetings")
			b.ReportMetric(float64(cycles.Max())/(1<<20), "peak-live-MiB")
			b.ReportMetric(float64(cycles.Quantile(0.9))/(1<<20), "p90-live-MiB")
			b.ReportMetric(float64(cycles.Quantile(0.5))/(1<<20), "median-live-MiB")
		})
	}
}
