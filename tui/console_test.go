package tui

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"gavel/backend"
	"gavel/ircclient"
	"gavel/meeting/live"
	"gavel/tui/chanlog"
	"gavel/tui/palette"
	"gavel/tui/winlist"
)

func liveModel(t testing.TB) (*Model, *fakeClient) {
	t.Helper()
	f := newFake()
	net := live.NewIRC(f) // the fake takes the IRC adapter's path
	ctl, err := live.New(live.Config{Network: net})
	if err != nil {
		t.Fatal(err)
	}
	o := fixedOpts()
	o.Network, o.Glue, o.Nick, o.Server, o.Channels = net, ctl, "chair", "irc.test:6697", []string{"#meet"}
	m, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	f.deliver(
		ircclient.Join{Meta: at(0), Source: ircclient.Source{Nick: "chair", Self: true}, Channel: "#meet"},
		ircclient.Names{Meta: at(0), Channel: "#meet", Members: []ircclient.Member{{Nick: "chair", Prefixes: "@"}, {Nick: "alice"}, {Nick: "bob"}}},
	)
	pump(m, f)
	return m, f
}

func press(s string) tea.KeyPressMsg {
	switch s {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "ctrl+k":
		return tea.KeyPressMsg{Code: 'k', Mod: tea.ModCtrl}
	case "ctrl+n":
		return tea.KeyPressMsg{Code: 'n', Mod: tea.ModCtrl}
	case "pgup":
		return tea.KeyPressMsg{Code: tea.KeyPgUp}
	case "space":
		return tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
	}
	r := []rune(s)[0]
	return tea.KeyPressMsg{Code: r, Text: s}
}

func typeLine(m *Model, s string) {
	for _, r := range s {
		if r == ' ' {
			m.Update(press("space"))
			continue
		}
		m.Update(press(string(r)))
	}
}

func send(m *Model, s string) {
	typeLine(m, s)
	m.Update(press("enter"))
}

func screen(m *Model) string { return ansi.Strip(m.Render()) }

// ev is a burst of IRC events as the IRC adapter hands them to the console.
func ev(evs ...ircclient.Event) eventsMsg {
	return eventsMsg{events: live.NewIRC(nil).Translate(evs), closed: true}
}

func at(s int) ircclient.Meta {
	return ircclient.Meta{Time: fixedNow.Add(time.Duration(s) * time.Second)}
}

func TestLiveMessagesAndMeeting(t *testing.T) {
	m, f := liveModel(t)
	m.Update(ev(
		ircclient.Join{Meta: at(0), Source: ircclient.Source{Nick: "chair", Self: true}, Channel: "#meet"},
		ircclient.Names{Meta: at(0), Channel: "#meet", Members: []ircclient.Member{{Nick: "chair", Prefixes: "@"}, {Nick: "alice"}, {Nick: "bob"}}},
		ircclient.Message{Meta: at(1), Source: ircclient.Source{Nick: "chair", Self: true}, Target: "#meet", Text: "#startmeeting Infra"},
		ircclient.Message{Meta: at(2), Source: ircclient.Source{Nick: "chair", Self: true}, Target: "#meet", Text: "#topic Deploys"},
		ircclient.Message{Meta: at(3), Source: ircclient.Source{Nick: "alice"}, Target: "#meet", Text: "\x02bold\x02 hello chair"},
		ircclient.Message{Meta: at(4), Source: ircclient.Source{Nick: "chair", Self: true}, Target: "#meet", Text: "#action bob to deploy"},
		ircclient.Message{Meta: at(5), Source: ircclient.Source{Nick: "chair", Self: true}, Target: "#meet", Text: "#action write docs"},
	))
	mt := m.Meeting()
	if mt == nil || mt.CurrentTopic() != "Deploys" {
		t.Fatalf("meeting not running in the glue: %+v", mt)
	}
	s := screen(m)
	for _, want := range []string{"▶ Deploys", "bob (1)", "unassigned (1)", "★ @chair", "bold hello chair", "Infra"} {
		if !strings.Contains(s, want) {
			t.Errorf("screen lacks %q\n%s", want, s)
		}
	}
	if !strings.Contains(f.all(), "PRIVMSG #meet :") {
		t.Errorf("the engine said nothing: %s", f.all())
	}
	// The mention was flagged.
	w := m.wins.Get("#meet")
	found := false
	for i := 0; i < w.Log.Buf.Len(); i++ {
		if l := w.Log.Buf.At(i); l.Nick == "alice" && l.Flags&chanlog.Mention != 0 {
			found = true
		}
	}
	if !found {
		t.Error("mention of our nick not flagged")
	}
}

func TestActivityMarkers(t *testing.T) {
	m, _ := liveModel(t)
	m.Update(ev(
		ircclient.Join{Meta: at(0), Source: ircclient.Source{Nick: "chair", Self: true}, Channel: "#other"},
		ircclient.Join{Meta: at(0), Source: ircclient.Source{Nick: "chair", Self: true}, Channel: "#third"},
		ircclient.Message{Meta: at(1), Source: ircclient.Source{Nick: "x"}, Target: "#other", Text: "hi all"},
		ircclient.Message{Meta: at(1), Source: ircclient.Source{Nick: "x"}, Target: "#third", Text: "chair: ping"},
	))
	bar := ansi.Strip(m.wins.Bar(""))
	if !strings.Contains(bar, "3:#other+") || !strings.Contains(bar, "4:#third!") {
		t.Errorf("activity markers: %q", bar)
	}
	m.Update(tea.KeyPressMsg{Code: '4', Mod: tea.ModAlt})
	if m.wins.Current().Name != "#third" || m.wins.Current().Act != winlist.Seen {
		t.Errorf("alt+4 went to %s", m.wins.Current().Name)
	}
	m.Update(press("ctrl+n"))
	if m.wins.Current().Name != statusWindow {
		t.Errorf("ctrl+n wraps to the status window, got %s", m.wins.Current().Name)
	}
}

func TestServerErrorInItsWindow(t *testing.T) {
	m, _ := liveModel(t)
	m.Update(ev(ircclient.Error{Meta: at(1), Code: "482", Window: "#meet", Text: "You're not channel operator"}))
	w := m.wins.Get("#meet")
	l := w.Log.Buf.Last()
	if l == nil || l.Kind != chanlog.Error || !strings.Contains(l.Text, "not a channel operator") {
		t.Fatalf("error line = %+v", l)
	}
	if strings.Count(l.Text, "\n") != 0 {
		t.Error("error spans lines")
	}
}

func TestWhoisReplyShownWhereTyped(t *testing.T) {
	m, _ := liveModel(t)
	m.Update(ev(ircclient.Reply{Meta: at(1), Code: "311", Params: []string{"nirik", "~kevin", "host.example", "*"}, Text: "Kevin Fenzi"}))
	l := m.wins.Current().Log.Buf.Last()
	if l == nil || l.Text != "nirik is ~kevin@host.example (Kevin Fenzi)" {
		t.Fatalf("reply line = %+v", l)
	}
}

func TestSlashCommands(t *testing.T) {
	m, f := liveModel(t)
	m.focus(m.wins.Get("#meet"))
	cases := []struct{ line, want string }{
		{"/op alice bob", "MODE #meet +oo alice bob"},
		{"/deop alice", "MODE #meet -o alice"},
		{"/voice bob", "MODE #meet +v bob"},
		{"/kick bob too loud", "KICK #meet bob :too loud"},
		{"/invite carol", "INVITE carol #meet"},
		{"/mode #meet +m", "MODE #meet +m"},
		{"/whois alice", "WHOIS alice"},
		{"/away lunch", "AWAY :lunch"},
		{"/away", "AWAY"},
		{"/raw PING x", "PING x"},
		{"/nick chair2", "NICK chair2"},
		{"/me waves", "PRIVMSG #meet :\x01ACTION waves\x01"},
		{"/topic New topic", "TOPIC #meet :New topic"},
		{"/msg alice hi there", "PRIVMSG alice :hi there"},
		{"hello everyone", "PRIVMSG #meet :hello everyone"},
		{"#info said via channel", "PRIVMSG #meet :#info said via channel"},
		{"//slash", "PRIVMSG #meet :/slash"},
		{"/join #new,#newer", "JOIN #new,#newer"},
	}
	for _, c := range cases {
		f.reset()
		m.focus(m.wins.Get("#meet"))
		send(m, c.line)
		if got := f.all(); !strings.Contains(got, c.want) {
			t.Errorf("%q sent %q, want %q", c.line, got, c.want)
		}
	}
	if m.wins.Get("#newer") == nil || m.wins.Current().Name != "#newer" {
		t.Error("/join did not open and focus the windows")
	}
	send(m, "/part")
	if m.wins.Get("#newer") != nil || !strings.Contains(f.last(), "PART #newer") {
		t.Errorf("/part: %s", f.all())
	}
	send(m, "/frobnicate")
	if l := m.wins.Current().Log.Buf.Last(); l.Kind != chanlog.Error || !strings.Contains(l.Text, "unknown command") {
		t.Errorf("unknown command: %+v", l)
	}
	typeLine(m, "/quit bye")
	_, cmd := m.Update(press("enter"))
	for _, msg := range runCmds(cmd) {
		m.Update(msg)
	}
	if f.quit != "bye" || !m.state.quitting {
		t.Error("/quit did not quit")
	}
}

func TestOfflineCommandsExplain(t *testing.T) {
	m := seedDemo(t, 50, fixedOpts())
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	send(m, "/join #x")
	if l := m.wins.Current().Log.Buf.Last(); l.Kind != chanlog.Error || !strings.Contains(l.Text, "needs a connection") {
		t.Errorf("offline /join: %+v", l)
	}
	// The chair's lines in the demo go to the engine.
	send(m, "#topic Typed by hand")
	drainDemo(m) // the line comes back from the demo network as our own
	if got := m.Meeting().CurrentTopic(); got != "Typed by hand" {
		t.Errorf("topic typed in the demo = %q", got)
	}
	send(m, "/minutes")
	if !m.results.Shown() || !strings.Contains(screen(m), "Minutes of infrastructure") {
		t.Errorf("minutes pane not shown:\n%s", screen(m))
	}
	m.Update(press("esc"))
	if m.results.Shown() {
		t.Error("esc did not close the pane")
	}
}

func TestLookupIsAsync(t *testing.T) {
	m := seedDemo(t, 10, fixedOpts())
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	typeLine(m, "/pkgs koschei")
	_, cmd := m.Update(press("enter"))
	if cmd == nil {
		t.Fatal("no command for the lookup")
	}
	if !strings.Contains(screen(m), "looking up") {
		t.Error("no loading state")
	}
	// Run the batch of commands the way the runtime would.
	msg := cmd()
	if b, ok := msg.(tea.BatchMsg); ok {
		for _, c := range b {
			if c == nil {
				continue
			}
			if r, ok := c().(lookupMsg); ok {
				m.Update(r)
			}
		}
	} else {
		m.Update(msg)
	}
	if s := screen(m); !strings.Contains(s, "koschei") || strings.Contains(s, "looking up") {
		t.Errorf("lookup answer not shown:\n%s", s)
	}
}

func TestCompletionAndHistory(t *testing.T) {
	m := seedDemo(t, 150, fixedOpts())
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	typeLine(m, "thr")
	m.Update(press("tab"))
	if got := m.input.Value(); got != "threebean: " {
		t.Errorf("nick completion = %q", got)
	}
	m.input.Reset()
	typeLine(m, "/jo")
	if !m.input.Comp.Open() {
		t.Fatal("command popup not open while typing a command")
	}
	m.Update(press("tab"))
	if got := m.input.Value(); got != "/join " {
		t.Errorf("command completion = %q", got)
	}
	m.input.Reset()
	typeLine(m, "/pkgs mirr")
	m.Update(press("tab"))
	if got := m.input.Value(); got != "/pkgs mirrormanager2 " {
		t.Errorf("package completion = %q", got)
	}
	m.input.Reset()
	typeLine(m, "#ag")
	m.Update(press("tab"))
	if got := m.input.Value(); !strings.HasPrefix(got, "#agree") {
		t.Errorf("meeting command completion = %q", got)
	}
	m.input.Reset()
	// History.
	send(m, "first")
	send(m, "second")
	m.Update(press("up"))
	if m.input.Value() != "second" {
		t.Errorf("up = %q", m.input.Value())
	}
	m.Update(press("up"))
	m.Update(press("down"))
	if m.input.Value() != "second" {
		t.Errorf("up up down = %q", m.input.Value())
	}
	m.Update(press("down"))
	if m.input.Value() != "" {
		t.Errorf("back to the draft = %q", m.input.Value())
	}
}

func TestPalette(t *testing.T) {
	m := seedDemo(t, 10, fixedOpts())
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	m.Update(press("ctrl+k"))
	if _, ok := m.overlay.(*palette.Model); !ok {
		t.Fatal("ctrl+k did not open the palette")
	}
	typeLine(m, "thlight")
	if !strings.Contains(screen(m), "theme: light") {
		t.Errorf("palette does not show the match:\n%s", screen(m))
	}
	m.Update(press("enter"))
	if m.overlay != nil || m.theme.Name != "light" {
		t.Errorf("palette did not switch theme: %s", m.theme.Name)
	}
}

func TestPasteConfirm(t *testing.T) {
	m, f := liveModel(t)
	m.focus(m.wins.Get("#meet"))
	m.Update(tea.PasteMsg{Content: "one\ntwo"})
	if !strings.Contains(f.all(), "PRIVMSG #meet :two") {
		t.Errorf("two lines were not sent: %s", f.all())
	}
	f.reset()
	m.Update(tea.PasteMsg{Content: "a\nb\nc\nd\ne"})
	if len(f.sent) != 0 || m.overlay == nil || !strings.Contains(screen(m), "Send 5 pasted lines to #meet?") {
		t.Fatalf("five lines were not held for confirmation: %v", f.sent)
	}
	m.Update(press("y"))
	if len(f.sent) != 5 {
		t.Errorf("sent %d lines after y", len(f.sent))
	}
	f.reset()
	m.Update(tea.PasteMsg{Content: "a\nb\nc\nd"})
	m.Update(press("esc"))
	if len(f.sent) != 0 || m.overlay != nil {
		t.Error("esc did not cancel the paste")
	}
	m.Update(tea.PasteMsg{Content: "single line"})
	if m.input.Value() != "single line" {
		t.Errorf("one line goes to the command line, got %q", m.input.Value())
	}
}

func TestMouseWheelScrollsPaneUnderPointer(t *testing.T) {
	m := seedDemo(t, 278, fixedOpts())
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	log := m.wins.Current().Log
	lr := m.geo.log
	m.Update(tea.MouseWheelMsg{X: lr.x + 2, Y: lr.y + 2, Button: tea.MouseWheelUp})
	if log.Offset() != 3 {
		t.Errorf("log offset after wheel up = %d", log.Offset())
	}
	tr := rect{x: m.geo.sideX, y: m.geo.bodyY}
	m.side.Topics.Scroll(-1000)
	m.Update(tea.MouseWheelMsg{X: tr.x + 2, Y: tr.y + 2, Button: tea.MouseWheelDown})
	if log.Offset() != 3 {
		t.Error("wheel over topics scrolled the log")
	}
	m.Update(press("pgup"))
	if log.Offset() <= 3 {
		t.Error("pgup did not scroll")
	}
	m.Update(tea.KeyPressMsg{Code: tea.KeyEnd})
	if !log.AtBottom() {
		t.Error("end did not return to the newest line")
	}
	m.Update(tea.KeyPressMsg{Code: tea.KeyHome})
	if !strings.Contains(screen(m), "#startmeeting") {
		t.Error("home does not show the first line")
	}
}

func TestDemoSpeedAndPause(t *testing.T) {
	m := seedDemo(t, 0, fixedOpts())
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	m.demo.net.SetPaused(false)
	base := time.Unix(0, 0)
	demoStep(m, base)
	for i := 1; i <= 5; i++ {
		demoStep(m, base.Add(time.Duration(i)*100*time.Millisecond))
	}
	if m.demo.net.Played() == 0 {
		t.Fatal("nothing played")
	}
	before := len(m.Meeting().Topics())
	m.Update(press("+"))
	if m.demo.net.Speed() != 50 {
		t.Errorf("speed after + = %g", m.demo.net.Speed())
	}
	m.Update(press("-"))
	m.Update(press("-"))
	if m.demo.net.Speed() != 10 {
		t.Errorf("speed after + - - = %g", m.demo.net.Speed())
	}
	m.Update(press("space"))
	if !m.demo.net.Paused() {
		t.Error("space did not pause")
	}
	played := m.demo.net.Played()
	demoStep(m, base.Add(10*time.Second))
	if m.demo.net.Played() != played {
		t.Error("paused demo played on")
	}
	m.Update(press("space"))
	for i := 0; i < 2000 && !m.demo.net.Done(); i++ {
		demoStep(m, base.Add(time.Duration(11+i)*500*time.Millisecond))
	}
	if !m.demo.net.Done() {
		t.Fatal("the demo did not finish")
	}
	if after := len(m.Meeting().Topics()); after <= before {
		t.Errorf("topic list did not grow: %d -> %d", before, after)
	}
	if !m.Meeting().Ended() {
		t.Error("the seed meeting did not end")
	}
}

func TestNarrowLayoutFoldsPanes(t *testing.T) {
	m := seedDemo(t, 150, fixedOpts())
	m.Update(tea.WindowSizeMsg{Width: 60, Height: 20})
	s := screen(m)
	if !strings.Contains(s, "Log  Topics  Actions  People") {
		t.Errorf("no tab row:\n%s", s)
	}
	m.Update(tea.KeyPressMsg{Code: 't', Mod: tea.ModCtrl})
	if s := screen(m); !strings.Contains(s, "▶ Mirrormanager2") {
		t.Errorf("ctrl+t did not show the topics:\n%s", s)
	}
	checkGeometry(t, m.Render(), 60, 20)
	for _, sz := range [][2]int{{20, 6}, {79, 24}, {80, 24}, {159, 50}, {160, 50}, {300, 80}} {
		m.Update(tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
		checkGeometry(t, m.Render(), sz[0], sz[1])
	}
}

func TestThemeCommand(t *testing.T) {
	m := seedDemo(t, 10, fixedOpts())
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	dark := m.Render()
	send(m, "/theme light")
	if m.theme.Name != "light" || m.Render() == dark {
		t.Error("/theme light changed nothing")
	}
	send(m, "/theme nope")
	if l := m.wins.Current().Log.Buf.Last(); l.Kind != chanlog.Error {
		t.Error("unknown theme accepted")
	}
	m.followBG = true
	m.Update(tea.BackgroundColorMsg{Color: nil})
}

// TestCoalescing: a burst of 10,000 inbound lines is handled in batches of
// at most MaxBatch, each followed by one frame, so the screen redraws many
// times during the burst instead of once per line or once at the end.
func TestCoalescing(t *testing.T) {
	ch := make(chan ircclient.Event, 10_000)
	for i := range 10_000 {
		ch <- ircclient.Message{Meta: at(i), Source: ircclient.Source{Nick: "flood"}, Target: "#meet", Text: fmt.Sprint("line ", i)}
	}
	var batches []int
	src := newFake()
	src.events = ch
	cmd := waitEvents(context.Background(), live.NewIRC(src))
	for len(ch) > 0 || len(batches) == 0 {
		msg := cmd().(eventsMsg)
		batches = append(batches, len(msg.events))
	}
	total := 0
	for _, n := range batches {
		if n > MaxBatch || n == 0 {
			t.Fatalf("batch of %d events", n)
		}
		total += n
	}
	if total != 10_000 {
		t.Fatalf("%d events delivered", total)
	}
	if want := (10_000 + MaxBatch - 1) / MaxBatch; len(batches) != want {
		t.Errorf("%d batches, want %d", len(batches), want)
	}
	// Through the model: every batch is one Update and so one frame.
	m, f := liveModel(t)
	for i := range 10_000 {
		f.events <- ircclient.Message{Meta: at(i), Source: ircclient.Source{Nick: "flood"}, Target: "#meet", Text: "x"}
	}
	updates := 0
	c := waitEvents(context.Background(), m.opts.Network)
	for {
		msg := c()
		_, next := m.Update(msg)
		updates++
		_ = m.Render()
		if len(f.events) == 0 {
			break
		}
		c = next
	}
	if got := m.wins.Get("#meet").Log.Buf.Len(); got != 10_000+1 { // and "you joined"
		t.Errorf("window holds %d lines", got)
	}
	if updates < 10_000/MaxBatch || updates > 10_000/MaxBatch+1 {
		t.Errorf("%d updates (frames) for the burst", updates)
	}
	// A closed channel ends the reader without a busy loop.
	close(ch)
	if msg := waitEvents(context.Background(), live.NewIRC(src))().(eventsMsg); !msg.closed {
		t.Error("closed channel not reported")
	}
}

func TestRunHeadless(t *testing.T) {
	m, err := NewSeedDemo(DemoOptions{Options: fixedOpts(), Speed: 1000, MaxIdle: time.Second, QuitWhenDone: true})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := contextWithTimeout(20 * time.Second)
	defer cancel()
	final, err := Run(ctx, m, true)
	if err != nil {
		t.Fatal(err)
	}
	fm := final.(*Model)
	if !fm.demo.net.Done() || fm.Meeting() == nil || !fm.Meeting().Ended() {
		t.Error("headless replay did not play the whole meeting")
	}
}

// TestChannelLookup: ".fas nirik" said in a channel is answered there,
// addressed to the asker, from the router (the offline snapshot here).
func TestChannelLookup(t *testing.T) {
	f := newFake()
	router, err := backend.New(backend.Config{Offline: true})
	if err != nil {
		t.Fatal(err)
	}
	net := live.NewIRC(f)
	ctl, err := live.New(live.Config{Network: net, Lookups: router})
	if err != nil {
		t.Fatal(err)
	}
	o := fixedOpts()
	o.Network, o.Glue, o.Nick, o.Channels, o.Router = net, ctl, "chair", []string{"#meet"}, router
	m, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	// As the real client does, our JOIN comes before the channel's lines.
	m.Update(ev(ircclient.Join{Meta: at(0), Source: ircclient.Source{Nick: "chair", Self: true}, Channel: "#meet"}))
	_, cmd := m.Update(ev(ircclient.Message{Meta: at(1), Source: ircclient.Source{Nick: "bob"}, Target: "#meet", Text: ".fas nirik"}))
	for _, msg := range runCmds(cmd) {
		m.Update(msg)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, s := range f.sent {
		if strings.HasPrefix(s, "PRIVMSG #meet :bob: ") && strings.Contains(s, "nirik") {
			return
		}
	}
	t.Fatalf("no reply to bob in #meet; sent %q", f.sent)
}

// runCmds runs a command as the runtime would, batches included, and
// returns the messages that arrive within a second; commands that wait on
// input (the IRC reader) are left waiting.
func runCmds(cmd tea.Cmd) []tea.Msg {
	out := make(chan tea.Msg, 64)
	start := func(c tea.Cmd) int {
		if c == nil {
			return 0
		}
		go func() { out <- c() }()
		return 1
	}
	var msgs []tea.Msg
	timeout := time.After(time.Second)
	for running := start(cmd); running > 0; running-- {
		select {
		case msg := <-out:
			if b, ok := msg.(tea.BatchMsg); ok {
				for _, c := range b {
					running += start(c)
				}
			} else if msg != nil {
				msgs = append(msgs, msg)
			}
		case <-timeout:
			return msgs
		}
	}
	return msgs
}

// TestDemoTakesChannelAndDateAsReplayDoes: `gavel replay --tui` of a
// published log in its archive takes the channel from the archive path
// (the file's name is the meeting's, never the channel's) and the date
// from the log's own "Meeting started" reply, as `gavel replay` does.
func TestDemoTakesChannelAndDateAsReplayDoes(t *testing.T) {
	log, err := os.ReadFile("../testdata/zodbot-published/fedora-meeting_2020-06-10_magazine/magazine.2020-06-10-12.02.log.txt")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, channel string }{
		{"archive/fedora-meeting/2020-06-10/magazine.2020-06-10-12.02.log.txt", "#fedora-meeting"},
		{"notes.log.txt", "#meeting"}, // nothing names it: the demo's own window
	} {
		m, err := NewDemo(bytes.NewReader(log), tc.name, DemoOptions{Options: fixedOpts(), Speed: 1000, MaxIdle: time.Second, QuitWhenDone: true})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := contextWithTimeout(20 * time.Second)
		final, err := Run(ctx, m, true)
		cancel()
		if err != nil {
			t.Fatal(err)
		}
		fm := final.(*Model)
		mt := fm.Meeting()
		if fm.demo.channel != tc.channel || mt == nil || mt.Channel != tc.channel {
			t.Fatalf("%s: channel %q, meeting %+v", tc.name, fm.demo.channel, mt)
		}
		if got := mt.Start.UTC().Format("2006-01-02 15:04"); got != "2020-06-10 12:02" {
			t.Errorf("%s: meeting started %s, want 2020-06-10 12:02 (the log's own date)", tc.name, got)
		}
	}
}

// TestChannelArgumentOrTheWindows: /invite and /names take a channel named
// as their argument, else the window's; where that is no channel they say
// their usage and send nothing.
func TestChannelArgumentOrTheWindows(t *testing.T) {
	m, f := liveModel(t)
	for _, c := range []struct {
		name, window, line, sent, usage string
	}{
		{"invite to the window's channel", "#meet", "/invite carol", "INVITE carol #meet", ""},
		{"invite to a named channel", "#meet", "/invite carol #other", "INVITE carol #other", ""},
		{"invite from the status window", "", "/invite carol", "", "usage: /invite"},
		{"invite to a nick", "#meet", "/invite carol alice", "", "usage: /invite"},
		{"names of a nick", "#meet", "/names alice", "", "usage: /names"},
		{"names in the status window", "", "/names", "", "usage: /names"},
	} {
		t.Run(c.name, func(t *testing.T) {
			f.reset()
			w := m.wins.Status()
			if c.window != "" {
				w = m.wins.Get(c.window)
			}
			m.focus(w)
			send(m, c.line)
			if got := f.all(); c.sent == "" && got != "" || !strings.Contains(got, c.sent) {
				t.Errorf("%q sent %q, want %q", c.line, got, c.sent)
			}
			l := w.Log.Buf.Last()
			if c.usage != "" && (l == nil || l.Kind != chanlog.Error || !strings.HasPrefix(l.Text, c.usage)) {
				t.Errorf("%q: last line %+v, want %q", c.line, l, c.usage)
			}
		})
	}
}
