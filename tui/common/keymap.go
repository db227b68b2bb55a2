package common

import "charm.land/bubbles/v2/key"

// KeyMap is every key binding of the console. It implements help.KeyMap so
// that bubbles/help renders the help overlay from the bindings themselves.
type KeyMap struct {
	Send, Complete, CompleteBack, Palette, Close key.Binding
	HistPrev, HistNext, ClearLine                key.Binding
	NextWin, PrevWin, Win                        key.Binding
	PageUp, PageDown, Home, End                  key.Binding
	NextPane                                     key.Binding
	Help, Quit                                   key.Binding
	// Demo playback (only when the command line is empty).
	Faster, Slower, Pause key.Binding
}

// DefaultKeyMap returns the console's bindings.
func DefaultKeyMap() *KeyMap {
	b := key.NewBinding
	k, h := key.WithKeys, key.WithHelp
	return &KeyMap{
		Send:         b(k("enter"), h("enter", "say / run command")),
		Complete:     b(k("tab"), h("tab", "complete (again: next)")),
		CompleteBack: b(k("shift+tab"), h("shift+tab", "previous completion")),
		Palette:      b(k("ctrl+k"), h("ctrl+k", "command palette")),
		Close:        b(k("esc"), h("esc", "close popup / pane")),
		HistPrev:     b(k("up"), h("↑", "previous input")),
		HistNext:     b(k("down"), h("↓", "next input")),
		ClearLine:    b(k("ctrl+u"), h("ctrl+u", "clear the line")),
		NextWin:      b(k("ctrl+n"), h("ctrl+n", "next window")),
		PrevWin:      b(k("ctrl+p"), h("ctrl+p", "previous window")),
		Win: b(k("alt+1", "alt+2", "alt+3", "alt+4", "alt+5", "alt+6", "alt+7", "alt+8", "alt+9"),
			h("alt+1…9", "go to window")),
		PageUp:   b(k("pgup"), h("pgup", "scroll up")),
		PageDown: b(k("pgdown"), h("pgdn", "scroll down")),
		Home:     b(k("home"), h("home", "oldest line")),
		End:      b(k("end"), h("end", "newest line")),
		NextPane: b(k("ctrl+t"), h("ctrl+t", "next side pane (narrow)")),
		Help:     b(k("?", "f1"), h("?/f1", "help")),
		Quit:     b(k("ctrl+c"), h("ctrl+c", "quit")),
		Faster:   b(k("+", "="), h("+", "demo faster")),
		Slower:   b(k("-"), h("-", "demo slower")),
		Pause:    b(k("space"), h("space", "demo pause")),
	}
}

// ShortHelp implements help.KeyMap.
func (k *KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Help, k.Complete, k.Palette, k.NextWin, k.Quit}
}

// FullHelp implements help.KeyMap.
func (k *KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Send, k.Complete, k.CompleteBack, k.Palette, k.HistPrev, k.HistNext, k.ClearLine, k.Close},
		{k.NextWin, k.PrevWin, k.Win, k.PageUp, k.PageDown, k.Home, k.End, k.NextPane},
		{k.Faster, k.Slower, k.Pause, k.Help, k.Quit},
	}
}

// Common is what every pane embeds.
type Common struct {
	Width, Height int
	Styles        *Styles
	Keys          *KeyMap
}

// SetSize records the pane's size.
func (c *Common) SetSize(w, h int) { c.Width, c.Height = w, h }
