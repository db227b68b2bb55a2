package tui

import (
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"gavel/tui/common"
	"gavel/tui/panes"
)

// Narrow is the width below which the side panes fold into a tab row.
const Narrow = 80

// Wide is the width from which Topics get a column of their own.
const Wide = 160

// layout sizes every pane for the terminal and records their areas for the
// mouse wheel.
func (m *Model) layout() {
	W, H := m.width, m.height
	if W <= 0 || H <= 0 {
		return
	}
	bodyY, bodyH := 1, max(H-3, 1)
	clear(m.rects)
	logX, logY, logW, logH := 0, bodyY+1, W, bodyH-1
	if W < Narrow {
		// A tab row, then one pane at a time.
		logY, logH = bodyY+2, bodyH-2
		full := rect{0, bodyY + 1, W, bodyH - 1}
		m.topics.SetSize(full.w, full.h)
		m.actions.SetSize(full.w, full.h)
		m.people.SetSize(full.w, full.h)
		m.rects["topics"], m.rects["actions"], m.rects["people"] = full, full, full
	} else {
		var sideW int
		if W >= Wide {
			cw := clamp(W/5, 30, 48)
			sideW = 2 * cw
			m.topics.SetSize(cw, bodyH)
			ah := bodyH / 2
			m.actions.SetSize(cw, ah)
			m.people.SetSize(cw, bodyH-ah)
			x := W - sideW
			m.rects["topics"] = rect{x, bodyY, cw, bodyH}
			m.rects["actions"] = rect{x + cw, bodyY, cw, ah}
			m.rects["people"] = rect{x + cw, bodyY + ah, cw, bodyH - ah}
		} else {
			sideW = clamp(W*32/100, 26, 44)
			th := max(bodyH*45/100, 3)
			ah := max(bodyH*28/100, 3)
			ph := bodyH - th - ah
			m.topics.SetSize(sideW, th)
			m.actions.SetSize(sideW, ah)
			m.people.SetSize(sideW, ph)
			x := W - sideW
			m.rects["topics"] = rect{x, bodyY, sideW, th}
			m.rects["actions"] = rect{x, bodyY + th, sideW, ah}
			m.rects["people"] = rect{x, bodyY + th + ah, sideW, ph}
		}
		logW = W - sideW
	}
	if m.showResults {
		rh := clamp(bodyH*40/100, 5, max(logH-3, 5))
		logH -= rh
		m.results.SetSize(logW, rh)
		m.rects["results"] = rect{logX, logY + logH, logW, rh}
	}
	logH = max(logH, 1)
	m.rects["log"] = rect{logX, logY, logW, logH}
	for _, w := range m.wins.list {
		w.log.SetSize(logW, logH)
	}
	m.input.SetSize(W, 1)
	m.help.SetWidth(min(W-4, 100))
}

func clamp(v, lo, hi int) int { return max(lo, min(v, hi)) }

// View renders the whole screen.
func (m *Model) View() tea.View {
	v := tea.NewView(m.Render())
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion
	v.WindowTitle = "gavel — " + m.wins.current().name
	return v
}

// Render returns the screen's content: Height rows of Width cells.
func (m *Model) Render() string {
	W, H := m.width, m.height
	if W <= 0 || H <= 0 {
		return ""
	}
	st := m.styles
	if W < 20 || H < 6 {
		return common.Line(st.Error, "gavel needs at least 20x6", W)
	}
	rows := make([]string, 0, H)
	rows = append(rows, m.windowBar())
	rows = append(rows, m.body()...)
	rows = append(rows, panes.StatusBar(st, W, m.statusInfo()))
	rows = append(rows, m.input.View())
	for len(rows) < H {
		rows = append(rows, common.Spaces(W))
	}
	rows = rows[:H]
	m.overlays(rows)
	return strings.Join(rows, "\n")
}

func (m *Model) windowBar() string {
	tabs := make([]panes.Tab, len(m.wins.list))
	for i, w := range m.wins.list {
		tabs[i] = panes.Tab{Name: w.name, Activity: w.act, Active: i == m.wins.cur}
	}
	return panes.WindowBar(m.styles, m.width, tabs, " ? help ")
}

func (m *Model) statusInfo() panes.Status {
	w := m.wins.current()
	s := panes.Status{Server: m.server, Nick: m.nick, Window: w.name, Conn: m.conn, Lag: -1}
	if m.opts.Lag != nil && m.opts.Client != nil {
		s.Lag = m.opts.Lag()
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
	return s
}

// body renders the rows between the window bar and the status bar.
func (m *Model) body() []string {
	W := m.width
	bodyH := max(m.height-3, 1)
	lr := m.rects["log"]
	logCol := make([]string, 0, bodyH)
	if W < Narrow {
		logCol = append(logCol, m.paneTabs())
		switch m.sideTab {
		case 1:
			return append(logCol, m.topics.Rows()...)
		case 2:
			return append(logCol, m.actions.Rows()...)
		case 3:
			return append(logCol, m.people.Rows()...)
		}
	}
	logCol = append(logCol, m.logHeader(lr.w))
	logCol = append(logCol, m.wins.current().log.Rows()...)
	if m.showResults {
		logCol = append(logCol, m.results.Rows()...)
	}
	if W < Narrow {
		return logCol
	}
	var side []string
	if W >= Wide {
		left := m.topics.Rows()
		right := append(m.actions.Rows(), m.people.Rows()...)
		side = make([]string, len(left))
		for i := range left {
			r := ""
			if i < len(right) {
				r = right[i]
			}
			side[i] = left[i] + r
		}
	} else {
		side = append(append(m.topics.Rows(), m.actions.Rows()...), m.people.Rows()...)
	}
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

// logHeader is the row above the log: the window's name and topic.
func (m *Model) logHeader(w int) string {
	st := m.styles
	win := m.wins.current()
	var r common.Row
	r.Reset(w)
	r.Add(st.Accent, " "+win.name)
	switch {
	case win.kind == winStatus:
		r.Add(st.Muted, "  server messages, lookups and errors")
	case win.topic != "":
		r.Add(st.Muted, "  "+stripCodes(win.topic))
	}
	return r.String()
}

// paneTabs is the tab row of the narrow layout.
func (m *Model) paneTabs() string {
	st := m.styles
	var r common.Row
	r.Reset(m.width)
	for i, name := range []string{"Log", "Topics", "Actions", "People"} {
		s := st.Muted
		if i == m.sideTab {
			s = st.BarActive
		}
		r.Add(s, " "+name+" ")
	}
	r.Add(st.Muted, " ctrl+t")
	return r.String()
}

func stripCodes(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 {
			return -1
		}
		return r
	}, s)
}

// overlays draws the popups over the screen rows.
func (m *Model) overlays(rows []string) {
	W, H := m.width, m.height
	st := m.styles
	if c := &m.input.Comp; c.Open() {
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
		x := clamp(common.TextWidth(m.input.Prompt)+c.Start()-1, 0, W-pw)
		y := H - 2 - len(box)
		overlay(rows, box, x, max(y, 1))
	}
	if m.palette != nil {
		box := m.palette.rows(st, min(W-4, 76), min(H-4, 16))
		overlay(rows, box, (W-lineWidth(box))/2, 2)
	}
	if m.paste != nil {
		text := []string{
			"Send " + itoa(len(m.paste)) + " pasted lines to " + m.pasteTo + "?",
			"first: " + m.paste[0],
			"",
			"y / enter: send all     n / esc: cancel",
		}
		box := m.dialog("Paste", text, min(W-4, 64))
		overlay(rows, box, (W-lineWidth(box))/2, max((H-len(box))/2, 1))
	}
	if m.showHelp {
		box := m.helpBox()
		overlay(rows, box, max((W-lineWidth(box))/2, 0), max((H-len(box))/2, 0))
	}
}

func lineWidth(box []string) int {
	if len(box) == 0 {
		return 0
	}
	return ansi.StringWidth(box[0])
}

// dialog frames lines of text in the popup colours.
func (m *Model) dialog(title string, lines []string, w int) []string {
	st := m.styles
	inner := make([]string, len(lines))
	for i, l := range lines {
		inner[i] = common.Line(st.Popup, " "+l, w-2)
	}
	return st.Frame(inner, w, len(lines)+2, title, true)
}

// helpBox renders the key bindings with bubbles/help, plus a pointer to the
// commands.
func (m *Model) helpBox() []string {
	st := m.styles
	w := min(m.width-2, 100)
	m.help.SetWidth(w - 4)
	body := strings.Split(m.help.View(m.keys), "\n")
	body = append(body, "", "Commands: type / and Tab, or Ctrl+K for the palette; /help lists them.",
		"Meeting: plain text and #topic, #action, #agreed… are said to the channel.")
	h := min(len(body)+2, m.height)
	inner := make([]string, 0, h-2)
	for _, l := range body {
		if len(inner) == h-2 {
			break
		}
		l = ansi.Truncate(" "+l, w-2, "…")
		pad := w - 2 - ansi.StringWidth(l)
		inner = append(inner, st.Popup.Render(l+common.Spaces(pad)))
	}
	return st.Frame(inner, w, h, "Keys · ? or esc closes", true)
}

// overlay draws box over rows with its top-left corner at x, y.
func overlay(rows, box []string, x, y int) {
	if len(box) == 0 {
		return
	}
	bw := ansi.StringWidth(box[0])
	for i, b := range box {
		r := y + i
		if r < 0 || r >= len(rows) {
			continue
		}
		base := rows[r]
		left := ansi.Truncate(base, x, "")
		if lw := ansi.StringWidth(left); lw < x {
			left += common.Spaces(x - lw)
		}
		right := ansi.TruncateLeft(base, x+bw, "")
		rows[r] = left + "\x1b[m" + b + "\x1b[m" + right
	}
}
