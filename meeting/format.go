package meeting

import (
	"encoding/binary"
	"unicode/utf8"
	"unsafe"
)

// This file is gavel's one scanner of IRC formatting codes. The minutes
// strip them with it (StripFormatting) and the console renders them with it
// (tui/chanlog), so both agree on what a code is and how far it reaches.
//
// The codes, as https://modern.ircdocs.horse/formatting describes them:
// \x02 bold, \x1d italic, \x1f underline, \x1e strike-through, \x11
// monospace, \x16 reverse, \x0f reset; \x03 colour followed by up to two
// digits of foreground and optionally a comma and up to two digits of
// background (\x03 alone resets the colours); \x04 hex colour followed by
// six hex digits of foreground and optionally a comma and six of background
// (\x04 without six hex digits resets the colours).

// Formatting is the formatting in effect for a run of text.
type Formatting struct {
	Attrs Attrs
	// FG and BG are mIRC colour numbers 0–99, or NoColour. 99 is the
	// client's default colour, as in mIRC.
	FG, BG int16
	// FGHex and BGHex are RGB colours from \x04, 0xRRGGBB, used when FG or
	// BG is HexColour.
	FGHex, BGHex uint32
}

// Attrs are the on/off attributes of Formatting.
type Attrs uint8

// The attributes.
const (
	Bold Attrs = 1 << iota
	Italic
	Underline
	Strike
	Monospace
	Reverse
)

// Colour values of Formatting.FG and Formatting.BG besides 0–99.
const (
	NoColour  int16 = -1
	HexColour int16 = -2
)

// Plain is no formatting at all.
var Plain = Formatting{FG: NoColour, BG: NoColour}

// IsPlain reports whether f changes nothing.
func (f Formatting) IsPlain() bool { return f == Plain }

// FormatScanner walks IRC text as runs of text, each with the formatting
// in effect. The zero value is not ready: use NewFormatScanner.
type FormatScanner struct {
	s   string
	i   int
	cur Formatting
}

// NewFormatScanner returns a scanner over s.
func NewFormatScanner(s string) FormatScanner {
	return FormatScanner{s: s, cur: Plain}
}

// Next returns the next run of text (never empty; it may hold invalid
// UTF-8 and control characters other than formatting codes) and the
// formatting in effect for it. ok is false at the end.
func (sc *FormatScanner) Next() (text string, f Formatting, ok bool) {
	for sc.i < len(sc.s) {
		start := sc.i
		for sc.i < len(sc.s) && !isFormatCode(sc.s[sc.i]) {
			sc.i++
		}
		if sc.i > start {
			return sc.s[start:sc.i], sc.cur, true
		}
		sc.code()
	}
	return "", sc.cur, false
}

// End is the byte offset in the scanned text just past the run Next
// returned last (the run starts at End()-len(run)).
func (sc *FormatScanner) End() int { return sc.i }

// code applies the formatting code at sc.i and moves past it.
func (sc *FormatScanner) code() {
	s, c := sc.s, sc.s[sc.i]
	sc.i++
	switch c {
	case 0x02:
		sc.cur.Attrs ^= Bold
	case 0x1d:
		sc.cur.Attrs ^= Italic
	case 0x1f:
		sc.cur.Attrs ^= Underline
	case 0x1e:
		sc.cur.Attrs ^= Strike
	case 0x11:
		sc.cur.Attrs ^= Monospace
	case 0x16:
		sc.cur.Attrs ^= Reverse
	case 0x0f:
		sc.cur = Plain
	case 0x03:
		fg, n := colourDigits(s, sc.i)
		if n == 0 {
			sc.cur.FG, sc.cur.BG = NoColour, NoColour
			return
		}
		sc.i += n
		sc.cur.FG = fg
		if sc.i+1 < len(s) && s[sc.i] == ',' {
			if bg, m := colourDigits(s, sc.i+1); m > 0 {
				sc.i += 1 + m
				sc.cur.BG = bg
			}
		}
	case 0x04:
		fg, ok := hexColour(s, sc.i)
		if !ok {
			sc.cur.FG, sc.cur.BG = NoColour, NoColour
			return
		}
		sc.i += 6
		sc.cur.FG, sc.cur.FGHex = HexColour, fg
		if sc.i < len(s) && s[sc.i] == ',' {
			if bg, ok := hexColour(s, sc.i+1); ok {
				sc.i += 7
				sc.cur.BG, sc.cur.BGHex = HexColour, bg
			}
		}
	}
}

func isFormatCode(c byte) bool {
	switch c {
	case 0x02, 0x03, 0x04, 0x0f, 0x11, 0x16, 0x1d, 0x1e, 0x1f:
		return true
	}
	return false
}

// colourDigits reads up to two decimal digits at s[i:].
func colourDigits(s string, i int) (int16, int) {
	v, n := int16(0), 0
	for n < 2 && i+n < len(s) && isDigit(s[i+n]) {
		v = v*10 + int16(s[i+n]-'0')
		n++
	}
	return v, n
}

// hexColour reads exactly six hex digits at s[i:].
func hexColour(s string, i int) (uint32, bool) {
	if i+6 > len(s) {
		return 0, false
	}
	var v uint32
	for k := i; k < i+6; k++ {
		c := s[k]
		var d byte
		switch {
		case isDigit(c):
			d = c - '0'
		case c >= 'a' && c <= 'f':
			d = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			d = c - 'A' + 10
		default:
			return 0, false
		}
		v = v<<4 | uint32(d)
	}
	return v, true
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// HasFormatting reports whether s holds a formatting code.
func HasFormatting(s string) bool {
	for i := 0; i < len(s); i++ {
		if isFormatCode(s[i]) {
			return true
		}
	}
	return false
}

// StripFormatting removes IRC formatting codes from s and replaces invalid
// UTF-8 with U+FFFD, so that minutes hold plain text.
func StripFormatting(s string) string {
	if !HasFormatting(s) && utf8.ValidString(s) {
		return s
	}
	b := make([]byte, 0, len(s))
	sc := NewFormatScanner(s)
	for text, _, ok := sc.Next(); ok; text, _, ok = sc.Next() {
		b = appendValidUTF8(b, text)
	}
	return string(b)
}

// appendValidUTF8 appends s with every invalid byte replaced by U+FFFD.
func appendValidUTF8(b []byte, s string) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			b = append(b, c)
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = utf8.AppendRune(b, utf8.RuneError)
		} else {
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return b
}

// PlainText is s as the default style publishes it, in every file: IRC
// formatting codes removed, invalid UTF-8 replaced with U+FFFD, and no
// terminal control characters left, so that `cat` of a published file
// cannot retitle or clear a terminal. Control characters are shown as
// visible symbols: C0 controls (but tab) as their Unicode control pictures
// (U+2400–U+241F, so ESC is "␛"), DEL as "␡", and the C1 controls
// U+0080–U+009F as U+FFFD. Clean text is returned as it is, without
// allocating.
func PlainText(s string) string {
	i := 0
	// Eight bytes at a time while they are all printable ASCII, the last
	// eight too (overlapping the words before).
	for ; i+8 <= len(s); i += 8 {
		if !printable8(s, i) {
			break
		}
	}
	if i < len(s) && i+8 > len(s) && len(s) >= 8 && printable8(s, len(s)-8) {
		return s
	}
	for i < len(s) {
		c := s[i]
		if c >= 0x20 && c < 0x7f || c == '\t' {
			i++
			continue
		}
		if c < 0x80 {
			break
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || r >= 0x80 && r <= 0x9f {
			break
		}
		i += size
	}
	if i == len(s) {
		return s
	}
	b := make([]byte, 0, len(s)+8)
	b = append(b, s[:i]...)
	sc := NewFormatScanner(s[i:])
	for text, _, ok := sc.Next(); ok; text, _, ok = sc.Next() {
		b = appendPlain(b, text)
	}
	return string(b)
}

// printable8 reports whether the eight bytes of s from i on are all
// printable ASCII (0x20 to 0x7e).
func printable8(s string, i int) bool {
	w := binary.LittleEndian.Uint64(unsafe.Slice(unsafe.StringData(s[i:i+8]), 8)) // one load
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	below := (w - 0x20*ones) & ^w & highs       // a byte < 0x20
	above := (w + (0x80-0x7f)*ones | w) & highs // a byte >= 0x7f
	return below|above == 0
}

// ascii8 reports whether the eight bytes of s from i on are all ASCII.
func ascii8(s string, i int) bool {
	return binary.LittleEndian.Uint64(unsafe.Slice(unsafe.StringData(s[i:i+8]), 8))&0x8080808080808080 == 0
}

// appendPlain appends s (free of formatting codes) with invalid UTF-8 and
// control characters made visible, as PlainText describes.
func appendPlain(b []byte, s string) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\t' || c >= 0x20 && c < 0x7f:
			b = append(b, c)
			i++
			continue
		case c < 0x20:
			b = utf8.AppendRune(b, 0x2400+rune(c))
			i++
			continue
		case c == 0x7f:
			b = append(b, "\u2421"...)
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || r >= 0x80 && r <= 0x9f {
			b = append(b, "\uFFFD"...)
		} else {
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return b
}
