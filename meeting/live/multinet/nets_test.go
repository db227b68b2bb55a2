package multinet

import (
	"context"
	"strings"
	"testing"
	"time"

	"gavel/ircclient"
	"gavel/ircclient/ircdtest"
	"gavel/meeting/live"
)

// TestEachNetworkSaysItsOwnState runs a Multi over two real IRC
// connections (InspIRCd) as two networks: each one's connection events
// come stamped with its name, Nets gives each one's name, nick and
// connection, and NetOf names the network a channel is on.
func TestEachNetworkSaysItsOwnState(t *testing.T) {
	srv := ircdtest.StartInspIRCd(t, ircdtest.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	dial := func(nick, channel string) live.Network {
		ic := ircclient.DefaultConfig()
		ic.Server, ic.Port, ic.TLS, ic.Nick, ic.Channels, ic.SendUnpaced = ircdtest.Host, srv.Port, false, nick, []string{channel}, true
		c, err := ircclient.New(ic, nil)
		if err != nil {
			t.Fatal(err)
		}
		go c.Run(ctx)
		return live.NewIRC(c)
	}
	m := New(Member{Network: dial("ann", "#one"), Name: "one.example", Owns: func(n string) bool { return !strings.HasPrefix(n, "#two") }},
		Member{Network: dial("ben", "#two"), Name: "two.example", Owns: func(n string) bool { return strings.HasPrefix(n, "#two") }})

	connected := map[string]string{} // network -> nick
	joined := 0
	for len(connected) < 2 || joined < 2 {
		batch, open := m.Next(ctx, 64)
		if !open {
			t.Fatalf("the Multi closed; connected %v", connected)
		}
		for _, ev := range batch {
			switch e := ev.(type) {
			case live.Conn:
				if e.Network == "" {
					t.Errorf("a connection event of no network: %+v", e)
				}
				if e.State == live.Connected {
					connected[e.Network] = e.Nick
				}
			case live.Join:
				if e.From.Self {
					joined++
				}
			}
		}
	}
	if connected["one.example"] != "ann" || connected["two.example"] != "ben" {
		t.Errorf("connected: %v", connected)
	}
	nets := m.Nets()
	if len(nets) != 2 || nets[0].Name != "one.example" || nets[0].Nick != "ann" || !nets[0].Connected ||
		nets[1].Name != "two.example" || nets[1].Nick != "ben" || !nets[1].Connected {
		t.Errorf("Nets: %+v", nets)
	}
	for name, want := range map[string]string{"#one": "one.example", "#two": "two.example", "#twofold": "two.example", "#other": "one.example"} {
		if got := m.NetOf(name); got != want {
			t.Errorf("NetOf(%q) = %q, want %q", name, got, want)
		}
	}
}
