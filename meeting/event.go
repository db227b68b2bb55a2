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
