// Package palette is the Ctrl+K command palette: everything the console
// can do, fuzzy-searched as you type. Its search line is the command line's
// editor, so Ctrl+U, Ctrl+W and the cursor keys work there too.
package palette

import (
	"strconv"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"gavel/tui/cmdline"
	"gavel/tui/common"
)

// Item is one thing the palette offers; Run does it.
type Item struct {
	Name, Help string
	Run        func() tea.Cmd
}

// Model is an open palette. The root drops it once Done.
type Model struct {
	common.Common
	items   []Item
	matcher *cmdline.Matcher
	matches []cmdline.Match
	sel     int
	query   *cmdline.Model
	done    bool
	keys    keyMap
}

type keyMap struct{ Up, Down, Run, Close key.Binding }

// New opens a palette over items.
func New(c common.Common, items []Item) *Model {
	names := make([]string, len(items))
	for i, it := range items {
		names[i] = it.Name
	}
	p := &Model{Common: c, items: items, matcher: cmdline.NewMatcher(names)}
	p.keys = keyMap{
		Up:    key.NewBinding(key.WithKeys("up", "ctrl+p", "shift+tab"), key.WithHelp("↑", "previous")),
		Down:  key.NewBinding(key.WithKeys("down", "ctrl+n", "tab"), key.WithHelp("↓", "next")),
		Run:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "run")),
		Close: key.NewBinding(key.WithKeys("esc", "ctrl+k"), key.WithHelp("esc", "close")),
	}
	p.query = cmdline.New(c)
	p.query.Prompt = " › "
	p.query.NoHistory = true
	p.query.OnChange = func(string) { p.refresh() }
	p.refresh()
	return p
}

// Done reports whether the palette has closed.
func (p *Model) Done() bool { return p.done }

// Query is the search typed.
func (p *Model) Query() string { return p.query.Value() }

// Matches are the items shown, best first.
func (p *Model) Matches() []cmdline.Match { return p.matches }

func (p *Model) refresh() {
	p.matches = p.matcher.Find(p.query.Value(), 0)
	p.sel = 0
}

// Update handles a key: moving, running, closing, or editing the search.
func (p *Model) Update(msg tea.Msg) tea.Cmd {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		if pm, ok := msg.(tea.PasteMsg); ok {
			return p.query.Update(pm)
		}
		return nil
	}
	switch {
	case key.Matches(k, p.keys.Close):
		p.done = true
	case key.Matches(k, p.keys.Up):
		p.sel = max(p.sel-1, 0)
	case key.Matches(k, p.keys.Down):
		p.sel = min(p.sel+1, max(len(p.matches)-1, 0))
	case key.Matches(k, p.keys.Run):
		p.done = true
		if p.sel < len(p.matches) {
			if run := p.items[p.matches[p.sel].Index].Run; run != nil {
				return run()
			}
		}
	default:
		p.query.Edit(k)
		p.refresh()
	}
	return nil
}

// ShortHelp implements help.KeyMap.
func (p *Model) ShortHelp() []key.Binding {
	return []key.Binding{p.keys.Up, p.keys.Down, p.keys.Run, p.keys.Close}
}

// FullHelp implements help.KeyMap.
func (p *Model) FullHelp() [][]key.Binding { return [][]key.Binding{p.ShortHelp()} }

// Rows renders the palette as a framed box of Width x Height.
func (p *Model) Rows() []string {
	st := p.Styles
	w, h := p.Width, p.Height
	iw := w - 2
	p.query.SetSize(iw, 1)
	inner := []string{p.query.View(), common.Line(st.Popup, "", iw)}
	n := h - 4
	first := 0
	if p.sel >= n {
		first = p.sel - n + 1
	}
	for i := first; i < len(p.matches) && i < first+n; i++ {
		mt := p.matches[i]
		base, hi := st.Popup, st.PopupMatch
		if i == p.sel {
			base, hi = st.PopupSelect, st.PopupSelectMatch
		}
		inner = append(inner, cmdline.HighlightRow(base, hi, mt.Str, mt.Matched, p.items[mt.Index].Help, iw))
	}
	if len(p.matches) == 0 {
		inner = append(inner, common.Line(st.Popup, " nothing matches", iw))
	}
	for len(inner) < h-2 {
		inner = append(inner, common.Line(st.Popup, "", iw))
	}
	title := "Everything · " + strconv.Itoa(len(p.matches)) + " · enter runs · esc closes"
	return st.Frame(inner, w, h, title, true)
}
