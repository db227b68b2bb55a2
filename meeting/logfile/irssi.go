package logfile

import (
	"bytes"

	"gavel/meeting"
)

// parseIrssi reads irssi's default log format:
//
//	--- Log opened Thu Apr 30 18:00:00 2015      sets the day
//	--- Day changed Fri May 01 2015               sets the day
//	18:00 < nick> text   18:00 <@nick> text       message (HH:MM:SS too;
//	18:00  <nick> text                            more spaces after the time too)
//	18:00  * nick text                            action
//	18:00 -!- nick [user@host] has joined #chan
//	18:00 -!- nick [user@host] has left #chan [reason]
//	18:00 -!- nick [user@host] has quit [reason]
//	18:00 -!- nick was kicked from #chan by op [reason]   (a Part)
//	18:00 -!- old is now known as new
//	18:00 -!- nick changed the topic of #chan to: topic
//	18:00 -!- Topic for #chan: topic                        (Nick "")
//	18:00 -!- Topic unset by nick on #chan
func parseIrssi(r *Reader, line []byte) (meeting.Event, lineKind) {
	if hasPrefix(line, "--- ") {
		rest := line[4:]
		switch {
		case hasPrefix(rest, "Log opened "), hasPrefix(rest, "Day changed "):
			change := rest[0] == 'D'
			_, rest = cutWord(rest)
			_, rest = cutWord(rest)
			if y, m, d, ok := parseCtimeDate(rest); ok {
				r.logDay(y, m, d, change)
				return nil, kindMeta
			}
		case hasPrefix(rest, "Log closed "):
			return nil, kindMeta
		}
		return nil, kindSkip
	}
	sec, n, ok := parseClock(line)
	if !ok || n >= len(line) || line[n] != ' ' {
		return nil, kindSkip
	}
	rest := line[n+1:]
	if len(rest) == 0 {
		return nil, kindSkip
	}
	if rest[0] == ' ' {
		// a wider time stamp ("%H:%M  "), or an action's " * "
		if a := trimLeftSpace(rest); hasPrefix(a, "<") || hasPrefix(a, "-!- ") {
			rest = a
		}
	}
	if rest[0] == '<' {
		end := bytes.IndexByte(rest, '>')
		if end < 0 {
			return nil, kindSkip
		}
		nick := stripNickMode(trimSpace(rest[1:end]))
		return r.message(r.clock(sec), nick, rest[end+1:], false)
	}
	if hasPrefix(rest, "-!- ") {
		return irssiEvent(r, sec, rest[4:])
	}
	if a := trimLeftSpace(rest); hasPrefix(a, "* ") {
		nick, text := cutWord(trimLeftSpace(a[2:]))
		return r.message(r.clock(sec), nick, text, true)
	}
	return nil, kindSkip
}

func irssiEvent(r *Reader, sec int, body []byte) (meeting.Event, lineKind) {
	nickB, after := cutWord(body)
	if len(nickB) == 0 || len(after) == 0 {
		return nil, kindSkip
	}
	// "[user@host]" (and, with extended-join, more bracketed groups) between
	// the nick and the verb
	verb := after
	for len(verb) > 0 && verb[0] == '[' {
		end := bytes.IndexByte(verb, ']')
		if end < 0 {
			break
		}
		verb = trimLeftSpace(verb[end+1:])
	}
	switch {
	case hasPrefix(verb, "has joined"):
		ch, _ := cutWord(trimLeftSpace(verb[len("has joined"):]))
		r.noteChannel(ch)
		if n := r.nick(nickB); n != "" {
			return meeting.Join{Time: r.clock(sec), Nick: n}, kindEvent
		}
	case hasPrefix(verb, "has left"):
		_, reason := cutWord(trimLeftSpace(verb[len("has left"):])) // channel
		if n := r.nick(nickB); n != "" {
			return meeting.Part{Time: r.clock(sec), Nick: n, Reason: r.text(unwrap(reason, '[', ']'))}, kindEvent
		}
	case hasPrefix(verb, "has quit"):
		reason := verb[len("has quit"):]
		if n := r.nick(nickB); n != "" {
			return meeting.Quit{Time: r.clock(sec), Nick: n, Reason: r.text(unwrap(reason, '[', ']'))}, kindEvent
		}
	case hasPrefix(after, "is now known as "):
		nw, _ := cutWord(after[len("is now known as "):])
		old, nn := r.nick(nickB), r.nick(nw)
		if old != "" && nn != "" {
			return meeting.NickChange{Time: r.clock(sec), Old: old, New: nn}, kindEvent
		}
	case hasPrefix(after, "was kicked from "):
		// nick was kicked from #chan by op [reason]
		_, rest := cutWord(after[len("was kicked from "):])
		if !hasPrefix(rest, "by ") {
			break
		}
		op, reason := cutWord(rest[3:])
		if n := r.nick(nickB); n != "" {
			return meeting.Part{Time: r.clock(sec), Nick: n, Reason: kickReason(r, op, unwrap(reason, '[', ']'))}, kindEvent
		}
	case hasPrefix(after, "changed the topic of "):
		ch, rest := cutWord(after[len("changed the topic of "):])
		r.noteChannel(ch)
		if !hasPrefix(rest, "to:") {
			break
		}
		if n := r.nick(nickB); n != "" {
			return meeting.TopicChange{Time: r.clock(sec), Nick: n, Topic: r.text(rest[3:])}, kindEvent
		}
	case string(nickB) == "Topic" && hasPrefix(after, "for "):
		// Topic for #chan: topic
		ch, rest := cutWord(after[4:])
		if len(ch) > 1 && ch[len(ch)-1] == ':' {
			r.noteChannel(ch)
			return meeting.TopicChange{Time: r.clock(sec), Topic: r.text(rest)}, kindEvent
		}
	case string(nickB) == "Topic" && hasPrefix(after, "unset by "):
		// Topic unset by nick on #chan
		who, rest := cutWord(after[len("unset by "):])
		if hasPrefix(rest, "on ") {
			if n := r.nick(who); n != "" {
				return meeting.TopicChange{Time: r.clock(sec), Nick: n}, kindEvent
			}
		}
	}
	return nil, kindSkip
}

// kickReason is the Part reason given for a kick.
func kickReason(r *Reader, op, reason []byte) string {
	s := "kicked"
	if n := r.nick(op); n != "" {
		s += " by " + n
	}
	if t := r.text(reason); t != "" {
		s += ": " + t
	}
	return s
}
