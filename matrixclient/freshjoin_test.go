package matrixclient

import (
	"context"
	"encoding/json"
	"testing"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"
)

// TestHistoryEndsAtTheRoomsMark: the events of a room up to its mark (the
// newest event when gavel took the room) are history, the later ones are
// not, however the syncs cut them.
func TestHistoryEndsAtTheRoomsMark(t *testing.T) {
	text := func(eid, body string, ts int64) *event.Event {
		e := &event.Event{Type: event.EventMessage, ID: id.EventID(eid), Sender: "@alice:x", Timestamp: ts}
		e.Content.VeryRaw = json.RawMessage(`{"msgtype":"m.text","body":"` + body + `"}`)
		return e
	}
	chair := "@chair:x"
	join := &event.Event{Type: event.StateMember, ID: "$join", Sender: "@chair:x", StateKey: &chair, Timestamp: 2000}
	join.Content.VeryRaw = json.RawMessage(`{"membership":"join","displayname":"chair"}`)
	type sync struct {
		events []*event.Event
		first  bool
	}
	for _, tc := range []struct {
		name   string
		mark   string // "" for a room without one
		markTS int64
		syncs  []sync
		want   map[string]bool // line -> history
	}{{
		// Seen on Dendrite v0.13.8 under load: the room's state and the
		// line said before the join, the join itself in the next sync.
		name: "room just joined, sent before its timeline reaches the join",
		mark: "$join", markTS: 2000,
		syncs: []sync{
			{events: []*event.Event{text("$before", "said before gavel came", 1500)}},
			{events: []*event.Event{join, text("$after", "said after", 2500)}},
			{events: []*event.Event{text("$later", "said later", 2600)}},
		},
		want: map[string]bool{"said before gavel came": true, "said after": false, "said later": false},
	}, {
		name: "room just joined, first sync without the join yet",
		mark: "$join", markTS: 2000,
		syncs: []sync{
			{events: []*event.Event{text("$before", "said before gavel came", 1500)}, first: true},
			{events: []*event.Event{join, text("$after", "said after", 2500)}},
		},
		want: map[string]bool{"said before gavel came": true, "said after": false},
	}, {
		// gavel announced the room before its first sync, and the
		// chair spoke at once: that line is no history.
		name: "room joined before, first sync reaches past the mark",
		mark: "$newest", markTS: 1800,
		syncs: []sync{
			{events: []*event.Event{text("$old", "long ago", 1000), text("$newest", "just before gavel came", 1800),
				text("$said", "#startmeeting said after gavel came", 2500)}, first: true},
			{events: []*event.Event{text("$next", "said next", 2600)}},
		},
		want: map[string]bool{"long ago": true, "just before gavel came": true,
			"#startmeeting said after gavel came": false, "said next": false},
	}, {
		name: "room joined before, first sync's window starts after the mark",
		mark: "$newest", markTS: 1800,
		syncs: []sync{
			{events: []*event.Event{text("$said", "said after gavel came", 2500)}, first: true},
		},
		want: map[string]bool{"said after gavel came": false},
	}, {
		name: "room without a mark: its first sync is history",
		syncs: []sync{
			{events: []*event.Event{text("$old", "long ago", 1000), text("$recent", "recently", 2500)}, first: true},
			{events: []*event.Event{text("$next", "said next", 2600)}},
		},
		want: map[string]bool{"long ago": true, "recently": true, "said next": false},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := New(Config{Homeserver: "http://127.0.0.1:1", UserID: chair, PasswordEnv: "X", StateDir: t.TempDir()}, nil)
			if err != nil {
				t.Fatal(err)
			}
			r := newRoom("!room:x", "#room:x", chair)
			r.setMember("@alice:x", "join", "alice")
			r.setMember(chair, "join", "chair")
			r.mark, r.markTS, r.awaitingMark = tc.mark, tc.markTS, tc.mark != ""
			c.rooms[r.id] = r
			for i, s := range tc.syncs {
				jr := &mautrix.SyncJoinedRoom{}
				jr.Timeline.Events = s.events
				resp := &mautrix.RespSync{}
				resp.Rooms.Join = map[id.RoomID]*mautrix.SyncJoinedRoom{id.RoomID(r.id): jr}
				since := ""
				if !s.first {
					since = "s" + string(rune('0'+i))
				}
				c.process(context.Background(), resp, since, s.first)
			}
			want := map[string]string{}
			for line, h := range tc.want {
				want[line] = map[bool]string{true: "history", false: "live"}[h]
			}
			for _, ev := range c.events.Take() {
				m, ok := ev.(Message)
				if !ok {
					continue
				}
				h, known := want[m.Lines[0]]
				if !known {
					t.Errorf("unexpected line %q", m.Lines[0])
					continue
				}
				if got := map[bool]string{true: "history", false: "live"}[m.History]; got != h {
					t.Errorf("%q: %s, want %s", m.Lines[0], got, h)
				}
				delete(want, m.Lines[0])
			}
			for line := range want {
				t.Errorf("%q not delivered", line)
			}
		})
	}
}
