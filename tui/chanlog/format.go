package chanlog

import (
	"image/color"
	"strings"
	"sync"

	"gavel/meeting"
	"gavel/tui/common"
)

// attr is the IRC formatting state of a cell, packed: fg+1 in bits 0-4
// (0: none), bg+1 in bits 5-9, then bold, italic, underline, reverse,
// strike. Hex colours (\x04) are approximated by the nearest of the 16.
type attr uint16

const (
	aBold attr = 1 << (10 + iota)
	aItalic
	aUnderline
	aReverse
	aStrike
)

func (a attr) fg() int { return int(a&0x1f) - 1 }
func (a attr) bg() int { return int(a>>5&0x1f) - 1 }

// mircRGB is the usual rendering of the 16 mIRC colours.
var mircRGB = [16][3]uint8{
	{255, 255, 255}, {0, 0, 0}, {0, 0, 127}, {0, 147, 0}, {255, 0, 0}, {127, 0, 0}, {156, 0, 156}, {252, 127, 0},
	{255, 255, 0}, {0, 252, 0}, {0, 147, 147}, {0, 255, 255}, {0, 0, 252}, {255, 0, 255}, {127, 127, 127}, {210, 210, 210},
}

var sgrCache sync.Map // attr -> string

func mircColor(i int) color.Color {
	c := mircRGB[i]
	return color.RGBA{c[0], c[1], c[2], 0xff}
}

// sgr returns the escape sequence for a (without the reset).
func (a attr) sgr() string {
	if a == 0 {
		return ""
	}
	if s, ok := sgrCache.Load(a); ok {
		return s.(string)
	}
	var attrs common.Attr
	for _, f := range [...]struct {
		a attr
		c common.Attr
	}{{aBold, common.Bold}, {aItalic, common.Italic}, {aUnderline, common.Underline}, {aReverse, common.Reverse}, {aStrike, common.Strike}} {
		if a&f.a != 0 {
			attrs |= f.c
		}
	}
	var fg, bg color.Color
	if f := a.fg(); f >= 0 {
		fg = mircColor(f)
	}
	if b := a.bg(); b >= 0 {
		bg = mircColor(b)
	}
	s := common.NewStyle(fg, bg, attrs).Open()
	sgrCache.Store(a, s)
	return s
}

// cell is one grapheme cluster of a line to lay out: s is what is shown
// (a substring of the line, marks beyond common.MaxMarks cut), w its width.
// link is 1 + the index of the URL the cell belongs to (0: none).
type cell struct {
	s    string
	w    uint8
	a    attr
	link uint16
}

// parse turns raw IRC text into cells, following the formatting codes as
// meeting's one scanner reads them (meeting.FormatScanner), one cell per
// grapheme cluster. With strip, codes are dropped and every cell is plain.
// URLs found in the text are appended to links and their cells marked.
// cells and links are reused.
func parse(text string, strip bool, cells []cell, links []string) ([]cell, []string) {
	sc := meeting.NewFormatScanner(text)
	for run, f, ok := sc.Next(); ok; run, f, ok = sc.Next() {
		a := attr(0)
		if !strip {
			a = toAttr(f)
		}
		urlAt, urlEnd := findURL(run, 0)
		for i := 0; i < len(run); {
			shown, size, w := common.Cluster(run[i:])
			if shown == "" || common.IsControl(shown) {
				i += size // control characters
				continue
			}
			c := cell{s: shown, w: uint8(min(w, 255)), a: a}
			if urlAt >= 0 && i >= urlAt {
				if i == urlAt {
					links = append(links, run[urlAt:urlEnd])
				}
				c.link = uint16(min(len(links), 0xffff))
				c.a |= aUnderline
			}
			cells = append(cells, c)
			i += size
			if urlAt >= 0 && i >= urlEnd {
				urlAt, urlEnd = findURL(run, i)
			}
		}
	}
	return cells, links
}

// findURL finds the next http(s) URL in s from byte from: its start and
// end, or -1. A URL runs to white space or a character that cannot be in
// one unquoted (<>"), without trailing punctuation, and a closing
// parenthesis only when it closes one of the URL's own.
func findURL(s string, from int) (int, int) {
	for from < len(s) {
		i := strings.Index(s[from:], "http")
		if i < 0 {
			return -1, -1
		}
		at := from + i
		rest := s[at:]
		var scheme int
		switch {
		case strings.HasPrefix(rest, "https://"):
			scheme = len("https://")
		case strings.HasPrefix(rest, "http://"):
			scheme = len("http://")
		default:
			from = at + 4
			continue
		}
		if at > 0 && isWordByte(s[at-1]) {
			from = at + scheme
			continue
		}
		end := at + scheme
		for end < len(s) {
			c := s[end]
			if c <= ' ' || c == 0x7f || c == '<' || c == '>' || c == '"' {
				break
			}
			end++
		}
		for end > at+scheme {
			c := s[end-1]
			if strings.IndexByte(".,;:!?'", c) >= 0 ||
				c == ')' && strings.Count(s[at:end], "(") < strings.Count(s[at:end], ")") {
				end--
				continue
			}
			break
		}
		if end > at+scheme {
			return at, end
		}
		from = end
	}
	return -1, -1
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

// toAttr packs the scanner's formatting into a cell attribute: mIRC
// colours modulo 16 (99 is the default colour), hex colours as the nearest
// of the 16.
func toAttr(f meeting.Formatting) attr {
	var a attr
	for _, m := range [...]struct {
		f meeting.Attrs
		a attr
	}{{meeting.Bold, aBold}, {meeting.Italic, aItalic}, {meeting.Underline, aUnderline}, {meeting.Reverse, aReverse}, {meeting.Strike, aStrike}} {
		if f.Attrs&m.f != 0 {
			a |= m.a
		}
	}
	a |= attr(colourIndex(f.FG, f.FGHex) + 1)
	a |= attr(colourIndex(f.BG, f.BGHex)+1) << 5
	return a
}

// colourIndex is the index in mircRGB of a scanner colour, or -1 for the
// default colour.
func colourIndex(c int16, hex uint32) int {
	switch {
	case c == meeting.HexColour:
		return nearest(hex)
	case c < 0 || c == 99:
		return -1
	}
	return int(c) % 16
}

func nearest(rgb uint32) int {
	r, g, b := int(rgb>>16&0xff), int(rgb>>8&0xff), int(rgb&0xff)
	best, bd := 0, 1<<30
	for i, c := range mircRGB {
		dr, dg, db := r-int(c[0]), g-int(c[1]), b-int(c[2])
		if d := dr*dr + dg*dg + db*db; d < bd {
			best, bd = i, d
		}
	}
	return best
}

// breakRows splits cells into rows of at most w cells, breaking after the
// last space of a row when there is one. It returns the end index of each
// row in ends (reused).
func breakRows(cells []cell, w int, ends []int) []int {
	if w < 1 {
		w = 1
	}
	start := 0
	for start < len(cells) {
		width, i, lastSpace := 0, start, -1
		for i < len(cells) && width+int(cells[i].w) <= w {
			if cells[i].s == " " {
				lastSpace = i
			}
			width += int(cells[i].w)
			i++
		}
		if i < len(cells) && lastSpace > start {
			i = lastSpace + 1
		}
		if i == start { // a wide rune in a one-cell row
			i++
		}
		ends = append(ends, i)
		start = i
	}
	return ends
}

// renderCells writes cells in the base style with the IRC attributes on
// top, URLs as OSC 8 hyperlinks (each row of a wrapped URL links to the
// whole URL), and returns their width. found marks cells shown in the
// search-match style (nil: none).
func renderCells(sb *strings.Builder, cells []cell, base, hit common.Style, links []string, found []bool) int {
	w := 0
	cur := attr(0)
	curHit := false
	link := uint16(0)
	sb.WriteString(base.Open())
	for i, c := range cells {
		if c.link != link {
			if link != 0 {
				sb.WriteString("\x1b]8;;\x1b\\")
			}
			if c.link != 0 && int(c.link) <= len(links) {
				sb.WriteString("\x1b]8;;")
				sb.WriteString(links[c.link-1])
				sb.WriteString("\x1b\\")
			}
			link = c.link
		}
		h := found != nil && found[i]
		if c.a != cur || h != curHit {
			if cur != 0 || curHit {
				sb.WriteString("\x1b[m")
				sb.WriteString(base.Open())
			}
			if h {
				sb.WriteString(hit.Open())
			} else {
				sb.WriteString(c.a.sgr())
			}
			cur, curHit = c.a, h
		}
		sb.WriteString(c.s)
		w += int(c.w)
	}
	if link != 0 {
		sb.WriteString("\x1b]8;;\x1b\\")
	}
	if cur != 0 || curHit || !base.IsZero() {
		sb.WriteString("\x1b[m")
	}
	return w
}
