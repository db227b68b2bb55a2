package matrixclient

import (
	"context"
	"encoding/json"
	"testing"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"
)

// TestHistoryUntilTheTimelineReachesOurJoin: Dendrite, when busy, sends a
// room just joined in a sync whose timeline does not reach the join yet
// (seen on Dendrite v0.13.8 under load: the room's state events and the
// line said before the join, the join itself in the next sync). Those
// lines are history; the lines after the join, in the next sync, are not.
func TestHistoryUntilTheTimelineReachesOurJoin(t *testing.T) {
	c, err := New(Config{Homeserver: "http://127.0.0.1:1", UserID: "@chair:x", PasswordEnv: "X", StateDir: t.TempDir()}, nil)
	if err != nil {
		t.Fatal(err)
	}
	r := newRoom("!later:x", "#later:x", "@chair:x")
	r.setMember("@alice:x", "join", "alice")
	r.setMember("@chair:x", "join", "chair")
	r.fresh, r.ownJoin, r.ownJoinTS = true, "$join", 2000
	c.rooms[r.id] = r

	text := func(eid, body string, ts int64) *event.Event {
		e := &event.Event{Type: event.EventMessage, ID: id.EventID(eid), Sender: "@alice:x", Timestamp: ts}
		e.Content.VeryRaw = json.RawMessage(`{"msgtype":"m.text","body":"` + body + `"}`)
		return e
	}
	chair := "@chair:x"
	join := &event.Event{Type: event.StateMember, ID: "$join", Sender: "@chair:x", StateKey: &chair, Timestamp: 2000}
	join.Content.VeryRaw = json.RawMessage(`{"membership":"join","displayname":"chair"}`)
	sync := func(events ...*event.Event) *mautrix.RespSync {
		jr := &mautrix.SyncJoinedRoom{}
		jr.Timeline.Events = events
		resp := &mautrix.RespSync{}
		resp.Rooms.Join = map[id.RoomID]*mautrix.SyncJoinedRoom{id.RoomID(r.id): jr}
		return resp
	}
	c.process(context.Background(), sync(text("$before", "said before gavel came", 1500)), "s1", false)
	c.process(context.Background(), sync(join, text("$after", "said after", 2500)), "s2", false)
	c.process(context.Background(), sync(text("$later", "said later", 2600)), "s3", false)

	want := map[string]bool{"said before gavel came": true, "said after": false, "said later": false}
	for _, ev := range c.events.Take() {
		if m, ok := ev.(Message); ok {
			h, known := want[m.Lines[0]]
			if !known {
				t.Errorf("unexpected line %q", m.Lines[0])
				continue
			}
			if m.History != h {
				t.Errorf("%q: history %v, want %v", m.Lines[0], m.History, h)
			}
			delete(want, m.Lines[0])
		}
	}
	for line := range want {
		t.Errorf("%q not delivered", line)
	}
}
