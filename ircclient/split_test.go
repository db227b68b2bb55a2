package ircclient

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSplitText(t *testing.T) {
	tests := []struct {
		name   string
		text   string
		budget int
		want   []string
	}{
		{"short", "hello", 10, []string{"hello"}},
		{"empty", "", 10, nil},
		{"newlines", "a\nb\r\n\nc", 10, []string{"a", "b", "c"}},
		{"nul", "a\x00b", 10, []string{"ab"}},
		{"word boundary", "aaaa bbbb cccc", 10, []string{"aaaa bbbb", "cccc"}},
		{"space at the limit", "aaaa bbbbb cccc", 10, []string{"aaaa bbbbb", "cccc"}},
		{"many spaces at the cut", "aaaa      bbbb", 8, []string{"aaaa", "bbbb"}},
		{"trailing blanks", "done  \t\nnext \r\n", 10, []string{"done", "next"}},
		{"blank lines", " \n\t\n  x", 10, []string{"  x"}},
		{"invalid UTF-8 kept", "\x80\r", 6, []string{"\x80"}},
		{"invalid UTF-8 with NUL", "a\xff\x00b", 6, []string{"a\xffb"}},
		{"no space", "abcdefghij", 4, []string{"abcd", "efgh", "ij"}},
		{"utf8 boundary", "ééééé", 5, []string{"éé", "éé", "é"}},
		{"4-byte runes", "😀😀", 5, []string{"😀", "😀"}},
		{"early space ignored", "a bcdefghijkl", 8, []string{"a bcdefg", "hijkl"}},
		{"tiny budget raised", "😀", 1, []string{"😀"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := SplitText(tt.text, tt.budget)
			if strings.Join(got, "|") != strings.Join(tt.want, "|") || len(got) != len(tt.want) {
				t.Errorf("SplitText(%q, %d) = %q, want %q", tt.text, tt.budget, got, tt.want)
			}
		})
	}
}

func TestSplitTextFitsLine(t *testing.T) {
	nick := "gavel-chair"
	text := strings.Repeat("Ünïcödé wörds and ☃ snowmen ", 100)
	budget := textBudget(len(nick)+safeUserHostLen, "PRIVMSG", "#fedora-meeting")
	for _, p := range SplitText(text, budget) {
		line := ":" + nick + "!" + strings.Repeat("u", 11) + "@" + strings.Repeat("h", 63) + " PRIVMSG #fedora-meeting :" + p + "\r\n"
		if len(line) > MaxLineLen {
			t.Fatalf("line of %d bytes > %d", len(line), MaxLineLen)
		}
		if !utf8.ValidString(p) {
			t.Fatalf("piece %q is not valid UTF-8", p)
		}
	}
}

func TestJoinLines(t *testing.T) {
	var chans []string
	for i := range 150 {
		chans = append(chans, "#gavel-test-channel-"+strings.Repeat("x", i%20))
	}
	lines := joinLines(chans, 0)
	var got []string
	for _, l := range lines {
		if len(l)+2 > MaxLineLen {
			t.Fatalf("JOIN line of %d bytes", len(l)+2)
		}
		got = append(got, strings.Split(strings.TrimPrefix(l, "JOIN "), ",")...)
	}
	if strings.Join(got, " ") != strings.Join(chans, " ") {
		t.Fatal("channels lost or reordered")
	}
	if len(lines) > 15 {
		t.Errorf("%d JOIN lines for 150 channels, want few", len(lines))
	}
	if l := joinLines(chans[:7], 3); len(l) != 3 {
		t.Errorf("TARGMAX 3: %d lines, want 3: %q", len(l), l)
	}
}

func FuzzSplitText(f *testing.F) {
	f.Add("hello world", 10)
	f.Add("ééé ééé\nabc", 5)
	f.Add("\xff\xfe\xfd invalid", 4)
	f.Add("😀 😀😀 \r\n\x00x", 6)
	f.Fuzz(func(t *testing.T, text string, budget int) {
		if budget > 1<<16 || budget < -1<<16 {
			return
		}
		pieces := SplitText(text, budget)
		limit := max(budget, utf8.UTFMax)
		var b strings.Builder
		for _, p := range pieces {
			if len(p) == 0 || len(p) > limit {
				t.Fatalf("piece %q: length %d, limit %d", p, len(p), limit)
			}
			if strings.ContainsAny(p, "\r\n\x00") {
				t.Fatalf("piece %q contains CR/LF/NUL", p)
			}
			if strings.HasSuffix(p, " ") || strings.HasSuffix(p, "\t") {
				t.Fatalf("piece %q ends in a blank", p)
			}
			if utf8.ValidString(text) && !utf8.ValidString(p) {
				t.Fatalf("valid input gave invalid piece %q", p)
			}
			b.WriteString(p)
		}
		// Only line breaks, CR, NUL and blanks (at cuts and line ends) may go.
		drop := strings.NewReplacer("\r", "", "\n", "", "\x00", "", " ", "", "\t", "")
		if got, want := drop.Replace(b.String()), drop.Replace(text); got != want {
			t.Fatalf("pieces %q lost text of %q: %q != %q", pieces, text, got, want)
		}
	})
}
