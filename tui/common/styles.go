// Package common holds what every pane of the console shares: its size, the
// styles built from the theme and the key map (soft-serve's Common pattern).
package common

import (
	"fmt"
	"image/color"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/lipgloss/v2"

	"gavel/themes"
)

// Style is a precomputed SGR sequence. Panes render thousands of short
// segments a frame, so a style is a string prefix rather than a lipgloss
// Style: Render is one concatenation. The zero Style renders text as is.
type Style struct{ open string }

const reset = "\x1b[m"

// Render wraps s in the style.
func (s Style) Render(text string) string {
	if s.open == "" || text == "" {
		return text
	}
	return s.open + text + reset
}

// Open returns the SGR sequence that starts the style ("" for none).
func (s Style) Open() string { return s.open }

// IsZero reports whether the style does nothing.
func (s Style) IsZero() bool { return s.open == "" }

// Attr is a text attribute for NewStyle.
type Attr uint8

// Attributes.
const (
	Bold Attr = 1 << iota
	Faint
	Italic
	Underline
	Reverse
	Strike
)

// NewStyle builds a style from a foreground, a background (either may be
// nil) and attributes.
func NewStyle(fg, bg color.Color, attrs Attr) Style {
	var p []string
	if attrs&Bold != 0 {
		p = append(p, "1")
	}
	if attrs&Faint != 0 {
		p = append(p, "2")
	}
	if attrs&Italic != 0 {
		p = append(p, "3")
	}
	if attrs&Underline != 0 {
		p = append(p, "4")
	}
	if attrs&Reverse != 0 {
		p = append(p, "7")
	}
	if attrs&Strike != 0 {
		p = append(p, "9")
	}
	if fg != nil {
		r, g, b, _ := fg.RGBA()
		p = append(p, fmt.Sprintf("38;2;%d;%d;%d", r>>8, g>>8, b>>8))
	}
	if bg != nil {
		r, g, b, _ := bg.RGBA()
		p = append(p, fmt.Sprintf("48;2;%d;%d;%d", r>>8, g>>8, b>>8))
	}
	if len(p) == 0 {
		return Style{}
	}
	return Style{open: "\x1b[" + strings.Join(p, ";") + "m"}
}

// Styles is every style of the console, built from one theme.
type Styles struct {
	Theme themes.Theme

	Text, Muted, Accent, Bold Style
	Border, BorderFocus       Style
	Title, TitleFocus         Style
	Error                     Style

	// Window bar and status bar.
	Bar, BarActive, BarActivity, BarMention, BarKey Style

	// Channel log. History is a line a bouncer or server played back,
	// Queued a line typed while disconnected, Marker the unread marker,
	// Found a search match, Link a URL.
	Time, Own, Mention, MentionNick, Event, Notice Style
	History, Queued, Marker, Found, Link           Style
	Nicks                                          []Style

	// Side panes.
	Current, Chair, Present, Absent, Kind, Count Style

	// Popups: completion, palette, help, paste confirmation.
	Popup, PopupSelect, PopupMatch, PopupSelectMatch, PopupTitle Style

	// Help is the bubbles/help styling for the help overlay.
	Help help.Styles
}

// NewStyles builds the styles of a theme.
func NewStyles(t themes.Theme) *Styles {
	s := &Styles{Theme: t}
	if t.Plain {
		s.Bold = NewStyle(nil, nil, Bold)
		s.Muted = NewStyle(nil, nil, Faint)
		s.Accent = s.Bold
		s.Title = s.Bold
		s.TitleFocus = NewStyle(nil, nil, Bold|Underline)
		s.Error = s.Bold
		s.Bar = NewStyle(nil, nil, Reverse)
		s.BarActive = NewStyle(nil, nil, Bold)
		s.BarActivity = NewStyle(nil, nil, Reverse|Underline)
		s.BarMention = NewStyle(nil, nil, Reverse|Bold|Underline)
		s.BarKey = NewStyle(nil, nil, Reverse|Bold)
		s.Time = s.Muted
		s.Own = s.Bold
		s.Mention = NewStyle(nil, nil, Reverse)
		s.MentionNick = NewStyle(nil, nil, Reverse|Bold)
		s.Event = s.Muted
		s.Notice = NewStyle(nil, nil, Italic)
		s.History = s.Muted
		s.Queued = NewStyle(nil, nil, Faint|Italic)
		s.Marker = s.Bold
		s.Found = NewStyle(nil, nil, Reverse|Bold)
		s.Link = NewStyle(nil, nil, Underline)
		s.Current = s.Bold
		s.Chair = s.Bold
		s.Absent = s.Muted
		s.Kind = s.Muted
		s.Count = s.Muted
		s.PopupSelect = NewStyle(nil, nil, Reverse)
		s.PopupMatch = NewStyle(nil, nil, Underline)
		s.PopupSelectMatch = NewStyle(nil, nil, Reverse|Underline)
		s.PopupTitle = s.Bold
		s.Nicks = []Style{{}}
		s.Help = help.Styles{
			ShortKey: lipgloss.NewStyle().Bold(true), FullKey: lipgloss.NewStyle().Bold(true),
			ShortDesc: lipgloss.NewStyle(), FullDesc: lipgloss.NewStyle(),
			ShortSeparator: lipgloss.NewStyle(), FullSeparator: lipgloss.NewStyle(), Ellipsis: lipgloss.NewStyle(),
		}
		return s
	}
	s.Text = NewStyle(t.Fg, nil, 0)
	s.Muted = NewStyle(t.Muted, nil, 0)
	s.Accent = NewStyle(t.Accent, nil, Bold)
	s.Bold = NewStyle(t.Fg, nil, Bold)
	s.Border = NewStyle(t.Border, nil, 0)
	s.BorderFocus = NewStyle(t.Focus, nil, 0)
	s.Title = NewStyle(t.Muted, nil, Bold)
	s.TitleFocus = NewStyle(t.Focus, nil, Bold)
	s.Error = NewStyle(t.Error, nil, Bold)
	s.Bar = NewStyle(t.BarFg, t.BarBg, 0)
	s.BarActive = NewStyle(t.SelectFg, t.SelectBg, Bold)
	s.BarActivity = NewStyle(t.Activity, t.BarBg, 0)
	s.BarMention = NewStyle(t.Mention, t.BarBg, Bold|Underline)
	s.BarKey = NewStyle(t.Accent, t.BarBg, Bold)
	s.Time = NewStyle(t.Muted, nil, 0)
	s.Own = NewStyle(t.Own, nil, Bold)
	s.Mention = NewStyle(t.Mention, t.MentionBg, Bold)
	s.MentionNick = NewStyle(t.MentionBg, t.Mention, Bold)
	s.Event = NewStyle(t.Muted, nil, 0)
	s.Notice = NewStyle(t.Accent, nil, Italic)
	s.History = NewStyle(t.Muted, nil, 0)
	s.Queued = NewStyle(t.Muted, nil, Italic)
	s.Marker = NewStyle(t.Mention, nil, Bold)
	s.Found = NewStyle(t.SelectFg, t.SelectBg, Bold)
	s.Link = NewStyle(t.Accent, nil, Underline)
	s.Current = NewStyle(t.Accent, nil, Bold)
	s.Chair = NewStyle(t.Activity, nil, Bold)
	s.Present = NewStyle(t.Own, nil, 0)
	s.Absent = NewStyle(t.Muted, nil, 0)
	s.Kind = NewStyle(t.Muted, nil, 0)
	s.Count = NewStyle(t.Muted, nil, 0)
	s.Popup = NewStyle(t.PopupFg, t.PopupBg, 0)
	s.PopupSelect = NewStyle(t.SelectFg, t.SelectBg, 0)
	s.PopupMatch = NewStyle(t.Match, t.PopupBg, Bold|Underline)
	s.PopupSelectMatch = NewStyle(t.SelectFg, t.SelectBg, Bold|Underline)
	s.PopupTitle = NewStyle(t.Accent, t.PopupBg, Bold)
	for _, c := range t.Nicks {
		s.Nicks = append(s.Nicks, NewStyle(c, nil, 0))
	}
	if len(s.Nicks) == 0 {
		s.Nicks = []Style{s.Text}
	}
	key := lipgloss.NewStyle().Foreground(t.Accent).Bold(true)
	desc := lipgloss.NewStyle().Foreground(t.PopupFg)
	sep := lipgloss.NewStyle().Foreground(t.Muted)
	s.Help = help.Styles{ShortKey: key, ShortDesc: desc, ShortSeparator: sep, Ellipsis: sep,
		FullKey: key, FullDesc: desc, FullSeparator: sep}
	return s
}

// Nick returns the colour of a nick: an fnv-1a hash of its lower-case form
// picks from the palette, so a nick keeps its colour across windows and runs.
func (s *Styles) Nick(nick string) Style {
	return s.Nicks[NickHash(nick)%uint32(len(s.Nicks))]
}

// NickHash is the 32-bit FNV-1a hash of the ASCII-lower-cased nick (the
// same function as hash/fnv's New32a, inlined so that it allocates nothing).
func NickHash(nick string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(nick); i++ {
		c := nick[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		h ^= uint32(c)
		h *= 16777619
	}
	return h
}

// NickFor is the colour of a nick as everything on screen shows it: our
// own nick always in Own, every other nick by its hash.
func (s *Styles) NickFor(me *Me, nick string) Style {
	if me.Is(nick) {
		return s.Own
	}
	return s.Nick(nick)
}
