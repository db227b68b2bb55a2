package logfile

import (
	"bytes"
	"time"

	"gavel/meeting"
)

// parseWeeChat reads WeeChat's logger format (default time format): a date
// and time, a tab, the prefix, a tab and the message.
//
//	2015-04-30 18:00:03\tnick\ttext            message ("@nick", "+nick"...)
//	2015-04-30 18:00:03\t *\tnick text         action
//	...\t-->\tnick (user@host) has joined #chan
//	...\t<--\tnick (user@host) has left #chan (reason)
//	...\t<--\tnick (user@host) has quit (reason)
//	...\t<--\top has kicked nick (reason)                  (a Part)
//	...\t--\told is now known as new
//	...\t--\tnick has changed topic for #chan from "old" to "new"
//	...\t--\tnick has changed topic for #chan to "new"
//	...\t--\tnick has unset topic for #chan
//	...\t--\tTopic for #chan is "topic"                      (Nick "")
func parseWeeChat(r *Reader, line []byte) (meeting.Event, lineKind) {
	// YYYY-MM-DD HH:MM:SS\t
	if len(line) < 20 || line[4] != '-' || line[7] != '-' || line[10] != ' ' {
		return nil, kindSkip
	}
	y, ok1 := atoi(line[0:4], 4)
	mo, ok2 := atoi(line[5:7], 2)
	d, ok3 := atoi(line[8:10], 2)
	if !ok1 || !ok2 || !ok3 || mo < 1 || mo > 12 || d < 1 || d > 31 || y < 1970 {
		// (no chat log is dated before 1970: year 1 would be the zero time)
		return nil, kindSkip
	}
	sec, n, ok := parseClock(line[11:])
	n += 11
	if !ok || n >= len(line) || line[n] != '\t' {
		return nil, kindSkip
	}
	rest := line[n+1:]
	tab := bytes.IndexByte(rest, '\t')
	if tab < 0 {
		return nil, kindSkip
	}
	prefix := trimSpace(rest[:tab])
	msg := rest[tab+1:]
	if len(prefix) == 0 {
		return nil, kindSkip
	}
	r.logDay(y, time.Month(mo), d, false)
	switch string(prefix) {
	case "*":
		nick, text := cutWord(trimLeftSpace(msg))
		return r.message(r.clock(sec), nick, text, true)
	case "-->":
		nick, after := cutWord(msg)
		if i := lastIndex(after, "has joined "); i >= 0 {
			ch, _ := cutWord(after[i+len("has joined "):])
			r.noteChannel(ch)
		}
		if lastIndex(after, "has joined ") >= 0 || hasSuffix(after, "has joined") {
			if n := r.nick(nick); n != "" {
				return meeting.Join{Time: r.clock(sec), Nick: n}, kindEvent
			}
		}
		return nil, kindSkip
	case "<--":
		return weechatLeave(r, sec, msg)
	case "--":
		return weechatNetwork(r, sec, msg)
	}
	switch prefix[0] {
	case '-', '=', '<', '>', '*', '[', '(':
		// notices, errors and other buffers' prefixes
		return nil, kindSkip
	}
	if bytes.IndexByte(prefix, ' ') >= 0 {
		return nil, kindSkip
	}
	return r.message(r.clock(sec), stripNickMode(prefix), msg, false)
}

func weechatLeave(r *Reader, sec int, msg []byte) (meeting.Event, lineKind) {
	nickB, after := cutWord(msg)
	if hasPrefix(after, "has kicked ") {
		// op has kicked nick (reason)
		kicked, reason := cutWord(after[len("has kicked "):])
		if n := r.nick(kicked); n != "" {
			return meeting.Part{Time: r.clock(sec), Nick: n, Reason: kickReason(r, nickB, unwrap(reason, '(', ')'))}, kindEvent
		}
		return nil, kindSkip
	}
	if i := index(after, "has left "); i >= 0 || hasSuffix(after, "has left") {
		var reason []byte
		if i >= 0 {
			_, reason = cutWord(after[i+len("has left "):]) // channel
		}
		if n := r.nick(nickB); n != "" {
			return meeting.Part{Time: r.clock(sec), Nick: n, Reason: r.text(unwrap(reason, '(', ')'))}, kindEvent
		}
		return nil, kindSkip
	}
	if i := index(after, "has quit"); i >= 0 {
		reason := after[i+len("has quit"):]
		if n := r.nick(nickB); n != "" {
			return meeting.Quit{Time: r.clock(sec), Nick: n, Reason: r.text(unwrap(reason, '(', ')'))}, kindEvent
		}
	}
	return nil, kindSkip
}

func weechatNetwork(r *Reader, sec int, msg []byte) (meeting.Event, lineKind) {
	nickB, after := cutWord(msg)
	switch {
	case string(nickB) == "You" && hasPrefix(after, "are now known as "):
		return nil, kindSkip // our own nick: the old one is not in the line
	case hasPrefix(after, "is now known as "):
		nw, _ := cutWord(after[len("is now known as "):])
		old, nn := r.nick(nickB), r.nick(nw)
		if old != "" && nn != "" {
			return meeting.NickChange{Time: r.clock(sec), Old: old, New: nn}, kindEvent
		}
	case hasPrefix(after, "has changed topic for "):
		_, rest := cutWord(after[len("has changed topic for "):]) // channel
		var topic []byte
		switch {
		case hasPrefix(rest, "to "):
			topic = rest[3:]
		case hasPrefix(rest, "from "):
			i := index(rest, "\" to \"")
			if i < 0 {
				return nil, kindSkip
			}
			topic = rest[i+5:]
		default:
			return nil, kindSkip
		}
		if n := r.nick(nickB); n != "" {
			return meeting.TopicChange{Time: r.clock(sec), Nick: n, Topic: r.text(unwrap(topic, '"', '"'))}, kindEvent
		}
	case hasPrefix(after, "has unset topic for "):
		if n := r.nick(nickB); n != "" {
			return meeting.TopicChange{Time: r.clock(sec), Nick: n}, kindEvent
		}
	case string(nickB) == "Topic" && hasPrefix(after, "for "):
		// Topic for #chan is "topic"
		ch, rest := cutWord(after[4:])
		if hasPrefix(rest, "is ") {
			r.noteChannel(ch)
			return meeting.TopicChange{Time: r.clock(sec), Topic: r.text(unwrap(rest[3:], '"', '"'))}, kindEvent
		}
	}
	return nil, kindSkip
}
