package matrixclient

import (
	"encoding/json"
	"testing"
)

// The very first sync asks for a short timeline with lazy-loaded members;
// every later one for the long timeline, with no state filter at all (an
// empty one changed what Dendrite answered).
func TestSyncFilterTimelineLimits(t *testing.T) {
	c, err := New(Config{Homeserver: "http://127.0.0.1:1", UserID: "@chair:x", PasswordEnv: "X", StateDir: t.TempDir()}, nil)
	if err != nil {
		t.Fatal(err)
	}
	c.rooms["!r:x"] = newRoom("!r:x", "#r:x", "@chair:x")
	for _, tc := range []struct {
		name  string
		first bool
		limit int
		lazy  bool
	}{
		{"first sync", true, 50, true},
		{"later sync", false, 1000, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var f struct {
				Room struct {
					Rooms    []string `json:"rooms"`
					Timeline struct {
						Limit int `json:"limit"`
					} `json:"timeline"`
					State *struct {
						LazyLoadMembers bool `json:"lazy_load_members"`
					} `json:"state"`
				} `json:"room"`
			}
			if err := json.Unmarshal([]byte(c.filter(tc.first)), &f); err != nil {
				t.Fatal(err)
			}
			if f.Room.Timeline.Limit != tc.limit {
				t.Errorf("timeline limit %d, want %d", f.Room.Timeline.Limit, tc.limit)
			}
			if lazy := f.Room.State != nil && f.Room.State.LazyLoadMembers; lazy != tc.lazy {
				t.Errorf("lazy-loaded members %v, want %v", lazy, tc.lazy)
			}
			if !tc.lazy && f.Room.State != nil {
				t.Error("a later sync has a state filter")
			}
			if len(f.Room.Rooms) != 1 || f.Room.Rooms[0] != "!r:x" {
				t.Errorf("rooms %q", f.Room.Rooms)
			}
		})
	}
}
