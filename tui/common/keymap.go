package common

import "charm.land/bubbles/v2/key"

// KeyMap is every key binding of the console. The help overlay is rendered
// from the bindings themselves (Groups), so a binding added here shows up
// in the help without more work.
type KeyMap struct {
	// Command line.
	Send, Complete, CompleteBack, HistPrev, HistNext, Search key.Binding
	// Screen.
	Palette, Close, NextWin, PrevWin, Win, PageUp, PageDown, Home, End, NextPane key.Binding
	Help, Quit                                                                   key.Binding
	// Chair: post the next agenda item (/next).
	NextItem key.Binding
	// Demo playback (only when the command line is empty).
	Faster, Slower, Pause key.Binding
}

// DefaultKeyMap returns the console's bindings.
func DefaultKeyMap() *KeyMap {
	b := key.NewBinding
	k, h := key.WithKeys, key.WithHelp
	return &KeyMap{
		Send:         b(k("enter"), h("enter", "say / run the command")),
		Complete:     b(k("tab"), h("tab", "complete (again: next)")),
		CompleteBack: b(k("shift+tab"), h("shift+tab", "previous completion")),
		HistPrev:     b(k("up"), h("↑", "previous input")),
		HistNext:     b(k("down"), h("↓", "next input")),
		Search:       b(k("ctrl+r"), h("ctrl+r", "search the scrollback")),
		Palette:      b(k("ctrl+k"), h("ctrl+k", "command palette")),
		Close:        b(k("esc"), h("esc", "close popup / pane")),
		NextWin:      b(k("ctrl+n"), h("ctrl+n", "next window")),
		PrevWin:      b(k("ctrl+p"), h("ctrl+p", "previous window")),
		Win: b(k("alt+1", "alt+2", "alt+3", "alt+4", "alt+5", "alt+6", "alt+7", "alt+8", "alt+9", "alt+0"),
			h("alt+1…0", "window 1…10")),
		PageUp:   b(k("pgup"), h("pgup", "scroll up")),
		PageDown: b(k("pgdown"), h("pgdn", "scroll down")),
		Home:     b(k("home"), h("home", "oldest line")),
		End:      b(k("end"), h("end", "newest line")),
		NextPane: b(k("ctrl+t"), h("ctrl+t", "next side pane (narrow)")),
		Help:     b(k("f1"), h("f1", "keys and commands")),
		NextItem: b(k("f2"), h("f2", "next agenda item (/next)")),
		Quit:     b(k("ctrl+c"), h("ctrl+c", "clear the line / quit")),
		Faster:   b(k("+", "="), h("+", "demo faster")),
		Slower:   b(k("-"), h("-", "demo slower")),
		Pause:    b(k("space"), h("space", "demo pause")),
	}
}

// ShortHelp implements help.KeyMap.
func (k *KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Help, k.Complete, k.Palette, k.NextWin, k.Quit}
}

// FullHelp implements help.KeyMap: the groups of the help overlay.
func (k *KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Send, k.Complete, k.CompleteBack, k.HistPrev, k.HistNext, k.Search, k.Quit},
		{k.NextWin, k.PrevWin, k.Win, k.PageUp, k.PageDown, k.Home, k.End},
		{k.Palette, k.Close, k.NextPane, k.Help, k.NextItem, k.Faster, k.Slower, k.Pause},
	}
}
