package multinet

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"gavel/ircclient"
	"gavel/ircclient/ircdtest"
	"gavel/matrixclient/dendritetest"
	"gavel/meeting"
	"gavel/meeting/live"
	"gavel/meeting/publish"
)

// TestOneNetworkDownTheOtherMeetsOn runs the live driver over a Multi of
// a real IRC connection (InspIRCd) and a real Matrix one (Dendrite), a
// meeting on each in turn: while the IRC server is dead the Matrix
// meeting goes on, every line of it in the minutes and no gap said; while
// the homeserver is down the IRC meeting does. One network's connection
// is no other's.
func TestOneNetworkDownTheOtherMeetsOn(t *testing.T) {
	srv := ircdtest.StartInspIRCd(t, ircdtest.Options{})
	hs := dendritetest.Start(t)
	chairU := hs.Register(t, "chair")
	alice := hs.Register(t, "alice")
	room := alice.CreateRoom(t, "meet")
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()

	irc, mx := chairClients(t, srv.Port, "#meet", hs, chairU, 2*time.Second, func(ic *ircclient.Config) {
		ic.ReconnectMin, ic.ReconnectMax = 50*time.Millisecond, 200*time.Millisecond
	})
	runCtx, stop := context.WithCancel(ctx)
	var running sync.WaitGroup
	running.Add(3)
	go func() { defer running.Done(); irc.Run(runCtx) }()
	go func() { defer running.Done(); mx.Run(runCtx) }()
	m := New(Member{Network: live.NewIRC(irc), Name: "irc", Owns: IRCNames},
		Member{Network: live.NewMatrix(mx, stop), Name: "matrix", Owns: MatrixNames})
	root := t.TempDir()
	ctrl, err := live.New(live.Config{Network: m, Archive: publish.New(root, meeting.StyleDefault, ""), JournalDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	// The live driver's loop, as headless mode runs it; what it saw.
	seen := make(chan string, 4096) // "network state" of a Conn, "nick text" of a Message, "join channel" of ours
	go func() {
		defer running.Done()
		for {
			batch, open := m.Next(runCtx, 256)
			ctrl.HandleBatch(batch)
			for _, ev := range batch {
				switch e := ev.(type) {
				case live.Conn:
					seen <- e.Network + " " + e.State.String()
				case live.Message:
					seen <- e.From.Nick + " " + e.Text
				case live.Join:
					if e.From.Self {
						seen <- "join " + e.Channel
					}
				}
			}
			if !open {
				return
			}
		}
	}()
	t.Cleanup(func() { stop(); running.Wait(); ctrl.Close() })
	wait := func(want ...string) {
		t.Helper()
		left := map[string]bool{}
		for _, w := range want {
			left[w] = true
		}
		for len(left) > 0 {
			select {
			case s := <-seen:
				delete(left, s)
			case <-ctx.Done():
				t.Fatalf("never saw %q", want)
			}
		}
	}
	published := func(glob, want string) {
		t.Helper()
		for {
			if logs, _ := filepath.Glob(filepath.Join(root, glob)); len(logs) == 1 {
				b, err := os.ReadFile(logs[0])
				if err != nil {
					t.Fatal(err)
				}
				if !strings.Contains(string(b), want) || strings.Contains(string(b), "gavel was away") || strings.Contains(string(b), "known as") {
					t.Errorf("%s:\n%s", logs[0], b)
				}
				return
			}
			select {
			case <-ctx.Done():
				t.Fatalf("no %s published", glob)
			case <-time.After(50 * time.Millisecond):
			}
		}
	}
	wait("join #meet", "join #meet:localhost")

	// IRC's server dies in the middle of the Matrix meeting.
	alice.Text(t, room, "#startmeeting matrix side")
	wait("alice #startmeeting matrix side")
	srv.KillIRCd()
	wait("irc disconnected")
	alice.Text(t, room, "#info said while IRC is down")
	alice.Text(t, room, "#endmeeting")
	wait("alice #endmeeting")
	published("meet_matrix_localhost/*/matrix_side.*.log.txt", "<alice> #info said while IRC is down")

	// The homeserver goes down in the middle of the IRC meeting.
	srv.RestartIRCd()
	wait("join #meet")
	bob, err := ircdtest.Dial(ctx, srv.Addr(), "bob")
	if err != nil {
		t.Fatal(err)
	}
	defer bob.Close()
	bob.Send("JOIN #meet")
	bob.WaitFor(func(l string) bool { return strings.Contains(l, " 366 ") })
	bob.Send("PRIVMSG #meet :#startmeeting irc side")
	wait("bob #startmeeting irc side")
	hs.Stop()
	wait("matrix reconnecting")
	bob.Send("PRIVMSG #meet :#info said while Matrix is down")
	bob.Send("PRIVMSG #meet :#endmeeting")
	wait("bob #endmeeting")
	published("meet/*/irc_side.*.log.txt", "<bob> #info said while Matrix is down")
}
