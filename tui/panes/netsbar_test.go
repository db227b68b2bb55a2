package panes

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"gavel/themes"
	"gavel/tui/common"
)

// TestStatusBarOfSeveralNetworks: with IRC and Matrix at once the status
// bar shows each network's name, nick and state apart, and narrows with
// the terminal (nicks first, then the state words, then the names are
// cut) while the window's name stays and each network's dot says its
// state; every width is filled exactly.
func TestStatusBarOfSeveralNetworks(t *testing.T) {
	th, err := themes.ByName("dark")
	if err != nil {
		t.Fatal(err)
	}
	st := common.NewStyles(th)
	s := Status{Window: "#meet", Connected: true, Lag: 12 * time.Millisecond, Nets: []NetState{
		{Name: "libera.chat", Nick: "alice", Conn: "connected", Connected: true},
		{Name: "fedora.im", Nick: "@alice:fedora.im", Conn: "disconnected · reconnecting in 4s"},
	}}
	for _, tc := range []struct {
		width int
		want  []string
		not   []string
	}{
		{160, []string{" #meet ", "libera.chat: alice ● connected │ fedora.im: @alice:fedora.im ○ disconnected · reconnecting in 4s · lag 12ms "}, nil},
		{100, []string{" #meet ", "libera.chat ● connected │ fedora.im ○ disconnected · reconnecting in 4s · lag 12ms "}, []string{"alice"}},
		{60, []string{" #meet ", "libera.chat ● │ fedora.im ○ · lag 12ms "}, []string{"connected"}},
		{40, []string{" #meet ", "libera.… ● │ fedora.… ○ "}, nil},
		{30, []string{" #meet ", "lib… ● │ fed… ○ "}, nil},
	} {
		bar := ansi.Strip(StatusBar(st, tc.width, s))
		if w := ansi.StringWidth(bar); w != tc.width {
			t.Errorf("%d columns: the bar is %d cells wide: %q", tc.width, w, bar)
		}
		for _, want := range tc.want {
			if !strings.Contains(bar, want) {
				t.Errorf("%d columns: %q lacks %q", tc.width, bar, want)
			}
		}
		for _, not := range tc.not {
			if strings.Contains(bar, not) {
				t.Errorf("%d columns: %q has %q", tc.width, bar, not)
			}
		}
	}
	// A running meeting keeps its place on the left while there is room.
	s.Meeting, s.Started, s.Now = "weekly", time.Unix(0, 0), time.Unix(75, 0)
	if bar := ansi.Strip(StatusBar(st, 160, s)); !strings.Contains(bar, " #meet │ ● weekly 0:01:15 ") || !strings.Contains(bar, "fedora.im: @alice:fedora.im ○") {
		t.Errorf("with a meeting: %q", bar)
	}
}

// BenchmarkStatusBar renders the status row of one network and of two
// at the narrowest shape (every shape tried), as each frame does.
func BenchmarkStatusBar(b *testing.B) {
	th, err := themes.ByName("dark")
	if err != nil {
		b.Fatal(err)
	}
	st := common.NewStyles(th)
	one := Status{Server: "irc.libera.chat:6697", Nick: "alice", Window: "#meet", Conn: "connected", Connected: true, Lag: time.Millisecond}
	two := Status{Window: "#meet", Connected: true, Lag: time.Millisecond, Nets: []NetState{
		{Name: "libera.chat", Nick: "alice", Conn: "connected", Connected: true},
		{Name: "fedora.im", Nick: "@alice:fedora.im", Conn: "disconnected · reconnecting in 4s"},
	}}
	for _, bc := range []struct {
		name  string
		s     Status
		width int
	}{{"one network", one, 120}, {"two networks wide", two, 200}, {"two networks narrow", two, 30}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				StatusBar(st, bc.width, bc.s)
			}
		})
	}
}

// FuzzStatusBarNets renders the bar of two networks with any names,
// nicks and states at any width the console allows: the row is exactly
// that wide, and on one line.
func FuzzStatusBarNets(f *testing.F) {
	f.Add("libera.chat", "alice", "connected", "fedora.im", "@alice:fedora.im", "disconnected · reconnecting in 4s", "#meet", uint8(60))
	f.Add("漢字.example", "ニック", "connected", "", "", "", "#ü", uint8(20))
	f.Add("a\x1b[2Jb", "\tn\n", "x\u200by", "e\u0301", "😀", "\x7f", "#w", uint8(255))
	th, err := themes.ByName("dark")
	if err != nil {
		f.Fatal(err)
	}
	st := common.NewStyles(th)
	f.Fuzz(func(t *testing.T, n1, k1, c1, n2, k2, c2, window string, w uint8) {
		width := 20 + int(w)
		s := Status{Window: window, Connected: true, Lag: time.Millisecond, Nets: []NetState{
			{Name: n1, Nick: k1, Conn: c1, Connected: true}, {Name: n2, Nick: k2, Conn: c2}}}
		bar := ansi.Strip(StatusBar(st, width, s))
		if got := ansi.StringWidthWc(bar); got != width || strings.ContainsAny(bar, "\n\r") {
			t.Fatalf("width %d: %d cells, %q", width, got, bar)
		}
	})
}
