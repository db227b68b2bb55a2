package panes

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"gavel/tui/common"
)

// Choice is one answer of a Dialog: the keys that pick it and what it does.
type Choice struct {
	Keys  []string // "e", "y", "enter"…
	Label string   // "e: #endmeeting, then quit"
	Run   func() tea.Cmd
}

// Dialog asks a question (leave a running meeting? send a long paste?)
// and runs the choice picked; Esc (or a choice with no Run) cancels.
type Dialog struct {
	common.Common
	Title   string
	Lines   []string
	Choices []Choice
	done    bool
}

// Done reports whether the dialog has been answered.
func (d *Dialog) Done() bool { return d.done }

// Update picks a choice by key.
func (d *Dialog) Update(msg tea.Msg) tea.Cmd {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	if key.Matches(k, d.Keys.Close) {
		d.done = true
		return nil
	}
	s := k.String()
	for _, c := range d.Choices {
		for _, ck := range c.Keys {
			if ck == s || ck == strings.ToLower(s) {
				d.done = true
				if c.Run != nil {
					return c.Run()
				}
				return nil
			}
		}
	}
	return nil
}

// ShortHelp implements help.KeyMap.
func (d *Dialog) ShortHelp() []key.Binding {
	out := make([]key.Binding, 0, len(d.Choices)+1)
	for _, c := range d.Choices {
		out = append(out, key.NewBinding(key.WithKeys(c.Keys...), key.WithHelp(strings.Join(c.Keys, "/"), c.Label)))
	}
	return append(out, d.Keys.Close)
}

// FullHelp implements help.KeyMap.
func (d *Dialog) FullHelp() [][]key.Binding { return [][]key.Binding{d.ShortHelp()} }

// Rows renders the dialog framed, Width wide (its height follows the text).
func (d *Dialog) Rows() []string {
	st := d.Styles
	w := d.Width
	lines := append(append([]string{}, d.Lines...), "")
	for _, c := range d.Choices {
		lines = append(lines, "  "+c.Label)
	}
	lines = append(lines, "  esc: cancel")
	inner := make([]string, len(lines))
	for i, l := range lines {
		inner[i] = common.Line(st.Popup, " "+l, w-2)
	}
	return st.Frame(inner, w, len(lines)+2, d.Title, true)
}
