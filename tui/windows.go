package tui

import (
	"slices"
	"strings"

	"gavel/meeting"
	"gavel/tui/chanlog"
	"gavel/tui/common"
	"gavel/tui/panes"
)

// winKind is what a window shows.
type winKind uint8

const (
	winStatus  winKind = iota // the console's own window: server notices, lookups, errors
	winChannel                // a joined channel
	winQuery                  // a private conversation
)

// window is one channel, query or the status window.
type window struct {
	name  string
	kind  winKind
	log   *chanlog.Log
	act   panes.Activity
	topic string
	// members maps a lower-cased nick to the nick as spelt, for presence and
	// completion.
	members map[string]string
	nicks   []string // sorted members, rebuilt lazily
	dirty   bool
	joined  bool
}

func newWindow(c common.Common, name string, kind winKind, capacity int) *window {
	return &window{name: name, kind: kind, log: chanlog.New(c, capacity), members: map[string]string{}}
}

func (w *window) addMember(nick string) {
	k := strings.ToLower(strings.TrimLeft(nick, "~&@%+"))
	if k == "" {
		return
	}
	if _, ok := w.members[k]; !ok {
		w.dirty = true
	}
	w.members[k] = strings.TrimLeft(nick, "~&@%+")
}

func (w *window) removeMember(nick string) bool {
	k := strings.ToLower(nick)
	if _, ok := w.members[k]; ok {
		delete(w.members, k)
		w.dirty = true
		return true
	}
	return false
}

func (w *window) present(nick string) bool {
	_, ok := w.members[strings.ToLower(nick)]
	return ok
}

// nickList returns the members sorted case-insensitively.
func (w *window) nickList() []string {
	if w.dirty || w.nicks == nil {
		w.nicks = w.nicks[:0]
		for _, n := range w.members {
			w.nicks = append(w.nicks, n)
		}
		slices.SortFunc(w.nicks, func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) })
		w.dirty = false
	}
	return w.nicks
}

// windowSet is the ordered list of windows.
type windowSet struct {
	list []*window
	cur  int
}

func (s *windowSet) find(name string) int {
	for i, w := range s.list {
		if strings.EqualFold(w.name, name) {
			return i
		}
	}
	return -1
}

func (s *windowSet) get(name string) *window {
	if i := s.find(name); i >= 0 {
		return s.list[i]
	}
	return nil
}

func (s *windowSet) current() *window { return s.list[s.cur] }

func (s *windowSet) focus(i int) {
	if i < 0 || i >= len(s.list) {
		return
	}
	s.cur = i
	s.list[i].act = panes.Seen
}

func (s *windowSet) remove(i int) {
	if i <= 0 || i >= len(s.list) { // the status window stays
		return
	}
	s.list = slices.Delete(s.list, i, i+1)
	if s.cur >= len(s.list) {
		s.cur = len(s.list) - 1
	}
	s.list[s.cur].act = panes.Seen
}

// isChannel reports whether name is a channel name.
func isChannel(name string) bool { return name != "" && (name[0] == '#' || name[0] == '&') }

// lineFromEvent turns a meeting event (from a log replay) into a scrollback
// line for the channel's window.
func lineFromEvent(ev meeting.Event) (chanlog.Line, bool) {
	t := ev.When().Unix()
	switch e := ev.(type) {
	case meeting.Message:
		k := chanlog.Msg
		if e.Action {
			k = chanlog.Action
		}
		return chanlog.Line{Time: t, Nick: e.Nick, Text: e.Text, Kind: k}, true
	case meeting.Join:
		return chanlog.Line{Time: t, Nick: e.Nick, Text: e.Nick + " joined", Kind: chanlog.Join}, true
	case meeting.Part:
		return chanlog.Line{Time: t, Nick: e.Nick, Text: withReason(e.Nick+" left", e.Reason), Kind: chanlog.Part}, true
	case meeting.Quit:
		return chanlog.Line{Time: t, Nick: e.Nick, Text: withReason(e.Nick+" quit", e.Reason), Kind: chanlog.Quit}, true
	case meeting.NickChange:
		return chanlog.Line{Time: t, Nick: e.New, Text: e.Old + " is now known as " + e.New, Kind: chanlog.Nick}, true
	case meeting.TopicChange:
		if e.Nick == "" {
			return chanlog.Line{Time: t, Text: "topic: " + e.Topic, Kind: chanlog.Topic}, true
		}
		return chanlog.Line{Time: t, Nick: e.Nick, Text: e.Nick + " set the topic: " + e.Topic, Kind: chanlog.Topic}, true
	}
	return chanlog.Line{}, false
}

func withReason(s, reason string) string {
	if reason == "" {
		return s
	}
	return s + " (" + reason + ")"
}
