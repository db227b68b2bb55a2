package live

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gavel/ircclient"
	"gavel/ircclient/ircdtest"
	"gavel/meeting"
	"gavel/meeting/publish"
	"gavel/meeting/replay"
)

// TestOwnLinesStayTheChairsUnderAnotherNick: gavel restarts while a ghost
// holds the chair's nick and comes back as chair_; the resumed meeting
// learns the new nick when gavel is back in the channel, so chair_'s
// lines are the chair's, and the log records the change for replay.
func TestOwnLinesStayTheChairsUnderAnotherNick(t *testing.T) {
	root, jdir := t.TempDir(), t.TempDir()
	net := &recorder{nick: "chair"}
	c := newController(t, root, jdir, net)
	online(c)
	net.feed(c, msg(1, "chair", "#startmeeting Ghosts"))
	net.feed(c, msg(2, "chair", "#topic before the restart"))
	must(t, c.Close())

	// The restart: the configured nick is taken.
	net = &recorder{nick: "chair_"}
	c = newController(t, root, jdir, net)
	c.Resume("#meet")
	net.feed(c, ircclient.State{Meta: ircclient.Meta{Time: t0.Add(10 * time.Second)}, State: ircclient.Registered, Nick: "chair_", Wanted: "chair"})
	net.feed(c, join(10, "chair_"))
	net.feed(c, msg(11, "chair_", "#topic after the restart"))
	if got := c.Meeting("#meet").CurrentTopic(); got != "after the restart" {
		t.Fatalf("topic %q: chair_'s #topic was not the chair's", got)
	}
	// The nick frees and gavel takes it back: a NICK of ours.
	net.feed(c, ircclient.NickChange{Meta: ircclient.Meta{Time: t0.Add(12 * time.Second)}, Source: ircclient.Source{Nick: "chair_", Self: true}, NewNick: "chair", Channels: []string{"#meet"}})
	net.nick = "chair"
	net.feed(c, msg(13, "chair", "#endmeeting"))
	if !c.Meeting("#meet").Ended() {
		t.Fatal("the chair's #endmeeting did not end the meeting")
	}
	files := readFiles(t, root)
	var logTxt string
	for name := range files {
		if strings.HasSuffix(name, ".log.txt") {
			logTxt = name
		}
	}
	for _, want := range []string{"-!- chair is now known as chair_", "-!- chair_ is now known as chair"} {
		if !strings.Contains(string(files[logTxt]), want) {
			t.Errorf("the log lacks %q:\n%s", want, files[logTxt])
		}
	}
	out := t.TempDir()
	if _, err := replay.Reader(context.Background(), bytes.NewReader(files[logTxt]), "-", replay.Options{
		Channel: "#meet", Date: t0, Out: out, URLPrefix: "https://m.example/",
	}); err != nil {
		t.Fatal(err)
	}
	replayed := readFiles(t, out)
	for name, data := range files {
		if !bytes.Equal(replayed[name], data) {
			t.Errorf("replay differs in %s", name)
		}
	}
}

// TestGhostHoldsTheChairsNickOnHybrid: on ircd-hybrid, gavel restarts
// while a ghost holds "chair"; it comes back as chair_, its lines stay the
// chair's, and it takes "chair" back (MONITOR) as soon as the ghost goes:
// the chair's #endmeeting as "chair" ends the meeting.
func TestGhostHoldsTheChairsNickOnHybrid(t *testing.T) {
	srv := ircdtest.StartHybrid(t, ircdtest.HybridOptions{})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute) // three registrations of ~20 s without DNS
	defer cancel()
	root, jdir := t.TempDir(), t.TempDir()
	cfg := Config{Archive: publish.New(root, meeting.StyleDefault, ""), JournalDir: jdir}
	ic := ircclient.DefaultConfig()
	ic.Server, ic.Port, ic.TLS = ircdtest.Host, srv.Port, false
	ic.Nick, ic.Channels, ic.SendUnpaced = "chair", []string{"#meet"}, true

	g := startGavel(t, ctx, ic, cfg)
	say := func(g *gavelRun, nick, text string) {
		g.mu.Lock()
		g.ctrl.Say("#meet", text)
		g.mu.Unlock()
		waitSeen(t, ctx, g.seen, nick+" "+text)
	}
	say(g, "chair", "#startmeeting Ghosts")
	say(g, "chair", "#topic before the restart")
	g.stop()
	g.client.Quit("")

	ghost, err := ircdtest.Dial(ctx, srv.Addr(), "chair") // the old connection, lingering
	if err != nil {
		t.Fatal(err)
	}
	g = startGavel(t, ctx, ic, cfg)
	defer g.stop()
	if n := g.client.Nick(); n == "chair" {
		t.Fatalf("gavel got %q though a ghost holds it", n)
	}
	say(g, g.client.Nick(), "#topic after the restart")
	g.mu.Lock()
	topic := g.ctrl.Meeting("#meet").CurrentTopic()
	g.mu.Unlock()
	if topic != "after the restart" {
		t.Fatalf("topic %q: %s's #topic was not the chair's", topic, g.client.Nick())
	}
	must(t, ghost.Send("QUIT :gone"))
	for g.client.Nick() != "chair" {
		select {
		case <-ctx.Done():
			t.Fatal("gavel never took its nick back")
		case <-time.After(20 * time.Millisecond):
		}
	}
	say(g, "chair", "#endmeeting")
	logs, _ := filepath.Glob(filepath.Join(root, "meet", "*", "*.log.txt"))
	if len(logs) != 1 {
		t.Fatalf("logs %v", logs)
	}
	b, _ := os.ReadFile(logs[0])
	for _, want := range []string{"<chair_> #topic after the restart", "chair_ is now known as chair", "<chair> #endmeeting"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("log lacks %q:\n%s", want, b)
		}
	}
}
