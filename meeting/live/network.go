package live

import (
	"context"
	"errors"
	"time"
)

// Effects is what the controller needs of a network to carry out a
// meeting's effects. Every Network has it.
type Effects interface {
	// Say sends a line to a channel or a user. It only sends: the line
	// comes back as the network's one event for it (Message with
	// From.Self), as the channel saw it.
	Say(target, text string) error
	// SetTopic sets a channel's topic.
	SetTopic(channel, topic string) error
}

// Answerer is a network with a lane for lookup answers that gives way to
// the chair's and the meeting's lines (IRC's low send lane): the lines go
// to target addressed to asker, coalesced with the same question (key)
// asked meanwhile. A network without it gets each line said, addressed.
type Answerer interface {
	Answer(target, key, asker string, lines []string) error
}

// ErrAskerBusy is returned by an Answerer when the asker has too many
// answers waiting: the question is dropped.
var ErrAskerBusy = errors.New("the asker has too many answers waiting")

// ErrNotInChannel is returned by a network's Say, Action and Notice for
// a channel gavel was removed from (kicked): nothing is sent until it
// joins again.
var ErrNotInChannel = errors.New("gavel is not in the channel")

// ErrUnsupported is returned by a network for a command it has no way to
// carry out (an IRC mode on Matrix, a raw line anywhere but IRC).
var ErrUnsupported = errors.New("not supported on this network")

// Channels is a network's channel state: it alone owns the facts (from
// the channel events it has seen), and the console, the live driver and
// the test fakes read them from it.
type Channels interface {
	// Members returns a channel's members, highest status first, then
	// by folded nick; nil when we are not in it.
	Members(channel string) []Member
	// Topic is a channel's topic ("" when none).
	Topic(channel string) string
	// InChannel reports whether we are in a channel now.
	InChannel(channel string) bool
	// IsChannel reports whether a name is a channel (IRC CHANTYPES; a
	// Matrix room ID or alias) rather than a user.
	IsChannel(name string) bool
	// Fold folds a nick or channel name as the network compares them
	// (IRC CASEMAPPING).
	Fold(name string) string
	// Nick is our own nick now.
	Nick() string
}

// Network is one chat network as the live driver, the console and
// headless mode see it: the events it produces, the effects it carries
// out, its channel state and its connection. The live driver defines it;
// NewIRC adapts an IRC connection to it, the offline demo and the test
// fakes implement it too. Targets are channels (Matrix: room IDs) or
// users by nick (Matrix: user IDs).
//
// A second network plugs in without touching the engine, the chair's
// tools, the journal or the console's panes. For Matrix: a channel is a
// room ID ("!abc:example.org"; IsChannel says so, and Fold leaves IDs as
// they are); User.ID is the user ID ("@alice:example.org") and User.Nick
// the name the room shows (the minutes use it); Meta.ID is the event ID
// and Meta.Time its origin_server_ts; power levels map to Member.Prefixes
// ("@" for 50 and more, "+" for those who may speak in a moderated room);
// events of a sync's gap are marked History where they are from before
// the meeting; Mode, CTCP and Raw return ErrUnsupported; a ChannelState
// keeps the rooms' members and topics from the events it sends.
type Network interface {
	Effects
	Channels
	// Next blocks for the next event, then takes every event already
	// waiting, up to max: a burst costs one journal sync and one redraw.
	// open is false once the network has stopped for good (batch then
	// holds its last events, if any) or ctx is done.
	Next(ctx context.Context, max int) (batch []Event, open bool)

	Action(target, text string) error
	Notice(target, text string) error
	Join(channels ...string) error
	Part(channel, reason string) error
	SetNick(nick string) error
	Quit(msg string)

	// Typed senders for the console's commands.
	Kick(channel, nick, reason string) error
	Invite(nick, channel string) error
	// Mode changes modes: of a channel (target) with params, or our own.
	Mode(target, modes string, params ...string) error
	// Away marks us away with a message, or back when msg is "".
	Away(msg string) error
	// Whois asks who a user is (answered by Whois events, or an Error of
	// kind ErrorNoSuchNick).
	Whois(nick string) error
	// List asks for the network's channels (answered by a ChannelList).
	List() error
	// Names asks for a channel's members again (answered by Members).
	Names(channel string) error
	// CTCP sends a CTCP request (ErrUnsupported off IRC): command (any
	// case) with its arguments; it returns the request as sent.
	CTCP(target, command, args string) (request string, err error)
	// Raw sends a line of the network's own protocol as it is (/quote;
	// ErrUnsupported where there is none).
	Raw(line string) error

	Connected() bool
	// Lag is how long a line sent now waits before it goes out.
	Lag() time.Duration
	// QueueLen is the number of lines waiting to be sent.
	QueueLen() int
}

// Nets is a Network made of several (multinet): what the presenter
// shows of each, in their order, and which of them a channel is on.
// Each one's Conn events carry its name (Conn.Network).
type Nets interface {
	Nets() []NetStatus
	// NetOf is the name of the network a channel (or user) is on.
	NetOf(name string) string
}

// NetStatus is one network of several, as the status bar shows it.
type NetStatus struct {
	Name      string        // as its Conn events are stamped
	Nick      string        // our nick there (Matrix: our user ID)
	Connected bool          // lines go out now
	Lag       time.Duration // how long a line sent now waits
}

// WaitBatch blocks for the next value of ch, then takes every value
// already waiting, up to max, so that a burst costs one journal sync and
// one redraw. open is false once ch is closed (batch then holds the last
// values, if any) or ctx is done.
func WaitBatch[E any](ctx context.Context, ch <-chan E, max int) (batch []E, open bool) {
	select {
	case ev, ok := <-ch:
		if !ok {
			return nil, false
		}
		batch = make([]E, 1, min(max, len(ch)+1))
		batch[0] = ev
	case <-ctx.Done():
		return nil, false
	}
	for len(batch) < max {
		select {
		case ev, ok := <-ch:
			if !ok {
				return batch, false
			}
			batch = append(batch, ev)
		default:
			return batch, true
		}
	}
	return batch, true
}
