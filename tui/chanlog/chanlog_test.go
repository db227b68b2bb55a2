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
	cells, _ := parse("\x02b\x02n\x0304,02r\x03x\x1fu\x0fz\x04ff0000h", false, nil, nil)
	var text strings.Builder
	for _, c := range cells {
		text.WriteString(c.s)
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
	stripped, _ := parse("\x02b\x0304r", true, nil, nil)
	for _, c := range stripped {
		if c.a != 0 {
			t.Error("strip kept attributes")
		}
	}
}

func TestBreakRows(t *testing.T) {
	cells := cellsOf("aaa bbb ccc")
	ends := breakRows(cells, 5, nil)
	if fmt.Sprint(ends) != "[4 8 11]" {
		t.Errorf("ends %v", ends)
	}
	if ends := breakRows(cellsOf("abcdefghij"), 4, nil); fmt.Sprint(ends) != "[4 8 10]" {
		t.Errorf("hard break %v", ends)
	}
	if ends := breakRows(cellsOf("日本語"), 3, nil); fmt.Sprint(ends) != "[1 2 3]" {
		t.Errorf("wide runes %v", ends)
	}
}

func cellsOf(s string) []cell {
	c, _ := parse(s, false, nil, nil)
	return c
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

func newLog(w, h int) *Log {
	st := common.NewStyles(themes.Dark())
	return New(common.Common{Width: w, Height: h, Styles: st, Keys: common.DefaultKeyMap(), Me: &common.Me{Nick: "chair"}}, 1000)
}

// TestGraphemeClusters: combining marks, Devanagari and Thai keep every
// code point on screen, each cluster in one cell run of the right width,
// and a zalgo line stays one row high.
func TestGraphemeClusters(t *testing.T) {
	zalgo := "Z" + strings.Repeat("\u0336\u0335\u0334\u0337", 100) + "algo"
	for _, c := range []struct {
		text, shown string
		width       int
	}{
		{"नमस्ते", "नमस्ते", 4},
		{"สวัสดี", "สวัสดี", 4},
		{"cafe\u0301", "cafe\u0301", 4},
		{"日本語", "日本語", 6},
		{zalgo, "Z\u0336\u0335\u0334\u0337algo", 5},
	} {
		cells := cellsOf(c.text)
		var shown strings.Builder
		w := 0
		for _, cl := range cells {
			shown.WriteString(cl.s)
			w += int(cl.w)
		}
		if shown.String() != c.shown || w != c.width {
			t.Errorf("%q: shown %q width %d, want %q width %d", c.text, shown.String(), w, c.shown, c.width)
		}
		l := newLog(60, 5)
		l.Push(Line{Nick: "amy", Text: c.text})
		rows := l.Rows()
		last := rows[len(rows)-1]
		if !strings.Contains(last, c.shown) {
			t.Errorf("%q: row %q lacks the text", c.text, last)
		}
		if got := ansi.StringWidthWc(last); got != 60 {
			t.Errorf("%q: row is %d cells wide, want 60", c.text, got)
		}
		if strings.TrimSpace(ansi.Strip(rows[len(rows)-2])) != "" {
			t.Errorf("%q takes more than one row", c.text)
		}
	}
}

// TestURLsAreNotBrokenAndLink: a URL that fits a row moves to the next row
// whole, and every piece of a URL carries an OSC 8 hyperlink to all of it.
func TestURLsAreNotBrokenAndLink(t *testing.T) {
	url := "https://meetbot.fedoraproject.org/fedora-meeting/2015-04-30/infrastructure.2015-04-30-18.00.html"
	l := newLog(80, 10)
	l.Push(Line{Nick: "zodbot", Text: "Minutes: " + url + "."})
	var plain []string
	for _, r := range l.Rows() {
		plain = append(plain, ansi.Strip(r))
	}
	joined := strings.Join(plain, "\n")
	if strings.Count(joined, "https://") != 1 {
		t.Fatalf("URL not shown once:\n%s", joined)
	}
	// The text column is 80-6-11-3-1 = 59 cells; the URL is longer, so it
	// starts a row of its own and continues on the next.
	for _, r := range plain {
		if strings.Contains(r, "Minutes:") && strings.Contains(r, "https") {
			t.Errorf("URL started on the row of the text before it: %q", r)
		}
	}
	raw := strings.Join(l.Rows(), "\n")
	if n := strings.Count(raw, "\x1b]8;;"+url+"\x1b\\"); n < 2 {
		t.Errorf("%d OSC 8 links to the whole URL, want one per row (2)", n)
	}
	if strings.Contains(raw, "\x1b]8;;"+url+".") {
		t.Error("trailing full stop is part of the link")
	}
	short := newLog(80, 4)
	short.Push(Line{Nick: "a", Text: strings.Repeat("word ", 10) + "see https://pagure.io/fedora-infrastructure/issue/4711"})
	for _, r := range short.Rows() {
		p := ansi.Strip(r)
		if strings.Contains(p, "https://") && !strings.Contains(p, "https://pagure.io/fedora-infrastructure/issue/4711") {
			t.Errorf("short URL broken: %q", p)
		}
	}
	for _, c := range []struct{ in, url string }{
		{"(see https://x.org/a_(b))", "https://x.org/a_(b)"},
		{"(https://x.org/a)", "https://x.org/a"},
		{"xhttps://no", ""},
		{"<https://x.org/>", "https://x.org/"},
	} {
		_, links := parse(c.in, false, nil, nil)
		got := ""
		if len(links) > 0 {
			got = links[0]
		}
		if got != c.url {
			t.Errorf("%q: link %q, want %q", c.in, got, c.url)
		}
	}
}

func TestUnreadMarkerAndSearch(t *testing.T) {
	l := newLog(60, 8)
	for i := range 3 {
		l.Push(Line{Nick: "a", Text: fmt.Sprint("old ", i)})
	}
	l.MarkRead()
	if strings.Contains(ansi.Strip(strings.Join(l.Rows(), "\n")), " new ") {
		t.Error("marker shown with nothing new")
	}
	l.Push(Line{Nick: "b", Text: "fresh line"})
	l.Push(Line{Nick: "b", Text: "another"})
	rows := l.Rows()
	var marker int = -1
	for i, r := range rows {
		if strings.Contains(ansi.Strip(r), "─ 2 new ─") {
			marker = i
		}
	}
	if marker < 0 || !strings.Contains(ansi.Strip(rows[marker+1]), "fresh line") || !strings.Contains(ansi.Strip(rows[marker-1]), "old 2") {
		t.Fatalf("marker not between the old and the new lines:\n%s", ansi.Strip(strings.Join(rows, "\n")))
	}
	n, ok := l.Find("OLD 1", l.Buf.Total())
	if !ok || l.Buf.Abs(n).Text != "old 1" {
		t.Fatalf("Find = %d %v", n, ok)
	}
	if _, ok := l.Find("nothing", l.Buf.Total()); ok {
		t.Error("found what is not there")
	}
	l.ShowLine(n)
	l.Highlight = "old 1"
	last := l.Rows()[6]
	if !strings.Contains(ansi.Strip(last), "old 1") || !strings.Contains(last, l.Styles.Found.Open()+"old 1") {
		t.Errorf("match not at the bottom and highlighted: %q", last)
	}
}
