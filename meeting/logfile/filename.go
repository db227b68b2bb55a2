package logfile

import (
	"strings"
	"time"
)

// ParseFileName derives the channel and the date of a log from its file
// name and the directories around it (a path is fine; "/" and "\" both
// separate directories). The date is in UTC; the caller may reinterpret
// its fields in another location. A channel given by the user (gavel's
// --channel flag) overrides the one derived here.
//
// MeetBot names end in ".<YYYY-MM-DD-HH.MM>.log.txt" (also .log.html, .txt,
// .html), the meeting's start; what comes before says whether the name
// holds the channel:
//
//   - "<channel>.<name>.<date>": a raw MeetBot log named by its channel
//     first ("fedora-meeting.infrastructure.2015-04-30-18.00.log.txt" is
//     "#fedora-meeting").
//   - "<name>.<date>": a name as published in an archive, where "name" is
//     the meeting's name and not a channel; the channel comes from the
//     archive path around it, "<channel>/<YYYY-MM-DD>/<name>.<date>"
//     (zodbot's layout: "fedora-meeting/2020-06-10/magazine.2020-06-10-12.02.log.txt"
//     is "#fedora-meeting"), or "<channel>/<YYYY>/<channel>.<date>"
//     (MeetBot's default layout, where the name is the channel). Without
//     such a path the channel is "" (the date is still given).
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
	parts := strings.FieldsFunc(name, func(r rune) bool { return r == '/' || r == '\\' })
	if len(parts) == 0 || strings.HasSuffix(name, "/") || strings.HasSuffix(name, `\`) {
		return "", time.Time{}, false
	}
	base := parts[len(parts)-1]
	dir, updir := "", "" // the directory holding the file, and the one above
	if len(parts) >= 2 {
		dir = parts[len(parts)-2]
	}
	if len(parts) >= 3 {
		updir = parts[len(parts)-3]
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
		prefix := stem[:len(stem)-len(layout)-1]
		first, rest, dotted := strings.Cut(prefix, ".")
		if first == "" {
			break
		}
		switch {
		case dotted && rest != "":
			return "#" + first, t, true
		case isChannelDir(updir) && (dir == t.Format("2006-01-02") || dir == t.Format("2006") && updir == first):
			return channelOfDir(updir), t, true
		}
		return "", t, true
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
			if !isChannelDir(dir) {
				return "", t, true
			}
			return channelOfDir(dir), t, true
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

// isChannelDir reports whether a directory name can be a channel's.
func isChannelDir(dir string) bool {
	return dir != "" && dir != "." && dir != ".." && dir != "#" && dir != "&"
}

// channelOfDir is the channel a directory is named after: "#" added when
// it has no channel prefix.
func channelOfDir(dir string) string {
	if dir[0] == '#' || dir[0] == '&' {
		return dir
	}
	return "#" + dir
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
