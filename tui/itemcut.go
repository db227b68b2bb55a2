package tui

import (
	"slices"
	"strconv"
	"strings"

	"gavel/meeting"
	"gavel/tui/winlist"
)

// splitter is a network that says which lines it would send for a text
// (live.IRC does, by the IRC client's line budget).
type splitter interface {
	Split(target, text string) []string
}

// itemCut is the command line's Cut: a meeting command typed in a channel
// window that the client will send as several lines becomes an item (or a
// topic, a title…) of its first line alone, since that is what the
// channel sees as the command. It returns where the first line ends in
// the typed text and a note naming the command and how the item ends.
func (m *Model) itemCut(text string) (int, string) {
	w := m.wins.Current()
	sp, ok := m.opts.Network.(splitter)
	if !ok || w.Kind != winlist.Channel {
		return 0, ""
	}
	// A console command, or "//…" said as "/…": no meeting command.
	if strings.HasPrefix(text, "/") {
		return 0, ""
	}
	cmd, _, ok := meeting.ParseCommand(text)
	if !ok || !slices.Contains(meeting.Commands(), "#"+cmd) {
		return 0, ""
	}
	pieces := sp.Split(w.Name, text)
	if len(pieces) < 2 || !strings.HasPrefix(text, pieces[0]) {
		return 0, ""
	}
	first := pieces[0]
	return len(first), "✂ #" + cmd + " ends at “…" + tail(first, 16) + "” · " + strconv.Itoa(len(pieces)) + " lines"
}

// tail is the last n runes of s (whole words where they fit).
func tail(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	t := string(r[len(r)-n:])
	if i := strings.IndexByte(t, ' '); i >= 0 && i < len(t)-1 {
		t = t[i+1:]
	}
	return t
}
