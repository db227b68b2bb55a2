package tui

import (
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"gavel/ircclient"
	"gavel/themes"
	"gavel/tui/chanlog"
	"gavel/tui/panes"
)

// Update handles one message.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	m.pendingCmds = m.pendingCmds[:0]
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.layout()
	case tea.BackgroundColorMsg:
		if m.followBG {
			m.setTheme(themes.Follow(msg.IsDark()), false)
		}
	case tea.KeyPressMsg:
		cmd = m.key(msg)
	case tea.PasteMsg:
		m.pasted(msg.Content)
	case tea.MouseWheelMsg:
		m.wheel(msg.Mouse())
	case eventsMsg:
		m.ircBatch(msg.events)
		if !msg.closed {
			cmd = waitEvents(m.opts.Client.Events())
		}
	case clockMsg:
		m.now = time.Time(msg)
		cmd = clockTick()
		if m.applyUpdates(m.opts.Glue.Retry()) {
			m.refreshPanes()
		}
	case demoTickMsg:
		cmd = m.demoTick(time.Time(msg))
	case lookupMsg:
		if msg.seq == m.lookupSeq {
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
	case channelLookupMsg:
		m.channelReplies(msg)
	}
	if m.quitting {
		return m, tea.Quit
	}
	if len(m.pendingCmds) > 0 {
		cmds := append([]tea.Cmd{cmd}, m.pendingCmds...)
		m.pendingCmds = m.pendingCmds[:0]
		return m, tea.Batch(cmds...)
	}
	return m, cmd
}

// key handles a key press.
func (m *Model) key(k tea.KeyPressMsg) tea.Cmd {
	km := m.keys
	if key.Matches(k, km.Quit) {
		return m.quit("")
	}
	switch {
	case m.showHelp:
		if key.Matches(k, km.Help, km.Close) || k.String() == "q" {
			m.showHelp = false
		}
		return nil
	case m.paste != nil:
		switch k.String() {
		case "y", "Y", "enter":
			lines, to := m.paste, m.pasteTo
			m.paste = nil
			for _, l := range lines {
				m.say(to, l)
			}
		case "n", "N", "esc":
			m.paste = nil
			m.status("paste cancelled")
		}
		return nil
	case m.palette != nil:
		return m.paletteKey(k)
	}
	empty := m.input.Value() == ""
	switch {
	case key.Matches(k, km.Help) && (k.String() == "f1" || empty):
		m.showHelp = true
	case key.Matches(k, km.Palette):
		m.openPalette()
	case key.Matches(k, km.Close):
		switch {
		case m.input.Comp.Open():
			m.input.Comp.Close()
		case m.showResults:
			m.showResults = false
			m.layout()
		}
	case key.Matches(k, km.NextWin):
		m.switchWin((m.wins.cur + 1) % len(m.wins.list))
	case key.Matches(k, km.PrevWin):
		m.switchWin((m.wins.cur - 1 + len(m.wins.list)) % len(m.wins.list))
	case key.Matches(k, km.Win):
		m.switchWin(int(k.Code - '1'))
	case key.Matches(k, km.PageUp):
		m.wins.current().log.PageUp()
	case key.Matches(k, km.PageDown):
		m.wins.current().log.PageDown()
	case key.Matches(k, km.Home):
		m.wins.current().log.Home()
	case key.Matches(k, km.End):
		m.wins.current().log.End()
	case key.Matches(k, km.NextPane):
		m.sideTab = (m.sideTab + 1) % 4
	case key.Matches(k, km.Complete):
		m.input.Comp.Tab(m.input, false)
	case key.Matches(k, km.CompleteBack):
		m.input.Comp.Tab(m.input, true)
	case key.Matches(k, km.HistPrev):
		m.input.Comp.Close()
		m.input.HistPrev()
	case key.Matches(k, km.HistNext):
		m.input.Comp.Close()
		m.input.HistNext()
	case key.Matches(k, km.Send):
		line := m.input.Value()
		m.input.Remember(line)
		m.input.Reset()
		m.submit(line)
	case m.demo != nil && empty && key.Matches(k, km.Faster):
		m.demo.faster()
	case m.demo != nil && empty && key.Matches(k, km.Slower):
		m.demo.slower()
	case m.demo != nil && empty && key.Matches(k, km.Pause):
		m.demo.paused = !m.demo.paused
	default:
		if m.input.Edit(k) {
			m.input.Comp.Typed(m.input, true)
		}
	}
	if m.quitting {
		return tea.Quit
	}
	return nil
}

func (m *Model) switchWin(i int) {
	if i < 0 || i >= len(m.wins.list) {
		return
	}
	m.wins.focus(i)
	m.input.Comp.Close()
	m.refreshPanes()
}

// pasted handles bracketed paste: one line goes into the command line, up
// to three are said at once, more need a confirmation.
func (m *Model) pasted(s string) {
	s = strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
	s = strings.TrimRight(s, "\n")
	lines := strings.Split(s, "\n")
	if len(lines) == 1 {
		m.input.Insert(lines[0])
		m.input.Comp.Typed(m.input, true)
		return
	}
	w := m.wins.current()
	if w.kind == winStatus {
		m.errorLine(w, "pasted "+itoa(len(lines))+" lines, but this window is not a channel or query")
		return
	}
	var keep []string
	for _, l := range lines {
		if strings.TrimSpace(l) != "" {
			keep = append(keep, l)
		}
	}
	if len(keep) > 3 {
		m.paste, m.pasteTo = keep, w.name
		return
	}
	for _, l := range keep {
		m.say(w.name, l)
	}
}

// wheel scrolls the pane under the pointer.
func (m *Model) wheel(ms tea.Mouse) {
	d := 0
	switch ms.Button {
	case tea.MouseWheelUp:
		d = -3
	case tea.MouseWheelDown:
		d = 3
	default:
		return
	}
	for name, r := range m.rects {
		if !r.has(ms.X, ms.Y) {
			continue
		}
		switch name {
		case "log":
			m.wins.current().log.Scroll(-d)
		case "topics":
			m.topics.Scroll(d)
		case "actions":
			m.actions.Scroll(d)
		case "people":
			m.people.Scroll(d)
		case "results":
			m.results.Scroll(d)
		}
		return
	}
}

func (m *Model) quit(reason string) tea.Cmd {
	if m.opts.Client != nil {
		if reason == "" {
			reason = "gavel"
		}
		m.opts.Client.Quit(reason)
	}
	m.quitting = true
	return tea.Quit
}

// setTheme switches the theme; every pane shares the Styles pointer.
func (m *Model) setTheme(t themes.Theme, announce bool) {
	m.theme = t
	if m.opts.ThemeFile != "" {
		if b, err := readFile(m.opts.ThemeFile); err == nil {
			if t2, err := themes.Parse(string(b), t); err == nil {
				t = t2
			}
		}
	}
	*m.styles = *newStyles(t)
	m.help.Styles = m.styles.Help
	if announce {
		m.status("theme " + t.Name)
	}
}

// ircBatch shows a burst of IRC events and feeds them to the meeting glue.
func (m *Model) ircBatch(evs []ircclient.Event) {
	refresh := m.applyUpdates(m.opts.Glue.HandleIRCBatch(evs))
	for _, ev := range evs {
		if m.showEvent(ev) {
			refresh = true
		}
	}
	if refresh {
		m.refreshPanes()
	}
}

// showEvent puts one IRC event in its window; it reports whether the side
// panes need refreshing (presence changed).
func (m *Model) showEvent(ev ircclient.Event) bool {
	t := ev.When().Unix()
	cur := m.wins.current()
	switch e := ev.(type) {
	case ircclient.Message:
		m.showText(e.Target, e.Source, e.Private, chanlog.Line{Time: t, Nick: e.Nick, Text: e.Text, Kind: chanlog.Msg})
	case ircclient.Action:
		m.showText(e.Target, e.Source, e.Private, chanlog.Line{Time: t, Nick: e.Nick, Text: e.Text, Kind: chanlog.Action})
	case ircclient.Reply:
		// WHOIS and friends: shown where the user typed the command.
		m.info(cur, e.String())
		return false
	case ircclient.Notice:
		nick := e.Nick
		if nick == "" {
			nick = e.Server
		}
		if e.Private || !isChannel(e.Target) {
			m.push(m.wins.list[0], chanlog.Line{Time: t, Nick: nick, Text: e.Text, Kind: chanlog.Notice})
			return false
		}
		m.showText(e.Target, e.Source, false, chanlog.Line{Time: t, Nick: nick, Text: e.Text, Kind: chanlog.Notice})
	case ircclient.Join:
		w := m.openWindow(e.Channel)
		if e.Self {
			w.joined = true
			w.members = map[string]string{}
			w.dirty = true
		}
		w.addMember(e.Nick)
		m.push(w, chanlog.Line{Time: t, Nick: e.Nick, Text: e.Nick + " joined", Kind: chanlog.Join})
		return w == cur
	case ircclient.Part:
		w := m.wins.get(e.Channel)
		if w == nil {
			return false
		}
		w.removeMember(e.Nick)
		m.push(w, chanlog.Line{Time: t, Nick: e.Nick, Text: withReason(e.Nick+" left", e.Reason), Kind: chanlog.Part})
		if e.Self {
			w.joined = false
		}
		return w == cur
	case ircclient.Kick:
		w := m.wins.get(e.Channel)
		if w == nil {
			return false
		}
		w.removeMember(e.Kicked)
		m.push(w, chanlog.Line{Time: t, Nick: e.Kicked, Text: withReason(e.Nick+" kicked "+e.Kicked, e.Reason), Kind: chanlog.Part})
		if e.KickedSelf {
			w.joined = false
			w.act = panes.Mentioned
		}
		return w == cur
	case ircclient.Quit:
		changed := false
		for _, w := range m.wins.list {
			if w.removeMember(e.Nick) {
				m.push(w, chanlog.Line{Time: t, Nick: e.Nick, Text: withReason(e.Nick+" quit", e.Reason), Kind: chanlog.Quit})
				changed = changed || w == cur
			}
		}
		return changed
	case ircclient.NickChange:
		if e.Self {
			m.nick = e.NewNick
			m.status("you are now known as " + e.NewNick)
		}
		changed := false
		for _, w := range m.wins.list {
			if w.removeMember(e.Nick) {
				w.addMember(e.NewNick)
				m.push(w, chanlog.Line{Time: t, Nick: e.NewNick, Text: e.Nick + " is now known as " + e.NewNick, Kind: chanlog.Nick})
				changed = changed || w == cur
			}
		}
		return changed
	case ircclient.Topic:
		w := m.openWindow(e.Channel)
		w.topic = e.Text
		if e.OnJoin {
			m.push(w, chanlog.Line{Time: t, Text: "topic: " + e.Text, Kind: chanlog.Topic})
		} else {
			m.push(w, chanlog.Line{Time: t, Nick: e.Nick, Text: e.Nick + " set the topic: " + e.Text, Kind: chanlog.Topic})
		}
	case ircclient.Names:
		w := m.openWindow(e.Channel)
		w.members = map[string]string{}
		for _, mb := range e.Members {
			w.addMember(mb.Nick)
		}
		w.dirty = true
		return w == cur
	case ircclient.Mode:
		w := m.wins.get(e.Target)
		if w == nil {
			w = m.wins.list[0]
		}
		text := e.Nick + " sets mode " + e.Modes
		if len(e.Params) > 0 {
			text += " " + strings.Join(e.Params, " ")
		}
		m.push(w, chanlog.Line{Time: t, Nick: e.Nick, Text: text, Kind: chanlog.Mode})
	case ircclient.State:
		m.connState(e)
	case ircclient.Error:
		text := e.Text
		if e.Window != "" && !strings.Contains(text, e.Window) {
			text = e.Window + ": " + text
		}
		text += " (" + e.Code + ")"
		w := m.wins.get(e.Window)
		if w == nil {
			w = cur
		}
		m.errorLine(w, text)
	case ircclient.CTCP:
		m.push(m.wins.list[0], chanlog.Line{Time: t, Nick: e.Nick, Text: "CTCP " + e.Command + " " + e.Args, Kind: chanlog.Notice})
	}
	return false
}

// showText routes a message to its channel or query window.
func (m *Model) showText(target string, src ircclient.Source, private bool, l chanlog.Line) {
	name := target
	if private || !isChannel(target) {
		name = src.Nick
		if src.Self {
			name = target
		}
	}
	if src.Self {
		l.Flags |= chanlog.Self
	}
	w := m.openWindow(name)
	if w.kind == winChannel {
		w.addMember(src.Nick)
	}
	m.push(w, l)
}

func (m *Model) connState(e ircclient.State) {
	switch e.State {
	case ircclient.Connecting:
		m.conn = "connecting…"
		if e.Server != "" {
			m.server = e.Server
		}
	case ircclient.Registered:
		m.conn = "connected"
		if e.Nick != "" {
			m.nick = e.Nick
		}
		m.status("connected to " + e.Server + " as " + e.Nick)
	case ircclient.Disconnected:
		m.conn = "disconnected"
		if e.Err != nil {
			m.errorLine(m.wins.list[0], "disconnected: "+e.Err.Error())
		}
	case ircclient.ConnectFailed:
		m.conn = "not connected"
		if e.Err != nil {
			m.errorLine(m.wins.list[0], e.Err.Error())
		}
	case ircclient.Reconnecting:
		m.conn = "reconnecting in " + e.Delay.Round(time.Second).String()
	case ircclient.Stopped:
		m.conn = "stopped"
	}
}
