package minutes

import (
	"encoding/json"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestWrapCPython checks the textwrap emulation against cases whose
// expected output CPython's textwrap produced (MeetBot's TextWrapper
// subclass: wordsep_re `(\s+)`, break_long_words=False), stored in
// testdata/wrap_cases.json.
func TestWrapCPython(t *testing.T) {
	var cases []struct {
		Text   string
		Indent int
		Width  int
		Want   string
	}
	if err := json.Unmarshal([]byte(readTestdata(t, "wrap_cases.json")), &cases); err != nil {
		t.Fatal(err)
	}
	if len(cases) < 30 {
		t.Fatalf("only %d cases", len(cases))
	}
	for _, c := range cases {
		got := pyFill(c.Text, c.Width, spaces(c.Indent), spaces(c.Indent+2))
		if got != c.Want {
			t.Errorf("fill(%q, indent %d, width %d)\n got %q\nwant %q", c.Text, c.Indent, c.Width, got, c.Want)
		}
		// The minutes append the lines to what they have so far.
		if got := string(appendFill([]byte("before"), c.Text, c.Width, spaces(c.Indent), spaces(c.Indent+2))); got != "before"+c.Want {
			t.Errorf("appendFill(%q, indent %d, width %d)\n got %q\nwant %q", c.Text, c.Indent, c.Width, got, "before"+c.Want)
		}
	}
}

func TestWrapPythonUnicodeStrip(t *testing.T) {
	// MeetBot's text is unicode, which TextWrapper splits with its
	// `(\s+)` recompiled with re.UNICODE: no-break spaces and 0x1c–0x1f
	// are white space, one run with the spaces around them, dropped at
	// the start and the end of a line. The wanted lines are CPython
	// 2.7.18's.
	for _, c := range []struct {
		in    string
		width int
		want  []string
	}{
		{"aaaa \u00a0\u00a0 bbbb", 6, []string{"aaaa", "bbbb"}},
		{"aaaa \x1ebbbb\x1e cccccc dd\x1c", 10, []string{"aaaa \x1ebbbb", "cccccc dd"}},
		{"x\u3000y\u00a0z", 3, []string{"x\u3000y", "z"}},
	} {
		if got := pyWrap(c.in, c.width, "", ""); !slices.Equal(got, c.want) {
			t.Errorf("%q: got %q, want %q", c.in, got, c.want)
		}
	}
}

func TestReplaceWRAP(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"no markers", "no markers"},
		{"sWRAPseWRAPe", ""},
		{"a sWRAPsx\ny eWRAPe b", "a x y b"},
		{"eWRAPe sWRAPs", "eWRAPe sWRAPs"},
		// greedy: from the first sWRAPs to the last eWRAPe
		{"sWRAPs1 eWRAPe 2 sWRAPs 3 eWRAPe!", "1 eWRAPe 2 sWRAPs 3!"},
		{"sWRAPs" + "w " + "x" + "eWRAPe", "w x"},
	} {
		if got := replaceWRAP(c.in); got != c.want {
			t.Errorf("replaceWRAP(%q) = %q, want %q", c.in, got, c.want)
		}
		if got := string(appendReplaceWRAP([]byte("<"), c.in)); got != "<"+c.want {
			t.Errorf("appendReplaceWRAP(%q) = %q, want %q", c.in, got, "<"+c.want)
		}
	}
}

// TestFillPrintableMatchesTheGeneralWalk: the fill of printable ASCII text
// (looking back from the width) gives the lines of the chunk by chunk
// walk, for random words and runs of spaces at every width.
func TestFillPrintableMatchesTheGeneralWalk(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 3000 {
		var b []byte
		for range rng.IntN(30) {
			if rng.IntN(3) == 0 {
				b = append(b, "     "[:1+rng.IntN(4)]...)
			} else {
				for range 1 + rng.IntN(12) {
					b = append(b, byte('!'+rng.IntN(94)))
				}
			}
		}
		s := string(b)
		for width := 1; width <= 80; width += 1 + rng.IntN(5) {
			for indent := 0; indent <= 4; indent += 2 {
				want := fillMunged(s, width, spaces(indent), spaces(indent+2), true)
				if got := string(appendFillPrintable(nil, s, width, spaces(indent), spaces(indent+2))); got != want {
					t.Fatalf("%q width %d indent %d:\n got %q\nwant %q", s, width, indent, got, want)
				}
			}
		}
	}
}
