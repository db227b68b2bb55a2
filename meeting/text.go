package meeting

import (
	"strings"
	"unicode/utf8"
)

// StripFormatting removes IRC formatting codes (bold, colour, italics,
// underline, strike-through, monospace, reverse, reset) from s and replaces
// invalid UTF-8 with U+FFFD, so that minutes hold plain text.
func StripFormatting(s string) string {
	if !needsCleaning(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		c := s[i]
		switch c {
		case 0x02, 0x1d, 0x1f, 0x1e, 0x11, 0x16, 0x0f:
			i++
		case 0x03: // ^C[fg[,bg]] with 1-2 digit colour numbers
			i++
			i = skipDigits(s, i)
			if i+1 < len(s) && s[i] == ',' && isDigit(s[i+1]) {
				i = skipDigits(s, i+1)
			}
		case 0x04: // ^D[RRGGBB[,RRGGBB]] hex colour
			i++
			i = skipHex(s, i)
			if i+1 < len(s) && s[i] == ',' && isHex(s[i+1]) {
				i = skipHex(s, i+1)
			}
		default:
			if c < utf8.RuneSelf {
				b.WriteByte(c)
				i++
				continue
			}
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				b.WriteRune(utf8.RuneError)
			} else {
				b.WriteString(s[i : i+size])
			}
			i += size
		}
	}
	return b.String()
}

func needsCleaning(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 {
			switch c {
			case 0x02, 0x03, 0x04, 0x0f, 0x11, 0x16, 0x1d, 0x1e, 0x1f:
				return true
			}
		} else if c >= utf8.RuneSelf {
			return !utf8.ValidString(s[i:])
		}
	}
	return false
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isHex(c byte) bool {
	return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

func skipDigits(s string, i int) int {
	for n := 0; n < 2 && i < len(s) && isDigit(s[i]); n++ {
		i++
	}
	return i
}

func skipHex(s string, i int) int {
	for n := 0; n < 6 && i < len(s) && isHex(s[i]); n++ {
		i++
	}
	return i
}
