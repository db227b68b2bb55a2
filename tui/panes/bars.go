package panes

import (
	"fmt"
	"strconv"
	"time"

	"gavel/tui/common"
)

// Activity is a window's unseen state.
type Activity uint8

// Activity levels: nothing new, new lines, a mention of our nick (or a
// private message).
const (
	Seen Activity = iota
	Unseen
	Mentioned
)

// Tab is one window in the window bar.
type Tab struct {
	Name     string
	Activity Activity
	Active   bool
}

// WindowBar renders the top row: "1:gavel 2:#fedora-meeting 3:nirik".
// Unseen windows are marked "+", windows with a mention "!".
func WindowBar(st *common.Styles, w int, tabs []Tab, right string) string {
	var r common.Row
	r.Reset(w)
	rw := common.TextWidth(right)
	for i, t := range tabs {
		label := " " + strconv.Itoa(i+1) + ":" + t.Name
		s := st.Bar
		switch {
		case t.Active:
			s = st.BarActive
		case t.Activity == Mentioned:
			s, label = st.BarMention, label+"!"
		case t.Activity == Unseen:
			s, label = st.BarActivity, label+"+"
		}
		label += " "
		if r.Left()-rw-1 < common.TextWidth(label) {
			r.Add(st.Bar, " …")
			break
		}
		r.Add(s, label)
	}
	if gap := r.Left() - rw; gap > 0 {
		r.Add(st.Bar, common.Spaces(gap))
	}
	r.Add(st.BarKey, right)
	r.Pad(st.Bar)
	return r.String()
}

// Status is what the status bar shows.
type Status struct {
	Server  string // host:port, or "offline demo"
	Nick    string
	Window  string // the current window's name
	Meeting string // the running meeting's name, "" if none
	Started time.Time
	Now     time.Time
	Conn    string        // connection state: "connected", "reconnecting in 4s", …
	Lag     time.Duration // < 0: unknown
	Extra   string        // e.g. the demo's speed
}

// StatusBar renders the status row.
func StatusBar(st *common.Styles, w int, s Status) string {
	var r common.Row
	r.Reset(w)
	r.Add(st.BarKey, " "+s.Server+" ")
	if s.Nick != "" {
		r.Add(st.Bar, "as "+s.Nick+" ")
	}
	r.Add(st.Bar, "│ "+s.Window+" ")
	if s.Meeting != "" {
		r.Add(st.Bar, "│ ")
		r.Add(st.BarKey, "● "+s.Meeting)
		if !s.Started.IsZero() && !s.Now.IsZero() {
			r.Add(st.Bar, " "+Elapsed(s.Now.Sub(s.Started)))
		}
		r.Add(st.Bar, " ")
	}
	right := s.Conn
	if s.Lag >= 0 {
		right += " · lag " + lag(s.Lag)
	} else {
		right += " · lag –"
	}
	if s.Extra != "" {
		right = s.Extra + " │ " + right
	}
	right += " "
	rw := common.TextWidth(right)
	if gap := r.Left() - rw; gap > 0 {
		r.Add(st.Bar, common.Spaces(gap))
	}
	r.Add(st.Bar, right)
	r.Pad(st.Bar)
	return r.String()
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
