package live

import (
	"cmp"
	"slices"
	"strings"
	"sync"
)

// ChannelState is the channel state of a network that keeps it from the
// live driver's own events (the offline demo, a test fake, Matrix): the
// channels we are in, their members and topics, our nick, case folding
// and what a channel name looks like. It implements Channels, so the
// console and the live driver read the one owner. IRC keeps its own, in
// ircclient, from the server's lines. It is safe for concurrent use.
type ChannelState struct {
	mu        sync.Mutex
	nick      string
	fold      func(string) string
	chanTypes string
	chans     map[string]*chanInfo // by folded name
}

type chanInfo struct {
	name    string
	topic   string
	members map[string]Member // by folded nick
}

// StatusOrder is the order of member statuses, highest first, that
// Members sorts by (IRC's usual PREFIX).
const StatusOrder = "~&@%+"

// NewChannelState returns the state of a network where we are nick, names
// compare by fold (nil: ASCII case-insensitively) and channel names start
// with one of chanTypes ("": '#' or '&').
func NewChannelState(nick string, fold func(string) string, chanTypes string) *ChannelState {
	if fold == nil {
		fold = asciiLower
	}
	if chanTypes == "" {
		chanTypes = "#&"
	}
	return &ChannelState{nick: nick, fold: fold, chanTypes: chanTypes, chans: map[string]*chanInfo{}}
}

// Apply updates the state from one event and returns it, with the
// channels a Quit or NickChange concerns filled in from the members.
// Played-back history changes nothing.
func (s *ChannelState) Apply(ev Event) Event {
	if ev.Played() {
		return ev
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch e := ev.(type) {
	case Join:
		if e.From.Self {
			c := &chanInfo{name: e.Channel, members: map[string]Member{}}
			s.chans[s.fold(e.Channel)] = c
			if e.From.Nick != "" {
				c.members[s.fold(e.From.Nick)] = Member{Nick: e.From.Nick, ID: e.From.ID}
			}
		} else if c := s.chans[s.fold(e.Channel)]; c != nil {
			c.members[s.fold(e.From.Nick)] = Member{Nick: e.From.Nick, ID: e.From.ID}
		}
	case Part:
		s.leaveLocked(e.Channel, e.From.Nick, e.From.Self)
	case Kick:
		s.leaveLocked(e.Channel, e.Kicked, e.KickedSelf)
	case Quit:
		e.Channels = nil
		for _, c := range s.chans {
			if _, ok := c.members[s.fold(e.From.Nick)]; ok {
				delete(c.members, s.fold(e.From.Nick))
				e.Channels = append(e.Channels, c.name)
			}
		}
		slices.Sort(e.Channels)
		return e
	case NickChange:
		e.Channels = nil
		if e.From.Self || s.fold(e.From.Nick) == s.fold(s.nick) && s.nick != "" {
			s.nick = e.NewNick
		}
		for _, c := range s.chans {
			if m, ok := c.members[s.fold(e.From.Nick)]; ok {
				delete(c.members, s.fold(e.From.Nick))
				m.Nick = e.NewNick
				c.members[s.fold(e.NewNick)] = m
				e.Channels = append(e.Channels, c.name)
			}
		}
		slices.Sort(e.Channels)
		return e
	case Topic:
		if c := s.chans[s.fold(e.Channel)]; c != nil {
			c.topic = e.Text
		}
	case Members:
		if c := s.chans[s.fold(e.Channel)]; c != nil {
			c.members = make(map[string]Member, len(e.Members))
			for _, m := range e.Members {
				c.members[s.fold(m.Nick)] = m
			}
		}
	case Mode:
		if c := s.chans[s.fold(e.Target)]; c != nil {
			s.modesLocked(c, e.Modes, e.Params)
		}
	case Conn:
		switch e.State {
		case Connected:
			if e.Nick != "" {
				s.nick = e.Nick
			}
		case Disconnected, Stopped, ConnectFailed:
			clear(s.chans) // channels are joined again on the next connection
		}
	}
	return ev
}

// statusModes are the member status modes and their prefixes, highest
// first (IRC's usual PREFIX=(qaohv)~&@%+).
const statusModes = "qaohv"

// paramModes are the other channel modes that take a parameter when set
// (and, but for the limit, when unset): IRC's usual CHANMODES lists.
const paramModes = "beIkfjL"

// modesLocked follows the member status a mode change sets or unsets.
func (s *ChannelState) modesLocked(c *chanInfo, modes string, params []string) {
	add, p := true, 0
	for i := 0; i < len(modes); i++ {
		m := modes[i]
		switch {
		case m == '+' || m == '-':
			add = m == '+'
		case strings.IndexByte(statusModes, m) >= 0:
			if p >= len(params) {
				return
			}
			nick := params[p]
			p++
			mb, ok := c.members[s.fold(nick)]
			if !ok {
				continue
			}
			sym := StatusOrder[strings.IndexByte(statusModes, m)]
			mb.Prefixes = strings.ReplaceAll(mb.Prefixes, string(sym), "")
			if add {
				mb.Prefixes = sortStatus(mb.Prefixes + string(sym))
			}
			c.members[s.fold(nick)] = mb
		case strings.IndexByte(paramModes, m) >= 0 || m == 'l' && add:
			p++
		}
	}
}

// sortStatus orders status prefixes highest first.
func sortStatus(p string) string {
	b := []byte(p)
	slices.SortFunc(b, func(x, y byte) int {
		return cmp.Compare(strings.IndexByte(StatusOrder, x), strings.IndexByte(StatusOrder, y))
	})
	return string(b)
}

func (s *ChannelState) leaveLocked(channel, nick string, self bool) {
	if self {
		delete(s.chans, s.fold(channel))
		return
	}
	if c := s.chans[s.fold(channel)]; c != nil {
		delete(c.members, s.fold(nick))
	}
}

// AddMember adds nick to a channel we are in (a network that learns of
// members from what they say); it reports whether the nick is new there.
func (s *ChannelState) AddMember(channel, nick string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chans[s.fold(channel)]
	if c == nil || nick == "" {
		return false
	}
	if _, ok := c.members[s.fold(nick)]; ok {
		return false
	}
	c.members[s.fold(nick)] = Member{Nick: nick}
	return true
}

// SetNick sets our nick.
func (s *ChannelState) SetNick(nick string) {
	s.mu.Lock()
	s.nick = nick
	s.mu.Unlock()
}

// Members implements Channels: highest status first (StatusOrder), then
// by folded nick.
func (s *ChannelState) Members(channel string) []Member {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chans[s.fold(channel)]
	if c == nil {
		return nil
	}
	out := make([]Member, 0, len(c.members))
	for _, m := range c.members {
		out = append(out, m)
	}
	rank := func(m Member) int {
		if m.Prefixes == "" {
			return len(StatusOrder)
		}
		if i := strings.IndexByte(StatusOrder, m.Prefixes[0]); i >= 0 {
			return i
		}
		return len(StatusOrder)
	}
	slices.SortFunc(out, func(a, b Member) int {
		return cmp.Or(cmp.Compare(rank(a), rank(b)), strings.Compare(s.fold(a.Nick), s.fold(b.Nick)))
	})
	return out
}

// Joined lists the channels we are in, as their joins spelled them,
// sorted.
func (s *ChannelState) Joined() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, 0, len(s.chans))
	for _, c := range s.chans {
		out = append(out, c.name)
	}
	slices.Sort(out)
	return out
}

// Topic implements Channels.
func (s *ChannelState) Topic(channel string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.chans[s.fold(channel)]; c != nil {
		return c.topic
	}
	return ""
}

// InChannel implements Channels.
func (s *ChannelState) InChannel(channel string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.chans[s.fold(channel)] != nil
}

// IsChannel implements Channels.
func (s *ChannelState) IsChannel(name string) bool {
	return name != "" && strings.IndexByte(s.chanTypes, name[0]) >= 0
}

// Fold implements Channels.
func (s *ChannelState) Fold(name string) string { return s.fold(name) }

// Nick implements Channels.
func (s *ChannelState) Nick() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.nick
}

var _ Channels = (*ChannelState)(nil)
