package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"gavel/meeting/replay/replaytest"
)

// BenchmarkRegenerateArchive runs "gavel replay IN --out OUT" (through
// run, as a user types it) over an archive of 10,000 published logs of the
// seed meeting, one a day, in zodbot's layout. It reports meetings/s, CPU
// time per meeting and the peak RSS of the run. The disk is that of
// GAVEL_BENCH_OUT or the temporary directory.
func BenchmarkRegenerateArchive(b *testing.B) {
	meetings := 10_000
	if os.Getenv("CI") == "true" {
		meetings = 500 // CI runs each benchmark once so that none rots
	}
	seed, err := os.ReadFile(replaytest.SeedLog())
	if err != nil {
		b.Fatal(err)
	}
	in := filepath.Join(b.TempDir(), "in")
	first := time.Date(2015, 4, 30, 18, 0, 3, 0, time.UTC)
	for k := range meetings {
		t := first.AddDate(0, 0, k)
		day := t.Format("2006-01-02")
		p := filepath.Join(in, "fedora-meeting", day, "infrastructure."+day+"-18.00.log.txt")
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			b.Fatal(err)
		}
		// The log's own "Meeting started" reply dates it: make it say
		// the day of its place in the archive.
		log := bytes.ReplaceAll(seed, []byte(first.Format("Mon Jan _2 15:04:05 2006")), []byte(t.Format("Mon Jan _2 15:04:05 2006")))
		if err := os.WriteFile(p, log, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	for i := 0; i < b.N; i++ {
		out := benchDir(b)
		replaytest.ResetPeakRSS()
		cpu0 := replaytest.CPUTime()
		start := time.Now()
		var errs bytes.Buffer
		if code := run(context.Background(), []string{"replay", in, "--out", out}, nil, io.Discard, &errs); code != 0 {
			b.Fatalf("exit %d: %s", code, errs.String())
		}
		elapsed := time.Since(start)
		b.ReportMetric(float64(meetings)/elapsed.Seconds(), "meetings/s")
		b.ReportMetric(float64((replaytest.CPUTime()-cpu0).Microseconds())/1000/float64(meetings), "cpu-ms/meeting")
		if rss := replaytest.PeakRSS(); rss > 0 {
			b.ReportMetric(float64(rss)/(1<<20), "peak-RSS-MiB")
		}
		if _, err := os.Stat(filepath.Join(out, "fedora-meeting", first.AddDate(0, 0, meetings-1).Format("2006-01-02"))); err != nil {
			b.Fatal(err)
		}
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
