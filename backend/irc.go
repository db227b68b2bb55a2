package backend

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// IRCLineMax is the IRC protocol's line limit, CR LF included.
const IRCLineMax = 512

// DefaultLineBytes is the text budget of one reply line when the caller
// does not compute one with LineBudget: room for a long hostmask and
// channel name inside 512 bytes.
const DefaultLineBytes = 400

// LineBudget is how many bytes of text fit in a PRIVMSG to target sent by
// a client whose full source is source ("nick!user@host"): the 512-byte
// limit minus ":source PRIVMSG target :" and CR LF.
func LineBudget(source, target string) int {
	return IRCLineMax - len(":"+source+" PRIVMSG "+target+" :") - 2
}

// Clean makes data safe to say in a channel or draw in a terminal: IRC
// formatting codes (bold, colour with its digits, reverse, italics, ...),
// every other control character, and Unicode line separators are removed
// or turned into spaces; invalid UTF-8 becomes U+FFFD.
func Clean(s string) string {
	if isClean(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		switch {
		case r == 0x03: // colour: \x03[fg[,bg]]
			i = skipColour(s, i, 2)
		case r == 0x04: // hex colour: \x04[rrggbb[,rrggbb]]
			i = skipHexColour(s, i)
		case r == '\n', r == '\r', r == '\t', r == '\u2028', r == '\u2029', r == '\u0085':
			b.WriteByte(' ')
		case r < 0x20, r == 0x7f, r >= 0x80 && r < 0xa0:
		case r == utf8.RuneError && n == 1:
			b.WriteRune(utf8.RuneError)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func isClean(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c == 0x7f || c >= 0x80 {
			return false
		}
	}
	return true
}

func skipColour(s string, i, digits int) int {
	j := i
	for k := 0; k < digits && j < len(s) && s[j] >= '0' && s[j] <= '9'; k++ {
		j++
	}
	if j > i && j+1 < len(s) && s[j] == ',' && s[j+1] >= '0' && s[j+1] <= '9' {
		j++
		for k := 0; k < digits && j < len(s) && s[j] >= '0' && s[j] <= '9'; k++ {
			j++
		}
	}
	return j
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func skipHexColour(s string, i int) int {
	hex6 := func(j int) bool {
		if j+6 > len(s) {
			return false
		}
		for k := j; k < j+6; k++ {
			if !isHex(s[k]) {
				return false
			}
		}
		return true
	}
	if !hex6(i) {
		return i
	}
	i += 6
	if i < len(s) && s[i] == ',' && hex6(i+1) {
		i += 7
	}
	return i
}

// cut shortens s to at most max bytes on a rune boundary, ending in "…".
func cut(s string, max int) string {
	if len(s) <= max {
		return s
	}
	const ell = "…"
	if max < len(ell) {
		return ""
	}
	n := max - len(ell)
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + ell
}

// fitList joins prefix and items with sep into one line of at most max
// bytes; items that do not fit are replaced by "… and N more".
func fitList(prefix string, items []string, sep string, max int) string {
	total := len(prefix)
	for i, it := range items {
		if i > 0 {
			total += len(sep)
		}
		total += len(it)
	}
	if total <= max {
		return prefix + strings.Join(items, sep)
	}
	tail := strings.TrimRight(sep, " ")
	best := -1
	n := len(prefix)
	for keep := 0; keep < len(items); keep++ {
		if keep > 0 {
			if keep > 1 {
				n += len(sep)
			}
			n += len(items[keep-1])
		}
		more := " … and " + strconv.Itoa(len(items)-keep) + " more"
		if keep > 0 {
			more = tail + more
		}
		if n+len(more) > max {
			break
		}
		best = keep
	}
	if best < 0 {
		return cut(prefix, max)
	}
	more := " … and " + strconv.Itoa(len(items)-best) + " more"
	if best == 0 {
		return strings.TrimRight(prefix, " ") + more
	}
	return prefix + strings.Join(items[:best], sep) + tail + more
}
