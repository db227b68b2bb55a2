package live

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"gavel/ircclient"
	"gavel/ircclient/ircdtest"
)

// TestIRCAdapterTranslates: every IRC event gavel uses becomes one event of
// the live driver's vocabulary, with the sender's account as its stable
// identity, the msgid tag as its ID and the history mark kept; WHOIS
// replies come out in words and a LIST answer whole.
func TestIRCAdapterTranslates(t *testing.T) {
	at := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
	m := ircclient.Meta{Time: at, Tags: map[string]string{"msgid": "abc123"}}
	hist := ircclient.Meta{Time: at, History: true}
	src := ircclient.Source{Nick: "alice", Account: "alice_acct"}
	n := NewIRC(nil)
	got := n.Translate([]ircclient.Event{
		ircclient.Message{Meta: m, Source: src, Target: "#meet", Text: "hello"},
		ircclient.Action{Meta: hist, Source: src, Target: "#meet", Text: "waves"},
		ircclient.Raw{Meta: m},
		ircclient.Reply{Meta: m, Code: "311", Params: []string{"bob", "~b", "host.example", "*"}, Text: "Bob B"},
		ircclient.Reply{Meta: m, Code: "318", Params: []string{"bob"}, Text: "End of /WHOIS list."},
		ircclient.Reply{Meta: m, Code: "321", Params: []string{"Channel", "Users"}, Text: "Name"},
		ircclient.Reply{Meta: m, Code: "322", Params: []string{"#meet", "3"}, Text: "\x0304red\x03 agenda"},
		ircclient.Reply{Meta: m, Code: "322", Params: []string{"#other", "1"}, Text: ""},
		ircclient.Reply{Meta: m, Code: "323", Text: "End of /LIST"},
		ircclient.Reply{Meta: m, Code: "375", Text: "- message of the day -"},
		ircclient.Error{Meta: m, Code: "482", Command: "TOPIC", Window: "#meet", Text: "You must be a channel op"},
		ircclient.Error{Meta: m, Code: "401", Window: "nobody", Text: "No such nick"},
		ircclient.State{Meta: m, State: ircclient.Registered, Nick: "chair", Server: "irc.test:6667"},
		ircclient.Kick{Meta: m, Source: src, Channel: "#meet", Kicked: "chair", KickedSelf: true, Reason: "bye"},
		ircclient.CTCP{Meta: m, Source: src, Target: "chair", Command: "VERSION"},
	})
	want := []Event{
		Message{Meta: Meta{Time: at, ID: "abc123"}, From: User{Nick: "alice", ID: "alice_acct"}, Target: "#meet", Text: "hello"},
		Message{Meta: Meta{Time: at, History: true}, From: User{Nick: "alice", ID: "alice_acct"}, Target: "#meet", Text: "waves", Action: true},
		Whois{Meta: Meta{Time: at, ID: "abc123"}, Nick: "bob", Text: "bob is ~b@host.example (Bob B)"},
		Whois{Meta: Meta{Time: at, ID: "abc123"}, Nick: "bob", Text: "end of WHOIS bob", End: true},
		ChannelList{Meta: Meta{Time: at, ID: "abc123"}, Channels: []ListedChannel{{"#meet", 3, "\x0304red\x03 agenda"}, {"#other", 1, ""}}},
		Info{Meta: Meta{Time: at, ID: "abc123"}, Status: true, Text: "- message of the day -"},
		Error{Meta: Meta{Time: at, ID: "abc123"}, Kind: ErrorNotOperator, Code: "482", Command: "TOPIC", Window: "#meet", Text: "You must be a channel op"},
		Error{Meta: Meta{Time: at, ID: "abc123"}, Kind: ErrorNoSuchNick, Code: "401", Window: "nobody", Text: "No such nick"},
		Conn{Meta: Meta{Time: at, ID: "abc123"}, State: Connected, Nick: "chair", Server: "irc.test:6667"},
		Kick{Meta: Meta{Time: at, ID: "abc123"}, From: User{Nick: "alice", ID: "alice_acct"}, Channel: "#meet", Kicked: "chair", KickedSelf: true, Reason: "bye"},
		Info{Meta: Meta{Time: at, ID: "abc123"}, From: User{Nick: "alice", ID: "alice_acct"}, Status: true, Text: "CTCP VERSION from alice"},
	}
	if len(got) != len(want) {
		t.Fatalf("%d events, want %d:\n%#v", len(got), len(want), got)
	}
	for i := range want {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("event %d:\n got %#v\nwant %#v", i, got[i], want[i])
		}
	}
	if !got[1].Played() || got[0].Played() {
		t.Error("the history mark is lost")
	}
}

// TestIRCAdapterOnARealServer: the adapter's typed senders reach a real
// InspIRCd as the commands they name, and their answers come back as the
// live driver's events (Next): WHOIS in words, LIST whole, NAMES as
// members; what the adapter refuses to put on the wire is an error.
func TestIRCAdapterOnARealServer(t *testing.T) {
	srv := ircdtest.StartInspIRCd(t, ircdtest.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	client, err := ircclient.New(gavelConfig(srv.Port, "", "chair", "#adapt"), nil)
	if err != nil {
		t.Fatal(err)
	}
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	go client.Run(runCtx)
	net := NewIRC(client)
	var seen, waiting []Event
	until := func(what string, ok func(Event) bool) Event {
		t.Helper()
		for {
			for len(waiting) > 0 {
				ev := waiting[0]
				waiting = waiting[1:]
				seen = append(seen, ev)
				if ok(ev) {
					return ev
				}
			}
			batch, open := net.Next(ctx, 64)
			waiting = batch
			if !open && len(batch) == 0 {
				t.Fatalf("the network stopped before %s; seen %d events: %+v", what, len(seen), seen)
			}
		}
	}
	until("our join", func(ev Event) bool { j, ok := ev.(Join); return ok && j.From.Self && j.Channel == "#adapt" })
	alice, err := ircdtest.Dial(ctx, srv.Addr(), "alice")
	if err != nil {
		t.Fatal(err)
	}
	defer alice.Close()
	bob, err := ircdtest.Dial(ctx, srv.Addr(), "bob")
	if err != nil {
		t.Fatal(err)
	}
	defer bob.Close()
	alice.Send("JOIN #adapt")
	until("alice's join", func(ev Event) bool { j, ok := ev.(Join); return ok && j.From.Nick == "alice" })

	alice.Send("PRIVMSG #adapt :hello chair")
	msg := until("alice's line", func(ev Event) bool { m, ok := ev.(Message); return ok && m.Text == "hello chair" }).(Message)
	if msg.From.Nick != "alice" || msg.From.Self || msg.Private || msg.Target != "#adapt" || msg.When().IsZero() {
		t.Errorf("alice's line: %+v", msg)
	}

	if err := net.Mode("#adapt", "+v", "alice"); err != nil {
		t.Fatal(err)
	}
	if _, err := alice.WaitFor(func(l string) bool {
		return strings.Contains(l, " MODE #adapt +v :alice") || strings.Contains(l, " MODE #adapt +v alice")
	}); err != nil {
		t.Fatalf("MODE: %v", err)
	}
	if err := net.Invite("bob", "#adapt"); err != nil {
		t.Fatal(err)
	}
	if _, err := bob.WaitFor(func(l string) bool { return strings.Contains(l, " INVITE bob") && strings.Contains(l, "#adapt") }); err != nil {
		t.Fatalf("INVITE: %v", err)
	}
	if err := net.Whois("alice"); err != nil {
		t.Fatal(err)
	}
	first := until("a WHOIS line", func(ev Event) bool { _, ok := ev.(Whois); return ok }).(Whois)
	if first.Nick != "alice" || !strings.HasPrefix(first.Text, "alice is ") {
		t.Errorf("first WHOIS line: %+v", first)
	}
	until("the WHOIS's end", func(ev Event) bool { w, ok := ev.(Whois); return ok && w.End })
	if err := net.Whois("nobody-here"); err != nil {
		t.Fatal(err)
	}
	noSuch := until("no such nick", func(ev Event) bool { e, ok := ev.(Error); return ok && e.Kind == ErrorNoSuchNick }).(Error)
	if noSuch.Window != "nobody-here" {
		t.Errorf("no such nick: %+v", noSuch)
	}
	if err := net.SetTopic("#adapt", "\x0304red\x03 agenda"); err != nil {
		t.Fatal(err)
	}
	until("the topic", func(ev Event) bool { tp, ok := ev.(Topic); return ok && tp.Channel == "#adapt" && tp.From.Self })
	if err := net.List(); err != nil {
		t.Fatal(err)
	}
	list := until("the channel list", func(ev Event) bool { _, ok := ev.(ChannelList); return ok }).(ChannelList)
	found := false
	for _, c := range list.Channels {
		if c.Name == "#adapt" {
			found = c.Users == 2 && c.Topic != ""
		}
	}
	if !found {
		t.Errorf("#adapt with 2 users and its topic not in the list: %+v", list.Channels)
	}
	if err := net.Names("#adapt"); err != nil {
		t.Fatal(err)
	}
	ms := until("the members", func(ev Event) bool { _, ok := ev.(Members); return ok }).(Members)
	nicks := map[string]string{}
	for _, m := range ms.Members {
		nicks[m.Nick] = m.Prefixes
	}
	if nicks["chair"] != "@" || nicks["alice"] != "+" {
		t.Errorf("members: %+v", ms.Members)
	}
	if got := net.Members("#adapt"); len(got) != 2 || got[0].Nick != "chair" {
		t.Errorf("channel state: %+v", got)
	}
	if err := net.Away("at lunch"); err != nil {
		t.Fatal(err)
	}
	until("the away reply", func(ev Event) bool {
		i, ok := ev.(Info)
		return ok && strings.Contains(strings.ToLower(i.Text), "away")
	})
	if err := net.Kick("#adapt", "alice", "the meeting is over"); err != nil {
		t.Fatal(err)
	}
	kick := until("the kick", func(ev Event) bool { _, ok := ev.(Kick); return ok }).(Kick)
	if kick.Kicked != "alice" || kick.Reason != "the meeting is over" || !kick.From.Self || kick.KickedSelf {
		t.Errorf("kick: %+v", kick)
	}
	// Nothing unsafe reaches the wire.
	for _, err := range []error{net.Kick("#adapt", "a b", ""), net.Invite("bob", "#a\r\nQUIT"), net.Mode("#adapt", "+o", "x y")} {
		if err == nil {
			t.Error("a name with a space or a line break was sent")
		}
	}
	if errors.Is(net.Raw("PING :x"), ErrUnsupported) {
		t.Error("IRC has raw lines")
	}
}
