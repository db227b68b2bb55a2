package live

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"gavel/backend"
	"gavel/matrixclient/dendritetest"
	"gavel/meeting"
	"gavel/meeting/publish"
	"gavel/meeting/replay"
)

// TestFedoraDialectMeetingInAMatrixRoom runs a meeting in Fedora's Matrix
// dialect on a real homeserver: "!" commands and maubot's short forms,
// chairs by power level (50) and by #chair, a non-chair refused, a
// multi-line paste, an edit that updates its item and a redaction that
// removes one. The minutes say so, and equal the replay of the .log.txt.
func TestFedoraDialectMeetingInAMatrixRoom(t *testing.T) {
	s := dendritetest.Start(t)
	ctx := dendritetest.Ctx(t)
	// alice is a moderator (and more); bob and carol are not.
	chair, alice, others, roomID := chairedRoom(t, s, "fedora", "Bob", "Carol")
	bob, carol := others[0], others[1]
	room := dendritetest.Alias("fedora")
	root := t.TempDir()
	cfg := Config{Archive: publish.New(root, meeting.StyleDefault, ""), JournalDir: t.TempDir(),
		Dialect: func(string) meeting.Dialect { return meeting.DialectFedora }}
	var g *matrixGavel
	cfg.Moderator = func(ch, nick, id string) bool { return PowerLevelChairs(g.net, 50)(ch, nick, id) }
	g = startMatrixGavel(t, s, chair, room, cfg)

	say := func(u *dendritetest.User, nick, text string) string {
		t.Helper()
		evID := u.Text(t, roomID, text)
		for _, l := range strings.Split(text, "\n") {
			g.waitSeen(t, nick+" "+l)
		}
		return evID
	}
	chair.Join(t, roomID) // the chair's other device says the chair's lines
	say(chair, "nirik", "!sm fedora dialect")
	g.waitSeen(t, "nirik Meeting started …")
	say(chair, "nirik", "!t mirrors")
	say(bob, "Bob", "!agreed bob is no chair")  // refused
	say(alice, "Alice", "!agreed alice chairs") // power level 100
	// A mention reaches the meeting as the display name: carol is
	// chaired by name (an unknown user ID stays an ID, chaired as such).
	chair.Text(t, roomID, "!chair @carol:localhost @dave:localhost")
	g.waitSeen(t, "nirik !chair Carol @dave:localhost")
	say(carol, "Carol", "!rejected carol chairs by user ID")
	paste := say(bob, "Bob", "!info one\n!idea two\n!info three")
	typo := say(bob, "Bob", "!info the mirorr is down")
	bob.Send(t, roomID, map[string]any{"msgtype": "m.text", "body": "* !info the mirror is down",
		"m.new_content": map[string]any{"msgtype": "m.text", "body": "!info the mirror is down"},
		"m.relates_to":  map[string]any{"rel_type": "m.replace", "event_id": typo}})
	g.waitSeen(t, "nirik Updated item in minutes: INFO by Bob at …")
	if _, err := bob.RedactEvent(ctx, id.RoomID(roomID), id.EventID(paste)); err != nil {
		t.Fatal(err)
	}
	g.waitSeen(t, "nirik Removing item from minutes: INFO by Bob at …")
	say(chair, "nirik", "!em")

	logPath := waitLog(t, root, filepath.Join("fedora_matrix_localhost", "*", "fedora_dialect.*.log.txt"))
	logTxt, _ := os.ReadFile(logPath)
	base := strings.TrimSuffix(logPath, ".log.txt")
	txt, _ := os.ReadFile(base + ".txt")
	for _, want := range []string{"alice chairs", "carol chairs by user ID", "the mirror is down", "mirrors"} {
		if !bytes.Contains(txt, []byte(want)) {
			t.Errorf("minutes lack %q:\n%s", want, txt)
		}
	}
	for _, gone := range []string{"bob is no chair", "one", "two", "three", "mirorr"} {
		if bytes.Contains(txt, []byte("* "+gone)) || bytes.Contains(txt, []byte(" "+gone+" (")) {
			t.Errorf("minutes hold %q:\n%s", gone, txt)
		}
	}
	for _, want := range []string{"-!- Alice is a chair by power level", "Current chairs: @dave:localhost Alice Carol nirik",
		"-!- Bob edited line ", ": !info the mirror is down", "-!- Bob redacted line "} {
		if !bytes.Contains(logTxt, []byte(want)) {
			t.Errorf("log lacks %q:\n%s", want, logTxt)
		}
	}
	if n := bytes.Count(logTxt, []byte("redacted line")); n != 3 {
		t.Errorf("%d redacted lines logged, want 3 (the paste's):\n%s", n, logTxt)
	}
	// The minutes equal the replay of the log gavel wrote.
	sameAsReplay(t, ctx, root, logPath, replay.Options{Channel: room, Dialect: meeting.DialectFedora}, ".txt", ".html", ".log.html", ".log.txt")
}

// TestMatrixLookupAnsweredAsNotice: "!fas" in a room is answered there,
// through the router with the room's prefix and the connection's answer
// lane, as an m.notice.
func TestMatrixLookupAnsweredAsNotice(t *testing.T) {
	s := dendritetest.Start(t)
	chair := s.Register(t, "chair")
	alice := s.Register(t, "alice")
	roomID := alice.CreateRoom(t, "lookups")
	room := dendritetest.Alias("lookups")
	router, err := backend.New(backend.Config{Offline: true, Prefix: "!"})
	if err != nil {
		t.Fatal(err)
	}
	g := startMatrixGavel(t, s, chair, room, Config{Lookups: router,
		Dialect: func(string) meeting.Dialect { return meeting.DialectFedora }})
	_, want, ok := router.ChannelAnswer(dendritetest.Ctx(t), "alice", "!fas nirik")
	if !ok || len(want) == 0 {
		t.Fatal("the router does not answer !fas")
	}
	alice.Text(t, roomID, "!fas nirik")
	g.waitSeen(t, "alice !fas nirik")
	g.waitSeen(t, "chair alice: "+want[0]) // addressed to the asker, as our line
	resp, err := alice.Messages(dendritetest.Ctx(t), id.RoomID(roomID), "", "", 'b', nil, 20)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range resp.Chunk {
		if e.Type == event.EventMessage && string(e.Sender) == chair.UserID {
			if e.Content.Raw["msgtype"] != "m.notice" || !strings.Contains(e.Content.Raw["body"].(string), want[0]) {
				t.Errorf("the answer went out as %v %q, want an m.notice with %q", e.Content.Raw["msgtype"], e.Content.Raw["body"], want[0])
			}
			return
		}
	}
	t.Error("no answer from gavel in the room")
}
