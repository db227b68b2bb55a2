package dendritetest

import (
	"path/filepath"
	"strings"
	"testing"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"
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
	hello := bob.Text(t, room, "hello")
	if !strings.HasPrefix(hello, "$") {
		t.Fatalf("event ID %q", hello)
	}
	bob.WaitInTimeline(t, room, hello) // else the kill may lose it on its way to the sync API
	s.Restart()
	carol := s.Register(t, "carol")
	carol.Join(t, room)
	// The room and its line outlived the restart, kept in PostgreSQL:
	// no SQLite database beside the config.
	if dbs, _ := filepath.Glob(filepath.Join(s.Dir, "*.db")); len(dbs) > 0 {
		t.Errorf("Dendrite made SQLite databases %v; it should use PostgreSQL", dbs)
	}
	resp, err := carol.Messages(Ctx(t), id.RoomID(room), "", "", mautrix.DirectionBackward, nil, 10)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range resp.Chunk {
		found = found || e.Type == event.EventMessage && e.Content.Raw["body"] == "hello"
	}
	if !found {
		for _, e := range resp.Chunk {
			t.Logf("%s %s %v", e.Type.Type, e.Sender, e.Content.Raw)
		}
		t.Errorf("the line said before the restart is gone from the room")
	}
}
