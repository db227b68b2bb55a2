// Package panes holds the console's side panes (Topics, Actions, Attendees),
// the lookup result and minutes pane, the window bar and the status bar. Each
// pane embeds common.Common, is fed data when it changes (not every frame)
// and renders only the rows it shows.
package panes

import (
	"strings"

	"gavel/tui/common"
)

// Role is how a segment of a pane line is styled; it is resolved against the
// current Styles when the pane renders, so a theme switch restyles
// everything.
type Role uint8

// Roles.
const (
	RText Role = iota
	RMuted
	RAccent
	RBold
	RCurrent
	RChair
	RPresent
	RAbsent
	RKind
	RNick // coloured by the nick hash of its text
	RError
	RMention
	RPrefix // a channel status prefix (@, +)
)

// Seg is a styled piece of a line.
type Seg struct {
	Role Role
	Text string
}

// Entry is one line of a list pane.
type Entry []Seg

func (s Seg) style(st *common.Styles, me *common.Me) common.Style {
	switch s.Role {
	case RMuted:
		return st.Muted
	case RAccent:
		return st.Accent
	case RBold:
		return st.Bold
	case RCurrent:
		return st.Current
	case RChair:
		return st.Chair
	case RPresent:
		return st.Present
	case RAbsent:
		return st.Absent
	case RKind:
		return st.Kind
	case RNick:
		return st.NickFor(me, strings.TrimSpace(s.Text))
	case RPrefix:
		return st.Chair
	case RError:
		return st.Error
	case RMention:
		return st.Mention
	}
	return st.Text
}

// List is a framed, scrollable list of entries: the shape of every side pane.
type List struct {
	common.Common
	Title   string
	Focused bool
	Empty   string // shown when there are no entries

	entries []Entry
	offset  int  // first entry shown
	follow  bool // keep Anchor in view
	anchor  int  // the entry to keep in view (e.g. the current topic)
}

// SetEntries replaces the content; anchor is the entry to keep in view while
// the user has not scrolled (-1: the last).
func (l *List) SetEntries(e []Entry, anchor int) {
	l.entries = e
	if anchor < 0 {
		anchor = len(e) - 1
	}
	l.anchor = anchor
	if !l.follow && l.offset == 0 {
		l.follow = true
	}
	l.clamp()
}

// Len is the number of entries.
func (l *List) Len() int { return len(l.entries) }

// Entries returns the content (for tests).
func (l *List) Entries() []Entry { return l.entries }

func (l *List) inner() int { return max(l.Height-2, 0) }

func (l *List) clamp() {
	h := l.inner()
	if l.follow && h > 0 {
		// Show the anchor, with as much after it as fits.
		want := l.anchor - h + 1 + min(len(l.entries)-1-l.anchor, h/2)
		l.offset = max(want, 0)
	}
	if m := len(l.entries) - h; l.offset > m {
		l.offset = max(m, 0)
	}
	if l.offset < 0 {
		l.offset = 0
	}
}

// Scroll moves the list by n entries; scrolling stops following the anchor
// until the list is scrolled back to where it follows.
func (l *List) Scroll(n int) {
	l.follow = false
	l.offset += n
	l.clamp()
	if m := len(l.entries) - l.inner(); l.offset >= m {
		l.follow = true
		l.clamp()
	}
}

// SetSize sets the size, frame included.
func (l *List) SetSize(w, h int) {
	l.Common.SetSize(w, h)
	l.clamp()
}

// Rows renders Height rows of Width cells, framed.
func (l *List) Rows() []string {
	w, h := l.Width, l.Height
	if w < 2 || h < 2 {
		return common.Blank(max(h, 0), max(w, 0))
	}
	st := l.Styles
	inner := make([]string, 0, h-2)
	var r common.Row
	if len(l.entries) == 0 && l.Empty != "" {
		inner = append(inner, common.Line(st.Muted, " "+l.Empty, w-2))
	}
	for i := l.offset; i < len(l.entries) && len(inner) < h-2; i++ {
		r.Reset(w - 2)
		r.Add(common.Style{}, " ")
		for _, s := range l.entries[i] {
			r.Add(s.style(st, l.Me), s.Text)
		}
		inner = append(inner, r.String())
	}
	title := l.Title
	if more := len(l.entries) - l.offset - (h - 2); more > 0 && l.offset > 0 {
		title += " ↕"
	} else if more > 0 {
		title += " ↓"
	} else if l.offset > 0 {
		title += " ↑"
	}
	return st.Frame(inner, w, h, title, l.Focused)
}

// View renders the pane.
func (l *List) View() string { return strings.Join(l.Rows(), "\n") }
