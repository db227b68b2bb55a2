package live

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"gavel/matrixclient"
)

// roomConn is a MatrixConn that hands out given events and records what
// is sent and acked (the adapter's translation is what is tested; the
// connection itself is tested on Dendrite in matrixclient).
type roomConn struct {
	events chan matrixclient.Event
	room   matrixclient.RoomInfo
	sent   []string
	acked  []string
}

func newRoomConn() *roomConn {
	return &roomConn{events: make(chan matrixclient.Event, 64), room: matrixclient.RoomInfo{
		ID: "!r:x", Alias: "#meeting:x", Me: "@gavel:x", Topic: "agenda",
		Members: []matrixclient.Member{
			{UserID: "@alice:x", Name: "Alice", DisplayName: "Alice", Power: 100},
			{UserID: "@bob:x", Name: "Bob B", DisplayName: "Bob B", Power: 10},
			{UserID: "@gavel:x", Name: "nirik", DisplayName: "nirik"},
		}}}
}

func (c *roomConn) Events() <-chan matrixclient.Event { return c.events }
func (c *roomConn) rec(f string, a ...any) error {
	c.sent = append(c.sent, fmt.Sprintf(f, a...))
	return nil
}
func (c *roomConn) Say(r, t string) error      { return c.rec("text %s %s", r, t) }
func (c *roomConn) Notice(r, t string) error   { return c.rec("notice %s %s", r, t) }
func (c *roomConn) Emote(r, t string) error    { return c.rec("emote %s %s", r, t) }
func (c *roomConn) SetTopic(r, t string) error { return c.rec("topic %s %s", r, t) }
func (c *roomConn) Answer(r, k, a string, l []string) error {
	return c.rec("answer %s %s %s", r, a, strings.Join(l, "|"))
}
func (c *roomConn) Join(r string) error         { return c.rec("join %s", r) }
func (c *roomConn) Leave(r, why string) error   { return c.rec("leave %s", r) }
func (c *roomConn) Kick(r, u, why string) error { return c.rec("kick %s %s", r, u) }
func (c *roomConn) Invite(r, u string) error    { return c.rec("invite %s %s", r, u) }
func (c *roomConn) UserID() string              { return "@gavel:x" }
func (c *roomConn) Ack(r, id string)            { c.acked = append(c.acked, r+" "+id) }
func (c *roomConn) Waiting() (int, int)         { return 1, 2 }
func (c *roomConn) Room(ref string) (matrixclient.RoomInfo, bool) {
	if ref == c.room.ID || ref == c.room.Alias {
		return c.room, true
	}
	return matrixclient.RoomInfo{}, false
}

// show is one event in words.
func show(ev Event) string {
	h := ""
	if ev.Played() {
		h = " (history)"
	}
	switch e := ev.(type) {
	case Message:
		a := ""
		if e.Action {
			a = "* "
		}
		return fmt.Sprintf("Message %s <%s|%s|self=%v> %s%s%s", e.Target, e.From.Nick, e.From.ID, e.From.Self, a, e.Text, h)
	case Notice:
		return fmt.Sprintf("Notice %s <%s> %s", e.Target, e.From.Nick, e.Text)
	case Info:
		return "Info " + e.Window + " " + e.Text
	case Edit:
		return fmt.Sprintf("Edit %s <%s|%s> %s -> %q", e.Channel, e.From.Nick, e.From.ID, e.Original, e.Lines)
	case Redaction:
		return fmt.Sprintf("Redaction %s <%s|%s> %s (%s)", e.Channel, e.From.Nick, e.From.ID, e.Redacts, e.Reason)
	case Join:
		return fmt.Sprintf("Join %s %s self=%v", e.Channel, e.From.Nick, e.From.Self)
	case Part:
		return "Part " + e.Channel + " " + e.From.Nick
	case Kick:
		return "Kick " + e.Channel + " " + e.Kicked + " by " + e.From.Nick
	case NickChange:
		return "Nick " + e.From.Nick + " -> " + e.NewNick + " in " + strings.Join(e.Channels, ",")
	case Topic:
		return fmt.Sprintf("Topic %s %q onjoin=%v", e.Channel, e.Text, e.OnJoin)
	case Members:
		var ms []string
		for _, m := range e.Members {
			ms = append(ms, m.Prefixes+m.Nick)
		}
		return "Members " + e.Channel + " " + strings.Join(ms, " ")
	case Conn:
		return "Conn " + e.State.String()
	case Error:
		return fmt.Sprintf("Error kind=%d %s %s", e.Kind, e.Code, e.Command)
	}
	return fmt.Sprintf("%T", ev)
}

func TestMatrixAdapterTranslates(t *testing.T) {
	conn := newRoomConn()
	n := NewMatrix(conn, nil)
	at := time.Date(2026, 12, 6, 16, 0, 0, 0, time.UTC)
	meta := func(id string) matrixclient.Meta { return matrixclient.Meta{Room: "!r:x", EventID: id, Time: at} }
	alice := matrixclient.Sender{UserID: "@alice:x", Name: "Alice"}
	bob := matrixclient.Sender{UserID: "@bob:x", Name: "Bob B"}
	me := matrixclient.Sender{UserID: "@gavel:x", Name: "nirik", Self: true}
	old := meta("$0")
	old.History = true
	for _, tc := range []struct {
		name string
		in   matrixclient.Event
		want []string
	}{
		{"our join", matrixclient.Joined{Meta: meta(""), Room: conn.room}, []string{
			"Join #meeting:x nirik self=true", "Members #meeting:x @Alice +Bob_B nirik", `Topic #meeting:x "agenda" onjoin=true`}},
		{"paste", matrixclient.Message{Meta: meta("$1"), Sender: bob, Lines: []string{"#info a", "#info b"}}, []string{
			"Message #meeting:x <Bob_B|@bob:x|self=false> #info a", "Message #meeting:x <Bob_B|@bob:x|self=false> #info b"}},
		{"history", matrixclient.Message{Meta: old, Sender: alice, Lines: []string{"#startmeeting"}}, []string{
			"Message #meeting:x <Alice|@alice:x|self=false> #startmeeting (history)"}},
		{"emote", matrixclient.Message{Meta: meta("$2"), Sender: alice, Kind: matrixclient.Emote, Lines: []string{"waves"}}, []string{
			"Message #meeting:x <Alice|@alice:x|self=false> * waves"}},
		{"our notice is our line", matrixclient.Message{Meta: meta("$3"), Sender: me, Kind: matrixclient.Notice, Lines: []string{"Meeting started"}}, []string{
			"Message #meeting:x <nirik|@gavel:x|self=true> Meeting started"}},
		{"a bot's notice", matrixclient.Message{Meta: meta("$4"), Sender: bob, Kind: matrixclient.Notice, Lines: []string{"beep"}}, []string{
			"Notice #meeting:x <Bob_B> beep"}},
		{"cut", matrixclient.Message{Meta: meta("$5"), Sender: bob, Lines: []string{"long"}, Truncated: true}, []string{
			"Message #meeting:x <Bob_B|@bob:x|self=false> long", "Info #meeting:x Bob B's message was too long and was cut"}},
		{"image", matrixclient.Placeholder{Meta: meta("$6"), Sender: bob, MsgType: "m.image", Text: "[image: cat.png]"}, []string{
			"Message #meeting:x <Bob_B|@bob:x|self=false> [image: cat.png]"}},
		{"edit", matrixclient.Edit{Meta: meta("$7"), Sender: bob, Original: "$1", Lines: []string{"#info c"}}, []string{
			"Info #meeting:x Bob B edited a line to: #info c", `Edit #meeting:x <Bob_B|@bob:x> $1 -> ["#info c"]`}},
		{"redaction", matrixclient.Redaction{Meta: meta("$8"), Sender: alice, Redacts: "$1", Reason: "spam"}, []string{
			"Info #meeting:x Alice redacted a line (spam)", "Redaction #meeting:x <Alice|@alice:x> $1 (spam)"}},
		{"join", matrixclient.Membership{Meta: meta("$9"), Sender: matrixclient.Sender{UserID: "@carol:x"}, Target: "@carol:x", Change: matrixclient.MemberJoined, NewName: "Carol"}, []string{
			"Join #meeting:x Carol self=false"}},
		{"leave", matrixclient.Membership{Meta: meta("$10"), Sender: matrixclient.Sender{UserID: "@carol:x"}, Target: "@carol:x", Change: matrixclient.MemberLeft, OldName: "Carol"}, []string{
			"Part #meeting:x Carol"}},
		{"kick", matrixclient.Membership{Meta: meta("$11"), Sender: alice, Target: "@carol:x", Change: matrixclient.MemberLeft, OldName: "Carol"}, []string{
			"Kick #meeting:x Carol by Alice"}},
		{"rename", matrixclient.Membership{Meta: meta("$12"), Sender: bob, Target: "@bob:x", Change: matrixclient.MemberRenamed, OldName: "Bob B", NewName: "Robert"}, []string{
			"Nick Bob_B -> Robert in #meeting:x"}},
		{"our own join event", matrixclient.Membership{Meta: meta("$13"), Sender: me, Target: "@gavel:x", TargetSelf: true, Change: matrixclient.MemberJoined}, nil},
		{"topic refused", matrixclient.Error{Room: "!r:x", Code: "M_FORBIDDEN", EventType: "m.room.topic", Err: errors.New("no")}, []string{
			"Error kind=1 M_FORBIDDEN TOPIC"}},
		{"reconnecting", matrixclient.State{State: matrixclient.Reconnecting}, []string{"Conn reconnecting"}},
		{"back", matrixclient.State{State: matrixclient.Synced}, []string{
			"Conn connected", "Join #meeting:x nirik self=true", "Members #meeting:x @Alice +Bob_B nirik", `Topic #meeting:x "agenda" onjoin=true`}},
	} {
		var got []string
		for _, ev := range n.Translate([]matrixclient.Event{tc.in}) {
			got = append(got, show(ev))
		}
		if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
			t.Errorf("%s:\ngot  %q\nwant %q", tc.name, got, tc.want)
		}
	}

	// The batch handed out is acked when the next is asked for.
	conn.events <- matrixclient.Message{Meta: meta("$20"), Sender: bob, Lines: []string{"x"}}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	n.Next(ctx, 10)
	conn.acked = nil
	conn.events <- matrixclient.Message{Meta: meta("$21"), Sender: bob, Lines: []string{"y"}}
	n.Next(ctx, 10)
	if strings.Join(conn.acked, ",") != "!r:x $20" {
		t.Errorf("acked %q, want the previous batch's last event", conn.acked)
	}
}

func TestMatrixAdapterSends(t *testing.T) {
	conn := newRoomConn()
	n := NewMatrix(conn, nil)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(n.Say("#meeting:x", "#startmeeting"))
	must(n.Reply("#meeting:x", "Meeting started"))
	must(n.Action("#meeting:x", "waves"))
	must(n.SetTopic("#meeting:x", "t"))
	must(n.Answer("#meeting:x", ".fas x", "Bob_B", []string{"x is y"}))
	must(n.Kick("#meeting:x", "Bob_B", "bye"))
	want := []string{
		"text #meeting:x #startmeeting", "notice #meeting:x Meeting started", "emote #meeting:x waves",
		"topic #meeting:x t", "answer #meeting:x @bob:x x is y", "kick #meeting:x @bob:x",
	}
	if strings.Join(conn.sent, "\n") != strings.Join(want, "\n") {
		t.Errorf("sent %q\nwant %q", conn.sent, want)
	}
	if err := n.Say("alice", "hi"); !errors.Is(err, ErrUnsupported) {
		t.Errorf("a private line: %v", err)
	}
	_, ctcpErr := n.CTCP("a", "VERSION", "")
	for name, err := range map[string]error{"mode": n.Mode("#meeting:x", "+o"), "raw": n.Raw("X"), "ctcp": ctcpErr} {
		if !errors.Is(err, ErrUnsupported) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if n.QueueLen() != 3 || !n.IsChannel("!r:x") || n.IsChannel("alice") || n.Topic("#meeting:x") != "agenda" {
		t.Error("channel state")
	}
}
