package panes

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"gavel/tui/common"
)

// Layout widths: below Narrow the side panes fold into a tab row over the
// log; from Wide the Topics get a column of their own. Between them the
// three panes stack in one column.
const (
	Narrow = 80
	Wide   = 160
)

// Side is the group of side panes: Topics, Actions and Attendees (or the
// channel's members when no meeting runs), and, when the chair uses them,
// the Agenda (over the Topics) and the Votes of a running vote (over the
// Attendees).
type Side struct {
	common.Common
	Topics, Actions, People List
	Agenda, Votes           List
	// ShowAgenda and ShowVotes give the Agenda and Votes panes a place
	// (set before Layout).
	ShowAgenda, ShowVotes bool
	// Tab is the pane shown in the narrow layout: 0 the log, then the
	// panes in order (Topics, Agenda, Actions, Votes, People; the hidden
	// ones left out).
	Tab int

	narrow bool
	areas  []area // where each pane is, relative to the side's origin
}

type area struct {
	x, y, w, h int
	pane       *List
	name       string
}

// NewSide returns the side panes.
func NewSide(c common.Common) *Side {
	s := &Side{Common: c}
	s.Topics = List{Common: c, Title: "Topics", Empty: "no meeting running"}
	s.Actions = List{Common: c, Title: "Actions", Empty: "no actions yet"}
	s.People = List{Common: c, Title: "Attendees", Empty: "nobody yet"}
	s.Agenda = List{Common: c, Title: "Agenda", Empty: "no items"}
	s.Votes = List{Common: c, Title: "Vote", Empty: "no vote running"}
	return s
}

// split cuts total rows into a pane that wants want rows and the rest,
// leaving the rest at least 3 rows when it can.
func split(total, want int) (first, rest int) {
	first = clamp(want, 3, max(total-3, 3))
	if first >= total {
		first = total / 2
	}
	return first, total - first
}

// Layout sizes the panes for a terminal W cells wide with a body H rows
// high, and returns the width the side column takes (0 when narrow: the
// panes then share the log's place, one at a time).
func (s *Side) Layout(W, H int) int {
	s.areas = s.areas[:0]
	s.narrow = W < Narrow
	add := func(x, y, w, h int, p *List, name string) {
		p.SetSize(w, h)
		s.areas = append(s.areas, area{x, y, w, h, p, name})
	}
	// column stacks panes from y in a column of width w and height h; the
	// optional pane (shown when show) takes what it wants above main.
	column := func(x, y, w, h int, opt *List, optName string, show bool, main *List, mainName string) {
		if show {
			oh, rest := split(h, opt.Len()+2)
			add(x, y, w, oh, opt, optName)
			y, h = y+oh, rest
		}
		add(x, y, w, h, main, mainName)
	}
	if s.narrow {
		s.SetSize(W, H-1)
		for _, p := range []struct {
			pane *List
			name string
			show bool
		}{{&s.Topics, "Topics", true}, {&s.Agenda, "Agenda", s.ShowAgenda}, {&s.Actions, "Actions", true},
			{&s.Votes, "Votes", s.ShowVotes}, {&s.People, "People", true}} {
			if p.show {
				add(0, 1, W, H-1, p.pane, p.name)
			}
		}
		if s.Tab > len(s.areas) {
			s.Tab = 0
		}
		return 0
	}
	if W >= Wide {
		cw := clamp(W/5, 30, 48)
		s.SetSize(2*cw, H)
		ah := H / 2
		column(0, 0, cw, H, &s.Agenda, "Agenda", s.ShowAgenda, &s.Topics, "Topics")
		add(cw, 0, cw, ah, &s.Actions, "Actions")
		column(cw, ah, cw, H-ah, &s.Votes, "Votes", s.ShowVotes, &s.People, "People")
		return 2 * cw
	}
	sw := clamp(W*32/100, 26, 44)
	s.SetSize(sw, H)
	th := max(H*45/100, 3)
	if s.ShowAgenda {
		th = max(H*55/100, 6)
	}
	ah := max(H*28/100, 3)
	if s.ShowAgenda || s.ShowVotes {
		ah = max(H*22/100, 3)
	}
	if s.ShowVotes {
		th, ah = max(th-H*12/100, 3), max(H*18/100, 3)
	}
	ph := H - th - ah
	column(0, 0, sw, th, &s.Agenda, "Agenda", s.ShowAgenda, &s.Topics, "Topics")
	add(0, th, sw, ah, &s.Actions, "Actions")
	column(0, th+ah, sw, ph, &s.Votes, "Votes", s.ShowVotes, &s.People, "People")
	return sw
}

func clamp(v, lo, hi int) int { return max(lo, min(v, hi)) }

// Narrow reports whether the panes are folded into tabs.
func (s *Side) Narrow() bool { return s.narrow }

// Update switches the narrow tab (Ctrl+T) and scrolls the pane under the
// mouse wheel (X and Y relative to the side's origin; in the narrow layout,
// to the body's).
func (s *Side) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		if key.Matches(msg, s.Keys.NextPane) {
			s.Tab = (s.Tab + 1) % (len(s.areas) + 1)
		}
	case tea.MouseWheelMsg:
		d := 3
		if msg.Button == tea.MouseWheelUp {
			d = -3
		}
		if s.narrow {
			if s.Tab > 0 && s.Tab <= len(s.areas) {
				s.areas[s.Tab-1].pane.Scroll(d)
			}
			return nil
		}
		for _, a := range s.areas {
			if msg.X >= a.x && msg.X < a.x+a.w && msg.Y >= a.y && msg.Y < a.y+a.h {
				a.pane.Scroll(d)
			}
		}
	}
	return nil
}

// ShortHelp implements help.KeyMap.
func (s *Side) ShortHelp() []key.Binding { return []key.Binding{s.Keys.NextPane} }

// FullHelp implements help.KeyMap.
func (s *Side) FullHelp() [][]key.Binding { return [][]key.Binding{s.ShortHelp()} }

// Rows renders the side column (nil in the narrow layout: see TabRows):
// each column's panes top to bottom, the columns side by side.
func (s *Side) Rows() []string {
	if s.narrow {
		return nil
	}
	var xs []int
	cols := map[int][]string{}
	for _, a := range s.areas {
		if _, ok := cols[a.x]; !ok {
			xs = append(xs, a.x)
		}
		cols[a.x] = append(cols[a.x], a.pane.Rows()...)
	}
	out := make([]string, s.Height)
	for _, x := range xs {
		for i := range out {
			if i < len(cols[x]) {
				out[i] += cols[x][i]
			}
		}
	}
	return out
}

// TabBar is the tab row of the narrow layout.
func (s *Side) TabBar() string {
	st := s.Styles
	var r common.Row
	r.Reset(s.Width)
	names := []string{"Log"}
	for _, a := range s.areas {
		names = append(names, a.name)
	}
	for i, name := range names {
		style := st.Muted
		if i == s.Tab {
			style = st.BarActive
		}
		r.Add(style, " "+name+" ")
	}
	r.Add(st.Muted, " ctrl+t")
	return r.String()
}

// TabRows renders the pane of the narrow tab, or nil for the log.
func (s *Side) TabRows() []string {
	if !s.narrow || s.Tab == 0 || s.Tab > len(s.areas) {
		return nil
	}
	return s.areas[s.Tab-1].pane.Rows()
}
