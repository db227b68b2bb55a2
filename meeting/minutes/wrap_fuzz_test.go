package minutes

import (
	"slices"
	"strings"
	"testing"

	"gavel/meeting"
)

// FuzzWrap: the emulation of MeetBot's textwrap never panics, appends
// what it returns, keeps every
// word (runs of text between Python's unicode white space) in order, and
// fills lines to the width unless a word alone is longer.
func FuzzWrap(f *testing.F) {
	for _, s := range []string{"", "a b c", "aaaa \u00a0\u00a0 bbbb", "aaaa \x1ebbbb\x1e cccccc dd\x1c", "tab\there\nnew\rline\v\f",
		strings.Repeat("word ", 40), "x\u3000y\u00a0z", "\xed\xa0\x80 surrogate", "\xff\xfe bytes"} {
		f.Add(s, 10)
		f.Add(s, 72)
	}
	f.Fuzz(func(t *testing.T, text string, width int) {
		width = 1 + (width%100+100)%100
		if s := munge(text); isASCII(s) {
			// The ASCII walk and the general one agree.
			if fast, slow := fillMunged(s, width, "", "  ", true), fillMunged(s, width, "", "  ", false); fast != slow {
				t.Fatalf("%q width %d: ASCII fill %q, general fill %q", text, width, fast, slow)
			}
		}
		for indent := 0; indent <= 2; indent += 2 {
			if got, want := string(appendFill([]byte("x"), text, width, spaces(indent), spaces(indent+2))), "x"+pyFill(text, width, spaces(indent), spaces(indent+2)); got != want {
				t.Fatalf("%q width %d indent %d: appendFill %q, pyFill %q", text, width, indent, got, want)
			}
		}
		lines := pyWrap(text, width, "", "  ")
		var got []string
		for i, l := range lines {
			if i > 0 {
				l = strings.TrimPrefix(l, "  ")
			}
			w := words(l)
			if len(w) == 0 {
				t.Fatalf("%q: empty line %d in %q", text, i, lines)
			}
			limit := width
			if i > 0 {
				limit -= 2
			}
			if meeting.PyLen(l) > limit && len(w) > 1 {
				t.Fatalf("%q width %d: line %q too long", text, width, l)
			}
			got = append(got, w...)
		}
		if want := words(munge(text)); !slices.Equal(got, want) {
			t.Fatalf("%q width %d: words %q, want %q", text, width, got, want)
		}
	})
}

// words splits s at runs of Python's unicode white space.
func words(s string) []string {
	var out []string
	start := -1
	for i := 0; i < len(s); {
		_, size := meeting.DecodePyRune(s[i:])
		if spaceAt(s, i) {
			if start >= 0 {
				out = append(out, s[start:i])
				start = -1
			}
		} else if start < 0 {
			start = i
		}
		i += size
	}
	if start >= 0 {
		out = append(out, s[start:])
	}
	return out
}
