package tui

import (
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"gavel/themes"
	"gavel/tui/cmdline"
	"gavel/tui/common"
	"gavel/tui/panes"
	"gavel/tui/winlist"
)

// Update handles one message: it routes it to the component it is for and
// returns what should run next.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	cmd := m.update(msg)
	if m.state.quitting {
		return m, tea.Batch(cmd, tea.Quit)
	}
	return m, cmd
}

func (m *Model) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		if msg.Width <= 0 || msg.Height <= 0 {
			return nil // no terminal (headless): keep the size there is
		}
		m.Width, m.Height = msg.Width, msg.Height
		m.layout()
	case tea.BackgroundColorMsg:
		if m.followBG {
			m.setTheme(themes.Follow(msg.IsDark()), false)
		}
	case tea.KeyPressMsg:
		return m.key(msg)
	case tea.PasteMsg:
		return m.pasted(msg)
	case tea.MouseWheelMsg:
		return m.wheel(msg)
	case eventsMsg:
		cmd := m.netBatch(msg.events)
		if !msg.closed {
			cmd = tea.Batch(cmd, waitEvents(m.opts.Context, m.opts.Network))
		}
		return cmd
	case clockMsg:
		if m.demo == nil { // the demo's clock is the log's
			m.now = time.Time(msg)
		}
		refresh, cmd := m.applyUpdates(m.opts.Glue.Retry())
		if refresh {
			m.refreshPanes()
		}
		return tea.Batch(cmd, clockTick(), m.chairTick())
	case demoTickMsg:
		return m.demoTick(time.Time(msg))
	case lookupMsg:
		if msg.seq == m.state.lookupSeq {
			if msg.err != nil {
				m.results.SetError(msg.title, msg.err.Error())
			} else {
				note := "answered by " + msg.res.Source
				if msg.res.Note != "" {
					note = msg.res.Note
				}
				m.results.SetTable(msg.res.Title, msg.res.Columns, msg.res.Rows, note)
			}
		}
	case taskDoneMsg:
		refresh, cmd := m.applyUpdates(m.opts.Glue.Finish(msg.done))
		if refresh {
			m.refreshPanes()
		}
		return cmd
	case quitMsg:
		reason := msg.reason
		if reason == "" {
			reason = "gavel"
		}
		m.opts.Network.Quit(reason)
		m.state.quitting = true
		return tea.Quit
	}
	return nil
}

// key routes a key press: an open overlay or search takes every key; then
// the keys of the screen; the rest edit the command line.
func (m *Model) key(k tea.KeyPressMsg) tea.Cmd {
	km := m.Keys
	if o := m.overlay; o != nil {
		cmd := o.Update(k)
		if o.Done() && m.overlay == o {
			m.overlay = nil
		}
		return cmd
	}
	if m.search != nil {
		return m.searchKey(k)
	}
	empty := m.input.Value() == ""
	switch {
	case key.Matches(k, km.Quit):
		if !empty {
			m.input.Reset() // Ctrl+C with text typed clears the line first
			return nil
		}
		return m.quit("")
	case key.Matches(k, km.Help):
		m.openHelp()
	case key.Matches(k, km.Palette):
		m.openPalette()
	case key.Matches(k, km.Search):
		m.startSearch()
	case key.Matches(k, km.Close):
		switch {
		case m.input.Comp.Open():
			m.input.Comp.Close()
		case m.results.Shown():
			m.results.Hide()
			m.layout()
		}
	case m.wins.Handles(k):
		m.wins.Update(k)
		m.switched()
	case m.results.Shown() && m.results.Handles(k):
		return m.results.Update(k)
	case key.Matches(k, km.PageUp, km.PageDown, km.Home, km.End):
		return m.wins.Current().Log.Update(k)
	case key.Matches(k, km.NextPane):
		return m.side.Update(k)
	case key.Matches(k, km.NextItem):
		return m.nextItem(m.wins.Current())
	case m.demo != nil && empty && key.Matches(k, km.Faster):
		m.demo.faster()
	case m.demo != nil && empty && key.Matches(k, km.Slower):
		m.demo.slower()
	case m.demo != nil && empty && key.Matches(k, km.Pause):
		m.demo.togglePause()
	default:
		return m.input.Update(k)
	}
	return nil
}

// switched is called after the current window changed.
func (m *Model) switched() {
	m.input.Comp.Close()
	m.refreshPanes()
}

// focus makes w the current window.
func (m *Model) focus(w *winlist.Window) {
	m.wins.Focus(w)
	m.switched()
}

// pasted handles bracketed paste: one line goes into the command line, up
// to three are said at once, more need a confirmation.
func (m *Model) pasted(p tea.PasteMsg) tea.Cmd {
	if m.overlay != nil {
		return m.overlay.Update(p)
	}
	s := strings.ReplaceAll(strings.ReplaceAll(p.Content, "\r\n", "\n"), "\r", "\n")
	s = strings.TrimRight(s, "\n")
	lines := strings.Split(s, "\n")
	if len(lines) == 1 {
		return m.input.Update(tea.PasteMsg{Content: lines[0]})
	}
	w := m.wins.Current()
	if w.Kind == winlist.Status {
		m.errorLine(w, "pasted "+itoa(len(lines))+" lines, but this window is not a channel or query")
		return nil
	}
	var keep []string
	for _, l := range lines {
		if strings.TrimSpace(l) != "" {
			keep = append(keep, l)
		}
	}
	sendAll := func() tea.Cmd {
		var cmds []tea.Cmd
		for _, l := range keep {
			cmds = append(cmds, m.say(w.Name, l))
		}
		return tea.Batch(cmds...)
	}
	if len(keep) <= 3 {
		return sendAll()
	}
	m.ask(&panes.Dialog{
		Title: "Paste",
		Lines: []string{"Send " + itoa(len(keep)) + " pasted lines to " + w.Name + "?", "first: " + keep[0]},
		Choices: []panes.Choice{
			{Keys: []string{"y", "enter"}, Label: "y / enter: send all", Run: sendAll},
			{Keys: []string{"n"}, Label: "n: cancel", Run: func() tea.Cmd { m.status("paste cancelled"); return nil }},
		},
	}, 64)
	return nil
}

// ask opens a question over the screen, w cells wide at most.
func (m *Model) ask(d *panes.Dialog, w int) {
	d.Common = m.Common
	d.Width = min(m.Width-4, w)
	m.overlay = d
}

// wheel scrolls the pane under the pointer.
func (m *Model) wheel(msg tea.MouseWheelMsg) tea.Cmd {
	if msg.Button != tea.MouseWheelUp && msg.Button != tea.MouseWheelDown {
		return nil
	}
	g := m.geo
	mouse := msg.Mouse()
	switch {
	case g.results.has(mouse.X, mouse.Y) && m.results.Shown():
		return m.results.Update(msg)
	case g.log.has(mouse.X, mouse.Y):
		return m.wins.Current().Log.Update(msg)
	case mouse.X >= g.sideX:
		mouse.X -= g.sideX
		mouse.Y -= g.bodyY
		return m.side.Update(tea.MouseWheelMsg(mouse))
	}
	return nil
}

// quit leaves gavel, after asking when a meeting is running.
func (m *Model) quit(reason string) tea.Cmd {
	var channels []string
	for _, w := range m.wins.All() {
		if w.Kind == winlist.Channel {
			channels = append(channels, w.Name)
		}
	}
	return m.leave("quit", channels, func() tea.Cmd { return m.quitAfterSending(reason) })
}

// quitMsg quits once the lines already said have gone out.
type quitMsg struct{ reason string }

// quitAfterSending quits when the client's queue has been sent (at most a
// few seconds): QUIT goes out ahead of queued lines, and the last ones (a
// meeting's "Meeting ended" and its minutes' URLs) must reach the channel.
func (m *Model) quitAfterSending(reason string) tea.Cmd {
	c := m.opts.Network
	if c == nil {
		m.state.quitting = true
		return tea.Quit
	}
	if c.Connected() && c.QueueLen() > 0 {
		m.status("quitting once the last lines are sent…")
	}
	return func() tea.Msg {
		deadline := time.Now().Add(quitGrace)
		for c.Connected() && c.QueueLen() > 0 && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		return quitMsg{reason}
	}
}

// quitGrace bounds how long quitting waits for queued lines.
const quitGrace = 5 * time.Second

// leave does what would leave channels (quitting, /part, /close): at once
// when no meeting runs in them, else after asking whether to end the
// meetings first (their minutes are published, then do runs) or to leave
// anyway (the meetings go on in their journals).
func (m *Model) leave(what string, channels []string, do func() tea.Cmd) tea.Cmd {
	var running []string
	var lines []string
	for _, ch := range channels {
		if mt := m.running(ch); mt != nil {
			running = append(running, ch)
			lines = append(lines, "A meeting is running in "+ch+": "+mt.Name+" ("+panes.Elapsed(m.clock().Sub(mt.Start))+").")
		}
	}
	if len(running) == 0 {
		return do()
	}
	anyway := "the meeting goes on in its journal"
	if what == "quit" {
		anyway = "it resumes from its journal at the next start"
	}
	endFirst := func() tea.Cmd {
		left := len(running)
		var cmds []tea.Cmd
		for _, ch := range running {
			m.state.afterEnd[ch] = append(m.state.afterEnd[ch], func() tea.Cmd {
				left--
				if left == 0 {
					return do()
				}
				return nil
			})
		}
		for _, ch := range running {
			cmds = append(cmds, m.say(ch, "#endmeeting"))
		}
		return tea.Batch(append(cmds, m.afterMeetings()...)...)
	}
	m.ask(&panes.Dialog{
		Title: "Leave a running meeting?",
		Lines: lines,
		Choices: []panes.Choice{
			{Keys: []string{"e"}, Label: "e: say #endmeeting (the minutes are published), then " + what, Run: endFirst},
			{Keys: []string{"l"}, Label: "l: " + what + " now; " + anyway, Run: do},
		},
	}, 76)
	return nil
}

// setTheme switches the theme; every component shares the Styles pointer.
func (m *Model) setTheme(t themes.Theme, announce bool) {
	if m.opts.ThemeFile != "" {
		if b, err := readFile(m.opts.ThemeFile); err == nil {
			if t2, err := themes.Parse(string(b), t); err == nil {
				t = t2
			}
		}
	}
	m.theme = t
	*m.Styles = *newStyles(t)
	if announce {
		m.status("theme " + t.Name)
	}
}

// search is the Ctrl+R scrollback search of the current window.
type search struct {
	input *cmdline.Model
	win   *winlist.Window
	at    uint64 // the line of the current match (Total when none)
	found bool
}

func (m *Model) startSearch() {
	w := m.wins.Current()
	s := &search{input: cmdline.New(m.Common), win: w, at: w.Log.Buf.Total()}
	s.input.Prompt = "search: "
	s.input.NoHistory = true
	s.input.SetSize(m.Width, 1)
	m.search = s
}

// searchKey: typing narrows, Ctrl+R goes to the next older match, Enter
// stays there, Esc (or Ctrl+C) returns to the newest line.
func (m *Model) searchKey(k tea.KeyPressMsg) tea.Cmd {
	s, km := m.search, m.Keys
	log := s.win.Log
	switch {
	case key.Matches(k, km.Search):
		m.findFrom(s.at)
	case key.Matches(k, km.Send):
		m.search = nil
		log.Highlight = ""
	case key.Matches(k, km.Close, km.Quit):
		m.search = nil
		log.Highlight = ""
		log.End()
	default:
		if s.input.Edit(k) {
			m.findFrom(log.Buf.Total())
		}
	}
	return nil
}

// findFrom shows the newest match older than line n.
func (m *Model) findFrom(n uint64) {
	s := m.search
	log := s.win.Log
	q := s.input.Value()
	log.Highlight = q
	at, ok := log.Find(q, n)
	if !ok {
		s.found = false
		return
	}
	s.at, s.found = at, true
	log.ShowLine(at)
}

// searchRow is the command line while searching.
func (m *Model) searchRow() string {
	s := m.search
	note := " ctrl+r older · enter stays · esc returns "
	switch {
	case s.input.Value() == "":
		note = " type to search" + note
	case !s.found:
		note = " not found ·" + note
	}
	nw := min(len([]rune(note)), m.Width/2)
	s.input.SetSize(m.Width-nw, 1)
	var r common.Row
	r.Reset(m.Width)
	r.AddStyled(s.input.View(), m.Width-nw)
	r.Add(m.Styles.Muted, note)
	return r.String()
}
