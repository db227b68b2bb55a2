package meeting

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestNamesCompareByChannel: an IRC channel's meeting compares names as
// the fold given (its server's CASEMAPPING, rfc1459 in replay); a Matrix
// room's compares them exactly whatever fold is given, live and replayed
// alike, so "Alice" is no chair as "ALICE" there. Attendees are told
// apart exactly in both.
func TestNamesCompareByChannel(t *testing.T) {
	tests := []struct {
		channel string
		chair   bool // Alice chairs after "#chair ALICE"
		people  int  // attendees after Alice and alice spoke
	}{
		{"#fedora-meeting", true, 4},
		{"#fedora-meeting:fedora.im", false, 4},
		{"!AbCdEf:fedora.im", false, 4},
	}
	for _, tt := range tests {
		t.Run(tt.channel, func(t *testing.T) {
			e := NewEngine(Options{Channel: tt.channel, Fold: strings.ToLower})
			at := t0
			msg := func(nick, text string) {
				e.Handle(Message{Time: at, Nick: nick, Text: text})
				at = at.Add(1e9)
			}
			msg("Chair", "#startmeeting names")
			msg("Chair", "#chair ALICE")
			msg("Alice", "#topic mine")
			msg("alice", "hello")
			m := e.Meeting()
			if got := m.IsChair("Alice"); got != tt.chair {
				t.Errorf("IsChair(Alice) = %v, want %v", got, tt.chair)
			}
			if got := len(m.Topics()) == 1; got != tt.chair {
				t.Errorf("Alice's #topic made an item: %v, want %v", got, tt.chair)
			}
			if len(m.Attendees) != tt.people {
				t.Errorf("attendees %v, want %d", m.Attendees, tt.people)
			}
		})
	}
}

func TestNickFold(t *testing.T) {
	if NickFold("#room:example.org", strings.ToLower) != nil {
		t.Error("a Matrix room's names are folded")
	}
	if f := NickFold("#room", strings.ToLower); f == nil || f("ALICE") != "alice" {
		t.Error("an IRC channel's names are not folded as its server folds them")
	}
}

// TestChairedUserIDIsOneAttendee: a user ID #chaired before its member
// was in the room is one attendee with the member who speaks under it,
// named as they speak, and stays a chair under another name.
func TestChairedUserIDIsOneAttendee(t *testing.T) {
	r := newMatrixRoom(t, Options{})
	r.msg("nirik", "$1", "!startmeeting infra")
	r.msg("nirik", "$2", "!chair @kevin:fedora.im")
	r.msg("kevin", "$3", "!agreed by user ID")
	m := r.e.Meeting()
	var people []string
	for _, a := range m.Attendees {
		people = append(people, fmt.Sprintf("%s %d", a.Nick, a.Lines))
	}
	if want := []string{"nirik 2", "kevin 1"}; !slices.Equal(people, want) {
		t.Errorf("attendees %q, want %q", people, want)
	}
	r.feed(NickChange{Time: r.at, Old: "kevin", New: "Kevin_F"})
	r.msg("Kevin_F", "$4", "!agreed under another name")
	if got := kinds(m.Items); !slices.Equal(got, []string{"AGREED:by user ID", "AGREED:under another name"}) {
		t.Errorf("items %q", got)
	}
}

// FuzzMatrixRoomChairs feeds arbitrary lines, said in turn by three
// members of a Matrix room (by user ID, one a moderator by power level),
// with #chair and #unchair of names and user IDs among them: nothing
// panics, attendees stay one each, and their lines are never lost when a
// chaired user ID becomes the member who speaks under it.
func FuzzMatrixRoomChairs(f *testing.F) {
	for _, s := range []string{
		"#chair @bob:x\n#topic t\n#agreed a\n#unchair @bob:x\n#agreed b",
		"#chair Bob bob BOB\n#info i\n#chair @carol:x @bob:x\n#action Bob fix\n#endmeeting",
		"!chair @carol:x\n!t x\n#chair\n#undo\n#chair @x:x,@bob:x",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, script string) {
		e := NewEngine(Options{Channel: "#room:x", Moderator: func(_, id string) bool { return id == "@mod:x" }})
		people := []struct{ nick, id string }{{"Chair", "@chair:x"}, {"bob", "@bob:x"}, {"Mod", "@mod:x"}, {"Carol", "@carol:x"}}
		at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
		e.Handle(Message{Time: at, Nick: "Chair", Account: "@chair:x", Text: "#startmeeting fuzz", ID: "$s"})
		total := func() int {
			n := 0
			seen := map[string]bool{}
			for _, a := range e.Meeting().Attendees {
				if seen[a.Nick] {
					t.Fatalf("attendee %q twice: %v", a.Nick, e.Meeting().Attendees)
				}
				seen[a.Nick] = true
				n += a.Lines
			}
			return n
		}
		for i, line := range strings.Split(script, "\n") {
			p := people[i%len(people)]
			before, active := total(), e.Active()
			e.Handle(Message{Time: at, Nick: p.nick, Account: p.id, Text: line, ID: fmt.Sprintf("$%d", i)})
			if d := total() - before; active && d != 0 && d != 1 || d < 0 {
				t.Fatalf("line %q by %s changed the attendees' lines by %d", line, p.nick, d)
			}
		}
	})
}

// TestUnchairAMemberChairedByUserID: #unchair of a member chaired as a
// user ID, by the name they speak under (after a rename too) or by the
// ID, unchairs them: the ID does not chair them again.
func TestUnchairAMemberChairedByUserID(t *testing.T) {
	for _, tc := range []struct{ name, unchair string }{
		{"by name", "!unchair kevin_f"},
		{"by user ID", "!unchair @kevin:fedora.im"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newMatrixRoom(t, Options{})
			r.msg("nirik", "$1", "!startmeeting infra")
			r.msg("nirik", "$2", "!chair @kevin:fedora.im")
			r.msg("kevin", "$3", "!agreed as a chair")
			r.feed(NickChange{Time: r.at, Old: "kevin", New: "kevin_f"})
			r.msg("nirik", "$4", tc.unchair)
			r.feed(Message{Time: r.at, Nick: "kevin_f", Account: "@kevin:fedora.im", ID: "$5", Text: "!agreed no more"})
			m := r.e.Meeting()
			if got := kinds(m.Items); !slices.Equal(got, []string{"AGREED:as a chair"}) {
				t.Errorf("items %q", got)
			}
			if got := m.ChairList(); !slices.Equal(got, []string{"nirik"}) {
				t.Errorf("chairs %q", got)
			}
		})
	}
}
