package tui

// The chair's tools on screen: the status bar's timebox, the Agenda and
// Votes panes, and their marks in the Actions and Attendees panes.

import (
	"fmt"
	"strings"

	"gavel/meeting/chair"
	"gavel/tui/panes"
	"gavel/tui/winlist"
)

// chairClock is the status bar's timebox of the current window's topic.
func (m *Model) chairClock() (text string, level int) {
	w := m.wins.Current()
	if w.Kind != winlist.Channel {
		return "", 0
	}
	t := m.tools(w.Name)
	if t == nil {
		return "", 0
	}
	c, ok := t.Clock(m.clock())
	if !ok || c.Box == 0 {
		return "", 0 // the clock is for topics with a timebox (the agenda's, or /timebox)
	}
	return c.Text, int(c.Level)
}

// refreshChair fills the Agenda and Votes panes and adds the tools' marks
// to the Actions and Attendees panes, for the current window (called at
// the end of refreshPanes).
func (m *Model) refreshChair() {
	s := m.side
	w := m.wins.Current()
	var t *chair.Tools
	if w.Kind == winlist.Channel {
		t = m.tools(w.Name)
	}
	showAgenda, showVotes := false, false
	if t != nil {
		if a, _ := t.Agenda(); a != nil {
			showAgenda = true
			e, anchor := panes.AgendaEntries(a, t.OfferDate())
			s.Agenda.SetEntries(e, anchor)
			s.Agenda.Title = panes.AgendaTitle(a)
			if t.AgendaEnded() {
				s.Agenda.Title += " · ended"
			}
		}
		if res, running, ok := t.Vote(); ok {
			showVotes = true
			s.Votes.SetEntries(panes.VoteEntries(res, running), 0)
			s.Votes.Title = "Vote"
			if !running {
				s.Votes.Title = "Vote · ended"
			}
		}
		if f := t.FollowUp(); f != nil {
			fu := panes.FollowUpEntries(f)
			anchor := -1 // the first action not followed up yet, or the newest of this meeting
			for i, a := range f.Actions() {
				if a.State == chair.Open {
					anchor = i + 1
					break
				}
			}
			s.Actions.SetEntries(append(fu, s.Actions.Entries()...), anchor)
		}
		if r := t.RollCall(); r != nil {
			s.People.SetEntries(rollCallEntries(r, s.People.Entries()), 0)
			s.People.Title += fmt.Sprintf(" · roll call %d", len(r.Present()))
		}
	}
	sized := [2]int{s.Agenda.Len(), s.Votes.Len()}
	if showAgenda != s.ShowAgenda || showVotes != s.ShowVotes || sized != m.chairSized {
		s.ShowAgenda, s.ShowVotes, m.chairSized = showAgenda, showVotes, sized
		m.layout()
	}
}

// rollCallEntries marks in the Attendees pane who has spoken since the
// roll call began (✓), with the accounts the backend knows for the nick.
func rollCallEntries(r *chair.RollCall, entries []panes.Entry) []panes.Entry {
	out := make([]panes.Entry, 0, len(entries))
	for _, e := range entries {
		nick := ""
		for _, s := range e {
			if s.Role == panes.RNick {
				nick = s.Text
			}
		}
		if nick == "" || !r.Marked(nick) {
			out = append(out, e)
			continue
		}
		e = append(panes.Entry(nil), e...)
		e = append(e, panes.Seg{Role: panes.RPresent, Text: " ✓"})
		if acc := r.Accounts(nick); len(acc) > 0 {
			e = append(e, panes.Seg{Role: panes.RMuted, Text: " (" + strings.Join(acc, ", ") + ")"})
		}
		out = append(out, e)
	}
	return out
}
