package tui

import (
	"strings"

	tea "charm.land/bubbletea/v2"

	"gavel/meeting"
	"gavel/meeting/live"
	"gavel/tui/common"
	"gavel/tui/palette"
	"gavel/tui/panes"
	"gavel/tui/winlist"
)

type rect struct{ x, y, w, h int }

func (r rect) has(x, y int) bool { return x >= r.x && x < r.x+r.w && y >= r.y && y < r.y+r.h }

// geometry is where the panes are on screen, for the mouse wheel.
type geometry struct {
	log, results rect
	sideX, bodyY int
}

// layout sizes every component for the terminal.
func (m *Model) layout() {
	W, H := m.Width, m.Height
	if W <= 0 || H <= 0 {
		return
	}
	bodyY, bodyH := 1, max(H-3, 1)
	sideW := m.side.Layout(W, bodyH)
	logX, logY, logW, logH := 0, bodyY+1, W-sideW, bodyH-1
	if m.side.Narrow() {
		logY, logH = bodyY+2, bodyH-2
	}
	g := geometry{sideX: W - sideW, bodyY: bodyY}
	if sideW == 0 {
		g.sideX, g.bodyY = 0, bodyY+1
	}
	if m.results.Shown() {
		rh := clamp(bodyH*40/100, 5, max(logH-3, 5))
		if m.results.Kind == "minutes" || m.results.Kind == "help" {
			rh = clamp(bodyH*60/100, 5, max(logH-3, 5))
		}
		logH -= rh
		m.results.SetSize(logW, rh)
		g.results = rect{logX, logY + logH, logW, rh}
	}
	logH = max(logH, 1)
	g.log = rect{logX, logY, logW, logH}
	m.geo = g
	for _, w := range m.wins.All() {
		w.Log.SetSize(logW, logH)
	}
	m.wins.SetSize(W, 1)
	m.input.SetSize(W, 1)
}

func clamp(v, lo, hi int) int { return max(lo, min(v, hi)) }

// View renders the whole screen.
func (m *Model) View() tea.View {
	v := tea.NewView(m.Render())
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion
	v.WindowTitle = "gavel — " + m.wins.Current().Name
	return v
}

// Render returns the screen's content: Height rows of Width cells.
func (m *Model) Render() string {
	W, H := m.Width, m.Height
	if W <= 0 || H <= 0 {
		return ""
	}
	st := m.Styles
	if W < 20 || H < 6 {
		return common.Line(st.Error, "gavel needs at least 20x6", W)
	}
	rows := make([]string, 0, H)
	rows = append(rows, m.wins.Bar(" F1 help "))
	rows = append(rows, m.body()...)
	rows = append(rows, panes.StatusBar(st, W, m.statusInfo()))
	if m.search != nil {
		rows = append(rows, m.searchRow())
	} else {
		rows = append(rows, m.input.View())
	}
	for len(rows) < H {
		rows = append(rows, common.Spaces(W))
	}
	rows = rows[:H]
	m.overlays(rows)
	return strings.Join(rows, "\n")
}

func (m *Model) statusInfo() panes.Status {
	w := m.wins.Current()
	s := panes.Status{Server: m.conn.server, Nick: m.Me.Nick, Window: w.Name, Conn: m.conn.state, Lag: -1, Queued: w.QueuedLen()}
	if m.opts.BusWaiting != nil {
		s.BusWaiting = m.opts.BusWaiting()
	}
	s.Dispatch = m.dispatchStatus()
	if c := m.opts.Network; c != nil && !m.offline() {
		s.Connected = c.Connected()
		if s.Connected {
			s.Lag = c.Lag()
			s.Conn = "connected"
		} else if s.Conn == "connected" {
			s.Conn = "disconnected"
		}
		if nets, ok := c.(live.Nets); ok {
			s.Lag = -1
			for _, n := range nets.Nets() {
				s.Nets = append(s.Nets, panes.NetState{Name: n.Name, Nick: n.Nick, Conn: connWords(m.conn.nets[n.Name], n.Connected), Connected: n.Connected})
				if n.Connected {
					s.Lag = max(s.Lag, n.Lag) // the connected networks' (a line waiting for the other is no lag)
				}
			}
		}
	}
	if mt := m.Meeting(); mt != nil {
		s.Meeting = mt.Name
		if mt.Ended() {
			s.Meeting += " (ended)"
			s.Started, s.Now = mt.Start, mt.End
		} else {
			s.Started, s.Now = mt.Start, m.clock()
		}
	}
	if m.demo != nil {
		s.Extra = m.demo.status()
	}
	s.Timebox, s.TimeboxLevel = m.chairClock()
	return s
}

// connWords is a network's state as the status bar says it: what its
// events said, corrected by whether it is connected now.
func connWords(said string, connected bool) string {
	switch {
	case connected:
		return "connected"
	case said == "connected":
		return "disconnected"
	case said == "":
		return "connecting…"
	}
	return said
}

// body renders the rows between the window bar and the status bar.
func (m *Model) body() []string {
	bodyH := max(m.Height-3, 1)
	lr := m.geo.log
	logCol := make([]string, 0, bodyH)
	if m.side.Narrow() {
		logCol = append(logCol, m.side.TabBar())
		if rows := m.side.TabRows(); rows != nil {
			return append(logCol, rows...)
		}
	}
	logCol = append(logCol, m.logHeader(lr.w))
	logCol = append(logCol, m.wins.Current().Log.Rows()...)
	if m.results.Shown() {
		logCol = append(logCol, m.results.Rows()...)
	}
	if m.side.Narrow() {
		return logCol
	}
	side := m.side.Rows()
	out := make([]string, bodyH)
	for i := range out {
		l, s := "", ""
		if i < len(logCol) {
			l = logCol[i]
		} else {
			l = common.Spaces(lr.w)
		}
		if i < len(side) {
			s = side[i]
		}
		out[i] = l + s
	}
	return out
}

// logHeader is the row above the log: the window's name, its topic (read
// from the client) or what the window is for.
func (m *Model) logHeader(w int) string {
	st := m.Styles
	win := m.wins.Current()
	var r common.Row
	r.Reset(w)
	r.Add(st.Accent, " "+win.Name)
	switch {
	case win.Kind == winlist.Status:
		r.Add(st.Muted, "  server messages, lookups and errors")
	case win.Kind == winlist.Channel && m.opts.Network != nil && !m.chans.InChannel(win.Name):
		r.Add(st.Error, "  not in the channel")
	case win.Kind == winlist.Channel && m.chans.Topic(win.Name) != "":
		r.Add(st.Muted, "  "+stripCodes(m.chans.Topic(win.Name)))
	case m.demo != nil:
		r.Add(st.Muted, "  offline demo: type #topic, #info or #action as the chair · F1 keys")
	}
	return r.String()
}

// stripCodes is text for one line of the screen without formatting: the
// codes are read by the one scanner (meeting.StripFormatting), and what
// control characters remain are dropped.
func stripCodes(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, meeting.StripFormatting(s))
}

// overlays draws the popups over the screen rows.
func (m *Model) overlays(rows []string) {
	W, H := m.Width, m.Height
	st := m.Styles
	if c := &m.input.Comp; c.Open() && m.search == nil {
		pw := max(28, common.TextWidth(c.Title())+24)
		for _, mt := range c.Matches() {
			pw = max(pw, common.TextWidth(mt.Str)+4)
		}
		if strings.HasPrefix(c.Title(), "commands") {
			pw = 64
		}
		pw = min(pw, W, 72)
		maxRows := min(10, H-3)
		box := c.PopupRows(st, maxRows, pw)
		x := clamp(m.input.Column(c.Start())-1, 0, W-pw)
		y := H - 2 - len(box)
		common.Overlay(rows, box, x, max(y, 1))
	}
	switch o := m.overlay.(type) {
	case nil:
	case *palette.Model:
		o.SetSize(min(W-4, 76), min(H-4, 16))
		box := o.Rows()
		common.Overlay(rows, box, (W-common.BoxWidth(box))/2, 2)
	case *panes.Help:
		o.SetSize(min(W-2, 80), H-2)
		box := o.Rows()
		common.Overlay(rows, box, max((W-common.BoxWidth(box))/2, 0), max((H-len(box))/2, 0))
	default:
		box := o.Rows()
		common.Overlay(rows, box, max((W-common.BoxWidth(box))/2, 0), max((H-len(box))/2, 1))
	}
}
