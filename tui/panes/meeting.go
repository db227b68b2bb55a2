package panes

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"gavel/meeting"
)

// kindTag is the short tag of an item kind in the Topics pane.
func kindTag(k meeting.ItemKind) string {
	switch k {
	case meeting.KindInfo:
		return "info "
	case meeting.KindIdea:
		return "idea "
	case meeting.KindHelp:
		return "help "
	case meeting.KindLink:
		return "link "
	case meeting.KindAction:
		return "act  "
	case meeting.KindAgreed:
		return "agr  "
	case meeting.KindAccepted:
		return "acc  "
	case meeting.KindRejected:
		return "rej  "
	case meeting.KindVote:
		return "vote "
	}
	return strings.ToLower(string(k)) + " "
}

// TopicEntries lists the topics of m, the current one marked, with the
// items said under each. anchor is the index of the current topic's entry.
func TopicEntries(m *meeting.Meeting) (out []Entry, anchor int) {
	anchor = -1
	if m == nil {
		return nil, -1
	}
	topics := 0
	for _, it := range m.Items {
		if it.Kind == meeting.KindTopic {
			topics++
		}
	}
	seen := 0
	for _, it := range m.Items {
		if it.Kind == meeting.KindTopic {
			seen++
			if seen == topics && !m.Ended() {
				anchor = len(out)
				out = append(out, Entry{{RCurrent, "▶ " + it.Text}})
			} else {
				out = append(out, Entry{{RBold, "• "}, {RText, it.Text}})
			}
			continue
		}
		if seen == 0 && len(out) == 0 {
			out = append(out, Entry{{RMuted, "(before the first topic)"}})
		}
		out = append(out, Entry{{RMuted, "  "}, {RKind, kindTag(it.Kind)}, {RText, it.Text}})
	}
	return out, anchor
}

// ActionEntries lists the actions of m grouped by the people they name
// (whole words, ignoring case, among the attendees, the chairs and others,
// such as the people in the channel); actions that
// name nobody come last, as "unassigned".
func ActionEntries(m *meeting.Meeting, others ...string) []Entry {
	if m == nil {
		return nil
	}
	actions := m.Actions()
	if len(actions) == 0 {
		return nil
	}
	var people []string
	seen := map[string]bool{}
	add := func(n string) {
		if k := strings.ToLower(n); n != "" && !seen[k] {
			seen[k] = true
			people = append(people, n)
		}
	}
	for _, a := range m.Attendees {
		add(a.Nick)
	}
	for _, c := range m.ChairList() {
		add(c)
	}
	for _, n := range others {
		add(n)
	}
	slices.SortFunc(people, func(a, b string) int { return cmp.Compare(strings.ToLower(a), strings.ToLower(b)) })
	assigned := make([]bool, len(actions))
	var out []Entry
	for _, p := range people {
		var mine []string
		for i, a := range actions {
			if NamesNick(a.Text, p) {
				mine = append(mine, a.Text)
				assigned[i] = true
			}
		}
		if len(mine) == 0 {
			continue
		}
		out = append(out, Entry{{RNick, p}, {RMuted, " (" + strconv.Itoa(len(mine)) + ")"}})
		for _, t := range mine {
			out = append(out, Entry{{RMuted, "  • "}, {RText, t}})
		}
	}
	var un []string
	for i, a := range actions {
		if !assigned[i] {
			un = append(un, a.Text)
		}
	}
	if len(un) > 0 {
		out = append(out, Entry{{RAccent, "unassigned"}, {RMuted, " (" + strconv.Itoa(len(un)) + ")"}})
		for _, t := range un {
			out = append(out, Entry{{RMuted, "  • "}, {RText, t}})
		}
	}
	return out
}

// NamesNick reports whether text names nick as a whole word, ignoring case.
func NamesNick(text, nick string) bool {
	if nick == "" {
		return false
	}
	lt, ln := strings.ToLower(text), strings.ToLower(nick)
	for i := 0; ; {
		j := strings.Index(lt[i:], ln)
		if j < 0 {
			return false
		}
		s, e := i+j, i+j+len(ln)
		if (s == 0 || !wordByte(lt[s-1])) && (e == len(lt) || !wordByte(lt[e])) {
			return true
		}
		i = s + 1
	}
}

func wordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '[' || c == ']' ||
		c == '\\' || c == '`' || c == '^' || c == '{' || c == '}' || c == '|'
}

// Member is one member of a channel as the panes show it: the nick and
// the highest channel status symbol ("@", "+", or "").
type Member struct {
	Nick, Prefix string
	Power        int // a Matrix power level, shown when above 0
}

// MemberEntries lists a channel's members with their status (@ operators,
// + voiced) and a Matrix member's power level, in the order given (the
// client's: by status, then by nick).
func MemberEntries(members []Member) []Entry {
	out := make([]Entry, 0, len(members))
	for _, mb := range members {
		p := mb.Prefix
		if p == "" {
			p = " "
		}
		e := Entry{{RPresent, "● "}, {RPrefix, p}, {RNick, mb.Nick}}
		if mb.Power > 0 {
			e = append(e, Seg{RMuted, " " + strconv.Itoa(mb.Power)})
		}
		out = append(out, e)
	}
	return out
}

// AttendeeEntries lists who said how many lines, most first (MeetBot's
// order), chairs marked ★, presence marked ● (here now) or ○ (gone) and
// channel status (@, +) from member, which reports a nick's status prefix
// and whether it is in the channel. Without a meeting it lists members.
func AttendeeEntries(m *meeting.Meeting, member func(nick string) (prefix string, present bool), members []Member) []Entry {
	if m == nil {
		return MemberEntries(members)
	}
	as := slices.Clone(m.Attendees)
	slices.SortStableFunc(as, func(a, b meeting.Attendee) int { return cmp.Compare(b.Lines, a.Lines) })
	// The status column is there when someone has a status.
	column := false
	for _, a := range as {
		if member != nil {
			if p, _ := member(a.Nick); p != "" {
				column = true
			}
		}
	}
	out := make([]Entry, 0, len(as))
	for _, a := range as {
		prefix, present := "", true
		if column {
			prefix = " "
		}
		if member != nil {
			var p string
			p, present = member(a.Nick)
			if p != "" {
				prefix = p
			}
		}
		mark := Seg{RAbsent, "○ "}
		if present {
			mark = Seg{RPresent, "● "}
		}
		chair := Seg{RMuted, "  "}
		if m.IsChair(a.Nick) {
			chair = Seg{RChair, "★ "}
		}
		out = append(out, Entry{mark, chair, {RPrefix, prefix}, {RNick, a.Nick}, {RMuted, " " + strconv.Itoa(a.Lines)}})
	}
	return out
}
