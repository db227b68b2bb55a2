package live

// The chair's tools (meeting/chair) in the live driver: each channel's
// tools are fed right after its engine with the events the engine saw,
// and the chair's settings the channel does not see (notes) are journalled
// in order with those events before anything is said, so that a resumed
// meeting rebuilds the tools: agenda and position, timebox, roster,
// quorum, open vote, roll call. Their lines go out through the same send
// path as the engine's replies; what they report comes as UpdateChair; the
// I/O they need comes as UpdateWork with a Task, which the presenter runs
// off its goroutine like a channel lookup's.

import (
	"context"
	"errors"
	"time"

	"gavel/meeting"
	"gavel/meeting/chair"
)

// errNoTools says the controller runs no chair's tools (no Config.Chair).
var errNoTools = errors.New("the chair's tools are not configured")

// tools are a channel's chair's tools, made on first use (nil without
// Config.Chair).
func (c *Controller) tools(ch *channel) *chair.Tools {
	if c.cfg.Chair == nil {
		return nil
	}
	if ch.tools == nil {
		// The names of the tools' rosters and roll calls compare as the
		// channel's meeting compares them (meeting.NickFold).
		fold := meeting.NickFold(ch.name, c.fold)
		if fold == nil {
			fold = exactName
		}
		ch.tools = chair.New(c.cfg.Chair, ch.name, fold)
	}
	return ch.tools
}

// exactName compares names as they are (a Matrix room's).
func exactName(s string) string { return s }

// ChairTools returns a channel's chair's tools for the presenter to show
// (nil: none yet). They are the controller's: read them on its goroutine.
func (c *Controller) ChairTools(name string) *chair.Tools {
	if ch := c.find(name); ch != nil {
		return ch.tools
	}
	return nil
}

// chairSaw feeds the event the engine just handled to the channel's
// tools; what they say goes after the engine's effects.
func (c *Controller) chairSaw(ch *channel, ev meeting.Event, ups []Update, todo []pending) ([]Update, []pending) {
	t := c.tools(ch)
	if t == nil {
		return ups, todo
	}
	return c.chairOut(ch, t.Saw(ev, ch.engine), ups, todo)
}

// chairReplayed feeds a journalled event to a resumed channel's tools:
// their state only (nothing is said, no work is asked for: Start asks for
// what is missing once the journal is read).
func (c *Controller) chairReplayed(ch *channel, e *meeting.Engine, ev meeting.Event) {
	t := c.tools(ch)
	if t == nil || e != ch.engine {
		return // an ended meeting published from its own journal
	}
	if n, ok := ev.(meeting.Note); ok {
		if err := t.Replay(n, e); err != nil {
			c.log.Warn("journal: a note of the chair's tools could not be applied", "channel", ch.name, "err", err)
		}
		return
	}
	t.Saw(ev, e)
}

// chairStart queues what a channel's tools want once its journal is read
// (the configured agenda, lookups a killed process left unanswered).
func (c *Controller) chairStart(ch *channel) []Update {
	t := c.tools(ch)
	if t == nil {
		return nil
	}
	out := t.Start(ch.engine)
	for _, j := range out.Jobs {
		c.work = append(c.work, c.chairTask(ch.name, j))
	}
	return nil
}

// chairOut turns what the tools did into updates and effects.
func (c *Controller) chairOut(ch *channel, out chair.Out, ups []Update, todo []pending) ([]Update, []pending) {
	for _, text := range out.Say {
		switch {
		case c.cfg.Network == nil:
			// Offline no network carries the line: the presenter says
			// it as it says what the chair types (to the engine).
			ups = append(ups, Update{Kind: UpdateOffline, Channel: ch.name, Text: text})
		case c.cfg.Replayed:
			// The network replays a log (the demo), whose bot lines are
			// not said again; the tools' lines are the chair's own, and
			// are (a replay keeps no journal to sync first).
			if err := c.cfg.Network.Say(ch.name, text); err != nil {
				ups = append(ups, Update{Kind: UpdateError, Channel: ch.name, Err: err})
			}
		default:
			todo = append(todo, pending{ch: ch, eff: meeting.Effect{Kind: meeting.EffectSay, Text: text}})
		}
	}
	for i := range out.Reports {
		r := out.Reports[i]
		ups = append(ups, Update{Kind: UpdateChair, Channel: ch.name, Text: r.Text, Report: &r})
	}
	for _, j := range out.Jobs {
		ups = append(ups, Update{Kind: UpdateWork, Channel: ch.name, Task: c.chairTask(ch.name, j)})
	}
	if out.Changed && !(len(ups) > 0 && ups[len(ups)-1].Kind == UpdateMeeting && ups[len(ups)-1].Channel == ch.name) {
		ups = append(ups, Update{Kind: UpdateMeeting, Channel: ch.name})
	}
	return ups, todo
}

// note journals a note of a channel's tools (their state already holds
// it), so that it is safe before the lines it says go out.
func (c *Controller) note(ch *channel, n chair.Note, at time.Time) []Update {
	if ch.journal == nil {
		return nil
	}
	ev, err := n.Event(at)
	if err == nil {
		err = ch.journal.Append(ev)
	}
	if err != nil {
		return []Update{c.errorUpdate(ch, err)}
	}
	c.behind[ch] = true
	return nil
}

// Chair runs a chair's command of the tools (chair.Commands: "agenda",
// "next", "voters", ...) in a channel, with arg what follows it; now is
// the presenter's clock. A command that changes the tools is journalled
// before what it says is sent. The error says why the command did nothing
// (chair.ErrUsage: its arguments are wrong).
func (c *Controller) Chair(name, cmd, arg string, now time.Time) ([]Update, error) {
	ch, ups := c.channel(name)
	t := c.tools(ch)
	if t == nil {
		return ups, errNoTools
	}
	out, n, err := t.Command(cmd, arg, ch.engine, now)
	if err != nil {
		return c.drainWork(ups), err
	}
	if n != nil {
		ups = append(ups, c.note(ch, *n, c.now())...)
	}
	ups, todo := c.chairOut(ch, out, ups, nil)
	return c.drainWork(c.carryOut(ups, todo)), nil
}

// chairTask runs a job of a channel's tools off the controller's
// goroutine; its note comes back on it, applied and journalled before
// what it says is sent.
func (c *Controller) chairTask(channel string, j chair.Job) Task {
	return func(ctx context.Context) func() []Update {
		n := j(ctx)
		return func() []Update { return c.chairDone(channel, n) }
	}
}

// chairDone takes the note of a finished job.
func (c *Controller) chairDone(channel string, n chair.Note) []Update {
	ch := c.find(channel)
	if ch == nil || ch.tools == nil {
		return nil
	}
	out, record := ch.tools.Apply(n, ch.engine)
	var ups []Update
	if record {
		ups = c.note(ch, n, c.now())
	}
	ups, todo := c.chairOut(ch, out, ups, nil)
	return c.drainWork(c.carryOut(ups, todo))
}

// Tick runs the chair's tools on the presenter's clock (a timebox that
// runs out), and hands out the work queued meanwhile (the configured
// agendas of channels resumed at start).
func (c *Controller) Tick(now time.Time) []Update {
	var ups []Update
	var todo []pending
	for _, ch := range c.channels {
		if ch.tools != nil {
			ups, todo = c.chairOut(ch, ch.tools.Tick(now), ups, todo)
		}
	}
	if len(todo) == 0 && len(ups) == 0 && len(c.work) == 0 {
		return nil
	}
	return c.drainWork(c.carryOut(ups, todo))
}

// drainWork adds the queued work to ups.
func (c *Controller) drainWork(ups []Update) []Update {
	for _, t := range c.work {
		ups = append(ups, Update{Kind: UpdateWork, Task: t})
	}
	c.work = nil
	return ups
}

// now is the time of a note (the wall clock: the presenter's may be
// offset in tests, the journal's times are real).
func (c *Controller) now() time.Time { return time.Now().UTC() }
