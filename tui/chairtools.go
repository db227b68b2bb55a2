package tui

// The chair's tools in the console: the agenda and its leftovers, the
// follow-up of the previous meeting's actions, the timebox, votes with a
// roster and a quorum, and roll call. Their state and logic are the live
// driver's (meeting/chair, fed by meeting/live right after each engine,
// rebuilt from the journal after a crash); the console sends the chair's
// commands, runs the work the tools ask for as the live driver's Tasks,
// shows what they report, and draws their state (chairpanes.go).

import (
	"errors"
	"strings"

	tea "charm.land/bubbletea/v2"

	"gavel/meeting/chair"
	"gavel/meeting/live"
	"gavel/tui/winlist"
)

// tools are a channel's chair's tools, or nil.
func (m *Model) tools(channel string) *chair.Tools { return m.opts.Glue.ChairTools(channel) }

// chairReport shows what the chair's tools report.
func (m *Model) chairReport(u live.Update) {
	w := m.windowFor(u.Channel)
	switch u.Report.Kind {
	case chair.Problem, chair.AgendaFailed:
		m.errorLine(w, u.Text)
	case chair.VoteEnded:
		m.voteEnded(w, *u.Report.Result)
	case chair.AgendaLoaded:
		if strings.Contains(u.Text, " added ") {
			m.info(w, u.Text)
		} else {
			m.info(w, u.Text+" — /next (or "+m.Keys.NextItem.Help().Key+") posts the next one")
		}
	default:
		m.info(w, u.Text)
	}
}

// chairRun runs a command of the chair's tools typed in window w.
func (m *Model) chairRun(w chairCall) tea.Cmd {
	ups, err := m.opts.Glue.Chair(w.w.Name, w.name, w.arg, m.clock())
	_, cmd := m.applyUpdates(ups)
	switch {
	case errors.Is(err, chair.ErrUsage) && w.cmd != nil:
		m.usage(w.w, w.cmd)
	case err != nil:
		msg := err.Error()
		for _, p := range []string{"agenda: ", "chair: "} {
			msg = strings.TrimPrefix(msg, p)
		}
		m.errorLine(w.w, "/"+w.name+": "+msg)
	}
	m.refreshPanes()
	return cmd
}

// chairCall is a command of the chair's tools: typed (cmd is its row of
// the command table) or from a key.
type chairCall struct {
	w         *winlist.Window
	name, arg string
	cmd       *command
}

// voteEnded shows a vote's tally and puts "#agreed <question> (+X, Y, -Z)"
// in the command line for the chair to send or edit.
func (m *Model) voteEnded(w *winlist.Window, r chair.Result) {
	m.info(w, r.Tally())
	if more := r.Verdict(); len(more) > 0 {
		m.info(w, strings.Join(more, " · "))
	}
	switch {
	case m.wins.Current() == w && m.input.Value() == "":
		m.input.SetValue(r.Agreed)
		m.info(w, "the command line holds "+r.Agreed+" — Enter says it, or edit it first")
	default:
		m.input.Remember(r.Agreed)
		m.info(w, "↑ in the command line recalls "+r.Agreed)
	}
}

// chairTick runs the tools on the console's clock: a timebox that runs
// out (and its optional channel notice), work queued at start.
func (m *Model) chairTick() tea.Cmd {
	refresh, cmd := m.applyUpdates(m.opts.Glue.Tick(m.clock()))
	if refresh {
		m.refreshPanes()
	}
	return cmd
}
