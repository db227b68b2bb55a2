package live

import (
	"slices"
	"testing"
	"time"
)

// TestChannelStateFollowsTheEvents: the shared channel state keeps
// members, topics, our nick and the channels a quit or a nick change
// concerns from the live events, folds names as told, and ignores
// played-back history.
func TestChannelStateFollowsTheEvents(t *testing.T) {
	s := NewChannelState("chair", FoldRFC1459, "")
	at := Meta{Time: time.Unix(0, 0)}
	me := User{Nick: "chair", Self: true}
	nicks := func(ch string) []string {
		var out []string
		for _, m := range s.Members(ch) {
			out = append(out, m.Prefixes+m.Nick)
		}
		return out
	}
	s.Apply(Join{Meta: at, From: me, Channel: "#Meet"})
	s.Apply(Join{Meta: at, From: me, Channel: "#other"})
	s.Apply(Members{Meta: at, Channel: "#meet", Members: []Member{{Nick: "chair", Prefixes: "@"}, {Nick: "bob"}, {Nick: "Alice[1]", Prefixes: "+"}}})
	s.Apply(Join{Meta: at, From: User{Nick: "bob"}, Channel: "#other"})
	if got := nicks("#MEET"); !slices.Equal(got, []string{"@chair", "+Alice[1]", "bob"}) {
		t.Errorf("members by status then name: %v", got)
	}
	if !s.InChannel("#meet") || s.InChannel("#elsewhere") || !s.IsChannel("&local") || s.IsChannel("bob") {
		t.Error("in-channel or is-a-channel wrong")
	}
	s.Apply(Mode{Meta: at, Target: "#meet", Modes: "+bv-o", Params: []string{"*!*@spam", "bob", "chair"}})
	if got := nicks("#meet"); !slices.Equal(got, []string{"+Alice[1]", "+bob", "chair"}) {
		t.Errorf("after +bv-o: %v", got)
	}
	s.Apply(Mode{Meta: at, Target: "#meet", Modes: "+o", Params: []string{"alice[1]"}})
	if got := nicks("#meet"); got[0] != "@+Alice[1]" {
		t.Errorf("after +o: %v", got)
	}
	s.Apply(Mode{Meta: at, Target: "#meet", Modes: "-v+o", Params: []string{"bob", "chair"}})
	nc := s.Apply(NickChange{Meta: at, From: User{Nick: "alice{1}"}, NewNick: "alice"}).(NickChange)
	if !slices.Equal(nc.Channels, []string{"#Meet"}) || !slices.Contains(nicks("#meet"), "@+alice") {
		t.Errorf("nick change (rfc1459 folding): channels %v, members %v", nc.Channels, nicks("#meet"))
	}
	q := s.Apply(Quit{Meta: at, From: User{Nick: "BOB"}}).(Quit)
	if !slices.Equal(q.Channels, []string{"#Meet", "#other"}) || slices.Contains(nicks("#other"), "bob") {
		t.Errorf("quit: channels %v, members %v", q.Channels, nicks("#other"))
	}
	s.Apply(Topic{Meta: at, Channel: "#meet", Text: "agenda"})
	s.Apply(Topic{Meta: Meta{Time: at.Time, History: true}, Channel: "#meet", Text: "an old topic"})
	if s.Topic("#MEET") != "agenda" {
		t.Errorf("topic %q", s.Topic("#meet"))
	}
	s.Apply(NickChange{Meta: at, From: me, NewNick: "chair_"})
	if s.Nick() != "chair_" {
		t.Errorf("our nick %q", s.Nick())
	}
	s.Apply(Kick{Meta: at, Channel: "#other", Kicked: "chair_", KickedSelf: true})
	s.Apply(Part{Meta: at, From: User{Nick: "alice"}, Channel: "#meet"})
	if s.InChannel("#other") || slices.Contains(nicks("#meet"), "@+alice") {
		t.Errorf("kick or part not followed: %v", nicks("#meet"))
	}
	s.Apply(Conn{Meta: at, State: Disconnected})
	if s.InChannel("#meet") {
		t.Error("still in a channel after the connection ended")
	}
}
