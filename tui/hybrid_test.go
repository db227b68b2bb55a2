package tui

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"gavel/ircclient/ircdtest"
	"gavel/tui/chanlog"
)

// hybridReg bounds gavel's registration and join on ircd-hybrid, which
// looks up the client's host name first (about 20 s without DNS).
const hybridReg = 45 * time.Second

// waitingLine reports whether window shows text with the waiting mark.
func waitingLine(m *Model, window, text string) bool {
	w := m.wins.Get(window)
	if w == nil {
		return false
	}
	for i := 0; i < w.Log.Buf.Len(); i++ {
		if l := w.Log.Buf.At(i); l.Text == text && l.Flags&chanlog.Queued != 0 {
			return true
		}
	}
	return false
}

// TestConsoleRefusedAndPendingOnHybrid: on ircd-hybrid (no echo-message) a
// line the server has not answered yet shows as waiting; once the server
// takes it the mark goes; a line refused in a moderated channel becomes
// an error that says why and never reaches the meeting; a line written
// before the connection dies says it is not in the minutes.
func TestConsoleRefusedAndPendingOnHybrid(t *testing.T) {
	srv := ircdtest.StartHybrid(t, ircdtest.HybridOptions{})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	op := participant(t, ctx, srv, "op", "#meet") // first in: the channel's operator
	r := startRig(t, srv, rigOptions{nick: "chair", channels: []string{"#meet"}})
	r.until(hybridReg, "the join", func(m *Model) bool { return m.chans.InChannel("#meet") })
	r.typeLine("#startmeeting Pending")
	expect(t, op, "PRIVMSG #meet :#startmeeting Pending")
	r.until(wait, "the meeting", func(m *Model) bool { return m.opts.Glue.Meeting("#meet") != nil })

	// The server hangs: the line waits, marked.
	srv.Pause()
	r.typeLine("#info said while the server hangs")
	r.until(wait, "the waiting mark", func(m *Model) bool { return waitingLine(m, "#meet", "#info said while the server hangs") })
	if strings.Contains(r.screen(), "#info said while the server hangs") == false {
		t.Error("the waiting line is not on the screen")
	}
	r.do(func(m *Model) {
		if n := len(m.opts.Glue.Meeting("#meet").Items); n != 0 {
			t.Errorf("%d items before the server took the line", n)
		}
	})
	srv.Continue()
	r.until(wait, "the line taken", func(m *Model) bool {
		return !waitingLine(m, "#meet", "#info said while the server hangs") && len(m.opts.Glue.Meeting("#meet").Items) == 1
	})

	// Moderated, no voice: refused, said why, not in the minutes.
	op.Send("MODE #meet +m")
	r.until(wait, "the mode", func(m *Model) bool { return count(m, "#meet", "sets mode +m") == 1 })
	r.typeLine("#info said while muted")
	r.until(wait, "the refusal", func(m *Model) bool {
		return count(m, "#meet", "not sent: #info said while muted") == 1 && count(m, "#meet", "moderated") >= 1
	})
	r.do(func(m *Model) {
		if n := len(m.opts.Glue.Meeting("#meet").Items); n != 1 {
			t.Errorf("%d items: the refused #info reached the meeting", n)
		}
		if waitingLine(m, "#meet", "#info said while muted") {
			t.Error("the refused line still shows as waiting")
		}
	})

	// The connection dies before the server answers.
	op.Send("MODE #meet -m")
	r.until(wait, "the mode", func(m *Model) bool { return count(m, "#meet", "sets mode -m") == 1 })
	srv.Pause()
	r.typeLine("#info the last word")
	r.until(wait, "the waiting mark", func(m *Model) bool { return waitingLine(m, "#meet", "#info the last word") })
	srv.KillIRCd()
	r.until(wait, "the lost line", func(m *Model) bool {
		return count(m, "#meet", "not sent: #info the last word") == 1 && count(m, "#meet", "not in the minutes") >= 1
	})
	r.do(func(m *Model) {
		if n := len(m.opts.Glue.Meeting("#meet").Items); n != 1 {
			t.Errorf("%d items: the lost #info reached the meeting", n)
		}
	})
}

// TestConsoleKickedOnHybrid: after a KICK the window says so; a line typed
// then is refused at once with the reason and the command line offers
// /join, which brings gavel back.
func TestConsoleKickedOnHybrid(t *testing.T) {
	srv := ircdtest.StartHybrid(t, ircdtest.HybridOptions{})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	op := participant(t, ctx, srv, "op", "#meet")
	r := startRig(t, srv, rigOptions{nick: "chair", channels: []string{"#meet"}})
	r.until(hybridReg, "the join", func(m *Model) bool { return m.chans.InChannel("#meet") })
	op.Send("KICK #meet chair :enough")
	r.until(wait, "the kick", func(m *Model) bool { return count(m, "#meet", "gavel was kicked from #meet by op (enough)") == 1 })
	r.typeLine("typed while kicked")
	r.until(wait, "the refusal", func(m *Model) bool {
		return count(m, "#meet", "not in the channel #meet") == 1 && m.input.Value() == "/join #meet"
	})
	r.do(func(m *Model) {
		if got := m.input.History(); len(got) == 0 || got[len(got)-1] != "typed while kicked" {
			t.Errorf("the typed line is not in the history: %q", got)
		}
	})
	r.key(tea.KeyPressMsg{Code: tea.KeyEnter})
	r.until(wait, "the rejoin", func(m *Model) bool { return m.chans.InChannel("#meet") })
	r.typeLine("back again")
	expect(t, op, "PRIVMSG #meet :back again")
}

// TestConsoleNickTakenOnHybrid: a ghost holds the nick; the console says
// so, and says when gavel has it back.
func TestConsoleNickTakenOnHybrid(t *testing.T) {
	srv := ircdtest.StartHybrid(t, ircdtest.HybridOptions{})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	ghost := participant(t, ctx, srv, "chair")
	r := startRig(t, srv, rigOptions{nick: "chair", channels: []string{"#meet"}})
	r.until(hybridReg, "the warning", func(m *Model) bool { return count(m, statusWindow, "the nick chair is taken") == 1 })
	ghost.Send("QUIT")
	r.until(wait, "the nick back", func(m *Model) bool {
		return count(m, statusWindow, "you are now known as chair") == 1 && m.Me.Nick == "chair"
	})
}
