package panes

import (
	"strings"

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
		title += " · wheel/pgup scroll"
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
