package logfile

import (
	"bytes"
	"fmt"
)

// detectLines is how many chat lines (lines of a known shape) Detect
// weighs before it decides.
const detectLines = 50

// Detect guesses the format of a log from a sample of its beginning. Each
// line votes for the format whose shape it has; headers (irssi's "--- Log
// opened", HexChat's "**** BEGIN LOGGING") and lines only one format writes
// (irssi's "-!-" and "< nick>", ZNC's "[..] ***") weigh more. Plain
// "HH:MM:SS <nick> text" lines, indented or not, are MeetBot's. Lines of
// no known shape (a server's MOTD, a script's notes) are passed over: the
// first detectLines chat lines decide, however far into the sample they
// are. A sample of white space only gives ErrEmptyLog; one with no
// recognisable line an error wrapping ErrUnknownFormat.
func Detect(sample []byte) (Format, error) {
	f, _, err := detect(sample)
	return f, err
}

// detect is Detect; sure reports that the sample held enough chat lines
// (or a header) for the answer not to change with more of the log.
func detect(sample []byte) (f Format, sure bool, err error) {
	var score [5]int // indexes as in Formats()
	const (
		iMeetBot = iota
		iIrssi
		iWeeChat
		iZNC
		iHexChat
	)
	first, lines, chat, header := true, 0, 0, false // lines: non-blank ones
	for len(sample) > 0 && chat < detectLines {
		var line []byte
		if i := bytes.IndexByte(sample, '\n'); i >= 0 {
			line, sample = sample[:i], sample[i+1:]
		} else {
			line, sample = sample, nil
		}
		if first && len(line) >= 3 && line[0] == 0xEF && line[1] == 0xBB && line[2] == 0xBF {
			line = line[3:]
		}
		first = false
		line = trimLeftSpace(bytes.TrimRight(line, "\r"))
		if isBlank(line) {
			continue
		}
		lines++
		before := score
		switch {
		case hasPrefix(line, "**** BEGIN LOGGING AT "), hasPrefix(line, "**** ENDING LOGGING AT "):
			score[iHexChat] += 100
			header = true
		case hasPrefix(line, "--- Log opened "), hasPrefix(line, "--- Day changed "), hasPrefix(line, "--- Log closed "):
			score[iIrssi] += 100
			header = true
		case isWeeChatLine(line):
			score[iWeeChat] += 2
		case isHexChatLine(line):
			score[iHexChat] += 2
		case line[0] == '[':
			if _, n, ok := parseClock(line[1:]); ok && n+2 < len(line) && line[n+1] == ']' && line[n+2] == ' ' {
				rest := line[n+3:]
				switch {
				case hasPrefix(rest, "*** "), hasPrefix(rest, "-"):
					score[iZNC] += 3
				case hasPrefix(rest, "<"), hasPrefix(rest, "* "):
					// MeetBot's replay accepts these too; ZNC reads them alike
					score[iZNC] += 2
					score[iMeetBot]++
				}
			}
		case line[0] == '<':
			// MeetBot's replay reads lines without a time
			if bytes.IndexByte(line, '>') > 1 {
				score[iMeetBot]++
			}
		default:
			_, n, ok := parseClock(line)
			if !ok || n >= len(line) || line[n] != ' ' {
				break
			}
			rest := line[n+1:]
			wide := len(rest) > 0 && rest[0] == ' ' // two spaces or more after the time
			switch {
			case hasPrefix(rest, " * "):
				score[iIrssi] += 3
			case wide && (hasPrefix(trimLeftSpace(rest), "<") || hasPrefix(trimLeftSpace(rest), "-!- ")):
				// irssi with a wider time stamp ("%H:%M  "); MeetBot
				// writes one space
				score[iIrssi] += 3
			case hasPrefix(rest, "-!- ") && n > 5 && index(rest, " is now known as ") > 0:
				// gavel's default style records nick changes in its
				// .log.txt as irssi does
				score[iIrssi]++
				score[iMeetBot]++
			case hasPrefix(rest, "-!- "), hasPrefix(rest, "< "):
				score[iIrssi] += 3
			case hasPrefix(rest, "<@"), hasPrefix(rest, "<+"):
				score[iIrssi]++
				score[iMeetBot]++
			case hasPrefix(rest, "<"), hasPrefix(rest, "* "):
				score[iMeetBot] += 2
				if n <= 5 {
					score[iIrssi]++ // HH:MM is irssi's default stamp
				}
			}
		}
		if score != before {
			chat++
		}
	}
	best, bestScore := -1, 0
	for i, s := range score {
		if s > bestScore {
			best, bestScore = i, s
		}
	}
	if best < 0 {
		if lines == 0 {
			return "", false, ErrEmptyLog
		}
		return "", false, fmt.Errorf("%w: no known log line in %d lines", ErrUnknownFormat, lines)
	}
	return Formats()[best], header || chat >= detectLines, nil
}

// isWeeChatLine: "YYYY-MM-DD HH:MM:SS\t...\t"
func isWeeChatLine(b []byte) bool {
	if len(b) < 21 || b[4] != '-' || b[7] != '-' || b[10] != ' ' {
		return false
	}
	for _, i := range [...]int{0, 1, 2, 3, 5, 6, 8, 9} {
		if !isDigit(b[i]) {
			return false
		}
	}
	_, n, ok := parseClock(b[11:])
	return ok && 11+n < len(b) && b[11+n] == '\t' && bytes.IndexByte(b[12+n:], '\t') >= 0
}

// isHexChatLine: "Mon DD HH:MM:SS prefix\t..." or, with a space for the
// tab, "Mon DD HH:MM:SS <nick> ..." (and "* ", "--> ", "<-- ", "--- ").
func isHexChatLine(b []byte) bool {
	if len(b) < 4 || b[3] != ' ' {
		return false
	}
	if _, ok := parseMonth(b[:3]); !ok {
		return false
	}
	dayB, rest := cutWord(trimLeftSpace(b[4:]))
	if _, ok := atoi(dayB, 2); !ok {
		return false
	}
	_, n, ok := parseClock(rest)
	if !ok || n >= len(rest) || rest[n] != ' ' {
		return false
	}
	_, _, ok = hexchatPrefix(rest[n+1:])
	return ok
}
