package chanlog

import (
	"image/color"
	"strings"
	"sync"
	"unicode/utf8"

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

// cell is one rune of a line to lay out.
type cell struct {
	r rune
	w uint8
	a attr
}

// parse turns raw IRC text into cells, following the formatting codes
// (\x02 bold, \x1d italic, \x1f underline, \x1e strike, \x16 reverse, \x0f
// reset, \x03fg[,bg] colours, \x04rrggbb hex colours). With strip, codes
// are dropped and every cell is plain. cells is reused.
func parse(text string, strip bool, cells []cell) []cell {
	var a attr
	for i := 0; i < len(text); {
		c := text[i]
		switch c {
		case 0x02:
			a ^= aBold
			i++
			continue
		case 0x1d:
			a ^= aItalic
			i++
			continue
		case 0x1f:
			a ^= aUnderline
			i++
			continue
		case 0x1e:
			a ^= aStrike
			i++
			continue
		case 0x16:
			a ^= aReverse
			i++
			continue
		case 0x0f:
			a = 0
			i++
			continue
		case 0x03:
			i++
			fg, n := digits(text, i)
			if n == 0 {
				a &^= 0x3ff
				continue
			}
			i += n
			a = a&^0x1f | attr(fg%16+1)
			if i+1 < len(text) && text[i] == ',' {
				if bg, m := digits(text, i+1); m > 0 {
					i += 1 + m
					a = a&^(0x1f<<5) | attr(bg%16+1)<<5
				}
			}
			continue
		case 0x04:
			i++
			n := 0
			for n < 6 && i+n < len(text) && isHex(text[i+n]) {
				n++
			}
			if n == 6 {
				a = a&^0x1f | attr(nearest(text[i:i+6])+1)
				i += 6
			} else {
				a &^= 0x3ff
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		i += size
		w := common.RuneWidth(r)
		if w == 0 {
			continue // other control characters
		}
		if strip {
			cells = append(cells, cell{r: r, w: uint8(w)})
		} else {
			cells = append(cells, cell{r: r, w: uint8(w), a: a})
		}
	}
	return cells
}

func digits(s string, i int) (int, int) {
	v, n := 0, 0
	for n < 2 && i+n < len(s) && s[i+n] >= '0' && s[i+n] <= '9' {
		v = v*10 + int(s[i+n]-'0')
		n++
	}
	return v, n
}

func isHex(c byte) bool { return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }

func hexv(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	}
	return int(c-'A') + 10
}

func nearest(h string) int {
	r := hexv(h[0])<<4 | hexv(h[1])
	g := hexv(h[2])<<4 | hexv(h[3])
	b := hexv(h[4])<<4 | hexv(h[5])
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
			if cells[i].r == ' ' {
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
// top, and returns their width.
func renderCells(sb *strings.Builder, cells []cell, base common.Style) int {
	w := 0
	cur := attr(0)
	sb.WriteString(base.Open())
	var buf [4]byte
	for _, c := range cells {
		if c.a != cur {
			if cur != 0 {
				sb.WriteString("\x1b[m")
				sb.WriteString(base.Open())
			}
			sb.WriteString(c.a.sgr())
			cur = c.a
		}
		if c.r < utf8.RuneSelf {
			sb.WriteByte(byte(c.r))
		} else {
			n := utf8.EncodeRune(buf[:], c.r)
			sb.Write(buf[:n])
		}
		w += int(c.w)
	}
	if cur != 0 || !base.IsZero() {
		sb.WriteString("\x1b[m")
	}
	return w
}
