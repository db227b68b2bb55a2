package panes

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"gavel/meeting/chair/agenda"
	"gavel/themes"
	"gavel/tui/common"
)

// The Agenda and Votes panes take a place in every layout when shown: the
// side column keeps its size, and the narrow layout gets their tabs.
func TestSideWithAgendaAndVotes(t *testing.T) {
	th, err := themes.ByName("dark")
	if err != nil {
		t.Fatal(err)
	}
	c := common.Common{Styles: common.NewStyles(th), Keys: common.DefaultKeyMap(), Me: &common.Me{}}
	items, err := agenda.ParseBytes([]byte("- One [5m]\n- Two\n- Three\n"))
	if err != nil {
		t.Fatal(err)
	}
	a := agenda.New(items)
	a.Next()
	for _, size := range [][2]int{{70, 30}, {120, 40}, {200, 60}} {
		for _, show := range [][2]bool{{false, false}, {true, false}, {false, true}, {true, true}} {
			s := NewSide(c)
			e, anchor := AgendaEntries(a, "")
			s.Agenda.SetEntries(e, anchor)
			s.Votes.SetEntries([]Entry{{{RText, "Question?"}}}, 0)
			s.ShowAgenda, s.ShowVotes = show[0], show[1]
			W, H := size[0], size[1]
			sw := s.Layout(W, H)
			if s.Narrow() {
				bar := ansi.Strip(s.TabBar())
				for name, want := range map[string]bool{"Agenda": show[0], "Votes": show[1], "People": true} {
					if strings.Contains(bar, " "+name+" ") != want {
						t.Errorf("%dx%d %v: tab bar %q", W, H, show, bar)
					}
				}
				for s.Tab = 1; s.Tab <= len(s.areas); s.Tab++ {
					if rows := s.TabRows(); len(rows) != H-1 {
						t.Errorf("%dx%d %v tab %d: %d rows", W, H, show, s.Tab, len(rows))
					}
				}
				continue
			}
			rows := s.Rows()
			if len(rows) != H {
				t.Fatalf("%dx%d %v: %d rows", W, H, show, len(rows))
			}
			text := ""
			for i, r := range rows {
				if w := ansi.StringWidth(r); w != sw {
					t.Errorf("%dx%d %v: row %d is %d wide, want %d", W, H, show, i, w, sw)
				}
				text += ansi.Strip(r) + "\n"
			}
			if strings.Contains(text, "▶ 1. One") != show[0] || strings.Contains(text, "Question?") != show[1] {
				t.Errorf("%dx%d %v: panes shown wrong:\n%s", W, H, show, text)
			}
		}
	}
}
