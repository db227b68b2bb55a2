// Package meeting is gavel's meeting engine: a pure state machine that takes
// typed events (lines said in a channel, nick changes, joins, parts) and
// returns effects (say a line, set the topic, log a line, save, end). It does
// no I/O and has no clock of its own: every event carries its time.
//
// The live IRC path and offline replay feed the same Engine, so a live meeting
// and the replay of its log produce the same minutes.
package meeting

import (
	"slices"
	"strings"
	"time"
	"unsafe"
)

// Style selects between byte-for-byte compatibility with Fedora's zodbot
// (MeetBot 0.1.4) and gavel's default, which keeps the same files and
// sections but fixes the family's known bugs.
type Style int

const (
	// StyleDefault fixes MeetBot's bugs: escaping, #link parsing,
	// whole-word action attribution, safe meeting names, chair-only
	// #meetingname.
	StyleDefault Style = iota
	// StyleZodbot reproduces Fedora's MeetBot 0.1.4 output byte for byte.
	StyleZodbot
)

// String returns the flag spelling of the style.
func (s Style) String() string {
	if s == StyleZodbot {
		return "zodbot"
	}
	return "default"
}

// ParseStyle reads a --style value.
func ParseStyle(s string) (Style, bool) {
	switch strings.ToLower(s) {
	case "", "default", "gavel":
		return StyleDefault, true
	case "zodbot", "meetbot":
		return StyleZodbot, true
	}
	return StyleDefault, false
}

// ItemKind is the type of a minutes item, spelled as MeetBot prints it.
type ItemKind string

// The item kinds. TOPIC items separate the minutes into sections.
const (
	KindTopic    ItemKind = "TOPIC"
	KindInfo     ItemKind = "INFO"
	KindIdea     ItemKind = "IDEA"
	KindHelp     ItemKind = "HELP"
	KindLink     ItemKind = "LINK"
	KindAction   ItemKind = "ACTION"
	KindAgreed   ItemKind = "AGREED"
	KindAccepted ItemKind = "ACCEPTED"
	KindRejected ItemKind = "REJECTED"
	KindVote     ItemKind = "VOTE"
)

// Item is one entry of the minutes.
type Item struct {
	Kind ItemKind
	Nick string    // who typed the command
	Time time.Time // when it was typed
	Text string    // the command's argument, trimmed; for LINK the whole argument
	Line int       // 1-based number of the command's line in the meeting log
}

// Line is one line of the meeting log (.log.txt).
type Line struct {
	N    int // 1-based line number within the meeting log
	Time time.Time
	Nick string
	// Text is the line as said, surrounding spaces and \x01 trimmed. In
	// zodbot style it is decoded as MeetBot decoded it and keeps IRC
	// formatting codes and control characters, as MeetBot's files do; in
	// the default style it is PlainText (no formatting codes, control
	// characters shown as symbols, valid UTF-8), as its files show it.
	Text   string
	Action bool // a /me line: "HH:MM:SS * nick text"
	// NewNick, in the default style only, makes the line a nick change:
	// Nick is now known as NewNick ("HH:MM:SS -!- old is now known as
	// new" in the .log.txt), so that replaying the log follows the chair
	// to the new nick. It is not a line said: no attendee counts it.
	NewNick string
	// Op, in the default style only, makes the line a record of
	// something the channel did that is no line said (edits.go): an
	// edit of line Target to Text, its redaction, or Nick made a chair
	// (Text says why). Like a nick change it is no line said.
	Op     LineOp
	Target int
	// plain: the engine logged the line in the default style, its Nick,
	// Text and NewNick PlainText already (see IsPlain).
	plain bool
}

// IsPlain reports whether the line's Nick, Text and NewNick are PlainText
// already, as in a line the engine logged in the default style: the log
// writers then need not make them so again. Lines made elsewhere are not.
func (l Line) IsPlain() bool { return l.plain }

// LineOp says what a log line that is no line said records.
type LineOp uint8

// The operations a log line records.
const (
	OpNone   LineOp = iota
	OpEdit          // "-!- nick edited line N: text"
	OpRedact        // "-!- nick redacted line N"
	OpChair         // "-!- nick is a chair <Text>" (Text: "by power level", "as @id:server")
)

// Attendee is a person present: everyone who spoke, plus nicks named by
// #chair and #nick (with 0 lines).
type Attendee struct {
	Nick  string
	Lines int
}

// Vote is a finished (or running) #startvote.
type Vote struct {
	Question string
	Options  []string
	// Ballots maps a voter's nick to the chosen option (case as in Options).
	// Only the last vote of each nick counts.
	Ballots map[string]string
	Voters  []string // nicks in order of their first ballot
	Nick    string   // who started the vote
	Time    time.Time
	Line    int
	Ended   bool

	casts int            // ballots cast
	last  map[string]int // nick -> the number of its last ballot
}

// LastCast is the order of nick's last ballot among all ballots cast (1
// for the first; 0 when nick did not vote): the last ballot of a voter
// who voted under two nicks counts.
func (v *Vote) LastCast(nick string) int { return v.last[nick] }

// Results returns, for each option in order, the voters who chose it.
func (v *Vote) Results() [][]string {
	out := make([][]string, len(v.Options))
	for _, voter := range v.Voters {
		choice := v.Ballots[voter]
		for i, o := range v.Options {
			if o == choice {
				out[i] = append(out[i], voter)
			}
		}
	}
	return out
}

// Stub is a .log.txt that zodbot left behind under a meeting's previous name
// when #meetingname renamed it: it holds the first Lines lines of the log.
type Stub struct {
	Name  string
	Lines int
}

// Meeting is the state of one meeting: everything the minutes writers need
// except the log lines themselves, which are streamed (see EffectLogLine).
type Meeting struct {
	Channel   string // with its leading '#'
	Owner     string // who started it
	Chairs    []string
	Title     string // the meeting topic: text after #startmeeting, or #meetingtopic
	Name      string // the meeting name used in file names
	Start     time.Time
	End       time.Time // zero while running
	EndedBy   string    // who ran #endmeeting
	Items     []Item
	Attendees []Attendee // in first-seen order
	// UserIDs are the Matrix user IDs of the nicks who spoke ("Kevin
	// Fenzi" -> "@kevin:fedora.im"), for the message bus; nil on IRC
	// and in replay.
	UserIDs   map[string]string
	Votes     []*Vote
	Stubs     []Stub
	Restrict  bool // #restrictlogs: files get no group/other permissions
	Lurking   bool
	LineCount int // lines in the meeting log so far
	// LastLine is the time of the last line logged. Minutes written while
	// the meeting runs (#save, the console's /publish) say it ended then,
	// as MeetBot's #save did.
	LastLine time.Time
	// Style is the style the meeting runs in; it decides its file names.
	Style Style
	// Paths maps a meeting name to the archive-relative path (without
	// extension) the archive chose for it when the natural one was taken
	// by another meeting or could not be written; see RelBaseFor. The
	// publisher sets it.
	Paths map[string]string

	arena         []byte // the block the meeting's own copies of strings go in (see keep)
	attendeeIndex map[string]int
	lastAttendee  int    // index in Attendees of the nick addAttendee saw last (perhaps another's by now)
	lastSaved     int    // log lines at the last realtime save point
	startTopic    string // the channel topic when the meeting started
	topicText     string // the text of the last #topic, as the channel topic shows it
	fold          func(string) string
	// chairedAs are the members made chairs as a user ID #chair named
	// (nick -> user ID; edits.go).
	chairedAs map[string]string
}

// Ended reports whether #endmeeting has run.
func (m *Meeting) Ended() bool { return !m.End.IsZero() }

// IsChair reports whether nick may run chair commands (owner or chair).
// Nicks compare with the engine's fold in the default style (as the IRC
// server compares them), exactly in zodbot style (as MeetBot did).
func (m *Meeting) IsChair(nick string) bool {
	return m.sameNick(nick, m.Owner) || m.isChairListed(nick)
}

// isChairListed reports whether nick is among the chairs #chair named.
func (m *Meeting) isChairListed(nick string) bool {
	for _, c := range m.Chairs {
		if m.sameNick(c, nick) {
			return true
		}
	}
	return false
}

// sameNick compares two nicks as IsChair does.
func (m *Meeting) sameNick(a, b string) bool {
	if m.fold == nil || a == b {
		return a == b
	}
	return m.fold(a) == m.fold(b)
}

// ChairList returns the owner and the chairs, sorted by code point and
// without duplicates, as "Current chairs:" prints them.
func (m *Meeting) ChairList() []string {
	out := make([]string, 0, len(m.Chairs)+1)
	if m.Owner != "" {
		out = append(out, m.Owner)
	}
	for _, n := range m.Chairs {
		if n != "" {
			out = append(out, n)
		}
	}
	if len(out) == 0 {
		return nil
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// Topics returns the TOPIC items in order.
func (m *Meeting) Topics() []Item {
	var out []Item
	for _, it := range m.Items {
		if it.Kind == KindTopic {
			out = append(out, it)
		}
	}
	return out
}

// CurrentTopic returns the text of the last #topic item, or "".
func (m *Meeting) CurrentTopic() string {
	for i := len(m.Items) - 1; i >= 0; i-- {
		if m.Items[i].Kind == KindTopic {
			return m.Items[i].Text
		}
	}
	return ""
}

// Actions returns the ACTION items in order.
func (m *Meeting) Actions() []Item {
	var out []Item
	for _, it := range m.Items {
		if it.Kind == KindAction {
			out = append(out, it)
		}
	}
	return out
}

// keepBlock is the size of the blocks keep copies strings into.
const keepBlock = 2 << 10

// keep returns a copy of s for the meeting to keep: the copies share
// blocks, one allocation for many nicks and texts instead of one each.
// A block's bytes are never written twice.
func (m *Meeting) keep(s string) string {
	if len(s) == 0 {
		return ""
	}
	if len(s) > keepBlock/4 {
		return strings.Clone(s)
	}
	if len(m.arena)+len(s) > cap(m.arena) {
		m.arena = make([]byte, 0, keepBlock)
	}
	off := len(m.arena)
	m.arena = append(m.arena, s...)
	return unsafe.String(&m.arena[off], len(s))
}

// addAttendee counts lines said by nick (0 to only register the nick).
func (m *Meeting) addAttendee(nick string, lines int) {
	// The speaker of the line before often speaks again. An attendee's
	// nick is no other's, so a nick found at an index is found there.
	if i := m.lastAttendee; i < len(m.Attendees) && m.Attendees[i].Nick == nick {
		m.Attendees[i].Lines += lines
		return
	}
	if m.attendeeIndex == nil {
		m.attendeeIndex = make(map[string]int, 32)
	}
	if i, ok := m.attendeeIndex[nick]; ok {
		m.Attendees[i].Lines += lines
		m.lastAttendee = i
		return
	}
	nick = m.keep(nick)
	m.lastAttendee = len(m.Attendees)
	m.attendeeIndex[nick] = len(m.Attendees)
	m.Attendees = append(m.Attendees, Attendee{Nick: nick, Lines: lines})
}

// renameAttendee keeps one attendee across a nick change.
func (m *Meeting) renameAttendee(old, nick string) {
	i, ok := m.attendeeIndex[old]
	if !ok {
		return
	}
	if j, taken := m.attendeeIndex[nick]; taken {
		// Both nicks already spoke: merge the counts into the new nick.
		m.Attendees[j].Lines += m.Attendees[i].Lines
		m.Attendees = append(m.Attendees[:i], m.Attendees[i+1:]...)
		m.reindex()
		return
	}
	delete(m.attendeeIndex, old)
	m.Attendees[i].Nick = nick
	m.attendeeIndex[nick] = i
}

func (m *Meeting) reindex() {
	m.attendeeIndex = make(map[string]int, len(m.Attendees))
	for i, a := range m.Attendees {
		m.attendeeIndex[a.Nick] = i
	}
}
