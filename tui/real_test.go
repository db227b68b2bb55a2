package tui

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"gavel/ircclient"
	"gavel/ircclient/ircdtest"
)

// realClient runs a real ircclient.Client against a test server until the
// test ends (bounded shutdown).
func realClient(t testing.TB, srv *ircdtest.Server, nick string, channels ...string) *ircclient.Client {
	t.Helper()
	cfg := ircclient.DefaultConfig()
	cfg.Server, cfg.Port, cfg.TLS, cfg.Nick = ircdtest.Host, srv.Port, false, nick
	cfg.Channels = channels
	cfg.SendUnpaced = true
	cfg.ReconnectMin, cfg.ReconnectMax = 50*time.Millisecond, 200*time.Millisecond
	cfg.DialTimeout, cfg.RegTimeout = 2*time.Second, 40*time.Second // ircd-hybrid looks up the host name: ~20 s without DNS
	c, err := ircclient.New(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Errorf("client %s did not stop within 5s", nick)
		}
	})
	return c
}

// waitEvent reads a client's events until match is true (bounded by d),
// returning every event read.
func waitEvent(t testing.TB, evs <-chan ircclient.Event, d time.Duration, what string, match func(ircclient.Event) bool) []ircclient.Event {
	t.Helper()
	timer := time.NewTimer(d)
	defer timer.Stop()
	var seen []ircclient.Event
	for {
		select {
		case ev, ok := <-evs:
			if !ok {
				t.Fatalf("events closed while waiting for %s", what)
			}
			seen = append(seen, ev)
			if match(ev) {
				return seen
			}
		case <-timer.C:
			t.Fatalf("no %s within %v (saw %d events)", what, d, len(seen))
			return nil
		}
	}
}

func namesOf(ch string) func(ircclient.Event) bool {
	return func(ev ircclient.Event) bool {
		n, ok := ev.(ircclient.Names)
		return ok && strings.EqualFold(n.Channel, ch)
	}
}

func joinOf(nick string) func(ircclient.Event) bool {
	return func(ev ircclient.Event) bool { j, ok := ev.(ircclient.Join); return ok && j.Nick == nick }
}

func messageFrom(nick, text string) func(ircclient.Event) bool {
	return func(ev ircclient.Event) bool {
		m, ok := ev.(ircclient.Message)
		return ok && m.Nick == nick && m.Text == text
	}
}

// selfLine is what the console sees of one of our own lines.
func selfLine(ev ircclient.Event) (string, bool) {
	switch e := ev.(type) {
	case ircclient.Message:
		if e.Self {
			return fmt.Sprintf("Message %s %q private=%v", e.Target, e.Text, e.Private), true
		}
	case ircclient.Action:
		if e.Self {
			return fmt.Sprintf("Action %s %q private=%v", e.Target, e.Text, e.Private), true
		}
	case ircclient.Notice:
		if e.Self {
			return fmt.Sprintf("Notice %s %q private=%v", e.Target, e.Text, e.Private), true
		}
	}
	return "", false
}

// sendScript is what both the real client and the fake are made to send.
func sendScript(c interface {
	Say(string, string) error
	Action(string, string) error
	Notice(string, string) error
	SendRaw(string) error
}) {
	c.Say("#c", "hello")
	c.Action("#c", "waves")
	c.Notice("#c", "a notice")
	c.Say("bob", "psst")
	c.Say("#elsewhere", "never joined: dropped")
	c.SendRaw("PRIVMSG #c :a raw line")
	c.SendRaw("PRIVMSG bob :\x01VERSION\x01")
	c.Say("#c", "the end")
}

// TestFakeClientMatchesIRCClient checks the console tests' fake against
// the real ircclient on real servers, with echo-message (InspIRCd) and
// without it (ngircd): the same lines sent give the same events of our
// own, once each and in order, and the same channel state.
func TestFakeClientMatchesIRCClient(t *testing.T) {
	for _, s := range []struct {
		name  string
		start func(testing.TB) *ircdtest.Server
	}{
		{"ngircd", ircdtest.StartNgircd},
		{"inspircd", func(tb testing.TB) *ircdtest.Server { return ircdtest.StartInspIRCd(tb, ircdtest.Options{}) }},
	} {
		t.Run(s.name, func(t *testing.T) {
			srv := s.start(t)
			ctx, cancel := context.WithTimeout(context.Background(), 40*time.Second)
			defer cancel()
			c := realClient(t, srv, "gav", "#c")
			waitEvent(t, c.Events(), 20*time.Second, "our join", namesOf("#c"))
			bob, err := ircdtest.Dial(ctx, srv.Addr(), "bob")
			if err != nil {
				t.Fatal(err)
			}
			defer bob.Close()
			bob.Send("JOIN #c")
			waitEvent(t, c.Events(), 10*time.Second, "bob's join", joinOf("bob"))

			sendScript(c)
			var real []string
			for _, ev := range waitEvent(t, c.Events(), 10*time.Second, "the end", messageFrom("gav", "the end")) {
				if l, ok := selfLine(ev); ok {
					real = append(real, l)
				}
			}
			c.SetTopic("#c", "the topic")
			waitEvent(t, c.Events(), 10*time.Second, "the topic", func(ev ircclient.Event) bool { _, ok := ev.(ircclient.Topic); return ok })
			bob.Send("MODE #c +v bob") // refused: bob is no operator; state unchanged
			c.SendRaw("MODE #c +v bob")
			waitEvent(t, c.Events(), 10*time.Second, "the voice", func(ev ircclient.Event) bool { _, ok := ev.(ircclient.Mode); return ok })
			realMembers := fmt.Sprint(c.Members("#c"))

			f := newFake()
			f.state.SetNick("gav")
			f.casemapping = c.ISupport()["CASEMAPPING"]
			f.deliver(
				ircclient.Join{Source: ircclient.Source{Nick: "gav", Self: true}, Channel: "#c"},
				ircclient.Names{Channel: "#c", Members: []ircclient.Member{{Nick: "gav", Prefixes: "@"}}},
				ircclient.Join{Source: ircclient.Source{Nick: "bob"}, Channel: "#c"},
			)
			sendScript(f)
			f.deliver(
				ircclient.Topic{Source: ircclient.Source{Nick: "gav", Self: true}, Channel: "#c", Text: "the topic"},
				ircclient.Mode{Source: ircclient.Source{Nick: "gav", Self: true}, Target: "#c", Modes: "+v", Params: []string{"bob"}},
			)
			var fake []string
			for len(f.events) > 0 {
				if l, ok := selfLine(<-f.events); ok {
					fake = append(fake, l)
				}
			}
			if strings.Join(real, "\n") != strings.Join(fake, "\n") {
				t.Errorf("our own lines differ\nreal client:\n  %s\nfake:\n  %s", strings.Join(real, "\n  "), strings.Join(fake, "\n  "))
			}
			if got := fmt.Sprint(f.Members("#c")); got != realMembers {
				t.Errorf("members: real %s, fake %s", realMembers, got)
			}
			if c.Topic("#c") != f.Topic("#c") || c.InChannel("#c") != f.InChannel("#c") || c.InChannel("#elsewhere") != f.InChannel("#elsewhere") {
				t.Errorf("topic/in channel: real %q %v, fake %q %v", c.Topic("#c"), c.InChannel("#c"), f.Topic("#c"), f.InChannel("#c"))
			}
			if c.IsChannel("bob") != f.IsChannel("bob") || c.Fold("Gav[]") != f.Fold("Gav[]") {
				t.Errorf("IsChannel/Fold differ: %v %q vs %v %q", c.IsChannel("bob"), c.Fold("Gav[]"), f.IsChannel("bob"), f.Fold("Gav[]"))
			}
		})
	}
}
