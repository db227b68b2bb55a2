package chanlog

import (
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"gavel/themes"
	"gavel/tui/common"
)

func TestRing(t *testing.T) {
	b := NewBuffer(3)
	for i := range 5 {
		b.Push(Line{Time: int64(i)})
	}
	if b.Len() != 3 || b.Total() != 5 {
		t.Fatalf("len %d total %d", b.Len(), b.Total())
	}
	for i := range 3 {
		if got := b.At(i).Time; got != int64(i+2) {
			t.Errorf("At(%d) = %d", i, got)
		}
	}
	if b.Last().Time != 4 {
		t.Error("Last")
	}
}

func TestParseFormatting(t *testing.T) {
	cells := parse("\x02b\x02n\x0304,02r\x03x\x1fu\x0fz\x04ff0000h", false, nil)
	var text strings.Builder
	for _, c := range cells {
		text.WriteRune(c.r)
	}
	if text.String() != "bnrxuzh" {
		t.Fatalf("text %q", text.String())
	}
	if cells[0].a&aBold == 0 || cells[1].a != 0 {
		t.Error("bold toggle")
	}
	if cells[2].a.fg() != 4 || cells[2].a.bg() != 2 {
		t.Errorf("colour fg %d bg %d", cells[2].a.fg(), cells[2].a.bg())
	}
	if cells[3].a != 0 || cells[4].a&aUnderline == 0 || cells[5].a != 0 {
		t.Error("colour reset, underline, reset")
	}
	if cells[6].a.fg() != 4 {
		t.Errorf("hex red -> %d", cells[6].a.fg())
	}
	for _, c := range parse("\x02b\x0304r", true, nil) {
		if c.a != 0 {
			t.Error("strip kept attributes")
		}
	}
}

func TestBreakRows(t *testing.T) {
	cells := parse("aaa bbb ccc", false, nil)
	ends := breakRows(cells, 5, nil)
	if fmt.Sprint(ends) != "[4 8 11]" {
		t.Errorf("ends %v", ends)
	}
	if ends := breakRows(parse("abcdefghij", false, nil), 4, nil); fmt.Sprint(ends) != "[4 8 10]" {
		t.Errorf("hard break %v", ends)
	}
	if ends := breakRows(parse("日本語", false, nil), 3, nil); fmt.Sprint(ends) != "[1 2 3]" {
		t.Errorf("wide runes %v", ends)
	}
}

func TestViewGeometryAndScroll(t *testing.T) {
	st := common.NewStyles(themes.Dark())
	l := New(common.Common{Width: 50, Height: 6, Styles: st}, 1000)
	for i := range 100 {
		l.Push(Line{Time: int64(i * 60), Nick: "n", Text: fmt.Sprintf("line %d \x02with bold\x02 and enough text to wrap around", i)})
	}
	check := func() []string {
		rows := l.Rows()
		if len(rows) != 6 {
			t.Fatalf("%d rows", len(rows))
		}
		for _, r := range rows {
			if w := ansi.StringWidth(r); w != 50 {
				t.Fatalf("row width %d: %q", w, ansi.Strip(r))
			}
		}
		return rows
	}
	rows := check()
	if !strings.Contains(ansi.Strip(strings.Join(rows, "")), "line 99") {
		t.Error("newest line not shown")
	}
	l.Scroll(10)
	if rows := check(); !strings.Contains(ansi.Strip(strings.Join(rows, "")), "10 newer lines") {
		t.Error("no scroll indicator")
	}
	l.Home()
	if rows := check(); !strings.Contains(ansi.Strip(rows[0]), "line 0 ") {
		t.Errorf("home: %q", ansi.Strip(rows[0]))
	}
	l.Scroll(-2)
	if l.AtBottom() || l.top {
		t.Error("scrolling down from home")
	}
	l.End()
	if !l.AtBottom() {
		t.Error("end")
	}
	// A scrolled view stays put while lines arrive.
	l.Scroll(5)
	l.Push(Line{Nick: "n", Text: "new"})
	if l.Offset() != 6 {
		t.Errorf("offset %d after a push", l.Offset())
	}
}
