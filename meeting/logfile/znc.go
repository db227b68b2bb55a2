package logfile

import (
	"bytes"

	"gavel/meeting"
)

// parseZNC reads the format of ZNC's log module:
//
//	[18:00:03] <nick> text
//	[18:00:03] * nick text                                action
//	[18:00:03] *** Joins: nick (user@host)
//	[18:00:03] *** Parts: nick (user@host) (reason)
//	[18:00:03] *** Quits: nick (user@host) (reason)
//	[18:00:03] *** old is now known as new
//	[18:00:03] *** nick changes topic to 'topic'
//	[18:00:03] *** nick was kicked by op (reason)         (a Part)
//
// Notices ("-nick- text"), modes and connection lines are skipped.
func parseZNC(r *Reader, line []byte) (meeting.Event, lineKind) {
	if len(line) < 2 || line[0] != '[' {
		return nil, kindSkip
	}
	sec, n, ok := parseClock(line[1:])
	n++
	if !ok || n+1 >= len(line) || line[n] != ']' || line[n+1] != ' ' {
		return nil, kindSkip
	}
	rest := line[n+2:]
	switch {
	case hasPrefix(rest, "<"):
		end := bytes.IndexByte(rest, '>')
		if end < 0 {
			return nil, kindSkip
		}
		return r.message(r.clock(sec), stripNickMode(rest[1:end]), rest[end+1:], false)
	case hasPrefix(rest, "*** "):
		return zncEvent(r, sec, rest[4:])
	case hasPrefix(rest, "* "):
		nick, text := cutWord(rest[2:])
		return r.message(r.clock(sec), nick, text, true)
	}
	return nil, kindSkip
}

func zncEvent(r *Reader, sec int, body []byte) (meeting.Event, lineKind) {
	word, after := cutWord(body)
	switch string(word) {
	case "Joins:":
		nick, _ := cutWord(after)
		if n := r.nick(nick); n != "" {
			return meeting.Join{Time: r.clock(sec), Nick: n}, kindEvent
		}
		return nil, kindSkip
	case "Parts:", "Quits:":
		nick, rest := cutWord(after)
		if len(rest) > 0 && rest[0] == '(' {
			// (user@host); the host has no spaces
			_, rest = cutWord(rest)
		}
		n := r.nick(nick)
		if n == "" {
			return nil, kindSkip
		}
		reason := r.text(unwrap(rest, '(', ')'))
		if word[0] == 'P' {
			return meeting.Part{Time: r.clock(sec), Nick: n, Reason: reason}, kindEvent
		}
		return meeting.Quit{Time: r.clock(sec), Nick: n, Reason: reason}, kindEvent
	}
	switch {
	case hasPrefix(after, "is now known as "):
		nw, _ := cutWord(after[len("is now known as "):])
		old, nn := r.nick(word), r.nick(nw)
		if old != "" && nn != "" {
			return meeting.NickChange{Time: r.clock(sec), Old: old, New: nn}, kindEvent
		}
	case hasPrefix(after, "changes topic to "):
		if n := r.nick(word); n != "" {
			return meeting.TopicChange{Time: r.clock(sec), Nick: n, Topic: r.text(unwrap(after[len("changes topic to "):], '\'', '\''))}, kindEvent
		}
	case hasPrefix(after, "was kicked by "):
		op, reason := cutWord(after[len("was kicked by "):])
		if n := r.nick(word); n != "" {
			return meeting.Part{Time: r.clock(sec), Nick: n, Reason: kickReason(r, op, unwrap(reason, '(', ')'))}, kindEvent
		}
	}
	return nil, kindSkip
}
