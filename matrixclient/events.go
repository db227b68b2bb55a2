package matrixclient

import (
	"fmt"
	"time"
)

// Event is one typed thing that happened. The concrete types are Message,
// Placeholder, Edit, Redaction, Membership, Topic, PowerLevels, Joined,
// State and Error.
type Event interface {
	// When is the event's server timestamp (origin_server_ts), or the local
	// time for events the client makes itself (State, Error).
	When() time.Time
	isEvent()
}

// Meta is common to the events that come from a room event.
type Meta struct {
	Room    string    // room ID ("!abc:example.org")
	EventID string    // the event's ID ("$..."); the key for "seen once"
	Time    time.Time // origin_server_ts
	// History marks an event from before we joined the room, or from the
	// timeline of the very first sync (no sync token yet). Show it; never
	// run it as a meeting.
	History bool
	// Backfill marks an event a limited sync left out that the client
	// fetched with /messages: a real event of the room, in order, not
	// history.
	Backfill bool
}

// When implements Event.
func (m Meta) When() time.Time { return m.Time }

// Position is the room and event ID of a room event (for Ack).
func (m Meta) Position() (room, eventID string) { return m.Room, m.EventID }

// PlayedBack reports whether the event is history (Meta.History).
func (m Meta) PlayedBack() bool { return m.History }
func (Meta) isEvent()           {}

// Sender is who sent a room event.
type Sender struct {
	UserID string // "@alice:example.org"
	// Name is the sender's display name in the room at the time of the
	// event, told apart as Element does when another member shares it
	// ("Alice (@alice:example.org)"); the user ID when there is none.
	Name string
	Self bool // the event is ours (sent by this account)
}

// Kind is a message's msgtype.
type Kind int

const (
	Text   Kind = iota // m.text
	Emote              // m.emote (/me)
	Notice             // m.notice (bots, gavel's own replies)
)

func (k Kind) String() string {
	switch k {
	case Text:
		return "m.text"
	case Emote:
		return "m.emote"
	case Notice:
		return "m.notice"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Message is an m.room.message of type m.text, m.emote or m.notice.
// Lines are the lines of its plain body (a multi-line paste gives several),
// with a reply's quoted fallback removed and user IDs of members written as
// their display names; formatted_body (HTML) is never used.
type Message struct {
	Meta
	Sender
	Kind  Kind
	Lines []string
	// ReplyTo is the event this one answers (m.in_reply_to), "" if none.
	ReplyTo string
	// Truncated: the body was longer than Config.MaxBody bytes or lines and
	// was cut; Lines hold what was kept.
	Truncated bool
	// TxnID is our transaction ID for our own messages ("" otherwise).
	TxnID string
}

// Placeholder is a room message that is no text: an image, a file, an
// unknown msgtype, or a message already redacted when it arrived. It is
// shown as one line and never run.
type Placeholder struct {
	Meta
	Sender
	MsgType string // "m.image", "m.file", "org.example.custom", or "" when redacted
	Text    string // one line to show: "[image: cat.png]"
}

// Runnable reports false: a placeholder is never fed to a meeting.
func (Placeholder) Runnable() bool { return false }

// Edit is an m.replace of an earlier message: Original is the edited
// event's ID and Lines the new text (m.new_content), read as Message reads
// a body.
type Edit struct {
	Meta
	Sender
	Original  string
	Kind      Kind
	Lines     []string
	Truncated bool
}

// Redaction removes an earlier event (Redacts) from the room.
type Redaction struct {
	Meta
	Sender
	Redacts string
	Reason  string
}

// MemberChange says what a membership event did.
type MemberChange int

const (
	MemberJoined  MemberChange = iota // someone joined
	MemberLeft                        // left (or was kicked)
	MemberBanned                      // was banned
	MemberInvited                     // was invited
	MemberRenamed                     // changed display name while joined
	MemberOther                       // avatar changes and the like
)

func (c MemberChange) String() string {
	switch c {
	case MemberJoined:
		return "joined"
	case MemberLeft:
		return "left"
	case MemberBanned:
		return "banned"
	case MemberInvited:
		return "invited"
	case MemberRenamed:
		return "renamed"
	}
	return "changed"
}

// Membership is an m.room.member event: Target joined, left, was invited or
// banned, or changed display name (OldName → NewName).
type Membership struct {
	Meta
	Sender            // who did it (the target itself for join/leave/rename)
	Target     string // the member's user ID
	Change     MemberChange
	OldName    string // display name before (disambiguated), "" if none
	NewName    string // display name after (disambiguated), "" if none
	Reason     string
	TargetSelf bool // the member is us
}

// Topic is an m.room.topic change.
type Topic struct {
	Meta
	Sender
	Text string
}

// PowerLevels is an m.room.power_levels change; Members are the members'
// power after it (as Room.Members has them).
type PowerLevels struct {
	Meta
	Sender
	Members []Member
}

// Member is one member of a room.
type Member struct {
	UserID      string
	DisplayName string // raw display name, "" if none
	Name        string // display name told apart as Element does (see Sender.Name)
	Membership  string // "join" or "invite"
	Power       int    // power level; CreatorPower for room-version-12 creators
	Creator     bool   // a creator of a room whose version gives creators unlimited power
}

// CreatorPower is the power level reported for the creators of a room
// whose version (12 and later) gives them power above any level.
const CreatorPower = 1<<31 - 1

// Joined reports that we are in a room with its state: emitted after the
// room's first sync on this connection (so the members and the topic are
// known), and again when it changes in bulk.
type Joined struct {
	Meta
	Room RoomInfo
}

// ConnState is the connection's life cycle.
type ConnState int

const (
	Connecting   ConnState = iota // contacting the homeserver (Attempt counts from 0)
	LoggedIn                      // the session works; rooms are being joined
	Synced                        // a sync completed after (re)connecting
	Reconnecting                  // waiting Delay before the next attempt
	Stopped                       // Run returned; no more events follow
)

func (s ConnState) String() string {
	switch s {
	case Connecting:
		return "connecting"
	case LoggedIn:
		return "logged in"
	case Synced:
		return "synced"
	case Reconnecting:
		return "reconnecting"
	case Stopped:
		return "stopped"
	}
	return fmt.Sprintf("ConnState(%d)", int(s))
}

// State reports a connection state change.
type State struct {
	Time     time.Time
	State    ConnState
	Server   string        // homeserver URL
	UserID   string        // our user ID (LoggedIn and later)
	DeviceID string        // our device ID (LoggedIn and later)
	Attempt  int           // consecutive failed attempts so far
	Delay    time.Duration // Reconnecting: wait before the next attempt
	Err      error         // Reconnecting/Stopped: the cause
}

// When implements Event.
func (s State) When() time.Time { return s.Time }
func (State) isEvent()          {}

// Error is a refusal the client reports and goes on without: a room it
// cannot join, an encrypted room it left, a message the server refused.
// Room is the room ID or alias it concerns ("" if none).
type Error struct {
	Time time.Time
	Room string
	// Code is the homeserver's errcode ("M_FORBIDDEN"), "" when none.
	Code string
	// EventType is the type of the event whose sending was refused
	// ("m.room.topic"), "" when the error is not about a send.
	EventType string
	Err       error
}

// When implements Event.
func (e Error) When() time.Time { return e.Time }
func (Error) isEvent()          {}
func (e Error) Error() string   { return e.Err.Error() }
func (e Error) Unwrap() error   { return e.Err }
