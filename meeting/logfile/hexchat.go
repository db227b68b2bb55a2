package logfile

import (
	"bytes"

	"gavel/meeting"
)

// parseHexChat reads HexChat's log format (and XChat's, whose event lines
// have "-->", "<--" and "---" where HexChat has "*"), with the default
// time stamp "%b %d %H:%M:%S":
//
//	**** BEGIN LOGGING AT Thu Apr 30 18:00:03 2015     sets the day
//	Apr 30 18:00:03 <nick>\ttext                        message ("<@nick>" too)
//	Apr 30 18:00:03 *\tnick text                        action
//	Apr 30 18:00:03 *\tnick (user@host) has joined #chan
//	Apr 30 18:00:03 *\tnick (user@host) has left #chan (reason)
//	Apr 30 18:00:03 *\tnick has quit (reason)
//	Apr 30 18:00:03 *\told is now known as new
//	Apr 30 18:00:03 *\tnick has changed the topic to: topic
//	Apr 30 18:00:03 *\top has kicked nick from #chan (reason)   (a Part)
//	Apr 30 18:00:03 *\tTopic for #chan is: topic                 (Nick "")
//
// The tab after the prefix may be a space (as in logs copied from the
// window, or written by XChat's plain-text logger): "Apr 30 18:00:03
// <nick> text", "Apr 30 18:00:03 * nick waves".
//
// HexChat prints actions and events with the same "*" prefix, so a "*"
// line is an event when it has an event's shape and an action otherwise;
// HexChat's own status lines (modes, "Now talking on", ...) are skipped.
// The year comes from the last BEGIN LOGGING header (or Options.Date) and
// advances when the month goes back by half a year or more.
func parseHexChat(r *Reader, line []byte) (meeting.Event, lineKind) {
	if hasPrefix(line, "**** ") {
		rest := line[5:]
		switch {
		case hasPrefix(rest, "BEGIN LOGGING AT "):
			if y, m, d, ok := parseCtimeDate(rest[len("BEGIN LOGGING AT "):]); ok {
				r.logDay(y, m, d, false)
				return nil, kindMeta
			}
		case hasPrefix(rest, "ENDING LOGGING AT "):
			return nil, kindMeta
		}
		return nil, kindSkip
	}
	// "Apr 30 18:00:03 "
	if len(line) < 4 || line[3] != ' ' {
		return nil, kindSkip
	}
	mon, ok := parseMonth(line[:3])
	if !ok {
		return nil, kindSkip
	}
	rest := trimLeftSpace(line[4:])
	dayB, rest := cutWord(rest)
	day, ok := atoi(dayB, 2)
	if !ok || day < 1 || day > 31 {
		return nil, kindSkip
	}
	sec, n, ok := parseClock(rest)
	if !ok || n >= len(rest) || rest[n] != ' ' {
		return nil, kindSkip
	}
	prefix, body, ok := hexchatPrefix(rest[n+1:])
	if !ok {
		return nil, kindSkip
	}
	y := r.year
	if r.month-mon >= 6 {
		y++ // December to January
	}
	r.setDay(y, mon, day)

	switch {
	case prefix[0] == '<' && prefix[len(prefix)-1] == '>' && len(prefix) > 2:
		return r.message(r.clock(sec), stripNickMode(prefix[1:len(prefix)-1]), body, false)
	case string(prefix) == "*":
		if ev, kind, ok := hexchatEvent(r, sec, body); ok {
			return ev, kind
		}
		nick, text := cutWord(trimLeftSpace(body))
		return r.message(r.clock(sec), nick, text, true)
	case string(prefix) == "-->", string(prefix) == "<--", string(prefix) == "---":
		if ev, kind, ok := hexchatEvent(r, sec, body); ok {
			return ev, kind
		}
	}
	return nil, kindSkip
}

// hexchatStatus are the starts (after the first word) of HexChat's status
// lines printed with a "*" prefix that are not events we replay.
var hexchatStatus = []string{
	"gives channel operator status to ", "removes channel operator status from ",
	"gives channel half-operator status to ", "removes channel half-operator status from ",
	"gives voice to ", "removes voice from ",
	"sets ban on ", "removes ban on ", "sets quiet on ", "removes quiet on ",
	"sets exempt on ", "removes exempt on ", "sets invite exempt on ", "removes invite exempt on ",
	"sets channel keyword to ", "removes channel keyword", "sets channel limit to ", "removes user limit",
	"sets mode ", "sets modes ",
}

// hexchatSystem are first words of HexChat's own status lines.
var hexchatSystem = []string{
	"Now", "You", "Users", "Channel", "Cannot", "Notify:", "Ping", "Received", "Capabilities",
	"Connecting", "Connected.", "Disconnected", "Looking", "Topic",
}

// hexchatEvent parses the body of an event line. ok is false when the body
// is not an event (it is then an action when the prefix is "*").
func hexchatEvent(r *Reader, sec int, body []byte) (ev meeting.Event, kind lineKind, ok bool) {
	nickB, after := cutWord(body)
	if len(nickB) == 0 {
		return nil, kindSkip, true
	}
	verb := after
	if len(verb) > 0 && verb[0] == '(' {
		// (user@host)
		if end := bytes.IndexByte(verb, ')'); end >= 0 {
			verb = trimLeftSpace(verb[end+1:])
		}
	}
	hostGiven := len(verb) < len(after)
	switch {
	case hostGiven && hasPrefix(verb, "has joined"):
		ch, _ := cutWord(trimLeftSpace(verb[len("has joined"):]))
		r.noteChannel(ch)
		if n := r.nick(nickB); n != "" {
			return meeting.Join{Time: r.clock(sec), Nick: n}, kindEvent, true
		}
	case hostGiven && hasPrefix(verb, "has left"):
		rest := trimLeftSpace(verb[len("has left"):])
		if len(rest) > 0 && rest[0] != '(' {
			_, rest = cutWord(rest) // channel
		}
		if n := r.nick(nickB); n != "" {
			return meeting.Part{Time: r.clock(sec), Nick: n, Reason: r.text(unwrap(rest, '(', ')'))}, kindEvent, true
		}
	case hasPrefix(verb, "has quit"):
		if n := r.nick(nickB); n != "" {
			return meeting.Quit{Time: r.clock(sec), Nick: n, Reason: r.text(unwrap(verb[len("has quit"):], '(', ')'))}, kindEvent, true
		}
	case string(nickB) == "You" && hasPrefix(after, "are now known as "):
		return nil, kindSkip, true
	case hasPrefix(after, "is now known as "):
		nw, tail := cutWord(after[len("is now known as "):])
		if len(tail) == 0 {
			old, nn := r.nick(nickB), r.nick(nw)
			if old != "" && nn != "" {
				return meeting.NickChange{Time: r.clock(sec), Old: old, New: nn}, kindEvent, true
			}
		}
	case hasPrefix(after, "has changed the topic to:"):
		if n := r.nick(nickB); n != "" {
			return meeting.TopicChange{Time: r.clock(sec), Nick: n, Topic: r.text(after[len("has changed the topic to:"):])}, kindEvent, true
		}
	case hasPrefix(after, "has kicked "):
		kicked, rest := cutWord(after[len("has kicked "):])
		if hasPrefix(rest, "from ") {
			_, reason := cutWord(rest[5:])
			if n := r.nick(kicked); n != "" {
				return meeting.Part{Time: r.clock(sec), Nick: n, Reason: kickReason(r, nickB, unwrap(reason, '(', ')'))}, kindEvent, true
			}
		}
	case string(nickB) == "Topic" && hasPrefix(after, "for "):
		ch, rest := cutWord(after[4:])
		if hasPrefix(rest, "is:") {
			r.noteChannel(ch)
			return meeting.TopicChange{Time: r.clock(sec), Topic: r.text(rest[3:])}, kindEvent, true
		}
		return nil, kindSkip, true // "Topic for #chan set by ..."
	}
	for _, s := range hexchatStatus {
		if hasPrefix(after, s) {
			return nil, kindSkip, true
		}
	}
	for _, s := range hexchatSystem {
		if string(nickB) == s {
			return nil, kindSkip, true
		}
	}
	return nil, kindSkip, false
}

// hexchatPrefix splits what follows the time stamp into the prefix (the
// nick in brackets, "*", "-->", ...) and the body, separated by a tab or,
// for the prefixes HexChat and XChat print, a space.
func hexchatPrefix(rest []byte) (prefix, body []byte, ok bool) {
	if len(rest) > 0 && rest[0] == '<' {
		end := bytes.IndexByte(rest, '>')
		if end > 1 && (end+1 == len(rest) || rest[end+1] == '\t' || rest[end+1] == ' ') {
			if end+1 == len(rest) {
				return rest, nil, true
			}
			return rest[:end+1], rest[end+2:], true
		}
	}
	if tab := bytes.IndexByte(rest, '\t'); tab >= 0 {
		if p := trimSpace(rest[:tab]); len(p) > 0 && bytes.IndexByte(p, ' ') < 0 {
			return p, rest[tab+1:], true
		}
	}
	word, _, found := bytes.Cut(rest, []byte(" "))
	if found {
		switch string(word) {
		case "*", "-->", "<--", "---":
			return word, rest[len(word)+1:], true
		}
	}
	return nil, nil, false
}
