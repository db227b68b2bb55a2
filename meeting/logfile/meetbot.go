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
//	                           nick change, as gavel's default style logs it
//	                           (MeetBot's logs have none)
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
	if c == '-' {
		return r.meetBotNickChange(stamp, line[k:])
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

// meetBotNickChange reads "-!- old is now known as new" after a time stamp.
func (r *Reader) meetBotNickChange(stamp, rest []byte) (meeting.Event, lineKind) {
	const marker, verb = "-!- ", " is now known as "
	if !hasPrefix(rest, marker) {
		return nil, kindSkip
	}
	oldB, newB, ok := bytes.Cut(rest[len(marker):], []byte(verb))
	if !ok {
		return nil, kindSkip
	}
	sec, ok := parseClockExact(trimSpace(stamp))
	old, nn := r.nick(oldB), r.nick(newB)
	if !ok || old == "" || nn == "" || bytes.IndexByte(oldB, ' ') >= 0 || bytes.IndexByte(trimSpace(newB), ' ') >= 0 {
		return nil, kindSkip
	}
	return meeting.NickChange{Time: r.clock(sec), Old: old, New: nn}, kindEvent
}
