package dendritetest

import (
	"strings"
	"testing"
)

func TestServerRegistersUsersAndRooms(t *testing.T) {
	s := Start(t)
	if !strings.HasPrefix(s.URL, "http://127.0.0.1:") {
		t.Fatalf("URL %q is not loopback", s.URL)
	}
	alice := s.Register(t, "alice")
	bob := s.Register(t, "bob")
	if alice.UserID != "@alice:localhost" || bob.UserID != "@bob:localhost" {
		t.Fatalf("user IDs %s %s", alice.UserID, bob.UserID)
	}
	room := alice.CreateRoom(t, "rig")
	bob.Join(t, Alias("rig"))
	if id := bob.Text(t, room, "hello"); !strings.HasPrefix(id, "$") {
		t.Fatalf("event ID %q", id)
	}
	s.Restart()
	carol := s.Register(t, "carol")
	carol.Join(t, room)
}
