package tui

import (
	"fmt"
	"image/color"
	"math"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"gavel/ircclient"
	"gavel/themes"
	"gavel/tui/chanlog"
	"gavel/tui/palette"
	"gavel/tui/panes"
)

// lines of a window as they are stored (nick and text).
func texts(m *Model, window string) string { return strings.Join(windowLines(m, window), "\n") }

// bells runs the commands as the runtime would and counts the terminal
// bells among their messages.
func bells(cmds ...tea.Cmd) int {
	n := 0
	for _, msg := range runCmds(tea.Batch(cmds...)) {
		if raw, ok := msg.(tea.RawMsg); ok && raw.Msg == "\a" {
			n++
		}
	}
	return n
}

func TestQuestionMarkTypesAndHelpOnF1(t *testing.T) {
	m := seedDemo(t, 20, fixedOpts())
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	typeLine(m, "is this on?")
	if m.input.Value() != "is this on?" || m.overlay != nil {
		t.Fatalf("? did not type: %q overlay %v", m.input.Value(), m.overlay)
	}
	m.input.Reset()
	m.Update(press("?"))
	if m.input.Value() != "?" {
		t.Errorf("? on an empty line: %q", m.input.Value())
	}
	m.input.Reset()
	m.Update(tea.KeyPressMsg{Code: tea.KeyF1})
	if _, ok := m.overlay.(*panes.Help); !ok {
		t.Fatal("F1 did not open the help")
	}
	m.Update(press("esc"))
	send(m, "/help")
	h, ok := m.overlay.(*panes.Help)
	if !ok {
		t.Fatal("/help did not open the help")
	}
	// The help fits 80 columns and lists the keys and the commands.
	s := m.Render()
	checkGeometry(t, s, 80, 24)
	box := h.Rows()
	if w := ansi.StringWidthWc(box[0]); w > 80 {
		t.Errorf("help is %d cells wide", w)
	}
	for _, want := range []string{"ctrl+r", "f1", "Keys"} {
		if !strings.Contains(ansi.Strip(strings.Join(box, "\n")), want) {
			t.Errorf("help lacks %q", want)
		}
	}
	m.Update(press("pgdown"))
	m.Update(press("pgdown"))
	if !strings.Contains(ansi.Strip(strings.Join(h.Rows(), "\n")), "/lastlog") {
		t.Errorf("the commands are not reached by scrolling:\n%s", ansi.Strip(strings.Join(h.Rows(), "\n")))
	}
}

func TestCompletionRanksChairCommandsFirst(t *testing.T) {
	m := seedDemo(t, 20, fixedOpts())
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	for _, c := range []struct{ typed, want string }{
		{"#ac", "#action "}, {"#a", "#action "}, {"#to", "#topic "}, {"#in", "#info "},
	} {
		m.input.Reset()
		typeLine(m, c.typed)
		m.Update(press("tab"))
		if got := m.input.Value(); got != c.want {
			t.Errorf("%s<Tab> = %q, want %q", c.typed, got, c.want)
		}
	}
}

func TestPaletteSearchEditing(t *testing.T) {
	m := seedDemo(t, 10, fixedOpts())
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	m.Update(press("ctrl+k"))
	p := m.overlay.(*palette.Model)
	typeLine(m, "theme light")
	m.Update(tea.KeyPressMsg{Code: 'w', Mod: tea.ModCtrl})
	if p.Query() != "theme " {
		t.Errorf("ctrl+w left %q", p.Query())
	}
	m.Update(tea.KeyPressMsg{Code: 'u', Mod: tea.ModCtrl})
	if p.Query() != "" || len(p.Matches()) < 40 {
		t.Errorf("ctrl+u left %q with %d matches", p.Query(), len(p.Matches()))
	}
	typeLine(m, "high")
	m.Update(press("enter"))
	if m.theme.Name != "high-contrast" {
		t.Errorf("theme %q", m.theme.Name)
	}
}

func TestWindowCommandsAndStableNumbers(t *testing.T) {
	m, f := liveModel(t)
	for _, ch := range []string{"#a", "#b"} {
		f.deliver(ircclient.Join{Meta: at(0), Source: ircclient.Source{Nick: "chair", Self: true}, Channel: ch})
	}
	pump(m, f)
	num := func(name string) int {
		if w := m.wins.Get(name); w != nil {
			return w.Num
		}
		return 0
	}
	if num("#meet") != 2 || num("#a") != 3 || num("#b") != 4 {
		t.Fatalf("numbers %d %d %d", num("#meet"), num("#a"), num("#b"))
	}
	send(m, "/window 3")
	if m.wins.Current().Name != "#a" {
		t.Fatalf("/window 3 went to %s", m.wins.Current().Name)
	}
	send(m, "/window close")
	f.deliver(ircclient.Part{Meta: at(1), Source: ircclient.Source{Nick: "chair", Self: true}, Channel: "#a"})
	pump(m, f)
	if m.wins.Get("#a") != nil || !strings.Contains(f.all(), "PART #a") {
		t.Fatalf("/window close: %s", f.all())
	}
	// A new channel takes the free number 3; #a coming back gets 5, not
	// #b's; closing the newcomer and rejoining #a gives #a its 3 back.
	f.deliver(ircclient.Join{Meta: at(2), Source: ircclient.Source{Nick: "chair", Self: true}, Channel: "#c"})
	pump(m, f)
	if num("#c") != 3 {
		t.Errorf("#c took %d", num("#c"))
	}
	m.focus(m.wins.Get("#c"))
	send(m, "/close")
	f.deliver(ircclient.Part{Meta: at(3), Source: ircclient.Source{Nick: "chair", Self: true}, Channel: "#c"})
	f.deliver(ircclient.Join{Meta: at(4), Source: ircclient.Source{Nick: "chair", Self: true}, Channel: "#A"})
	pump(m, f)
	if num("#A") != 3 {
		t.Errorf("#a rejoined as %d, want its old 3", num("#A"))
	}
	m.focus(m.wins.Get("#b"))
	send(m, "/window move 2")
	if num("#b") != 2 || num("#meet") != 4 {
		t.Errorf("move: #b %d #meet %d", num("#b"), num("#meet"))
	}
	if bar := ansi.Strip(m.wins.Bar("")); !strings.Contains(bar, "1:gavel  2:#b  3:#A  4:#meet") {
		t.Errorf("bar %q", bar)
	}
	m.Update(tea.KeyPressMsg{Code: '4', Mod: tea.ModAlt})
	if m.wins.Current().Name != "#meet" {
		t.Errorf("alt+4 went to %s", m.wins.Current().Name)
	}
	send(m, "/window 9")
	if l := m.wins.Current().Log.Buf.Last(); l.Kind != chanlog.Error {
		t.Errorf("no error for a missing window: %+v", l)
	}
}

func TestClearIgnoreLastlogSearch(t *testing.T) {
	m, f := liveModel(t)
	m.focus(m.wins.Get("#meet"))
	send(m, "#startmeeting Ig")
	pump(m, f)
	for i := range 5 {
		f.deliver(ircclient.Message{Meta: at(10 + i), Source: ircclient.Source{Nick: "bob"}, Target: "#meet", Text: fmt.Sprint("bob line ", i)})
	}
	f.deliver(ircclient.Message{Meta: at(20), Source: ircclient.Source{Nick: "alice"}, Target: "#meet", Text: "alice says deploy"})
	pump(m, f)
	send(m, "/ignore bob")
	f.deliver(ircclient.Message{Meta: at(21), Source: ircclient.Source{Nick: "bob"}, Target: "#meet", Text: "hidden bob line"})
	pump(m, f)
	if strings.Contains(texts(m, "#meet"), "hidden bob line") {
		t.Error("an ignored nick's line was shown")
	}
	if mt := m.Meeting(); mt == nil || !attended(mt.Attendees, "bob", 6) {
		t.Errorf("the ignored nick's line did not count: %+v", mt.Attendees)
	}
	send(m, "/unignore bob")
	f.deliver(ircclient.Message{Meta: at(22), Source: ircclient.Source{Nick: "bob"}, Target: "#meet", Text: "visible again"})
	pump(m, f)
	if !strings.Contains(texts(m, "#meet"), "visible again") {
		t.Error("/unignore did not show the nick again")
	}

	send(m, "/lastlog bob line")
	s := screen(m)
	if !m.results.Shown() || !strings.Contains(s, "Lastlog \"bob line\" in #meet · 5 lines") || !strings.Contains(s, "<bob> bob line 4") {
		t.Errorf("/lastlog:\n%s", s)
	}
	m.Update(press("esc"))

	// Ctrl+R: typing finds the newest match, Ctrl+R the next older one,
	// Esc returns to the newest line.
	log := m.wins.Current().Log
	m.Update(tea.KeyPressMsg{Code: 'r', Mod: tea.ModCtrl})
	typeLine(m, "bob line")
	if log.Buf.Abs(log.Buf.Total()-1-uint64(log.Offset())).Text != "bob line 4" || !strings.Contains(screen(m), "search: bob line") {
		t.Fatalf("search did not find the newest match (offset %d):\n%s", log.Offset(), screen(m))
	}
	m.Update(tea.KeyPressMsg{Code: 'r', Mod: tea.ModCtrl})
	m.Update(tea.KeyPressMsg{Code: 'r', Mod: tea.ModCtrl})
	if got := log.Buf.Abs(log.Buf.Total() - 1 - uint64(log.Offset())).Text; got != "bob line 2" {
		t.Errorf("two ctrl+r later: %q", got)
	}
	if !strings.Contains(m.Render(), m.Styles.Found.Open()+"bob line") {
		t.Error("the match is not highlighted")
	}
	m.Update(press("esc"))
	if m.search != nil || !log.AtBottom() || log.Highlight != "" {
		t.Error("esc did not end the search at the newest line")
	}

	send(m, "/clear")
	if n := m.wins.Current().Log.Buf.Len(); n != 0 {
		t.Errorf("/clear left %d lines", n)
	}
}

func attended(as interface{}, nick string, lines int) bool {
	return strings.Contains(fmt.Sprintf("%+v", as), "Nick:"+nick+" Lines:"+fmt.Sprint(lines))
}

func TestUnreadMarkerOnReturn(t *testing.T) {
	m, f := liveModel(t)
	m.focus(m.wins.Get("#meet"))
	f.deliver(ircclient.Message{Meta: at(1), Source: ircclient.Source{Nick: "alice"}, Target: "#meet", Text: "read before leaving"})
	pump(m, f)
	m.Update(press("ctrl+n")) // to the status window
	f.deliver(
		ircclient.Message{Meta: at(2), Source: ircclient.Source{Nick: "alice"}, Target: "#meet", Text: "new one"},
		ircclient.Message{Meta: at(3), Source: ircclient.Source{Nick: "bob"}, Target: "#meet", Text: "new two"},
	)
	pump(m, f)
	m.Update(press("ctrl+n")) // back to #meet
	s := screen(m)
	i, j, k := strings.Index(s, "read before leaving"), strings.Index(s, "─ 2 new ─"), strings.Index(s, "new one")
	if i < 0 || j < i || k < j {
		t.Errorf("no marker between the read and the new lines:\n%s", s)
	}
}

func TestHistoryShownDimmedNotRun(t *testing.T) {
	m, f := liveModel(t)
	m.focus(m.wins.Get("#meet"))
	old := ircclient.Meta{Time: time.Date(2020, 1, 2, 15, 4, 0, 0, time.UTC), History: true}
	f.deliver(
		ircclient.Message{Meta: old, Source: ircclient.Source{Nick: "alice"}, Target: "#meet", Text: "#startmeeting from 2020"},
		ircclient.Message{Meta: old, Source: ircclient.Source{Nick: "alice"}, Target: "#meet", Text: "chair: old highlight"},
	)
	cmds := pump(m, f)
	if m.Meeting() != nil {
		t.Error("a played-back #startmeeting ran")
	}
	l := m.wins.Current().Log.Buf.Last()
	if l.Flags&chanlog.History == 0 || l.Time != old.Time.Unix() {
		t.Errorf("history line %+v", l)
	}
	if bells(cmds...) != 0 || m.wins.Current().Act != 0 {
		t.Error("a played-back highlight rang the bell")
	}
	rows := m.wins.Current().Log.Rows()
	last := rows[len(rows)-1]
	if !strings.Contains(ansi.Strip(last), "15:04       alice ┊ chair: old highlight") || !strings.Contains(last, m.Styles.History.Open()) {
		t.Errorf("history row %q", last)
	}
}

func TestBellConfigurable(t *testing.T) {
	m, f := liveModel(t)
	f.deliver(ircclient.Message{Meta: at(1), Source: ircclient.Source{Nick: "alice"}, Target: "#meet", Text: "chair: you there?"})
	if n := bells(pump(m, f)...); n != 1 {
		t.Errorf("%d bells on a highlight", n)
	}
	f.deliver(ircclient.Message{Meta: at(2), Source: ircclient.Source{Nick: "alice"}, Target: "chair", Text: "psst", Private: true})
	if n := bells(pump(m, f)...); n != 1 {
		t.Errorf("%d bells on a private message", n)
	}
	send(m, "/bell off")
	f.deliver(ircclient.Message{Meta: at(3), Source: ircclient.Source{Nick: "alice"}, Target: "#meet", Text: "chair: and now?"})
	if n := bells(pump(m, f)...); n != 0 {
		t.Errorf("%d bells with /bell off", n)
	}
	o := fixedOpts()
	o.NoBell = true
	q, err := New(o)
	if err != nil || q.state.bell {
		t.Errorf("Options.NoBell: %v %v", err, q.state.bell)
	}
}

func TestLeavingARunningMeetingAsks(t *testing.T) {
	m, f := liveModel(t)
	m.focus(m.wins.Get("#meet"))
	// No meeting: Ctrl+C with text clears, on an empty line it quits.
	typeLine(m, "draft")
	m.Update(tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})
	if m.input.Value() != "" || m.state.quitting {
		t.Fatal("ctrl+c with text did not just clear the line")
	}
	send(m, "#startmeeting Stay")
	pump(m, f)
	for _, how := range []string{"ctrl+c", "/quit", "/part", "/close"} {
		if how == "ctrl+c" {
			m.Update(tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})
		} else {
			send(m, how)
		}
		if m.overlay == nil || !strings.Contains(screen(m), "A meeting is running in #meet: stay") {
			t.Fatalf("%s did not ask:\n%s", how, screen(m))
		}
		m.Update(press("esc"))
		if m.overlay != nil || m.state.quitting || f.quitted || strings.Contains(f.all(), "PART") {
			t.Fatalf("esc after %s did not stay", how)
		}
	}
	// "e": #endmeeting first; gavel quits once the meeting has ended.
	send(m, "/quit bye")
	m.Update(press("e"))
	if !strings.Contains(f.last(), "PRIVMSG #meet :#endmeeting") || m.state.quitting {
		t.Fatalf("e: sent %q, quitting %v", f.all(), m.state.quitting)
	}
	// The echo of #endmeeting ends it; gavel quits once the meeting's last
	// lines are sent (the fake sends at once; see quitAfterSending).
	_, cmd := m.Update(ev(<-f.events))
	for _, msg := range runCmds(cmd) {
		m.Update(msg)
	}
	if !m.state.quitting || f.quit != "bye" || !strings.Contains(f.all(), "Meeting ended") {
		t.Errorf("did not quit after the meeting ended (quitting %v, quit %q)", m.state.quitting, f.quit)
	}
}

// TestQuitWaitsForQueuedLines: QUIT goes out ahead of the client's queue,
// so gavel quits only once the lines already said have been sent.
func TestQuitWaitsForQueuedLines(t *testing.T) {
	m, f := liveModel(t)
	f.mu.Lock()
	f.waiting = append(f.waiting, fakeLine{raw: "PRIVMSG #meet :last words"})
	f.mu.Unlock()
	cmd := m.quitAfterSending("bye")
	done := make(chan tea.Msg, 1)
	go func() { done <- cmd() }()
	select {
	case <-done:
		t.Fatal("quit with a line still queued")
	case <-time.After(100 * time.Millisecond): // not a timing assertion: the queue stays full
	}
	f.setConnected(true) // the queue drains
	m.Update(<-done)
	if !m.state.quitting || f.quit != "bye" || !strings.Contains(f.all(), "last words") {
		t.Errorf("quit %q, sent %q", f.quit, f.all())
	}
}

func TestMinutesPreview(t *testing.T) {
	o := fixedOpts()
	o.URLPrefix = "https://meetbot.example.org/"
	m := seedDemo(t, 200, o)
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	send(m, "/minutes")
	s := screen(m)
	if !strings.Contains(s, "Minutes of infrastructure · in progress") {
		t.Errorf("title:\n%s", s)
	}
	r := m.results
	m.Update(press("pgdown"))
	if r.Offset() == 0 {
		t.Fatal("pgdn did not scroll the preview")
	}
	log := m.wins.Current().Log.Offset()
	m.Update(tea.KeyPressMsg{Code: tea.KeyEnd})
	end := r.Offset()
	m.Update(tea.KeyPressMsg{Code: tea.KeyHome})
	if r.Offset() != 0 || end == 0 || m.wins.Current().Log.Offset() != log {
		t.Errorf("home/end: %d/%d, log moved %v", r.Offset(), end, m.wins.Current().Log.Offset() != log)
	}
	m.Update(tea.KeyPressMsg{Code: tea.KeyEnd})
	all := ""
	for i := 0; ; i++ {
		all += ansi.Strip(strings.Join(r.Rows(), "\n"))
		before := r.Offset()
		m.Update(press("pgup"))
		if r.Offset() == before || i > 50 {
			break
		}
	}
	if strings.Contains(all, "00:00:00") || !strings.Contains(all, "Meeting in progress") || !strings.Contains(all, "https://meetbot.example.org/fedora-meeting/2015-04-30/") {
		t.Errorf("preview: ended at 00:00:00, or no link with the URL prefix:\n%s", all)
	}
	m.Update(press("esc"))
	m.Update(press("pgup"))
	if m.wins.Current().Log.Offset() == log {
		t.Error("with the preview closed pgup does not scroll the log")
	}
}

// contrast is the WCAG contrast ratio of two colours.
func contrast(a, b color.Color) float64 {
	lum := func(c color.Color) float64 {
		r, g, bl, _ := c.RGBA()
		ch := func(v uint32) float64 {
			s := float64(v>>8) / 255
			if s <= 0.03928 {
				return s / 12.92
			}
			return math.Pow((s+0.055)/1.055, 2.4)
		}
		return 0.2126*ch(r) + 0.7152*ch(g) + 0.0722*ch(bl)
	}
	la, lb := lum(a), lum(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// TestHighlightsStrongerThanLines: in every theme a mention line stands
// out from ordinary lines: a tinted background of its own, bold text, and
// its text at least as readable as ordinary text is.
func TestHighlightsStrongerThanLines(t *testing.T) {
	for _, th := range []themes.Theme{themes.Dark(), themes.Light(), themes.HighContrast()} {
		bg := color.Color(color.White)
		if th.Dark {
			bg = color.Black
		}
		if th.MentionBg == nil || contrast(th.MentionBg, bg) < 1.15 {
			t.Errorf("%s: the mention background is not distinct from the terminal's", th.Name)
		}
		if c, n := contrast(th.Mention, th.MentionBg), contrast(th.Fg, bg); c < 7 && c < n {
			t.Errorf("%s: mention text contrast %.1f, ordinary text %.1f", th.Name, c, n)
		}
		st := newStyles(th)
		if !strings.Contains(st.Mention.Open(), "1;") {
			t.Errorf("%s: mentions not bold", th.Name)
		}
	}
}

func TestDemoOpensWhereNewcomersSeeWhatToDo(t *testing.T) {
	m, err := NewSeedDemo(DemoOptions{Options: fixedOpts(), Paused: true})
	if err != nil {
		t.Fatal(err)
	}
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	s := screen(m)
	if m.wins.Current().Name != "#fedora-meeting" {
		t.Errorf("opens on %s", m.wins.Current().Name)
	}
	for _, want := range []string{"You are the chair", "#topic", "F1"} {
		if !strings.Contains(s, want) {
			t.Errorf("the first screen lacks %q:\n%s", want, s)
		}
	}
}

func TestDisconnectedQueuesAndSaysSo(t *testing.T) {
	m, f := liveModel(t)
	m.focus(m.wins.Get("#meet"))
	f.setConnected(false)
	f.deliver(ircclient.State{Meta: at(1), State: ircclient.Disconnected})
	pump(m, f)
	send(m, "hello while away")
	pump(m, f)
	s := screen(m)
	if !strings.Contains(s, "⧗ hello while away") || !strings.Contains(s, "1 queued") || strings.Contains(s, "lag") {
		t.Errorf("while disconnected:\n%s", s)
	}
	f.setConnected(true)
	f.deliver(ircclient.State{Meta: at(2), State: ircclient.Registered, Nick: "chair"})
	pump(m, f)
	s = screen(m)
	if strings.Contains(s, "⧗") || strings.Count(s, "hello while away") != 1 || !strings.Contains(s, "lag 42ms") {
		t.Errorf("after the reconnect:\n%s", s)
	}
}

// TestOSC8InTheProgramOutput: the real program writes URLs as OSC 8
// hyperlinks.
func TestOSC8InTheProgramOutput(t *testing.T) {
	m := seedDemo(t, 12, fixedOpts()) // zodbot's line with wiki.debian.org
	content := runView(t, m, 120, 40, nil)
	if !strings.Contains(content, "\x1b]8;;http://wiki.debian.org/MeetBot\x1b\\") {
		t.Errorf("no OSC 8 link in the view")
	}
}
