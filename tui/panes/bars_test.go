package panes

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"gavel/themes"
	"gavel/tui/common"
)

// TestStatusBarBusWaiting: messages waiting for the bus's broker show in
// the status bar, beside the connection; none waiting shows nothing.
func TestStatusBarBusWaiting(t *testing.T) {
	th, err := themes.ByName("dark")
	if err != nil {
		t.Fatal(err)
	}
	st := common.NewStyles(th)
	for _, tc := range []struct {
		waiting int
		want    string
	}{
		{0, ""},
		{1, "bus: 1 message waiting │ connected"},
		{3, "bus: 3 messages waiting │ connected"},
	} {
		s := Status{Server: "irc.example:6697", Nick: "chair", Window: "#meet", Conn: "connected", Connected: true, Lag: -1, BusWaiting: tc.waiting}
		bar := ansi.Strip(StatusBar(st, 120, s))
		if w := ansi.StringWidth(bar); w != 120 {
			t.Errorf("%d waiting: bar is %d cells wide", tc.waiting, w)
		}
		if tc.want == "" {
			if strings.Contains(bar, "bus") {
				t.Errorf("nothing waiting, bar says %q", bar)
			}
		} else if !strings.Contains(bar, tc.want) {
			t.Errorf("%d waiting: bar %q lacks %q", tc.waiting, bar, tc.want)
		}
	}
}
