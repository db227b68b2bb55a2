package panes

import (
	"strconv"

	"gavel/tui/common"
)

// netsBar is the status row when gavel is on several networks at once:
// the window and the meeting on the left; on the right what waits, then
// each network's name, our nick there and its state, kept apart
// ("libera.chat: alice ● connected │ fedora.im: @alice:fedora.im ○
// reconnecting in 4s"), then the lag. On a narrow terminal the right side
// narrows before it crowds out the window's name: the nicks go first,
// then the state words (● connected, ○ not), then the names are cut.
func netsBar(st *common.Styles, w int, s Status) string {
	tail := ""
	switch {
	case s.Connected && s.Lag >= 0:
		tail = " · lag " + lag(s.Lag)
	case s.Connected:
		tail = " · lag –"
	}
	if s.Queued > 0 {
		tail += " · " + strconv.Itoa(s.Queued) + " queued"
	}
	bus := waiting(s)
	if s.Extra != "" {
		bus += s.Extra + " │ "
	}
	type shape struct {
		level     int
		bus, tail bool
	}
	shapes := []shape{{0, true, true}, {1, true, true}, {2, true, true}, {3, true, true}, {3, false, true}, {3, false, false}, {4, false, false}}
	width := func(sh shape) int {
		n := 1 // the closing space
		if sh.bus {
			n += common.TextWidth(bus)
		}
		if sh.tail {
			n += common.TextWidth(tail)
		}
		for i, ns := range s.Nets {
			if i > 0 {
				n += common.TextWidth(" │ ")
			}
			n += common.TextWidth(netText(ns, sh.level))
		}
		return n
	}
	var left common.Row
	left.Reset(w)
	left.Add(st.BarKey, " "+s.Window+" ")
	least := left.Width()
	meetingParts(st, &left, s)
	full := left.Width()
	pick := shapes[len(shapes)-1]
	for _, room := range []int{w - full, w - least} {
		found := false
		for _, sh := range shapes {
			if width(sh) <= room {
				pick, found = sh, true
				break
			}
		}
		if found {
			break
		}
	}
	rw := min(width(pick), w)

	var r common.Row
	r.Reset(w - rw)
	r.Add(st.BarKey, " "+s.Window+" ")
	meetingParts(st, &r, s)
	r.Pad(st.Bar)
	out := r.String()

	r.Reset(rw)
	if pick.bus {
		r.Add(st.BarActivity, bus)
	}
	for i, ns := range s.Nets {
		if i > 0 {
			r.Add(st.Bar, " │ ")
		}
		style := st.Bar
		if !ns.Connected && ns.Conn != "offline" {
			style = st.BarMention
		}
		r.Add(style, netText(ns, pick.level))
	}
	if pick.tail {
		r.Add(st.Bar, tail)
	}
	r.Pad(st.Bar)
	return out + r.String()
}

// netText is one network on the status bar, the narrower the higher the
// level: 0 name, nick and state; 1 without the nick; 2 the name and a
// dot (● connected, ○ not); 3 the name cut to 8 cells and the dot; 4 to
// 4 cells.
func netText(ns NetState, level int) string {
	dot := "○"
	if ns.Connected {
		dot = "●"
	}
	switch level {
	case 0:
		if ns.Nick != "" {
			return ns.Name + ": " + ns.Nick + " " + dot + " " + ns.Conn
		}
		return ns.Name + " " + dot + " " + ns.Conn
	case 1:
		return ns.Name + " " + dot + " " + ns.Conn
	case 2:
		return ns.Name + " " + dot
	}
	if level == 3 {
		return common.Truncate(ns.Name, 8) + " " + dot
	}
	return common.Truncate(ns.Name, 4) + " " + dot
}
