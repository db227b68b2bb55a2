package logfile

import (
	"bytes"

	"gavel/meeting"
)

// parseMeetBot reads the lines MeetBot's replay accepts, indented or not:
//
//	[HH:MM:SS] <nick> text     message; brackets, time and seconds optional,
//	                           an "@" or "+" before the nick ignored
//	[HH:MM:SS] * nick text     action
//	HH:MM:SS -!- old is now known as new
//	                           a nick change, as gavel's default style
//	                           records them (MeetBot logs none)
//
// A time stamp that does not parse leaves the line in, with the time of the
// previous line (MeetBot's replay gives such lines no time). Everything
// else (joins, parts, topics) is skipped. Each line is classified once.
func parseMeetBot(r *Reader, line []byte) (meeting.Event, lineKind) {
	line = trimLeftSpace(line) // indented, as in test scripts
	i := 0
	if i < len(line) && line[i] == '[' {
		i++
	}
	j := i
	for j < len(line) && (isDigit(line[j]) || line[j] == ':' || line[j] == ' ') {
		j++
	}
	stamp := line[i:j]
	k := j
	if k < len(line) && line[k] == ']' {
		k++
	}
	for k < len(line) && line[k] == ' ' {
		k++
	}
	if k >= len(line) {
		return nil, kindSkip
	}
	c := line[k]
	if c == '-' && hasPrefix(line[k:], "-!- ") {
		return meetbotNickChange(r, trimSpace(stamp), line[k+4:])
	}
	if c != '<' && c != '*' {
		return nil, kindSkip
	}
	var nick, text []byte
	action := false
	if c == '<' {
		k++
		start := k
		if k < len(line) && (line[k] == '@' || line[k] == '+') {
			k++
		}
		end := bytes.IndexByte(line[k:], '>')
		if end == 0 && k > start {
			// "<@>": the "@" is the nick
			k, end = start, 1
		}
		if end <= 0 {
			return nil, kindSkip
		}
		nick = line[k : k+end]
		text = line[k+end+1:]
	} else {
		k++
		for k < len(line) && line[k] == ' ' {
			k++
		}
		end := bytes.IndexByte(line[k:], ' ')
		if end < 0 {
			end = len(line) - k
		}
		if end == 0 {
			return nil, kindSkip
		}
		nick = line[k : k+end]
		text = line[k+end:]
		action = true
	}
	stamp = trimSpace(stamp)
	t := r.noClock()
	if len(stamp) > 0 {
		if sec, ok := parseClockExact(stamp); ok {
			t = r.clock(sec)
		}
	}
	return r.message(t, nick, text, action)
}

// meetbotNickChange reads "old is now known as new" (nothing more), and
// the other lines gavel's default style writes after "-!- " for what a
// Matrix room does (meeting/edits.go): "nick edited line N: text", "nick
// redacted line N", "nick is a chair <why>".
func meetbotNickChange(r *Reader, stamp, body []byte) (meeting.Event, lineKind) {
	oldB, after := cutWord(body)
	if !hasPrefix(after, "is now known as ") {
		return meetbotOp(r, stamp, oldB, after)
	}
	newB, tail := cutWord(after[len("is now known as "):])
	if len(tail) > 0 {
		return nil, kindSkip
	}
	old, nn := r.nick(oldB), r.nick(newB)
	if old == "" || nn == "" {
		return nil, kindSkip
	}
	t := r.noClock()
	if sec, ok := parseClockExact(stamp); ok {
		t = r.clock(sec)
	}
	return meeting.NickChange{Time: t, Old: old, New: nn}, kindEvent
}

// meetbotOp reads an edit, a redaction or a chair by identity.
func meetbotOp(r *Reader, stamp, nickB, after []byte) (meeting.Event, lineKind) {
	nick := r.nick(nickB)
	if nick == "" {
		return nil, kindSkip
	}
	t := r.noClock()
	if sec, ok := parseClockExact(stamp); ok {
		t = r.clock(sec)
	}
	lineNo := func(b []byte) (int, []byte, bool) {
		n, i := 0, 0
		for i < len(b) && isDigit(b[i]) && n < 1<<30 {
			n = n*10 + int(b[i]-'0')
			i++
		}
		return n, b[i:], i > 0 && n > 0
	}
	switch {
	case hasPrefix(after, "edited line "):
		n, rest, ok := lineNo(after[len("edited line "):])
		if !ok || !hasPrefix(rest, ":") {
			return nil, kindSkip
		}
		return meeting.Edit{Time: t, Nick: nick, Line: n, Text: r.text(rest[1:])}, kindEvent
	case hasPrefix(after, "redacted line "):
		n, rest, ok := lineNo(after[len("redacted line "):])
		if !ok || len(trimSpace(rest)) > 0 {
			return nil, kindSkip
		}
		return meeting.Redaction{Time: t, Nick: nick, Line: n}, kindEvent
	case hasPrefix(after, "is a chair "):
		why := r.text(after[len("is a chair "):])
		if why == "" {
			return nil, kindSkip
		}
		return meeting.Chaired{Time: t, Nick: nick, Why: why}, kindEvent
	}
	return nil, kindSkip
}
