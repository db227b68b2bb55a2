package ircclient

import (
	"os"
	"strings"
	"testing"
)

// ergoISupport is Ergo's recorded 005 lines (testdata/ergo-isupport.txt).
func ergoISupport(t testing.TB) []string {
	t.Helper()
	b, err := os.ReadFile("testdata/ergo-isupport.txt")
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for l := range strings.SplitSeq(string(b), "\n") {
		if l != "" && !strings.HasPrefix(l, "#") {
			lines = append(lines, l)
		}
	}
	return lines
}

// TestFoldFollowsErgosUTF8Mapping: after Ergo's 005 lines the client folds
// non-ASCII nicks and channels with PRECIS, as Ergo compares them, and
// ASCII names as before.
func TestFoldFollowsErgosUTF8Mapping(t *testing.T) {
	c, s := offline(t)
	if c.Fold("Ärger") == c.Fold("ärger") {
		t.Fatal("folded as one before the server said UTF8MAPPING")
	}
	feed(t, s, ergoISupport(t)...)
	for _, tt := range []struct{ a, b string }{
		{"Ärger", "ärger"},
		{"#Ärger", "#ärger"},
		{"ÄRGER", "ärger"},
		{"Chair", "chair"},
		{"ＡＢＣ", "abc"}, // full-width letters fold to ASCII under PRECIS
	} {
		if c.Fold(tt.a) != c.Fold(tt.b) {
			t.Errorf("Fold(%q) = %q, Fold(%q) = %q: want one name", tt.a, c.Fold(tt.a), tt.b, c.Fold(tt.b))
		}
	}
	// CASEMAPPING=ascii: the rfc1459 brackets are different names.
	if c.Fold("a[b") == c.Fold("a{b") {
		t.Error("ascii casemapping folded [ to {")
	}
	// The channel state is keyed by the new fold.
	feed(t, s, ":chair!c@h JOIN #Ärger", ":Ärger!a@h JOIN #Ärger")
	if !c.InChannel("#ärger") {
		t.Error("not in #ärger after joining #Ärger")
	}
	found := false
	for _, m := range c.Members("#ärger") {
		found = found || m.Nick == "Ärger"
	}
	if !found || len(c.Members("#ÄRGER")) != 2 {
		t.Errorf("members of #ärger: %v", c.Members("#ärger"))
	}
}

func TestCaseFoldFor(t *testing.T) {
	for _, tt := range []struct {
		cm, um, in, want string
	}{
		{"ascii", "rfc8265", "Ärger", "ärger"},
		{"ascii", "rfc8265", "#Chair", "#chair"},
		{"ascii", "", "Ärger", "Ärger"},                // no UTF8MAPPING: bytes above ASCII are themselves
		{"rfc1459", "", "A[B]~", "a{b}^"},              // as before
		{"ascii", "rfc8265", "a b\u00e9", "a b\u00e9"}, // PRECIS refuses the space: ASCII fold
		{"ascii", "unknown-mapping", "Ärger", "Ärger"},
	} {
		if got := CaseFoldFor(tt.cm, tt.um)(tt.in); got != tt.want {
			t.Errorf("CaseFoldFor(%q, %q)(%q) = %q, want %q", tt.cm, tt.um, tt.in, got, tt.want)
		}
	}
}

// FuzzCaseFold: a fold never panics, folds ASCII names as CASEMAPPING does,
// and is stable: a folded name folds to itself.
func FuzzCaseFold(f *testing.F) {
	for _, s := range []string{"Ärger", "#Chair", "ＡＢＣ", "a b", "\u0130", "\xff", "ß", "ǅ"} {
		f.Add(s)
	}
	fold := CaseFoldFor("ascii", "rfc8265")
	f.Fuzz(func(t *testing.T, s string) {
		got := fold(s)
		ascii := true
		for i := 0; i < len(s); i++ {
			ascii = ascii && s[i] < 0x80
		}
		if ascii && got != foldASCII(s) {
			t.Fatalf("ASCII %q folded to %q, want %q", s, got, foldASCII(s))
		}
		if again := fold(got); again != got {
			t.Fatalf("fold(%q) = %q but fold(%q) = %q", s, got, got, again)
		}
	})
}

// BenchmarkFoldUTF8Mapping folds under Ergo's mapping: ASCII names take
// CASEMAPPING's table, non-ASCII names PRECIS.
func BenchmarkFoldUTF8Mapping(b *testing.B) {
	fold := CaseFoldFor("ascii", "rfc8265")
	for _, name := range []string{"chair", "Chair", "Ärger", "#Ärger"} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				fold(name)
			}
		})
	}
}
