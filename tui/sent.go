package tui

import (
	"errors"

	"gavel/meeting/live"
	"gavel/tui/chanlog"
	"gavel/tui/winlist"
)

// Our lines on a server without echo-message: written, then accepted or
// refused (the network's Pending and Unsent). A line the server has not yet
// accepted shows with the waiting mark; its Message clears the mark
// (showText's Sent), its Unsent turns it into an error that says why.

// showPending shows one of our lines as waiting for the server.
func (m *Model) showPending(e live.Pending) {
	kind := chanlog.Msg
	switch {
	case e.Action:
		kind = chanlog.Action
	case e.Notice:
		kind = chanlog.Notice
	}
	w := m.openWindow(e.Target)
	if w.Waiting(e.Text) {
		return // typed while disconnected: already shown waiting
	}
	w.Queue(chanlog.Line{Time: e.When().Unix(), Nick: m.nickOr(), Text: e.Text, Kind: kind})
}

// showUnsent says that one of our lines is not in the channel, and why.
func (m *Model) showUnsent(e live.Unsent) {
	w := m.wins.Get(e.Target)
	if w == nil {
		w = m.wins.Current()
	}
	if w.NotSent(e.Text, e.Reason) {
		m.wins.Mark(w, winlist.Unseen)
		return
	}
	m.errorLine(w, "not sent: "+e.Text+" — "+e.Reason)
}

// kickedSelf says what a KICK of gavel means for the chair.
func (m *Model) kickedSelf(w *winlist.Window, e live.Kick) {
	m.errorLine(w, withReason("gavel was kicked from "+e.Channel+" by "+e.From.Nick, e.Reason)+
		": lines typed here are not sent until /join "+e.Channel+" brings gavel back")
}

// offerRejoin puts "/join #channel" in the empty command line after a
// line was refused because gavel is not in the channel: Enter rejoins,
// and the refused line is in the history (Up) to send again.
func (m *Model) offerRejoin(channel string, err error) {
	if errors.Is(err, live.ErrNotInChannel) && m.input.Value() == "" && channel != "" {
		m.input.SetValue("/join " + channel)
	}
}

// nickTaken tells the chair that the server gave gavel another nick.
func (m *Model) nickTaken(e live.Conn) {
	if e.Wanted == "" {
		return
	}
	m.errorLine(m.wins.Status(), "the nick "+e.Wanted+" is taken (a ghost of an earlier connection?): gavel is "+e.Nick+
		" for now and takes "+e.Wanted+" back as soon as it is free; your lines as "+e.Nick+" are still the chair's")
}
