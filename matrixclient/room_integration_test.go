package matrixclient

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"gavel/matrixclient/dendritetest"
)

// A pasted script, an edit, a reply, a redaction, an image, display names
// that collide, a rename and a power level change, as the room's members
// do them on a real homeserver.
func TestRoomEventsFromOtherUsers(t *testing.T) {
	s := dendritetest.Start(t)
	chair := s.Register(t, "chair")
	alice := s.Register(t, "alice")
	bob := s.Register(t, "bob")
	carol := s.Register(t, "carol")
	ctx := dendritetest.Ctx(t)
	for _, u := range []*dendritetest.User{alice, bob} {
		if err := u.SetDisplayName(ctx, "Sam"); err != nil {
			t.Fatal(err)
		}
	}
	room := alice.CreateRoom(t, "events")
	bob.Join(t, room)
	c := run(t, chairConfig(t, s, chair, t.TempDir(), room))
	j, _ := c.rec.waitFor(t, 0, wait, "joined", isJoined(room))
	info := j.(Joined).Room
	if m, ok := info.Member(alice.UserID); !ok || m.Name != "Sam (@alice:localhost)" || m.Power != 100 {
		t.Errorf("alice in the members pane: %+v", m)
	}
	if m, ok := info.Member(bob.UserID); !ok || m.Name != "Sam (@bob:localhost)" || m.Power != 0 {
		t.Errorf("bob in the members pane: %+v", m)
	}
	c.rec.waitFor(t, 0, wait, "synced", isState(Synced))
	from := len(c.rec.all())

	// A multi-line paste is one event of several lines.
	script := alice.Text(t, room, "#topic one\n\n#info two\r\n#action bob three  ")
	ev, _ := c.rec.waitFor(t, from, wait, "the paste", func(ev Event) bool { m, ok := ev.(Message); return ok && m.EventID == script })
	if m := ev.(Message); strings.Join(m.Lines, "|") != "#topic one|#info two|#action bob three" || m.Name != "Sam (@alice:localhost)" {
		t.Errorf("paste: %q from %q", m.Lines, m.Name)
	}

	// An edit names the original.
	edit := alice.Send(t, room, map[string]any{
		"msgtype": "m.text", "body": "* #info two, better",
		"m.new_content": map[string]any{"msgtype": "m.text", "body": "#info two, better"},
		"m.relates_to":  map[string]any{"rel_type": "m.replace", "event_id": script},
	})
	ev, _ = c.rec.waitFor(t, from, wait, "the edit", func(ev Event) bool { e, ok := ev.(Edit); return ok && e.EventID == edit })
	if e := ev.(Edit); e.Original != script || strings.Join(e.Lines, "|") != "#info two, better" {
		t.Errorf("edit %+v", e)
	}

	// A reply loses its quoted fallback; a mention by user ID reads as a name.
	reply := bob.Send(t, room, map[string]any{
		"msgtype": "m.text", "body": "> <@alice:localhost> #topic one\n\n#agreed " + carol.UserID + " does it",
		"format": "org.matrix.custom.html", "formatted_body": "<mx-reply>...</mx-reply><b>#agreed</b>",
		"m.relates_to": map[string]any{"m.in_reply_to": map[string]any{"event_id": script}},
	})
	ev, _ = c.rec.waitFor(t, from, wait, "the reply", func(ev Event) bool { m, ok := ev.(Message); return ok && m.EventID == reply })
	if m := ev.(Message); strings.Join(m.Lines, "|") != "#agreed @carol:localhost does it" || m.ReplyTo != script {
		t.Errorf("reply %+v (carol is no member yet, so her ID stays)", m)
	}

	// A redaction names what it removes.
	red, err := alice.RedactEvent(ctx, id.RoomID(room), id.EventID(script), mautrix.ReqRedact{Reason: "wrong paste"})
	if err != nil {
		t.Fatal(err)
	}
	ev, _ = c.rec.waitFor(t, from, wait, "the redaction", func(ev Event) bool { r, ok := ev.(Redaction); return ok && r.EventID == string(red.EventID) })
	if r := ev.(Redaction); r.Redacts != script || r.Reason != "wrong paste" || r.UserID != alice.UserID {
		t.Errorf("redaction %+v", r)
	}

	// An image is a placeholder, never run.
	img := bob.Send(t, room, map[string]any{"msgtype": "m.image", "body": "cat.png", "url": "mxc://localhost/abc"})
	ev, _ = c.rec.waitFor(t, from, wait, "the image", func(ev Event) bool { p, ok := ev.(Placeholder); return ok && p.EventID == img })
	if p := ev.(Placeholder); p.Text != "[image: cat.png]" || p.Runnable() {
		t.Errorf("placeholder %+v", p)
	}

	// carol joins; bob renames; the collision goes away for alice.
	carol.Join(t, room)
	c.rec.waitFor(t, from, wait, "carol's join", func(ev Event) bool {
		m, ok := ev.(Membership)
		return ok && m.Target == carol.UserID && m.Change == MemberJoined
	})
	if err := bob.SetDisplayName(ctx, "Bobby"); err != nil {
		t.Fatal(err)
	}
	ev, _ = c.rec.waitFor(t, from, wait, "bob's rename", func(ev Event) bool {
		m, ok := ev.(Membership)
		return ok && m.Target == bob.UserID && m.Change == MemberRenamed
	})
	if m := ev.(Membership); m.OldName != "Sam (@bob:localhost)" || m.NewName != "Bobby" {
		t.Errorf("rename %q -> %q", m.OldName, m.NewName)
	}
	said := alice.Text(t, room, "thanks "+carol.UserID)
	ev, _ = c.rec.waitFor(t, from, wait, "alice's line", func(ev Event) bool { m, ok := ev.(Message); return ok && m.EventID == said })
	if m := ev.(Message); m.Name != "Sam" || m.Lines[0] != "thanks carol" {
		t.Errorf("after the rename alice is %q and says %q", m.Name, m.Lines)
	}

	// A power level change shows in the members pane.
	pl := map[string]any{"users": map[string]any{alice.UserID: 100, bob.UserID: 50, chair.UserID: 50}, "users_default": 0}
	if _, err := alice.SendStateEvent(ctx, id.RoomID(room), event.StatePowerLevels, "", pl); err != nil {
		t.Fatal(err)
	}
	ev, _ = c.rec.waitFor(t, from, wait, "power levels", func(ev Event) bool { p, ok := ev.(PowerLevels); return ok && !p.History })
	var bobPower int
	for _, m := range ev.(PowerLevels).Members {
		if m.UserID == bob.UserID {
			bobPower = m.Power
		}
	}
	if bobPower != 50 {
		t.Errorf("bob's power %d, want 50", bobPower)
	}
	if ri, _ := c.Room(room); ri.Members[0].UserID != alice.UserID || ri.Members[1].UserID != bob.UserID || ri.Members[2].UserID != chair.UserID {
		t.Errorf("members pane order: %+v", ri.Members)
	}

	// The topic.
	if err := c.SetTopic(room, "Agenda: one, two"); err != nil {
		t.Fatal(err)
	}
	ev, _ = c.rec.waitFor(t, from, wait, "topic", func(ev Event) bool { _, ok := ev.(Topic); return ok })
	if tp := ev.(Topic); tp.Text != "Agenda: one, two" || !tp.Self {
		t.Errorf("topic %+v", tp)
	}
	if ri, _ := c.Room(room); ri.Topic != "Agenda: one, two" {
		t.Errorf("room topic %q", ri.Topic)
	}
	// carol leaves.
	if _, err := carol.LeaveRoom(ctx, id.RoomID(room)); err != nil {
		t.Fatal(err)
	}
	c.rec.waitFor(t, from, wait, "carol's leave", func(ev Event) bool {
		m, ok := ev.(Membership)
		return ok && m.Target == carol.UserID && m.Change == MemberLeft
	})
	if ri, _ := c.Room(room); len(ri.Members) != 3 {
		t.Errorf("members after carol left: %+v", ri.Members)
	}
}

func TestEncryptedRoomRefused(t *testing.T) {
	s := dendritetest.Start(t)
	chair := s.Register(t, "chair")
	alice := s.Register(t, "alice")
	enc := alice.CreateRoom(t, "secret", &event.Event{
		Type:     event.StateEncryption,
		StateKey: new(string),
		Content:  event.Content{Raw: map[string]any{"algorithm": "m.megolm.v1.aes-sha2"}},
	})
	plain := alice.CreateRoom(t, "open")
	c := run(t, chairConfig(t, s, chair, t.TempDir(), dendritetest.Alias("secret"), dendritetest.Alias("open")))
	ev, _ := c.rec.waitFor(t, 0, wait, "refusal", func(ev Event) bool { _, ok := ev.(Error); return ok })
	e := ev.(Error)
	if !errors.Is(e, ErrEncrypted) || !strings.Contains(e.Error(), "#secret:localhost") || strings.Contains(e.Error(), "\n") {
		t.Errorf("refusal %q", e.Error())
	}
	c.rec.waitFor(t, 0, wait, "the open room", isJoined(plain))
	if _, ok := c.Room(enc); ok {
		t.Error("the encrypted room is kept")
	}
	if err := c.Say(enc, "hi"); !errors.Is(err, ErrUnknownRoom) {
		t.Errorf("Say in the encrypted room: %v", err)
	}
	n := 0
	for _, ev := range c.rec.all() {
		if _, ok := ev.(Error); ok {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d errors, want 1", n)
	}
}

// Events sent while gavel was down arrive on restart, in order, with their
// server times, and nothing that ran before arrives again; with a small
// timeline limit the sync is limited and the rest is paged back.
func TestRestartDeliversMissedEventsOnce(t *testing.T) {
	for _, tc := range []struct {
		name   string
		limit  int
		missed int
	}{
		{"sync timeline holds them", 50, 5},
		{"limited timeline paged back", 3, 12},
		{"default limit holds more than the first sync's", 0, 60},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := dendritetest.Start(t)
			chair := s.Register(t, "chair")
			alice := s.Register(t, "alice")
			room := alice.CreateRoom(t, "resume")
			state := t.TempDir()
			cfg := chairConfig(t, s, chair, state, room)
			cfg.TimelineLimit = tc.limit
			c := run(t, cfg)
			c.rec.waitFor(t, 0, wait, "synced", isState(Synced))
			alice.Text(t, room, "before")
			c.rec.waitFor(t, 0, wait, "the line before", isMessage(room, "before"))
			if err := c.stop(t); err != nil {
				t.Fatal(err)
			}
			var sent []string
			for i := range tc.missed {
				sent = append(sent, alice.Text(t, room, "while down "+itoa(i)))
			}
			// All in the room's timeline before gavel is back (Dendrite
			// answers a send before its timeline has the event), so the
			// first sync holds them all or says it is limited.
			alice.WaitInTimeline(t, room, sent[len(sent)-1])
			c2 := run(t, cfg)
			last := "while down " + itoa(tc.missed-1)
			c2.rec.waitFor(t, 0, wait, "the last missed line", isMessage(room, last))
			time.Sleep(200 * time.Millisecond)
			msgs := c2.rec.messages(room, 0)
			var got []string
			for i, m := range msgs {
				got = append(got, m.EventID)
				if m.History {
					t.Errorf("missed line %q marked as history", m.Lines)
				}
				if i > 0 && m.Time.Before(msgs[i-1].Time) {
					t.Errorf("line %q at %v before the one ahead of it", m.Lines, m.Time)
				}
			}
			if strings.Join(got, ",") != strings.Join(sent, ",") {
				t.Errorf("after restart got %d events %q, want the %d missed ones %q", len(got), got, len(sent), sent)
			}
			if paged := tc.limit > 0 && tc.limit < tc.missed; msgs[0].Backfill != paged {
				t.Errorf("first missed line marked as backfill %v, want %v: %+v", msgs[0].Backfill, paged, msgs[0])
			}
		})
	}
}

// The very first sync's timeline, and what a room said before we joined,
// is history.
func TestFirstSyncIsHistory(t *testing.T) {
	s := dendritetest.Start(t)
	chair := s.Register(t, "chair")
	alice := s.Register(t, "alice")
	room := alice.CreateRoom(t, "old")
	alice.Text(t, room, "#startmeeting long ago")
	// A room the account is in already (another device joined it): the
	// very first sync's timeline is history, even after that join.
	pre := alice.CreateRoom(t, "pre")
	chair.Join(t, pre)
	// In the room's timeline before gavel starts (Dendrite answers a send
	// before its timeline has the event).
	alice.WaitInTimeline(t, pre, alice.Text(t, pre, "#startmeeting before gavel's first run"))
	cfg := chairConfig(t, s, chair, t.TempDir(), room, pre)
	cfg.SyncTimeout = time.Minute // a room joined later must not wait for the long poll to end
	c := run(t, cfg)
	ev, _ := c.rec.waitFor(t, 0, wait, "the old line", isMessage(room, "#startmeeting long ago"))
	if !ev.(Message).History {
		t.Error("an event from before we joined is not history")
	}
	ev, _ = c.rec.waitFor(t, 0, wait, "the line before the first run", isMessage(pre, "#startmeeting before gavel's first run"))
	if !ev.(Message).History {
		t.Error("an event of the very first sync is not history")
	}
	c.rec.waitFor(t, 0, wait, "synced", isState(Synced))
	from := len(c.rec.all())
	alice.Text(t, room, "now")
	ev, _ = c.rec.waitFor(t, from, wait, "the new line", isMessage(room, "now"))
	if ev.(Message).History {
		t.Error("a new line is history")
	}

	// A room joined while running: what was said before the join is history.
	other := alice.CreateRoom(t, "later")
	alice.Text(t, other, "said before gavel came")
	from = len(c.rec.all())
	if err := c.Join(dendritetest.Alias("later")); err != nil {
		t.Fatal(err)
	}
	c.rec.waitFor(t, from, wait, "joined later", isJoined(other))
	alice.Text(t, other, "said after")
	ev, _ = c.rec.waitFor(t, from, wait, "the line after", isMessage(other, "said after"))
	if ev.(Message).History {
		t.Error("a line after the join is history")
	}
	for _, m := range c.rec.messages(other, from) {
		if m.Lines[0] == "said before gavel came" && !m.History {
			t.Error("a line from before the join is not history")
		}
	}
}

func TestPermanentRefusalsAreOneErrorWithoutRetry(t *testing.T) {
	s := dendritetest.Start(t)
	chair := s.Register(t, "chair")
	alice := s.Register(t, "alice")
	cases := []struct {
		name string
		cfg  func(Config) Config
		want string
	}{
		{"wrong password", func(c Config) Config {
			p := t.TempDir() + "/pw"
			writeFile(t, p, "not the password")
			c.PasswordFile = p
			return c
		}, "login as @chair:localhost on " + s.URL + " refused"},
		{"nothing listens at the URL", func(c Config) Config {
			c.Homeserver = "http://127.0.0.1:" + itoa(dendritetest.FreePort(t))
			return c
		}, "cannot reach homeserver"},
		{"no homeserver at the URL", func(c Config) Config {
			c.Homeserver = s.URL + "/nothing"
			return c
		}, "is not a Matrix homeserver"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := tc.cfg(chairConfig(t, s, chair, t.TempDir()))
			c := run(t, cfg)
			select {
			case <-c.done:
			case <-time.After(wait):
				t.Fatal("Run still running: retrying a permanent refusal")
			}
			err := c.runErr
			if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") || !IsPermanent(err) {
				t.Fatalf("Run: %v; want one line with %q", err, tc.want)
			}
			for _, ev := range c.rec.all() {
				if st, ok := ev.(State); ok && st.State == Reconnecting {
					t.Errorf("retried: %+v", st)
				}
			}
		})
	}
	t.Run("rooms that cannot be joined", func(t *testing.T) {
		private, err := alice.Client.CreateRoom(dendritetest.Ctx(t), &mautrix.ReqCreateRoom{Preset: "private_chat", RoomAliasName: "closed"})
		if err != nil {
			t.Fatal(err)
		}
		open := alice.CreateRoom(t, "fine")
		c := run(t, chairConfig(t, s, chair, t.TempDir(), "#nosuch:localhost", dendritetest.Alias("closed"), open))
		c.rec.waitFor(t, 0, wait, "the open room", isJoined(open))
		c.rec.waitFor(t, 0, wait, "synced", isState(Synced))
		var errs []string
		for _, ev := range c.rec.all() {
			if e, ok := ev.(Error); ok {
				errs = append(errs, e.Error())
			}
		}
		slices.Sort(errs) // the rooms are joined at once: the errors come in any order
		if len(errs) != 2 || !strings.Contains(errs[0], "cannot join #closed:localhost: refused") ||
			!strings.Contains(errs[1], "#nosuch:localhost: no such room alias") {
			t.Errorf("errors %q", errs)
		}
		if _, ok := c.Room(string(private.RoomID)); ok {
			t.Error("the private room is joined")
		}
	})
}

// A room that turns encryption on while gavel is in it is left, with one
// error naming it, and nothing of it is delivered after that.
func TestRoomThatTurnsEncryptionOnIsLeft(t *testing.T) {
	s := dendritetest.Start(t)
	chair := s.Register(t, "chair")
	alice := s.Register(t, "alice")
	room := alice.CreateRoom(t, "goesdark")
	c := run(t, chairConfig(t, s, chair, t.TempDir(), dendritetest.Alias("goesdark")))
	c.rec.waitFor(t, 0, wait, "synced", isState(Synced))
	ctx := dendritetest.Ctx(t)
	if _, err := alice.SendStateEvent(ctx, id.RoomID(room), event.StateEncryption, "", map[string]any{"algorithm": "m.megolm.v1.aes-sha2"}); err != nil {
		t.Fatal(err)
	}
	ev, _ := c.rec.waitFor(t, 0, wait, "the refusal", func(ev Event) bool { _, ok := ev.(Error); return ok })
	if e := ev.(Error); !errors.Is(e, ErrEncrypted) || !strings.Contains(e.Error(), "#goesdark:localhost") {
		t.Errorf("refusal %q", e.Error())
	}
	// gavel has left: the homeserver says so.
	deadline := time.Now().Add(wait)
	for {
		joined, err := chair.JoinedRooms(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(joined.JoinedRooms, id.RoomID(room)) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("gavel is still in the encrypted room")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if _, ok := c.Room(room); ok {
		t.Error("the room is still in the client's state")
	}
}

// TestFirstSyncPagesBackToTheMark: lines said in a room the account is in
// already, after gavel took the room and before its very first sync, are
// no history, and when that sync's short timeline cannot hold them all,
// the rest is paged back to the room's mark: all arrive, in order, once.
func TestFirstSyncPagesBackToTheMark(t *testing.T) {
	s := dendritetest.Start(t)
	chair := s.Register(t, "chair")
	alice := s.Register(t, "alice")
	room := alice.CreateRoom(t, "busy")
	chair.Join(t, room)
	alice.WaitInTimeline(t, room, alice.Text(t, room, "before gavel"))
	cfg := chairConfig(t, s, chair, t.TempDir(), room)
	cfg.FirstTimelineLimit = 2
	// The very first sync waits at the client's door (gavel has taken the
	// room by then) while the test says the lines and waits until they
	// are in the room's timeline.
	asked, said := make(chan struct{}), make(chan struct{})
	var once sync.Once
	base := http.DefaultTransport
	cfg.HTTPClient = &http.Client{Timeout: time.Minute, Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		if strings.HasSuffix(r.URL.Path, "/sync") && r.URL.Query().Get("since") == "" {
			once.Do(func() { close(asked) })
			<-said
		}
		return base.RoundTrip(r)
	})}
	c := run(t, cfg)
	select {
	case <-asked:
	case <-time.After(wait):
		t.Fatal("no first sync")
	}
	var sent []string
	for i := range 5 {
		sent = append(sent, alice.Text(t, room, "said at once "+itoa(i)))
	}
	alice.WaitInTimeline(t, room, sent[len(sent)-1])
	close(said)
	c.rec.waitFor(t, 0, wait, "synced", isState(Synced))
	var got []string
	for _, m := range c.rec.messages(room, 0) {
		if m.Lines[0] == "before gavel" {
			if !m.History {
				t.Error("the line from before gavel is not history")
			}
			continue
		}
		if m.History {
			t.Errorf("%q, said after gavel took the room, is history", m.Lines[0])
		}
		got = append(got, m.EventID)
	}
	if strings.Join(got, ",") != strings.Join(sent, ",") {
		t.Errorf("got %q, want the %d lines said %q", got, len(sent), sent)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
