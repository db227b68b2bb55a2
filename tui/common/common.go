package common

import (
	"charm.land/bubbles/v2/help"
	tea "charm.land/bubbletea/v2"

	"gavel/meeting/live"
)

// Common is what every component embeds (soft-serve's pattern): its size,
// and pointers to what all components share — the styles of the theme, the
// key map and who we are. A theme switch or a nick change is one write
// that every component sees.
type Common struct {
	Width, Height int
	Styles        *Styles
	Keys          *KeyMap
	Me            *Me
}

// SetSize records the component's size.
func (c *Common) SetSize(w, h int) { c.Width, c.Height = w, h }

// Me is the chair's identity on the connection, as the network (its
// channel state, the one owner) gives it: the nick, and the network's case
// folding (IRC CASEMAPPING) to compare nicks with.
type Me struct {
	Nick string
	Fold func(string) string // nil: rfc1459, as a server that announces no CASEMAPPING compares
}

// Is reports whether nick is ours.
func (m *Me) Is(nick string) bool {
	if m == nil || m.Nick == "" || nick == "" {
		return false
	}
	return m.FoldName(nick) == m.FoldName(m.Nick)
}

// FoldName folds a nick or channel name for comparison.
func (m *Me) FoldName(s string) string {
	if m != nil && m.Fold != nil {
		return m.Fold(s)
	}
	return rfc1459(s)
}

// rfc1459 is the network's folding where there is no network yet: as an
// IRC server that announces no CASEMAPPING compares.
var rfc1459 = live.FoldRFC1459

// Component is a piece of the screen with its own Update and View. The
// root model sizes each component, routes messages to it and composes the
// rows it renders; components never reach into each other.
type Component interface {
	help.KeyMap
	SetSize(w, h int)
	// Update handles a message and returns what should run next.
	Update(msg tea.Msg) tea.Cmd
	// Rows renders the component as Height rows of Width cells.
	Rows() []string
}
