package meeting

import (
	"strconv"
	"time"
)

// strftime formats t as glibc's strftime does in the C locale, the time
// zone UTC and tm_isdst 0: what Fedora's MeetBot did with the path of a
// meeting's files, meeting name and channel included
// (time.strftime(filename, starttime) in Python 2.7), so that a meeting
// named "100%c" gets a date in its file name, as it did there.
//
// It covers glibc's conversions (%a %A %b %B %c %C %d %D %e %F %g %G %h %H
// %I %j %k %l %m %M %n %p %P %r %R %s %S %t %T %u %U %V %w %W %x %X %y %Y
// %z %Z %%), its flags (_ - 0 ^ #), field widths and the E and O
// modifiers (which change nothing in the C locale). An unknown conversion
// is copied as it is, padded to its width, as glibc does. Like Python 2.7's
// time.strftime, which gives glibc a buffer of at most about 256 bytes for
// each byte of the format, it returns "" when the result would not fit in
// that (a field width of a million, say).
func strftime(format string, t time.Time) string {
	limit := 1024 // Python's buffer: 1024, doubled until >= 256*len(format)
	for limit < 256*len(format) {
		limit *= 2
	}
	if out := strftimeUpTo(format, t, limit); len(out) < limit {
		return out
	}
	return ""
}

// strftimeUpTo formats as strftime does, giving up (with a result of limit
// bytes or more) when the result grows beyond limit.
func strftimeUpTo(format string, t time.Time, limit int) string {
	t = t.UTC()
	out := make([]byte, 0, len(format)+16)
	for i := 0; i < len(format); i++ {
		if len(out) >= limit {
			return string(out)
		}
		if format[i] != '%' {
			out = append(out, format[i])
			continue
		}
		start := i
		var pad byte
		upper, swap := false, false
	flags:
		for i+1 < len(format) {
			switch format[i+1] {
			case '_', '-', '0':
				pad = format[i+1]
			case '^':
				upper = true
			case '#':
				swap = true
			default:
				break flags
			}
			i++
		}
		width := -1
		for i+1 < len(format) && isDigit(format[i+1]) {
			if width < 0 {
				width = 0
			}
			if width <= limit {
				width = width*10 + int(format[i+1]-'0')
			}
			i++
		}
		var modifier byte
		if i+1 < len(format) && (format[i+1] == 'E' || format[i+1] == 'O') {
			modifier = format[i+1]
			i++
		}
		if i+1 >= len(format) {
			// "%" (with flags) at the end of the format: copied.
			if upper {
				out = strfPad(out, asciiCase(format[start:], true), width, pad)
			} else {
				out = strfPad(out, format[start:], width, pad)
			}
			break
		}
		i++
		c := format[i]
		bad := func() {
			f := format[start : i+1]
			if upper {
				f = asciiCase(f, true)
			}
			out = strfPad(out, f, width, pad)
		}
		text := func(s string, lower bool) {
			switch {
			case lower:
				s = asciiCase(s, false)
			case upper:
				s = asciiCase(s, true)
			}
			out = strfPad(out, s, width, pad)
		}
		num := func(digits, v int, spacePad bool) {
			if spacePad && pad != '0' && pad != '-' {
				pad = '_'
			}
			out = strfNumber(out, strconv.Itoa(v), digits, width, pad)
		}
		sub := func(f string) { text(strftimeUpTo(f, t, limit), false) }
		y, yd, wd := t.Year(), t.YearDay()-1, int(t.Weekday())
		h12 := t.Hour() % 12
		if h12 == 0 {
			h12 = 12
		}
		switch c {
		case '%':
			out = strfPad(out, "%", width, pad)
		case 'a', 'A':
			if modifier != 0 {
				bad()
				break
			}
			if swap {
				upper = true
			}
			name := t.Weekday().String()
			if c == 'a' {
				name = name[:3]
			}
			text(name, false)
		case 'b', 'h', 'B':
			if swap && c != 'B' {
				upper = true
			}
			if modifier == 'E' {
				bad()
				break
			}
			if swap {
				upper = true
			}
			name := t.Month().String()
			if c != 'B' {
				name = name[:3]
			}
			text(name, false)
		case 'c':
			if modifier == 'O' {
				bad()
				break
			}
			sub("%a %b %e %H:%M:%S %Y")
		case 'C':
			num(1, floorDiv(y, 100), false)
		case 'x', 'D':
			if (c == 'x' && modifier == 'O') || (c == 'D' && modifier != 0) {
				bad()
				break
			}
			sub("%m/%d/%y")
		case 'd', 'e':
			if modifier == 'E' {
				bad()
				break
			}
			num(2, t.Day(), c == 'e')
		case 'F':
			if modifier != 0 {
				bad()
				break
			}
			sub("%Y-%m-%d")
		case 'H', 'k':
			if modifier == 'E' {
				bad()
				break
			}
			num(2, t.Hour(), c == 'k')
		case 'I', 'l':
			if modifier == 'E' {
				bad()
				break
			}
			num(2, h12, c == 'l')
		case 'j':
			if modifier == 'E' {
				bad()
				break
			}
			num(3, yd+1, false)
		case 'M':
			if modifier == 'E' {
				bad()
				break
			}
			num(2, t.Minute(), false)
		case 'm':
			if modifier == 'E' {
				bad()
				break
			}
			num(2, int(t.Month()), false)
		case 'n':
			out = strfPad(out, "\n", width, pad)
		case 't':
			out = strfPad(out, "\t", width, pad)
		case 'p', 'P':
			ampm := "AM"
			if t.Hour() > 11 {
				ampm = "PM"
			}
			text(ampm, c == 'P' || swap)
		case 'R':
			sub("%H:%M")
		case 'r':
			sub("%I:%M:%S %p")
		case 'S':
			if modifier == 'E' {
				bad()
				break
			}
			num(2, t.Second(), false)
		case 's':
			// digits is 1, not the width: the width pads with spaces
			// unless the 0 flag is given.
			out = strfPad(out, strconv.FormatInt(t.Unix(), 10), width, pad)
		case 'X', 'T':
			if c == 'X' && modifier == 'O' {
				bad()
				break
			}
			sub("%H:%M:%S")
		case 'u':
			num(1, (wd+6)%7+1, false)
		case 'U':
			if modifier == 'E' {
				bad()
				break
			}
			num(2, (yd-wd+7)/7, false)
		case 'V', 'g', 'G':
			if modifier == 'E' {
				bad()
				break
			}
			iy, iw := t.ISOWeek()
			switch c {
			case 'g':
				num(2, (iy%100+100)%100, false)
			case 'G':
				num(1, iy, false)
			default:
				num(2, iw, false)
			}
		case 'W':
			if modifier == 'E' {
				bad()
				break
			}
			num(2, (yd-(wd+6)%7+7)/7, false)
		case 'w':
			if modifier == 'E' {
				bad()
				break
			}
			num(1, wd, false)
		case 'Y':
			if modifier == 'O' {
				bad()
				break
			}
			num(1, y, false)
		case 'y':
			num(2, (y%100+100)%100, false)
		case 'Z':
			text("UTC", swap)
		case 'z':
			out = strfPad(out, "+", width, pad)
			out = strfNumber(out, "0", 4, width, pad)
		default:
			bad()
		}
	}
	return string(out)
}

// strfPad appends s padded on the left to width, with zeros for the 0
// flag and spaces otherwise (glibc's add()).
func strfPad(out []byte, s string, width int, pad byte) []byte {
	for n := width - len(s); n > 0; n-- {
		if pad == '0' {
			out = append(out, '0')
		} else {
			out = append(out, ' ')
		}
	}
	return append(out, s...)
}

// strfNumber appends a decimal number as glibc's do_number does: padded
// to digits (or the width when larger) with zeros, with spaces for the _
// flag, not at all for the - flag, and then to the width.
func strfNumber(out []byte, n string, digits, width int, pad byte) []byte {
	if width > digits {
		digits = width
	}
	neg := n[0] == '-'
	if neg {
		n = n[1:]
	}
	if pad == '-' {
		if neg {
			n = "-" + n
		}
		return strfPad(out, n, width, pad)
	}
	padding := digits - len(n)
	if neg {
		padding--
	}
	if padding > 0 {
		if pad == '_' {
			for range padding {
				out = append(out, ' ')
			}
			width -= padding
			if neg {
				n = "-" + n
			}
			return strfPad(out, n, width, pad)
		}
		if neg {
			out = append(out, '-')
		}
		for range padding {
			out = append(out, '0')
		}
		return append(out, n...)
	}
	if neg {
		n = "-" + n
	}
	return strfPad(out, n, width, pad)
}

func floorDiv(a, b int) int {
	q := a / b
	if a%b < 0 {
		q--
	}
	return q
}

func asciiCase(s string, upper bool) string {
	b := []byte(s)
	for i, c := range b {
		if upper && c >= 'a' && c <= 'z' {
			b[i] = c - 32
		} else if !upper && c >= 'A' && c <= 'Z' {
			b[i] = c + 32
		}
	}
	return string(b)
}
