package live

import (
	"strings"
	"testing"
	"time"

	"gavel/ircclient"
)

// FuzzIRCAdapterReply: whatever numerics and parameters a server sends,
// the adapter words them without failing, a WHOIS line is about its nick,
// and a LIST is handed over whole, once, at its end.
func FuzzIRCAdapterReply(f *testing.F) {
	f.Add("311", "bob ~b host.example *", "Bob B")
	f.Add("317", "bob 12 1700000000", "seconds idle, signon time")
	f.Add("322", "#meet 3", "\x0304red\x03 agenda")
	f.Add("322", "#meet", "")
	f.Add("323", "", "End of /LIST")
	f.Add("330", "", "")
	f.Add("999", "a b c", "x")
	f.Fuzz(func(t *testing.T, code, params, text string) {
		n := NewIRC(nil)
		at := time.Unix(0, 0)
		var ps []string
		if params != "" {
			ps = strings.Split(params, " ")
		}
		evs := n.Translate([]ircclient.Event{
			ircclient.Reply{Meta: ircclient.Meta{Time: at}, Code: "321"},
			ircclient.Reply{Meta: ircclient.Meta{Time: at}, Code: code, Params: ps, Text: text},
			ircclient.Reply{Meta: ircclient.Meta{Time: at}, Code: "323"},
		})
		lists := 0
		for _, ev := range evs {
			switch e := ev.(type) {
			case Whois:
				if len(ps) > 0 && e.Nick != ps[0] {
					t.Errorf("WHOIS line about %q from params %q", e.Nick, ps)
				}
			case ChannelList:
				lists++
				if code == "322" && len(ps) >= 2 && (len(e.Channels) != 1 || e.Channels[0].Name != ps[0]) {
					t.Errorf("LIST entry lost: %+v", e.Channels)
				}
			}
			if !ev.When().Equal(at) {
				t.Errorf("time changed: %v", ev.When())
			}
		}
		if want := 1; code != "323" && lists != want {
			t.Errorf("%d channel lists for one LIST", lists)
		}
	})
}
