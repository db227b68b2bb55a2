package tui

// After the meeting (meeting/dispatch) in the console: once a meeting's
// minutes are published, a preview of every destination and what it will
// get, sent on one key named in it; /dispatch sends later, /dispatch show
// lists each delivery with its state, attempts and last error, /dispatch
// retry sends again what was refused. The dispatcher itself (its outbox,
// its sender) lives outside the console; this file only shows it and
// passes the chair's word on. What happens to a delivery (sent, refused,
// unsure) is said once in the status window.

import (
	"strconv"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"gavel/meeting/dispatch"
	"gavel/tui/panes"
)

// Dispatch is what the console needs of the after-meeting deliveries;
// *dispatch.Dispatcher satisfies it.
type Dispatch interface {
	Held() []dispatch.Delivery
	Approve(ids ...string) (int, error)
	Retry(ids ...string) (int, error)
	Entries() []dispatch.Entry
	Status() dispatch.Status
}

// dispatchState is what the console remembers of the deliveries: which
// were offered, and what was already said of each.
type dispatchState struct {
	offered map[string]bool
	said    map[string]string // delivery id → the state (and error) last said
}

func (m *Model) dispatchOf() *dispatchState {
	if m.dispatch == nil {
		m.dispatch = &dispatchState{offered: map[string]bool{}, said: map[string]string{}}
	}
	return m.dispatch
}

// dispatchCommands are the /dispatch commands in the command table.
func dispatchCommands() []command {
	return []command{
		{name: "dispatch", args: "[show|retry]", help: "send the minutes where they go after the meeting (mail, forum, tickets); show: each delivery's state; retry: send again what was refused", run: (*Model).cmdDispatch},
	}
}

func (m *Model) cmdDispatch(c *call) tea.Cmd {
	d := m.opts.Dispatch
	if d == nil {
		m.errorLine(c.w, "dispatch: no destinations are configured (the [dispatch] table)")
		return nil
	}
	sub := ""
	if len(c.args) > 0 {
		sub = strings.ToLower(c.args[0])
	}
	switch sub {
	case "":
		held := d.Held()
		if len(held) == 0 {
			m.info(c.w, "dispatch: nothing waits to be sent (/dispatch show lists every delivery)")
			return nil
		}
		m.approve(c.w.Name, held)
	case "show":
		es := d.Entries()
		if len(es) == 0 {
			m.info(c.w, "dispatch: no deliveries")
			return nil
		}
		for _, e := range es {
			m.info(c.w, entryLine(e, m.clock()))
		}
	case "retry":
		n, err := d.Retry()
		switch {
		case err != nil:
			m.errorLine(c.w, "dispatch: "+err.Error())
		case n == 0:
			m.info(c.w, "dispatch: nothing was refused")
		default:
			for id := range m.dispatchOf().said {
				delete(m.dispatchOf().said, id) // say what happens to them anew
			}
			m.info(c.w, "dispatch: sending "+countOf(n, "delivery", "deliveries")+" again")
		}
	default:
		m.usage(c.w, c.cmd)
	}
	return nil
}

// entryLine is one delivery in /dispatch show.
func entryLine(e dispatch.Entry, now time.Time) string {
	d := e.Delivery
	s := "[" + e.State.String() + "] " + d.Dest + " · " + d.Summary + " · " + d.Meeting + " · " + countOf(e.Attempts, "attempt", "attempts")
	if e.Busy {
		s += " · sending now"
	} else if e.State == dispatch.Queued && e.Next.After(now) {
		s += " · next at " + e.Next.Local().Format("15:04:05")
	}
	if e.Ref != "" {
		s += " · " + e.Ref
	}
	if e.LastErr != "" {
		s += " · last error: " + e.LastErr
	}
	return s
}

func countOf(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// approve sends the held deliveries and says so in window win.
func (m *Model) approve(win string, held []dispatch.Delivery) {
	ids := make([]string, len(held))
	for i, h := range held {
		ids[i] = h.ID
		m.dispatchOf().offered[h.ID] = true
	}
	w := m.windowFor(win)
	n, err := m.opts.Dispatch.Approve(ids...)
	if err != nil {
		m.errorLine(w, "dispatch: "+err.Error())
		return
	}
	m.info(w, "dispatch: sending "+countOf(n, "delivery", "deliveries")+" (/dispatch show follows them)")
}

// dispatchNews offers the deliveries of a meeting just published, and
// says once what became of each delivery. The live updates and the clock
// call it.
func (m *Model) dispatchNews() {
	d := m.opts.Dispatch
	if d == nil {
		return
	}
	st := m.dispatchOf()
	for _, e := range d.Entries() {
		key := e.State.String() + "\x00" + e.LastErr
		if e.State == dispatch.Queued || e.State == dispatch.Held {
			key = e.State.String()
		}
		if st.said[e.Delivery.ID] == key {
			continue
		}
		st.said[e.Delivery.ID] = key
		w := m.windowFor(e.Delivery.Channel)
		switch e.State {
		case dispatch.Sent:
			m.info(w, "dispatch: sent: "+e.Delivery.Dest+refSuffix(e.Ref))
		case dispatch.Refused:
			m.errorLine(w, "dispatch: refused: "+e.Delivery.Dest+": "+e.LastErr+" (kept: /dispatch retry)")
		case dispatch.Unsure:
			m.errorLine(w, "dispatch: unsure: "+e.Delivery.Dest+": "+e.LastErr+" (/dispatch retry sends it again, same Message-ID)")
		}
	}
	if m.overlay != nil && !m.overlay.Done() {
		return // the preview waits for the question on screen
	}
	var fresh []dispatch.Delivery
	for _, h := range d.Held() {
		if !st.offered[h.ID] {
			fresh = append(fresh, h)
		}
	}
	if len(fresh) > 0 {
		m.offerDispatch(fresh)
	}
}

func refSuffix(ref string) string {
	if ref == "" {
		return ""
	}
	return " (" + ref + ")"
}

// offerDispatch shows the preview: each destination and what it gets,
// sent on one key.
func (m *Model) offerDispatch(held []dispatch.Delivery) {
	st := m.dispatchOf()
	for _, h := range held {
		st.offered[h.ID] = true
	}
	lines := []string{"The minutes of " + held[0].Meeting + " are published. Send them on:"}
	for _, h := range held {
		lines = append(lines, "• "+h.Dest, "    "+h.Summary)
	}
	win := held[0].Channel
	m.ask(&panes.Dialog{
		Title: "After the meeting",
		Lines: lines,
		Choices: []panes.Choice{
			{Keys: []string{"s"}, Label: "s: send " + countOf(len(held), "delivery", "all "+strconv.Itoa(len(held))+" deliveries") + " now",
				Run: func() tea.Cmd { m.approve(win, held); return nil }},
			{Keys: []string{"l"}, Label: "l: later (/dispatch sends them, /dispatch show lists them)",
				Run: func() tea.Cmd { m.info(m.windowFor(win), "dispatch: waiting; /dispatch sends the minutes"); return nil }},
		},
	}, 96)
}

// dispatchStatus is the status bar's word on the deliveries ("" when
// nothing waits).
func (m *Model) dispatchStatus() string {
	if m.opts.Dispatch == nil {
		return ""
	}
	s := m.opts.Dispatch.Status()
	switch {
	case s.Held > 0:
		return "dispatch: " + strconv.Itoa(s.Held) + " to send"
	case s.Queued > 0 && s.Err != "":
		return "dispatch: " + strconv.Itoa(s.Queued) + " waiting"
	case s.Queued > 0:
		return "dispatch: sending " + strconv.Itoa(s.Queued)
	case s.Refused+s.Unsure > 0:
		return "dispatch: " + strconv.Itoa(s.Refused+s.Unsure) + " failed"
	}
	return ""
}
