package tui

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"gavel/ircclient/ircdtest"
	"gavel/tui/chanlog"
	"gavel/tui/panes"
)

const wait = 15 * time.Second

// TestOwnLinesOnceWithoutEchoMessage: on ngircd (no echo-message, like
// OFTC) every line the chair types shows once in the window and reaches
// the meeting once; the participant sees each once.
func TestOwnLinesOnceWithoutEchoMessage(t *testing.T) {
	srv := ircdtest.StartNgircd(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	r := startRig(t, srv, rigOptions{channels: []string{"#meet"}})
	r.until(wait, "the join", func(m *Model) bool { return m.chans.InChannel("#meet") })
	alice := participant(t, ctx, srv, "alice", "#meet")
	r.until(wait, "alice", func(m *Model) bool { return count(m, "#meet", "alice joined") == 1 })
	for _, l := range []string{"#startmeeting Once", "#topic One topic", "#info said once", "hello all"} {
		r.typeLine(l)
		expect(t, alice, "PRIVMSG #meet :"+l)
	}
	r.until(wait, "the lines", func(m *Model) bool { return count(m, "#meet", "hello all") == 1 })
	r.do(func(m *Model) {
		for _, l := range []string{"#startmeeting Once", "#topic One topic", "#info said once", "hello all"} {
			if n := count(m, "#meet", l); n != 1 {
				t.Errorf("%q shown %d times", l, n)
			}
		}
		mt := m.opts.Glue.Meeting("#meet")
		if mt == nil || len(mt.Items) != 2 || len(mt.Topics()) != 1 {
			t.Errorf("meeting items: %+v", mt.Items)
		}
		if n := count(m, "#meet", "Can't start another meeting"); n != 0 {
			t.Error("gavel answered its own #startmeeting twice")
		}
	})
}

// TestConsoleOnInspIRCd runs the everyday IRC against a real
// InspIRCd with other people in the channel.
func TestConsoleOnInspIRCd(t *testing.T) {
	srv := ircdtest.StartInspIRCd(t, ircdtest.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	people := dialAll(t, ctx, srv, "alice", "bob")
	alice, bob := people["alice"], people["bob"]
	// bob holds #noop before gavel comes: gavel is no operator there.
	joinAndWait(t, bob, "#noop")
	r := startRig(t, srv, rigOptions{channels: []string{"#meet", "#noop"}})
	r.until(wait, "the joins", func(m *Model) bool { return m.chans.InChannel("#meet") && m.chans.InChannel("#noop") })
	joinAndWait(t, alice, "#meet")
	joinAndWait(t, bob, "#meet")
	r.until(wait, "alice and bob", func(m *Model) bool { return len(m.chans.Members("#meet")) == 3 })

	t.Run("server window", func(t *testing.T) {
		r.do(func(m *Model) {
			for _, want := range []string{"users", "Message of the day"} { // InspIRCd here has none: 422
				if count(m, statusWindow, want) == 0 {
					t.Errorf("no %q in the gavel window:\n%s", want, strings.Join(windowLines(m, statusWindow), "\n"))
				}
				if count(m, "#meet", want) != 0 {
					t.Errorf("%q shown in #meet", want)
				}
			}
		})
	})

	t.Run("members pane and /names", func(t *testing.T) {
		r.p.Send(tea.KeyPressMsg{Code: '2', Mod: tea.ModAlt})
		r.typeLine("/names")
		r.until(wait, "the names", func(m *Model) bool { return count(m, "#meet", "Users on #meet") == 1 })
		r.do(func(m *Model) {
			if count(m, "#meet", "@gav alice bob") != 1 {
				t.Errorf("/names: %q", windowLines(m, "#meet"))
			}
			s := screen(m)
			if !strings.Contains(s, "Members (3)") || !strings.Contains(s, "@gav") {
				t.Errorf("members pane lacks @gav:\n%s", s)
			}
			var own, other string
			for _, e := range m.side.People.Entries() {
				for _, seg := range e {
					if seg.Role == panes.RNick && seg.Text == "gav" {
						own = m.Styles.NickFor(m.Me, seg.Text).Open()
					}
					if seg.Role == panes.RNick && seg.Text == "alice" {
						other = m.Styles.NickFor(m.Me, seg.Text).Open()
					}
				}
			}
			if own != m.Styles.Own.Open() || other == own {
				t.Errorf("own nick not in the own colour in the members pane: %q vs %q", own, other)
			}
		})
	})

	t.Run("whois formatted here", func(t *testing.T) {
		r.typeLine("/whois alice")
		r.until(wait, "the whois", func(m *Model) bool { return count(m, "#meet", "end of WHOIS alice") == 1 })
		r.do(func(m *Model) {
			for _, want := range []string{"alice is alice@127.0.0.1 (alice)", "alice is on irc.test", "alice is in #meet"} {
				if count(m, "#meet", want) != 1 {
					t.Errorf("no %q: %q", want, windowLines(m, "#meet"))
				}
			}
			for _, l := range windowLines(m, "#meet") {
				if strings.Contains(l, " 311 ") || strings.Contains(l, ":End of /WHOIS") {
					t.Errorf("raw numeric shown: %q", l)
				}
			}
		})
	})

	t.Run("list", func(t *testing.T) {
		r.typeLine("/list noo")
		r.until(wait, "the list", func(m *Model) bool { return strings.Contains(m.results.Title, "(1)") })
		r.do(func(m *Model) {
			if s := screen(m); !strings.Contains(s, "│ #noop ") {
				t.Errorf("list pane (%dx%d, results %dx%d, log %d):\n%s", m.Width, m.Height, m.results.Width, m.results.Height, m.wins.Current().Log.Height, s)
			}
		})
		r.key(tea.KeyPressMsg{Code: tea.KeyEscape})
	})

	t.Run("notice and ctcp", func(t *testing.T) {
		r.typeLine("/notice alice a word")
		expect(t, alice, "NOTICE alice :a word")
		r.typeLine("/ctcp alice VERSION")
		expect(t, alice, "PRIVMSG alice :\x01VERSION\x01")
		alice.Send("NOTICE gav :\x01VERSION alices-client 1.0\x01")
		r.until(wait, "the CTCP reply", func(m *Model) bool { return count(m, "#meet", "CTCP VERSION reply from alice: alices-client 1.0") == 1 })
	})

	t.Run("bell on highlight and private message", func(t *testing.T) {
		// The bell is a message the program writes out; r.bells counts
		// them as they pass (after the line that rang it).
		bells := func(n int32, what string) {
			r.until(wait, what, func(*Model) bool { return r.bells.Load() >= n })
		}
		before := r.bells.Load()
		alice.Send("PRIVMSG #meet :nothing for you")
		alice.Send("PRIVMSG #meet :gav: a question")
		bells(before+1, "the bell for a highlight")
		alice.Send("PRIVMSG gav :psst")
		bells(before+2, "the bell for a private message")
		r.do(func(m *Model) {
			if n := r.bells.Load() - before; n != 2 || count(m, "#meet", "nothing for you") != 1 {
				t.Errorf("%d bells for a plain line, a highlight and a private message", n)
			}
		})
		r.typeLine("/bell on")
	})

	t.Run("topic set once, not operator once per meeting", func(t *testing.T) {
		r.typeLine("#startmeeting Topics")
		r.typeLine("#topic First")
		expect(t, alice, "TOPIC #meet :")
		r.until(wait, "the topic", func(m *Model) bool { return count(m, "#meet", "set the topic") == 1 })
		r.typeLine("#endmeeting")
		expect(t, alice, "Meeting ended")
		r.until(wait, "the end", func(m *Model) bool { return m.running("#meet") == nil })
		r.do(func(m *Model) {
			if n := count(m, "#meet", "set the topic: First"); n != 1 {
				t.Errorf("%d lines for one topic change: %q", n, windowLines(m, "#meet"))
			}
		})

		r.typeLine("/window 3")
		r.until(wait, "#noop", func(m *Model) bool { return m.wins.Current().Name == "#noop" })
		for i := range 2 {
			r.typeLine("#startmeeting NoOp")
			r.typeLine("#topic One")
			r.typeLine("#topic Two")
			expect(t, bob, "PRIVMSG #noop :#topic Two")
			r.typeLine("#endmeeting")
			expect(t, bob, "PRIVMSG #noop :Meeting ended")
			r.until(wait, "the end", func(m *Model) bool { return m.running("#noop") == nil })
			r.do(func(m *Model) {
				if n := count(m, "#noop", "not a channel operator"); n != i+1 {
					t.Errorf("meeting %d: %d 'not a channel operator' lines, want %d: %q", i+1, n, i+1, windowLines(m, "#noop"))
				}
			})
		}
	})

	t.Run("part during a meeting asks and ends it first", func(t *testing.T) {
		r.typeLine("/window 2")
		r.typeLine("#startmeeting Leaving")
		expect(t, alice, "#startmeeting Leaving")
		r.until(wait, "the meeting", func(m *Model) bool { return m.running("#meet") != nil })
		r.typeLine("/part")
		r.until(wait, "the question", func(m *Model) bool { return m.overlay != nil })
		r.do(func(m *Model) {
			if !m.chans.InChannel("#meet") || !strings.Contains(screen(m), "A meeting is running in #meet") {
				t.Errorf("left without asking:\n%s", screen(m))
			}
		})
		r.keys("e")
		expect(t, alice, "PRIVMSG #meet :#endmeeting")
		ended := expect(t, alice, "Meeting ended")
		part := expect(t, alice, "PART", "#meet")
		if ended == "" || part == "" {
			t.Fatal("no end or part")
		}
		r.until(wait, "the part", func(m *Model) bool { return !m.chans.InChannel("#meet") && m.wins.Get("#meet") == nil })
	})

	t.Run("leaving anyway, and the gap said on coming back", func(t *testing.T) {
		r.typeLine("/join #meet")
		r.until(wait, "the rejoin", func(m *Model) bool { return m.chans.InChannel("#meet") && m.wins.Current().Name == "#meet" })
		r.typeLine("#startmeeting Away")
		expect(t, alice, "#startmeeting Away")
		r.until(wait, "the meeting", func(m *Model) bool { return m.running("#meet") != nil })
		r.typeLine("/close")
		r.until(wait, "the question", func(m *Model) bool { return m.overlay != nil })
		r.keys("l")
		expect(t, alice, "PART", "#meet")
		alice.Send("PRIVMSG #meet :said while gavel was out")
		r.until(wait, "the window closed", func(m *Model) bool { return m.wins.Get("#meet") == nil })
		r.typeLine("/join #meet")
		gap := expect(t, alice, "PRIVMSG #meet :gavel was away from ")
		if !strings.Contains(gap, "lines said then are not in the minutes") {
			t.Errorf("gap line %q", gap)
		}
		r.until(wait, "the gap line", func(m *Model) bool { return count(m, "#meet", "gavel was away from") == 1 })
		r.do(func(m *Model) {
			if m.running("#meet") == nil || count(m, "#meet", "said while gavel was out") != 0 {
				t.Errorf("meeting not running on, or a line from the gap shown")
			}
			if w := m.wins.Get("#meet"); w == nil || w.Num != 2 {
				t.Errorf("#meet did not take its old number back: %+v", w)
			}
		})
	})

	t.Run("disconnected: said in the status bar, lines queued", func(t *testing.T) {
		r.until(wait, "the rejoin", func(m *Model) bool { return m.chans.InChannel("#meet") })
		r.do(func(m *Model) {
			if s := screen(m); !strings.Contains(s, "connected · lag ") {
				t.Errorf("status bar while connected:\n%s", s)
			}
		})
		srv.KillIRCd()
		r.until(wait, "the disconnect", func(m *Model) bool { return !m.opts.Network.Connected() })
		r.typeLine("typed while away")
		r.until(wait, "the queued line", func(m *Model) bool { return count(m, "#meet", "typed while away") == 1 })
		r.do(func(m *Model) {
			s := screen(m)
			if strings.Contains(s, "lag ") || !strings.Contains(s, "disconnected") || !strings.Contains(s, "1 queued") {
				t.Errorf("status bar while disconnected:\n%s", s)
			}
			if l := m.wins.Get("#meet").Log.Buf.Last(); l.Flags&chanlog.Queued == 0 || !strings.Contains(s, "⧗ typed while away") {
				t.Errorf("line not marked queued: %+v\n%s", l, s)
			}
		})
		srv.RestartIRCd()
		r.until(30*time.Second, "the queued line sent", func(m *Model) bool {
			l := m.wins.Get("#meet")
			return l != nil && m.opts.Network.Connected() && l.QueuedLen() == 0
		})
		r.do(func(m *Model) {
			if n := count(m, "#meet", "typed while away"); n != 1 {
				t.Errorf("queued line shown %d times after it was sent", n)
			}
		})
	})
}
