package matrixclient

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"gavel/matrixclient/dendritetest"
)

const wait = 15 * time.Second

func TestSessionKeptAcrossRestart(t *testing.T) {
	s := dendritetest.Start(t)
	chair := s.Register(t, "chair")
	alice := s.Register(t, "alice")
	room := alice.CreateRoom(t, "keep")
	state := filepath.Join(t.TempDir(), "state")

	c := run(t, chairConfig(t, s, chair, state, dendritetest.Alias("keep")))
	c.rec.waitFor(t, 0, wait, "synced", isState(Synced))
	dev := c.DeviceID()
	if dev == "" {
		t.Fatal("no device ID")
	}
	if err := c.stop(t); err != nil {
		t.Fatalf("Run after cancel: %v", err)
	}
	fi, err := os.Stat(filepath.Join(state, "session.json"))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("session.json mode %v, want 0600", fi.Mode().Perm())
	}
	b, _ := os.ReadFile(filepath.Join(state, "session.json"))
	if strings.Contains(string(b), chair.Password) {
		t.Error("session.json holds the password")
	}

	// The second run reuses the device and its access token: no login.
	c2 := run(t, chairConfig(t, s, chair, state, dendritetest.Alias("keep")))
	c2.rec.waitFor(t, 0, wait, "synced", isState(Synced))
	if c2.DeviceID() != dev {
		t.Errorf("device after restart %q, want %q", c2.DeviceID(), dev)
	}
	devs, err := chair.GetDevicesInfo(dendritetest.Ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(devs.Devices) != 2 { // the one registration made, and gavel's
		t.Errorf("%d devices after two runs, want 2: %+v", len(devs.Devices), devs.Devices)
	}
	// And it works: a line said now arrives, with the room joined by alias.
	from := len(c2.rec.all())
	alice.Text(t, room, "after restart")
	c2.rec.waitFor(t, from, wait, "the line", isMessage(room, "after restart"))
	if ri, ok := c2.Room(dendritetest.Alias("keep")); !ok || ri.ID != room {
		t.Errorf("Room(alias) = %+v, %v", ri, ok)
	}
}

func TestTalkInRoomJoinedByAlias(t *testing.T) {
	s := dendritetest.Start(t)
	chair := s.Register(t, "chair")
	alice := s.Register(t, "alice")
	room := alice.CreateRoom(t, "talk")
	c := run(t, chairConfig(t, s, chair, t.TempDir(), dendritetest.Alias("talk")))
	j, _ := c.rec.waitFor(t, 0, wait, "joined", isJoined(room))
	if got := j.(Joined).Room; got.Alias != dendritetest.Alias("talk") || got.Me != chair.UserID {
		t.Errorf("joined room %+v", got)
	}
	c.rec.waitFor(t, 0, wait, "synced", isState(Synced))

	from := len(c.rec.all())
	id1 := alice.Text(t, room, "hello gavel")
	ev, _ := c.rec.waitFor(t, from, wait, "alice's line", isMessage(room, "hello gavel"))
	m := ev.(Message)
	if m.EventID != id1 || m.UserID != alice.UserID || m.Self || m.History || m.Kind != Text {
		t.Errorf("message %+v", m)
	}
	if m.Time.IsZero() || time.Since(m.Time) > time.Minute {
		t.Errorf("server time %v", m.Time)
	}

	// Our own lines come back once each, with their kind.
	if err := c.Say(room, "#startmeeting test"); err != nil {
		t.Fatal(err)
	}
	if err := c.Notice(dendritetest.Alias("talk"), "Meeting started"); err != nil {
		t.Fatal(err)
	}
	ev, _ = c.rec.waitFor(t, from, wait, "our notice", isMessage(room, "Meeting started"))
	if n := ev.(Message); !n.Self || n.Kind != Notice || n.TxnID == "" {
		t.Errorf("our notice %+v", n)
	}
	// alice sees both in her own sync.
	seen := otherSync(t, alice, room, 2)
	if seen[0] != "m.text #startmeeting test" || seen[1] != "m.notice Meeting started" {
		t.Errorf("alice saw %q", seen)
	}
	time.Sleep(300 * time.Millisecond)
	n := 0
	for _, m := range c.rec.messages(room, from) {
		if m.Self {
			n++
		}
	}
	if n != 2 {
		t.Errorf("%d own messages reported, want 2", n)
	}
}

// otherSync reads u's timeline of room until n messages from others have
// arrived; it returns them as "msgtype body".
func otherSync(t testing.TB, u *dendritetest.User, room string, n int) []string {
	t.Helper()
	ctx := dendritetest.Ctx(t)
	since := ""
	var got []string
	for len(got) < n && ctx.Err() == nil {
		resp, err := u.SyncRequest(ctx, 5000, since, "", false, "")
		if err != nil {
			t.Fatalf("%s sync: %v", u.UserID, err)
		}
		since = resp.NextBatch
		if jr := resp.Rooms.Join[id.RoomID(room)]; jr != nil {
			for _, e := range jr.Timeline.Events {
				if e.Type == event.EventMessage && string(e.Sender) != u.UserID {
					got = append(got, e.Content.Raw["msgtype"].(string)+" "+e.Content.Raw["body"].(string))
				}
			}
		}
	}
	if len(got) < n {
		t.Fatalf("%s saw %d messages, want %d: %q", u.UserID, len(got), n, got)
	}
	return got[len(got)-n:]
}

// After a crash the journal knows the last event it kept; the client pages
// back to it and delivers everything after it once more, in order, and
// the lines said while gavel was down after those.
func TestResumeFromLastKnownEvent(t *testing.T) {
	s := dendritetest.Start(t)
	chair := s.Register(t, "chair")
	alice := s.Register(t, "alice")
	room := alice.CreateRoom(t, "crash")
	state := t.TempDir()
	cfg := chairConfig(t, s, chair, state, dendritetest.Alias("crash"))
	c := run(t, cfg)
	c.rec.waitFor(t, 0, wait, "synced", isState(Synced))
	var ids []string
	for _, l := range []string{"one", "two", "three", "four"} {
		ids = append(ids, alice.Text(t, room, l))
	}
	c.rec.waitFor(t, 0, wait, "four", isMessage(room, "four"))
	if err := c.stop(t); err != nil {
		t.Fatal(err)
	}
	ids = append(ids, alice.Text(t, room, "five"))

	// The journal kept "two": "three" and "four" were delivered but lost.
	c2, err := New(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	c2.SetLastKnown(dendritetest.Alias("crash"), ids[1])
	r := &running{Client: c2, rec: record(c2), done: make(chan struct{})}
	ctx, cancel := contextWithCancel()
	r.cancel = cancel
	go func() { r.runErr = c2.Run(ctx); close(r.done) }()
	defer r.stop(t)
	r.rec.waitFor(t, 0, wait, "five", isMessage(room, "five"))
	var got []string
	for _, m := range r.rec.messages(room, 0) {
		got = append(got, m.Lines[0])
		if m.History {
			t.Errorf("%q marked as history", m.Lines[0])
		}
	}
	if want := "three four five"; strings.Join(got, " ") != want {
		t.Errorf("after the crash got %q, want %q", got, want)
	}
}

func TestAccessTokenFromFile(t *testing.T) {
	s := dendritetest.Start(t)
	chair := s.Register(t, "chair")
	alice := s.Register(t, "alice")
	room := alice.CreateRoom(t, "token")
	tok := t.TempDir() + "/token"
	writeFile(t, tok, chair.AccessToken+"\n")
	cfg := Config{Homeserver: s.URL, UserID: chair.UserID, AccessTokenFile: tok, Rooms: []string{room}, StateDir: t.TempDir(),
		SyncTimeout: 5 * time.Second, MinBackoff: 50 * time.Millisecond, MaxBackoff: time.Second}
	c := run(t, cfg)
	c.rec.waitFor(t, 0, wait, "synced", isState(Synced))
	if c.DeviceID() != string(chair.DeviceID) {
		t.Errorf("device %q, want the token's %q", c.DeviceID(), chair.DeviceID)
	}
	b, _ := os.ReadFile(filepath.Join(cfg.StateDir, "session.json"))
	if strings.Contains(string(b), chair.AccessToken) {
		t.Error("the access token from the file is copied into the state directory")
	}
	alice.Text(t, room, "hi")
	c.rec.waitFor(t, 0, wait, "hi", isMessage(room, "hi"))

	writeFile(t, tok, "not-a-token")
	cfg.StateDir = t.TempDir()
	bad := run(t, cfg)
	select {
	case <-bad.done:
	case <-time.After(wait):
		t.Fatal("Run retries a bad token")
	}
	if err := bad.runErr; err == nil || !strings.Contains(err.Error(), "is not valid on") {
		t.Errorf("bad token: %v", err)
	}
}

// A saved access token that the homeserver no longer knows (the device
// was logged out) is replaced by a login with the same device ID.
func TestLoggedOutTokenLogsInAgainOnTheSameDevice(t *testing.T) {
	s := dendritetest.Start(t)
	chair := s.Register(t, "chair")
	alice := s.Register(t, "alice")
	room := alice.CreateRoom(t, "relogin")
	state := t.TempDir()
	cfg := chairConfig(t, s, chair, state, room)
	c := run(t, cfg)
	c.rec.waitFor(t, 0, wait, "synced", isState(Synced))
	dev := c.DeviceID()
	if err := c.stop(t); err != nil {
		t.Fatal(err)
	}
	sess, err := loadSession(state)
	if err != nil {
		t.Fatal(err)
	}
	gone, err := New(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	gone.cli.UserID, gone.cli.AccessToken = id.UserID(chair.UserID), sess.AccessToken
	if _, err := gone.cli.Logout(dendritetest.Ctx(t)); err != nil {
		t.Fatal(err)
	}

	c2 := run(t, cfg)
	c2.rec.waitFor(t, 0, wait, "synced", isState(Synced))
	if c2.DeviceID() != dev {
		t.Errorf("device after the new login %q, want %q", c2.DeviceID(), dev)
	}
	after, _ := loadSession(state)
	if after.AccessToken == sess.AccessToken || after.AccessToken == "" {
		t.Error("the access token was not replaced")
	}
	alice.Text(t, room, "still here")
	c2.rec.waitFor(t, 0, wait, "the line", isMessage(room, "still here"))
	for _, m := range c2.rec.messages(room, 0) {
		if m.Lines[0] != "still here" {
			t.Errorf("old line %q delivered again", m.Lines)
		}
	}
}

// The homeserver goes away and comes back: the client says it is
// reconnecting, waits with backoff, and goes on where it was.
func TestHomeserverGoneAndBack(t *testing.T) {
	s := dendritetest.Start(t)
	chair := s.Register(t, "chair")
	alice := s.Register(t, "alice")
	room := alice.CreateRoom(t, "flaky")
	c := run(t, chairConfig(t, s, chair, t.TempDir(), room))
	c.rec.waitFor(t, 0, wait, "synced", isState(Synced))
	alice.Text(t, room, "before")
	c.rec.waitFor(t, 0, wait, "before", isMessage(room, "before"))
	from := len(c.rec.all())
	url := s.URL
	s.Stop()
	c.rec.waitFor(t, from, wait, "reconnecting", isState(Reconnecting))
	s.Restart()
	if s.URL != url {
		t.Fatalf("the homeserver came back on %s, not %s", s.URL, url)
	}
	_, i := c.rec.waitFor(t, from, wait, "synced again", isState(Synced))
	alice.Text(t, room, "after")
	c.rec.waitFor(t, i, wait, "after", isMessage(room, "after"))
	for _, m := range c.rec.messages(room, from) {
		if m.Lines[0] != "after" {
			t.Errorf("%q delivered again", m.Lines)
		}
	}
	if c.DeviceID() == "" {
		t.Error("no device")
	}
}
