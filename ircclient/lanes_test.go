package ircclient

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"gavel/ircclient/ircdtest"
)

// channelLines reads PRIVMSG texts to channel from a watcher until stop
// returns true for the last one.
func channelLines(t testing.TB, w *ircdtest.LineClient, channel string, stop func([]string) bool) []string {
	t.Helper()
	var got []string
	for !stop(got) {
		line, err := w.ReadLine()
		if err != nil {
			t.Fatalf("watcher after %q: %v", got, err)
		}
		if cmd, target, text, ok := splitRelayed(line); ok && cmd == "PRIVMSG" && target == channel {
			got = append(got, text)
		}
	}
	return got
}

// TestChairFirst: what a second client in the channel receives from a real
// server. Everything queued before the connection is up goes out high lane
// first (the chair's lines, in order), then the lookup answers in the order
// asked, a repeated ask joined into one addressed line. While connected and
// paced, a chair line jumps every answer still waiting.
func TestChairFirst(t *testing.T) {
	srv := ircdtest.StartInspIRCd(t, ircdtest.Options{})
	watcher := dialLine(t, srv.Addr(), "watcher")
	watcher.Send("JOIN #meet")
	watcher.WaitFor(func(l string) bool { return strings.Contains(l, " 366 ") })

	cfg := testConfig(srv.Port, "chair")
	cfg.Channels = []string{"#meet"}
	c, err := New(cfg, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range []struct{ key, asker string }{{".fas alice", "bob"}, {".pkgs gavel", "carol"}, {".fas alice", "dave"}} {
		if err := c.Answer("#meet", a.key, a.asker, []string{"answer to " + a.key}); err != nil {
			t.Fatal(err)
		}
	}
	c.Say("#meet", "#startmeeting lanes")
	c.Answer("#meet", ".mirrors", "erin", []string{"answer to .mirrors"})
	c.Say("#meet", "#topic first")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	go func() {
		for range c.Events() {
		}
	}()
	got := channelLines(t, watcher, "#meet", func(g []string) bool { return len(g) == 5 })
	want := []string{"#startmeeting lanes", "#topic first", "bob, dave: answer to .fas alice", "carol: answer to .pkgs gavel", "erin: answer to .mirrors"}
	if !slices.Equal(got, want) {
		t.Errorf("queued before connecting: received\n %q\nwant\n %q", got, want)
	}
}

// TestChairFirstWhilePaced: with pacing on (one line every 2 s after the
// burst), answers are waiting when the chair speaks; the chair's line is
// the next line the server receives.
func TestChairFirstWhilePaced(t *testing.T) {
	srv := ircdtest.StartNgircd(t)
	watcher := dialLine(t, srv.Addr(), "watcher")
	watcher.Send("JOIN #meet")
	watcher.WaitFor(func(l string) bool { return strings.Contains(l, " 366 ") })
	cfg := testConfig(srv.Port, "chair")
	cfg.SendUnpaced, cfg.SendBurst, cfg.SendRate = false, 2, 0.5
	cfg.Channels = []string{"#meet"}
	l := startClient(t, cfg)
	l.waitJoined(10*time.Second, cfg.Channels)
	for i := range 6 {
		if err := l.c.Answer("#meet", fmt.Sprintf(".fas user%d", i), fmt.Sprintf("asker%d", i), []string{"answer"}); err != nil {
			t.Fatal(err)
		}
	}
	// The first answer used the burst's token left after the JOIN; the
	// others wait 2 s each, and the chair's line goes before all of them.
	if err := l.c.Say("#meet", "chair speaks"); err != nil {
		t.Fatal(err)
	}
	got := channelLines(t, watcher, "#meet", func(g []string) bool { return slices.Contains(g, "chair speaks") })
	if len(got) > 2 {
		t.Errorf("the chair's line came after %d answers: %q", len(got)-1, got)
	}
}

// BenchmarkChairBehindLookups: how long a chair's line waits behind a
// burst of 30 channel lookup answers at the default pacing (a burst of 5,
// then one line every 2 s), measured through a real ngircd: 30 answers
// are queued, the burst goes out (the JOIN and 4 answers), then the chair
// speaks; the figure is from Say to the line reaching a second client in
// the channel. In one shared queue the chair waited for all 30 answers
// (about 52 s); in the high lane it waits for the next token (≤ 2 s).
// One op is a whole connection (about 2-4 s); see chair-wait-ms.
func BenchmarkChairBehindLookups(b *testing.B) {
	srv := ircdtest.StartNgircd(b)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	watcher, err := ircdtest.Dial(ctx, srv.Addr(), "watcher")
	if err != nil {
		b.Fatal(err)
	}
	defer watcher.Close()
	watcher.Send("JOIN #meet")
	watcher.WaitFor(func(l string) bool { return strings.Contains(l, " 366 ") })
	var wait time.Duration
	var before int
	for i := 0; b.Loop(); i++ {
		cfg := testConfig(srv.Port, fmt.Sprintf("chair%d", i))
		def := DefaultConfig()
		cfg.SendUnpaced, cfg.SendBurst, cfg.SendRate = false, def.SendBurst, def.SendRate
		cfg.Channels = []string{"#meet"}
		c, err := New(cfg, nil)
		if err != nil {
			b.Fatal(err)
		}
		cctx, stop := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() { done <- c.Run(cctx) }()
		l := &live{t: b, c: c, done: done}
		l.waitJoined(10*time.Second, cfg.Channels)
		go func() {
			for range c.Events() {
			}
		}()
		for k := range 30 {
			c.Answer("#meet", fmt.Sprintf(".fas user%d", k), fmt.Sprintf("asker%d", k), []string{"user is a Fedora contributor"})
		}
		burst := cfg.SendBurst - 1 // the JOIN took one token
		channelLines(b, watcher, "#meet", func(g []string) bool { return len(g) == burst })
		start := time.Now()
		c.Say("#meet", "#topic the chair's line")
		got := channelLines(b, watcher, "#meet", func(g []string) bool { return slices.Contains(g, "#topic the chair's line") })
		wait += time.Since(start)
		before += len(got) - 1
		stop()
		<-done
		// the next op's watcher must not see this client's lines
		watcher.Send("PING :op-done")
		watcher.WaitFor(func(l string) bool { return strings.Contains(l, "op-done") })
	}
	b.ReportMetric(float64(wait.Milliseconds())/float64(b.N), "chair-wait-ms/op")
	b.ReportMetric(float64(before)/float64(b.N), "answers-before/op")
}
