package meeting

import (
	"strings"
	"testing"
	"unicode/utf8"
)

type fmtRun struct {
	text string
	f    Formatting
}

func scanAll(s string) []fmtRun {
	var out []fmtRun
	sc := NewFormatScanner(s)
	for text, f, ok := sc.Next(); ok; text, f, ok = sc.Next() {
		out = append(out, fmtRun{text, f})
	}
	return out
}

func TestFormatScanner(t *testing.T) {
	bold := Plain
	bold.Attrs = Bold
	red := Plain
	red.FG = 4
	redOnBlue := red
	redOnBlue.BG = 12
	hex := Plain
	hex.FG, hex.FGHex = HexColour, 0xff00ff
	hexBoth := hex
	hexBoth.BG, hexBoth.BGHex = HexColour, 0x00ff00
	all := Plain
	all.Attrs = Bold | Italic | Underline | Strike | Monospace | Reverse
	tests := []struct {
		name string
		in   string
		want []fmtRun
	}{
		{"plain", "plain", []fmtRun{{"plain", Plain}}},
		{"empty", "", nil},
		{"bold toggles", "a\x02b\x02c", []fmtRun{{"a", Plain}, {"b", bold}, {"c", Plain}}},
		{"colour", "\x0304red\x03x", []fmtRun{{"red", red}, {"x", Plain}}},
		{"colour and background", "\x0304,12rb", []fmtRun{{"rb", redOnBlue}}},
		{"comma without digit stays text", "\x0304,x", []fmtRun{{",x", red}}},
		{"three digits: the third is text", "\x03123", []fmtRun{{"3", Formatting{FG: 12, BG: NoColour}}}},
		{"bare colour resets", "\x0304,12a\x03b", []fmtRun{{"a", redOnBlue}, {"b", Plain}}},
		{"hex colour", "\x04FF00FFhex", []fmtRun{{"hex", hex}}},
		{"hex with background", "\x04ff00ff,00FF00x", []fmtRun{{"x", hexBoth}}},
		{"short hex is a reset and text", "\x0304a\x04abcz", []fmtRun{{"a", red}, {"abcz", Plain}}},
		{"every attribute then reset", "\x02\x1d\x1f\x1e\x11\x16x\x0fy", []fmtRun{{"x", all}, {"y", Plain}}},
		{"codes only", "\x02\x0f\x03", nil},
		{"other controls are text", "a\x01b\x07", []fmtRun{{"a\x01b\x07", Plain}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := scanAll(tc.in)
			if len(got) != len(tc.want) {
				t.Fatalf("runs %+v, want %+v", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Errorf("run %d = %+v, want %+v", i, got[i], tc.want[i])
				}
			}
		})
	}
}

func TestStripFormatting(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{"\x02bold\x02 \x1ditalic\x1d \x1funder\x1f", "bold italic under"},
		{"\x0304red\x03 \x0304,12both\x03 \x03,x", "red both ,x"},
		{"\x04FF00FFhex\x04", "hex"},
		{"\x04abc short hex is kept", "abc short hex is kept"},
		{"bad \xff utf8", "bad \uFFFD utf8"},
		{"\x0f\x16\x11\x1e", ""},
	}
	for _, tc := range tests {
		if got := StripFormatting(tc.in); got != tc.want {
			t.Errorf("StripFormatting(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// FuzzFormatScanner checks the scanner's invariants on any input: runs are
// never empty and hold no formatting code, their concatenation is what
// StripFormatting returns (up to UTF-8 repair), and stripping is idempotent.
func FuzzFormatScanner(f *testing.F) {
	for _, s := range []string{"", "plain", "\x0304,12x\x03y", "\x04ff00ff,00ff00z\x04", "\x02\x1d\x1f\x1e\x11\x16a\x0f", "\x03,", "\x04", "\xff\x03\xfe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		// Each run is repaired on its own: bytes on either side of a code
		// never join into a character.
		var b strings.Builder
		for _, r := range scanAll(s) {
			if r.text == "" || HasFormatting(r.text) {
				t.Fatalf("run %q is empty or holds a code", r.text)
			}
			b.WriteString(string(appendValidUTF8(nil, r.text)))
		}
		stripped := StripFormatting(s)
		if stripped != b.String() {
			t.Fatalf("StripFormatting(%q) = %q, runs give %q", s, stripped, b.String())
		}
		if HasFormatting(stripped) || !utf8.ValidString(stripped) || StripFormatting(stripped) != stripped {
			t.Fatalf("StripFormatting(%q) = %q is not clean", s, stripped)
		}
	})
}
