package bus

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"gavel/meeting"
)

// TestMatrixMeetingUsers: a Matrix meeting's start message names the room
// alias as its location and its people as Fedora's meetbot does: a
// fedora.im user ID is the FAS user, another server's user its user ID.
func TestMatrixMeetingUsers(t *testing.T) {
	e := meeting.NewEngine(meeting.Options{Channel: "#fedora-meeting-1:fedora.im", Dialect: meeting.DialectFedora})
	at := t0
	say := func(nick, id, text string) {
		e.Handle(meeting.Message{Time: at, Nick: nick, Account: id, Text: text})
		at = at.Add(time.Second)
	}
	say("Kevin_Fenzi", "@kevin:fedora.im", "!startmeeting infra")
	say("Sam", "@sam:matrix.org", "hello")
	say("Kevin_Fenzi", "@kevin:fedora.im", "!chair @dave:fedora.im")
	m := e.Meeting()
	msg, err := StartMessage("#fedora-meeting-1:fedora.im", m, at)
	if err != nil {
		t.Fatal(err)
	}
	var sb StartBody
	if err := json.Unmarshal(msg.Body, &sb); err != nil {
		t.Fatal(err)
	}
	if sb.StartUser != "kevin" || sb.Location != "#fedora-meeting-1:fedora.im" || !slices.Equal(msg.Users, []string{"kevin"}) {
		t.Errorf("start body %+v, users %q", sb, msg.Users)
	}
	if got := userNames(m, []string{"Sam", "@dave:fedora.im", "nobody"}); !slices.Equal(got, []string{"@sam:matrix.org", "dave", "nobody"}) {
		t.Errorf("names %q", got)
	}
}
