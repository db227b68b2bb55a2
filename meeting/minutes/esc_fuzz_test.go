package minutes

import (
	"strings"
	"testing"
)

// FuzzHTMLEscape: the word-at-a-time HTML escaping appends what a
// strings.Replacer of the same bytes gives, in both styles' sets, and
// the Markdown escaping what its byte table gives.
func FuzzHTMLEscape(f *testing.F) {
	for _, s := range []string{"", "a", "plain text of some length", "<b>&amp;</b>", `"quoted" it's`, "12345678<", "1234567&",
		"\xff\xfe<>", "日本語 & more", "&&&&&&&&&&&&&&&&&", "x'y\"z<w>v&u"} {
		f.Add(s)
	}
	zod := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")
	full := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&#39;")
	md := strings.NewReplacer(
		`\`, `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "{", `\{`, "}", `\}`,
		"[", `\[`, "]", `\]`, "(", `\(`, ")", `\)`, "#", `\#`, "|", `\|`,
		"<", `\<`, ">", `\>`, "&", `\&`, "~", `\~`, "!", `\!`,
		"\r", " ", "\n", " ")
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := string(appendHTMLEsc([]byte("x"), s, false)), "x"+zod.Replace(s); got != want {
			t.Fatalf("%q: zodbot escaping %q, want %q", s, got, want)
		}
		if got, want := string(appendHTMLEsc([]byte("x"), s, true)), "x"+full.Replace(s); got != want {
			t.Fatalf("%q: escaping %q, want %q", s, got, want)
		}
		if got, want := string(appendReplaced([]byte("x"), s, mdTable)), "x"+md.Replace(s); got != want {
			t.Fatalf("%q: Markdown escaping %q, want %q", s, got, want)
		}
	})
}
