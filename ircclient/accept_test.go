package ircclient

import (
	"bufio"
	"errors"
	"io"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"gavel/ircclient/ircdtest"
)

// hybridReg bounds a registration and its joins: ircd-hybrid looks up
// the client's host name first, which takes about 20 s on a machine
// without DNS.
const hybridReg = 45 * time.Second

// testServer is a real server a test runs on, by name.
type testServer struct {
	name  string
	start func(t *testing.T) *ircdtest.Server
}

// echoAndNot are InspIRCd (IRCv3, echo-message, rfc1459 casemapping) and
// ngircd (none of these).
var echoAndNot = []testServer{
	{"inspircd", func(t *testing.T) *ircdtest.Server { return ircdtest.StartInspIRCd(t, ircdtest.Options{}) }},
	{"ngircd", func(t *testing.T) *ircdtest.Server { return ircdtest.StartNgircd(t) }},
}

// noEchoServers are the servers without echo-message, where the client
// itself says which of our lines the channel saw.
var noEchoServers = []testServer{
	{"hybrid", func(t *testing.T) *ircdtest.Server { return ircdtest.StartHybrid(t, ircdtest.HybridOptions{}) }},
	{"ngircd", func(t *testing.T) *ircdtest.Server { return ircdtest.StartNgircd(t) }},
}

// opAndChair registers an operator who creates channel and the client
// "chair" joined to it.
func opAndChair(t *testing.T, srv *ircdtest.Server, channel string) (*ircdtest.LineClient, *live) {
	t.Helper()
	op := dialLine(t, srv.Addr(), "op")
	op.Send("JOIN " + channel)
	op.Expect(t, " 366 ")
	cfg := testConfig(srv.Port, "chair")
	cfg.Channels = []string{channel}
	l := startClient(t, cfg)
	l.waitJoined(hybridReg, cfg.Channels)
	if l.c.HasCap("echo-message") {
		t.Fatal("echo-message acked")
	}
	return op, l
}

// waitMode waits until the operator's MODE or KICK is back (the server
// applied it).
func waitLine(t *testing.T, lc *ircdtest.LineClient, cmd string) {
	t.Helper()
	lc.Expect(t, " "+cmd+" ")
}

// outcome reads events until the line text has its outcome: its Self
// Message (accepted) or its Unsent. It fails when the Message is not
// preceded by its Pending.
func outcome(t *testing.T, l *live, text string) Event {
	t.Helper()
	pending := false
	return l.wait(30*time.Second, "the outcome of "+text, func(ev Event) bool {
		switch e := ev.(type) {
		case Pending:
			pending = pending || LineText(e.Line) == text
		case Message:
			if e.Self && e.Text == text {
				if !pending {
					t.Errorf("%q: Message without a Pending first", text)
				}
				return true
			}
		case Unsent:
			return e.Text() == text
		}
		return false
	})
}

// TestRefusedLineIsNotOurs: on servers without echo-message a line the
// server refuses (moderated channel without voice, a ban, a channel we
// are not in, a nick that is not there) never becomes our Message: it
// comes back as an Unsent that says why; once voiced, the line is ours.
func TestRefusedLineIsNotOurs(t *testing.T) {
	for _, server := range noEchoServers {
		t.Run(server.name, func(t *testing.T) {
			srv := server.start(t)
			op, l := opAndChair(t, srv, "#meet")
			op.Send("MODE #meet +m")
			waitLine(t, op, "MODE")
			op.Send("JOIN #outside")
			op.Send("MODE #outside +n")
			waitLine(t, op, "366")

			cases := []struct {
				target, text, why string
			}{
				{"#meet", "#info said while muted", "moderated"},
				{"#outside", "to a channel gavel is not in", "not in #outside"},
				{"nobody", "to a nick that is not here", "no such nick"},
			}
			for _, c := range cases {
				if err := l.c.Say(c.target, c.text); err != nil {
					t.Fatal(err)
				}
				u, ok := outcome(t, l, c.text).(Unsent)
				if !ok || u.Refusal == nil || !strings.Contains(u.Reason(), c.why) || u.Target != c.target {
					t.Errorf("%s: got %#v (reason %q), want an Unsent saying %q", c.target, u, u.Reason(), c.why)
				}
			}

			op.Send("MODE #meet +v chair")
			waitLine(t, op, "MODE")
			l.c.Say("#meet", "#info said with voice")
			if m, ok := outcome(t, l, "#info said with voice").(Message); !ok || m.Target != "#meet" {
				t.Errorf("voiced line: %#v", m)
			}
		})
	}
}

// TestBanRefusesLines: a banned member's lines are refused (hybrid says
// why in its 404).
func TestBanRefusesLines(t *testing.T) {
	srv := ircdtest.StartHybrid(t, ircdtest.HybridOptions{})
	op, l := opAndChair(t, srv, "#meet")
	op.Send("MODE #meet +b chair!*@*")
	waitLine(t, op, "MODE")
	l.c.Say("#meet", "said while banned")
	u, ok := outcome(t, l, "said while banned").(Unsent)
	if !ok || !strings.Contains(u.Reason(), "banned") {
		t.Errorf("got %#v, reason %q", u, u.Reason())
	}
}

// countPings is a loopback proxy in front of srv that counts the ack PINGs
// the client sends.
func countPings(t *testing.T, addr string) (port int, pings *atomic.Int64) {
	t.Helper()
	ln, err := net.Listen("tcp", ircdtest.Host+":0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	pings = &atomic.Int64{}
	go func() {
		for {
			in, err := ln.Accept()
			if err != nil {
				return
			}
			out, err := net.Dial("tcp", addr)
			if err != nil {
				in.Close()
				return
			}
			t.Cleanup(func() { in.Close(); out.Close() })
			go io.Copy(in, out)
			go func() {
				r := bufio.NewReader(in)
				for {
					line, err := r.ReadString('\n')
					if strings.HasPrefix(line, "PING :"+ackPrefix) {
						pings.Add(1)
					}
					if _, werr := out.Write([]byte(line)); err != nil || werr != nil {
						return
					}
				}
			}()
		}
	}()
	return ln.Addr().(*net.TCPAddr).Port, pings
}

// TestOnePingAfterABurst: eight lines written at once are confirmed by
// one PING, not one each.
func TestOnePingAfterABurst(t *testing.T) {
	srv := ircdtest.StartHybrid(t, ircdtest.HybridOptions{})
	port, pings := countPings(t, srv.Addr())
	cfg := testConfig(port, "chair")
	cfg.Channels = []string{"#burst"}
	l := startClient(t, cfg)
	l.waitJoined(hybridReg, cfg.Channels)
	lines := make([]string, 8)
	for i := range lines {
		lines[i] = "line " + string(rune('a'+i))
	}
	if err := l.c.Say("#burst", strings.Join(lines, "\n")); err != nil {
		t.Fatal(err)
	}
	got := 0
	l.wait(30*time.Second, "a self message for each line", func(ev Event) bool {
		if m, ok := ev.(Message); ok && m.Self {
			got++
		}
		return got == len(lines)
	})
	if n := pings.Load(); n != 1 {
		t.Errorf("%d ack PINGs for a burst of %d lines, want 1", n, len(lines))
	}
}

// TestLostLineIsSaid: a line written just before the connection drops,
// before the server answered, is an Unsent without a refusal.
func TestLostLineIsSaid(t *testing.T) {
	srv := ircdtest.StartHybrid(t, ircdtest.HybridOptions{})
	op, l := opAndChair(t, srv, "#meet")
	_ = op
	// The PING that would confirm it never gets its answer: the server dies
	// right after the line is written.
	l.c.Say("#meet", "the last word")
	srv.KillIRCd()
	ev := l.wait(30*time.Second, "the line's outcome", func(ev Event) bool {
		switch e := ev.(type) {
		case Message:
			return e.Self && e.Text == "the last word"
		case Unsent:
			return e.Text() == "the last word"
		}
		return false
	})
	switch e := ev.(type) {
	case Unsent:
		if e.Refusal != nil || !strings.Contains(e.Reason(), "connection ended") {
			t.Errorf("unsent %#v: %s", e, e.Reason())
		}
	case Message:
		// The server took it before it died: also right (the channel saw it).
		t.Logf("the server answered before it died")
	}
}

// TestKickedThenJoin: after a KICK, lines to the channel are refused at
// once with ErrNotInChannel (nothing goes out), and /join brings gavel
// back, after which lines go out again.
func TestKickedThenJoin(t *testing.T) {
	srv := ircdtest.StartHybrid(t, ircdtest.HybridOptions{})
	op, l := opAndChair(t, srv, "#meet")
	op.Send("KICK #meet chair :out you go")
	l.wait(30*time.Second, "our kick", func(ev Event) bool { k, ok := ev.(Kick); return ok && k.KickedSelf })
	err := l.c.Say("#meet", "typed while kicked")
	if !errors.Is(err, ErrNotInChannel) || !strings.Contains(err.Error(), "/join #meet") || !strings.Contains(err.Error(), "out you go") {
		t.Fatalf("Say after the kick: %v", err)
	}
	if err := l.c.Join("#meet"); err != nil {
		t.Fatal(err)
	}
	l.waitJoined(hybridReg, []string{"#meet"})
	if err := l.c.Say("#meet", "back again"); err != nil {
		t.Fatal(err)
	}
	if m, ok := outcome(t, l, "back again").(Message); !ok {
		t.Errorf("after rejoining: %#v", m)
	}
}

// TestLabeledResponseWithoutEchoMessage: where the server offers
// labeled-response but echo-message is not used (InspIRCd with the
// client asking for no echo-message), each line carries a label the server
// answers itself, ACK or its refusal, and no PING is sent.
func TestLabeledResponseWithoutEchoMessage(t *testing.T) {
	srv := ircdtest.StartInspIRCd(t, ircdtest.Options{})
	port, pings := countPings(t, srv.Addr())
	op := dialLine(t, srv.Addr(), "op")
	op.Send("JOIN #meet")
	waitLine(t, op, "366")
	op.Send("MODE #meet +m")
	waitLine(t, op, "MODE")
	cfg := testConfig(port, "chair")
	cfg.Caps = slices.DeleteFunc(slices.Clone(DefaultCaps), func(c string) bool { return c == "echo-message" })
	cfg.Channels = []string{"#meet"}
	l := startClient(t, cfg)
	l.waitJoined(hybridReg, cfg.Channels)
	if !l.c.HasCap("labeled-response") || l.c.HasCap("echo-message") {
		t.Fatalf("caps %v", l.c.Caps())
	}
	l.c.Say("#meet", "muted")
	if u, ok := outcome(t, l, "muted").(Unsent); !ok || u.Refusal == nil || u.Refusal.Code != "404" || !strings.Contains(u.Reason(), "moderated") {
		t.Errorf("muted line: %#v (%s)", u, u.Reason())
	}
	l.c.Say("nobody", "to nobody")
	if u, ok := outcome(t, l, "to nobody").(Unsent); !ok || u.Refusal == nil || u.Refusal.Code != "401" {
		t.Errorf("line to nobody: %#v", u)
	}
	op.Send("MODE #meet +v chair")
	waitLine(t, op, "MODE")
	l.c.Say("#meet", "voiced")
	if m, ok := outcome(t, l, "voiced").(Message); !ok || m.Target != "#meet" {
		t.Errorf("voiced line: %#v", m)
	}
	if n := pings.Load(); n != 0 {
		t.Errorf("%d ack PINGs with labeled-response", n)
	}
}

// BenchmarkHeldBurst is the cost, without a socket, of holding a burst of
// ten lines (their Pending events) and accepting them with one PONG.
func BenchmarkHeldBurst(b *testing.B) {
	c, s := offline(b)
	feed(b, s, ":chair!c@h JOIN #x")
	lines := make([]outLine, 10)
	for i := range lines {
		lines[i] = c.textLine("PRIVMSG", "#x", "a line of the meeting", false, false)
	}
	pong := ":irc.test PONG irc.test :" + ackPrefix
	b.ReportAllocs()
	for b.Loop() {
		seq := s.hold(lines, time.Now())
		feed(b, s, pong+strconv.FormatUint(seq, 10))
		for len(s.urgent) > 0 {
			<-s.urgent
		}
		c.events.Take()
	}
}

// TestRefusedLineBehindZNC: behind ZNC (which answers PINGs itself) in
// front of ircd-hybrid, a line the server refuses is still an Unsent: the
// client asks the server itself (USERHOST) after its lines.
func TestRefusedLineBehindZNC(t *testing.T) {
	srv := ircdtest.StartHybrid(t, ircdtest.HybridOptions{})
	op := dialLine(t, srv.Addr(), "op")
	op.Send("JOIN #meet")
	waitLine(t, op, "366")
	z := ircdtest.StartZNC(t, srv, ircdtest.ZNCOptions{Nick: "chair", Channels: []string{"#meet"}})
	op.Send("MODE #meet +m")
	waitLine(t, op, "MODE")
	cfg := testConfig(z.Port, "chair")
	cfg.ServerPassword = z.ServerPassword()
	l := startClient(t, cfg)
	l.waitJoined(hybridReg, []string{"#meet"})
	if l.c.HasCap("echo-message") {
		t.Fatal("echo-message through ZNC in front of hybrid")
	}
	l.c.Say("#meet", "muted behind the bouncer")
	if u, ok := outcome(t, l, "muted behind the bouncer").(Unsent); !ok || u.Refusal == nil || u.Refusal.Code != "404" {
		t.Errorf("muted line: %#v", u)
	}
	op.Send("MODE #meet +v chair")
	waitLine(t, op, "MODE")
	l.c.Say("#meet", "voiced behind the bouncer")
	if m, ok := outcome(t, l, "voiced behind the bouncer").(Message); !ok || m.Target != "#meet" {
		t.Errorf("voiced line: %#v", m)
	}
}

// TestPacedLinesWithAckPings: with the default pacing (a burst of 5, then
// one line every 2 s) the PINGs after our bursts cost nothing of the
// budget the servers' flood limits allow: ten lines on ircd-hybrid and
// ngircd (stock limits) are all accepted on one connection.
func TestPacedLinesWithAckPings(t *testing.T) {
	onEachServer(t, noEchoServers, func(t *testing.T, _ string, srv *ircdtest.Server) {
		cfg := testConfig(srv.Port, "chair")
		cfg.SendUnpaced = false // DefaultConfig's burst and rate
		cfg.Channels = []string{"#paced"}
		l := startClient(t, cfg)
		l.waitJoined(hybridReg, cfg.Channels)
		const n = 10
		for i := range n {
			if err := l.c.Say("#paced", "paced line "+strconv.Itoa(i)); err != nil {
				t.Fatal(err)
			}
		}
		got := 0
		l.wait(60*time.Second, "every line accepted", func(ev Event) bool {
			switch e := ev.(type) {
			case Message:
				if e.Self {
					got++
				}
			case Unsent:
				t.Errorf("unsent: %s: %s", e.Text(), e.Reason())
			case State:
				if e.State == Disconnected {
					t.Fatalf("disconnected: %v", e.Err)
				}
			}
			return got == n
		})
	})
}
