// Package chair is the chair's tools, meeting domain beside the engine:
// the agenda and its leftovers (package agenda below), timeboxes (elapsed
// time against the agenda item's box), the follow-up of the previous
// meeting's actions, votes with a roster and a quorum counted from the
// engine's own ballots, and roll call.
//
// Tools holds one channel's state. The live driver feeds it right after
// the channel's engine, with exactly the events it journals, and the
// settings the chair makes that the channel does not see (an agenda
// loaded, the voters, a quorum, a timebox) as notes it journals in order
// with them: a resumed meeting rebuilds the tools from its journal.
//
// Everything a tool adds to the record is a line to say in the channel as
// an ordinary MeetBot command (#topic, #info, #action, #agreed), so the
// log, the minutes and a replay agree and the tools work in zodbot style
// too. The package does no I/O: agenda sources, the leftovers store, the
// archive's previous meetings and the account lookups reach it through the
// interfaces of Config (package chairio implements them), run as Jobs off
// the driver's goroutine. It has no clock of its own and is not safe for
// concurrent use.
package chair

import (
	"strings"

	"gavel/meeting/chair/agenda"
)

// LineBytes is the text budget of a line the tools say: room for a long
// hostmask and channel inside IRC's 512 bytes (as backend.DefaultLineBytes).
const LineBytes = 400

// Fold compares names as IRC does; nil means strings.ToLower. The live
// driver passes the network's folding (its CASEMAPPING).
type Fold func(string) string

func (f Fold) of(s string) string {
	if f == nil {
		return strings.ToLower(s)
	}
	return f(s)
}

// line cleans text to one line and fits prefix+text into LineBytes.
func line(prefix, text string) string {
	return agenda.Cut(prefix+agenda.Clean(text), LineBytes)
}
