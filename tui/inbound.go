package tui

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"gavel/ircclient"
	"gavel/meeting/live"
	"gavel/tui/chanlog"
	"gavel/tui/winlist"
)

// MaxBatch bounds the IRC events handled in one Update. A burst of 10,000
// lines becomes about 40 updates, each followed by a frame, instead of
// 10,000 frames or one update that blocks the screen for the whole burst.
const MaxBatch = 256

// eventsMsg is a burst of IRC events; closed says the channel was closed.
type eventsMsg struct {
	events []ircclient.Event
	closed bool
}

// waitEvents is the Cmd that reads the connection: it blocks for one event,
// then takes the ones already waiting (live.WaitBatch). Update re-arms it
// after each batch (the glow/realtime pattern).
func waitEvents(ch <-chan ircclient.Event) tea.Cmd {
	return func() tea.Msg {
		batch, open := live.WaitBatch(context.Background(), ch, MaxBatch)
		return eventsMsg{events: batch, closed: !open}
	}
}

// ircBatch shows a burst of IRC events and feeds them to the live driver.
func (m *Model) ircBatch(evs []ircclient.Event) tea.Cmd {
	ups := m.opts.Glue.HandleIRCBatch(evs)
	notOp := map[string]bool{}
	for _, u := range ups {
		if u.Kind == live.UpdateError && errors.Is(u.Err, live.ErrNotOperator) {
			notOp[m.Me.FoldName(u.Channel)] = true
		}
	}
	refresh, bell := false, false
	for _, ev := range evs {
		if e, ok := ev.(ircclient.Error); ok && e.Code == "482" && notOp[m.Me.FoldName(e.Window)] {
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
func lineFlags(meta ircclient.Meta, self bool) chanlog.Flag {
	var f chanlog.Flag
	if meta.History {
		f |= chanlog.History
	}
	if self {
		f |= chanlog.Self
	}
	return f
}

// showEvent puts one IRC event in its window; it reports whether the side
// panes need refreshing and whether to ring the bell.
func (m *Model) showEvent(ev ircclient.Event) (refresh, bell bool) {
	t := ev.When().Unix()
	cur := m.wins.Current()
	here := func(w *winlist.Window) bool { return w == cur }
	switch e := ev.(type) {
	case ircclient.Message:
		return false, m.showText(e.Target, e.Source, e.Private, chanlog.Line{Time: t, Nick: e.Nick, Text: e.Text, Kind: chanlog.Msg, Flags: lineFlags(e.Meta, e.Self)})
	case ircclient.Action:
		return false, m.showText(e.Target, e.Source, e.Private, chanlog.Line{Time: t, Nick: e.Nick, Text: e.Text, Kind: chanlog.Action, Flags: lineFlags(e.Meta, e.Self)})
	case ircclient.Notice:
		nick := e.Nick
		if nick == "" {
			nick = e.Server
		}
		l := chanlog.Line{Time: t, Nick: nick, Text: e.Text, Kind: chanlog.Notice, Flags: lineFlags(e.Meta, e.Self)}
		switch {
		case e.Self:
			w := m.wins.Get(e.Target)
			if w == nil {
				w = cur
			}
			m.push(w, l)
		case e.Private || !m.isChannel(e.Target):
			m.push(m.wins.Status(), l)
		default:
			return false, m.showText(e.Target, e.Source, false, l)
		}
	case ircclient.Reply:
		m.showReply(e)
	case ircclient.Join:
		w := m.openWindow(e.Channel)
		text := e.Nick + " joined"
		if e.Self {
			text = "you joined " + e.Channel
		}
		m.push(w, chanlog.Line{Time: t, Nick: e.Nick, Text: text, Kind: chanlog.Join, Flags: lineFlags(e.Meta, false)})
		return here(w), false
	case ircclient.Part:
		w := m.wins.Get(e.Channel)
		if w == nil {
			return false, false
		}
		if e.Self && w.Closing {
			m.wins.Close(w)
			return true, false
		}
		text := withReason(e.Nick+" left", e.Reason)
		if e.Self {
			text = "you left " + e.Channel
		}
		m.push(w, chanlog.Line{Time: t, Nick: e.Nick, Text: text, Kind: chanlog.Part, Flags: lineFlags(e.Meta, false)})
		return here(w), false
	case ircclient.Kick:
		w := m.wins.Get(e.Channel)
		if w == nil {
			return false, false
		}
		m.push(w, chanlog.Line{Time: t, Nick: e.Kicked, Text: withReason(e.Nick+" kicked "+e.Kicked, e.Reason), Kind: chanlog.Part, Flags: lineFlags(e.Meta, false)})
		if e.KickedSelf {
			m.wins.Mark(w, winlist.Mentioned)
			return here(w), m.state.bell
		}
		return here(w), false
	case ircclient.Quit:
		for _, ch := range e.Channels {
			if w := m.wins.Get(ch); w != nil {
				m.push(w, chanlog.Line{Time: t, Nick: e.Nick, Text: withReason(e.Nick+" quit", e.Reason), Kind: chanlog.Quit, Flags: lineFlags(e.Meta, false)})
				refresh = refresh || here(w)
			}
		}
		return refresh, false
	case ircclient.NickChange:
		if e.Self {
			m.Me.Nick = e.NewNick
			m.status("you are now known as " + e.NewNick)
		}
		for _, ch := range e.Channels {
			if w := m.wins.Get(ch); w != nil {
				m.push(w, chanlog.Line{Time: t, Nick: e.NewNick, Text: e.Nick + " is now known as " + e.NewNick, Kind: chanlog.Nick, Flags: lineFlags(e.Meta, false)})
				refresh = refresh || here(w)
			}
		}
		if w := m.wins.Get(e.Nick); w != nil && w.Kind == winlist.Query && !e.Self {
			m.push(w, chanlog.Line{Time: t, Nick: e.NewNick, Text: e.Nick + " is now known as " + e.NewNick, Kind: chanlog.Nick})
		}
		return refresh, false
	case ircclient.Topic:
		w := m.openWindow(e.Channel)
		if e.OnJoin {
			m.push(w, chanlog.Line{Time: t, Text: "topic: " + e.Text, Kind: chanlog.Topic, Flags: lineFlags(e.Meta, false)})
		} else {
			m.push(w, chanlog.Line{Time: t, Nick: e.Nick, Text: e.Nick + " set the topic: " + e.Text, Kind: chanlog.Topic, Flags: lineFlags(e.Meta, false)})
		}
	case ircclient.Names:
		return m.wins.Get(e.Channel) == cur, false
	case ircclient.Mode:
		w := m.wins.Get(e.Target)
		if w == nil {
			w = m.wins.Status()
		}
		text := e.Nick + " sets mode " + e.Modes
		if len(e.Params) > 0 {
			text += " " + strings.Join(e.Params, " ")
		}
		m.push(w, chanlog.Line{Time: t, Nick: e.Nick, Text: text, Kind: chanlog.Mode, Flags: lineFlags(e.Meta, false)})
		return here(w), false
	case ircclient.State:
		m.connState(e)
	case ircclient.Error:
		m.showError(e)
	case ircclient.CTCP:
		where := m.wins.Status()
		text := "CTCP " + e.Command + " from " + e.Nick
		if e.Reply {
			where, text = cur, "CTCP "+e.Command+" reply from "+e.Nick
		}
		if e.Args != "" {
			text += ": " + e.Args
		}
		m.push(where, chanlog.Line{Time: t, Nick: e.Nick, Text: text, Kind: chanlog.Notice})
	}
	return false, false
}

// showText routes a message to its channel or query window; it reports
// whether the line calls for the bell.
func (m *Model) showText(target string, src ircclient.Source, private bool, l chanlog.Line) bool {
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

// connState follows the connection's life cycle.
func (m *Model) connState(e ircclient.State) {
	switch e.State {
	case ircclient.Connecting:
		m.conn.state = "connecting…"
		if e.Server != "" {
			m.conn.server = e.Server
		}
	case ircclient.Registered:
		m.conn.state = "connected"
		if e.Nick != "" {
			m.Me.Nick = e.Nick
		}
		m.status("connected to " + e.Server + " as " + e.Nick)
	case ircclient.Disconnected:
		m.conn.state = "disconnected"
		if e.Err != nil {
			m.errorLine(m.wins.Status(), "disconnected: "+e.Err.Error())
		}
		for _, w := range m.wins.All() {
			if w.Kind == winlist.Channel && m.opts.Glue.Meeting(w.Name) != nil && !m.opts.Glue.Meeting(w.Name).Ended() {
				m.errorLine(w, "disconnected: lines typed now are queued and sent when gavel is back")
			}
		}
	case ircclient.ConnectFailed:
		m.conn.state = "not connected"
		if e.Err != nil {
			m.errorLine(m.wins.Status(), e.Err.Error())
		}
	case ircclient.Reconnecting:
		m.conn.state = "disconnected · reconnecting in " + e.Delay.Round(time.Second).String()
	case ircclient.Stopped:
		m.conn.state = "stopped"
	}
}

// Numerics the console routes (RFC 1459/2812 and common extensions).
var (
	// serverReplies go to the status window: the welcome, LUSERS and MOTD.
	serverReplies = map[string]bool{
		"001": true, "002": true, "003": true, "004": true, "005": true,
		"250": true, "251": true, "252": true, "253": true, "254": true, "255": true, "265": true, "266": true,
		"372": true, "375": true, "376": true, "422": true,
	}
	whoisReplies = map[string]bool{
		"301": true, "307": true, "311": true, "312": true, "313": true, "317": true, "318": true, "319": true,
		"320": true, "330": true, "338": true, "378": true, "379": true, "671": true, "276": true, "314": true, "369": true,
	}
)

// showReply shows an informational numeric: the server's in the status
// window, a WHOIS formatted where it was typed, LIST into the pane.
func (m *Model) showReply(e ircclient.Reply) {
	t := e.When().Unix()
	switch {
	case serverReplies[e.Code]:
		m.push(m.wins.Status(), chanlog.Line{Time: t, Text: e.String(), Kind: chanlog.Info})
	case whoisReplies[e.Code]:
		nick := ""
		if len(e.Params) > 0 {
			nick = e.Params[0]
		}
		w := m.state.whois[m.Me.FoldName(nick)]
		if w == nil || m.wins.Get(w.Name) != w && w != m.wins.Status() {
			w = m.wins.Current()
		}
		if text := whoisLine(e); text != "" {
			m.push(w, chanlog.Line{Time: t, Nick: nick, Text: text, Kind: chanlog.Info})
		}
		if e.Code == "318" || e.Code == "369" {
			delete(m.state.whois, m.Me.FoldName(nick))
		}
	case e.Code == "321" || e.Code == "322" || e.Code == "323":
		m.listReply(e)
	default:
		m.push(m.wins.Current(), chanlog.Line{Time: t, Text: e.String(), Kind: chanlog.Info})
	}
}

// whoisLine says one WHOIS reply in words.
func whoisLine(e ircclient.Reply) string {
	p := func(i int) string {
		if i < len(e.Params) {
			return e.Params[i]
		}
		return ""
	}
	nick := p(0)
	switch e.Code {
	case "311", "314":
		verb := " is "
		if e.Code == "314" {
			verb = " was "
		}
		return nick + verb + p(1) + "@" + p(2) + " (" + e.Text + ")"
	case "312":
		return nick + " is on " + p(1) + " (" + e.Text + ")"
	case "313":
		return nick + " is an IRC operator"
	case "317":
		secs, _ := strconv.Atoi(p(1))
		out := nick + " has been idle " + (time.Duration(secs) * time.Second).String()
		if on, err := strconv.ParseInt(p(2), 10, 64); err == nil && on > 0 {
			out += ", signed on " + time.Unix(on, 0).UTC().Format("2006-01-02 15:04 UTC")
		}
		return out
	case "319":
		return nick + " is in " + e.Text
	case "330":
		return nick + " is logged in as " + p(1)
	case "301":
		return nick + " is away: " + e.Text
	case "671":
		return nick + " is using a secure connection"
	case "338":
		return nick + " is connecting from " + p(1)
	case "318", "369":
		return "end of WHOIS " + nick
	}
	return nick + " " + e.Text
}

// listing collects a LIST answer.
type listing struct {
	filter string
	rows   [][]string
}

func (m *Model) listReply(e ircclient.Reply) {
	l := m.state.listing
	if l == nil {
		return
	}
	switch e.Code {
	case "322":
		if len(e.Params) < 2 {
			return
		}
		ch, users := e.Params[0], e.Params[1]
		topic := stripCodes(e.Text)
		if l.filter == "" || strings.Contains(strings.ToLower(ch), l.filter) || strings.Contains(strings.ToLower(topic), l.filter) {
			l.rows = append(l.rows, []string{ch, users, topic})
		}
	case "323":
		title := "Channels"
		if l.filter != "" {
			title += " matching " + strconv.Quote(l.filter)
		}
		title += " (" + itoa(len(l.rows)) + ")"
		m.results.SetTable(title, []string{"Channel", "Users", "Topic"}, l.rows, "/join a channel to take part")
		m.state.listing = nil
	}
}

// showError shows a server error where it belongs: the server's own in
// the status window, others in the window they are about (or the current
// one).
func (m *Model) showError(e ircclient.Error) {
	text := e.Text
	if e.Window != "" && !strings.Contains(text, e.Window) {
		text = e.Window + ": " + text
	}
	text += " (" + e.Code + ")"
	if serverReplies[e.Code] {
		m.push(m.wins.Status(), chanlog.Line{Time: e.When().Unix(), Text: text, Kind: chanlog.Info})
		return
	}
	w := m.wins.Get(e.Window)
	if nick := e.Window; whoisErr(e.Code) && m.state.whois[m.Me.FoldName(nick)] != nil {
		w = m.state.whois[m.Me.FoldName(nick)]
		delete(m.state.whois, m.Me.FoldName(nick))
	}
	if w == nil {
		w = m.wins.Current()
	}
	m.errorLine(w, text)
}

func whoisErr(code string) bool { return code == "401" || code == "402" || code == "406" }

func withReason(s, reason string) string {
	if reason == "" {
		return s
	}
	return s + " (" + reason + ")"
}
