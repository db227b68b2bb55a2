package live

import (
	"errors"
	"fmt"
	"time"

	"gavel/meeting"
)

// Handle feeds one event of the network.
func (c *Controller) Handle(ev Event) []Update {
	return c.HandleBatch([]Event{ev})
}

// HandleBatch feeds a burst of the network's events with one journal sync.
func (c *Controller) HandleBatch(events []Event) []Update {
	var ups []Update
	todo := make([]pending, 0, len(events))
	for _, ev := range events {
		played := ev.Played()
		if played && !c.gapLine(ev) {
			// A server's or bouncer's playback: the console shows it;
			// it runs a meeting only where it fills the meeting's gap.
			continue
		}
		self := false
		if j, ok := ev.(Join); ok && j.From.Self {
			self = true
		}
		c.holding, c.played = played || self, played
		if u, ok := topicRefused(ev); ok {
			ups = append(ups, u)
			continue
		}
		switch ev := ev.(type) {
		case Conn:
			c.state(ev)
			continue
		case Join:
			if ev.From.Self {
				ch, u := c.channel(ev.Channel)
				ch.joined = true
				ups = append(ups, u...)
				ups = append(ups, c.sayUnsaid(ch)...)
			}
		}
		for _, ce := range c.translate(ev) {
			ch := c.find(ce.channel)
			if ch == nil || !ch.joined {
				c.dropped++
				c.log.Debug("event for a channel gavel is not in, dropped", "channel", ce.channel, "dropped", c.dropped)
				continue
			}
			ups, todo = c.feed(ch, ce.event, ups, todo)
		}
		switch ev := ev.(type) {
		case Join:
			if ch := c.find(ev.Channel); ch != nil && ev.From.Self {
				ups, todo = c.followSelf(ch, ev, ups, todo)
			}
		case NickChange:
			if ev.From.Self {
				c.selfRenamed(ev)
			}
		case Part:
			if ch := c.find(ev.Channel); ch != nil && ev.From.Self {
				ch.joined = false
				c.away(ch, ev.When())
			}
		case Kick:
			if ch := c.find(ev.Channel); ch != nil && ev.KickedSelf {
				ch.joined = false
				c.away(ch, ev.When())
			}
		}
		c.holding, c.played = false, false
	}
	return c.carryOut(ups, todo)
}

func (c *Controller) state(ev Conn) {
	switch ev.State {
	case Connected:
		c.connected = true
		c.registeredAs(ev)
	case Disconnected, Reconnecting, Stopped, Connecting, ConnectFailed:
		c.connected = false
		for _, ch := range c.channels {
			if !c.onNet(ch.name, ev.Network) {
				continue // another network's channel: still there
			}
			if ch.joined {
				c.away(ch, ev.When())
			}
			ch.joined = false
		}
	}
}

// onNet reports whether a channel is on the network named by a Conn
// (Conn.Network; "" is the one network there is).
func (c *Controller) onNet(channel, network string) bool {
	nets, ok := c.cfg.Network.(Nets)
	return network == "" || !ok || nets.NetOf(channel) == network
}

// away marks that gavel left a channel (PART, KICK, a lost connection)
// while its meeting runs: the first event when gavel is back (its JOIN)
// says in the channel, as after a crash, that lines said in between are
// not in the minutes.
func (c *Controller) away(ch *channel, at time.Time) {
	if ch.engine.Active() {
		ch.openGap(at)
	}
}

// HandleEvent feeds a meeting event from another source, such as the
// offline demo's log.
func (c *Controller) HandleEvent(name string, ev meeting.Event) []Update {
	ch, ups := c.channel(name)
	ups, todo := c.feed(ch, ev, ups, nil)
	return c.carryOut(ups, todo)
}

// Retry writes what the journals hold in memory (the console calls it on
// its clock tick, so that a journal catches up without waiting for the next
// line).
func (c *Controller) Retry() []Update {
	if len(c.behind) == 0 {
		return nil
	}
	return c.carryOut(nil, nil)
}

// chanEvent is a meeting event for one channel.
type chanEvent struct {
	channel string
	event   meeting.Event
}

// translate turns an event of the network into the meeting events of the
// channels it concerns.
func (c *Controller) translate(ev Event) []chanEvent {
	at := ev.When().UTC()
	switch ev := ev.(type) {
	case Message:
		if ev.Private || !c.isChannel(ev.Target) {
			return nil
		}
		return []chanEvent{{ev.Target, meeting.Message{Time: at, Nick: ev.From.Nick, Account: ev.From.ID, Text: ev.Text, Action: ev.Action,
			ID: ev.ID, Part: ev.Part}}}
	case Edit, Redaction:
		return translateChange(ev, at)
	case Topic:
		return []chanEvent{{ev.Channel, meeting.TopicChange{Time: at, Nick: ev.From.Nick, Topic: ev.Text}}}
	case Join:
		return []chanEvent{{ev.Channel, meeting.Join{Time: at, Nick: ev.From.Nick}}}
	case Part:
		return []chanEvent{{ev.Channel, meeting.Part{Time: at, Nick: ev.From.Nick, Reason: ev.Reason}}}
	case NickChange:
		nc := meeting.NickChange{Time: at, Old: ev.From.Nick, New: ev.NewNick}
		if len(ev.Channels) == 0 {
			return c.everyChannel(nc)
		}
		// Only the channels the nick is in: the default style logs the
		// change in their meetings.
		out := make([]chanEvent, 0, len(ev.Channels))
		for _, name := range ev.Channels {
			out = append(out, chanEvent{name, nc})
		}
		return out
	case Quit:
		return c.everyChannel(meeting.Quit{Time: at, Nick: ev.From.Nick, Reason: ev.Reason})
	}
	return nil
}

// ErrNotOperator is wrapped by the error of an UpdateError that says the
// server refused a topic because gavel is not a channel operator; the
// console says it once per meeting.
var ErrNotOperator = errors.New("not a channel operator")

// topicRefused turns the server's refusal of a TOPIC into a clear message.
func topicRefused(ev Event) (Update, bool) {
	e, ok := ev.(Error)
	if !ok || e.Kind != ErrorNotOperator || e.Command != "" && e.Command != "TOPIC" {
		return Update{}, false
	}
	return Update{Kind: UpdateError, Channel: e.Window, Err: fmt.Errorf(
		"cannot set the topic of %s: gavel is %w there (ask for +o, or #lurk to stop setting topics)", e.Window, ErrNotOperator)}, true
}

func (c *Controller) everyChannel(ev meeting.Event) []chanEvent {
	out := make([]chanEvent, 0, len(c.channels))
	for _, ch := range c.channels {
		out = append(out, chanEvent{ch.name, ev})
	}
	return out
}

// isChannel reports whether a name is a channel: by the network's
// channel state when it has one, else by IRC's usual '#' and '&'.
func (c *Controller) isChannel(name string) bool {
	if cs, ok := c.cfg.Network.(Channels); ok {
		return cs.IsChannel(name)
	}
	return name != "" && (name[0] == '#' || name[0] == '&')
}

// feed runs one event through a channel's engine, journals it, and queues
// its effects until the journal is synced.
func (c *Controller) feed(ch *channel, ev meeting.Event, ups []Update, todo []pending) ([]Update, []pending) {
	if c.ranBefore(ch, ev) {
		return ups, todo
	}
	if msg, ok := ev.(meeting.Message); ok && ch.seenAgain(msg) {
		// Without a network ID, a line is known by its time, nick and
		// text (gap.go).
		c.log.Debug("a journalled line played back again, dropped", "channel", ch.name, "nick", msg.Nick)
		return ups, todo
	}
	todo = c.closeGap(ch, ev.When(), todo)
	wasActive := ch.engine.Active()
	effects := ch.engine.Handle(ev)
	started := !wasActive && ch.engine.Active()
	if wasActive || started {
		ch.markRan(ev, started)
	}
	if ch.journal != nil && (wasActive || ch.engine.Active()) {
		if started {
			// The topic from before the meeting, which #endmeeting
			// restores (also after a resume).
			ch.journal.Append(meeting.TopicChange{Time: ev.When(), Topic: ch.topic})
		}
		if err := ch.journal.Append(ev); err != nil {
			ups = append(ups, c.errorUpdate(ch, err))
		}
	}
	if wasActive || ch.engine.Active() {
		ch.journalled(ev)
	}
	if tc, ok := ev.(meeting.TopicChange); ok {
		ch.topic = tc.Topic
	}
	if started {
		todo = append(todo, pending{ch: ch, started: true})
	}
	for _, eff := range effects {
		todo = append(todo, pending{ch: ch, eff: eff})
	}
	ups, todo = c.chairSaw(ch, ev, ups, todo)
	if len(effects) > 0 && !(len(ups) > 0 && ups[len(ups)-1].Kind == UpdateMeeting && ups[len(ups)-1].Channel == ch.name) {
		ups = append(ups, Update{Kind: UpdateMeeting, Channel: ch.name}) // once for a burst
	}
	if m, ok := ev.(meeting.Message); ok && c.cfg.Lookups != nil && !m.Action {
		if _, _, ok := c.cfg.Lookups.ChannelCommand(m.Text); ok {
			ups = append(ups, Update{Kind: UpdateLookup, Channel: ch.name, Nick: m.Nick, Text: m.Text,
				Task: c.lookupTask(ch.name, m.Nick, m.Text)})
		}
	}
	return ups, todo
}
