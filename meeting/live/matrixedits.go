package live

import (
	"strings"
	"time"

	"gavel/meeting"
)

// Edit is a change of an earlier message (Matrix's m.replace) to Lines:
// Original is the edited message's ID (its Meta.ID when it came).
type Edit struct {
	Meta
	From     User
	Channel  string
	Original string
	Lines    []string
}

// Redaction is the removal of an earlier message (Redacts, its ID).
type Redaction struct {
	Meta
	From    User
	Channel string
	Redacts string
	Reason  string
}

// translateChange is the meeting event of an edit or a redaction.
func translateChange(ev Event, at time.Time) []chanEvent {
	switch ev := ev.(type) {
	case Edit:
		return []chanEvent{{ev.Channel, meeting.Edit{Time: at, Nick: ev.From.Nick, Account: ev.From.ID, ID: ev.Original,
			Text: strings.Join(ev.Lines, "\n"), EventID: ev.ID}}}
	case Redaction:
		return []chanEvent{{ev.Channel, meeting.Redaction{Time: at, Nick: ev.From.Nick, Account: ev.From.ID, ID: ev.Redacts, Reason: ev.Reason,
			EventID: ev.ID}}}
	}
	return nil
}

// idKey is an event's network ID and the line's index within it.
type idKey struct {
	id   string
	part int
}

// eventKey is the ID key of a meeting event; ok is false for an event
// the network gave no ID (IRC without msgid, a note).
func eventKey(ev meeting.Event) (idKey, bool) {
	switch ev := ev.(type) {
	case meeting.Message:
		return idKey{ev.ID, ev.Part}, ev.ID != ""
	case meeting.Edit:
		return idKey{ev.EventID, 0}, ev.EventID != ""
	case meeting.Redaction:
		if ev.EventID == "" && ev.ID != "" {
			return idKey{"redact " + ev.ID, 0}, true
		}
		return idKey{ev.EventID, 0}, ev.EventID != ""
	}
	return idKey{}, false
}

// ranBefore reports an event of the running meeting that ran already
// (a restart's sync delivering again what the journal holds, a line
// delivered twice).
func (c *Controller) ranBefore(ch *channel, ev meeting.Event) bool {
	k, ok := eventKey(ev)
	if ok && ch.ran[k] {
		c.log.Debug("an event that ran already, dropped", "channel", ch.name, "id", k.id, "part", k.part)
		return true
	}
	return false
}

// markRan remembers an event of a meeting (journalled with it); a new
// meeting starts afresh. Keys are kept for the running meeting only.
func (ch *channel) markRan(ev meeting.Event, started bool) {
	if started {
		ch.ran = nil
	}
	k, ok := eventKey(ev)
	if !ok {
		return
	}
	if ch.ran == nil {
		ch.ran = map[idKey]bool{}
	}
	ch.ran[k] = true
}

// rememberRan keys the journalled events of a resumed meeting.
func (ch *channel) rememberRan(events []meeting.Event) {
	ch.ran = map[idKey]bool{}
	for _, ev := range events {
		if k, ok := eventKey(ev); ok {
			ch.ran[k] = true
		}
	}
}

// GapFiller is a network that gives back every event of a channel
// gavel missed while it was away (Matrix's sync from its saved token,
// paged back when limited), in order and with its ID: a resumed meeting
// there has no gap, and the controller says none.
type GapFiller interface {
	FillsGaps() bool
}

// FillsGaps implements GapFiller.
func (n *Matrix) FillsGaps() bool { return true }

func (c *Controller) fillsGaps() bool {
	g, ok := c.cfg.Network.(GapFiller)
	return ok && g.FillsGaps()
}

// PowerLevelChairs is a Config.Moderator from a Matrix network's rooms:
// a member at or above level (0: 50, Fedora's moderators) chairs.
func PowerLevelChairs(n *Matrix, level int) func(channel, nick, id string) bool {
	if level <= 0 {
		level = 50
	}
	return func(channel, _, id string) bool {
		ri, ok := n.c.Room(channel)
		if !ok || id == "" {
			return false
		}
		m, ok := ri.Member(id)
		return ok && m.Power >= level
	}
}
