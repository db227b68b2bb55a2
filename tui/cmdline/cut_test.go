package cmdline

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"gavel/themes"
	"gavel/tui/common"
)

// TestCutShowsNoteAndDimsTheRest: with a cut, the text after it is drawn
// dimmed and the note sits at the right of the line; without room for the
// note the dimmed text alone shows it; no cut, no note.
func TestCutShowsNoteAndDimsTheRest(t *testing.T) {
	st := common.NewStyles(themes.Dark())
	m := New(common.Common{Width: 80, Height: 1, Styles: st})
	m.SetValue("#info keep this part|and not this")
	cutAt := strings.IndexByte(m.Value(), '|')
	m.Cut = func(text string) (int, string) { return cutAt, "✂ #info ends at “…part”" }
	row := m.Rows()[0]
	plain := ansi.Strip(row)
	if common.TextWidth(plain) != 80 || !strings.HasSuffix(strings.TrimRight(plain, " "), "✂ #info ends at “…part”") {
		t.Fatalf("row %q", plain)
	}
	if !strings.Contains(row, st.Muted.Render("|and not this")) || !strings.Contains(row, st.Text.Render("#info keep this part")) {
		t.Errorf("the text after the cut is not dimmed: %q", row)
	}
	// The cursor at the start: the rest after the cursor is split too.
	m.pos = 0
	if row := m.Rows()[0]; !strings.Contains(row, st.Muted.Render("|and not this")) {
		t.Errorf("cursor at the start: %q", row)
	}
	m.pos = len(m.Value())

	narrow := New(common.Common{Width: 30, Height: 1, Styles: st})
	narrow.SetValue(m.Value())
	narrow.Cut = m.Cut
	if plain := ansi.Strip(narrow.Rows()[0]); strings.Contains(plain, "✂") || common.TextWidth(plain) != 30 {
		t.Errorf("narrow row %q", plain)
	}
	for _, at := range []int{0, len(m.Value()), -3, 1000} {
		m.Cut = func(string) (int, string) { return at, "note" }
		if plain := ansi.Strip(m.Rows()[0]); strings.Contains(plain, "note") {
			t.Errorf("cut at %d shows a note: %q", at, plain)
		}
	}
}
