package agenda

import (
	"strings"
	"unicode/utf8"

	"gavel/meeting"
)

// Clean makes text fit to be said in a channel and drawn in a terminal:
// one line of plain text. Terminal escape sequences (CSI, OSC and the
// two-byte ones) are removed whole, IRC formatting codes go through the
// engine's scanner (meeting.StripFormatting, which also turns invalid
// UTF-8 into U+FFFD), line breaks and other white space become single
// spaces, and every remaining control character (C0, DEL, C1) and
// bidirectional override is dropped. The result is trimmed.
func Clean(s string) string {
	if isClean(s) {
		return s
	}
	s = meeting.StripFormatting(stripEscapes(s))
	var b strings.Builder
	b.Grow(len(s))
	space := false // a space is pending
	for _, r := range s {
		switch {
		case r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\v' || r == '\f' ||
			r == '\u0085' || r == '\u00a0' || r == '\u2028' || r == '\u2029' || r == '\u3000':
			space = b.Len() > 0
			continue
		case r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0:
			continue
		case r >= '\u202a' && r <= '\u202e' || r >= '\u2066' && r <= '\u2069' || r == '\u200e' || r == '\u200f' || r == '\u061c':
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// isClean is Clean's fast path: printable ASCII with single inner spaces.
func isClean(s string) bool {
	if s == "" {
		return true
	}
	if s[0] == ' ' || s[len(s)-1] == ' ' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < ' ' || c >= 0x7f || c == ' ' && s[i+1] == ' ' {
			return false
		}
	}
	return true
}

// stripEscapes removes ANSI/VT escape sequences: ESC [ ... final byte,
// ESC ] ... (BEL or ESC \), and ESC followed by one byte. A lone ESC at the
// end is dropped. The C1 forms (U+009B and friends) are left to Clean,
// which drops the introducer; their parameters stay as harmless text.
func stripEscapes(s string) string {
	i := strings.IndexByte(s, 0x1b)
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i >= 0 {
		b.WriteString(s[:i])
		s = s[i+1:]
		switch {
		case s == "":
		case s[0] == '[': // CSI: parameters and intermediates, then a final byte 0x40-0x7e
			j := 1
			for j < len(s) && s[j] >= 0x20 && s[j] <= 0x3f {
				j++
			}
			if j < len(s) && s[j] >= 0x40 && s[j] <= 0x7e {
				j++
			}
			s = s[j:]
		case s[0] == ']' || s[0] == 'P' || s[0] == '_' || s[0] == '^': // OSC, DCS, APC, PM: up to BEL or ST
			j := 1
			for j < len(s) && s[j] != 0x07 && !(s[j] == 0x1b && j+1 < len(s) && s[j+1] == '\\') {
				j++
			}
			switch {
			case j >= len(s):
				s = ""
			case s[j] == 0x07:
				s = s[j+1:]
			default:
				s = s[j+2:]
			}
		default:
			_, n := utf8.DecodeRuneInString(s)
			s = s[n:]
		}
		i = strings.IndexByte(s, 0x1b)
	}
	b.WriteString(s)
	return b.String()
}

// Cut shortens s to at most max bytes, cutting on a rune boundary and
// ending in "…" when something was cut.
func Cut(s string, max int) string {
	if len(s) <= max {
		return s
	}
	const ell = "…"
	n := max - len(ell)
	if n < 0 {
		n = 0
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return strings.TrimRight(s[:n], " ") + ell
}
