package agenda

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParse checks what the console relies on, whatever the input: Parse
// does not panic, and every item it returns says cleanly in one IRC line.
func FuzzParse(f *testing.F) {
	f.Add([]byte("- Roll call [5m]\n- [#12 F41](https://pagure.io/fesco/issue/12) [1h30m]\n1. x\n"))
	f.Add([]byte("Roll call\nOpen floor https://a.example/(x).\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		items, err := ParseBytes(data)
		if err != nil {
			if items != nil {
				t.Fatalf("items with an error")
			}
			return
		}
		if len(items) > MaxItems {
			t.Fatalf("%d items", len(items))
		}
		for _, it := range items {
			checkItem(t, it)
		}
	})
}

func checkItem(t *testing.T, it Item) {
	t.Helper()
	if it.Title == "" || len(it.Title) > MaxTitleBytes || !utf8.ValidString(it.Title) || Clean(it.Title) != it.Title {
		t.Fatalf("bad title %q", it.Title)
	}
	if it.URL != "" && (len(it.URL) > MaxURLBytes || checkURL(it.URL) != nil || Clean(it.URL) != it.URL || strings.Contains(it.URL, " ")) {
		t.Fatalf("bad URL %q", it.URL)
	}
	if it.Timebox < 0 || it.Timebox > MaxTimebox {
		t.Fatalf("bad timebox %v", it.Timebox)
	}
	for _, l := range it.Lines() {
		if strings.ContainsAny(l, "\r\n\x00") || len(l) > 400 {
			t.Fatalf("bad line %q", l)
		}
	}
}

// FuzzClean checks that Clean gives one line of printable, valid UTF-8
// text and that cleaning twice changes nothing.
func FuzzClean(f *testing.F) {
	f.Add("\x1b[31mred\x1b[0m \x02b\x02 \x0304c caf\xe9\r\n\u202e")
	f.Fuzz(func(t *testing.T, s string) {
		c := Clean(s)
		if !utf8.ValidString(c) || Clean(c) != c || strings.HasPrefix(c, " ") || strings.HasSuffix(c, " ") || strings.Contains(c, "  ") {
			t.Fatalf("Clean(%q) = %q", s, c)
		}
		for _, r := range c {
			if r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0 {
				t.Fatalf("Clean(%q) = %q keeps %U", s, c, r)
			}
		}
	})
}
