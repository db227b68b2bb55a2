package ircclient

import (
	"cmp"
	"context"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"
)

// channel is what the client knows of a channel it is in on the current
// connection: from our own JOIN to our PART, our KICK or the end of the
// connection. It is kept from the server's lines (JOIN, PART, KICK, QUIT,
// NICK, MODE, TOPIC, NAMES) and read by the Client's accessors; c.mu guards it.
type channel struct {
	name    string            // as the server spelled it in our JOIN
	topic   string            // "" when none is set or none was sent
	joined  time.Time         // lines with a server-time before this are history (our JOIN less the skew)
	members map[string]Member // folded nick -> member
	names   []Member          // a NAMES reply being collected (353 … 366)
	modes   string            // the channel's modes without a parameter (+m, +n…), as far as MODE and 324 told us
}

// InChannel reports whether we are in channel on this connection (our JOIN
// has come back and no PART or KICK of ours since).
func (c *Client) InChannel(channel string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, ok := c.chans[c.fold(channel)]
	return ok
}

// Members returns the members of a channel we are in, ordered by channel
// status (the server's PREFIX order, highest first, then no status) and then
// by folded nick; nil when we are not in channel. Prefixes lists every
// status a member has, highest first, as far as NAMES (with multi-prefix
// when the server has it) and MODE told us.
func (c *Client) Members(channel string) []Member {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch, ok := c.chans[c.fold(channel)]
	if !ok {
		return nil
	}
	_, syms := c.isup.prefix()
	type keyed struct {
		rank int
		key  string
		m    Member
	}
	list := make([]keyed, 0, len(ch.members))
	for k, m := range ch.members {
		rank := len(syms)
		if m.Prefixes != "" {
			if i := strings.IndexByte(syms, m.Prefixes[0]); i >= 0 {
				rank = i
			}
		}
		list = append(list, keyed{rank, k, m})
	}
	slices.SortFunc(list, func(a, b keyed) int {
		return cmp.Or(cmp.Compare(a.rank, b.rank), strings.Compare(a.key, b.key))
	})
	out := make([]Member, len(list))
	for i, k := range list {
		out[i] = k.m
	}
	return out
}

// Topic is the topic of a channel we are in ("" when none is set, or when
// we are not in it).
func (c *Client) Topic(channel string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if ch, ok := c.chans[c.fold(channel)]; ok {
		return ch.topic
	}
	return ""
}

// Dropped is how many channel lines (messages, notices, joins, parts,
// kicks, modes, topics, and local echoes) were dropped because they
// concern a channel we are not in.
func (c *Client) Dropped() uint64 { return c.dropped.Load() }

// channelLocked returns the state of a channel we are in, or nil; c.mu held.
func (c *Client) channelLocked(name string) *channel { return c.chans[c.fold(name)] }

// dropLocked counts a channel line for a channel we are not in.
func (c *Client) dropLocked(what, channel string) {
	c.dropped.Add(1)
	if c.log.Enabled(context.Background(), slog.LevelDebug) {
		c.log.Debug("dropped: not in channel", "line", what, "channel", channel)
	}
}

// joinedLocked records our own JOIN: a fresh channel with us in it.
func (c *Client) joinedLocked(name string, at time.Time) *channel {
	f := c.fold(name)
	ch := &channel{name: name, joined: at, members: map[string]Member{}}
	if c.nick != "" {
		ch.members[c.fold(c.nick)] = Member{Nick: c.nick}
	}
	c.chans[f] = ch
	return ch
}

// flushEchoLocked emits the local echoes of lines written to channel
// before our JOIN of it came back, right after the Join event.
func (c *Client) flushEchoLocked(channel string) {
	f := c.fold(channel)
	for _, ev := range c.echoWait[f] {
		c.events.Push(ev)
	}
	delete(c.echoWait, f)
}

// emitEchoLocked emits the event of one of our lines that the server
// accepted (see Pending). Lines to a channel we are in are emitted at once;
// lines to a channel we are joining wait for our JOIN (so the Join event
// comes first, as it does with the server's echo); lines to any other
// channel are dropped like the server's echo of them would be. c.mu is held.
func (c *Client) emitEchoLocked(target string, ev Event) {
	if !c.isChannelLocked(target) {
		c.events.Push(ev)
		return
	}
	f := c.fold(target)
	switch {
	case c.chans[f] != nil:
		c.events.Push(ev)
	case c.want[f]:
		c.echoWait[f] = append(c.echoWait[f], ev)
	default:
		c.dropLocked("local echo", target)
	}
}

// setCaseMappingLocked switches the fold function when the server's
// CASEMAPPING or UTF8MAPPING changes, and rekeys every map of folded names.
func (c *Client) setCaseMappingLocked(casemapping, utf8mapping string) {
	c.fold = CaseFoldFor(casemapping, utf8mapping)
	want := make(map[string]bool, len(c.want))
	for _, ch := range c.channels {
		want[c.fold(ch)] = true
	}
	c.want = want
	chans := make(map[string]*channel, len(c.chans))
	for _, ch := range c.chans {
		members := make(map[string]Member, len(ch.members))
		for _, m := range ch.members {
			members[c.fold(m.Nick)] = m
		}
		ch.members = members
		chans[c.fold(ch.name)] = ch
	}
	c.chans = chans
	clear(c.echoWait)
}

// addPrefix returns cur with symbol sym added, in the order of syms.
func addPrefix(cur string, sym byte, syms string) string {
	if strings.IndexByte(cur, sym) >= 0 {
		return cur
	}
	b := make([]byte, 0, len(cur)+1)
	for i := 0; i < len(syms); i++ {
		if syms[i] == sym || strings.IndexByte(cur, syms[i]) >= 0 {
			b = append(b, syms[i])
		}
	}
	return string(b)
}

// trackModesLocked follows members' status prefixes in ch through a MODE
// change, using PREFIX and CHANMODES to know which letters take a
// parameter.
func (c *Client) trackModesLocked(ch *channel, modes string, params []string) {
	pm, syms := c.isup.prefix()
	groups := strings.SplitN(c.isup["CHANMODES"], ",", 4)
	for len(groups) < 4 {
		groups = append(groups, "")
	}
	adding := true
	for i := 0; i < len(modes); i++ {
		m := modes[i]
		switch m {
		case '+':
			adding = true
			continue
		case '-':
			adding = false
			continue
		}
		idx := strings.IndexByte(pm, m)
		takes := idx >= 0 || strings.IndexByte(groups[0], m) >= 0 || strings.IndexByte(groups[1], m) >= 0 ||
			(adding && strings.IndexByte(groups[2], m) >= 0)
		if !takes {
			if has := strings.IndexByte(ch.modes, m) >= 0; adding && !has {
				ch.modes += string(m)
			} else if !adding && has {
				ch.modes = strings.ReplaceAll(ch.modes, string(m), "")
			}
			continue
		}
		if len(params) == 0 {
			return
		}
		arg := params[0]
		params = params[1:]
		if idx < 0 || idx >= len(syms) {
			continue
		}
		k := c.fold(arg)
		mb, ok := ch.members[k]
		if !ok {
			continue
		}
		if adding {
			mb.Prefixes = addPrefix(mb.Prefixes, syms[idx], syms)
		} else {
			mb.Prefixes = strings.ReplaceAll(mb.Prefixes, string(syms[idx]), "")
		}
		ch.members[k] = mb
	}
}

// TopicLen is the server's TOPICLEN: the longest topic it keeps, in bytes
// (0 when it did not say).
func (c *Client) TopicLen() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n, _ := strconv.Atoi(c.isup["TOPICLEN"])
	return max(n, 0)
}
