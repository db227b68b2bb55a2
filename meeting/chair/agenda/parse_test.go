package agenda

import (
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []Item
	}{
		{"markers", "- Roll call\n* Follow-up\n+ Open floor\n1. Numbered\n2) Paren\n", []Item{
			{Title: "Roll call"}, {Title: "Follow-up"}, {Title: "Open floor"}, {Title: "Numbered"}, {Title: "Paren"}}},
		{"timeboxes", "- A [10m]\n- B [1h]\n- C [1h30m]\n- D [ 5 min ]\n- [15m] E\n", []Item{
			{Title: "A", Timebox: 10 * time.Minute}, {Title: "B", Timebox: time.Hour},
			{Title: "C", Timebox: 90 * time.Minute}, {Title: "D", Timebox: 5 * time.Minute}, {Title: "E", Timebox: 15 * time.Minute}}},
		{"bare link", "- F41 schedule https://fedorapeople.org/groups/schedule/f-41/ [10m]\n", []Item{
			{Title: "F41 schedule", URL: "https://fedorapeople.org/groups/schedule/f-41/", Timebox: 10 * time.Minute}}},
		{"first URL only", "- Compare https://a.example/1 with https://b.example/2\n", []Item{
			{Title: "Compare with https://b.example/2", URL: "https://a.example/1"}}},
		{"markdown link", "- [#3421 F41 change](https://pagure.io/fesco/issue/3421) [5m]\n", []Item{
			{Title: "#3421 F41 change", URL: "https://pagure.io/fesco/issue/3421", Timebox: 5 * time.Minute}}},
		{"autolink and punctuation", "- Mirrors: <https://mirrors.example/list>\n- See (https://x.example/a_(b)).\n", []Item{
			{Title: "Mirrors", URL: "https://mirrors.example/list"}, {Title: "See", URL: "https://x.example/a_(b)"}}},
		{"link only", "- https://pagure.io/fesco/issue/1\n", []Item{
			{Title: "https://pagure.io/fesco/issue/1", URL: "https://pagure.io/fesco/issue/1"}}},
		{"markdown around", "# FESCo agenda\n\nSome prose.\n\n- **Bold** `code` item\n  - nested note\n  continuation\n- [ ] open box\n- [x] done box\n\n```\n- not an item\n```\n<!-- - hidden\n- hidden -->\n---\n- last\n", []Item{
			{Title: "Bold code item"}, {Title: "open box"}, {Title: "done box"}, {Title: "last"}}},
		{"numbered with nested", "1. One\n   1. sub\n10. Ten\n", []Item{{Title: "One"}, {Title: "Ten"}}},
		{"indented list", "  - a\n  - b\n", []Item{{Title: "a"}, {Title: "b"}}},
		{"plain text", "Agenda\n======\nRoll call\n\n#3421 not a heading [10m]\n## heading\nOpen floor\n", []Item{
			{Title: "Agenda"}, {Title: "Roll call"}, {Title: "#3421 not a heading", Timebox: 10 * time.Minute}, {Title: "Open floor"}}},
		{"front matter", "---\ntitle: x\n---\n- item\n", []Item{{Title: "item"}}},
		{"crlf bom tabs", "\ufeff- one\r\n\t- nested\r\n- two\r\n", []Item{{Title: "one"}, {Title: "two"}}},
		{"html in items", "- <b>Bold</b> <script>alert(1)</script> &amp; more <!-- c -->\n", []Item{{Title: "Bold alert(1) & more"}}},
		{"control codes", "- \x1b[31mred\x1b[0m \x02bold\x02 \x0304colour\x03 \x07bell\x1b]0;title\x07 tab\there\n", []Item{{Title: "red bold colour bell tab here"}}},
		{"invalid utf8", "- caf\xe9 au lait\n", []Item{{Title: "caf\ufffd au lait"}}},
		{"bidi", "- abc\u202edef\n", []Item{{Title: "abcdef"}}},
		{"entities cannot smuggle controls", "- a&#13;&#10;#endmeeting &#x1b;[2J\n", []Item{{Title: "a #endmeeting"}}},
		{"empty bullets skipped", "-\n- \n- [ ]\n- real\n", []Item{{Title: "real"}}},
		{"brackets not timeboxes", "- [FESCo] policy [draft]\n", []Item{{Title: "[FESCo] policy [draft]"}}},
		{"rule is not an item", "- a\n- - -\n* * *\n- b\n", []Item{{Title: "a"}, {Title: "b"}}},
		{"nothing", "\n\n# only a heading\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseBytes([]byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %d items %q, want %d %q", len(got), got, len(tt.want), tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("item %d = %+v, want %+v", i, got[i], tt.want[i])
				}
			}
		})
	}
}

func TestParseLongTitleIsCut(t *testing.T) {
	in := "- " + strings.Repeat("é", 400) + " [10m]\n"
	got, err := ParseBytes([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || len(got[0].Title) > MaxTitleBytes || !strings.HasSuffix(got[0].Title, "…") || !utf8.ValidString(got[0].Title) {
		t.Fatalf("got %q", got)
	}
	if got[0].Timebox != 10*time.Minute {
		t.Errorf("timebox %v", got[0].Timebox)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		line int
		want string
	}{
		{"binary", "- a\x00b\n", 0, "binary data"},
		{"html page", "  <!DOCTYPE html><html><body><ul><li>x</li></ul>", 0, "HTML page"},
		{"huge input", strings.Repeat("- x\n", MaxInputBytes/4+1), 0, "short list"},
		{"huge line", "- a\n- " + strings.Repeat("x", MaxLineBytes) + "\n", 2, "longer than 4096 bytes"},
		{"zero timebox", "- a\n- b [0m]\n", 2, "longer than zero"},
		{"timebox too long", "- a [25h]\n", 1, "longer than 24h"},
		{"two timeboxes", "- a [10m] [5m]\n", 1, "two timeboxes"},
		{"no title", "- [10m]\n", 1, "no title"},
		{"long link", "- a https://x.example/" + strings.Repeat("p", MaxURLBytes) + "\n", 1, "link is longer"},
		{"bad link", "- a http://[::1\n", 1, "not a valid http(s) URL"},
		{"too many items", strings.Repeat("- x\n", MaxItems+1), MaxItems + 1, "more than 200 items"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			items, err := ParseBytes([]byte(tt.in))
			if err == nil {
				t.Fatalf("no error; items %q", items)
			}
			if items != nil {
				t.Errorf("items %q returned with an error", items)
			}
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is not a *ParseError", err)
			}
			if pe.Line != tt.line || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q (line %d), want line %d and %q", err, pe.Line, tt.line, tt.want)
			}
		})
	}
}

func TestParseReportsSeveralLines(t *testing.T) {
	_, err := ParseBytes([]byte("- a [0m]\n- ok\n- b [10m] [1h]\n"))
	if err == nil || !strings.Contains(err.Error(), "line 1:") || !strings.Contains(err.Error(), "line 3:") {
		t.Fatalf("err = %v", err)
	}
}

func TestParseTimebox(t *testing.T) {
	tests := []struct {
		in     string
		want   time.Duration
		ok     bool
		hasErr bool
	}{
		{"10m", 10 * time.Minute, true, false},
		{"1h", time.Hour, true, false},
		{"1h30m", 90 * time.Minute, true, false},
		{"1H 30 MIN", 90 * time.Minute, true, false},
		{"45mins", 45 * time.Minute, true, false},
		{"2 minutes", 2 * time.Minute, true, false},
		{"90m", 90 * time.Minute, true, false},
		{"0m", 0, true, true},
		{"24h1m", 0, true, true},
		{"30m1h", 0, false, false},
		{"10", 0, false, false},
		{"m", 0, false, false},
		{"draft", 0, false, false},
		{"12345m", 0, false, false},
		{"", 0, false, false},
	}
	for _, tt := range tests {
		d, ok, err := ParseTimebox(tt.in)
		if d != tt.want || ok != tt.ok || (err != nil) != tt.hasErr {
			t.Errorf("ParseTimebox(%q) = %v, %v, %v; want %v, %v, err %v", tt.in, d, ok, err, tt.want, tt.ok, tt.hasErr)
		}
	}
	for d, want := range map[time.Duration]string{10 * time.Minute: "10m", time.Hour: "1h", 90 * time.Minute: "1h30m", 30 * time.Second: "1m"} {
		if got := FormatTimebox(d); got != want {
			t.Errorf("FormatTimebox(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestClean(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{"  spaced   out\t\n", "spaced out"},
		{"\x1b[1;31mred\x1b[m", "red"},
		{"\x1b]8;;https://evil\x1b\\link\x1b]8;;\x1b\\", "link"},
		{"a\x1bZb", "ab"},
		{"\x02b\x02 \x1di\x1d \x0312,04c\x0f", "b i c"},
		{"nul\x00del\x7fc1\u0085\u009b", "nuldelc1"},
		{"line\r\nbreak\u2028sep", "line break sep"},
		{"bad\xffutf8", "bad\ufffdutf8"},
		{"rtl\u202eoverride\u2066", "rtloverride"},
		{"trailing esc\x1b", "trailing esc"},
	}
	for _, tt := range tests {
		if got := Clean(tt.in); got != tt.want {
			t.Errorf("Clean(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCut(t *testing.T) {
	if got := Cut("short", 10); got != "short" {
		t.Errorf("got %q", got)
	}
	if got := Cut("abcdefghij", 8); got != "abcde…" {
		t.Errorf("got %q", got)
	}
	if got := Cut("ééééé", 6); got != "é…" || len(got) > 6 {
		t.Errorf("got %q", got)
	}
}
