package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"gavel/internal/soaktest"
	"gavel/ircclient/ircdtest"
)

// stderrLines hands the lines gavel writes on stderr to a channel, keeping
// none (a soak run must not grow here either).
type stderrLines struct {
	buf   []byte
	lines chan string
}

func (s *stderrLines) Write(p []byte) (int, error) {
	s.buf = append(s.buf, p...)
	for {
		i := bytes.IndexByte(s.buf, '\n')
		if i < 0 {
			break
		}
		select {
		case s.lines <- string(s.buf[:i]):
		default: // nobody waits for it
		}
		s.buf = s.buf[i+1:]
	}
	s.buf = append([]byte(nil), s.buf...)
	return len(p), nil
}

// waitLine waits (bounded by d) for a stderr line containing want.
func (s *stderrLines) waitLine(tb testing.TB, d time.Duration, want string) {
	tb.Helper()
	timer := time.NewTimer(d)
	defer timer.Stop()
	for {
		select {
		case l := <-s.lines:
			if strings.Contains(l, want) {
				return
			}
			if strings.Contains(l, "error") {
				tb.Fatalf("gavel: %s", l)
			}
		case <-timer.C:
			tb.Fatalf("no %q on gavel's stderr within %v", want, d)
		}
	}
}

// BenchmarkHeadlessSoak runs `gavel --headless` (run, in this process, as
// a user starts it) on InspIRCd in 150 channels that a chatter keeps busy,
// through the real client, the live driver and the headless console. It
// reports the process's RSS after a GC at the start (joined, warmed up)
// and at the end of the run, and the lines per second gavel took; a
// headless gavel keeps no scrollback, so the end must stay within 10 MiB
// of the start. A chatter in each channel says the lines, 3,000 at a
// time; then a meeting starts and ends in one of the channels, and its
// stderr line says gavel has read them (the server's send queue to gavel
// is bounded, so the chatter must not run ahead). The server's flood
// limits are set out of the way. Run it with -benchtime=1x; GAVEL_SOAK_LINES sets its
// length.
func BenchmarkHeadlessSoak(b *testing.B) {
	const nChannels, chunk = 150, 3_000
	total := soaktest.Lines(b)
	srv := ircdtest.StartInspIRCd(b, ircdtest.Options{RecvQ: 1 << 20, Flood: true, FloodRate: 100_000_000, FloodThreshold: 100_000})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()
	dir := b.TempDir()
	channels := make([]string, nChannels)
	quoted := make([]string, nChannels)
	for i := range channels {
		channels[i] = fmt.Sprintf("#soak%d", i)
		quoted[i] = strconv.Quote(channels[i])
	}
	config := filepath.Join(dir, "config.toml")
	os.WriteFile(config, fmt.Appendf(nil, "server = \"127.0.0.1\"\nport = %d\ntls = false\nnick = \"soakbot\"\nchannels = [%s]\n"+
		"archive = %q\njournal_dir = %q\nsend_burst = 1000\nsend_rate = 1000\noffline = true\n",
		srv.Port, strings.Join(quoted, ", "), filepath.Join(dir, "minutes"), filepath.Join(dir, "journal")), 0o644)

	stderr := &stderrLines{lines: make(chan string, 1024)}
	runCtx, stop := context.WithCancel(ctx)
	exited := make(chan int, 1)
	go func() { exited <- run(runCtx, []string{"--headless", "--config", config}, nil, io.Discard, stderr) }()
	defer func() {
		stop()
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			b.Error("gavel did not stop within 10s")
		}
	}()
	for range nChannels {
		stderr.waitLine(b, time.Minute, "joined #soak")
	}
	chatters, err := ircdtest.NewChatters(ctx, srv.Addr(), "chatter", channels)
	if err != nil {
		b.Fatal(err)
	}
	defer chatters.Close()
	feed := soaktest.Feed(b, ctx, chatters, chunk, func(k int) {
		// The server has taken every line; a meeting after them says
		// when gavel has read them all.
		chatters[0].Line("#soak0", fmt.Sprintf("#startmeeting barrier %d", k))
		chatters[0].Line("#soak0", "#endmeeting")
		stderr.waitLine(b, time.Minute, "meeting ended in #soak0")
	})
	feed(nChannels * 100) // warm up: every window, engine and journal exists
	start := soaktest.RSSAfterGC(b)
	t0 := time.Now()
	feed(total)
	elapsed := time.Since(t0)
	end := soaktest.RSSAfterGC(b)
	soaktest.Report(b, start, end, total, elapsed)
	if end > start+10<<20 {
		b.Errorf("RSS grew from %.1f to %.1f MiB over %d lines in %d channels (headless keeps no scrollback: want within 10 MiB)",
			float64(start)/(1<<20), float64(end)/(1<<20), total, nChannels)
	}
}
