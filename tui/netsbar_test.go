package tui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"gavel/ircclient/ircdtest"
	"gavel/matrixclient"
	"gavel/matrixclient/dendritetest"
	"gavel/meeting/live"
	"gavel/meeting/live/multinet"
)

// TestStatusBarKeepsEachNetworkApart runs the console (through teatest)
// on InspIRCd and Dendrite at once, as cmd/gavel wires them (one
// multinet.Multi): the status bar shows each network with its own nick
// and state; when the IRC server dies, IRC's state says so while
// Matrix's stays connected, and the other way round nothing is mixed up;
// a narrower terminal narrows the networks, never losing either; the IRC
// nick stays the console's own nick (the Matrix user ID is no nick to
// highlight).
func TestStatusBarKeepsEachNetworkApart(t *testing.T) {
	srv := ircdtest.StartInspIRCd(t, ircdtest.Options{})
	hs := dendritetest.Start(t)
	chairU := hs.Register(t, "chair")
	chairU.CreateRoom(t, "meet")

	irc := realClient(t, srv, "chair", "#meet")
	pw := filepath.Join(t.TempDir(), "pw")
	if err := os.WriteFile(pw, []byte(chairU.Password), 0o600); err != nil {
		t.Fatal(err)
	}
	mx, err := matrixclient.New(matrixclient.Config{Homeserver: hs.URL, UserID: chairU.UserID, PasswordFile: pw,
		Rooms: []string{dendritetest.Alias("meet")}, StateDir: t.TempDir(), SyncTimeout: 5 * time.Second}, nil)
	if err != nil {
		t.Fatal(err)
	}
	mxCtx, stopMx := context.WithCancel(context.Background())
	mxDone := make(chan struct{})
	go func() { mx.Run(mxCtx); close(mxDone) }()
	t.Cleanup(func() { stopMx(); <-mxDone })

	multi := multinet.New(
		multinet.Member{Network: live.NewIRC(irc), Name: "127.0.0.1", Owns: multinet.IRCNames},
		multinet.Member{Network: live.NewMatrix(mx, stopMx), Name: "localhost", Owns: multinet.MatrixNames})
	ctl, err := live.New(live.Config{Network: multi})
	if err != nil {
		t.Fatal(err)
	}
	opts := fixedOpts()
	opts.Now = time.Now
	opts.Network, opts.Glue, opts.Nick, opts.Server, opts.Channels = multi, ctl, "chair", srv.Addr()+" + "+hs.URL, []string{"#meet", "#meet:localhost"}
	m, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("TERM", "xterm-256color")
	tm := teatest.NewTestModel(t, &probedModel{Model: m}, teatest.WithInitialTermSize(140, 30),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.ANSI256)))

	bar := func(m *Model) string {
		rows := strings.Split(ansi.Strip(m.Render()), "\n")
		return rows[len(rows)-2]
	}
	until := func(what string, cond func(bar string) bool) {
		t.Helper()
		w := &waiter{cond: func(m *Model) bool { return cond(bar(m)) }, done: make(chan struct{})}
		tm.Send(waitMsg{w})
		select {
		case <-w.done:
		case <-time.After(30 * time.Second):
			got := make(chan string, 1)
			tm.Send(probeMsg{fn: func(m *Model) { got <- bar(m) }, done: make(chan struct{})})
			t.Fatalf("no %s within 30s; the status bar: %q", what, <-got)
		}
	}
	has := func(parts ...string) func(string) bool {
		return func(b string) bool {
			for _, p := range parts {
				if !strings.Contains(b, p) {
					return false
				}
			}
			return true
		}
	}

	until("both networks connected", has(" #meet ", "127.0.0.1: chair ● connected │ localhost: @chair:localhost ● connected · lag "))
	nick := make(chan string, 1)
	tm.Send(probeMsg{fn: func(m *Model) { nick <- m.Me.Nick }, done: make(chan struct{})})
	if n := <-nick; n != "chair" {
		t.Errorf("the console's own nick is %q with Matrix connected, want the IRC nick", n)
	}

	srv.KillIRCd()
	until("IRC down, Matrix still up", has("127.0.0.1: chair ○ ", "│ localhost: @chair:localhost ● connected"))
	// A line typed in the IRC channel waits for IRC; one typed in the
	// Matrix room goes out.
	shows := func(what, window, want string, not ...string) {
		t.Helper()
		w := &waiter{cond: func(m *Model) bool {
			if m.wins.Current().Name != window {
				return false
			}
			s := ansi.Strip(m.Render())
			for _, n := range not {
				if strings.Contains(s, n) {
					return false
				}
			}
			return strings.Contains(s, want)
		}, done: make(chan struct{})}
		tm.Send(waitMsg{w})
		select {
		case <-w.done:
		case <-time.After(30 * time.Second):
			got := make(chan string, 1)
			tm.Send(probeMsg{fn: func(m *Model) { got <- ansi.Strip(m.Render()) }, done: make(chan struct{})})
			t.Fatalf("no %s within 30s; the screen:\n%s", what, <-got)
		}
	}
	typeLine := func(window, text string) {
		tm.Send(probeMsg{fn: func(m *Model) { m.focus(m.wins.Get(window)); send(m, text) }, done: make(chan struct{})})
	}
	typeLine("#meet", "hello while IRC is down")
	shows("the IRC line waiting", "#meet", "⧗ hello while IRC is down")
	typeLine("#meet:localhost", "hello Matrix")
	shows("the Matrix line sent", "#meet:localhost", "│ hello Matrix", "⧗ hello Matrix")
	tm.Send(probeMsg{fn: func(m *Model) { m.focus(m.wins.Get("#meet")) }, done: make(chan struct{})})
	// The lag is the connected networks' (IRC's waiting line is not).
	until("Matrix's lag", func(b string) bool { return strings.Contains(b, " #meet ") && strings.Contains(b, "· lag 0ms") })

	tm.Send(tea.WindowSizeMsg{Width: 60, Height: 20})
	until("the narrow bar", has(" #meet ", "127.0.0.1 ○ │ localhost ●"))
	tm.Send(tea.WindowSizeMsg{Width: 30, Height: 20})
	until("the narrowest bar", has(" #meet ", "127… ○ │ loc… ●"))

	srv.RestartIRCd()
	tm.Send(tea.WindowSizeMsg{Width: 140, Height: 30})
	until("IRC back", has("127.0.0.1: chair ● connected │ localhost: @chair:localhost ● connected"))

	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second))
	checkGeometry(t, fm.View().Content, 140, 30)
}
