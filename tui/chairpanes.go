package tui

// The chair's tools on screen: the status bar's timebox, the Agenda and
// Votes panes, and their marks in the Actions and Attendees panes.

import (
	"fmt"
	"strings"

	"gavel/tui/chair"
	"gavel/tui/panes"
	"gavel/tui/winlist"
)

// chairClock is the status bar's timebox of the current window's topic.
func (m *Model) chairClock() (text string, level int) {
	w := m.wins.Current()
	if w.Kind != winlist.Channel {
		return "", 0
	}
	cc := m.chair.chans[m.Me.FoldName(w.Name)]
	if cc == nil || cc.ended {
		return "", 0
	}
	c, ok := cc.timer.Clock(m.clock())
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
	var cc *chairChan
	if w.Kind == winlist.Channel {
		cc = m.chair.chans[m.Me.FoldName(w.Name)]
	}
	showAgenda, showVotes := false, false
	if cc != nil {
		if cc.agenda != nil {
			showAgenda = true
			e, anchor := panes.AgendaEntries(cc.agenda, cc.offerDate)
			s.Agenda.SetEntries(e, anchor)
			s.Agenda.Title = panes.AgendaTitle(cc.agenda)
			if cc.finished {
				s.Agenda.Title += " · ended"
			}
		}
		if res, running := cc.votes.Progress(); running {
			showVotes = true
			s.Votes.SetEntries(panes.VoteEntries(res, true), 0)
			s.Votes.Title = "Vote"
		} else if cc.last != nil {
			showVotes = true
			s.Votes.SetEntries(panes.VoteEntries(*cc.last, false), 0)
			s.Votes.Title = "Vote · ended"
		}
		if fu := panes.FollowUpEntries(cc.follow); fu != nil {
			anchor := -1 // the first action not followed up yet, or the newest of this meeting
			for i, a := range cc.follow.Actions() {
				if a.State == chair.Open {
					anchor = i + 1
					break
				}
			}
			s.Actions.SetEntries(append(fu, s.Actions.Entries()...), anchor)
		}
		if r := cc.roll; r != nil && !cc.ended {
			s.People.SetEntries(rollCallEntries(r, s.People.Entries()), 0)
			s.People.Title += fmt.Sprintf(" · roll call %d", len(r.Present()))
		}
	}
	sized := [2]int{s.Agenda.Len(), s.Votes.Len()}
	if showAgenda != s.ShowAgenda || showVotes != s.ShowVotes || sized != m.chair.sized {
		s.ShowAgenda, s.ShowVotes, m.chair.sized = showAgenda, showVotes, sized
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
