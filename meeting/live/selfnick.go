package live

import "gavel/meeting"

// Our own nick, as the meetings know it. The chair's lines are the ones
// gavel sends, whatever nick the network gave it: after a restart that
// finds the chair's nick held by a ghost of the old connection, gavel is
// "chair_" and its lines must still be the chair's. Each channel's engine
// follows our nick as it follows a chair's nick change: a NICK of ours
// reaches it like anyone's, and a different nick after a reconnect (the
// channel sees the old nick leave and the new one join) is fed to it as
// a nick change when gavel is back in the channel, so that the default
// style's log records it and a replay follows it too.

// registeredAs records the nick of a new connection. The meetings of a
// fresh start (resumed from their journals) know gavel by the configured
// nick.
//
// Each network's own: an IRC nick is no name in a Matrix room. A Matrix
// connection names us by our user ID, which no room knows us by (a room
// knows our display name, which our join of it says): it sets nothing.
func (c *Controller) registeredAs(ev Conn) {
	c.selfNow = ev.Nick
	if meeting.IsMatrixUserID(ev.Nick) {
		return
	}
	if c.selfKnown == nil {
		c.selfKnown = map[string]string{}
	}
	if c.selfKnown[ev.Network] == "" {
		c.selfKnown[ev.Network] = ev.Nick
		if ev.Wanted != "" {
			c.selfKnown[ev.Network] = ev.Wanted
		}
	}
}

// netOf is the name of the network a channel is on (Conn.Network; "" when
// there is one network).
func (c *Controller) netOf(channel string) string {
	if nets, ok := c.cfg.Network.(Nets); ok {
		return nets.NetOf(channel)
	}
	return ""
}

// followSelf runs when gavel is back in a channel: if the channel's
// engine knows gavel by another nick, it learns the new one.
func (c *Controller) followSelf(ch *channel, ev Join, ups []Update, todo []pending) ([]Update, []pending) {
	if ch.self == "" {
		ch.self = c.selfKnown[c.netOf(ch.name)]
	}
	now := ev.From.Nick
	if ch.self == "" || now == "" || c.fold(ch.self) == c.fold(now) {
		ch.self = now
		return ups, todo
	}
	nc := meeting.NickChange{Time: ev.When().UTC(), Old: ch.self, New: now}
	ch.self = now
	return c.feed(ch, nc, ups, todo)
}

// selfRenamed follows a NICK of ours in the channels it was seen in.
func (c *Controller) selfRenamed(ev NickChange) {
	c.selfNow = ev.NewNick
	if c.selfKnown == nil {
		c.selfKnown = map[string]string{}
	}
	if len(ev.Channels) == 0 {
		c.selfKnown[c.netOf(ev.NewNick)] = ev.NewNick
	}
	for _, name := range ev.Channels {
		c.selfKnown[c.netOf(name)] = ev.NewNick
		if ch := c.find(name); ch != nil {
			ch.self = ev.NewNick
		}
	}
}
