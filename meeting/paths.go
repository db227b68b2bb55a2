package meeting

import (
	"path"
	"strings"
	"time"
	"unicode/utf8"
)

// The archive layout zodbot used:
//
//	<channel without #>/<YYYY-MM-DD>/<meetingname>.<YYYY-MM-DD-HH.MM>.<ext>
//
// Every path here stays inside the archive root and every file name fits
// in a file system's 255 bytes, whatever the channel or meeting name.
//
// In the default style the channel directory and the meeting name are
// reduced to portable characters (ChannelDir, SafeName). In zodbot style
// they follow Fedora's MeetBot exactly: the channel without leading and
// trailing '#' and ' ', ASCII-lower-cased and without '/'; the meeting
// name without '/'; and the whole path through strftime, so that "%F" or
// "%c" in a name become dates as they did there. Only where MeetBot's
// path could not have been written, or would have left the archive, does
// zodbot style differ: a NUL byte becomes '_', an empty or ".." directory
// becomes "_" or "__", and names are cut (on a UTF-8 boundary) to fit.

// MaxBaseName is the longest base file name (<name>.<YYYY-MM-DD-HH.MM>,
// before the extension) the archive uses: the longest file it creates,
// the temporary ".<base>.log.html.tmp-<10 digits>" of an atomic write,
// then takes 255 bytes, the longest file name Linux file systems allow.
const MaxBaseName = 255 - len(".") - len(".log.html") - len(".tmp-") - 10

// maxComponent is the longest file or directory name.
const maxComponent = 255

// ChannelDir is the default style's archive directory of a channel:
// lower-case, without the leading '#', and reduced to characters safe in a
// path component. The journal names its files with it too.
func ChannelDir(channel string) string {
	c := strings.ToLower(strings.TrimLeft(channel, "#&"))
	return cutBytes(safeComponent(c, func(r rune) bool {
		return r == '-' || r == '_' || r == '.' || r == '+' || (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9')
	}), maxComponent)
}

// SafeName reduces a meeting name to [a-z0-9_-]: lower-case, whitespace runs
// and every other character become '_'.
func SafeName(s string) string {
	n := strings.Join(strings.Fields(strings.ToLower(s)), "_")
	return safeComponent(n, func(r rune) bool {
		return r == '-' || r == '_' || (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9')
	})
}

// safeComponent maps characters not kept to '_' and never returns "", "."
// or "..".
func safeComponent(s string, keep func(rune) bool) string {
	s = strings.Map(func(r rune) rune {
		if keep(r) && r != '/' && r != 0 {
			return r
		}
		return '_'
	}, s)
	if strings.Trim(s, ".") == "" {
		return strings.Repeat("_", max(len(s), 1))
	}
	return s
}

// cutBytes cuts s to at most n bytes, on a UTF-8 sequence boundary (or,
// in bytes that are no UTF-8, at n).
func cutBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	if n <= 0 {
		return ""
	}
	i := n
	for i > 0 && n-i < utf8.UTFMax-1 && !utf8.RuneStart(s[i]) {
		i--
	}
	if !utf8.RuneStart(s[i]) {
		i = n
	}
	return s[:i]
}

// DayDir is the date directory of a meeting: YYYY-MM-DD of its start (UTC).
func (m *Meeting) DayDir() string { return m.Start.UTC().Format("2006-01-02") }

// RelBase is the archive-relative path of the meeting's files under its
// current name, without extension; URLs share it.
func (m *Meeting) RelBase() string { return m.RelBaseFor(m.Name) }

// RelBaseFor is the archive-relative path, without extension, of the
// meeting's files under name: the one the archive chose (Paths), or else
// the natural one (NaturalRelBase).
func (m *Meeting) RelBaseFor(name string) string {
	if p, ok := m.Paths[name]; ok {
		return p
	}
	return m.NaturalRelBase(name, "")
}

// RelDir is the slash-separated directory of RelBase.
func (m *Meeting) RelDir() string { return path.Dir(m.RelBase()) }

// BaseName is the file name of RelBase: <meetingname>.<YYYY-MM-DD-HH.MM>
// for the current name.
func (m *Meeting) BaseName() string { return path.Base(m.RelBase()) }

// BaseNameFor is the base file name the meeting has under name.
func (m *Meeting) BaseNameFor(name string) string { return path.Base(m.RelBaseFor(name)) }

// NaturalRelBase is the archive-relative path, without extension, that the
// style's naming rules give the meeting's files under name ("" is the
// channel's name), with suffix (such as "-2", which the archive adds to
// keep two meetings apart) after the meeting name. The base file name is
// cut to MaxBaseName bytes, directories to 255.
func (m *Meeting) NaturalRelBase(name, suffix string) string {
	if m.Style == StyleZodbot {
		return m.zodbotRelBase(name, suffix)
	}
	stamp := "." + m.Start.UTC().Format("2006-01-02-15.04")
	dir := ChannelDir(m.Channel)
	if IsMatrixRoom(m.Channel) {
		dir = MatrixRoomDir(m.Channel)
	}
	n := ChannelDir(m.Channel)
	if name != "" {
		// Names the engine sets are [a-z0-9_-]; this guards names set
		// by hand all the same.
		n = safeComponent(name, func(r rune) bool { return r > ' ' && r != '\\' && r != 0x7f && (r < 0x80 || r > 0x9f) })
	}
	return dir + "/" + m.DayDir() + "/" + cutBytes(n, MaxBaseName-len(suffix)-len(stamp)) + suffix + stamp
}

// zodbotRelBase is MeetBot's path (see the top of this file).
func (m *Meeting) zodbotRelBase(name, suffix string) string {
	channel := strings.ReplaceAll(asciiLower(strings.Trim(m.Channel, "# ")), "/", "")
	n := channel
	if name != "" {
		n = strings.ReplaceAll(name, "/", "")
	}
	start := m.Start.UTC()
	stamp := zodbotStamp(start)
	dir := channel
	if IsMatrixRoom(m.Channel) {
		dir = MatrixRoomDir(m.Channel) // [-a-z0-9_]: nothing for strftime
	}
	p := zodbotPath(dir, n, start)
	if !strings.HasSuffix(p, stamp) {
		// strftime gave up (a field width of millions): MeetBot's file
		// would have been ".log.txt" in the archive root, every such
		// meeting's the same one.
		p = strftime(channel+"/%F/_.%F-%H.%M", start)
		if !strings.HasSuffix(p, stamp) {
			p = strftime("_/%F/_.%F-%H.%M", start)
		}
	}
	p = strings.ReplaceAll(p, "\x00", "_")
	comps := strings.Split(p, "/")
	last := len(comps) - 1
	for i, c := range comps[:last] {
		switch c {
		case "":
			c = "_"
		case "..":
			c = "__"
		}
		comps[i] = cutBytes(c, maxComponent)
	}
	stem := strings.TrimSuffix(comps[last], stamp)
	comps[last] = cutBytes(stem, MaxBaseName-len(suffix)-len(stamp)) + suffix + stamp
	return strings.Join(comps, "/")
}

// zodbotStamp is strftime(".%F-%H.%M", t) of a UTC time, without
// interpreting the format for a year of four digits.
func zodbotStamp(t time.Time) string {
	if y := t.Year(); y < 1000 || y > 9999 {
		return strftime(".%F-%H.%M", t)
	}
	return "." + t.Format("2006-01-02-15.04")
}

// zodbotPath is strftime(dir+"/%F/"+name+".%F-%H.%M", t) of a UTC time,
// without interpreting the format when dir and name hold no '%' and the
// year has four digits (the result then stays far below strftime's
// limit).
func zodbotPath(dir, name string, t time.Time) string {
	if y := t.Year(); y < 1000 || y > 9999 || strings.IndexByte(dir, '%') >= 0 || strings.IndexByte(name, '%') >= 0 {
		return strftime(dir+"/%F/"+name+".%F-%H.%M", t)
	}
	return dir + "/" + t.Format("2006-01-02") + "/" + name + "." + t.Format("2006-01-02-15.04")
}

func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if b[j] >= 'A' && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// MatrixRoomDir is the archive directory of a Matrix room, named as Fedora's
// Matrix meetbot (maubot-meetings, its fedora backend) names it: the room's
// canonical alias (or, without one, its ID) through python-slugify with
// ':' replaced by "_matrix_" and every run of characters other than
// [-a-z0-9_] by '-':
//
//	#meeting:fedoraproject.org  → meeting_matrix_fedoraproject-org
//	#fedora-meeting-1:fedora.im → fedora-meeting-1_matrix_fedora-im
//
// python-slugify's steps are followed in its order (quotes, transliteration,
// HTML character references, lower case, digit-grouping commas, disallowed
// runs, repeated and outer '-'). Transliteration covers Latin-1 letters as
// its unidecode does ("é" → "e", "ß" → "ss"); other non-ASCII characters,
// which unidecode would spell out, become '-' here. The result is never
// empty and fits in a path component.
func MatrixRoomDir(alias string) string {
	s := strings.ReplaceAll(alias, ":", "_matrix_")
	s = collapse(s, func(r rune) bool { return r == '\'' }, "-")
	var b strings.Builder
	for _, r := range s {
		b.WriteString(transliterate(r))
	}
	s = htmlRefs(b.String())
	s = asciiLower(s)
	s = strings.ReplaceAll(s, "'", "")
	s = digitCommas(s)
	s = collapse(s, func(r rune) bool {
		return !(r == '-' || r == '_' || (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9'))
	}, "-")
	for strings.Contains(s, "--") {
		s = strings.ReplaceAll(s, "--", "-")
	}
	s = strings.Trim(cutBytes(s, maxComponent), "-")
	if s == "" {
		return "_"
	}
	return s
}

// IsMatrixRoom reports whether a channel name is a Matrix room alias or ID
// ("#meeting:fedoraproject.org", "!abc:example.org"): IRC channel names
// never hold a ':'.
func IsMatrixRoom(channel string) bool {
	return len(channel) > 2 && (channel[0] == '#' || channel[0] == '!') && strings.Contains(channel[1:], ":")
}

// NickFold is how the meetings of a channel compare names, given how
// its network folds them: an IRC channel as its server does (fold, its
// CASEMAPPING live, rfc1459 in replay); a Matrix room exactly (nil),
// live and replayed alike. A Matrix name is a display name as Element
// shows it, which the homeserver keeps apart from every other member's
// only when it is the same to the letter ("Alice" and "alice" are two
// members, each shown without a user ID): folded, one of them could take
// the other's chair by changing the case of their display name, and the
// replay of the room's log would count two people as one.
func NickFold(channel string, fold func(string) string) func(string) string {
	if IsMatrixRoom(channel) {
		return nil
	}
	return fold
}

// FedoraUser is the Fedora account (FAS) name of a Matrix user as Fedora's
// meetbot maps it: "@x:fedora.im" is FAS user "x". Other servers' users
// need a FASJSON lookup; for them ok is false and the user ID is returned.
func FedoraUser(userID string) (name string, ok bool) {
	local, server, found := strings.Cut(strings.TrimPrefix(userID, "@"), ":")
	if !strings.HasPrefix(userID, "@") || !found || server != "fedora.im" || local == "" {
		return userID, false
	}
	return local, true
}

// collapse replaces each run of characters for which bad is true with with.
func collapse(s string, bad func(rune) bool, with string) string {
	var b strings.Builder
	in := false
	for _, r := range s {
		if bad(r) {
			if !in {
				b.WriteString(with)
			}
			in = true
			continue
		}
		in = false
		b.WriteRune(r)
	}
	return b.String()
}

// latin1 is unidecode's spelling of U+00C0 to U+00FF.
var latin1 = [64]string{
	"A", "A", "A", "A", "A", "A", "AE", "C", "E", "E", "E", "E", "I", "I", "I", "I",
	"D", "N", "O", "O", "O", "O", "O", "x", "O", "U", "U", "U", "U", "Y", "Th", "ss",
	"a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
	"d", "n", "o", "o", "o", "o", "o", "/", "o", "u", "u", "u", "u", "y", "th", "y",
}

// transliterate is r in ASCII, as far as this file knows it (see MatrixRoomDir).
func transliterate(r rune) string {
	switch {
	case r < 0x80:
		return string(r)
	case r >= 0xC0 && r <= 0xFF:
		return latin1[r-0xC0]
	case r >= 0x300 && r <= 0x36F: // combining marks: dropped
		return ""
	}
	return "-"
}

// htmlRefs decodes &amp; &lt; &gt; &quot; and numeric character
// references as python-slugify does, after transliteration: a decoded
// non-ASCII letter is decomposed (its mark then counts as disallowed).
func htmlRefs(s string) string {
	if !strings.Contains(s, "&") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		if s[i] != '&' {
			b.WriteByte(s[i])
			i++
			continue
		}
		end := strings.IndexByte(s[i:], ';')
		if end < 0 {
			b.WriteString(s[i:])
			break
		}
		ref := s[i+1 : i+end]
		r, ok := charRef(ref)
		if !ok {
			b.WriteByte('&')
			i++
			continue
		}
		switch {
		case r < 0x80:
			b.WriteRune(r)
		case r >= 0xC0 && r <= 0xFF && r != 0xC6 && r != 0xD0 && r != 0xD7 && r != 0xD8 && r != 0xDE && r != 0xDF &&
			r != 0xE6 && r != 0xF0 && r != 0xF7 && r != 0xF8 && r != 0xFE:
			b.WriteString(latin1[r-0xC0] + "-") // base letter and its mark
		default:
			b.WriteString("-")
		}
		i += end + 1
	}
	return b.String()
}

func charRef(ref string) (rune, bool) {
	switch ref {
	case "amp":
		return '&', true
	case "lt":
		return '<', true
	case "gt":
		return '>', true
	case "quot":
		return '"', true
	}
	if len(ref) < 2 || ref[0] != '#' {
		return 0, false
	}
	digits, base := ref[1:], 10
	if digits[0] == 'x' || digits[0] == 'X' {
		if digits[0] == 'X' { // python-slugify's pattern is &#x only
			return 0, false
		}
		digits, base = digits[1:], 16
	}
	if digits == "" || len(digits) > 7 {
		return 0, false
	}
	n := 0
	for _, c := range digits {
		d := -1
		switch {
		case c >= '0' && c <= '9':
			d = int(c - '0')
		case base == 16 && c >= 'a' && c <= 'f':
			d = int(c-'a') + 10
		case base == 16 && c >= 'A' && c <= 'F':
			d = int(c-'A') + 10
		}
		if d < 0 {
			return 0, false
		}
		n = n*base + d
	}
	if n > 0x10FFFF {
		return '-', true
	}
	return rune(n), true
}

// digitCommas drops a ',' between two digits ("1,000" → "1000").
func digitCommas(s string) string {
	if !strings.Contains(s, ",") {
		return s
	}
	b := []byte(s)
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		if b[i] == ',' && i > 0 && i+1 < len(b) && isDigit(b[i-1]) && isDigit(b[i+1]) {
			continue
		}
		out = append(out, b[i])
	}
	return string(out)
}
