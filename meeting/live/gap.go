package live

import (
	"fmt"
	"time"

	"gavel/meeting"
)

// A running meeting's gap is the time gavel was away from its channel (a
// restart resumed from the journal, a lost connection, a PART or KICK).
// Where the server or bouncer plays back what was said then (IRC
// chathistory or a bouncer's buffer with server-time, as Ergo and ZNC
// do), those played-back lines are lines the channel saw: they take the
// path of every live line (feed), in the order they come, and each runs
// once — keyed by its network ID where it has one (ranBefore, as for
// Matrix's missed events), else by server time, sender and text, counting
// repeats (seenAgain). Played-back lines from before the gap (before the
// meeting's last journalled line, so before the meeting or before gavel
// ever joined) never run. Where nothing is played back, the first live
// event after gavel is back says in the channel that the gap is not in
// the minutes.

// lineKey is a line without a network ID: its server time, sender and
// text.
type lineKey struct {
	at         int64
	nick, text string
}

func keyOf(m meeting.Message) lineKey { return lineKey{m.Time.UnixNano(), m.Nick, m.Text} }

// secondKeyOf is keyOf with the time to the second.
func secondKeyOf(m meeting.Message) lineKey {
	return lineKey{m.Time.Truncate(time.Second).UnixNano(), m.Nick, m.Text}
}

// gapLine reports whether a played-back event is a line of a running
// meeting's gap, to be fed.
func (c *Controller) gapLine(ev Event) bool {
	m, ok := ev.(Message)
	if !ok || m.Private || !c.isChannel(m.Target) || m.From.Self {
		// gavel's own lines reach a meeting once, from the network's
		// event for each line sent, never from a playback (whose time
		// for them is the bouncer's, not the journal's).
		return false
	}
	ch := c.find(m.Target)
	if ch == nil || !ch.joined || !ch.engine.Active() || ch.resumedAt.IsZero() {
		return false
	}
	// The bouncer or server plays back: the gap is not announced, even
	// where every line played back is one the journal holds already.
	ch.filled = true
	return !m.When().Before(bound(ch.lastLine, m.When()))
}

// coarse reports a server time given to the second only (InspIRCd's
// chanhistory), which is compared with the journal's times to the second.
func coarse(at time.Time) bool { return at.Nanosecond() == 0 }

// bound is the lower bound of a gap's lines at the precision of at.
func bound(last, at time.Time) time.Time {
	if coarse(at) {
		return last.Truncate(time.Second)
	}
	return last
}

// seenAgain reports a line without a network ID that the running
// meeting's journal holds already: the n-th arrival of a key since gavel
// came back is known while the journal holds the key n times or more (a
// line said twice in the same millisecond runs twice, a playback of it
// twice more never). A time given to the second only is matched to the
// second: two lines of the same sender and text within that second are
// then one line said twice.
func (ch *channel) seenAgain(m meeting.Message) bool {
	if m.ID != "" || ch.again == nil {
		return false
	}
	held := ch.lines
	k := keyOf(m)
	if coarse(m.Time) {
		held, k = ch.bySecond, secondKeyOf(m)
	}
	ch.again[k]++
	return ch.again[k] <= held[k]
}

// journalled counts a line of the running meeting that was journalled.
func (ch *channel) journalled(ev meeting.Event) {
	m, ok := ev.(meeting.Message)
	if !ok {
		return
	}
	if m.When().After(ch.lastLine) {
		ch.lastLine = m.When()
	}
	if m.ID == "" {
		if ch.lines == nil {
			ch.lines, ch.bySecond = map[lineKey]int{}, map[lineKey]int{}
		}
		ch.lines[keyOf(m)]++
		ch.bySecond[secondKeyOf(m)]++
	}
}

// openGap starts a gap of the running meeting at `at` (gavel left its
// channel or was restarted): the lines that arrive from now on are
// counted afresh against the journal.
func (ch *channel) openGap(at time.Time) {
	if ch.resumedAt.IsZero() {
		ch.resumedAt = at
	}
	ch.again = map[lineKey]int{}
	ch.backAt, ch.filled = time.Time{}, false
}

// forget drops what a running meeting's gap needs once it has ended.
func (ch *channel) forget() {
	ch.lines, ch.bySecond, ch.again, ch.lastLine = nil, nil, nil, time.Time{}
	ch.resumedAt, ch.backAt, ch.filled = time.Time{}, time.Time{}, false
}

// closeGap is called for each event fed while a gap is open. gavel's own
// JOIN (and the events it brings) and played-back lines leave it open;
// the first other event closes it, and says in the channel that the
// gap's lines are missing when nothing filled it.
func (c *Controller) closeGap(ch *channel, at time.Time, todo []pending) []pending {
	if ch.resumedAt.IsZero() {
		return todo
	}
	if c.holding {
		if ch.backAt.IsZero() && !c.played {
			ch.backAt = at
		}
		return todo
	}
	back := ch.backAt
	if back.IsZero() {
		back = at
	}
	if gap := back.Sub(ch.resumedAt); gap > c.cfg.GapThreshold && !ch.filled && !c.fillsGaps() {
		todo = append(todo, pending{ch: ch, eff: meeting.Effect{Kind: meeting.EffectSay, Text: fmt.Sprintf(
			"gavel was away from %s to %s UTC: lines said then are not in the minutes",
			ch.resumedAt.UTC().Format("15:04:05"), back.UTC().Format("15:04:05"))}})
	}
	ch.resumedAt, ch.backAt, ch.filled = time.Time{}, time.Time{}, false
	return todo
}
