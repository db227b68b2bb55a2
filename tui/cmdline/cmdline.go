// Package cmdline is the console's command line: a one-line editor with
// input history, and fuzzy completion (sahilm/fuzzy) shown in a popup with
// the matched letters highlighted.
package cmdline

import (
	"strings"
	"unicode"

	tea "charm.land/bubbletea/v2"

	"gavel/tui/common"
)

// Model is the command line.
type Model struct {
	common.Common
	Prompt string

	runes []rune
	pos   int

	hist  []string
	hidx  int // len(hist) when not browsing
	draft string

	Comp Completer
}

// MaxHistory is how many lines the history keeps.
const MaxHistory = 500

// New returns an empty command line.
func New(c common.Common) *Model {
	m := &Model{Common: c, Prompt: "› "}
	return m
}

// Value is the text typed.
func (m *Model) Value() string { return string(m.runes) }

// SetValue replaces the text and puts the cursor at its end.
func (m *Model) SetValue(s string) {
	m.runes = []rune(s)
	m.pos = len(m.runes)
}

// Reset clears the line (the history is kept).
func (m *Model) Reset() {
	m.runes, m.pos = m.runes[:0], 0
	m.hidx = len(m.hist)
	m.Comp.Close()
}

// Cursor is the cursor position in runes.
func (m *Model) Cursor() int { return m.pos }

// Insert types s at the cursor (newlines become spaces).
func (m *Model) Insert(s string) {
	rs := []rune(strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' || r == '\t' {
			return ' '
		}
		if r < 0x20 && r != 0x02 && r != 0x03 && r != 0x1d && r != 0x1f && r != 0x0f {
			return -1
		}
		return r
	}, s))
	m.runes = append(m.runes[:m.pos], append(rs, m.runes[m.pos:]...)...)
	m.pos += len(rs)
}

// Remember adds a sent line to the history.
func (m *Model) Remember(line string) {
	if line == "" {
		return
	}
	if n := len(m.hist); n == 0 || m.hist[n-1] != line {
		m.hist = append(m.hist, line)
		if len(m.hist) > MaxHistory {
			m.hist = m.hist[len(m.hist)-MaxHistory:]
		}
	}
	m.hidx = len(m.hist)
}

// History returns the remembered lines, oldest first.
func (m *Model) History() []string { return m.hist }

// HistPrev shows the previous history line.
func (m *Model) HistPrev() {
	if m.hidx == 0 {
		return
	}
	if m.hidx == len(m.hist) {
		m.draft = m.Value()
	}
	m.hidx--
	m.SetValue(m.hist[m.hidx])
}

// HistNext shows the next history line, or the draft after the newest.
func (m *Model) HistNext() {
	if m.hidx >= len(m.hist) {
		return
	}
	m.hidx++
	if m.hidx == len(m.hist) {
		m.SetValue(m.draft)
		return
	}
	m.SetValue(m.hist[m.hidx])
}

// Edit applies an editing key; it reports whether the key was used.
func (m *Model) Edit(k tea.KeyPressMsg) bool {
	switch k.String() {
	case "left", "ctrl+b":
		m.pos = max(m.pos-1, 0)
	case "right", "ctrl+f":
		m.pos = min(m.pos+1, len(m.runes))
	case "ctrl+a":
		m.pos = 0
	case "ctrl+e":
		m.pos = len(m.runes)
	case "backspace", "ctrl+h":
		if m.pos > 0 {
			m.runes = append(m.runes[:m.pos-1], m.runes[m.pos:]...)
			m.pos--
		}
	case "delete", "ctrl+d":
		if m.pos < len(m.runes) {
			m.runes = append(m.runes[:m.pos], m.runes[m.pos+1:]...)
		}
	case "ctrl+w", "alt+backspace":
		i := m.pos
		for i > 0 && unicode.IsSpace(m.runes[i-1]) {
			i--
		}
		for i > 0 && !unicode.IsSpace(m.runes[i-1]) {
			i--
		}
		m.runes = append(m.runes[:i], m.runes[m.pos:]...)
		m.pos = i
	case "ctrl+u":
		m.runes = append(m.runes[:0], m.runes[m.pos:]...)
		m.pos = 0
	case "ctrl+k":
		return false
	case "space":
		m.Insert(" ")
	default:
		if k.Text == "" || k.Mod&(tea.ModCtrl|tea.ModAlt) != 0 {
			return false
		}
		m.Insert(k.Text)
	}
	return true
}

// Token returns the word being typed (from its start to the cursor), its
// start in runes and its index among the words.
func (m *Model) Token() (tok string, start, index int) {
	start = m.pos
	for start > 0 && m.runes[start-1] != ' ' {
		start--
	}
	index = len(strings.Fields(string(m.runes[:start])))
	return string(m.runes[start:m.pos]), start, index
}

// Words returns the words before the one being typed.
func (m *Model) Words() []string {
	_, start, _ := m.Token()
	return strings.Fields(string(m.runes[:start]))
}

// ReplaceToken replaces the word at start..cursor with s.
func (m *Model) ReplaceToken(start int, s string) {
	end := m.pos
	for end < len(m.runes) && m.runes[end] != ' ' {
		end++
	}
	rs := []rune(s)
	m.runes = append(m.runes[:start], append(rs, m.runes[end:]...)...)
	m.pos = start + len(rs)
}

// View renders the line: the prompt, the text scrolled so that the cursor
// is visible, and the cursor as a reverse-video cell.
func (m *Model) View() string {
	st := m.Styles
	w := m.Width
	var r common.Row
	r.Reset(w)
	r.Add(st.Accent, m.Prompt)
	avail := r.Left() - 1
	if avail <= 0 {
		return r.String()
	}
	// Scroll so the cursor fits.
	from := 0
	width := 0
	for i := m.pos - 1; i >= 0; i-- {
		width += common.RuneWidth(m.runes[i])
		if width > avail-1 {
			from = i + 1
			break
		}
	}
	var before, after strings.Builder
	for _, c := range m.runes[from:m.pos] {
		before.WriteRune(visible(c))
	}
	r.Add(st.Text, before.String())
	cur := " "
	if m.pos < len(m.runes) {
		cur = string(visible(m.runes[m.pos]))
		for _, c := range m.runes[m.pos+1:] {
			after.WriteRune(visible(c))
		}
	}
	r.AddStyled(common.NewStyle(nil, nil, common.Reverse).Render(cur), common.TextWidth(cur))
	r.Add(st.Text, after.String())
	return r.String()
}

// visible shows formatting control characters as letters.
func visible(r rune) rune {
	switch r {
	case 0x02:
		return 'B'
	case 0x03:
		return 'C'
	case 0x1d:
		return 'I'
	case 0x1f:
		return 'U'
	case 0x0f:
		return 'O'
	}
	return r
}
