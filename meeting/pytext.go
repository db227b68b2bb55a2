package meeting

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// This file emulates the text handling of Fedora's MeetBot on CPython 2.7
// (a wide, UCS-4 build with Unicode 5.2 tables), for zodbot style: how it
// decodes the bytes of a line, and what its unicode strip(), split() and
// lower() do.

// PyDecodeUTF8 returns the bytes CPython 2.7 writes for
// s.decode('utf-8', 'replace').encode('utf-8'):
//
//   - every invalid sequence becomes one U+FFFD, delimited as CPython 2.7
//     delimits it: a lead byte followed by some but not all of its
//     continuation bytes is one error, so "\xe2\x82!" gives "\ufffd!"
//     (Go's decoder gives two U+FFFD there), a sequence cut short by the end
//     of the text is one error, and bytes that cannot start a sequence
//     (0x80–0xc1, 0xf5–0xff) are an error each;
//   - encoded surrogates (U+D800–U+DFFF), which Python 2 accepts, are kept
//     as they are, except that a high surrogate followed by a low one is
//     written as the one 4-byte sequence of the pair.
//
// Valid UTF-8 is returned as it is, without allocating.
func PyDecodeUTF8(s string) string {
	i := 0
	// Eight bytes at a time while they are ASCII.
	for ; i+8 <= len(s) && ascii8(s, i); i += 8 {
	}
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			break
		}
		i += size
	}
	if i == len(s) {
		return s
	}
	b := make([]byte, 0, len(s)+8)
	b = append(b, s[:i]...)
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			b = append(b, c)
			i++
			continue
		}
		n := pyUTF8Length(c)
		if n == 0 {
			b = append(b, "\uFFFD"...)
			i++
			continue
		}
		if i+n > len(s) {
			// Cut short by the end: the lead byte and the continuation
			// bytes that follow it are one error.
			b = append(b, "\uFFFD"...)
			i++
			for i < len(s) && isCont(s[i]) {
				i++
			}
			continue
		}
		if bad := pyBadPrefix(s[i:i+n], n); bad > 0 {
			b = append(b, "\uFFFD"...)
			i += bad
			continue
		}
		if n == 3 && c == 0xED && s[i+1] >= 0xA0 && s[i+1] <= 0xAF &&
			i+6 <= len(s) && s[i+3] == 0xED && s[i+4] >= 0xB0 && s[i+4] <= 0xBF && isCont(s[i+5]) {
			// A surrogate pair: CPython's UCS-4 encoder joins it.
			hi := rune(s[i+1]&0x0F)<<6 | rune(s[i+2]&0x3F)
			lo := rune(s[i+4]&0x0F)<<6 | rune(s[i+5]&0x3F)
			b = utf8.AppendRune(b, 0x10000+hi<<10+lo)
			i += 6
			continue
		}
		b = append(b, s[i:i+n]...)
		i += n
	}
	return string(b)
}

func isCont(c byte) bool { return c&0xC0 == 0x80 }

// pyUTF8Length is CPython 2.7's utf8_code_length table.
func pyUTF8Length(c byte) int {
	switch {
	case c < 0x80:
		return 1
	case c < 0xC2:
		return 0
	case c < 0xE0:
		return 2
	case c < 0xF0:
		return 3
	case c < 0xF5:
		return 4
	}
	return 0
}

// pyBadPrefix checks a complete n-byte sequence as CPython 2.7 does and
// returns how many of its bytes one U+FFFD replaces, or 0 when it is valid
// (surrogates included).
func pyBadPrefix(s string, n int) int {
	switch n {
	case 2:
		if !isCont(s[1]) {
			return 1
		}
	case 3:
		if !isCont(s[1]) || !isCont(s[2]) || (s[0] == 0xE0 && s[1] < 0xA0) {
			if isCont(s[1]) {
				return 2
			}
			return 1
		}
	case 4:
		if !isCont(s[1]) || !isCont(s[2]) || !isCont(s[3]) ||
			(s[0] == 0xF0 && s[1] < 0x90) || (s[0] == 0xF4 && s[1] > 0x8F) {
			bad := 1
			if isCont(s[1]) {
				bad++
				if isCont(s[2]) {
					bad++
				}
			}
			return bad
		}
	}
	return 0
}

// DecodePyRune is utf8.DecodeRuneInString for text made by PyDecodeUTF8:
// an encoded surrogate is one code point, as it is in a CPython 2.7
// unicode string.
func DecodePyRune(s string) (rune, int) {
	if len(s) >= 3 && s[0] == 0xED && s[1] >= 0xA0 && s[1] <= 0xBF && isCont(s[2]) {
		return 0xD000 | rune(s[1]&0x3F)<<6 | rune(s[2]&0x3F), 3
	}
	return utf8.DecodeRuneInString(s)
}

// PyLen is len() of the CPython 2.7 unicode string s holds.
func PyLen(s string) int {
	n := 0
	for i := 0; i < len(s); {
		if s[i] < utf8.RuneSelf {
			i++
		} else {
			_, size := DecodePyRune(s[i:])
			i += size
		}
		n++
	}
	return n
}

// PyIsSpace is CPython 2.7's unicode isspace(): ASCII white space, the
// information separators 0x1c–0x1f, and the Unicode 5.2 white space
// (U+180E included, which later versions dropped).
func PyIsSpace(r rune) bool {
	switch {
	case r >= 0x09 && r <= 0x0D, r >= 0x1C && r <= 0x20:
		return true
	case r < 0x85:
		return false
	case r == 0x85, r == 0xA0, r == 0x1680, r == 0x180E, r >= 0x2000 && r <= 0x200A,
		r == 0x2028, r == 0x2029, r == 0x202F, r == 0x205F, r == 0x3000:
		return true
	}
	return false
}

// pyStrip is unicode.strip() without arguments.
func pyStrip(s string) string {
	if s == "" || isNotPySpaceASCII(s[0]) && isNotPySpaceASCII(s[len(s)-1]) {
		return s
	}
	return strings.TrimFunc(s, PyIsSpace)
}

// isNotPySpaceASCII reports an ASCII byte that is not white space.
func isNotPySpaceASCII(c byte) bool { return c > ' ' && c < utf8.RuneSelf }

// pyFields is unicode.split() without arguments.
func pyFields(s string) []string { return strings.FieldsFunc(s, PyIsSpace) }

// pyNotLowered are the upper-case letters Go's tables lower that
// CPython 2.7's Unicode 5.2 tables do not (letters added later).
var pyNotLowered = []struct{ lo, hi rune }{
	{0x37f, 0x37f}, {0x526, 0x526}, {0x528, 0x528}, {0x52a, 0x52a}, {0x52c, 0x52c}, {0x52e, 0x52e},
	{0x10c7, 0x10c7}, {0x10cd, 0x10cd}, {0x13a0, 0x13f5}, {0x1c90, 0x1cba}, {0x1cbd, 0x1cbf},
	{0x2c2f, 0x2c2f}, {0x2cf2, 0x2cf2}, {0xa660, 0xa660}, {0xa698, 0xa698}, {0xa69a, 0xa69a},
	{0xa78d, 0xa78d}, {0xa790, 0xa790}, {0xa792, 0xa792}, {0xa796, 0xa7ae}, {0xa7b0, 0xa7f5},
	{0x104b0, 0x104d3}, {0x10570, 0x10595}, {0x10c80, 0x10cb2}, {0x118a0, 0x118bf},
	{0x16e40, 0x16e5f}, {0x1e900, 0x1e921},
}

// pyLowerRune is CPython 2.7's simple lower-case mapping of one code point.
func pyLowerRune(r rune) rune {
	if r < utf8.RuneSelf {
		if r >= 'A' && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}
	for _, n := range pyNotLowered {
		if r >= n.lo && r <= n.hi {
			return r
		}
	}
	return unicode.ToLower(r)
}

// PyLower is unicode.lower() in CPython 2.7: one code point for one,
// surrogates and invalid bytes kept as they are.
func PyLower(s string) string {
	i := 0
	for i < len(s) && s[i] < utf8.RuneSelf && (s[i] < 'A' || s[i] > 'Z') {
		i++
	}
	if i == len(s) {
		return s
	}
	b := make([]byte, 0, len(s))
	b = append(b, s[:i]...)
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			b = append(b, byte(pyLowerRune(rune(c))))
			i++
			continue
		}
		r, size := DecodePyRune(s[i:])
		if r == utf8.RuneError || (r >= 0xD800 && r <= 0xDFFF) {
			b = append(b, s[i:i+size]...)
		} else {
			b = utf8.AppendRune(b, pyLowerRune(r))
		}
		i += size
	}
	return string(b)
}
