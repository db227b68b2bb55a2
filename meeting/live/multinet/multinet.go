// Package multinet runs several chat networks as one live.Network, so that
// one live driver (one journal directory, one archive, one console) holds
// the meetings of all of them: IRC channels and Matrix rooms side by side.
//
// Channel and user names of the networks are disjoint by their form, and
// each is routed by it: a Matrix room is "#alias:server" or "!id[:server]"
// and a Matrix user "@local:server" (a ':' or a leading '!' or '@'),
// which IRC channel names and nicks never are (':' is no part of either).
// A name a network is in already goes to that network whatever its form.
package multinet

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"gavel/meeting/live"
)

// Member is one network of a Multi and the names it owns.
type Member struct {
	live.Network
	// Name is what the chair knows the network by ("libera.chat",
	// "fedora.im"): its Conn events are stamped with it (Conn.Network)
	// and the status bar shows it.
	Name string
	// Owns reports whether a channel or user name belongs to this
	// network (MatrixNames or IRCNames).
	Owns func(name string) bool
}

// MatrixNames owns Matrix's room aliases and IDs and user IDs.
func MatrixNames(name string) bool {
	return strings.Contains(name, ":") || strings.HasPrefix(name, "!") || strings.HasPrefix(name, "@")
}

// IRCNames owns every name that is not a Matrix one.
func IRCNames(name string) bool { return !MatrixNames(name) }

// Multi is a live.Network over several. Its events are theirs, a batch
// from one network at a time, in each network's own order. A network's
// Next is called again only once Multi's Next is called again after its
// batch went out, so a network that acks a batch at its next Next (as the
// Matrix adapter does, once the live driver has journalled it) still
// acks only what was handled. Next is called from one goroutine at a
// time, and the first call's context runs the networks for good.
type Multi struct {
	members []Member

	start     sync.Once
	batches   chan batch
	delivered []*pump // the pumps whose batch the last Next returned
	open      int     // networks not stopped yet
}

type batch struct {
	from   *pump
	events []live.Event
	open   bool
}

type pump struct {
	net    live.Network
	name   string
	resume chan struct{}
}

// New returns a Multi over members (at least one).
func New(members ...Member) *Multi {
	return &Multi{members: members, batches: make(chan batch, len(members)), open: len(members)}
}

var (
	_ live.Network  = (*Multi)(nil)
	_ live.Answerer = (*Multi)(nil)
	_ live.Replier  = (*Multi)(nil)
	_ live.Nets     = (*Multi)(nil)
)

// Next implements live.Network: it is open while any network is.
func (m *Multi) Next(ctx context.Context, max int) ([]live.Event, bool) {
	m.start.Do(func() {
		for _, mb := range m.members {
			p := &pump{net: mb.Network, name: mb.Name, resume: make(chan struct{}, 1)}
			go p.run(ctx, max, m.batches)
		}
	})
	for _, p := range m.delivered {
		p.resume <- struct{}{}
	}
	m.delivered = m.delivered[:0]
	if m.open == 0 {
		return nil, false
	}
	var out []live.Event
	take := func(b batch) {
		stamp(b.events, b.from.name)
		out = append(out, b.events...)
		if b.open {
			m.delivered = append(m.delivered, b.from)
		} else {
			m.open--
		}
	}
	select {
	case b := <-m.batches:
		take(b)
	case <-ctx.Done():
		return nil, false
	}
	// Batches of the other networks already waiting go along.
drain:
	for len(out) < max && m.open > 0 {
		select {
		case b := <-m.batches:
			take(b)
		default:
			break drain
		}
	}
	return out, m.open > 0
}

// stamp names the network of each connection event of its batch.
func stamp(evs []live.Event, name string) {
	for i, ev := range evs {
		if c, ok := ev.(live.Conn); ok && c.Network == "" {
			c.Network = name
			evs[i] = c
		}
	}
}

// run hands out its network's batches, one at a time.
func (p *pump) run(ctx context.Context, max int, out chan<- batch) {
	for {
		evs, open := p.net.Next(ctx, max)
		select {
		case out <- batch{from: p, events: evs, open: open}:
		case <-ctx.Done():
			return
		}
		if !open {
			return
		}
		select {
		case <-p.resume:
		case <-ctx.Done():
			return
		}
	}
}

// route is the network a channel or user name belongs to: the one that is
// in the channel, else the first that owns its form.
func (m *Multi) route(name string) live.Network { return m.member(name).Network }

func (m *Multi) member(name string) *Member {
	for i := range m.members {
		if m.members[i].InChannel(name) {
			return &m.members[i]
		}
	}
	for i, mb := range m.members {
		if mb.Owns == nil || mb.Owns(name) {
			return &m.members[i]
		}
	}
	return &m.members[0]
}

// Nets implements live.Nets: each network, in the order of New.
func (m *Multi) Nets() []live.NetStatus {
	out := make([]live.NetStatus, len(m.members))
	for i, mb := range m.members {
		out[i] = live.NetStatus{Name: mb.Name, Nick: mb.Nick(), Connected: mb.Connected(), Lag: mb.Lag()}
	}
	return out
}

// NetOf implements live.Nets.
func (m *Multi) NetOf(name string) string { return m.member(name).Name }

// Say implements live.Effects.
func (m *Multi) Say(target, text string) error { return m.route(target).Say(target, text) }

// SetTopic implements live.Effects.
func (m *Multi) SetTopic(channel, topic string) error {
	return m.route(channel).SetTopic(channel, topic)
}

// Reply implements live.Replier: through the network's own replies when
// it has them (Matrix: m.notice), else said.
func (m *Multi) Reply(target, text string) error {
	n := m.route(target)
	if r, ok := n.(live.Replier); ok {
		return r.Reply(target, text)
	}
	return n.Say(target, text)
}

// Answer implements live.Answerer: through the network's own lane when it
// has one, else each line said to the asker, as the live driver does.
func (m *Multi) Answer(target, key, asker string, lines []string) error {
	n := m.route(target)
	if a, ok := n.(live.Answerer); ok {
		return a.Answer(target, key, asker, lines)
	}
	for _, l := range lines {
		if err := n.Say(target, asker+": "+l); err != nil {
			return err
		}
	}
	return nil
}

// Members implements live.Channels.
func (m *Multi) Members(channel string) []live.Member { return m.route(channel).Members(channel) }

// Topic implements live.Channels.
func (m *Multi) Topic(channel string) string { return m.route(channel).Topic(channel) }

// InChannel implements live.Channels.
func (m *Multi) InChannel(channel string) bool { return m.route(channel).InChannel(channel) }

// IsChannel implements live.Channels.
func (m *Multi) IsChannel(name string) bool { return m.route(name).IsChannel(name) }

// Fold implements live.Channels: each name as its own network folds it.
func (m *Multi) Fold(name string) string { return m.route(name).Fold(name) }

// Nick implements live.Channels: our nick on the first network (each
// network's events say which of their users is us).
func (m *Multi) Nick() string { return m.members[0].Nick() }

// Action implements live.Network.
func (m *Multi) Action(target, text string) error { return m.route(target).Action(target, text) }

// Notice implements live.Network.
func (m *Multi) Notice(target, text string) error { return m.route(target).Notice(target, text) }

// Join implements live.Network: each channel on its own network.
func (m *Multi) Join(channels ...string) error {
	var errs []error
	for _, ch := range channels {
		errs = append(errs, m.route(ch).Join(ch))
	}
	return errors.Join(errs...)
}

// Part implements live.Network.
func (m *Multi) Part(channel, reason string) error { return m.route(channel).Part(channel, reason) }

// SetNick implements live.Network: the first network's nick.
func (m *Multi) SetNick(nick string) error { return m.members[0].SetNick(nick) }

// Quit implements live.Network: every network quits.
func (m *Multi) Quit(msg string) {
	for _, mb := range m.members {
		mb.Quit(msg)
	}
}

// Kick implements live.Network.
func (m *Multi) Kick(channel, nick, reason string) error {
	return m.route(channel).Kick(channel, nick, reason)
}

// Invite implements live.Network.
func (m *Multi) Invite(nick, channel string) error { return m.route(channel).Invite(nick, channel) }

// Mode implements live.Network.
func (m *Multi) Mode(target, modes string, params ...string) error {
	return m.route(target).Mode(target, modes, params...)
}

// Away implements live.Network: on every network that has it.
func (m *Multi) Away(msg string) error {
	var errs []error
	for _, mb := range m.members {
		if err := mb.Away(msg); err != nil && !errors.Is(err, live.ErrUnsupported) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Whois implements live.Network.
func (m *Multi) Whois(nick string) error { return m.route(nick).Whois(nick) }

// List implements live.Network: the first network that has a list.
func (m *Multi) List() error {
	for _, mb := range m.members {
		if err := mb.List(); !errors.Is(err, live.ErrUnsupported) {
			return err
		}
	}
	return fmt.Errorf("channel list: %w", live.ErrUnsupported)
}

// Names implements live.Network.
func (m *Multi) Names(channel string) error { return m.route(channel).Names(channel) }

// CTCP implements live.Network.
func (m *Multi) CTCP(target, command, args string) (string, error) {
	return m.route(target).CTCP(target, command, args)
}

// Raw implements live.Network: a raw line is IRC's, the first network's
// that takes one.
func (m *Multi) Raw(line string) error {
	for _, mb := range m.members {
		if err := mb.Raw(line); !errors.Is(err, live.ErrUnsupported) {
			return err
		}
	}
	return fmt.Errorf("raw lines: %w", live.ErrUnsupported)
}

// Connected implements live.Network: any network connected.
func (m *Multi) Connected() bool {
	for _, mb := range m.members {
		if mb.Connected() {
			return true
		}
	}
	return false
}

// Lag implements live.Network: the longest.
func (m *Multi) Lag() time.Duration {
	var d time.Duration
	for _, mb := range m.members {
		d = max(d, mb.Lag())
	}
	return d
}

// QueueLen implements live.Network: all the networks' lines waiting.
func (m *Multi) QueueLen() int {
	n := 0
	for _, mb := range m.members {
		n += mb.QueueLen()
	}
	return n
}
