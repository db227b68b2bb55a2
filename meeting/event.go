package meeting

import "time"

// Event is something that happened in a channel. The live IRC path and the
// log readers produce the same events.
type Event interface {
	// When is the time the event happened (server time when known).
	When() time.Time
}

// Message is a line said in the channel: a PRIVMSG, or a /me action.
type Message struct {
	Time    time.Time
	Nick    string
	Account string // services account from the account-tag, "" if unknown
	Text    string // IRC formatting codes already stripped
	Action  bool   // CTCP ACTION (/me)
	// ID is the network's ID of the message (a Matrix event ID, IRC's
	// msgid), "" when none; Part is the line's index within a
	// multi-line message (0 for the first). Edits and redactions find
	// the lines of a message by its ID (edits.go); the live driver runs
	// each (ID, Part) once.
	ID   string
	Part int
}

// NickChange is a NICK: Old is now known as New.
type NickChange struct {
	Time     time.Time
	Old, New string
}

// Join is a JOIN of the channel.
type Join struct {
	Time time.Time
	Nick string
}

// Part is a PART of the channel.
type Part struct {
	Time   time.Time
	Nick   string
	Reason string
}

// Quit is a QUIT by a nick who was in the channel.
type Quit struct {
	Time   time.Time
	Nick   string
	Reason string
}

// TopicChange is a change of the channel topic (or the topic seen on join).
type TopicChange struct {
	Time  time.Time
	Nick  string // "" when only seen on join
	Topic string
}

// Note is a setting of the chair's tools that the channel did not see (an
// agenda loaded, the voters, a quorum, a timebox): the engine ignores it,
// and the journal keeps it in order with the channel's events, so that a
// resumed meeting rebuilds the tools (see meeting/chair). Kind names the
// setting; Text is its payload, which only the tools read.
type Note struct {
	Time time.Time
	Kind string
	Text string
}

// When implements Event.
func (e Message) When() time.Time { return e.Time }

// When implements Event.
func (e NickChange) When() time.Time { return e.Time }

// When implements Event.
func (e Join) When() time.Time { return e.Time }

// When implements Event.
func (e Part) When() time.Time { return e.Time }

// When implements Event.
func (e Quit) When() time.Time { return e.Time }

// When implements Event.
func (e TopicChange) When() time.Time { return e.Time }

// When implements Event.
func (e Note) When() time.Time { return e.Time }

// Edit is a change of an earlier message (Matrix's m.replace) to Text:
// the message ID when live, or the log line number when replayed (Line,
// from "-!- nick edited line N: text" in a .log.txt).
type Edit struct {
	Time    time.Time
	Nick    string
	Account string
	ID      string // the edited message's ID (live)
	Line    int    // the edited line (replay); 0 when ID says it
	// EventID is the edit's own ID (live): the live driver runs each
	// edit once.
	EventID string
	Text    string // the message's new text (lines separated by '\n')
}

// Redaction is the removal of an earlier message: by ID when live, by
// log line number when replayed ("-!- nick redacted line N").
type Redaction struct {
	Time    time.Time
	Nick    string
	Account string
	ID      string
	Line    int
	Reason  string
	EventID string // the redaction's own ID (live)
}

// Chaired is a member made a chair by who they are rather than by a
// #chair of their nick: by their power level in a Matrix room
// (Options.Moderator), or as a user ID that was #chair'ed. A .log.txt
// records it before the member's first chair command ("-!- nick is a
// chair by power level", "-!- nick is a chair as @id:server"), so that a
// replay grants the same; the live engine makes it itself.
type Chaired struct {
	Time time.Time
	Nick string
	Why  string // "by power level", "as @id:server"
}

// When implements Event.
func (e Edit) When() time.Time { return e.Time }

// When implements Event.
func (e Redaction) When() time.Time { return e.Time }

// When implements Event.
func (e Chaired) When() time.Time { return e.Time }
