package common

import (
	"strings"
	"unicode/utf8"

	"github.com/mattn/go-runewidth"
)

// TextWidth is the number of cells plain text (no escape sequences) takes.
func TextWidth(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return runewidth.StringWidth(s)
		}
	}
	return len(s)
}

// RuneWidth is the number of cells r takes (0 for control characters).
func RuneWidth(r rune) int {
	if r < utf8.RuneSelf {
		if r < 0x20 || r == 0x7f {
			return 0
		}
		return 1
	}
	return runewidth.RuneWidth(r)
}

// Cut returns the longest prefix of plain text s that fits in w cells, and
// its width.
func Cut(s string, w int) (string, int) {
	width := 0
	for i, r := range s {
		rw := RuneWidth(r)
		if width+rw > w {
			return s[:i], width
		}
		width += rw
	}
	return s, width
}

// Truncate fits plain text s in w cells, ending it with "…" when cut.
func Truncate(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if TextWidth(s) <= w {
		return s
	}
	head, _ := Cut(s, w-1)
	return head + "…"
}

// Row builds one screen row of exactly Max cells from styled segments.
// Segments that do not fit are truncated with "…".
type Row struct {
	sb  strings.Builder
	w   int
	Max int
}

// Reset starts a new row of max cells.
func (r *Row) Reset(max int) {
	r.sb.Reset()
	r.w = 0
	r.Max = max
}

// Left is the number of cells still free.
func (r *Row) Left() int { return r.Max - r.w }

// Width is the number of cells used so far.
func (r *Row) Width() int { return r.w }

// Add appends plain text in a style, truncated to fit.
func (r *Row) Add(st Style, text string) {
	left := r.Max - r.w
	if left <= 0 || text == "" {
		return
	}
	tw := TextWidth(text)
	if tw > left {
		text = Truncate(text, left)
		tw = TextWidth(text)
	}
	r.sb.WriteString(st.Render(text))
	r.w += tw
}

// AddStyled appends an already styled string of a known width; the caller
// guarantees it fits.
func (r *Row) AddStyled(s string, width int) {
	r.sb.WriteString(s)
	r.w += width
}

// Pad fills the rest of the row with spaces in a style.
func (r *Row) Pad(st Style) {
	if n := r.Max - r.w; n > 0 {
		r.sb.WriteString(st.Render(spaces(n)))
		r.w = r.Max
	}
}

// String pads the row with unstyled spaces and returns it.
func (r *Row) String() string {
	r.Pad(Style{})
	return r.sb.String()
}

const spaceRun = "                                                                                                                                                                                                                                                                "

func spaces(n int) string {
	if n <= len(spaceRun) {
		return spaceRun[:n]
	}
	return strings.Repeat(" ", n)
}

// Spaces returns n spaces.
func Spaces(n int) string {
	if n <= 0 {
		return ""
	}
	return spaces(n)
}

// Line renders one row of plain text in a style, padded to w.
func Line(st Style, text string, w int) string {
	var r Row
	r.Reset(w)
	r.Add(st, text)
	r.Pad(st)
	return r.String()
}

// Blank returns n empty rows of width w.
func Blank(n, w int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = spaces(w)
	}
	return out
}

const (
	boxH  = "─"
	boxV  = "│"
	boxTL = "╭"
	boxTR = "╮"
	boxBL = "╰"
	boxBR = "╯"
)

// Frame draws a rounded border with a title around content. content rows
// must be exactly w-2 cells wide; there must be h-2 of them (missing rows
// are blank). The result is h rows of w cells.
func (s *Styles) Frame(content []string, w, h int, title string, focused bool) []string {
	if w < 2 || h < 2 {
		return Blank(max(h, 0), max(w, 0))
	}
	bs, ts := s.Border, s.Title
	if focused {
		bs, ts = s.BorderFocus, s.TitleFocus
	}
	out := make([]string, 0, h)
	var top Row
	top.Reset(w)
	top.AddStyled(bs.Render(boxTL+boxH), 2)
	if title != "" && w > 6 {
		t := Truncate(" "+title+" ", w-4)
		top.AddStyled(ts.Render(t), TextWidth(t))
	}
	if n := w - 1 - top.Width(); n > 0 {
		top.AddStyled(bs.Render(strings.Repeat(boxH, n)), n)
	}
	top.AddStyled(bs.Render(boxTR), 1)
	out = append(out, top.String())
	side := bs.Render(boxV)
	blank := spaces(w - 2)
	for i := 0; i < h-2; i++ {
		line := blank
		if i < len(content) {
			line = content[i]
		}
		out = append(out, side+line+side)
	}
	out = append(out, bs.Render(boxBL+strings.Repeat(boxH, w-2)+boxBR))
	return out
}
