package live

import (
	"fmt"
	"time"
)

// Event is one thing that happened on a network, in the live driver's own
// vocabulary: a network (IRC through NewIRC, the offline demo, a test
// fake, Matrix later) turns what its protocol says into these, and the
// controller, the console and headless mode read nothing else. The
// concrete types are Message, Notice, Join, Part, Kick, Quit, NickChange,
// Topic, Members, Mode, Conn, Error, Whois, ChannelList, Info, Pending and
// Unsent.
type Event interface {
	// When is the server's time of the event (the local receive time
	// when the network gives none).
	When() time.Time
	// Played reports history a server or bouncer played back.
	Played() bool
	isEvent()
}

// Meta is common to every event.
type Meta struct {
	// Time is the server's time of the event (IRC server-time, a Matrix
	// event's origin_server_ts), else the local receive time.
	Time time.Time
	// ID is the event's stable ID where the network gives one (IRC's
	// msgid tag, a Matrix event ID); "" otherwise.
	ID string
	// History marks an event a server or bouncer plays back from the past
	// (IRC chathistory or a bouncer's buffer, Matrix's sync of missed
	// events): shown as history; it changes no channel state, and runs
	// in a meeting only where it fills a running meeting's gap (gap.go).
	History bool
}

// When implements Event.
func (m Meta) When() time.Time { return m.Time }

// Played implements Event.
func (m Meta) Played() bool { return m.History }

func (Meta) isEvent() {}

// User is who did something.
type User struct {
	// Nick is the name the channel sees and the minutes use (the IRC
	// nick; a Matrix display name).
	Nick string
	// ID is the user's stable identity where the network knows one: the
	// IRC account (account-tag) of a logged-in user, a Matrix user ID.
	// "" when unknown.
	ID string
	// Self marks our own event: a line we sent (once, as the channel saw
	// it), our own join, part or nick change.
	Self bool
}

// Message is a line said to a channel, or to us privately (Private: then
// Target is our nick for a line to us, the other's for our own line).
// Action marks a /me. Text is raw: formatting codes are kept
// (meeting.FormatScanner reads them).
type Message struct {
	Meta
	From    User
	Target  string
	Text    string
	Private bool
	Action  bool
	// Part is the line's index within a multi-line message (Matrix):
	// its lines share Meta.ID.
	Part int
}

// Notice is a notice: from a user, or from the server (Server set, From
// empty).
type Notice struct {
	Meta
	From    User
	Server  string
	Target  string
	Text    string
	Private bool
}

// Join is a user (or we, From.Self) joining Channel.
type Join struct {
	Meta
	From    User
	Channel string
}

// Part is a user (or we) leaving Channel.
type Part struct {
	Meta
	From    User
	Channel string
	Reason  string
}

// Kick is Kicked removed from Channel by From.
type Kick struct {
	Meta
	From       User
	Channel    string
	Kicked     string
	KickedSelf bool // we were removed
	Reason     string
}

// Quit is a user leaving the network. Channels are the channels we are
// in that the user was in.
type Quit struct {
	Meta
	From     User
	Reason   string
	Channels []string
}

// NickChange is From (under the old nick) becoming NewNick. Channels are
// the channels we are in that the user is in.
type NickChange struct {
	Meta
	From     User
	NewNick  string
	Channels []string
}

// Topic is a channel's topic, set by From, or as found on joining (OnJoin).
type Topic struct {
	Meta
	From    User
	Channel string
	Text    string
	OnJoin  bool
}

// Member is one member of a channel.
type Member struct {
	Nick string
	ID   string // stable identity, "" when unknown (see User.ID)
	// Prefixes are the member's status, highest first: "@" operator,
	// "+" voiced (a Matrix power level maps to them).
	Prefixes string
	// Power is a Matrix member's power level (0 on IRC and for Matrix's
	// default members).
	Power int
}

// Members is a channel's complete member list (IRC NAMES, a Matrix room's
// joined members).
type Members struct {
	Meta
	Channel string
	Members []Member
}

// Mode is a channel or user mode change, as the network words it.
type Mode struct {
	Meta
	From   User
	Target string
	Modes  string
	Params []string
}

// ConnState is a connection's life cycle.
type ConnState int

// The states of a connection.
const (
	Connecting    ConnState = iota + 1 // dialling
	Connected                          // signed in; channels are being joined
	Disconnected                       // the connection ended (Err says why; nil after a quit)
	Reconnecting                       // waiting Delay before the next attempt
	Stopped                            // no more events follow
	ConnectFailed                      // the attempt never got a connection (Err says why)
)

func (s ConnState) String() string {
	switch s {
	case Connecting:
		return "connecting"
	case Connected:
		return "connected"
	case Disconnected:
		return "disconnected"
	case Reconnecting:
		return "reconnecting"
	case Stopped:
		return "stopped"
	case ConnectFailed:
		return "connect failed"
	}
	return fmt.Sprintf("ConnState(%d)", int(s))
}

// Conn reports a change of the connection's state.
type Conn struct {
	Meta
	// Network names the network whose connection it is, when several are
	// one (multinet stamps each of theirs with the name it knows it by:
	// "libera.chat", "fedora.im"); "" with one network.
	Network string
	State   ConnState
	Server  string // where (host:port, a homeserver)
	Nick    string // our nick (Connected)
	// Wanted is the nick we asked for when the network gave us another
	// (Connected; a ghost of an earlier connection holds it): the network
	// takes it back when it frees. "" when Nick is the one we asked for.
	Wanted string
	Delay  time.Duration // Reconnecting: the wait before the next attempt
	Err    error
}

// ErrorKind says what an Error is about, for those who act on it.
type ErrorKind int

// The kinds of Error.
const (
	ErrorOther       ErrorKind = iota
	ErrorNotOperator           // we may not do that in the channel (IRC 482)
	ErrorNoSuchNick            // the user asked about is not there (IRC 401, 402, 406)
	ErrorServer                // the server's own complaint, for the status window
)

// Error is a refusal or an error the network reports about something we
// did. Window is the channel or nick it is about ("" when none); Command
// is what was refused where known (such as "TOPIC"); Code is the
// network's own code, shown to the chair.
type Error struct {
	Meta
	Kind    ErrorKind
	Code    string
	Command string
	Window  string
	Text    string
}

func (e Error) Error() string {
	if e.Window != "" {
		return fmt.Sprintf("%s %s: %s", e.Code, e.Window, e.Text)
	}
	return e.Code + ": " + e.Text
}

// Whois is one line of the answer to a WHOIS, in words; End marks the
// last.
type Whois struct {
	Meta
	Nick string
	Text string
	End  bool
}

// ChannelList is the network's answer to a channel listing (/list), whole.
type ChannelList struct {
	Meta
	Channels []ListedChannel
}

// ListedChannel is one channel of a ChannelList.
type ListedChannel struct {
	Name  string
	Users int
	Topic string // raw: formatting codes kept
}

// Info is something else the network says: the server's welcome and
// message of the day (Status), a CTCP request, a reply to a command.
// Window is where it belongs; "" with Status false means where the chair
// is.
type Info struct {
	Meta
	From   User
	Status bool
	Window string
	Text   string
}

// Pending is one of our lines the network has written but not yet seen
// accepted (IRC without echo-message): its Message or Notice follows, with
// From.Self, once the server has taken it, or an Unsent. It is no line of
// the channel yet: shown as waiting, never fed to a meeting.
type Pending struct {
	Meta
	Target string
	Text   string
	Action bool
	Notice bool
}

// Unsent is one of our lines that never became its event: the server
// refused it (Code is the network's code, such as "404"), or the
// connection ended before it said (Code ""). Reason says why in words.
type Unsent struct {
	Meta
	Target string
	Text   string
	Code   string
	Reason string
}
