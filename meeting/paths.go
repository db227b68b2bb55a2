package meeting

import "strings"

// The archive layout zodbot used:
//
//	<channel without #>/<YYYY-MM-DD>/<meetingname>.<YYYY-MM-DD-HH.MM>.<ext>
//
// Every function here returns names that cannot leave the archive root,
// whatever the channel or meeting name.

// ChannelDir is the archive directory of a channel: lower-case, without the
// leading '#', and reduced to characters safe in a path component.
func ChannelDir(channel string) string {
	c := strings.ToLower(strings.TrimLeft(channel, "#&"))
	return safeComponent(c, func(r rune) bool {
		return r == '-' || r == '_' || r == '.' || r == '+' || (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9')
	})
}

// ZodbotName reduces a meeting name as Fedora's zodbot did: lower-case,
// whitespace runs joined with '_', '/' removed; gavel also guards the
// characters that zodbot let through into paths.
func ZodbotName(s string) string {
	n := strings.Join(strings.Fields(strings.ToLower(s)), "_")
	n = strings.ReplaceAll(n, "/", "")
	return safeComponent(n, func(r rune) bool { return r != '\\' && r >= ' ' })
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

// DayDir is the date directory of a meeting: YYYY-MM-DD of its start (UTC).
func (m *Meeting) DayDir() string { return m.Start.UTC().Format("2006-01-02") }

// BaseName is <meetingname>.<YYYY-MM-DD-HH.MM> for the current name.
func (m *Meeting) BaseName() string { return m.BaseNameFor(m.Name) }

// BaseNameFor is the base file name the meeting would have under name.
func (m *Meeting) BaseNameFor(name string) string {
	if name == "" {
		name = ChannelDir(m.Channel)
	}
	// Names set by the engine are already safe; this guards names set by
	// hand (or decoded from a journal) all the same.
	name = safeComponent(name, func(r rune) bool { return r != '\\' && r >= ' ' })
	return name + "." + m.Start.UTC().Format("2006-01-02-15.04")
}

// RelDir is <channel>/<YYYY-MM-DD>, slash-separated.
func (m *Meeting) RelDir() string { return ChannelDir(m.Channel) + "/" + m.DayDir() }

// RelBase is RelDir/BaseName: the archive-relative path without extension,
// which URLs share.
func (m *Meeting) RelBase() string { return m.RelDir() + "/" + m.BaseName() }
