package tui

import (
	"context"
	"fmt"
	"testing"
	"time"

	"gavel/internal/soaktest"
	"gavel/ircclient/ircdtest"
)

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
	total := soaktest.Lines(b)
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
	feed := soaktest.Feed(b, ctx, chatters, chunk, func(k int) {
		mark := fmt.Sprintf("batch %d done", k)
		chatters[0].Line("#soak0", mark)
		r.until(time.Minute, mark, func(m *Model) bool {
			l := m.wins.Get("#soak0").Log.Buf.Last()
			return l != nil && l.Text == mark
		})
		if k%20 == 0 {
			r.screen()
		}
	})
	feed(nChannels * 20)
	start := soaktest.RSSAfterGC(b)
	t0 := time.Now()
	feed(total)
	elapsed := time.Since(t0)
	var used int64
	r.do(func(m *Model) { used = m.pool.Used() })
	end := soaktest.RSSAfterGC(b)
	soaktest.Report(b, start, end, total, elapsed)
	b.ReportMetric(float64(used)/(1<<20), "scrollback-MiB")
	if used > budget {
		b.Errorf("the scrollback holds %d bytes, over its budget of %d", used, budget)
	}
	if end > start+budget+10<<20 {
		b.Errorf("RSS grew from %.1f to %.1f MiB over %d lines in %d channels (budget %d MiB: want within budget + 10 MiB)",
			float64(start)/(1<<20), float64(end)/(1<<20), total, nChannels, budget>>20)
	}
}
