package meeting

import (
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzPyDecodeUTF8: the decoder never panics, leaves valid UTF-8 alone,
// is idempotent, and leaves nothing Go's decoder rejects but encoded
// surrogates, which CPython 2.7 kept.
func FuzzPyDecodeUTF8(f *testing.F) {
	for _, s := range []string{"", "plain", "é€😀", "trunc\xe2\x82!", "\xe2\x82", "\xf0\x9f\x98a", "\xe0\x80\x80",
		"\xed\xa0\x80 lone", "\xed\xa0\xbd\xed\xb8\x80 pair", "\xf4\x90\x80\x80", "\xff\xfe\xc0\xc1\xf5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d := PyDecodeUTF8(s)
		if utf8.ValidString(s) && d != s {
			t.Fatalf("valid %q changed to %q", s, d)
		}
		if again := PyDecodeUTF8(d); again != d {
			t.Fatalf("not idempotent: %q -> %q -> %q", s, d, again)
		}
		for i := 0; i < len(d); {
			r, size := DecodePyRune(d[i:])
			if r == utf8.RuneError && size == 1 {
				t.Fatalf("%q decodes to %q with an invalid byte at %d", s, d, i)
			}
			i += size
		}
		if n := PyLen(d); n > len(s) || (len(s) > 0 && n == 0) {
			t.Fatalf("PyLen(%q) = %d for %d input bytes", d, n, len(s))
		}
		if l := PyLower(d); PyLen(l) != PyLen(d) {
			t.Fatalf("PyLower(%q) = %q changes the length", d, l)
		}
	})
}

// FuzzPlainText: what the default style publishes is valid UTF-8 with no
// formatting codes and no control characters but tab, and PlainText is
// idempotent.
func FuzzPlainText(f *testing.F) {
	for _, s := range []string{"", "plain", "\x02bold\x02 \x0304,05red\x03", "esc\x1b[2J\x1b]0;t\x07", "\x9b\xc2\x9b", "\xff", "tab\there", "del\x7f\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p := PlainText(s)
		if !utf8.ValidString(p) {
			t.Fatalf("%q -> %q: invalid UTF-8", s, p)
		}
		for _, r := range p {
			if r < 0x20 && r != '\t' || r == 0x7f || r >= 0x80 && r <= 0x9f {
				t.Fatalf("%q -> %q holds %U", s, p, r)
			}
		}
		if PlainText(p) != p {
			t.Fatalf("not idempotent: %q -> %q -> %q", s, p, PlainText(p))
		}
	})
}

// FuzzStrftime: glibc's strftime emulation never panics, copies text
// without '%' as it is, and stays bounded.
func FuzzStrftime(f *testing.F) {
	for _, s := range []string{"", "100%c", "%F-%H.%M", "%", "%-5d%^a%#b%5q%%", "%010s%_3z%E%O", "%99999999999d", "%x/%D"} {
		f.Add(s, int64(1591790546))
	}
	f.Fuzz(func(t *testing.T, format string, unix int64) {
		at := time.Unix(unix%(1<<34), 0)
		out := strftime(format, at)
		if !strings.Contains(format, "%") && out != format {
			t.Fatalf("%q -> %q", format, out)
		}
		if len(out) > 64*len(format)+(1<<21) {
			t.Fatalf("%q -> %d bytes", format, len(out))
		}
	})
}

// FuzzNaturalRelBase: whatever the channel and the meeting's name, in
// either style, the path stays in the archive, every name fits, the base
// name ends with the meeting's start, and a suffix keeps it apart.
func FuzzNaturalRelBase(f *testing.F) {
	for _, s := range [][2]string{{"#fedora-meeting", "magazine"}, {"#a/b", "x/y"}, {"#..", ".."}, {"#", ""}, {"#100%", "%x%n%t"},
		{"##", "\x00"}, {"#" + strings.Repeat("c", 300), strings.Repeat("ü", 300)}, {"# x #", "%D/%D"}} {
		f.Add(s[0], s[1], false)
		f.Add(s[0], s[1], true)
	}
	f.Fuzz(func(t *testing.T, channel, name string, zodbot bool) {
		// zodbot style's file names without strftime, where it would
		// interpret nothing, are what it would give.
		for _, at := range []time.Time{time.Date(2020, 6, 10, 12, 2, 26, 0, time.UTC), time.Date(999, 1, 2, 3, 4, 5, 0, time.UTC)} {
			if got, want := zodbotPath(channel, name, at), strftime(channel+"/%F/"+name+".%F-%H.%M", at); got != want {
				t.Fatalf("%q %q at %v: %q, strftime gives %q", channel, name, at, got, want)
			}
			if got, want := zodbotStamp(at), strftime(".%F-%H.%M", at); got != want {
				t.Fatalf("stamp at %v: %q, strftime gives %q", at, got, want)
			}
		}
		m := &Meeting{Channel: channel, Start: time.Date(2020, 6, 10, 12, 2, 26, 0, time.UTC)}
		if zodbot {
			m.Style = StyleZodbot
		}
		for _, suffix := range []string{"", "-2", "-999"} {
			p := m.NaturalRelBase(name, suffix)
			if !filepath.IsLocal(filepath.FromSlash(p)) || strings.Contains(p, "\x00") || strings.HasPrefix(p, "/") {
				t.Fatalf("%q %q: path %q leaves the archive", channel, name, p)
			}
			comps := strings.Split(p, "/")
			for _, c := range comps {
				if c == "" || c == ".." || len(c) > 255 {
					t.Fatalf("%q %q: component %q of %q", channel, name, c, p)
				}
			}
			base := comps[len(comps)-1]
			if len(base) > MaxBaseName || !strings.HasSuffix(base, suffix+".2020-06-10-12.02") {
				t.Fatalf("%q %q: base %q (%d bytes)", channel, name, base, len(base))
			}
			if !zodbot && !utf8.ValidString(p) {
				t.Fatalf("%q %q: default-style path %q is not UTF-8", channel, name, p)
			}
		}
	})
}
