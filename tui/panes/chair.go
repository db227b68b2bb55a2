package panes

import (
	"strconv"
	"strings"

	"gavel/meeting/chair"
	"gavel/meeting/chair/agenda"
)

// AgendaEntries lists an agenda for the Agenda pane: each item numbered as
// /agenda skip N counts, the current one marked ▶, done ones ✓, skipped
// ones ↷ (kept for the next meeting), with its timebox; then the items the
// previous meeting of the same name left over, while they are offered.
// anchor is the current item's entry (-1: none).
func AgendaEntries(a *agenda.Agenda, offerDate string) (out []Entry, anchor int) {
	anchor = -1
	if a == nil {
		return nil, -1
	}
	for i, e := range a.Entries() {
		n := strconv.Itoa(i+1) + ". "
		title := e.Title
		if e.Carried {
			title += " (left over)"
		}
		box := ""
		if e.Timebox > 0 {
			box = " [" + agenda.FormatTimebox(e.Timebox) + "]"
		}
		switch e.Status {
		case agenda.Current:
			anchor = len(out)
			out = append(out, Entry{{RCurrent, "▶ " + n + title}, {RMuted, box}})
		case agenda.Done:
			out = append(out, Entry{{RPresent, "✓ "}, {RMuted, n + title + box}})
		case agenda.Skipped:
			out = append(out, Entry{{RAbsent, "↷ "}, {RMuted, n + title + box + " · skipped"}})
		default:
			out = append(out, Entry{{RMuted, "  " + n}, {RText, title}, {RMuted, box}})
		}
	}
	if o, ok := a.Offered(); ok {
		head := "left over"
		if offerDate != "" {
			head += " from " + offerDate
		}
		out = append(out, Entry{{RAccent, head}, {RMuted, " (" + strconv.Itoa(len(o.Items)) + ")"}})
		for _, it := range o.Items {
			out = append(out, Entry{{RMuted, "  · "}, {RText, it.Title}})
		}
		out = append(out, Entry{{RMuted, "  /agenda take puts them first"}})
	}
	return out, anchor
}

// AgendaTitle is the Agenda pane's title: "Agenda 2/5" while an item is
// under discussion.
func AgendaTitle(a *agenda.Agenda) string {
	if a == nil {
		return "Agenda"
	}
	if _, n, ok := a.Current(); ok {
		return "Agenda " + strconv.Itoa(n) + "/" + strconv.Itoa(a.Len())
	}
	return "Agenda (" + strconv.Itoa(a.Len()) + ")"
}

// FollowUpEntries lists the previous meeting's action items for the
// Actions pane, under "from <date>", numbered as /done N and /carry N
// count them.
func FollowUpEntries(f *chair.FollowUp) []Entry {
	if f == nil {
		return nil
	}
	acts := f.Actions()
	if len(acts) == 0 {
		return nil
	}
	out := []Entry{{{RAccent, "from " + f.Date}, {RMuted, " (" + strconv.Itoa(len(acts)) + ") · /done N, /carry N"}}}
	for i, a := range acts {
		n := strconv.Itoa(i+1) + ". "
		switch a.State {
		case chair.Done:
			out = append(out, Entry{{RPresent, " ✓ "}, {RMuted, n + a.Text + " · done"}})
		case chair.Carried:
			out = append(out, Entry{{RAccent, " → "}, {RMuted, n + a.Text + " · carried"}})
		default:
			out = append(out, Entry{{RMuted, "   " + n}, {RText, a.Text}})
		}
	}
	return out
}

// VoteEntries lists a vote for the Votes pane: the question and the tally
// so far, the quorum, then each roster member with the option they chose
// (✓) or not yet (·), and ballots from outside the roster (not counted).
func VoteEntries(r chair.Result, running bool) []Entry {
	state := "running"
	if !running {
		state = "ended"
	}
	out := []Entry{
		{{RBold, r.Question}},
		{{RMuted, state + " "}, {RAccent, r.Summary}},
	}
	q := ""
	switch {
	case r.HasRoster && r.Quorum > 0:
		q = strconv.Itoa(r.Voted) + "/" + strconv.Itoa(len(r.Missing)+r.Voted) + " voted · quorum " + strconv.Itoa(r.Quorum)
	case r.HasRoster:
		q = strconv.Itoa(r.Voted) + "/" + strconv.Itoa(len(r.Missing)+r.Voted) + " voted"
	case r.Quorum > 0:
		q = strconv.Itoa(r.Voted) + " voted · quorum " + strconv.Itoa(r.Quorum)
	default:
		q = strconv.Itoa(r.Voted) + " voted"
	}
	if r.Quorum > 0 || !r.QuorumMet {
		if r.QuorumMet {
			out = append(out, Entry{{RMuted, q + " "}, {RPresent, "✓ met"}})
		} else {
			out = append(out, Entry{{RMuted, q + " "}, {RError, "✗ not met"}})
		}
	} else {
		out = append(out, Entry{{RMuted, q}})
	}
	chose := map[string]string{}
	var order []string
	for i, vs := range r.Voters {
		for _, v := range vs {
			chose[v] = r.Options[i]
			order = append(order, v)
		}
	}
	if r.HasRoster {
		missing := map[string]bool{}
		for _, n := range r.Missing {
			missing[n] = true
		}
		// Voters first, in ballot order, then who has not voted.
		for _, v := range order {
			out = append(out, Entry{{RPresent, "✓ "}, {RNick, v}, {RMuted, " " + chose[v]}})
		}
		for _, n := range r.Missing {
			out = append(out, Entry{{RAbsent, "· "}, {RNick, n}})
		}
		if len(r.Outside) > 0 {
			out = append(out, Entry{{RMuted, "not on the roster: " + strings.Join(r.Outside, ", ")}})
		}
		return out
	}
	for _, v := range order {
		out = append(out, Entry{{RPresent, "✓ "}, {RNick, v}, {RMuted, " " + chose[v]}})
	}
	return out
}
