package meeting

import (
	"path"
	"strings"
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
	stamp := "." + m.Start.UTC().Format("2006-01-02-15.04")
	if m.Style == StyleZodbot {
		return m.zodbotRelBase(name, suffix)
	}
	n := ChannelDir(m.Channel)
	if name != "" {
		// Names the engine sets are [a-z0-9_-]; this guards names set
		// by hand all the same.
		n = safeComponent(name, func(r rune) bool { return r > ' ' && r != '\\' && r != 0x7f && (r < 0x80 || r > 0x9f) })
	}
	return ChannelDir(m.Channel) + "/" + m.DayDir() + "/" + cutBytes(n, MaxBaseName-len(suffix)-len(stamp)) + suffix + stamp
}

// zodbotRelBase is MeetBot's path (see the top of this file).
func (m *Meeting) zodbotRelBase(name, suffix string) string {
	channel := strings.ReplaceAll(asciiLower(strings.Trim(m.Channel, "# ")), "/", "")
	n := channel
	if name != "" {
		n = strings.ReplaceAll(name, "/", "")
	}
	start := m.Start.UTC()
	stamp := strftime(".%F-%H.%M", start)
	p := strftime(channel+"/%F/"+n+".%F-%H.%M", start)
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
