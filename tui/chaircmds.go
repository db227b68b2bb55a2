package tui

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"

	"gavel/meeting/chair/agenda"
	"gavel/tui/winlist"
)

// chairCommands are the chair's tools in the command table (see
// commands.go), in help order.
func chairCommands() []command {
	return []command{
		{"agenda", "load PATH|URL | forge URL [label] | add TEXT | skip [N] | take | show | clear",
			"the meeting's agenda (Agenda pane): read a list, add a forge's open issues labelled meeting, add or skip an item, take last meeting's leftovers",
			"", 1, needChannel, (*Model).cmdAgenda},
		{"next", "", "post the next agenda item: #topic <title>, then #link <url>", "", 0, needChannel, (*Model).cmdChair},
		{"timebox", "[10m | off | notice on|off]", "the current topic's timebox (status bar), and the channel notice when it runs out",
			"", 0, needChannel, (*Model).cmdChair},
		{"followup", "", "post #topic Follow-up on actions from <date> (the previous meeting's actions are in the Actions pane)",
			"", 0, needChannel, (*Model).cmdChair},
		{"done", "N", "post #info done: <action N of the previous meeting>", "", 1, needChannel, (*Model).cmdChair},
		{"carry", "N", "post #action <action N of the previous meeting> again, into this meeting", "", 1, needChannel, (*Model).cmdChair},
		{"voters", "group:NAME | nick…", "who may vote (an account group, or nicks); posts #info Voters: …", "nicks", 1, needChannel, (*Model).cmdChair},
		{"quorum", "N | N%", "how many of the voters must vote; posts it with the voters", "", 1, needChannel, (*Model).cmdChair},
		{"rollcall", "", "post #topic Roll call and mark who speaks (Attendees pane)", "", 0, needChannel, (*Model).cmdChair},
	}
}

// cmdChair runs a command of the chair's tools (the live driver's).
func (m *Model) cmdChair(c *call) tea.Cmd {
	return m.chairRun(chairCall{w: c.w, name: c.cmd.name, arg: c.line, cmd: c.cmd})
}

// cmdAgenda is /agenda: "show" lists the agenda in the results pane, the
// rest is the tools'.
func (m *Model) cmdAgenda(c *call) tea.Cmd {
	if len(c.args) == 0 || !strings.EqualFold(c.args[0], "show") {
		return m.cmdChair(c)
	}
	var a *agenda.Agenda
	source := ""
	if t := m.tools(c.w.Name); t != nil {
		a, source = t.Agenda()
	}
	if a == nil {
		m.errorLine(c.w, "/agenda: no agenda (/agenda load PATH|URL)")
		return nil
	}
	var lines []string
	for i, e := range a.Entries() {
		lines = append(lines, fmt.Sprintf("%2d. %-8s %s", i+1, e.Status, e.Item))
	}
	m.results.SetText("Agenda of "+c.w.Name+suffix(source), lines)
	m.openResults("agenda")
	return nil
}

// nextItem posts the next agenda item (/next's key).
func (m *Model) nextItem(w *winlist.Window) tea.Cmd {
	if w.Kind != winlist.Channel {
		m.errorLine(w, "/next works in a channel window")
		return nil
	}
	return m.chairRun(chairCall{w: w, name: "next"})
}
