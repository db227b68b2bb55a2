// Package cmdline is the console's command line: a one-line editor that
// moves by grapheme cluster, with input history and fuzzy completion
// (sahilm/fuzzy) shown in a popup with the matched letters highlighted. The
// palette's search and the scrollback search reuse the editor.
package cmdline

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"gavel/tui/common"
)

// Model is the command line.
type Model struct {
	common.Common
	Prompt string
	// OnSubmit runs a line when Send is pressed; the line is in the history
	// and the editor empty by then.
	OnSubmit func(line string) tea.Cmd
	// OnChange is called after every edit (the palette narrows, the search
	// moves); nil for none.
	OnChange func(value string)
	// NoHistory turns the history keys off (the palette uses them to move).
	NoHistory bool
	// Cut, when set, is asked as the line is drawn where the text stops
	// being one line on the wire (a byte offset; 0 or len(text) for
	// nowhere) and what to say about it. The text after the cut is shown
	// dimmed and the note at the right of the line, so the chair sees as
	// they type how much of a long #info becomes the item.
	Cut func(text string) (at int, note string)

	text string
	pos  int // byte offset of the cursor, on a cluster boundary

	hist  []string
	hidx  int // len(hist) when not browsing
	draft string

	Comp Completer
}

// MaxHistory is how many lines the history keeps.
const MaxHistory = 500

// New returns an empty command line.
func New(c common.Common) *Model {
	return &Model{Common: c, Prompt: "› "}
}

// Value is the text typed.
func (m *Model) Value() string { return m.text }

// SetValue replaces the text and puts the cursor at its end.
func (m *Model) SetValue(s string) {
	m.text = clean(s)
	m.pos = len(m.text)
}

// Reset clears the line (the history is kept).
func (m *Model) Reset() {
	m.text, m.pos = "", 0
	m.hidx = len(m.hist)
	m.Comp.Close()
}

// Cursor is the cursor position in bytes.
func (m *Model) Cursor() int { return m.pos }

// clean turns newlines and tabs into spaces and drops control characters
// other than the IRC formatting codes (bold, colour, italic, underline,
// reset) that a chair may type.
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' || r == '\t' {
			return ' '
		}
		if r < 0x20 && r != 0x02 && r != 0x03 && r != 0x1d && r != 0x1f && r != 0x0f || r == 0x7f || r >= 0x80 && r < 0xa0 {
			return -1
		}
		if r == utf8.RuneError {
			return '\uFFFD'
		}
		return r
	}, s)
}

// Insert types s at the cursor (newlines become spaces).
func (m *Model) Insert(s string) {
	s = clean(s)
	m.text = m.text[:m.pos] + s + m.text[m.pos:]
	m.pos += len(s)
	m.snap()
}

// snap moves the cursor to the end of the cluster it is in (typing a
// combining mark after a letter makes them one cluster).
func (m *Model) snap() {
	for i := 0; i < len(m.text); {
		_, size, _ := common.Cluster(m.text[i:])
		if i < m.pos && m.pos < i+size {
			m.pos = i + size
			return
		}
		if i >= m.pos {
			return
		}
		i += size
	}
}

// prev is the start of the cluster before byte i.
func (m *Model) prev(i int) int {
	last := 0
	for j := 0; j < i; {
		last = j
		_, size, _ := common.Cluster(m.text[j:])
		j += size
	}
	return last
}

// next is the end of the cluster at byte i.
func (m *Model) next(i int) int {
	if i >= len(m.text) {
		return len(m.text)
	}
	_, size, _ := common.Cluster(m.text[i:])
	return i + size
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

// Update handles a key or a one-line paste: sending, completion, history
// and editing.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.PasteMsg:
		m.Insert(msg.Content)
		m.Comp.Typed(m, true)
		m.changed()
	case tea.KeyPressMsg:
		k := m.Keys
		switch {
		case key.Matches(msg, k.Send):
			line := m.Value()
			m.Remember(line)
			m.Reset()
			m.changed()
			if m.OnSubmit != nil {
				return m.OnSubmit(line)
			}
		case key.Matches(msg, k.Complete):
			m.Comp.Tab(m, false)
			m.changed()
		case key.Matches(msg, k.CompleteBack):
			m.Comp.Tab(m, true)
			m.changed()
		case !m.NoHistory && key.Matches(msg, k.HistPrev):
			m.Comp.Close()
			m.HistPrev()
			m.changed()
		case !m.NoHistory && key.Matches(msg, k.HistNext):
			m.Comp.Close()
			m.HistNext()
			m.changed()
		default:
			if m.Edit(msg) {
				m.Comp.Typed(m, true)
				m.changed()
			}
		}
	}
	return nil
}

func (m *Model) changed() {
	if m.OnChange != nil {
		m.OnChange(m.text)
	}
}

// ShortHelp implements help.KeyMap.
func (m *Model) ShortHelp() []key.Binding { return []key.Binding{m.Keys.Send, m.Keys.Complete} }

// FullHelp implements help.KeyMap.
func (m *Model) FullHelp() [][]key.Binding {
	return [][]key.Binding{{m.Keys.Send, m.Keys.Complete, m.Keys.CompleteBack, m.Keys.HistPrev, m.Keys.HistNext}}
}

// Edit applies an editing key (readline's); it reports whether the key was
// used.
func (m *Model) Edit(k tea.KeyPressMsg) bool {
	switch k.String() {
	case "left", "ctrl+b":
		m.pos = m.prev(m.pos)
	case "right", "ctrl+f":
		m.pos = m.next(m.pos)
	case "ctrl+a":
		m.pos = 0
	case "ctrl+e":
		m.pos = len(m.text)
	case "backspace", "ctrl+h":
		if m.pos > 0 {
			p := m.prev(m.pos)
			m.text = m.text[:p] + m.text[m.pos:]
			m.pos = p
		}
	case "delete", "ctrl+d":
		if m.pos < len(m.text) {
			m.text = m.text[:m.pos] + m.text[m.next(m.pos):]
		}
	case "ctrl+w", "alt+backspace":
		i := m.pos
		for i > 0 {
			r, size := utf8.DecodeLastRuneInString(m.text[:i])
			if !unicode.IsSpace(r) {
				break
			}
			i -= size
		}
		for i > 0 {
			r, size := utf8.DecodeLastRuneInString(m.text[:i])
			if unicode.IsSpace(r) {
				break
			}
			i -= size
		}
		m.text = m.text[:i] + m.text[m.pos:]
		m.pos = i
	case "ctrl+u":
		m.text = m.text[m.pos:]
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
// start in bytes and its index among the words.
func (m *Model) Token() (tok string, start, index int) {
	start = strings.LastIndexByte(m.text[:m.pos], ' ') + 1
	index = len(strings.Fields(m.text[:start]))
	return m.text[start:m.pos], start, index
}

// Words returns the words before the one being typed.
func (m *Model) Words() []string {
	_, start, _ := m.Token()
	return strings.Fields(m.text[:start])
}

// ReplaceToken replaces the word at start..cursor (and the rest of the word
// after the cursor) with s.
func (m *Model) ReplaceToken(start int, s string) {
	end := m.pos
	if i := strings.IndexByte(m.text[end:], ' '); i >= 0 {
		end += i
	} else {
		end = len(m.text)
	}
	s = clean(s)
	m.text = m.text[:start] + s + m.text[end:]
	m.pos = start + len(s)
}

// Column is the screen column of byte offset i of the text (after the
// prompt, before any scrolling).
func (m *Model) Column(i int) int {
	return common.TextWidth(m.Prompt) + common.TextWidth(visible(m.text[:min(i, len(m.text))]))
}

// View renders the line.
func (m *Model) View() string { return m.Rows()[0] }

// Rows renders the line: the prompt, the text scrolled so that the cursor
// is visible, and the cursor as a reverse-video cell; with a Cut, the text
// after it dimmed and the note at the right.
func (m *Model) Rows() []string {
	st := m.Styles
	w := m.Width
	var r common.Row
	r.Reset(w)
	r.Add(st.Accent, m.Prompt)
	cut, note := m.cut()
	if note != "" {
		note = " " + common.Truncate(common.Visible(note), max(w/2, 1)) + " "
		if r.Left()-common.TextWidth(note) < 12 {
			note = "" // no room: the dimmed text alone shows the cut
		} else {
			r.Max = w - common.TextWidth(note)
		}
	}
	avail := r.Left() - 1
	if avail <= 0 {
		return []string{r.String()}
	}
	// Scroll so the cursor fits: drop clusters from the left.
	from := 0
	for common.TextWidth(visible(m.text[from:m.pos])) > avail-1 && from < m.pos {
		from = m.next(from)
	}
	m.addText(&r, from, m.pos, cut)
	cur, end := " ", m.pos
	if m.pos < len(m.text) {
		end = m.next(m.pos)
		cur = visible(m.text[m.pos:end])
	}
	r.AddStyled(common.NewStyle(nil, nil, common.Reverse).Render(cur), common.TextWidth(cur))
	m.addText(&r, end, len(m.text), cut)
	if note != "" {
		r.Pad(common.Style{})
		r.Max = w
		r.Add(st.Accent, note)
	}
	return []string{r.String()}
}

// cut is where the text is cut on the wire, if anywhere (0 otherwise), and
// the note about it.
func (m *Model) cut() (int, string) {
	if m.Cut == nil {
		return 0, ""
	}
	at, note := m.Cut(m.text)
	if at <= 0 || at >= len(m.text) {
		return 0, ""
	}
	return at, note
}

// addText adds text[from:to], the part after the cut dimmed.
func (m *Model) addText(r *common.Row, from, to, cut int) {
	if cut <= from || cut == 0 {
		st := m.Styles.Text
		if cut > 0 {
			st = m.Styles.Muted
		}
		r.Add(st, visible(m.text[from:to]))
		return
	}
	if cut >= to {
		r.Add(m.Styles.Text, visible(m.text[from:to]))
		return
	}
	r.Add(m.Styles.Text, visible(m.text[from:cut]))
	r.Add(m.Styles.Muted, visible(m.text[cut:to]))
}

// visible shows formatting control characters as letters.
func visible(s string) string {
	if strings.IndexFunc(s, func(r rune) bool { return r < 0x20 }) < 0 {
		return s
	}
	return strings.Map(func(r rune) rune {
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
	}, s)
}
