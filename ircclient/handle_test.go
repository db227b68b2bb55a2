package ircclient

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ergochat/irc-go/ircmsg"
)

// offline returns a client and a session with no socket, registered as "chair".
func offline(t testing.TB) (*Client, *session) {
	t.Helper()
	cfg := DefaultConfig()
	cfg.Server, cfg.Nick, cfg.TLS = "irc.test", "chair", false
	c, err := New(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	s := &session{c: c, urgent: make(chan []byte, 1024), done: make(chan struct{})}
	c.sess = s
	feed(t, s, ":irc.test 001 chair :Welcome",
		":irc.test 005 chair PREFIX=(qaohv)~&@%+ CHANTYPES=# CHANMODES=beI,k,l,imnpst CASEMAPPING=rfc1459 :are supported")
	return c, s
}

func feed(t testing.TB, s *session, lines ...string) []Event {
	t.Helper()
	var evs []Event
	for _, l := range lines {
		msg, err := ircmsg.ParseLine(l)
		if err != nil {
			t.Fatalf("parse %q: %v", l, err)
		}
		before := len(s.c.events.Queued())
		if err := s.handle(msg); err != nil {
			t.Fatalf("handle %q: %v", l, err)
		}
		evs = append(evs, s.c.events.Queued()[before:]...)
	}
	return evs
}

func TestTranslate(t *testing.T) {
	_, s := offline(t)
	feed(t, s, ":chair!c@h JOIN #meet")
	ts := "2026-03-01T15:04:05.123Z"
	want, _ := time.Parse(time.RFC3339Nano, ts)
	evs := feed(t, s, "@time="+ts+";account=alice :alice!a@host PRIVMSG #meet :hi \x02there\x02")
	m, ok := evs[0].(Message)
	if !ok || m.Nick != "alice" || m.Account != "alice" || m.Target != "#meet" || m.Text != "hi \x02there\x02" || m.Self || m.Private {
		t.Fatalf("got %#v", evs[0])
	}
	if !m.Time.Equal(want) || m.When() != m.Time {
		t.Errorf("time %v, want server-time %v", m.Time, want)
	}

	evs = feed(t, s, ":CHAIR!c@h PRIVMSG #meet :\x01ACTION waves\x01", ":bob!b@h PRIVMSG chair :\x01VERSION\x01",
		":irc.test NOTICE chair :server says", ":bob!b@h NOTICE #meet :n")
	if a, ok := evs[0].(Action); !ok || !a.Self || a.Text != "waves" {
		t.Errorf("action: %#v", evs[0])
	}
	if c, ok := evs[1].(CTCP); !ok || c.Command != "VERSION" {
		t.Errorf("ctcp: %#v", evs[1])
	}
	if n, ok := evs[2].(Notice); !ok || n.Server != "irc.test" || n.Nick != "" || !n.Private {
		t.Errorf("server notice: %#v", evs[2])
	}
	if n, ok := evs[3].(Notice); !ok || n.Nick != "bob" || n.Private {
		t.Errorf("notice: %#v", evs[3])
	}

	evs = feed(t, s, ":irc.test 482 chair #meet :You must be a channel op or higher to change the topic.",
		":irc.test 401 chair nobody :No such nick",
		":irc.test 421 chair FOO :Unknown command",
		"FAIL TOPIC SOMETHING #meet :nope")
	for i, w := range []string{"#meet", "nobody", "FOO", ""} {
		e, ok := evs[i].(Error)
		if !ok || e.Window != w {
			t.Errorf("error %d: %#v, want window %q", i, evs[i], w)
		}
	}
	if e := evs[0].(Error); e.Code != "482" || !strings.Contains(e.Error(), "channel op") {
		t.Errorf("482: %v", e)
	}
}

func TestNamesModesAndOps(t *testing.T) {
	c, s := offline(t)
	evs := feed(t, s, ":chair!c@gavel/host JOIN #meet",
		":irc.test 332 chair #meet :Agenda",
		":irc.test 353 chair = #meet :@chair +bob alice",
		":irc.test 353 chair = #meet :~carol",
		":irc.test 366 chair #meet :End of /NAMES list.")
	if j, ok := evs[0].(Join); !ok || !j.Self {
		t.Fatalf("join: %#v", evs[0])
	}
	if tp, ok := evs[1].(Topic); !ok || !tp.OnJoin || tp.Text != "Agenda" {
		t.Errorf("topic: %#v", evs[1])
	}
	n, ok := evs[2].(Names)
	if !ok || len(n.Members) != 4 || n.Members[0] != (Member{"chair", "@"}) || n.Members[3] != (Member{"carol", "~"}) {
		t.Fatalf("names: %#v", evs)
	}
	if !c.HasOp("#MEET") {
		t.Error("HasOp false after @ in NAMES")
	}
	if got := c.prefixLen(); got != len("chair!c@gavel/host") {
		t.Errorf("prefixLen %d after own JOIN", got)
	}
	feed(t, s, ":bob!b@h MODE #meet +lk-o+v 10 key chair bob")
	if c.HasOp("#meet") {
		t.Error("HasOp true after -o")
	}
	feed(t, s, ":bob!b@h MODE #meet +h chair")
	if !c.HasOp("#meet") {
		t.Error("HasOp false after +h")
	}
	feed(t, s, ":bob!b@h KICK #meet chair :bye")
	if c.HasOp("#meet") {
		t.Error("HasOp true after kick")
	}
	evs = feed(t, s, ":chair!c@h NICK :chair2")
	if nc, ok := evs[0].(NickChange); !ok || !nc.Self || c.Nick() != "chair2" {
		t.Errorf("nick: %#v, Nick()=%q", evs[0], c.Nick())
	}
}

func TestHandleProtocol(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Server, cfg.Nick, cfg.AltNicks, cfg.TLS = "irc.test", "chair", []string{"chair2"}, false
	cfg.SASLAccount, cfg.SASLPassword = "chair", "s3cret"
	c, err := New(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	s := &session{c: c, urgent: make(chan []byte, 1024), done: make(chan struct{})}
	feed(t, s, ":irc.test CAP * LS * :server-time batch sasl=PLAIN,EXTERNAL",
		":irc.test CAP * LS :echo-message account-tag",
		":irc.test CAP * ACK :server-time", ":irc.test CAP * ACK :batch", ":irc.test CAP * NAK :echo-message",
		":irc.test CAP * ACK :account-tag", ":irc.test CAP * ACK :sasl",
		"AUTHENTICATE +", ":irc.test 433 * chair :in use", ":irc.test 903 * :ok", "PING :x")
	var sent []string
	for len(s.urgent) > 0 {
		sent = append(sent, strings.TrimSpace(string(<-s.urgent)))
	}
	got := strings.Join(sent, "|")
	want := "CAP REQ :server-time|CAP REQ :account-tag|CAP REQ :echo-message|CAP REQ :batch|CAP REQ :sasl|" +
		"AUTHENTICATE PLAIN|AUTHENTICATE Y2hhaXIAY2hhaXIAczNjcmV0|NICK chair2|CAP END|PONG :x"
	if got != want {
		t.Errorf("sent\n %s\nwant\n %s", got, want)
	}
	msg, _ := ircmsg.ParseLine(":irc.test 904 chair :SASL authentication failed")
	err = s.handle(msg)
	var fe fatalError
	if !errors.Is(err, ErrSASL) || !errors.As(err, &fe) || strings.Contains(err.Error(), "s3cret") {
		t.Errorf("904: %v", err)
	}
}

func FuzzHandleLine(f *testing.F) {
	for _, l := range []string{
		"@time=2026-03-01T15:04:05.123Z;account=a :a!b@c PRIVMSG #x :\x01ACTION hi\x01",
		":irc.test 353 me = #x :@a +b c",
		":a!b@c MODE #x +ov-h a b c",
		":irc.test CAP * LS * :sasl=PLAIN",
		":irc.test 482 me #x :no",
		"PING",
		":a KICK #x",
		"FAIL",
		":irc.test 404 chair #x :Cannot send to channel",
		":irc.test PONG irc.test :gavel-ok-1",
		":irc.test 731 chair :wanted!a@b,other",
		":irc.test 303 chair :",
		":irc.test 324 chair #x +mnt",
		"@label=gavel-1 :irc.test ACK",
		"@label=gavel-1 :irc.test 404 chair #x :Cannot send to channel (+m)",
		"@label=gavel-1 :irc.test BATCH +b labeled-response",
	} {
		f.Add(l)
	}
	f.Fuzz(func(t *testing.T, line string) {
		c, s := offline(t)
		feed(t, s, ":chair!c@h JOIN #x", ":irc.test 353 chair = #x :@chair +bob", ":irc.test 366 chair #x :End")
		msg, err := ircmsg.ParseLine(line)
		if err != nil {
			return
		}
		for len(s.urgent) > 0 {
			<-s.urgent
		}
		// One of our lines waits for the server, and the configured nick
		// is being taken back: a line may answer either.
		s.held = []heldLine{{seq: 1, target: "#x", ev: Message{Source: Source{Nick: "chair", Self: true}, Target: "#x", Text: "mine"}}}
		s.barriers = []uint64{1}
		s.regain = regain{want: "wanted", monitor: true}
		s.handle(msg) // must not panic or block
		if len(s.held) > 1 {
			t.Fatalf("%d lines held after %q", len(s.held), line)
		}
		for _, m := range c.Members("#x") {
			if m.Nick == "" || strings.ContainsAny(m.Nick, " \r\n\x00") {
				t.Fatalf("member %q after %q", m.Nick, line)
			}
		}
		if len(s.batches) > maxOpenBatches {
			t.Fatalf("%d open batches", len(s.batches))
		}
	})
}
