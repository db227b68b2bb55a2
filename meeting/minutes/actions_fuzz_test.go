package minutes

import (
	"strings"
	"testing"
	"unicode"
)

// FuzzReadTextActions checks that any text gives actions of one line each
// or an error, never a panic, and that actions written by the text writer's
// own wrapping read back unchanged.
func FuzzReadTextActions(f *testing.F) {
	f.Fuzz(func(t *testing.T, data string) {
		actions, err := ReadTextActions(strings.NewReader(data))
		if err != nil {
			return
		}
		for _, a := range actions {
			if strings.ContainsAny(a, "\n") || a != strings.TrimSpace(a) {
				t.Fatalf("action %q", a)
			}
		}
		// Round trip through the writer's wrapping for one-line text
		// without runs of white space.
		item := strings.Join(strings.Fields(strings.ReplaceAll(data, "\r", " ")), " ")
		// (Text the engine keeps: printable, formatting codes stripped.)
		if item == "" || strings.IndexFunc(item, func(r rune) bool { return !unicode.IsPrint(r) }) >= 0 {
			return
		}
		text := "Action Items\n------------\n" + wrapList("* "+item, 0) + "\n\n\n\n\n"
		got, err := ReadTextActions(strings.NewReader(text))
		if err != nil || len(got) != 1 || got[0] != item {
			t.Fatalf("round trip of %q: %q, %v (text %q)", item, got, err, text)
		}
	})
}
