package ircdtest

import (
	"context"
	"strings"
	"testing"
	"time"
)

func TestSaid(t *testing.T) {
	for _, c := range []struct {
		name, line, nick, text string
		ok                     bool
	}{
		{"a line in the channel", ":alice!a@host PRIVMSG #meet :#info hello there", "alice", "#info hello there", true},
		{"an empty line", ":alice!a@host PRIVMSG #meet :", "alice", "", true},
		{"a colon in the text", ":bob!b@h PRIVMSG #meet :bob: a: b", "bob", "bob: a: b", true},
		{"another channel", ":alice!a@host PRIVMSG #other :hello", "", "", false},
		{"a channel whose name goes on", ":alice!a@host PRIVMSG #meeting :hello", "", "", false},
		{"a notice", ":alice!a@host NOTICE #meet :hello", "", "", false},
		{"a join", ":alice!a@host JOIN #meet", "", "", false},
		{"no source", "PING :x", "", "", false},
		{"nothing", "", "", "", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			nick, text, ok := Said(c.line, "#meet")
			if ok != c.ok || ok && (nick != c.nick || text != c.text) {
				t.Errorf("Said(%q) = %q, %q, %v; want %q, %q, %v", c.line, nick, text, ok, c.nick, c.text, c.ok)
			}
		})
	}
}

// FuzzSaid: a line said in the channel is read back as the nick and text
// it was made of, and any line gives a text that the line ends with.
func FuzzSaid(f *testing.F) {
	f.Add("alice", "a@host", "#info hello")
	f.Add("", "", "")
	f.Add("b ob", "x", ":PRIVMSG #meet :")
	f.Fuzz(func(t *testing.T, nick, user, text string) {
		if strings.ContainsAny(nick, " !\r\n") || strings.ContainsAny(user, " \r\n") {
			return
		}
		line := ":" + nick + "!" + user + " PRIVMSG #meet :" + text
		n, tx, ok := Said(line, "#meet")
		if !ok || n != nick || tx != text {
			t.Errorf("Said(%q) = %q, %q, %v", line, n, tx, ok)
		}
		if _, tx, ok := Said(text, "#meet"); ok && !strings.HasSuffix(text, tx) {
			t.Errorf("Said(%q) gave a text %q it does not end with", text, tx)
		}
	})
}

// TestWatchOnARealServer: what one person watches in a channel on ngircd
// is what the others said there, in order, with joins when asked, and
// nothing said elsewhere; the watch ends with the connection.
func TestWatchOnARealServer(t *testing.T) {
	srv := StartNgircd(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	join := func(nick string) *LineClient {
		t.Helper()
		lc, err := Dial(ctx, srv.Addr(), nick)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { lc.Close() })
		lc.Send("JOIN #meet")
		lc.Send("JOIN #other")
		if _, err := lc.WaitFor(func(l string) bool { return strings.Contains(l, " 366 ") && strings.Contains(l, "#other") }); err != nil {
			t.Fatal(err)
		}
		return lc
	}
	alice, carol := join("alice"), join("carol")
	withJoins, plain := alice.Watch("#meet", true).Lines, carol.Watch("#meet", false)
	bob, dave := join("bob"), join("dave")
	bob.Send("PRIVMSG #other :not here")
	bob.Send("PRIVMSG #meet :#info one")
	bob.Send("NOTICE #meet :a notice")
	bob.Send("PRIVMSG #meet :two")
	if l := dave.Expect(t, "PRIVMSG #meet :two"); !strings.HasPrefix(l, ":bob!") {
		t.Errorf("dave expected bob's second line, got %q", l)
	}
	if got := plain.Until(t, ctx, "bob's second line", func(l string) bool { return l == "bob two" }); strings.Join(got, "|") != "bob #info one|bob two" {
		t.Errorf("watched %q, want bob's two lines", got)
	}
	// carol joined after alice, before alice watched: her joins are
	// watched too. The watch ends with alice's connection.
	var got []string
	for l := range withJoins {
		got = append(got, l)
		if l == "bob two" {
			alice.Close()
		}
	}
	want := []string{"carol JOIN", "carol JOIN", "bob JOIN", "bob JOIN", "dave JOIN", "dave JOIN", "bob #info one", "bob two"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("watched with joins %q, want %q", got, want)
	}
}
