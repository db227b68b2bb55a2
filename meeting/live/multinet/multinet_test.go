package multinet

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"gavel/ircclient/ircdtest"
	"gavel/matrixclient/dendritetest"
	"gavel/meeting/live"
)

func TestNamesBelongToOneNetwork(t *testing.T) {
	for _, c := range []struct {
		name   string
		matrix bool
	}{
		{"#meet", false},
		{"##fedora-meeting", false},
		{"&local", false},
		{"alice", false},
		{"nick[away]", false},
		{"#meet:localhost", true},
		{"#fedora-meeting-1:fedora.im", true},
		{"!abcdef:example.org", true},
		{"!abcdef", true}, // a version 12 room ID
		{"@alice:example.org", true},
	} {
		if MatrixNames(c.name) != c.matrix || IRCNames(c.name) == c.matrix {
			t.Errorf("%q: Matrix's %v, IRC's %v; want Matrix's %v", c.name, MatrixNames(c.name), IRCNames(c.name), c.matrix)
		}
	}
}

// counted is a network whose Next calls and returns are counted.
type counted struct {
	live.Network
	calls, returns atomic.Int32
}

func (c *counted) Next(ctx context.Context, max int) ([]live.Event, bool) {
	c.calls.Add(1)
	defer c.returns.Add(1)
	return c.Network.Next(ctx, max)
}

// TestMultiOverIRCAndMatrix runs a Multi over a real IRC connection
// (InspIRCd) and a real Matrix one (Dendrite): the events of both come
// through it, each line goes to its own network by the name's form, names
// fold as their network folds them, and a network is asked for its next
// batch only once the previous one was handed on and Next called again.
func TestMultiOverIRCAndMatrix(t *testing.T) {
	srv := ircdtest.StartInspIRCd(t, ircdtest.Options{})
	hs := dendritetest.Start(t)
	chair := hs.Register(t, "chair")
	alice := hs.Register(t, "alice")
	room := alice.CreateRoom(t, "meet")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	irc, mx := chairClients(t, srv.Port, "#Meet", hs, chair, 5*time.Second, nil)
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	go irc.Run(runCtx)
	go mx.Run(runCtx)
	ircNet, mxNet := &counted{Network: live.NewIRC(irc)}, &counted{Network: live.NewMatrix(mx, stop)}
	m := New(Member{Network: ircNet, Owns: IRCNames}, Member{Network: mxNet, Owns: MatrixNames})

	var seen []live.Event
	until := func(what string, ok func(live.Event) bool) {
		t.Helper()
		for {
			for len(seen) > 0 {
				ev := seen[0]
				seen = seen[1:]
				if ok(ev) {
					return
				}
			}
			batch, open := m.Next(ctx, 64)
			// A network whose batch was just handed on is not asked
			// for its next one before Next is called again (the
			// Matrix adapter acks a batch then).
			time.Sleep(10 * time.Millisecond)
			for _, p := range m.delivered {
				if c := p.net.(*counted); c.calls.Load() != c.returns.Load() {
					t.Fatalf("a network was asked for its next batch before this one was handled")
				}
			}
			seen = batch
			if !open {
				t.Fatalf("the Multi closed before %s", what)
			}
		}
	}
	joined := map[string]bool{}
	until("both joins", func(ev live.Event) bool {
		if j, ok := ev.(live.Join); ok && j.From.Self {
			joined[j.Channel] = true
		}
		return joined["#Meet"] && joined["#meet:localhost"]
	})
	if !m.InChannel("#meet") || !m.InChannel("#meet:localhost") || m.InChannel("#other:localhost") {
		t.Error("InChannel does not ask the channel's own network")
	}
	if m.Fold("#MEET") != "#meet" || m.Fold("#Meet:localhost") != "#Meet:localhost" {
		t.Errorf("folds: %q %q", m.Fold("#MEET"), m.Fold("#Meet:localhost"))
	}

	bob, err := ircdtest.Dial(ctx, srv.Addr(), "bob")
	if err != nil {
		t.Fatal(err)
	}
	defer bob.Close()
	bob.Send("JOIN #meet")
	bob.WaitFor(func(l string) bool { return strings.Contains(l, " 366 ") })
	if err := m.Say("#meet", "hello IRC"); err != nil {
		t.Fatal(err)
	}
	if err := m.Reply("#meet:localhost", "hello Matrix"); err != nil {
		t.Fatal(err)
	}
	if _, err := bob.WaitFor(func(l string) bool { return strings.Contains(strings.ToLower(l), "privmsg #meet :hello irc") }); err != nil {
		t.Fatal(err)
	}
	alice.Text(t, room, "from Matrix")
	bob.Send("PRIVMSG #meet :from IRC")
	got := map[string]string{}
	until("the four lines", func(ev live.Event) bool {
		if msg, ok := ev.(live.Message); ok {
			got[msg.Text] = msg.Target
		}
		return len(got) >= 4
	})
	want := map[string]string{"hello IRC": "#meet", "hello Matrix": "#meet:localhost", "from Matrix": "#meet:localhost", "from IRC": "#meet"}
	for text, target := range want {
		if !strings.EqualFold(got[text], target) {
			t.Errorf("%q came in %q, want %q (all: %v)", text, got[text], target, got)
		}
	}
	if err := m.Raw("PING :raw"); err != nil {
		t.Errorf("a raw line goes to IRC: %v", err)
	}
	if err := m.Mode("#meet:localhost", "+m"); err == nil {
		t.Error("a mode on a Matrix room went somewhere")
	}
}
