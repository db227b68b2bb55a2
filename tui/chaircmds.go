package tui

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"gavel/meeting"
	"gavel/tui/agenda"
	"gavel/tui/chair"
	"gavel/tui/winlist"
)

// chairCommands are the chair's tools in the command table (see
// commands.go), in help order.
func chairCommands() []command {
	return []command{
		{"agenda", "load PATH|URL | forge URL [label] | add TEXT | skip [N] | take | show | clear",
			"the meeting's agenda (Agenda pane): read a list, add a forge's open issues labelled meeting, add or skip an item, take last meeting's leftovers",
			"", 1, needChannel, (*Model).cmdAgenda},
		{"next", "", "post the next agenda item: #topic <title>, then #link <url>", "", 0, needChannel, (*Model).cmdNext},
		{"timebox", "[10m | off | notice on|off]", "the current topic's timebox (status bar), and the channel notice when it runs out",
			"", 0, needChannel, (*Model).cmdTimebox},
		{"followup", "", "post #topic Follow-up on actions from <date> (the previous meeting's actions are in the Actions pane)",
			"", 0, needChannel, (*Model).cmdFollowup},
		{"done", "N", "post #info done: <action N of the previous meeting>", "", 1, needChannel, (*Model).cmdDone},
		{"carry", "N", "post #action <action N of the previous meeting> again, into this meeting", "", 1, needChannel, (*Model).cmdCarry},
		{"voters", "group:NAME | nick…", "who may vote (an account group, or nicks); posts #info Voters: …", "nicks", 1, needChannel, (*Model).cmdVoters},
		{"quorum", "N | N%", "how many of the voters must vote; posts it with the voters", "", 1, needChannel, (*Model).cmdQuorum},
		{"rollcall", "", "post #topic Roll call and mark who speaks (Attendees pane)", "", 0, needChannel, (*Model).cmdRollcall},
	}
}

// runningHere is the meeting running in the window's channel; it says why
// not in the window when none is.
func (m *Model) runningHere(w *winlist.Window, cmd string) (*meeting.Meeting, *chairChan, bool) {
	mt := m.running(w.Name)
	if mt == nil {
		m.errorLine(w, "/"+cmd+": "+errNoMeeting.Error())
		return nil, nil, false
	}
	return mt, m.chairOf(w.Name), true
}

func (m *Model) chairError(c *call, err error) tea.Cmd {
	msg := err.Error()
	for _, p := range []string{"agenda: ", "chair: "} {
		msg = strings.TrimPrefix(msg, p)
	}
	m.errorLine(c.w, "/"+c.cmd.name+": "+msg)
	return nil
}

func (m *Model) cmdAgenda(c *call) tea.Cmd {
	cc := m.chairOf(c.w.Name)
	sub := strings.ToLower(c.args[0])
	rest := c.after(1)
	defer m.refreshPanes()
	switch sub {
	case "load":
		if rest == "" {
			m.usage(c.w, c.cmd)
			return nil
		}
		ctx, hc, channel := m.opts.Context, m.chair.http, c.w.Name
		m.info(c.w, "agenda: reading "+rest+" …")
		return func() tea.Msg {
			items, err := readAgenda(ctx, hc, rest)
			return agendaMsg{channel: channel, source: rest, items: items, err: err}
		}
	case "forge":
		if len(c.args) < 2 || len(c.args) > 3 {
			m.usage(c.w, c.cmd)
			return nil
		}
		url, label := c.args[1], ""
		if len(c.args) == 3 {
			label = c.args[2]
		}
		ctx, fc, channel := m.opts.Context, m.chair.forge, c.w.Name
		m.info(c.w, "agenda: asking "+url+" for its open issues …")
		return func() tea.Msg {
			items, note, err := forgeAgenda(ctx, fc, url, label)
			return agendaMsg{channel: channel, source: url, items: items, add: true, note: note, err: err}
		}
	case "add":
		if rest == "" {
			m.usage(c.w, c.cmd)
			return nil
		}
		if cc.agenda == nil || cc.finished {
			cc.agenda, cc.source, cc.finished = agenda.New(nil), "", false
		}
		it, err := cc.agenda.Add(rest)
		if err != nil {
			return m.chairError(c, err)
		}
		m.info(c.w, fmt.Sprintf("agenda: added %d. %s", cc.agenda.Len(), it))
	case "skip":
		if cc.agenda == nil {
			return m.chairError(c, errors.New("no agenda (/agenda load PATH|URL)"))
		}
		n := 0
		if rest != "" {
			v, err := strconv.Atoi(rest)
			if err != nil || v < 1 {
				m.usage(c.w, c.cmd)
				return nil
			}
			n = v
		}
		it, err := cc.agenda.Skip(n)
		if err != nil {
			return m.chairError(c, err)
		}
		m.info(c.w, "agenda: skipped "+it.Title+" (kept for the next meeting of this name)")
	case "take":
		if cc.agenda == nil {
			return m.chairError(c, errors.New("nothing is left over from a previous meeting of this name"))
		}
		n := cc.agenda.AcceptOffer()
		if n == 0 {
			return m.chairError(c, errors.New("nothing is left over from a previous meeting of this name"))
		}
		m.info(c.w, fmt.Sprintf("agenda: %d items left over from %s come first", n, cc.offerDate))
	case "show":
		if cc.agenda == nil {
			return m.chairError(c, errors.New("no agenda (/agenda load PATH|URL)"))
		}
		var lines []string
		for i, e := range cc.agenda.Entries() {
			lines = append(lines, fmt.Sprintf("%2d. %-8s %s", i+1, e.Status, e.Item))
		}
		m.results.SetText("Agenda of "+c.w.Name+suffix(cc.source), lines)
		m.openResults("agenda")
	case "clear":
		cc.agenda, cc.source, cc.finished = nil, "", false
		m.info(c.w, "agenda cleared")
	default:
		m.usage(c.w, c.cmd)
	}
	return nil
}

func (m *Model) cmdNext(c *call) tea.Cmd { return m.nextItem(c.w) }

// nextItem posts the next agenda item (/next and its key).
func (m *Model) nextItem(w *winlist.Window) tea.Cmd {
	if w.Kind != winlist.Channel {
		m.errorLine(w, "/next works in a channel window")
		return nil
	}
	_, cc, ok := m.runningHere(w, "next")
	if !ok {
		return nil
	}
	if cc.agenda == nil || cc.finished {
		m.errorLine(w, "/next: no agenda (/agenda load PATH|URL, /agenda forge URL or /agenda add TEXT)")
		return nil
	}
	_, lines, err := cc.agenda.Next()
	if errors.Is(err, agenda.ErrEnd) {
		hint := ""
		if _, ok := cc.agenda.Offered(); ok {
			hint = "; /agenda take adds what the last meeting left over"
		}
		m.errorLine(w, "/next: the agenda has no item left"+hint)
		return nil
	}
	if err != nil {
		m.errorLine(w, "/next: "+err.Error())
		return nil
	}
	m.refreshPanes()
	return m.sayAll(w.Name, lines)
}

func (m *Model) cmdTimebox(c *call) tea.Cmd {
	cc := m.chairOf(c.w.Name)
	state := func() string {
		if cc.notice {
			return "on"
		}
		return "off"
	}
	switch {
	case len(c.args) == 0:
		text := "no topic is timed"
		if clk, ok := cc.timer.Clock(m.clock()); ok && !cc.ended {
			text = "topic " + clk.Topic + ": " + clk.Text
		}
		m.info(c.w, text+" · timebox notice in the channel "+state())
		return nil
	case strings.EqualFold(c.args[0], "notice"):
		if len(c.args) != 2 || !strings.EqualFold(c.args[1], "on") && !strings.EqualFold(c.args[1], "off") {
			m.usage(c.w, c.cmd)
			return nil
		}
		cc.notice = strings.EqualFold(c.args[1], "on")
		m.info(c.w, "timebox notice in the channel "+state())
		return nil
	}
	box := time.Duration(0)
	if !strings.EqualFold(c.line, "off") {
		d, ok, err := agenda.ParseTimebox(c.line)
		if !ok {
			m.usage(c.w, c.cmd)
			return nil
		}
		if err != nil {
			return m.chairError(c, err)
		}
		box = d
	}
	clk, ok := cc.timer.Clock(m.clock())
	if !ok || cc.ended {
		return m.chairError(c, errors.New("no topic is timed (a #topic starts the clock)"))
	}
	cc.box = box
	cc.timer.Start(cc.topic, box, m.clock().Add(-clk.Elapsed))
	if box == 0 {
		m.info(c.w, "no timebox for "+cc.topic)
	} else {
		m.info(c.w, "timebox "+agenda.FormatTimebox(box)+" for "+cc.topic)
	}
	return nil
}

// followUp is the follow-up of the window's running meeting.
func (m *Model) followUp(c *call) (*chair.FollowUp, bool) {
	mt, cc, ok := m.runningHere(c.w, c.cmd.name)
	if !ok {
		return nil, false
	}
	if cc.follow == nil {
		m.chairError(c, fmt.Errorf("the archive has no action items of an earlier meeting %s in %s", mt.Name, mt.Channel))
		return nil, false
	}
	return cc.follow, true
}

func (m *Model) cmdFollowup(c *call) tea.Cmd {
	f, ok := m.followUp(c)
	if !ok {
		return nil
	}
	return m.say(c.w.Name, f.Topic())
}

func (m *Model) cmdDone(c *call) tea.Cmd  { return m.followUpMark(c, (*chair.FollowUp).Done) }
func (m *Model) cmdCarry(c *call) tea.Cmd { return m.followUpMark(c, (*chair.FollowUp).Carry) }

func (m *Model) followUpMark(c *call, mark func(*chair.FollowUp, int) (string, error)) tea.Cmd {
	f, ok := m.followUp(c)
	if !ok {
		return nil
	}
	cc := m.chairOf(c.w.Name)
	n, err := strconv.Atoi(strings.TrimPrefix(c.args[0], "#"))
	if err != nil || len(c.args) != 1 {
		m.usage(c.w, c.cmd)
		return nil
	}
	line, err := mark(f, n)
	if err != nil {
		return m.chairError(c, err)
	}
	cc.said[n], cc.seen[n] = line, false
	m.refreshPanes()
	return m.say(c.w.Name, line)
}

func (m *Model) cmdVoters(c *call) tea.Cmd {
	_, cc, ok := m.runningHere(c.w, c.cmd.name)
	if !ok {
		return nil
	}
	fold := chair.Fold(m.Me.FoldName)
	if strings.HasPrefix(strings.ToLower(c.args[0]), "group:") {
		ctx, r, channel, start, args := m.opts.Context, m.opts.Router, c.w.Name, cc.start, c.args
		m.info(c.w, "voters: asking for the members of "+c.args[0][len("group:"):]+" …")
		return func() tea.Msg {
			ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
			defer cancel()
			roster, err := chair.ParseVoters(ctx, r, fold, args)
			return votersMsg{channel: channel, start: start, roster: roster, err: err}
		}
	}
	roster, err := chair.ParseVoters(m.opts.Context, nil, fold, c.args)
	if err != nil {
		return m.chairError(c, err)
	}
	defer m.refreshPanes()
	return m.setRoster(cc, roster)
}

func (m *Model) cmdQuorum(c *call) tea.Cmd {
	_, cc, ok := m.runningHere(c.w, c.cmd.name)
	if !ok {
		return nil
	}
	q, err := chair.ParseQuorum(c.line)
	if err != nil {
		return m.chairError(c, err)
	}
	if len(cc.votes.Roster.Members) == 0 {
		if q.Percent > 0 {
			return m.chairError(c, errors.New("a quorum in percent needs the voters first (/voters group:NAME or /voters nick…)"))
		}
		cc.votes.Quorum = q
		return m.say(c.w.Name, "#info Quorum: "+q.String())
	}
	cc.votes.Quorum = q
	defer m.refreshPanes()
	return m.sayAll(c.w.Name, chair.VotersLines(cc.votes.Roster, q))
}

func (m *Model) cmdRollcall(c *call) tea.Cmd {
	if _, _, ok := m.runningHere(c.w, c.cmd.name); !ok {
		return nil
	}
	return m.say(c.w.Name, chair.RollCallTopic)
}
