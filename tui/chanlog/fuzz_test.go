package chanlog

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// FuzzRenderLine: any line (formatting codes, URLs, invalid UTF-8,
// combining marks, control bytes) renders as rows of exactly the pane's
// width, with no control character other than the renderer's own escape
// sequences, and every URL found is a part of the text.
func FuzzRenderLine(f *testing.F) {
	for _, s := range []string{
		"plain text", "\x02bold\x02 \x0304,02red\x03 \x1d\x1f\x0f", "see https://x.org/a_(b)). and http://y",
		"Z" + strings.Repeat("\u0336", 300) + "algo", "नमस्ते สวัสดี cafe\u0301 日本語 👨‍👩‍👧 🇩🇪",
		"\xff\xfe bad \x80 utf8", "\x1b]0;title\x07\x1b[2J\r\n\t\x7f\u0085", "https://" + strings.Repeat("a", 300),
	} {
		f.Add(s, uint8(40))
	}
	f.Fuzz(func(t *testing.T, text string, width uint8) {
		w := int(width)%120 + 20
		l := newLog(w, 6)
		l.Push(Line{Nick: "n", Text: text})
		l.Highlight = "a"
		for _, r := range l.Rows() {
			if got := ansi.StringWidthWc(r); got != w {
				t.Fatalf("row %d cells wide, want %d: %q", got, w, r)
			}
			plain := ansi.Strip(r)
			if !utf8.ValidString(plain) {
				t.Fatalf("invalid UTF-8 on screen: %q", plain)
			}
			for _, c := range plain {
				if c < 0x20 || c == 0x7f || c >= 0x80 && c < 0xa0 {
					t.Fatalf("control character %U on screen: %q", c, plain)
				}
			}
		}
		for from := 0; from < len(text); {
			at, end := findURL(text, from)
			if at < 0 {
				break
			}
			if at < from || end <= at || end > len(text) || !strings.HasPrefix(text[at:], "http") {
				t.Fatalf("findURL(%q, %d) = %d, %d", text, from, at, end)
			}
			from = end
		}
	})
}
