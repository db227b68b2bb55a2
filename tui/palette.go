package tui

import (
	"slices"
	"strings"

	tea "charm.land/bubbletea/v2"

	"gavel/meeting"
	"gavel/tui/cmdline"
	"gavel/tui/palette"
	"gavel/tui/winlist"
)

// openPalette opens Ctrl+K over everything the console can do: the /
// commands, the meeting commands, the windows and the screen's actions.
func (m *Model) openPalette() {
	var items []palette.Item
	fill := func(s string) func() tea.Cmd {
		return func() tea.Cmd { m.input.SetValue(s); return nil }
	}
	for _, c := range commands {
		items = append(items, palette.Item{Name: strings.TrimSpace("/" + c.name + " " + c.args), Help: c.help, Run: fill("/" + c.name + " ")})
	}
	for _, c := range meeting.CommandTable() {
		help := c.Help + " (said to the channel)"
		if c.Chair {
			help = c.Help + " (chairs; said to the channel)"
		}
		items = append(items, palette.Item{Name: "#" + c.Name, Help: help, Run: fill("#" + c.Name + " ")})
	}
	for _, w := range m.wins.All() {
		items = append(items, palette.Item{Name: "window " + itoa(w.Num) + ": " + w.Name, Help: "alt+" + itoa(w.Num%10),
			Run: func() tea.Cmd { m.focus(w); return nil }})
	}
	run := func(line string) func() tea.Cmd { return func() tea.Cmd { return m.command(line) } }
	items = append(items,
		palette.Item{Name: "next window", Help: "ctrl+n", Run: func() tea.Cmd { m.wins.Update(keyOf(m.Keys.NextWin.Keys()[0])); m.switched(); return nil }},
		palette.Item{Name: "previous window", Help: "ctrl+p", Run: func() tea.Cmd { m.wins.Update(keyOf(m.Keys.PrevWin.Keys()[0])); m.switched(); return nil }},
		palette.Item{Name: "show the keys and commands", Help: "f1", Run: func() tea.Cmd { m.openHelp(); return nil }},
		palette.Item{Name: "preview the minutes", Help: "/minutes", Run: run("/minutes")},
		palette.Item{Name: "list the lookups", Help: "/lookup", Run: run("/lookup")},
		palette.Item{Name: "search the scrollback", Help: "ctrl+r", Run: func() tea.Cmd { m.startSearch(); return nil }},
		palette.Item{Name: "theme: dark", Help: "/theme dark", Run: run("/theme dark")},
		palette.Item{Name: "theme: light", Help: "/theme light", Run: run("/theme light")},
		palette.Item{Name: "theme: high contrast", Help: "/theme high-contrast", Run: run("/theme high-contrast")},
		palette.Item{Name: "scroll to the oldest line", Help: "home", Run: func() tea.Cmd { m.wins.Current().Log.Home(); return nil }},
		palette.Item{Name: "scroll to the newest line", Help: "end", Run: func() tea.Cmd { m.wins.Current().Log.End(); return nil }},
		palette.Item{Name: "quit", Help: "ctrl+c", Run: func() tea.Cmd { return m.quit("") }},
	)
	if m.demo != nil {
		items = append(items,
			palette.Item{Name: "demo: pause or resume", Help: "space", Run: func() tea.Cmd { m.demo.togglePause(); return nil }},
			palette.Item{Name: "demo: faster", Help: "+", Run: func() tea.Cmd { m.demo.faster(); return nil }},
			palette.Item{Name: "demo: slower", Help: "-", Run: func() tea.Cmd { m.demo.slower(); return nil }},
		)
	}
	m.overlay = palette.New(m.Common, items)
	m.input.Comp.Close()
}

// keyOf is the key press of a binding's key name ("ctrl+n").
func keyOf(name string) tea.KeyPressMsg {
	if k, ok := strings.CutPrefix(name, "ctrl+"); ok {
		return tea.KeyPressMsg{Code: rune(k[0]), Mod: tea.ModCtrl}
	}
	return tea.KeyPressMsg{Code: rune(name[0]), Text: name}
}

// completions is the command line's completion source.
func (m *Model) completions(words []string, tok string, index int) (cmdline.Set, bool) {
	w := m.wins.Current()
	if index == 0 {
		switch {
		case strings.HasPrefix(tok, "/"):
			names := make([]string, len(commands))
			details := make([]string, len(commands))
			for i, c := range commands {
				names[i], details[i] = "/"+c.name, c.args+" — "+c.help
			}
			return cmdline.Set{Title: "commands", Items: m.cached("commands", names), Details: details}, true
		case strings.HasPrefix(tok, "#") && w.Kind == winlist.Channel:
			return cmdline.Set{Title: "meeting commands", Items: m.cached("meeting", meetingCommands())}, true
		}
		return cmdline.Set{Title: "nicks in " + w.Name, Items: m.nicksFor(w), Suffix: ": "}, true
	}
	first := strings.ToLower(words[0])
	completes := ""
	if c, ok := lookupCommand(first); ok && strings.HasPrefix(first, "/") && index == 1 {
		completes = c.completes
	}
	if first == "/lookup" && index == 2 && len(words) > 1 {
		for _, ci := range m.opts.Router.Commands() {
			if ci.Name == strings.ToLower(words[1]) {
				completes = ci.Completes
			}
		}
	}
	switch completes {
	case "packages":
		return cmdline.Set{Title: "packages", Items: m.cached("packages", m.opts.Router.Packages())}, true
	case "users":
		return cmdline.Set{Title: "accounts", Items: m.cached("users", m.opts.Router.Users())}, true
	case "channels":
		return cmdline.Set{Title: "channels", Items: m.channelList()}, true
	case "themes":
		return cmdline.Set{Title: "themes", Items: m.cached("themes", []string{"dark", "light", "high-contrast", "auto"})}, true
	case "lookups":
		return cmdline.Set{Title: "lookups", Items: m.cached("lookups", m.lookupNames())}, true
	}
	if strings.HasPrefix(tok, "#") {
		return cmdline.Set{Title: "channels", Items: m.channelList()}, true
	}
	return cmdline.Set{Title: "nicks in " + w.Name, Items: m.nicksFor(w)}, true
}

// cached keeps one slice per completion list, so that the matcher can
// narrow the last matches as a word is typed (it recognises its slice).
func (m *Model) cached(name string, items []string) []string {
	if m.lists == nil {
		m.lists = map[string][]string{}
	}
	if l, ok := m.lists[name]; ok && slices.Equal(l, items) {
		return l
	}
	m.lists[name] = items
	return items
}

// nicksFor lists the nicks to complete in a window: its members (read
// from the client) and the meeting's attendees who have left.
func (m *Model) nicksFor(w *winlist.Window) []string {
	var out []string
	switch w.Kind {
	case winlist.Channel:
		present := map[string]bool{}
		for _, mb := range m.chans.Members(w.Name) {
			out = append(out, mb.Nick)
			present[m.Me.FoldName(mb.Nick)] = true
		}
		if mt := m.opts.Glue.Meeting(w.Name); mt != nil {
			for _, a := range mt.Attendees {
				if !present[m.Me.FoldName(a.Nick)] {
					out = append(out, a.Nick)
				}
			}
		}
	case winlist.Query:
		out = append(out, w.Name)
	}
	return m.cached("nicks:"+w.Name, out)
}

func (m *Model) channelList() []string {
	var out []string
	for _, w := range m.wins.All() {
		if w.Kind == winlist.Channel {
			out = append(out, w.Name)
		}
	}
	return m.cached("channels", out)
}
