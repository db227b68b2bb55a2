package tui

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"gavel/meeting/live"
	"gavel/tui/chanlog"
	"gavel/tui/winlist"
)

// MaxBatch bounds the network's events handled in one Update. A burst of 10,000
// lines becomes about 40 updates, each followed by a frame, instead of
// 10,000 frames or one update that blocks the screen for the whole burst.
const MaxBatch = 256

// eventsMsg is a burst of the network's events; closed says the network
// has stopped.
type eventsMsg struct {
	events []live.Event
	closed bool
}

// waitEvents is the Cmd that reads the network: it blocks for one event,
// then takes the ones already waiting (live.Network's Next). Update re-arms
// it after each batch (the glow/realtime pattern).
func waitEvents(ctx context.Context, net live.Network) tea.Cmd {
	return func() tea.Msg {
		batch, open := net.Next(ctx, MaxBatch)
		return eventsMsg{events: batch, closed: !open}
	}
}

// netBatch shows a burst of the network's events and feeds them to the
// live driver.
func (m *Model) netBatch(evs []live.Event) tea.Cmd {
	if n := m.opts.Network.Nick(); n != "" {
		m.Me.Nick = n // the network owns our nick
	}
	if m.demo != nil {
		m.now = m.demo.net.Clock() // the demo's time is the log's
	}
	ups := m.opts.Glue.HandleBatch(evs)
	notOp := map[string]bool{}
	for _, u := range ups {
		if u.Kind == live.UpdateError && errors.Is(u.Err, live.ErrNotOperator) {
			notOp[m.Me.FoldName(u.Channel)] = true
		}
	}
	refresh, bell := false, false
	for _, ev := range evs {
		if e, ok := ev.(live.Error); ok && e.Kind == live.ErrorNotOperator && notOp[m.Me.FoldName(e.Window)] {
			continue // the live driver said it in words, once per meeting
		}
		r, b := m.showEvent(ev)
		refresh = refresh || r
		bell = bell || b
	}
	// After the lines: what the driver did (published files, lookups, and
	// leaving once a meeting has ended).
	r, cmd := m.applyUpdates(ups)
	refresh = refresh || r
	if refresh {
		m.refreshPanes()
	}
	if bell {
		cmd = tea.Batch(cmd, tea.Raw("\a"))
	}
	return cmd
}

// lineFlags are the flags of a line shown for an event.
func lineFlags(meta live.Meta, self bool) chanlog.Flag {
	var f chanlog.Flag
	if meta.History {
		f |= chanlog.History
	}
	if self {
		f |= chanlog.Self
	}
	return f
}

// showEvent puts one event of the network in its window; it reports
// whether the side panes need refreshing and whether to ring the bell.
func (m *Model) showEvent(ev live.Event) (refresh, bell bool) {
	t := ev.When().Unix()
	cur := m.wins.Current()
	here := func(w *winlist.Window) bool { return w == cur }
	switch e := ev.(type) {
	case live.Message:
		kind := chanlog.Msg
		if e.Action {
			kind = chanlog.Action
		}
		return false, m.showText(e.Target, e.From, e.Private, chanlog.Line{Time: t, Nick: e.From.Nick, Text: e.Text, Kind: kind, Flags: lineFlags(e.Meta, e.From.Self)})
	case live.Notice:
		nick := e.From.Nick
		if nick == "" {
			nick = e.Server
		}
		l := chanlog.Line{Time: t, Nick: nick, Text: e.Text, Kind: chanlog.Notice, Flags: lineFlags(e.Meta, e.From.Self)}
		switch {
		case e.From.Self:
			w := m.wins.Get(e.Target)
			if w == nil {
				w = cur
			}
			if !w.Sent(l.Text, l.Time) {
				m.push(w, l)
			}
		case e.Private || !m.isChannel(e.Target):
			m.push(m.wins.Status(), l)
		default:
			return false, m.showText(e.Target, e.From, false, l)
		}
	case live.Whois:
		m.showWhois(e)
	case live.ChannelList:
		m.showList(e)
	case live.Info:
		m.showInfo(e)
	case live.Join:
		w := m.openWindow(e.Channel)
		text := e.From.Nick + " joined"
		if e.From.Self {
			text = "you joined " + e.Channel
		}
		m.push(w, chanlog.Line{Time: t, Nick: e.From.Nick, Text: text, Kind: chanlog.Join, Flags: lineFlags(e.Meta, false)})
		return here(w), false
	case live.Part:
		w := m.wins.Get(e.Channel)
		if w == nil {
			return false, false
		}
		if e.From.Self && w.Closing {
			m.wins.Close(w)
			return true, false
		}
		text := withReason(e.From.Nick+" left", e.Reason)
		if e.From.Self {
			text = "you left " + e.Channel
		}
		m.push(w, chanlog.Line{Time: t, Nick: e.From.Nick, Text: text, Kind: chanlog.Part, Flags: lineFlags(e.Meta, false)})
		return here(w), false
	case live.Kick:
		w := m.wins.Get(e.Channel)
		if w == nil {
			return false, false
		}
		m.push(w, chanlog.Line{Time: t, Nick: e.Kicked, Text: withReason(e.From.Nick+" kicked "+e.Kicked, e.Reason), Kind: chanlog.Part, Flags: lineFlags(e.Meta, false)})
		if e.KickedSelf {
			m.kickedSelf(w, e)
			m.wins.Mark(w, winlist.Mentioned)
			return here(w), m.state.bell
		}
		return here(w), false
	case live.Quit:
		for _, ch := range e.Channels {
			if w := m.wins.Get(ch); w != nil {
				m.push(w, chanlog.Line{Time: t, Nick: e.From.Nick, Text: withReason(e.From.Nick+" quit", e.Reason), Kind: chanlog.Quit, Flags: lineFlags(e.Meta, false)})
				refresh = refresh || here(w)
			}
		}
		return refresh, false
	case live.NickChange:
		if e.From.Self {
			m.Me.Nick = e.NewNick
			m.status("you are now known as " + e.NewNick)
		}
		for _, ch := range e.Channels {
			if w := m.wins.Get(ch); w != nil {
				m.push(w, chanlog.Line{Time: t, Nick: e.NewNick, Text: e.From.Nick + " is now known as " + e.NewNick, Kind: chanlog.Nick, Flags: lineFlags(e.Meta, false)})
				refresh = refresh || here(w)
			}
		}
		if w := m.wins.Get(e.From.Nick); w != nil && w.Kind == winlist.Query && !e.From.Self {
			m.push(w, chanlog.Line{Time: t, Nick: e.NewNick, Text: e.From.Nick + " is now known as " + e.NewNick, Kind: chanlog.Nick})
		}
		return refresh, false
	case live.Topic:
		w := m.openWindow(e.Channel)
		if e.OnJoin {
			m.push(w, chanlog.Line{Time: t, Text: "topic: " + e.Text, Kind: chanlog.Topic, Flags: lineFlags(e.Meta, false)})
		} else {
			m.push(w, chanlog.Line{Time: t, Nick: e.From.Nick, Text: e.From.Nick + " set the topic: " + e.Text, Kind: chanlog.Topic, Flags: lineFlags(e.Meta, false)})
		}
	case live.Members:
		return m.wins.Get(e.Channel) == cur, false
	case live.Mode:
		w := m.wins.Get(e.Target)
		if w == nil {
			w = m.wins.Status()
		}
		text := e.From.Nick + " sets mode " + e.Modes
		if len(e.Params) > 0 {
			text += " " + strings.Join(e.Params, " ")
		}
		m.push(w, chanlog.Line{Time: t, Nick: e.From.Nick, Text: text, Kind: chanlog.Mode, Flags: lineFlags(e.Meta, false)})
		return here(w), false
	case live.Pending:
		m.showPending(e)
	case live.Unsent:
		m.showUnsent(e)
	case live.Conn:
		m.connState(e)
	case live.Error:
		m.showError(e)
	}
	return false, false
}

// showText routes a message to its channel or query window; it reports
// whether the line calls for the bell.
func (m *Model) showText(target string, src live.User, private bool, l chanlog.Line) bool {
	name := target
	if private || !m.isChannel(target) {
		name = src.Nick
		if src.Self {
			name = target
		}
	}
	if !src.Self && m.state.ignored[m.Me.FoldName(src.Nick)] {
		return false // display only: the live driver has had the line
	}
	w := m.openWindow(name)
	if src.Self && w.Sent(l.Text, l.Time) {
		return false // the line typed while disconnected has gone out
	}
	return m.push(w, l) != nil
}

// connState follows the connection's life cycle: of the one network, or
// of each of several (e.Network names it), kept apart for the status bar.
func (m *Model) connState(e live.Conn) {
	state := m.conn.state
	if e.Network != "" {
		state = m.conn.nets[e.Network]
	}
	switch e.State {
	case live.Connecting:
		state = "connecting…"
		if e.Server != "" && e.Network == "" {
			m.conn.server = e.Server
		}
	case live.Connected:
		state = "connected"
		switch {
		case e.Network != "":
			m.Me.Nick = m.opts.Network.Nick() // the first network's: the Matrix user ID is no nick
		case e.Nick != "":
			m.Me.Nick = e.Nick
		}
		m.status("connected to " + e.Server + " as " + e.Nick)
		m.nickTaken(e)
	case live.Disconnected:
		state = "disconnected"
		if e.Err != nil {
			m.errorLine(m.wins.Status(), "disconnected: "+e.Err.Error())
		}
		for _, w := range m.wins.All() {
			if w.Kind == winlist.Channel && m.onNet(w.Name, e.Network) && m.opts.Glue.Meeting(w.Name) != nil && !m.opts.Glue.Meeting(w.Name).Ended() {
				m.errorLine(w, "disconnected: lines typed now are queued and sent when gavel is back")
			}
		}
	case live.ConnectFailed:
		state = "not connected"
		if e.Err != nil {
			m.errorLine(m.wins.Status(), e.Err.Error())
		}
	case live.Reconnecting:
		state = "disconnected · reconnecting in " + e.Delay.Round(time.Second).String()
	case live.Stopped:
		state = "stopped"
		if e.Err != nil { // a permanent refusal (a wrong password, no homeserver): said once
			m.errorLine(m.wins.Status(), e.Err.Error())
		}
	}
	if e.Network == "" {
		m.conn.state = state
		return
	}
	if m.conn.nets == nil {
		m.conn.nets = map[string]string{}
	}
	m.conn.nets[e.Network] = state
}

// netConnected reports whether lines to a channel or user go out now: on
// its own network, when gavel is on several.
func (m *Model) netConnected(target string) bool {
	if nets, ok := m.opts.Network.(live.Nets); ok {
		on := nets.NetOf(target)
		for _, n := range nets.Nets() {
			if n.Name == on {
				return n.Connected
			}
		}
	}
	return m.opts.Network.Connected()
}

// onNet reports whether a channel is on the network named ("": the one).
func (m *Model) onNet(channel, network string) bool {
	nets, ok := m.opts.Network.(live.Nets)
	return network == "" || !ok || nets.NetOf(channel) == network
}

// showInfo shows what else the network says: the server's own text in
// the status window, the rest where it belongs or where the chair is.
func (m *Model) showInfo(e live.Info) {
	w := m.wins.Current()
	switch {
	case e.Status:
		w = m.wins.Status()
	case e.Window != "":
		w = m.windowFor(e.Window)
	}
	l := chanlog.Line{Time: e.When().Unix(), Text: e.Text, Kind: chanlog.Info}
	if e.From.Nick != "" {
		l.Nick, l.Kind = e.From.Nick, chanlog.Notice
	}
	m.push(w, l)
}

// showWhois shows a line of a WHOIS where it was asked.
func (m *Model) showWhois(e live.Whois) {
	key := m.Me.FoldName(e.Nick)
	w := m.state.whois[key]
	if w == nil || m.wins.Get(w.Name) != w && w != m.wins.Status() {
		w = m.wins.Current()
	}
	m.push(w, chanlog.Line{Time: e.When().Unix(), Nick: e.Nick, Text: e.Text, Kind: chanlog.Info})
	if e.End {
		delete(m.state.whois, key)
	}
}

// listing is a /list waiting for its answer.
type listing struct {
	filter string
}

// showList shows the network's channels in the results pane, when /list
// asked for them.
func (m *Model) showList(e live.ChannelList) {
	l := m.state.listing
	if l == nil {
		return
	}
	var rows [][]string
	for _, c := range e.Channels {
		topic := stripCodes(c.Topic)
		if l.filter == "" || strings.Contains(strings.ToLower(c.Name), l.filter) || strings.Contains(strings.ToLower(topic), l.filter) {
			rows = append(rows, []string{c.Name, strconv.Itoa(c.Users), topic})
		}
	}
	title := "Channels"
	if l.filter != "" {
		title += " matching " + strconv.Quote(l.filter)
	}
	title += " (" + itoa(len(rows)) + ")"
	m.results.SetTable(title, []string{"Channel", "Users", "Topic"}, rows, "/join a channel to take part")
	m.state.listing = nil
}

// showError shows a network's error where it belongs: the server's own
// in the status window, others in the window they are about (or the
// current one).
func (m *Model) showError(e live.Error) {
	text := e.Text
	if e.Window != "" && !strings.Contains(text, e.Window) {
		text = e.Window + ": " + text
	}
	if e.Code != "" {
		text += " (" + e.Code + ")"
	}
	if e.Kind == live.ErrorServer {
		m.push(m.wins.Status(), chanlog.Line{Time: e.When().Unix(), Text: text, Kind: chanlog.Info})
		return
	}
	w := m.wins.Get(e.Window)
	if nick := e.Window; e.Kind == live.ErrorNoSuchNick && m.state.whois[m.Me.FoldName(nick)] != nil {
		w = m.state.whois[m.Me.FoldName(nick)]
		delete(m.state.whois, m.Me.FoldName(nick))
	}
	if w == nil {
		w = m.wins.Current()
	}
	m.errorLine(w, text)
}

func withReason(s, reason string) string {
	if reason == "" {
		return s
	}
	return s + " (" + reason + ")"
}
