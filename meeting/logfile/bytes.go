package logfile

import (
	"bytes"
	"time"
)

// Byte helpers for the parsers. They never index out of range.

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isSpace(c byte) bool {
	// One test of a bit for the six: ' ', \t, \n, \v, \f and \r.
	const spaces uint64 = 1<<' ' | 1<<'\t' | 1<<'\n' | 1<<'\v' | 1<<'\f' | 1<<'\r'
	return c <= ' ' && spaces>>c&1 != 0
}

// isTextTrim reports the bytes trimmed around a text: the ASCII white space
// Python's str.strip() removes, as MeetBot's replay does. (\x01, which
// MeetBot strips when it logs a line, is the engine's to strip: in zodbot
// style it follows MeetBot's order of doing things.)
func isTextTrim(c byte) bool { return isSpace(c) }

func isBlank(b []byte) bool {
	for _, c := range b {
		if !isSpace(c) {
			return false
		}
	}
	return true
}

func trimSpace(b []byte) []byte {
	i, j := 0, len(b)
	for i < j && isSpace(b[i]) {
		i++
	}
	for j > i && isSpace(b[j-1]) {
		j--
	}
	return b[i:j]
}

func trimLeftSpace(b []byte) []byte {
	i := 0
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	return b[i:]
}

func trimText(b []byte) []byte {
	i, j := 0, len(b)
	for i < j && isTextTrim(b[i]) {
		i++
	}
	for j > i && isTextTrim(b[j-1]) {
		j--
	}
	return b[i:j]
}

func trimString(s string) string {
	i, j := 0, len(s)
	for i < j && isTextTrim(s[i]) {
		i++
	}
	for j > i && isTextTrim(s[j-1]) {
		j--
	}
	return s[i:j]
}

func hasPrefix(b []byte, p string) bool {
	return len(b) >= len(p) && string(b[:len(p)]) == p
}

func hasSuffix(b []byte, p string) bool {
	return len(b) >= len(p) && string(b[len(b)-len(p):]) == p
}

// cutWord splits b at the first space: the word before it and the rest
// after it (with further spaces removed).
func cutWord(b []byte) (word, rest []byte) {
	i := bytes.IndexByte(b, ' ')
	if i < 0 {
		return b, nil
	}
	return b[:i], trimLeftSpace(b[i+1:])
}

// index is bytes.Index with a string pattern, without allocating.
func index(b []byte, p string) int {
	// The conversion of a constant string to []byte for a read-only call
	// does not escape and is not allocated by the compiler.
	return bytes.Index(b, []byte(p))
}

func lastIndex(b []byte, p string) int { return bytes.LastIndex(b, []byte(p)) }

// stripNickMode removes channel-mode prefixes (op, voice...) before a nick.
func stripNickMode(b []byte) []byte {
	for len(b) > 1 {
		switch b[0] {
		case '@', '+', '%', '&', '~', '!':
			b = b[1:]
			continue
		}
		break
	}
	return b
}

// unwrap removes one pair of open/close bytes around b (after trimming),
// e.g. "(reason)" or "[reason]".
func unwrap(b []byte, open, close byte) []byte {
	b = trimSpace(b)
	if len(b) >= 2 && b[0] == open && b[len(b)-1] == close {
		return b[1 : len(b)-1]
	}
	return b
}

// parseClock parses H:MM or H:MM:SS (one or two digits each) at the start
// of b and returns the seconds since midnight and the bytes used.
func parseClock(b []byte) (sec, n int, ok bool) {
	if len(b) >= 8 && b[2] == ':' && b[5] == ':' && (len(b) == 8 || !isDigit(b[8])) {
		// HH:MM:SS, as nearly every line has it.
		h1, h2, m1, m2, s1, s2 := b[0]-'0', b[1]-'0', b[3]-'0', b[4]-'0', b[6]-'0', b[7]-'0'
		if h1 <= 9 && h2 <= 9 && m1 <= 9 && m2 <= 9 && s1 <= 9 && s2 <= 9 {
			h, m, s := int(h1)*10+int(h2), int(m1)*10+int(m2), int(s1)*10+int(s2)
			if h > 23 || m > 59 || s > 61 {
				return 0, 0, false
			}
			return h*3600 + m*60 + s, 8, true
		}
	}
	var f [3]int
	parts := 0
	i := 0
	for parts < 3 {
		j := i
		v := 0
		for j < len(b) && j-i < 2 && isDigit(b[j]) {
			v = v*10 + int(b[j]-'0')
			j++
		}
		if j == i {
			break
		}
		f[parts] = v
		parts++
		i = j
		if parts < 3 && i+1 < len(b) && b[i] == ':' && isDigit(b[i+1]) {
			i++
			continue
		}
		break
	}
	if parts < 2 || f[0] > 23 || f[1] > 59 || f[2] > 61 {
		return 0, 0, false
	}
	return f[0]*3600 + f[1]*60 + f[2], i, true
}

// parseClockExact parses b, which must be all clock.
func parseClockExact(b []byte) (int, bool) {
	sec, n, ok := parseClock(b)
	if !ok || n != len(b) {
		return 0, false
	}
	return sec, true
}

var months = [...]string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}

// parseMonth parses an English month abbreviation (any case).
func parseMonth(b []byte) (time.Month, bool) {
	if len(b) != 3 {
		return 0, false
	}
	var l [3]byte
	for i := range 3 {
		c := b[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		l[i] = c
	}
	for i, m := range months {
		if string(l[:]) == m {
			return time.Month(i + 1), true
		}
	}
	return 0, false
}

// atoi parses 1 to maxDigits decimal digits.
func atoi(b []byte, maxDigits int) (int, bool) {
	if len(b) == 0 || len(b) > maxDigits {
		return 0, false
	}
	v := 0
	for _, c := range b {
		if !isDigit(c) {
			return 0, false
		}
		v = v*10 + int(c-'0')
	}
	return v, true
}

// parseCtimeDate parses the date of "Thu Apr 30 18:00:03 2015" (ctime, as in
// irssi's "Log opened" and HexChat's "BEGIN LOGGING AT") or, when the clock
// is missing, "Fri May 01 2015" (irssi's "Day changed").
func parseCtimeDate(b []byte) (y int, m time.Month, d int, ok bool) {
	f := bytes.Fields(b)
	if len(f) != 4 && len(f) != 5 {
		return 0, 0, 0, false
	}
	m, ok = parseMonth(f[1])
	if !ok {
		return 0, 0, 0, false
	}
	d, ok = atoi(f[2], 2)
	if !ok || d < 1 || d > 31 {
		return 0, 0, 0, false
	}
	y, ok = atoi(f[len(f)-1], 4)
	if !ok || y < 1970 { // no chat log is dated before 1970
		return 0, 0, 0, false
	}
	return y, m, d, true
}
