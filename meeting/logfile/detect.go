package logfile

import (
	"bytes"
	"fmt"
)

// detectLines is how many non-blank lines Detect looks at.
const detectLines = 50

// Detect guesses the format of a log from a sample of its beginning (a few
// kilobytes are plenty). Each of the first lines votes for the format whose
// shape it has; headers (irssi's "--- Log opened", HexChat's "**** BEGIN
// LOGGING") and lines only one format writes (irssi's "-!-" and "< nick>",
// ZNC's "[..] ***") weigh more. Plain "HH:MM:SS <nick> text" lines are
// MeetBot's. A sample with no recognisable line gives an error wrapping
// ErrUnknownFormat.
func Detect(sample []byte) (Format, error) {
	var score [5]int // indexes as in Formats()
	const (
		iMeetBot = iota
		iIrssi
		iWeeChat
		iZNC
		iHexChat
	)
	seen := 0
	for len(sample) > 0 && seen < detectLines {
		var line []byte
		if i := bytes.IndexByte(sample, '\n'); i >= 0 {
			line, sample = sample[:i], sample[i+1:]
		} else {
			line, sample = sample, nil
		}
		if len(line) >= 3 && line[0] == 0xEF && line[1] == 0xBB && line[2] == 0xBF {
			line = line[3:]
		}
		line = bytes.TrimRight(line, "\r")
		if isBlank(line) {
			continue
		}
		seen++
		switch {
		case hasPrefix(line, "**** BEGIN LOGGING AT "), hasPrefix(line, "**** ENDING LOGGING AT "):
			score[iHexChat] += 100
		case hasPrefix(line, "--- Log opened "), hasPrefix(line, "--- Day changed "), hasPrefix(line, "--- Log closed "):
			score[iIrssi] += 100
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
		default:
			_, n, ok := parseClock(line)
			if !ok || n >= len(line) || line[n] != ' ' {
				break
			}
			rest := line[n+1:]
			switch {
			case hasPrefix(rest, "-!- "), hasPrefix(rest, "< "), hasPrefix(rest, " * "):
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
	}
	best, bestScore := -1, 0
	for i, s := range score {
		if s > bestScore {
			best, bestScore = i, s
		}
	}
	if best < 0 {
		return "", fmt.Errorf("%w: no known log line in the first %d lines", ErrUnknownFormat, detectLines)
	}
	return Formats()[best], nil
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

// isHexChatLine: "Mon DD HH:MM:SS prefix\t"
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
	return ok && n < len(rest) && rest[n] == ' ' && bytes.IndexByte(rest[n:], '\t') >= 0
}
