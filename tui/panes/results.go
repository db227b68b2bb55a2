package panes

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"gavel/tui/common"
)

// Results shows a lookup answer as a scrollable table, or a text (the
// minutes preview, a help text).
type Results struct {
	common.Common
	Title   string
	Note    string // source and fallback note, shown under the table
	Focused bool

	columns []string
	rows    [][]string
	text    []string
	offset  int
	widths  []int
	Loading bool
	Err     string
	// Kind names what the pane shows ("lookup", "minutes", "help"…), so
	// that the owner can refresh it in place.
	Kind  string
	shown bool
}

// Show opens the pane.
func (r *Results) Show() { r.shown = true }

// Hide closes the pane.
func (r *Results) Hide() { r.shown = false }

// Shown reports whether the pane is open.
func (r *Results) Shown() bool { return r.shown }

// Update scrolls the open pane: PgUp, PgDn, Home, End and the wheel.
func (r *Results) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		k := r.Keys
		page := max(r.visible()-1, 1)
		switch {
		case key.Matches(msg, k.PageUp):
			r.Scroll(-page)
		case key.Matches(msg, k.PageDown):
			r.Scroll(page)
		case key.Matches(msg, k.Home):
			r.offset = 0
		case key.Matches(msg, k.End):
			r.Scroll(r.lines())
		}
	case tea.MouseWheelMsg:
		switch msg.Button {
		case tea.MouseWheelUp:
			r.Scroll(-3)
		case tea.MouseWheelDown:
			r.Scroll(3)
		}
	}
	return nil
}

// Handles reports whether a key scrolls the pane.
func (r *Results) Handles(k tea.KeyPressMsg) bool {
	return key.Matches(k, r.Keys.PageUp, r.Keys.PageDown, r.Keys.Home, r.Keys.End)
}

// ShortHelp implements help.KeyMap.
func (r *Results) ShortHelp() []key.Binding { return []key.Binding{r.Keys.PageUp, r.Keys.PageDown} }

// FullHelp implements help.KeyMap.
func (r *Results) FullHelp() [][]key.Binding {
	return [][]key.Binding{{r.Keys.PageUp, r.Keys.PageDown, r.Keys.Home, r.Keys.End, r.Keys.Close}}
}

// SetSize sizes the pane (frame included) and keeps the scroll position
// within the text.
func (r *Results) SetSize(w, h int) {
	r.Common.SetSize(w, h)
	r.Scroll(0)
}

// Offset is the first row shown.
func (r *Results) Offset() int { return r.offset }

// Refresh replaces the text and keeps the scroll position (a running
// meeting's minutes preview, redrawn as the meeting goes on).
func (r *Results) Refresh(title string, lines []string) {
	off := r.offset
	r.SetText(title, lines)
	r.Scroll(off)
}

// SetTable shows a table.
func (r *Results) SetTable(title string, columns []string, rows [][]string, note string) {
	r.Title, r.columns, r.rows, r.text, r.Note = title, columns, rows, nil, note
	r.offset, r.Loading, r.Err = 0, false, ""
	r.widths = nil
}

// SetText shows lines of plain text.
func (r *Results) SetText(title string, lines []string) {
	r.Title, r.columns, r.rows, r.text, r.Note = title, nil, nil, lines, ""
	r.offset, r.Loading, r.Err = 0, false, ""
}

// SetError shows a failed lookup in one line.
func (r *Results) SetError(title, err string) {
	r.SetText(title, nil)
	r.Err = err
}

// SetLoading shows that a lookup is running.
func (r *Results) SetLoading(title string) {
	r.SetText(title, nil)
	r.Loading = true
}

func (r *Results) lines() int {
	if r.columns != nil {
		return len(r.rows)
	}
	return len(r.text)
}

// Scroll moves by n rows.
func (r *Results) Scroll(n int) {
	r.offset += n
	vis := r.visible()
	if m := r.lines() - vis; r.offset > m {
		r.offset = max(m, 0)
	}
	if r.offset < 0 {
		r.offset = 0
	}
}

func (r *Results) visible() int {
	v := r.Height - 2
	if r.columns != nil {
		v -= 2 // header and rule
	}
	if r.Note != "" {
		v--
	}
	return max(v, 0)
}

// colWidths fits the columns in w: each gets its natural width, and the
// widest give up cells until the table fits.
func (r *Results) colWidths(w int) []int {
	n := len(r.columns)
	ws := make([]int, n)
	for i, c := range r.columns {
		ws[i] = common.TextWidth(c)
	}
	for _, row := range r.rows {
		for i := 0; i < n && i < len(row); i++ {
			ws[i] = max(ws[i], common.TextWidth(row[i]))
		}
	}
	avail := w - 2*(n-1)
	for {
		sum, wi := 0, 0
		for i, x := range ws {
			sum += x
			if x > ws[wi] {
				wi = i
			}
		}
		if sum <= avail || ws[wi] <= 4 {
			break
		}
		ws[wi]--
	}
	return ws
}

// Rows renders Height rows of Width cells, framed.
func (r *Results) Rows() []string {
	w, h := r.Width, r.Height
	if w < 4 || h < 3 {
		return common.Blank(max(h, 0), max(w, 0))
	}
	st := r.Styles
	iw := w - 2
	var inner []string
	var row common.Row
	switch {
	case r.Loading:
		inner = append(inner, common.Line(st.Muted, " looking up…", iw))
	case r.Err != "":
		inner = append(inner, common.Line(st.Error, " "+r.Err, iw))
	case r.columns != nil:
		ws := r.colWidths(iw - 1)
		cells := func(vals []string, s common.Style) string {
			row.Reset(iw)
			row.Add(common.Style{}, " ")
			for i, wd := range ws {
				v := ""
				if i < len(vals) {
					v = vals[i]
				}
				v = common.Truncate(v, wd)
				row.Add(s, v+common.Spaces(wd-common.TextWidth(v)))
				if i < len(ws)-1 {
					row.Add(common.Style{}, "  ")
				}
			}
			return row.String()
		}
		inner = append(inner, cells(r.columns, st.Accent))
		inner = append(inner, common.Line(st.Border, " "+strings.Repeat("─", max(iw-2, 0)), iw))
		for i := r.offset; i < len(r.rows) && len(inner) < h-2-boolInt(r.Note != ""); i++ {
			inner = append(inner, cells(r.rows[i], st.Text))
		}
		if len(r.rows) == 0 {
			inner = append(inner, common.Line(st.Muted, " (no rows)", iw))
		}
	default:
		for i := r.offset; i < len(r.text) && len(inner) < h-2; i++ {
			inner = append(inner, common.Line(st.Text, " "+r.text[i], iw))
		}
	}
	if r.Note != "" {
		for len(inner) < h-3 {
			inner = append(inner, common.Spaces(iw))
		}
		inner = append(inner, common.Line(st.Muted, " "+r.Note, iw))
	}
	title := r.Title + " · esc closes"
	if r.lines() > r.visible() {
		title += " · pgup/pgdn scroll"
	}
	return st.Frame(inner, w, h, title, r.Focused)
}

// View renders the pane.
func (r *Results) View() string { return strings.Join(r.Rows(), "\n") }

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
