package main

import (
	"fmt"
	"io"
	"strings"
	"time"

	"gavel/meeting/chair"
	"gavel/meeting/live"
)

// reporter is the presenter of a headless run (driveHeadless): it says on
// stderr, one line each, what the run does — connected, joined, left, meetings
// started and ended, files published (path and URL), the chair's tools'
// agendas loaded or failed, timeboxes over and votes' results with the
// quorum's verdict, and every error —
// from the network's events (event) and the controller's updates
// (updates).
type reporter struct {
	*live.Controller
	w io.Writer
	// last is each network's last connection state (by Conn.Network:
	// "" with one network), so that one network's failure to connect is
	// not told as the other's.
	last map[string]live.ConnState
}

func (r *reporter) say(format string, args ...any) {
	line := fmt.Sprintf(format, args...)
	line = strings.Join(strings.Fields(strings.ToValidUTF8(line, "\uFFFD")), " ") // one line, whatever the server sent
	fmt.Fprintln(r.w, "gavel: "+line)
}

func (r *reporter) event(ev live.Event) {
	switch e := ev.(type) {
	case live.Conn:
		switch e.State {
		case live.Connected:
			r.say("connected to %s as %s", e.Server, e.Nick)
			if e.Wanted != "" {
				r.say("error: the nick %s is taken: gavel is %s until it frees, then takes it back", e.Wanted, e.Nick)
			}
		case live.Reconnecting:
			// Said here, not at Disconnected: a fatal error ends the
			// run instead, and is said once, as it exits.
			what := "disconnected from"
			if r.last[e.Network] == live.ConnectFailed {
				what = "could not connect to"
			}
			if e.Err != nil {
				r.say("error: %s %s: %v; trying again in %s", what, e.Server, e.Err, e.Delay.Round(time.Millisecond))
			} else {
				r.say("%s %s; trying again in %s", what, e.Server, e.Delay.Round(time.Millisecond))
			}
		}
		if r.last == nil {
			r.last = map[string]live.ConnState{}
		}
		r.last[e.Network] = e.State
	case live.Join:
		if e.From.Self && !e.History {
			r.say("joined %s", e.Channel)
		}
	case live.Part:
		if e.From.Self && !e.History {
			r.say("left %s", e.Channel)
		}
	case live.Kick:
		if e.KickedSelf && !e.History {
			r.say("error: kicked from %s by %s: %s", e.Channel, e.From.Nick, e.Reason)
		}
	case live.Unsent:
		r.say("error: not sent to %s: %q — %s", e.Target, e.Text, e.Reason)
	case live.Error:
		switch {
		case e.Kind == live.ErrorNotOperator && (e.Command == "" || e.Command == "TOPIC"):
			return // the controller explains it (an UpdateError)
		case e.Kind == live.ErrorServer:
			return // the server's own (no message of the day): nothing went wrong
		case strings.HasPrefix(e.Text, "matrix: "):
			r.say("error: %s", e.Text) // it names the room itself (by the alias it was asked for)
			return
		}
		r.say("error: %v", e)
	}
}

func (r *reporter) updates(ups []live.Update) []live.Update {
	for _, u := range ups {
		switch u.Kind {
		case live.UpdateStarted:
			r.say("meeting started in %s: %s", u.Channel, u.Text)
		case live.UpdateEnded:
			r.say("meeting ended in %s: %s", u.Channel, u.Text)
		case live.UpdatePublished:
			for _, f := range u.Files {
				if f.URL != "" {
					r.say("published %s %s", f.Path, f.URL)
				} else {
					r.say("published %s", f.Path)
				}
			}
		case live.UpdateResumed:
			r.say("%s: %s", u.Channel, u.Text)
		case live.UpdateChair:
			// What the chair's tools report that a chair without a
			// screen needs to know.
			switch u.Report.Kind {
			case chair.AgendaLoaded, chair.TimeboxOver, chair.VoteEnded:
				r.say("%s: %s", u.Channel, u.Text)
			case chair.AgendaFailed, chair.Problem:
				r.say("error in %s: %s", u.Channel, u.Text)
			}
		case live.UpdateJournal:
			if u.Err == nil { // when behind, its UpdateError says so
				r.say("%s", u.Text)
			}
		case live.UpdateError:
			if u.Err == nil {
				continue
			}
			if u.Channel != "" && !strings.Contains(u.Err.Error(), u.Channel) {
				r.say("error in %s: %v", u.Channel, u.Err)
			} else {
				r.say("error: %v", u.Err)
			}
		}
	}
	return ups
}
