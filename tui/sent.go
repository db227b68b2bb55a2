package tui

import (
	"errors"

	"gavel/ircclient"
	"gavel/tui/chanlog"
	"gavel/tui/winlist"
)

// Our lines on a server without echo-message: written, then accepted or
// refused (ircclient's Pending and Unsent). A line the server has not yet
// accepted shows with the waiting mark; its Message clears the mark
// (showText's Sent), its Unsent turns it into an error that says why.

// showPending shows one of our lines as waiting for the server.
func (m *Model) showPending(e ircclient.Pending) {
	var kind chanlog.Kind
	switch e.Line.(type) {
	case ircclient.Message:
		kind = chanlog.Msg
	case ircclient.Action:
		kind = chanlog.Action
	case ircclient.Notice:
		kind = chanlog.Notice
	default:
		return // a CTCP request shows when it is accepted
	}
	w := m.openWindow(e.Target)
	text := ircclient.LineText(e.Line)
	if w.Waiting(text) {
		return // typed while disconnected: already shown waiting
	}
	w.Queue(chanlog.Line{Time: e.When().Unix(), Nick: m.nickOr(), Text: text, Kind: kind})
}

// showUnsent says that one of our lines is not in the channel, and why.
func (m *Model) showUnsent(e ircclient.Unsent) {
	w := m.wins.Get(e.Target)
	if w == nil {
		w = m.wins.Current()
	}
	if w.NotSent(e.Text(), e.Reason()) {
		m.wins.Mark(w, winlist.Unseen)
		return
	}
	m.errorLine(w, "not sent: "+e.Text()+" — "+e.Reason())
}

// kickedSelf says what a KICK of gavel means for the chair.
func (m *Model) kickedSelf(w *winlist.Window, e ircclient.Kick) {
	m.errorLine(w, withReason("gavel was kicked from "+e.Channel+" by "+e.Nick, e.Reason)+
		": lines typed here are not sent until /join "+e.Channel+" brings gavel back")
}

// offerRejoin puts "/join #channel" in the empty command line after a
// line was refused because gavel is not in the channel: Enter rejoins,
// and the refused line is in the history (Up) to send again.
func (m *Model) offerRejoin(channel string, err error) {
	if errors.Is(err, ircclient.ErrNotInChannel) && m.input.Value() == "" && channel != "" {
		m.input.SetValue("/join " + channel)
	}
}

// nickTaken tells the chair that the server gave gavel another nick.
func (m *Model) nickTaken(e ircclient.State) {
	if e.Wanted == "" {
		return
	}
	m.errorLine(m.wins.Status(), "the nick "+e.Wanted+" is taken (a ghost of an earlier connection?): gavel is "+e.Nick+
		" for now and takes "+e.Wanted+" back as soon as it is free; your lines as "+e.Nick+" are still the chair's")
}
