package live

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"gavel/ircclient"
	"gavel/ircclient/ircdtest"
	"gavel/meeting"
	"gavel/meeting/publish"
)

// gavelOn connects a gavel client to srv and runs the controller's event
// loop, as the console runs it: wait for a burst, feed it. The returned
// lock stands for Bubble Tea's one Update goroutine (which also runs what
// the chair types), and seen receives "nick text" for every channel line
// and action gavel handled, and "MODE <modes>" for mode changes.
func gavelOn(t testing.TB, ctx context.Context, srv *ircdtest.Server, nick string, channels []string, cfg Config) (*Controller, *sync.Mutex, <-chan string, *ircclient.Client) {
	t.Helper()
	ic := ircclient.DefaultConfig()
	ic.Server, ic.Port, ic.TLS = ircdtest.Host, srv.Port, false
	ic.Nick, ic.Channels, ic.SendUnpaced = nick, channels, true
	g := startGavel(t, ctx, ic, cfg)
	return g.ctrl, g.mu, g.seen, g.client
}

// gavelRun is a gavel client and its controller's event loop.
type gavelRun struct {
	ctrl   *Controller
	mu     *sync.Mutex
	seen   <-chan string
	client *ircclient.Client
	stop   func() // quits and waits for the loop to end (a crash, to the journal)
}

// startGavel connects with ic and runs the event loop until the client
// stops; it returns once gavel has joined.
func startGavel(t testing.TB, ctx context.Context, ic ircclient.Config, cfg Config) *gavelRun {
	t.Helper()
	client, err := ircclient.New(ic, nil)
	if err != nil {
		t.Fatal(err)
	}
	runCtx, cancel := context.WithCancel(ctx)
	go client.Run(runCtx)
	cfg.Network = NewIRC(client) // as the console does
	ctrl, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	seen := make(chan string, 1<<16)
	joined, done := driveInTest(ctx, cfg.Network.(*IRC), ctrl, &mu, func(ev Event) {
		switch ev := ev.(type) {
		case Message:
			if ev.Action {
				seen <- ev.From.Nick + " " + ev.Text
				return
			}
			select {
			case seen <- ev.From.Nick + " " + ev.Text:
			default:
			}
		case Mode:
			seen <- "MODE " + ev.Modes
		}
	})
	select {
	case <-joined:
	case <-ctx.Done():
		t.Fatal("gavel did not join")
	}
	return &gavelRun{ctrl: ctrl, mu: &mu, seen: seen, client: client, stop: func() { cancel(); <-done }}
}

// driveInTest runs Drive on net and ctrl in a goroutine with the
// console's batch (tui.MaxBatch), as headless mode runs it, handing each
// event handled to see (under mu); joined is closed at our first join,
// done when Drive returns.
func driveInTest(ctx context.Context, net Network, ctrl *Controller, mu sync.Locker, see func(Event)) (joined, done <-chan struct{}) {
	j, d := make(chan struct{}), make(chan struct{})
	var once sync.Once
	go func() {
		defer close(d)
		Drive(ctx, net, ctrl, mu, 256, nil, func(batch []Event, _ []Update) {
			for _, ev := range batch {
				if jn, ok := ev.(Join); ok && jn.From.Self {
					once.Do(func() { close(j) })
				}
				see(ev)
			}
		})
	}()
	return j, d
}

// waitSeen waits until gavel has handled the line "nick text".
func waitSeen(t testing.TB, ctx context.Context, seen <-chan string, want string) {
	t.Helper()
	for {
		select {
		case got := <-seen:
			if got == want {
				return
			}
		case <-ctx.Done():
			t.Fatalf("gavel never saw %q", want)
		}
	}
}

// TestChairBoundToAccount: with chairs bound to services accounts, someone
// who takes the chair's nick without the chair's account runs nothing.
func TestChairBoundToAccount(t *testing.T) {
	srv := ircdtest.StartInspIRCd(t, ircdtest.Options{})
	srv.RegisterAccounts(map[string]string{"chair": "s3cret-pass"})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	ctrl, mu, seen, _ := gavelOn(t, ctx, srv, "gavelbot", []string{"#meet"}, Config{BindAccounts: true})

	chair, err := ircdtest.Dial(ctx, srv.Addr(), "chair")
	if err != nil {
		t.Fatal(err)
	}
	must(t, chair.Send("PRIVMSG NickServ :IDENTIFY chair s3cret-pass"))
	chair.Expect(t, "You are now logged in")
	must(t, chair.Send("JOIN #meet"))
	for _, l := range []string{"#startmeeting Bound", "#topic real chair"} {
		must(t, chair.Send("PRIVMSG #meet :"+l))
		waitSeen(t, ctx, seen, "chair "+l)
	}
	must(t, chair.Send("QUIT :brb"))
	chair.Close()

	// mallory takes the nick, without the account.
	var mallory *ircdtest.LineClient
	for i := 0; i < 50 && mallory == nil; i++ { // the old connection may linger a moment
		mallory, err = ircdtest.Dial(ctx, srv.Addr(), "chair")
		if err != nil {
			time.Sleep(100 * time.Millisecond)
		}
	}
	if mallory == nil {
		t.Fatal(err)
	}
	defer mallory.Close()
	must(t, mallory.Send("JOIN #meet"))
	for _, l := range []string{"#topic stolen", "#agreed whatever mallory says", "#endmeeting"} {
		must(t, mallory.Send("PRIVMSG #meet :"+l))
		waitSeen(t, ctx, seen, "chair "+l)
	}
	mu.Lock()
	defer mu.Unlock()
	m := ctrl.Meeting("#meet")
	if m == nil || m.Ended() {
		t.Fatalf("the impostor ended the meeting: %+v", m)
	}
	var items []string
	for _, it := range m.Items {
		items = append(items, string(it.Kind)+":"+it.Text)
	}
	if len(items) != 1 || items[0] != "TOPIC:real chair" {
		t.Fatalf("items = %q, want only the real chair's topic", items)
	}
}

// BenchmarkLiveInbound measures channel lines per second through the whole
// live path on a real server (flood limits off): 32 clients talk in a
// channel with a meeting running; gavel reads them, runs the engine, syncs
// the journal and streams the log to the archive. The talkers send from
// outside the channel (gavel, its operator, sets -n), so the server fans
// each line out to gavel alone and the figure is gavel's, not the
// server's fan-out.
func BenchmarkLiveInbound(b *testing.B) {
	srv := ircdtest.StartInspIRCd(b, ircdtest.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	_, _, seen, client := gavelOn(b, ctx, srv, "gavelbot", []string{"#load"}, Config{
		Archive: publish.New(b.TempDir(), meeting.StyleDefault, ""), JournalDir: b.TempDir(),
	})
	const senders = 32
	const perOp = 4096 // lines per benchmark op, spread over the senders
	// The test server disconnects a client after 1000 commands in a
	// burst (threshold, fakelag off): talkers are replaced before that,
	// off the clock.
	const perTalker = 900
	var clients []*ircdtest.LineClient
	generation := 0
	talkers := func() {
		for _, lc := range clients {
			lc.Close()
		}
		clients = make([]*ircdtest.LineClient, senders)
		generation++
		var wg sync.WaitGroup
		for i := range clients {
			wg.Go(func() {
				nick := fmt.Sprintf("talker%d_%d", generation, i)
				lc, err := ircdtest.Dial(ctx, srv.Addr(), nick)
				if err != nil {
					b.Error(err)
					return
				}
				go func() {
					for {
						if _, err := lc.ReadLine(); err != nil {
							return
						}
					}
				}()
				clients[i] = lc
			})
		}
		wg.Wait()
		if b.Failed() {
			b.FailNow()
		}
	}
	talkers()
	must(b, client.SendRaw("MODE #load -n"))
	waitSeen(b, ctx, seen, "MODE -n")
	clients[0].Send("PRIVMSG #load :#startmeeting Load")
	waitSeen(b, ctx, seen, "talker1_0 #startmeeting Load")
	sent := 1
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		if sent+perOp/senders > perTalker {
			b.StopTimer()
			talkers()
			sent = 0
			b.StartTimer()
		}
		sent += perOp / senders
		var wg sync.WaitGroup
		for i, lc := range clients {
			wg.Go(func() {
				var sb strings.Builder
				for j := i; j < perOp; j += senders {
					sb.WriteString("PRIVMSG #load :line of the load meeting, number " + strings.Repeat("x", j%20) + "\r\n")
				}
				check(b, lc.Send(strings.TrimSuffix(sb.String(), "\r\n")))
			})
		}
		wg.Wait()
		for got := 0; got < perOp; got++ {
			select {
			case <-seen:
			case <-ctx.Done():
				b.Fatalf("op %d: %d of %d lines arrived", n, got, perOp)
			}
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(perOp*b.N)/b.Elapsed().Seconds(), "lines/s")
}

// TestServerRestartMidMeeting: the server goes down and comes back; gavel
// reconnects, rejoins, and the meeting goes on to its minutes.
func TestServerRestartMidMeeting(t *testing.T) {
	srv := ircdtest.StartInspIRCd(t, ircdtest.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	root := t.TempDir()
	ctrl, mu, seen, _ := gavelOn(t, ctx, srv, "gavelbot", []string{"#meet"}, Config{
		Archive: publish.New(root, meeting.StyleDefault, ""), JournalDir: t.TempDir(),
	})
	talk := func(lines ...string) {
		alice, err := ircdtest.Dial(ctx, srv.Addr(), "alice")
		if err != nil {
			t.Fatal(err)
		}
		defer alice.Close()
		must(t, alice.Send("JOIN #meet"))
		alice.WaitFor(func(s string) bool { return strings.Contains(s, " 366 ") })
		for _, l := range lines {
			must(t, alice.Send("PRIVMSG #meet :"+l))
			waitSeen(t, ctx, seen, "alice "+l)
		}
		must(t, alice.Send("QUIT"))
	}
	talk("#startmeeting Restart", "#info before the restart")
	srv.RestartIRCd()
	// gavel must be back in the channel before alice speaks again.
	for rejoined := false; !rejoined; {
		probe, err := ircdtest.Dial(ctx, srv.Addr(), "probe")
		if err != nil {
			t.Fatal(err)
		}
		must(t, probe.Send("NAMES #meet"))
		l, _ := probe.WaitFor(func(s string) bool { return strings.Contains(s, " 353 ") || strings.Contains(s, " 366 ") })
		rejoined = strings.Contains(l, "gavelbot")
		probe.Close()
		if !rejoined {
			select {
			case <-ctx.Done():
				t.Fatal("gavel did not rejoin after the restart")
			case <-time.After(200 * time.Millisecond):
			}
		}
	}
	talk("#info after the restart", "#endmeeting")
	mu.Lock()
	m := ctrl.Meeting("#meet")
	mu.Unlock()
	if m == nil || !m.Ended() {
		t.Fatalf("meeting = %+v", m)
	}
	txt, err := os.ReadFile(filepath.Join(root, "meet", m.DayDir(), m.BaseName()+".txt"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"before the restart", "after the restart"} {
		if !strings.Contains(string(txt), want) {
			t.Errorf("minutes lack %q:\n%s", want, txt)
		}
	}
}
