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
// channel's members when no meeting runs). More panes (an agenda, votes)
// are added as further Lists here and in Layout.
type Side struct {
	common.Common
	Topics, Actions, People List
	// Tab is the pane shown in the narrow layout: 0 the log, 1 Topics,
	// 2 Actions, 3 People.
	Tab int

	narrow bool
	areas  []area // where each pane is, relative to the side's origin
}

type area struct {
	x, y, w, h int
	pane       *List
}

// NewSide returns the side panes.
func NewSide(c common.Common) *Side {
	s := &Side{Common: c}
	s.Topics = List{Common: c, Title: "Topics", Empty: "no meeting running"}
	s.Actions = List{Common: c, Title: "Actions", Empty: "no actions yet"}
	s.People = List{Common: c, Title: "Attendees", Empty: "nobody yet"}
	return s
}

// Layout sizes the panes for a terminal W cells wide with a body H rows
// high, and returns the width the side column takes (0 when narrow: the
// panes then share the log's place, one at a time).
func (s *Side) Layout(W, H int) int {
	s.areas = s.areas[:0]
	s.narrow = W < Narrow
	if s.narrow {
		s.SetSize(W, H-1)
		for _, p := range []*List{&s.Topics, &s.Actions, &s.People} {
			p.SetSize(W, H-1)
			s.areas = append(s.areas, area{0, 1, W, H - 1, p})
		}
		return 0
	}
	if W >= Wide {
		cw := clamp(W/5, 30, 48)
		s.SetSize(2*cw, H)
		ah := H / 2
		s.Topics.SetSize(cw, H)
		s.Actions.SetSize(cw, ah)
		s.People.SetSize(cw, H-ah)
		s.areas = append(s.areas, area{0, 0, cw, H, &s.Topics}, area{cw, 0, cw, ah, &s.Actions}, area{cw, ah, cw, H - ah, &s.People})
		return 2 * cw
	}
	sw := clamp(W*32/100, 26, 44)
	s.SetSize(sw, H)
	th := max(H*45/100, 3)
	ah := max(H*28/100, 3)
	ph := H - th - ah
	s.Topics.SetSize(sw, th)
	s.Actions.SetSize(sw, ah)
	s.People.SetSize(sw, ph)
	s.areas = append(s.areas, area{0, 0, sw, th, &s.Topics}, area{0, th, sw, ah, &s.Actions}, area{0, th + ah, sw, ph, &s.People})
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
			s.Tab = (s.Tab + 1) % 4
		}
	case tea.MouseWheelMsg:
		d := 3
		if msg.Button == tea.MouseWheelUp {
			d = -3
		}
		if s.narrow {
			if s.Tab > 0 {
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

// Rows renders the side column (nil in the narrow layout: see TabRows).
func (s *Side) Rows() []string {
	if s.narrow {
		return nil
	}
	if s.Width >= 2*30 && len(s.areas) == 3 && s.areas[1].x > 0 {
		left := s.Topics.Rows()
		right := append(s.Actions.Rows(), s.People.Rows()...)
		out := make([]string, len(left))
		for i := range left {
			r := ""
			if i < len(right) {
				r = right[i]
			}
			out[i] = left[i] + r
		}
		return out
	}
	return append(append(s.Topics.Rows(), s.Actions.Rows()...), s.People.Rows()...)
}

// TabBar is the tab row of the narrow layout.
func (s *Side) TabBar() string {
	st := s.Styles
	var r common.Row
	r.Reset(s.Width)
	for i, name := range []string{"Log", "Topics", "Actions", "People"} {
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
	if !s.narrow || s.Tab == 0 {
		return nil
	}
	return s.areas[s.Tab-1].pane.Rows()
}
