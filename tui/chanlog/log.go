package chanlog

import (
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"gavel/meeting"
	"gavel/tui/common"
)

// Log is the scrollback pane of one window: it scrolls with the keys and
// the mouse wheel, marks where the reader left (the unread marker), and
// highlights a search.
type Log struct {
	common.Common
	Buf *Buffer
	// Strip drops IRC formatting instead of rendering it.
	Strip bool
	// Loc is the time zone of the timestamps (nil: UTC).
	Loc *time.Location
	// Highlight is shown in the search-match style wherever it occurs
	// (ignoring case); "" for none.
	Highlight string

	offset int  // lines scrolled up from the newest
	top    bool // Home: the oldest line at the top
	// marker is the absolute number of the first line not yet read when
	// the window was last left; 0 for none.
	marker uint64

	cells []cell
	links []string
	ends  []int
	found []bool
	rows  []string
	tmp   []string
}

// New returns a log pane over a new buffer of capacity lines.
func New(c common.Common, capacity int) *Log {
	return &Log{Common: c, Buf: NewBuffer(capacity)}
}

// NewIn returns a log pane over a new buffer drawing on pool, the budget
// shared by every window.
func NewIn(c common.Common, pool *Pool) *Log {
	return &Log{Common: c, Buf: pool.Buffer()}
}

// Push appends a line; a scrolled-back view stays on the lines it shows
// while they are kept.
func (l *Log) Push(line Line) {
	l.Buf.Push(line)
	if l.offset > 0 {
		l.offset++
	}
	l.clamp()
}

// clamp keeps the view within the lines kept (other windows' lines may
// have pushed this one's oldest out).
func (l *Log) clamp() {
	if l.offset >= l.Buf.Len() {
		l.offset = max(l.Buf.Len()-1, 0)
	}
}

// Clear empties the scrollback.
func (l *Log) Clear() {
	l.Buf.Reset()
	l.offset, l.top, l.marker = 0, false, 0
}

// Release gives the scrollback's bytes back to its pool (the window
// closed).
func (l *Log) Release() { l.Buf.Release() }

// MarkRead remembers that everything so far has been seen: the next lines
// come after the unread marker.
func (l *Log) MarkRead() { l.marker = l.Buf.Total() }

// Unread is how many lines came after the unread marker.
func (l *Log) Unread() int {
	if l.marker == 0 || l.marker >= l.Buf.Total() {
		return 0
	}
	return int(l.Buf.Total() - max(l.marker, l.Buf.First()))
}

// Offset is how many lines the view is scrolled up from the newest.
func (l *Log) Offset() int {
	l.clamp()
	if l.top {
		return max(l.Buf.Len()-1, 0)
	}
	return l.offset
}

// AtBottom reports whether the newest line is in view.
func (l *Log) AtBottom() bool { return !l.top && l.offset == 0 }

// Scroll moves the view by n lines (positive: back in time).
func (l *Log) Scroll(n int) {
	if l.top {
		if n >= 0 {
			return
		}
		// Leave Home mode from the line now at the bottom.
		l.top = false
		l.offset = max(l.Buf.Len()-1-l.bottomAtTop(), 0)
	}
	l.offset += n
	if l.offset < 0 {
		l.offset = 0
	}
	if m := l.Buf.Len() - 1; l.offset > m {
		l.offset = max(m, 0)
	}
}

// ShowLine scrolls so that the line with absolute number n is the newest
// one on screen.
func (l *Log) ShowLine(n uint64) {
	if l.Buf.Abs(n) == nil {
		return
	}
	l.top = false
	l.offset = int(l.Buf.Total() - 1 - n)
}

// PageUp scrolls back one screen.
func (l *Log) PageUp() { l.Scroll(max(l.Height-2, 1)) }

// PageDown scrolls forward one screen.
func (l *Log) PageDown() { l.Scroll(-max(l.Height-2, 1)) }

// Home shows the oldest line at the top.
func (l *Log) Home() { l.top = l.Buf.Len() > 0; l.offset = 0 }

// End follows the newest line again.
func (l *Log) End() { l.top, l.offset = false, 0 }

// Update scrolls with the keys and the mouse wheel.
func (l *Log) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		k := l.Keys
		switch {
		case key.Matches(msg, k.PageUp):
			l.PageUp()
		case key.Matches(msg, k.PageDown):
			l.PageDown()
		case key.Matches(msg, k.Home):
			l.Home()
		case key.Matches(msg, k.End):
			l.End()
		}
	case tea.MouseWheelMsg:
		switch msg.Button {
		case tea.MouseWheelUp:
			l.Scroll(3)
		case tea.MouseWheelDown:
			l.Scroll(-3)
		}
	}
	return nil
}

// ShortHelp implements help.KeyMap.
func (l *Log) ShortHelp() []key.Binding { return []key.Binding{l.Keys.PageUp, l.Keys.PageDown} }

// FullHelp implements help.KeyMap.
func (l *Log) FullHelp() [][]key.Binding {
	return [][]key.Binding{{l.Keys.PageUp, l.Keys.PageDown, l.Keys.Home, l.Keys.End}}
}

// Find returns the absolute number of the newest line before line before
// (exclusive) whose text or nick contains q, ignoring case and formatting.
func (l *Log) Find(q string, before uint64) (uint64, bool) {
	if q == "" {
		return 0, false
	}
	q = strings.ToLower(q)
	first := l.Buf.First()
	for n := min(before, l.Buf.Total()); n > first; n-- {
		if Matches(l.Buf.Abs(n-1), q) {
			return n - 1, true
		}
	}
	return 0, false
}

// Matches reports whether a line's nick or text contains lower-cased q,
// ignoring formatting.
func Matches(line *Line, q string) bool {
	return strings.Contains(strings.ToLower(line.Nick), q) ||
		strings.Contains(strings.ToLower(meeting.StripFormatting(line.Text)), q)
}

// bottomAtTop is the index of the last line shown in Home mode.
func (l *Log) bottomAtTop() int {
	rows, i := 0, 0
	textW := l.textWidth()
	for ; i < l.Buf.Len() && rows < l.Height; i++ {
		rows += l.rowCount(l.Buf.At(i), textW)
	}
	return max(i-1, 0)
}

func (l *Log) nickWidth() int {
	switch {
	case l.Width >= 100:
		return 14
	case l.Width >= 60:
		return 11
	case l.Width >= 6+8+3+gutter+8:
		return 8
	}
	// A very narrow pane: the text keeps 8 cells.
	return max(l.Width-6-3-gutter-8, 1)
}

// gutter is the blank column between the text and what is to its right.
const gutter = 1

// prefix is "HH:MM " + nick column + " │ "; a gutter follows the text.
func (l *Log) textWidth() int { return max(l.Width-6-l.nickWidth()-3-gutter, 1) }

func (l *Log) rowCount(line *Line, textW int) int {
	l.cells, l.links = parse(l.text(line), l.Strip, l.cells[:0], l.links[:0])
	l.ends = breakRows(l.cells, textW, l.ends[:0])
	return max(len(l.ends), 1)
}

func (l *Log) text(line *Line) string {
	switch line.Kind {
	case Action:
		return line.Nick + " " + line.Text
	}
	return line.Text
}

// View renders the pane: Height rows of Width cells.
func (l *Log) View() string { return strings.Join(l.Rows(), "\n") }

// Rows renders the pane as Height rows of Width cells. The cost depends on
// the rows on screen, never on the length of the scrollback.
func (l *Log) Rows() []string {
	h, w := l.Height, l.Width
	if h <= 0 || w <= 0 {
		return nil
	}
	textW := l.textWidth()
	l.rows = l.rows[:0]
	l.clamp()
	n := l.Buf.Len()
	first := l.Buf.First()
	showMarker := l.Unread() > 0
	indicator := ""
	full := h
	if l.top || l.offset > 0 {
		h-- // the last row says where the view is
	}
	if l.top {
		// Oldest first, filling down.
		for i := 0; i < n && len(l.rows) < h; i++ {
			if showMarker && first+uint64(i) == l.marker {
				l.rows = append(l.rows, l.markerRow())
			}
			l.tmp = l.render(l.Buf.At(i), textW, l.tmp[:0])
			l.rows = append(l.rows, l.tmp...)
		}
		if len(l.rows) > h {
			l.rows = l.rows[:h]
		}
		if n > 0 {
			indicator = " top of scrollback · End returns "
		}
	} else {
		// Newest first, filling up; rows are collected in reverse.
		for i := n - 1 - l.offset; i >= 0 && len(l.rows) < h; i-- {
			l.tmp = l.render(l.Buf.At(i), textW, l.tmp[:0])
			for j := len(l.tmp) - 1; j >= 0 && len(l.rows) < h; j-- {
				l.rows = append(l.rows, l.tmp[j])
			}
			if showMarker && first+uint64(i) == l.marker && len(l.rows) < h {
				l.rows = append(l.rows, l.markerRow())
			}
		}
		for a, b := 0, len(l.rows)-1; a < b; a, b = a+1, b-1 {
			l.rows[a], l.rows[b] = l.rows[b], l.rows[a]
		}
		// Bottom-anchor: blank rows above.
		if pad := h - len(l.rows); pad > 0 {
			blank := common.Spaces(w)
			l.rows = append(l.rows, make([]string, pad)...)
			copy(l.rows[pad:], l.rows[:len(l.rows)-pad])
			for i := 0; i < pad; i++ {
				l.rows[i] = blank
			}
		}
		if l.offset > 0 {
			indicator = " ↓ " + strconv.Itoa(l.offset) + " newer lines · End returns "
		}
	}
	for len(l.rows) < h {
		l.rows = append(l.rows, common.Spaces(w))
	}
	if full > h {
		l.rows = append(l.rows, common.Line(l.Styles.BarActive, indicator, w))
	}
	return l.rows
}

// markerRow is the unread marker: a rule with the number of new lines.
func (l *Log) markerRow() string {
	label := " " + strconv.Itoa(l.Unread()) + " new "
	left := 6 + l.nickWidth() + 1
	var r common.Row
	r.Reset(l.Width)
	r.Add(l.Styles.Marker, strings.Repeat("─", left)+label+strings.Repeat("─", max(l.Width-left-common.TextWidth(label), 0)))
	return r.String()
}

// render appends the rows of one line.
func (l *Log) render(line *Line, textW int, out []string) []string {
	st := l.Styles
	nickW := l.nickWidth()
	text := l.text(line)
	l.cells, l.links = parse(text, l.Strip, l.cells[:0], l.links[:0])
	l.ends = breakRows(l.cells, textW, l.ends[:0])
	if len(l.ends) == 0 {
		l.ends = append(l.ends, 0)
	}
	l.found = l.findCells(text, l.found[:0])

	var nickCol string
	nickStyle := st.NickFor(l.Me, line.Nick)
	base := st.Text
	switch line.Kind {
	case Msg:
		nickCol = line.Nick
	case Action:
		nickCol, nickStyle = "*", st.Bold
	case Notice:
		nickCol, base = "-"+line.Nick+"-", st.Notice
	case Join:
		nickCol, nickStyle, base = "-->", st.Present, st.Event
	case Part, Quit:
		nickCol, nickStyle, base = "<--", st.Absent, st.Event
	case Error:
		nickCol, nickStyle, base = "!!", st.Error, st.Error
	default:
		nickCol, nickStyle, base = "--", st.Muted, st.Event
	}
	if line.Flags&Self != 0 && (line.Kind == Msg || line.Kind == Action) {
		nickStyle = st.Own
		if line.Kind == Msg {
			nickCol = line.Nick
		}
	}
	if line.Flags&Mention != 0 {
		nickStyle, base = st.MentionNick, st.Mention
	}
	if line.Flags&Gap != 0 {
		nickStyle, base = st.Error, st.Muted
	}
	sepText := " │ "
	switch {
	case line.Flags&History != 0:
		nickStyle, base, sepText = st.History, st.History, " ┊ "
	case line.Flags&Queued != 0:
		nickStyle, base, sepText = st.Queued, st.Queued, " ⧗ "
	}
	nickCol = common.Truncate(common.Visible(nickCol), nickW)
	pad := common.Spaces(nickW - common.TextWidth(nickCol))
	var ts string
	if line.Time != 0 {
		loc := l.Loc
		if loc == nil {
			loc = time.UTC
		}
		ts = time.Unix(line.Time, 0).In(loc).Format("15:04")
	} else {
		ts = "     "
	}
	sep := st.Border.Render(sepText)
	start := 0
	var sb strings.Builder
	for r, end := range l.ends {
		sb.Reset()
		sb.Grow(l.Width + 64)
		if r == 0 {
			sb.WriteString(st.Time.Render(ts))
			sb.WriteByte(' ')
			sb.WriteString(pad)
			sb.WriteString(nickStyle.Render(nickCol))
		} else {
			sb.WriteString(common.Spaces(6 + nickW))
		}
		sb.WriteString(sep)
		var found []bool
		if l.found != nil {
			found = l.found[start:end]
		}
		w := renderCells(&sb, text, l.cells[start:end], base, st.Found, l.links, found)
		sb.WriteString(common.Spaces(l.Width - 6 - nickW - 3 - w)) // to the edge: the gutter too
		out = append(out, sb.String())
		start = end
	}
	return out
}

// findCells marks the cells of the current line that are part of a match
// of Highlight; nil when there is nothing to highlight.
func (l *Log) findCells(text string, out []bool) []bool {
	if l.Highlight == "" {
		return nil
	}
	var sb strings.Builder
	starts := make([]int, len(l.cells))
	for i, c := range l.cells {
		starts[i] = sb.Len()
		sb.WriteString(strings.ToLower(c.str(text)))
	}
	lower, q := sb.String(), strings.ToLower(l.Highlight)
	out = append(out, make([]bool, len(l.cells))...)
	any := false
	for from := 0; ; {
		i := strings.Index(lower[from:], q)
		if i < 0 {
			break
		}
		at, end := from+i, from+i+len(q)
		for j, s := range starts {
			if s >= at && s < end {
				out[j], any = true, true
			}
		}
		from = end
	}
	if !any {
		return nil
	}
	return out
}
