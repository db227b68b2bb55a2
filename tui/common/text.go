package common

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// Text on screen is measured by grapheme cluster (a letter with its
// combining marks, a Devanagari conjunct, a flag), each cluster as wide as
// the sum of its code points' wcwidth: the way tmux, screen and terminals
// without Unicode mode 2027 lay text out, and the way Bubble Tea's renderer
// measures it there. The console keeps the renderer in that mode (see
// tui.Run), so the layout and the terminal always agree on a row's width.

// MaxMarks is how many combining marks (Mn, Me) one cluster keeps on
// screen. Real scripts stack two or three (Thai vowel and tone, Vietnamese);
// "zalgo" text stacks hundreds, which terminals draw over the rows above.
// The rest are dropped from the screen only (logs and minutes keep them).
const MaxMarks = 4

// Cluster returns the first grapheme cluster of s as it is shown (at most
// MaxMarks combining marks), the number of bytes of s it covers, and its
// width in cells. Control characters are one cluster of width 0.
func Cluster(s string) (shown string, size, width int) {
	if s == "" {
		return "", 0, 0
	}
	if c := s[0]; c < utf8.RuneSelf && (len(s) == 1 || s[1] < utf8.RuneSelf) {
		if c < 0x20 || c == 0x7f {
			return s[:1], 1, 0
		}
		return s[:1], 1, 1
	}
	cl, w := ansi.FirstGraphemeCluster(s, ansi.WcWidth)
	if len(cl) == 0 || !utf8.ValidString(cl) {
		// Invalid UTF-8: a valid first rune alone, or one byte shown as
		// U+FFFD.
		r, n := utf8.DecodeRuneInString(s)
		if r == utf8.RuneError && n <= 1 {
			return "\uFFFD", 1, 1
		}
		return s[:n], n, ansi.StringWidthWc(s[:n])
	}
	return capMarks(cl), len(cl), w
}

// capMarks cuts a cluster after its MaxMarks-th combining mark.
func capMarks(cl string) string {
	marks := 0
	for i, r := range cl {
		if i == 0 {
			continue
		}
		if unicode.In(r, unicode.Mn, unicode.Me) {
			marks++
			if marks > MaxMarks {
				return cl[:i]
			}
		}
	}
	return cl
}

// TextWidth is the number of cells plain text (no escape sequences) takes.
func TextWidth(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf || s[i] < 0x20 || s[i] == 0x7f {
			return ansi.StringWidthWc(s)
		}
	}
	return len(s)
}

// Cut returns the longest prefix of plain text s that fits in w cells,
// never splitting a grapheme cluster, and its width.
func Cut(s string, w int) (string, int) {
	width := 0
	for i := 0; i < len(s); {
		_, size, cw := Cluster(s[i:])
		if width+cw > w {
			return s[:i], width
		}
		width += cw
		i += size
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

// Visible returns s as it is safe to show in one row: control characters
// (which would move the cursor or change the terminal) become spaces and
// clusters lose the marks beyond MaxMarks.
func Visible(s string) string {
	clean := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == 0x7f || c >= utf8.RuneSelf {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		shown, size, _ := Cluster(s[i:])
		i += size
		if IsControl(shown) {
			b.WriteByte(' ')
			continue
		}
		b.WriteString(shown)
	}
	return b.String()
}

func isC1(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return r >= 0x80 && r < 0xa0
}

// IsControl reports whether a cluster (from Cluster) is a control
// character: C0, DEL or C1, which would move the cursor or change the
// terminal if printed.
func IsControl(cluster string) bool {
	return cluster != "" && (cluster[0] < 0x20 || cluster[0] == 0x7f || isC1(cluster))
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
	text = Visible(text)
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
		t := Truncate(" "+Visible(title)+" ", w-4)
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

// Overlay draws box over rows with its top-left corner at x, y.
func Overlay(rows, box []string, x, y int) {
	if len(box) == 0 {
		return
	}
	bw := ansi.StringWidthWc(box[0])
	for i, b := range box {
		r := y + i
		if r < 0 || r >= len(rows) {
			continue
		}
		base := rows[r]
		left := ansi.WcWidth.Truncate(base, x, "")
		if lw := ansi.StringWidthWc(left); lw < x {
			left += Spaces(x - lw)
		}
		right := ansi.WcWidth.TruncateLeft(base, x+bw, "")
		rows[r] = left + "\x1b[m" + b + "\x1b[m" + right
	}
}

// BoxWidth is the width of a rendered box (its first row).
func BoxWidth(box []string) int {
	if len(box) == 0 {
		return 0
	}
	return ansi.StringWidthWc(box[0])
}
