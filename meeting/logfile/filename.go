package logfile

import (
	"strings"
	"time"
)

// ParseFileName derives the channel and the date of a log from its file
// name (a path is fine; "/" and "\" both separate directories). The date
// is in UTC; the caller may reinterpret its fields in another location. A
// channel given by the user (gavel's --channel flag) overrides the one
// derived here, which is only a guess.
//
// MeetBot names, "<name>.<YYYY-MM-DD-HH.MM>.log.txt" (also .log.html,
// .txt, .html): the date and time are the meeting's start; the channel is
// "#" + the first dot-separated part of the name, as MeetBot's replay
// does. For "fedora-meeting.infrastructure.2015-04-30-18.00.log.txt" that
// is "#fedora-meeting", 2015-04-30 18:00; for
// "magazine.2020-06-10-12.02.log.txt" it is "#magazine" (the meeting name,
// not the channel: hence the override).
//
// ZNC names: "[<network>_]#chan_YYYYMMDD.log" (the channel starts at the
// first "#" or "&"; without one the channel is "") and
// "<...>/<chan>/YYYY-MM-DD.log" ("#" added to the directory name when it
// has none), each at midnight.
//
// Names without a date that still name a channel, irssi's and HexChat's
// "#chan.log" and WeeChat's "irc.<server>.#chan.weechatlog", give the
// channel and a zero date.
//
// ok is false when none of these shapes matches.
func ParseFileName(name string) (channel string, date time.Time, ok bool) {
	dir := ""
	base := name
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		base = name[i+1:]
		dir = name[:i]
		if j := strings.LastIndexAny(dir, `/\`); j >= 0 {
			dir = dir[j+1:]
		}
	}
	// MeetBot
	for _, ext := range []string{".log.txt", ".log.html", ".txt", ".html"} {
		stem, found := strings.CutSuffix(base, ext)
		if !found {
			continue
		}
		const layout = "2006-01-02-15.04"
		if len(stem) < len(layout)+2 || stem[len(stem)-len(layout)-1] != '.' {
			break
		}
		t, err := time.Parse(layout, stem[len(stem)-len(layout):])
		if err != nil {
			break
		}
		first, _, _ := strings.Cut(stem, ".")
		if first == "" {
			break
		}
		return "#" + first, t, true
	}
	if stem, found := strings.CutSuffix(base, ".log"); found {
		// ZNC: ..._YYYYMMDD.log
		if i := strings.LastIndexByte(stem, '_'); i >= 0 && len(stem)-i-1 == 8 {
			if t, err := time.Parse("20060102", stem[i+1:]); err == nil {
				prefix := stem[:i]
				if j := strings.IndexAny(prefix, "#&"); j >= 0 {
					return prefix[j:], t, true
				}
				return "", t, true
			}
		}
		// ZNC: chan/YYYY-MM-DD.log
		if t, err := time.Parse("2006-01-02", stem); err == nil {
			switch {
			case dir == "" || dir == "." || dir == "..":
				return "", t, true
			case dir[0] == '#' || dir[0] == '&':
				return dir, t, true
			}
			return "#" + dir, t, true
		}
		// irssi, HexChat: #chan.log
		if len(stem) > 1 && (stem[0] == '#' || stem[0] == '&') {
			return stem, time.Time{}, true
		}
	}
	if stem, found := strings.CutSuffix(base, ".weechatlog"); found {
		if j := strings.IndexAny(stem, "#&"); j >= 0 && j+1 < len(stem) {
			return stem[j:], time.Time{}, true
		}
	}
	return "", time.Time{}, false
}

// MeetingOf returns the channel and date of the meeting a log file holds:
// the given ones, else those its name gives (see ParseFileName; name may be
// a path). The channel gets a leading '#' when it has no channel prefix.
// Either may still be empty or zero: the caller decides what that means.
func MeetingOf(name, channel string, date time.Time) (string, time.Time) {
	if fc, fd, ok := ParseFileName(name); ok {
		if channel == "" {
			channel = fc
		}
		if date.IsZero() {
			date = fd
		}
	}
	if channel != "" && channel[0] != '#' && channel[0] != '&' {
		channel = "#" + channel
	}
	return channel, date
}
