package ircclient

import (
	"fmt"
	"strings"
	"time"

	"github.com/ergochat/irc-go/ircmsg"
)

// Event is one typed thing that happened on the connection. The concrete
// types are Message, Action, Notice, CTCP, Join, Part, Kick, Quit, NickChange,
// Topic, Names, Mode, State, Error, Reply, Pending, Unsent and Raw.
type Event interface {
	// When is the server-time of the line, or the local receive time.
	When() time.Time
	isEvent()
}

// Meta is common to events that come from a server line.
type Meta struct {
	Time time.Time         // from the server-time tag when present, else local receive time
	Tags map[string]string // the line's IRCv3 tags (nil when none)

	// History marks a line a server or bouncer plays back from the past:
	// inside a BATCH of type chathistory or znc.in/playback (nested batches
	// included), or a channel line whose server-time is older than our
	// JOIN of the channel (by more than 2 s of clock skew, 30 s when our
	// JOIN had no server-time). Show it as history; never run it as a meeting.
	// History lines change no channel state.
	History bool

	serverTime bool // Time came from the server-time tag
}

// When implements Event.
func (m Meta) When() time.Time { return m.Time }

// PlayedBack reports whether the line is history a server or bouncer
// played back (Meta.History); every event from a server line has it.
func (m Meta) PlayedBack() bool { return m.History }
func (Meta) isEvent()           {}

// Source is who sent a line.
type Source struct {
	Nick    string
	User    string
	Host    string
	Account string // from account-tag; "" when not logged in or unknown
	Self    bool   // the line is ours (echo-message, or our own JOIN/PART/NICK...)
}

// Message is a PRIVMSG, including our own (echo-message, Self=true).
// Text is raw: formatting codes are kept (meeting.FormatScanner reads them).
// Target is the channel, or our nick for a private message (Private=true).
type Message struct {
	Meta
	Source
	Target  string
	Text    string
	Private bool
}

// Action is a CTCP ACTION (/me); Text is without the CTCP wrapping.
type Action Message

// Notice is a NOTICE. Server notices have an empty Nick and Server set.
type Notice struct {
	Meta
	Source
	Server  string
	Target  string
	Text    string
	Private bool
}

// CTCP is a CTCP request other than ACTION (no automatic reply is sent).
type CTCP struct {
	Meta
	Source
	Target  string
	Command string
	Args    string
	Reply   bool // came in a NOTICE
}

// Join is a user (or we, Self=true) joining Channel.
type Join struct {
	Meta
	Source
	Channel string
}

// Part is a user leaving Channel.
type Part struct {
	Meta
	Source
	Channel string
	Reason  string
}

// Kick is Kicked removed from Channel by the source.
type Kick struct {
	Meta
	Source
	Channel    string
	Kicked     string // the nick removed
	KickedSelf bool   // we were kicked
	Reason     string
}

// Quit is a user leaving the network. Channels are the channels we are in
// that the user was in (sorted), as the client's member lists knew them.
type Quit struct {
	Meta
	Source
	Reason   string
	Channels []string
}

// NickChange is a nick change; Source.Nick is the old nick. Channels are
// the channels we are in that the user is in (sorted).
type NickChange struct {
	Meta
	Source
	NewNick  string
	Channels []string
}

// Topic is a topic change (TOPIC) or the topic sent on join (332, OnJoin).
type Topic struct {
	Meta
	Source  // who changed it; empty for OnJoin
	Channel string
	Text    string
	OnJoin  bool
}

// Member is one entry of a NAMES reply.
type Member struct {
	Nick     string
	Prefixes string // channel status prefixes such as "@" or "+"
}

// Names is a complete NAMES list (353 lines collected up to 366).
type Names struct {
	Meta
	Channel string
	Members []Member
}

// Mode is a channel or user mode change.
type Mode struct {
	Meta
	Source
	Target string
	Modes  string
	Params []string
}

// ConnState is the connection's life cycle.
type ConnState int

const (
	Connecting    ConnState = iota // dialling (Attempt counts from 0)
	Registered                     // 001 received; channels are being joined
	Disconnected                   // the connection ended (Err says why; nil after Quit or cancel)
	Reconnecting                   // waiting Delay before the next attempt
	Stopped                        // Run returned; no more events follow
	ConnectFailed                  // the attempt never got an IRC connection (Err says why: refused, TLS…)
)

func (s ConnState) String() string {
	switch s {
	case Connecting:
		return "connecting"
	case Registered:
		return "registered"
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

// State reports a connection state change.
type State struct {
	Meta
	State   ConnState
	Server  string        // host:port
	Nick    string        // our nick (Registered)
	Wanted  string        // Registered with another nick than the configured one (taken, a ghost?): the configured nick, which the client takes back when it frees
	Caps    []string      // acknowledged caps (Registered)
	Attempt int           // consecutive failed attempts so far
	Delay   time.Duration // Reconnecting: wait before the next attempt
	Err     error         // ConnectFailed/Disconnected/Reconnecting/Stopped: the cause
}

// Error is an error reply from the server (numerics 400-599, FAIL) that
// concerns something we sent: e.g. 482 not channel operator, 401 no such nick.
// Window is where to show it: the channel or nick the error is about, or "".
type Error struct {
	Meta
	Code    string // "482", "401", or "FAIL"
	Command string // for FAIL: the failed command
	Window  string
	Text    string
	Params  []string
}

func (e Error) Error() string {
	if e.Window != "" {
		return fmt.Sprintf("%s %s: %s", e.Code, e.Window, e.Text)
	}
	return e.Code + ": " + e.Text
}

// Reply is an informational numeric that answers something we sent: the
// lines of a WHOIS (311 user, 312 server, 319 channels, 330 account, 318
// end…), AWAY (305/306), INVITE (341), a channel's modes (324) and the
// like. Params are the parameters between our nick and the text.
type Reply struct {
	Meta
	Code   string
	Params []string
	Text   string
}

// String renders a reply as one line: "nirik ~kevin host.example *: Kevin Fenzi".
func (r Reply) String() string {
	if len(r.Params) == 0 {
		return r.Text
	}
	return strings.Join(r.Params, " ") + ": " + r.Text
}

// Raw is a server line with no typed event; emitted only with Config.RawEvents.
type Raw struct {
	Meta
	Msg ircmsg.Message
}
