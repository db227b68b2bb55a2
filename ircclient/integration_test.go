package ircclient

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"gavel/ircclient/ircdtest"
)

// live is a Client running against a test server.
type live struct {
	t    testing.TB
	c    *Client
	done chan error
}

func testConfig(port int, nick string) Config {
	cfg := DefaultConfig()
	cfg.Server, cfg.Port, cfg.TLS, cfg.Nick = ircdtest.Host, port, false, nick
	cfg.SendUnpaced = true
	cfg.ReconnectMin, cfg.ReconnectMax = 50*time.Millisecond, 500*time.Millisecond
	cfg.DialTimeout, cfg.RegTimeout = 2*time.Second, 40*time.Second // ircd-hybrid looks up the host name: ~20 s without DNS
	return cfg
}

func testLogger(t testing.TB) *slog.Logger {
	if testing.Verbose() {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return nil
}

// startClient runs a client until the test ends (bounded shutdown).
func startClient(t testing.TB, cfg Config) *live {
	t.Helper()
	c, err := New(cfg, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	l := &live{t: t, c: c, done: make(chan error, 1)}
	go func() { l.done <- c.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-l.done:
		case <-time.After(5 * time.Second):
			t.Errorf("Run did not return within 5s of cancel")
		}
	})
	return l
}

// ended waits up to d for Run to end and returns its error (kept for the
// cleanup); without an end in time the test fails with why.
func (l *live) ended(d time.Duration, why string) error {
	l.t.Helper()
	select {
	case err := <-l.done:
		l.done <- err
		return err
	case <-time.After(d):
		l.t.Fatal(why)
		return nil
	}
}

// onEachServer runs test in a parallel subtest on each of servers.
func onEachServer(t *testing.T, servers []testServer, test func(t *testing.T, server string, srv *ircdtest.Server)) {
	for _, s := range servers {
		t.Run(s.name, func(t *testing.T) {
			t.Parallel()
			test(t, s.name, s.start(t))
		})
	}
}

// wait reads events until match returns true (fails the test after d).
func (l *live) wait(d time.Duration, what string, match func(Event) bool) Event {
	l.t.Helper()
	timer := time.NewTimer(d)
	defer timer.Stop()
	for {
		select {
		case ev, ok := <-l.c.Events():
			if !ok {
				l.t.Fatalf("events closed while waiting for %s", what)
			}
			if st, ok := ev.(State); ok && st.State == Disconnected && st.Err != nil {
				l.t.Logf("disconnected: %v", st.Err)
			}
			if match(ev) {
				return ev
			}
		case <-timer.C:
			l.t.Fatalf("no %s within %v", what, d)
			return nil
		}
	}
}

func isState(s ConnState) func(Event) bool {
	return func(ev Event) bool { st, ok := ev.(State); return ok && st.State == s }
}

// waitJoined waits for our own JOINs of every channel.
func (l *live) waitJoined(d time.Duration, chans []string) {
	l.t.Helper()
	left := map[string]bool{}
	for _, ch := range chans {
		left[strings.ToLower(ch)] = true
	}
	l.wait(d, fmt.Sprintf("self JOIN of %d channels", len(chans)), func(ev Event) bool {
		if j, ok := ev.(Join); ok && j.Self {
			delete(left, strings.ToLower(j.Channel))
		}
		return len(left) == 0
	})
}

func channels(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("#%s-%03d", prefix, i)
	}
	return out
}

func dialLine(t testing.TB, addr, nick string) *ircdtest.LineClient {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	lc, err := ircdtest.Dial(ctx, addr, nick)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { lc.Close() })
	return lc
}

// TestInspIRCd shares one server among subtests that run in parallel
// (each client registration costs InspIRCd's ~1 s tick).
func TestInspIRCd(t *testing.T) {
	srv := ircdtest.StartInspIRCd(t, ircdtest.Options{})
	srv.RegisterAccounts(map[string]string{"chair": "chair-pass-1"})

	t.Run("group", func(t *testing.T) {
		t.Run("RegisterCapsJoin150", func(t *testing.T) {
			t.Parallel()
			cfg := testConfig(srv.Port, "joiner")
			cfg.Channels = channels("j", 150)
			l := startClient(t, cfg)
			st := l.wait(10*time.Second, "registered", isState(Registered)).(State)
			for _, cp := range []string{"server-time", "message-tags", "account-tag", "echo-message", "batch", "labeled-response", "sasl"} {
				if !slices.Contains(st.Caps, cp) {
					t.Errorf("cap %s not acked; acked %v", cp, st.Caps)
				}
			}
			l.waitJoined(10*time.Second, cfg.Channels)
			if l.c.ISupport()["NETWORK"] != "TestNet" || !l.c.IsChannel("#x") || l.c.Nick() != "joiner" {
				t.Errorf("isupport %v nick %s", l.c.ISupport()["NETWORK"], l.c.Nick())
			}
			if !l.c.HasOp("#j-000") {
				t.Error("no op status in a channel we created")
			}
		})

		t.Run("EchoServerTimeAndErrors", func(t *testing.T) {
			t.Parallel()
			other := dialLine(t, srv.Addr(), "owner")
			other.Send("JOIN #owned")
			other.WaitFor(func(l string) bool { return strings.Contains(l, " 366 ") })
			cfg := testConfig(srv.Port, "echoer")
			cfg.Channels = []string{"#echo", "#owned"}
			l := startClient(t, cfg)
			l.waitJoined(10*time.Second, cfg.Channels)
			if err := l.c.Say("#echo", "hello \x02bold\x02 world"); err != nil {
				t.Fatal(err)
			}
			m := l.wait(5*time.Second, "own echo", func(ev Event) bool { _, ok := ev.(Message); return ok }).(Message)
			if !m.Self || m.Nick != "echoer" || m.Text != "hello \x02bold\x02 world" || m.Target != "#echo" {
				t.Errorf("echo %#v", m)
			}
			ts, ok := m.Tags["time"]
			want, err := time.Parse(time.RFC3339Nano, ts)
			if !ok || err != nil || !m.Time.Equal(want) {
				t.Errorf("time %v, server-time tag %q", m.Time, ts)
			}
			other.Send("PRIVMSG #owned :\x01ACTION is here\x01")
			a := l.wait(5*time.Second, "action", func(ev Event) bool { _, ok := ev.(Action); return ok }).(Action)
			if a.Self || a.Nick != "owner" || a.Text != "is here" || a.Tags["time"] == "" {
				t.Errorf("action %#v", a)
			}
			if l.c.HasOp("#owned") {
				t.Error("HasOp in someone else's channel")
			}
			l.c.SetTopic("#owned", "not allowed")
			e := l.wait(5*time.Second, "482", func(ev Event) bool { _, ok := ev.(Error); return ok }).(Error)
			if e.Code != "482" || e.Window != "#owned" {
				t.Errorf("error %#v", e)
			}
			l.c.Say("nobody-here", "x")
			e = l.wait(5*time.Second, "401", func(ev Event) bool { _, ok := ev.(Error); return ok }).(Error)
			if e.Code != "401" || e.Window != "nobody-here" {
				t.Errorf("error %#v", e)
			}
		})

		t.Run("SASLSuccess", func(t *testing.T) {
			t.Parallel()
			cfg := testConfig(srv.Port, "chair")
			cfg.SASLAccount, cfg.SASLPassword = "chair", "chair-pass-1"
			cfg.Channels = []string{"#sasl"}
			l := startClient(t, cfg)
			l.waitJoined(10*time.Second, cfg.Channels)
			l.c.Say("#sasl", "logged in?")
			m := l.wait(5*time.Second, "own echo", func(ev Event) bool { _, ok := ev.(Message); return ok }).(Message)
			if m.Account != "chair" {
				t.Errorf("account tag %q, want chair", m.Account)
			}
		})

		t.Run("SASLFailure", func(t *testing.T) {
			t.Parallel()
			cfg := testConfig(srv.Port, "badchair")
			cfg.SASLAccount, cfg.SASLPassword = "chair", "wrong-password"
			l := startClient(t, cfg)
			err := l.ended(10*time.Second, "Run did not fail on a wrong SASL password")
			if !errors.Is(err, ErrSASL) || !strings.Contains(err.Error(), "904") || strings.Contains(err.Error(), "wrong-password") {
				t.Errorf("error %v, want ErrSASL with 904 and no password", err)
			}
			t.Logf("SASL failure: %v", err)
		})
	})
}

func selfSigned(t testing.TB, dir string) (certFile, keyFile string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "irc.test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP(ircdtest.Host)}, DNSNames: []string{"irc.test"},
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true, IsCA: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, _ := x509.MarshalECPrivateKey(key)
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600)
	return certFile, keyFile
}

func TestTLS(t *testing.T) {
	ircdtest.Require(t, "inspircd", "atheme-services")
	cert, key := selfSigned(t, t.TempDir())
	srv := ircdtest.StartInspIRCd(t, ircdtest.Options{TLSCert: cert, TLSKey: key})
	t.Run("untrusted", func(t *testing.T) {
		t.Parallel()
		cfg := testConfig(srv.TLSPort, "tlsno")
		cfg.TLS = true
		l := startClient(t, cfg)
		err := l.ended(10*time.Second, "connected to an untrusted certificate")
		var fe fatalError
		if !errors.As(err, &fe) || !strings.Contains(err.Error(), "certificate") {
			t.Errorf("error %v, want a fatal certificate error", err)
		}
		t.Logf("refused: %v", err)
	})
	t.Run("plain text on the TLS port", func(t *testing.T) {
		t.Parallel()
		cfg := testConfig(srv.TLSPort, "tlsoff")
		l := startClient(t, cfg)
		err := l.ended(10*time.Second, "no error")
		if !errors.Is(err, ErrTLSMismatch) || !strings.Contains(err.Error(), "tls = true") {
			t.Errorf("error %v, want ErrTLSMismatch with the tls = true hint", err)
		}
		t.Logf("plain on TLS: %v", err)
	})
	t.Run("trusted", func(t *testing.T) {
		t.Parallel()
		cfg := testConfig(srv.TLSPort, "tlsyes")
		cfg.TLS, cfg.TLSCAFile = true, cert
		cfg.Channels = []string{"#tls"}
		l := startClient(t, cfg)
		l.waitJoined(10*time.Second, cfg.Channels)
	})
}

func TestReconnectRejoin(t *testing.T) {
	srv := ircdtest.StartInspIRCd(t, ircdtest.Options{})
	cfg := testConfig(srv.Port, "phoenix")
	cfg.Channels = []string{"#a", "#b", "#c"}
	l := startClient(t, cfg)
	l.waitJoined(10*time.Second, cfg.Channels)
	if err := l.c.Join("#later"); err != nil {
		t.Fatal(err)
	}
	l.waitJoined(5*time.Second, []string{"#later"})

	srv.RestartIRCd()
	var seen []ConnState
	l.wait(15*time.Second, "registered again", func(ev Event) bool {
		if st, ok := ev.(State); ok {
			seen = append(seen, st.State)
			return st.State == Registered
		}
		return false
	})
	if !slices.Contains(seen, Disconnected) || !slices.Contains(seen, Connecting) {
		t.Errorf("states %v, want disconnected … connecting … registered", seen)
	}
	l.waitJoined(10*time.Second, []string{"#a", "#b", "#c", "#later"})
	if err := l.c.Say("#later", "back"); err != nil {
		t.Fatal(err)
	}
	l.wait(5*time.Second, "echo after reconnect", func(ev Event) bool { m, ok := ev.(Message); return ok && m.Self && m.Text == "back" })
}

// TestFlood sends a burst of 200 long replies through a server with fakelag
// on and an 8 KiB recvq. InspIRCd charges 2000 per PRIVMSG against
// commandrate and processes at most threshold/2 lines per 1-second tick, so
// commandrate 60000 / threshold 60 allows about 30 lines/s: InspIRCd's stock
// 1000 / 10 (burst 5, then 0.5 lines/s) scaled up to keep the test short.
// The paced client (burst 5, 25 lines/s) must get all
// 200 out without being disconnected, with keep-alive PINGs every 300 ms
// answered meanwhile. An unpaced client doing the same is disconnected, which
// shows the limits bite.
func TestFlood(t *testing.T) {
	srv := ircdtest.StartInspIRCd(t, ircdtest.Options{Flood: true, FloodRate: 60000, FloodThreshold: 60, RecvQ: 8192})
	text := strings.Repeat("flood test line ", 25) // 400 bytes
	const n = 200

	t.Run("paced", func(t *testing.T) {
		t.Parallel()
		watcher := dialLine(t, srv.Addr(), "watcher")
		watcher.Send("JOIN #flood")
		watcher.WaitFor(func(l string) bool { return strings.Contains(l, " 366 ") })
		cfg := testConfig(srv.Port, "paced")
		cfg.SendUnpaced, cfg.SendBurst, cfg.SendRate = false, 5, 25
		cfg.KeepAlive, cfg.Timeout = 300*time.Millisecond, 3*time.Second
		cfg.NoReconnect = true
		cfg.Channels = []string{"#flood"}
		l := startClient(t, cfg)
		l.waitJoined(10*time.Second, cfg.Channels)
		start := time.Now()
		for i := range n {
			if err := l.c.Say("#flood", fmt.Sprintf("%03d %s", i, text)); err != nil {
				t.Fatal(err)
			}
		}
		got := 0
		for got < n {
			line, err := watcher.ReadLine()
			if err != nil {
				t.Fatalf("watcher after %d lines: %v", got, err)
			}
			if strings.Contains(line, "PRIVMSG #flood") {
				got++
			}
		}
		t.Logf("%d lines of %d bytes in %v", n, len(text), time.Since(start))
		if !l.c.Connected() {
			t.Fatal("paced client disconnected")
		}
		select {
		case err := <-l.done:
			t.Fatalf("Run ended: %v", err)
		default:
		}
	})
	t.Run("unpaced is disconnected", func(t *testing.T) {
		t.Parallel()
		cfg := testConfig(srv.Port, "blaster")
		cfg.NoReconnect = true
		cfg.Channels = []string{"#flood2"}
		l := startClient(t, cfg)
		l.waitJoined(10*time.Second, cfg.Channels)
		for i := range n {
			l.c.Say("#flood2", fmt.Sprintf("%03d %s", i, text))
		}
		err := l.ended(15*time.Second, "the server did not disconnect an unpaced flood; the flood test proves nothing")
		t.Logf("unpaced client: %v", err)
	})
}

func TestNgircdNoSASL(t *testing.T) {
	srv := ircdtest.StartNgircd(t)
	t.Run("plain", func(t *testing.T) {
		cfg := testConfig(srv.Port, "plain")
		cfg.Channels = channels("n", 20)
		l := startClient(t, cfg)
		l.waitJoined(5*time.Second, cfg.Channels)
		l.c.Say("#n-000", "no echo-message here")
		m := l.wait(5*time.Second, "local echo", func(ev Event) bool { _, ok := ev.(Message); return ok }).(Message)
		if !m.Self || m.Text != "no echo-message here" {
			t.Errorf("local echo %#v", m)
		}
	})
	t.Run("sasl unavailable", func(t *testing.T) {
		cfg := testConfig(srv.Port, "wants-sasl")
		cfg.SASLAccount, cfg.SASLPassword = "x", "y"
		l := startClient(t, cfg)
		err := l.ended(10*time.Second, "no error")
		if !errors.Is(err, ErrSASL) {
			t.Errorf("error %v, want ErrSASL", err)
		}
		t.Logf("ngircd: %v", err)
	})
}

// TestWhoisReplies: the answers to a WHOIS come back as Reply events, so the
// console can show them.
func TestWhoisReplies(t *testing.T) {
	srv := ircdtest.StartNgircd(t)
	other := dialLine(t, srv.Addr(), "kevin")
	_ = other
	l := startClient(t, testConfig(srv.Port, "chair"))
	l.wait(10*time.Second, "registration", isState(Registered))
	if err := l.c.SendRaw("WHOIS kevin"); err != nil {
		t.Fatal(err)
	}
	user := l.wait(10*time.Second, "311 reply", func(ev Event) bool { r, ok := ev.(Reply); return ok && r.Code == "311" }).(Reply)
	if len(user.Params) == 0 || user.Params[0] != "kevin" || !strings.HasPrefix(user.String(), "kevin ") {
		t.Errorf("311 = %+v (%q)", user, user.String())
	}
	l.wait(10*time.Second, "318 end of WHOIS", func(ev Event) bool { r, ok := ev.(Reply); return ok && r.Code == "318" })
}

// TestLagIsMeasured: with a short LagInterval the client's Lag becomes a
// small positive round trip on a loopback server.
func TestLagIsMeasured(t *testing.T) {
	srv := ircdtest.StartNgircd(t)
	cfg := testConfig(srv.Port, "lagged")
	cfg.LagInterval = 50 * time.Millisecond
	l := startClient(t, cfg)
	l.wait(10*time.Second, "registration", isState(Registered))
	for i := 0; i < 200 && l.c.Lag() == 0; i++ {
		time.Sleep(20 * time.Millisecond)
	}
	if lag := l.c.Lag(); lag <= 0 || lag > 5*time.Second {
		t.Fatalf("lag = %v", lag)
	}
}

// TestChannelStateLive follows members, prefixes and the topic of a real
// channel on InspIRCd (IRCv3, multi-prefix, rfc1459 casemapping) and on
// ngircd (no IRCv3, ascii casemapping) through JOIN, MODE, NICK, PART,
// KICK, QUIT and TOPIC, reading the client's state after each event.
func TestChannelStateLive(t *testing.T) {
	t.Parallel()
	onEachServer(t, echoAndNot, func(t *testing.T, server string, srv *ircdtest.Server) {
		cfg := testConfig(srv.Port, "Chair")
		cfg.Channels = []string{"#State"}
		l := startClient(t, cfg)
		l.waitJoined(10*time.Second, cfg.Channels)
		l.wait(10*time.Second, "names", func(ev Event) bool { _, ok := ev.(Names); return ok })
		check := func(step, want string) {
			t.Helper()
			if got := nicks(l.c.Members("#state")); got != want {
				t.Errorf("%s: members %q, want %q", step, got, want)
			}
		}
		check("joined", "@Chair")
		alice, bob := dialLine(t, srv.Addr(), "alice"), dialLine(t, srv.Addr(), "bob")
		for _, lc := range []*ircdtest.LineClient{alice, bob} {
			lc.Send("JOIN #state")
			nick := lc.Nick
			l.wait(10*time.Second, nick+" joins", func(ev Event) bool { j, ok := ev.(Join); return ok && j.Nick == nick })
		}
		check("two joined", "@Chair alice bob")
		if err := l.c.SendRaw("MODE #state +ov bob bob"); err != nil {
			t.Fatal(err)
		}
		l.wait(10*time.Second, "mode", func(ev Event) bool { _, ok := ev.(Mode); return ok })
		check("+ov bob", "@+bob @Chair alice")
		bob.Send("NICK Robert")
		nc := l.wait(10*time.Second, "nick change", func(ev Event) bool { _, ok := ev.(NickChange); return ok }).(NickChange)
		if !slices.Equal(nc.Channels, []string{"#State"}) {
			t.Errorf("nick change in %q", nc.Channels)
		}
		check("bob is Robert", "@Chair @+Robert alice")
		l.c.SetTopic("#STATE", "Agenda: state")
		l.wait(10*time.Second, "topic", func(ev Event) bool { _, ok := ev.(Topic); return ok })
		if got := l.c.Topic("#state"); got != "Agenda: state" {
			t.Errorf("topic %q", got)
		}
		l.c.SendRaw("KICK #state alice :out")
		l.wait(10*time.Second, "kick", func(ev Event) bool { _, ok := ev.(Kick); return ok })
		check("alice kicked", "@Chair @+Robert")
		bob.Send("QUIT :bye")
		q := l.wait(10*time.Second, "quit", func(ev Event) bool { _, ok := ev.(Quit); return ok }).(Quit)
		if !slices.Equal(q.Channels, []string{"#State"}) {
			t.Errorf("quit from %q", q.Channels)
		}
		check("Robert quit", "@Chair")
		if !l.c.InChannel("#sTaTe") || !l.c.HasOp("#state") {
			t.Error("not in #state, or not op")
		}
		l.c.Part("#state", "done")
		l.wait(10*time.Second, "our part", func(ev Event) bool { p, ok := ev.(Part); return ok && p.Self })
		if l.c.InChannel("#state") || l.c.Members("#state") != nil || l.c.Topic("#state") != "" {
			t.Error("state kept after our PART")
		}
	})
}

// TestOwnLinesOnce: every line the client sends (Say with line breaks and
// a text long enough to be split, Action, Notice, a private message, a raw
// PRIVMSG) comes back exactly once as a Self event, in the order the
// server received the lines: from the server's echo on InspIRCd
// (echo-message, server-time tags), from the local echo on ngircd. A
// watcher in the channel reads what the server relayed; once it has every
// line it says "done", and the client's events up to that line are
// compared with what the watcher saw.
func TestOwnLinesOnce(t *testing.T) {
	t.Parallel()
	onEachServer(t, echoAndNot, func(t *testing.T, server string, srv *ircdtest.Server) {
		watcher := dialLine(t, srv.Addr(), "watcher")
		watcher.Send("JOIN #once")
		watcher.WaitFor(func(l string) bool { return strings.Contains(l, " 366 ") })
		cfg := testConfig(srv.Port, "chair")
		cfg.Channels = []string{"#once"}
		l := startClient(t, cfg)
		l.waitJoined(10*time.Second, cfg.Channels)
		echoMessage := l.c.HasCap("echo-message")
		if echoMessage != (server == "inspircd") {
			t.Fatalf("echo-message acked: %v on %s", echoMessage, server)
		}

		long := strings.Repeat("a long line that the client must split into pieces ", 25)
		sends := []func() error{
			func() error { return l.c.Say("#once", "#startmeeting once") },
			func() error { return l.c.Say("#once", "one\ntwo\r\n\nthree  \t") },
			func() error { return l.c.Say("#once", long) },
			func() error { return l.c.Action("#once", "waves") },
			func() error { return l.c.Notice("#once", "a notice") },
			func() error { return l.c.Say("watcher", "private word") },
			func() error { return l.c.SendRaw("PRIVMSG #once :raw line") },
			func() error { return l.c.SendRaw("PRIVMSG #once :\x01ACTION raw action\x01") },
		}
		for _, send := range sends {
			if err := send(); err != nil {
				t.Fatal(err)
			}
		}
		wantPieces := 1 + 3 + len(SplitText(long, textBudget(l.c.prefixLen(), "PRIVMSG", "#once"))) + 5
		var relayed []string
		for len(relayed) < wantPieces {
			line, err := watcher.ReadLine()
			if err != nil {
				t.Fatalf("watcher after %q: %v", relayed, err)
			}
			cmd, target, text, ok := splitRelayed(line)
			if ok && (target == "#once" || target == "watcher") {
				relayed = append(relayed, cmd+" "+target+" "+text)
			}
		}
		// Without echo-message the self events come once the server
		// has answered the PING after the lines (see Pending), which
		// may be after lines others said meanwhile.
		var echoed []string
		l.wait(10*time.Second, "a self event for every line", func(ev Event) bool {
			var self bool
			var line string
			var tags map[string]string
			switch e := ev.(type) {
			case Message:
				self, line, tags = e.Self, "PRIVMSG "+e.Target+" "+e.Text, e.Tags
			case Action:
				self, line, tags = e.Self, "PRIVMSG "+e.Target+" \x01ACTION "+e.Text+"\x01", e.Tags
			case Notice:
				self, line, tags = e.Self, "NOTICE "+e.Target+" "+e.Text, e.Tags
			}
			if self {
				echoed = append(echoed, line)
				if fromServer := tags["time"] != ""; fromServer != echoMessage {
					t.Errorf("%q: server echo %v, echo-message %v", line, fromServer, echoMessage)
				}
			}
			return len(echoed) == wantPieces
		})
		// Nothing more comes: each line once.
		watcher.Send("PRIVMSG #once :done")
		l.wait(10*time.Second, "watcher's done", func(ev Event) bool {
			switch e := ev.(type) {
			case Message:
				if e.Self {
					echoed = append(echoed, "PRIVMSG "+e.Target+" "+e.Text)
				}
				return !e.Self && e.Text == "done"
			case Action, Notice:
				echoed = append(echoed, "another self event")
			}
			return false
		})
		if !slices.Equal(echoed, relayed) {
			t.Errorf("self events (%d):\n %q\nlines the server relayed (%d):\n %q", len(echoed), echoed, len(relayed), relayed)
		}
	})
}

// splitRelayed parses ":src CMD target :text" as a plain client sees it.
func splitRelayed(line string) (cmd, target, text string, ok bool) {
	f := strings.SplitN(line, " ", 4)
	if len(f) < 4 || (f[1] != "PRIVMSG" && f[1] != "NOTICE") {
		return "", "", "", false
	}
	return f[1], f[2], strings.TrimPrefix(f[3], ":"), true
}

// messages reads events until n messages arrived and returns them.
func (l *live) messages(d time.Duration, n int) []Message {
	l.t.Helper()
	var got []Message
	l.wait(d, fmt.Sprintf("%d messages", n), func(ev Event) bool {
		if m, ok := ev.(Message); ok {
			got = append(got, m)
		}
		return len(got) == n
	})
	return got
}

// TestHistoryZNC: a real ZNC in front of InspIRCd buffers a meeting said
// while our client was away and plays it back when the client attaches;
// those lines arrive with History=true, the next live line without.
func TestHistoryZNC(t *testing.T) {
	t.Parallel()
	srv := ircdtest.StartInspIRCd(t, ircdtest.Options{})
	z := ircdtest.StartZNC(t, srv, ircdtest.ZNCOptions{Nick: "chair", Channels: []string{"#meet"}})
	alice := dialLine(t, srv.Addr(), "alice")
	alice.Send("JOIN #meet")
	alice.WaitFor(func(l string) bool { return strings.Contains(l, " 366 ") })
	away := []string{"#startmeeting said while away", "#info in 2020", "#endmeeting"}
	for _, text := range away {
		alice.Send("PRIVMSG #meet :" + text)
	}
	if err := z.Barrier(alice); err != nil {
		t.Fatal(err)
	}

	cfg := testConfig(z.Port, "chair")
	cfg.ServerPassword = z.ServerPassword()
	cfg.Channels = []string{"#meet"}
	l := startClient(t, cfg)
	l.waitJoined(20*time.Second, cfg.Channels)
	played := l.messages(10*time.Second, len(away))
	for i, m := range played {
		if m.Text != away[i] || m.Nick != "alice" || !m.History || m.Tags["batch"] == "" {
			t.Errorf("playback %d: %q from %s, History=%v, batch %q; want %q, History", i, m.Text, m.Nick, m.History, m.Tags["batch"], away[i])
		}
	}
	alice.Send("PRIVMSG #meet :live again")
	if m := l.messages(10*time.Second, 1)[0]; m.Text != "live again" || m.History {
		t.Errorf("live line %q History=%v", m.Text, m.History)
	}
	if !l.c.InChannel("#meet") || nicks(l.c.Members("#meet")) != "@chair alice" {
		t.Errorf("members through ZNC: %q", nicks(l.c.Members("#meet")))
	}
}

// TestHistoryChanHistory: InspIRCd's chanhistory module replays a
// channel's last lines to a client that joins, in a chathistory BATCH with
// server-time: they arrive with History=true, the next live line without.
func TestHistoryChanHistory(t *testing.T) {
	t.Parallel()
	srv := ircdtest.StartInspIRCd(t, ircdtest.Options{ChanHistory: true})
	alice := dialLine(t, srv.Addr(), "alice")
	alice.Send("JOIN #hist")
	alice.Send("MODE #hist +H 10:1d")
	old := []string{"#startmeeting long ago", "#endmeeting"}
	for _, text := range old {
		alice.Send("PRIVMSG #hist :" + text)
	}
	alice.Send("PING :stored")
	alice.WaitFor(func(l string) bool { return strings.Contains(l, "PONG") && strings.Contains(l, "stored") })

	cfg := testConfig(srv.Port, "chair")
	cfg.Channels = []string{"#hist"}
	l := startClient(t, cfg)
	l.waitJoined(10*time.Second, cfg.Channels)
	for i, m := range l.messages(10*time.Second, len(old)) {
		if m.Text != old[i] || !m.History || m.Tags["batch"] == "" || m.Tags["time"] == "" {
			t.Errorf("history %d: %q History=%v tags %v; want %q, History", i, m.Text, m.History, m.Tags, old[i])
		}
	}
	alice.Send("PRIVMSG #hist :now")
	if m := l.messages(10*time.Second, 1)[0]; m.Text != "now" || m.History {
		t.Errorf("live line %q History=%v", m.Text, m.History)
	}
}
