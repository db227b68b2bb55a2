package ircclient

import (
	"strings"
	"testing"
	"time"

	"gavel/ircclient/ircdtest"
)

// waitRegistered returns the Registered state.
func waitRegistered(t *testing.T, l *live) State {
	t.Helper()
	return l.wait(hybridReg, "registration", isState(Registered)).(State)
}

// TestRegainNick: a ghost holds the configured nick, so the server gives
// us nick_; the Registered state says which nick we wanted, and the client
// takes it back as soon as the ghost leaves: hybrid tells it through
// MONITOR, ngircd (no MONITOR) answers its ISON.
func TestRegainNick(t *testing.T) {
	for _, server := range noEchoServers {
		t.Run(server.name, func(t *testing.T) {
			srv := server.start(t)
			ghost := dialLine(t, srv.Addr(), "chair")
			cfg := testConfig(srv.Port, "chair")
			cfg.RegainInterval = time.Second // ngircd: ISON
			if server.name == "hybrid" {
				cfg.RegainInterval = time.Hour // MONITOR must say it
			}
			cfg.Channels = []string{"#meet"}
			l := startClient(t, cfg)
			st := waitRegistered(t, l)
			if st.Nick != "chair_" || st.Wanted != "chair" {
				t.Fatalf("registered as %q wanting %q", st.Nick, st.Wanted)
			}
			l.waitJoined(hybridReg, cfg.Channels)
			ghost.Send("QUIT :ghost gone")
			nc := l.wait(30*time.Second, "our nick back", func(ev Event) bool {
				n, ok := ev.(NickChange)
				return ok && n.Self
			}).(NickChange)
			if nc.Nick != "chair_" || nc.NewNick != "chair" || l.c.Nick() != "chair" {
				t.Errorf("nick change %q -> %q, nick now %q", nc.Nick, nc.NewNick, l.c.Nick())
			}
			if len(nc.Channels) != 1 {
				t.Errorf("nick change in channels %v, want #meet", nc.Channels)
			}
		})
	}
}

// TestRegainWithServices: logged in with SASL, the client asks NickServ
// (Atheme) to GHOST the connection that holds its nick, then takes it.
func TestRegainWithServices(t *testing.T) {
	srv := ircdtest.StartInspIRCd(t, ircdtest.Options{})
	srv.RegisterAccounts(map[string]string{"chair": "chairpass1"})
	ghost := dialLine(t, srv.Addr(), "chair")
	cfg := testConfig(srv.Port, "chair")
	cfg.SASLAccount, cfg.SASLPassword = "chair", "chairpass1"
	cfg.RegainInterval = time.Hour // no ISON: services do it
	l := startClient(t, cfg)
	st := waitRegistered(t, l)
	if st.Nick == "chair" || st.Wanted != "chair" {
		t.Fatalf("registered as %q wanting %q", st.Nick, st.Wanted)
	}
	l.wait(30*time.Second, "our nick back", func(ev Event) bool {
		n, ok := ev.(NickChange)
		return ok && n.Self && n.NewNick == "chair"
	})
	// The ghost was ended by services.
	killed, err := ghost.WaitFor(func(l string) bool { return strings.HasPrefix(l, "ERROR") })
	if err != nil || !strings.Contains(killed, "GHOST") {
		t.Errorf("the ghost was not ended by NickServ's GHOST: %q %v", killed, err)
	}
}
