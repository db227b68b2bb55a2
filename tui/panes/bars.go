package panes

import (
	"fmt"
	"strconv"
	"time"

	"gavel/tui/common"
)

// Status is what the status bar shows.
type Status struct {
	Server  string // host:port, or "offline demo"
	Nick    string
	Window  string // the current window's name
	Meeting string // the running meeting's name, "" if none
	Started time.Time
	Now     time.Time
	// Conn is the connection state ("connected", "disconnected",
	// "reconnecting in 4s", "offline"); Connected says whether lines go
	// out now. Lag (the send queue's delay, < 0 unknown) is shown only
	// while connected; Queued counts lines typed that wait for the
	// connection.
	Conn      string
	Connected bool
	Lag       time.Duration
	Queued    int
	Extra     string // e.g. the demo's speed
	// Timebox is the current topic's clock against its timebox
	// ("7:12/10:00"), "" when it has none; TimeboxLevel marks it at 80%
	// (1) and over (2).
	Timebox      string
	TimeboxLevel int
	// BusWaiting is the number of meeting messages waiting in the
	// message bus's outbox for the broker (0: none, or no bus).
	BusWaiting int
	// Dispatch says what waits of the after-meeting deliveries, e.g.
	// "dispatch: 3 to send" ("": nothing).
	Dispatch string
	// Nets are the networks when gavel is on several at once (IRC and
	// Matrix): each shows its own name, nick and state in place of
	// Server, Nick and Conn; Connected and Lag are then the networks'
	// together (any connected, the longest lag).
	Nets []NetState
}

// NetState is one network of several on the status bar.
type NetState struct {
	Name      string // "libera.chat", "fedora.im"
	Nick      string // our nick there
	Conn      string // its state, as Status.Conn
	Connected bool
}

// StatusBar renders the status row.
func StatusBar(st *common.Styles, w int, s Status) string {
	if len(s.Nets) > 0 {
		return netsBar(st, w, s)
	}
	var r common.Row
	r.Reset(w)
	r.Add(st.BarKey, " "+s.Server+" ")
	if s.Nick != "" {
		r.Add(st.Bar, "as "+s.Nick+" ")
	}
	r.Add(st.Bar, "│ "+s.Window+" ")
	meetingParts(st, &r, s)
	right := s.Conn
	switch {
	case s.Connected && s.Lag >= 0:
		right += " · lag " + lag(s.Lag)
	case s.Connected:
		right += " · lag –"
	}
	if s.Queued > 0 {
		right += " · " + strconv.Itoa(s.Queued) + " queued"
	}
	if s.Extra != "" {
		right = s.Extra + " │ " + right
	}
	bus := waiting(s)
	right += " "
	rw := common.TextWidth(bus + right)
	if gap := r.Left() - rw; gap > 0 {
		r.Add(st.Bar, common.Spaces(gap))
	}
	r.Add(st.BarActivity, bus)
	connStyle := st.Bar
	if !s.Connected && s.Conn != "offline" {
		connStyle = st.BarMention
	}
	r.Add(connStyle, right)
	r.Pad(st.Bar)
	return r.String()
}

// meetingParts adds the running meeting and its topic's timebox.
func meetingParts(st *common.Styles, r *common.Row, s Status) {
	if s.Meeting != "" {
		r.Add(st.Bar, "│ ")
		r.Add(st.BarKey, "● "+s.Meeting)
		if !s.Started.IsZero() && !s.Now.IsZero() {
			r.Add(st.Bar, " "+Elapsed(s.Now.Sub(s.Started)))
		}
		r.Add(st.Bar, " ")
	}
	if s.Timebox != "" {
		r.Add(st.Bar, "│ ")
		switch s.TimeboxLevel {
		case 0:
			r.Add(st.Bar, "topic "+s.Timebox+" ")
		case 1:
			r.Add(st.BarActivity, "topic "+s.Timebox+" !")
			r.Add(st.Bar, " ")
		default:
			r.Add(st.BarMention, "topic "+s.Timebox+" over")
			r.Add(st.Bar, " ")
		}
	}
}

// waiting is what waits for the bus and for dispatch ("" when nothing).
func waiting(s Status) string {
	bus := ""
	switch {
	case s.BusWaiting == 1:
		bus = "bus: 1 message waiting │ "
	case s.BusWaiting > 1:
		bus = "bus: " + strconv.Itoa(s.BusWaiting) + " messages waiting │ "
	}
	if s.Dispatch != "" {
		bus += s.Dispatch + " │ "
	}
	return bus
}

// Elapsed formats a meeting's running time as H:MM:SS.
func Elapsed(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	s := int(d / time.Second)
	return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
}

func lag(d time.Duration) string {
	if d < time.Second {
		return strconv.Itoa(int(d/time.Millisecond)) + "ms"
	}
	return fmt.Sprintf("%.1fs", d.Seconds())
}
