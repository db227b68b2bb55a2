package tui

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"

	"gavel/ircclient/ircdtest"
)

// rssAfterGC is the process's resident memory after a full collection
// that gives freed memory back to the system.
func rssAfterGC(tb testing.TB) int64 {
	runtime.GC()
	debug.FreeOSMemory()
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		tb.Skipf("no /proc/self/status: %v", err)
	}
	for l := range strings.Lines(string(b)) {
		if rest, ok := strings.CutPrefix(l, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10
		}
	}
	tb.Fatal("no VmRSS in /proc/self/status")
	return 0
}

// BenchmarkConsoleSoak runs the console (the real client, the live driver
// and the console model, drawn every so often) on InspIRCd in 150
// channels that a chatter in each keeps busy, with a scrollback budget of
// 16 MiB. It reports the process's RSS after a GC at the start (joined,
// scrollback nearly empty) and at the end of the run; the end must stay
// within the budget plus 10 MiB of the start, however many lines went by.
// Lines go 3,000 at a time, each batch ended by a line the console must
// show before the next (the server's send queue to gavel is bounded).
// GAVEL_SOAK_LINES sets the length (default 1,500,000; 150,000 with
// CI=true); run it with -benchtime=1x.
func BenchmarkConsoleSoak(b *testing.B) {
	const nChannels, chunk, budget = 150, 3_000, 16 << 20
	total := 1_500_000
	if os.Getenv("CI") == "true" {
		total = 150_000
	}
	if s := os.Getenv("GAVEL_SOAK_LINES"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			b.Fatalf("GAVEL_SOAK_LINES=%q", s)
		}
		total = n
	}
	srv := ircdtest.StartInspIRCd(b, ircdtest.Options{RecvQ: 1 << 20, Flood: true, FloodRate: 100_000_000, FloodThreshold: 100_000})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()
	channels := make([]string, nChannels)
	for i := range channels {
		channels[i] = fmt.Sprintf("#soak%d", i)
	}
	r := startRig(b, srv, rigOptions{channels: channels, mutate: func(o *Options) { o.Scrollback = budget }})
	r.until(time.Minute, "the joins", func(m *Model) bool {
		for _, ch := range channels {
			if !m.chans.InChannel(ch) {
				return false
			}
		}
		return true
	})
	chatters, err := ircdtest.NewChatters(ctx, srv.Addr(), "chatter", channels)
	if err != nil {
		b.Fatal(err)
	}
	defer chatters.Close()
	batches := 0
	feed := func(n int) {
		for n > 0 {
			k := min(n, chunk)
			if err := chatters.Say(ctx, k); err != nil {
				b.Fatal(err)
			}
			n -= k
			batches++
			mark := fmt.Sprintf("batch %d done", batches)
			chatters[0].Line("#soak0", mark)
			r.until(time.Minute, mark, func(m *Model) bool {
				l := m.wins.Get("#soak0").Log.Buf.Last()
				return l != nil && l.Text == mark
			})
			if batches%20 == 0 {
				r.screen()
			}
		}
	}
	feed(nChannels * 20)
	start := rssAfterGC(b)
	t0 := time.Now()
	feed(total)
	elapsed := time.Since(t0)
	var used int64
	r.do(func(m *Model) { used = m.pool.Used() })
	end := rssAfterGC(b)
	b.ReportMetric(float64(start)/(1<<20), "start-RSS-MiB")
	b.ReportMetric(float64(end)/(1<<20), "end-RSS-MiB")
	b.ReportMetric(float64(end-start)/(1<<20), "growth-MiB")
	b.ReportMetric(float64(used)/(1<<20), "scrollback-MiB")
	b.ReportMetric(float64(total)/elapsed.Seconds(), "lines/s")
	b.ReportMetric(float64(total), "lines")
	if used > budget {
		b.Errorf("the scrollback holds %d bytes, over its budget of %d", used, budget)
	}
	if end > start+budget+10<<20 {
		b.Errorf("RSS grew from %.1f to %.1f MiB over %d lines in %d channels (budget %d MiB: want within budget + 10 MiB)",
			float64(start)/(1<<20), float64(end)/(1<<20), total, nChannels, budget>>20)
	}
}
