package tui

import (
	"strings"

	tea "charm.land/bubbletea/v2"

	"gavel/tui/cmdline"
	"gavel/tui/common"
)

// palette is the Ctrl+K command palette: everything the console can do,
// fuzzy-searched.
type palette struct {
	query   []rune
	items   []paletteItem
	names   []string
	matcher *cmdline.Matcher
	matches []cmdline.Match
	sel     int
}

type paletteItem struct {
	name, help string
	run        func(m *Model)
}

func (m *Model) openPalette() {
	var items []paletteItem
	for _, c := range consoleCommands {
		c := c
		items = append(items, paletteItem{"/" + c.name + " " + c.args, c.help, func(m *Model) {
			m.input.SetValue("/" + c.name + " ")
		}})
	}
	for _, c := range m.meetCmds {
		c := c
		items = append(items, paletteItem{c, "meeting command, said to the channel", func(m *Model) {
			m.input.SetValue(c + " ")
		}})
	}
	actions := []struct {
		name, help string
		run        func(m *Model)
	}{
		{"next window", "ctrl+n", func(m *Model) { m.switchWin((m.wins.cur + 1) % len(m.wins.list)) }},
		{"previous window", "ctrl+p", func(m *Model) { m.switchWin((m.wins.cur - 1 + len(m.wins.list)) % len(m.wins.list)) }},
		{"show the keys", "? or f1", func(m *Model) { m.showHelp = true }},
		{"preview the minutes", "/minutes", func(m *Model) { m.showMinutes() }},
		{"list the lookups", "/lookup", func(m *Model) { m.lookupHelp() }},
		{"theme: dark", "/theme dark", func(m *Model) { m.command("/theme dark") }},
		{"theme: light", "/theme light", func(m *Model) { m.command("/theme light") }},
		{"theme: high contrast", "/theme high-contrast", func(m *Model) { m.command("/theme high-contrast") }},
		{"scroll to the oldest line", "home", func(m *Model) { m.wins.current().log.Home() }},
		{"scroll to the newest line", "end", func(m *Model) { m.wins.current().log.End() }},
		{"quit", "ctrl+c", func(m *Model) { m.quit("") }},
	}
	if m.demo != nil {
		actions = append(actions,
			struct {
				name, help string
				run        func(m *Model)
			}{"demo: pause or resume", "space", func(m *Model) { m.demo.paused = !m.demo.paused }},
			struct {
				name, help string
				run        func(m *Model)
			}{"demo: faster", "+", func(m *Model) { m.demo.faster() }},
			struct {
				name, help string
				run        func(m *Model)
			}{"demo: slower", "-", func(m *Model) { m.demo.slower() }},
		)
	}
	for i, w := range m.wins.list {
		i := i
		items = append(items, paletteItem{"window " + w.name, "alt+" + itoa(i+1), func(m *Model) { m.switchWin(i) }})
	}
	for _, a := range actions {
		items = append(items, paletteItem{a.name, a.help, a.run})
	}
	p := &palette{items: items}
	for _, it := range items {
		p.names = append(p.names, it.name)
	}
	p.matcher = cmdline.NewMatcher(p.names)
	p.refresh()
	m.palette = p
	m.input.Comp.Close()
}

func (p *palette) refresh() {
	p.matches = p.matcher.Find(string(p.query), 0)
	p.sel = 0
}

func (m *Model) paletteKey(k tea.KeyPressMsg) tea.Cmd {
	p := m.palette
	switch k.String() {
	case "esc", "ctrl+k":
		m.palette = nil
	case "up", "ctrl+p", "shift+tab":
		if p.sel > 0 {
			p.sel--
		}
	case "down", "ctrl+n", "tab":
		if p.sel < len(p.matches)-1 {
			p.sel++
		}
	case "enter":
		m.palette = nil
		if p.sel < len(p.matches) {
			p.items[p.matches[p.sel].Index].run(m)
		}
		if m.quitting {
			return tea.Quit
		}
	case "backspace":
		if len(p.query) > 0 {
			p.query = p.query[:len(p.query)-1]
			p.matcher = cmdline.NewMatcher(p.names)
			p.refresh()
		}
	case "space":
		p.query = append(p.query, ' ')
		p.refresh()
	default:
		if k.Text != "" && k.Mod&(tea.ModCtrl|tea.ModAlt) == 0 {
			p.query = append(p.query, []rune(k.Text)...)
			p.refresh()
		}
	}
	return nil
}

func (p *palette) rows(st *common.Styles, w, h int) []string {
	iw := w - 2
	inner := []string{common.Line(st.Popup, " › "+string(p.query)+"▏", iw), common.Line(st.Popup, "", iw)}
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
		inner = append(inner, cmdline.HighlightRow(base, hi, mt.Str, mt.Matched, p.items[mt.Index].help, iw))
	}
	if len(p.matches) == 0 {
		inner = append(inner, common.Line(st.Popup, " nothing matches", iw))
	}
	for len(inner) < h-2 {
		inner = append(inner, common.Line(st.Popup, "", iw))
	}
	title := "Everything · " + itoa(len(p.matches)) + " · enter runs · esc closes"
	return st.Frame(inner, w, h, strings.TrimSpace(title), true)
}
