package ircclient

import (
	"strings"
	"unicode/utf8"
)

// MaxLineLen is the IRC line limit in bytes, excluding tags, including CRLF.
const MaxLineLen = 512

// safeHostmaskLen is the prefix length assumed when our hostmask is unknown:
// nick (given) + "!" + user (≤ 11 with a leading ~) + "@" + host (≤ 63).
const safeUserHostLen = 1 + 11 + 1 + 63

// textBudget is how many bytes of message text fit in one line
// ":<prefix> <command> <target> :<text>\r\n" sent by a server that adds a
// prefix of prefixLen bytes (without ':' and the space).
func textBudget(prefixLen int, command, target string) int {
	return MaxLineLen - 2 - (1 + prefixLen + 1) - (len(command) + 1 + len(target) + 2)
}

// SplitText cuts text into pieces of at most budget bytes each, to be sent as
// separate lines. Line breaks start a new piece; CR and NUL bytes are
// removed (byte by byte: invalid UTF-8 is kept as it is). Long lines are cut
// at the last space that leaves the piece at least half full, and the
// spaces there are dropped; otherwise they are cut at a UTF-8 boundary. Trailing
// spaces and tabs are removed from every piece and pieces left empty are
// skipped: servers such as ngircd remove them, and the local echo of a
// line must be exactly what the channel saw. budget below 4 is raised to 4
// so that any rune fits.
func SplitText(text string, budget int) []string {
	if budget < utf8.UTFMax {
		budget = utf8.UTFMax
	}
	var out []string
	emit := func(p string) {
		if p = strings.TrimRight(p, " \t"); p != "" {
			out = append(out, p)
		}
	}
	for line := range strings.SplitSeq(text, "\n") {
		if strings.ContainsAny(line, "\r\x00") {
			line = strings.NewReplacer("\r", "", "\x00", "").Replace(line)
		}
		for len(line) > budget {
			cut := runeCut(line, budget)
			if sp := strings.LastIndexByte(line[:cut+1], ' '); sp >= budget/2 {
				emit(line[:sp])
				line = strings.TrimLeft(line[sp:], " ") // the spaces at a cut are dropped
				continue
			}
			emit(line[:cut])
			line = line[cut:]
		}
		emit(line)
	}
	return out
}

// runeCut returns the largest n <= max such that s[:n] does not end inside a
// UTF-8 sequence; n > 0 whenever max >= utf8.UTFMax.
func runeCut(s string, max int) int {
	if max >= len(s) {
		return len(s)
	}
	n := max
	// back up over continuation bytes, at most UTFMax-1 of them
	for i := 0; i < utf8.UTFMax-1 && n > 0 && !utf8.RuneStart(s[n]); i++ {
		n--
	}
	if n == 0 || !utf8.RuneStart(s[n]) {
		return max // invalid UTF-8: cut anywhere
	}
	return n
}

// joinLines batches channels into "JOIN a,b,c" lines of at most MaxLineLen
// bytes (with CRLF) and at most perLine targets (0 = no limit).
func joinLines(channels []string, perLine int) []string {
	var out []string
	var b strings.Builder
	n := 0
	flush := func() {
		if n > 0 {
			out = append(out, b.String())
			b.Reset()
			n = 0
		}
	}
	for _, ch := range channels {
		if n > 0 && (b.Len()+1+len(ch)+2 > MaxLineLen || (perLine > 0 && n >= perLine)) {
			flush()
		}
		if n == 0 {
			b.WriteString("JOIN ")
		} else {
			b.WriteByte(',')
		}
		b.WriteString(ch)
		n++
	}
	flush()
	return out
}
