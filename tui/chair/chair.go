// Package chair is the pure logic of the chair's tools in the console:
// timeboxes (elapsed time against the agenda item's box), the follow-up
// of the previous meeting's actions, votes with a roster and a quorum
// tallied from the channel's own #vote lines, and roll call.
//
// Everything a tool adds to the record is a line for the console to say
// in the channel as an ordinary MeetBot command (#topic, #info, #action,
// #agreed), so the log, the minutes and a replay agree and the tools work
// in zodbot style too. The package does no I/O (lookups go through the
// interfaces it names, satisfied by *backend.Router), has no clock of its
// own and holds no Bubble Tea types; its values are owned by the console
// and are not safe for concurrent use.
package chair

import (
	"strings"

	"gavel/backend"
	"gavel/tui/agenda"
)

// LineBytes is the text budget of a line the tools say: room for a long
// hostmask and channel inside IRC's 512 bytes (backend.DefaultLineBytes).
const LineBytes = backend.DefaultLineBytes

// Fold compares names as IRC does; nil means strings.ToLower. The console
// passes ircclient's Client.Fold (the network's CASEMAPPING).
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
