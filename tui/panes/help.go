package panes

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"gavel/tui/common"
)

// Help is the help overlay: the key bindings, rendered from the bindings
// themselves (common.KeyMap's groups), then the commands. It lays the keys
// out in as many columns as fit, so it fits any width from 40 cells, and
// scrolls when it is taller than the screen.
type Help struct {
	common.Common
	Keys     [][]key.Binding
	Commands [][2]string // usage, what it does
	Footer   []string
	offset   int
	done     bool
}

// Done reports whether the overlay was closed.
func (h *Help) Done() bool { return h.done }

// Update scrolls and closes.
func (h *Help) Update(msg tea.Msg) tea.Cmd {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	km := h.Common.Keys
	page := max(h.Height-3, 1)
	switch {
	case key.Matches(k, km.Close, km.Help) || k.String() == "q":
		h.done = true
	case key.Matches(k, km.PageDown) || k.String() == "space":
		h.offset += page
	case key.Matches(k, km.PageUp):
		h.offset -= page
	case key.Matches(k, km.HistNext):
		h.offset++
	case key.Matches(k, km.HistPrev):
		h.offset--
	case key.Matches(k, km.Home):
		h.offset = 0
	case key.Matches(k, km.End):
		h.offset = len(h.lines())
	}
	h.offset = max(min(h.offset, len(h.lines())-(h.Height-2)), 0)
	return nil
}

// ShortHelp implements help.KeyMap.
func (h *Help) ShortHelp() []key.Binding {
	return []key.Binding{h.Common.Keys.PageUp, h.Common.Keys.PageDown, h.Common.Keys.Close}
}

// FullHelp implements help.KeyMap.
func (h *Help) FullHelp() [][]key.Binding { return [][]key.Binding{h.ShortHelp()} }

// lines lays the text out for the width.
func (h *Help) lines() []string {
	iw := h.Width - 4
	var out []string
	out = append(out, "Keys")
	var cells []string
	for _, g := range h.Keys {
		for _, b := range g {
			if !b.Enabled() || b.Help().Key == "" {
				continue
			}
			cells = append(cells, padTo(b.Help().Key, 10)+" "+b.Help().Desc)
		}
	}
	const colW = 36
	cols := max(iw/colW, 1)
	rows := (len(cells) + cols - 1) / cols
	for r := 0; r < rows; r++ {
		var line strings.Builder
		for c := 0; c < cols; c++ {
			i := c*rows + r
			if i >= len(cells) {
				break
			}
			cell := cells[i]
			if c < cols-1 {
				cell = padTo(common.Truncate(cell, colW-2), colW)
			}
			line.WriteString(cell)
		}
		out = append(out, "  "+line.String())
	}
	if len(h.Commands) > 0 {
		out = append(out, "", "Commands")
		uw := 0
		for _, c := range h.Commands {
			uw = max(uw, common.TextWidth(c[0]))
		}
		uw = min(uw, iw/2)
		for _, c := range h.Commands {
			u := c[0]
			if common.TextWidth(u) > uw {
				out = append(out, "  "+u)
				u = ""
			}
			out = append(out, "  "+padTo(u, uw)+"  "+c[1])
		}
	}
	if len(h.Footer) > 0 {
		out = append(out, "")
		out = append(out, h.Footer...)
	}
	return out
}

func padTo(s string, n int) string {
	if w := common.TextWidth(s); w < n {
		return s + common.Spaces(n-w)
	}
	return s
}

// Rows renders the overlay framed, Width wide and at most Height high.
func (h *Help) Rows() []string {
	st := h.Styles
	lines := h.lines()
	height := min(len(lines)+2, h.Height)
	inner := make([]string, 0, height-2)
	for i := h.offset; i < len(lines) && len(inner) < height-2; i++ {
		style := st.Popup
		if l := lines[i]; l == "Keys" || l == "Commands" {
			style = st.PopupTitle
		}
		inner = append(inner, common.Line(style, " "+lines[i], h.Width-2))
	}
	title := "Help · esc closes"
	if len(lines) > height-2 {
		title += " · pgup/pgdn scroll"
	}
	return st.Frame(inner, h.Width, height, title, true)
}
