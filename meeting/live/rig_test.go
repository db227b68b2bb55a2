package live

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"gavel/ircclient/ircdtest"
	"gavel/matrixclient/dendritetest"
	"gavel/meeting"
	"gavel/meeting/publish"
	"gavel/meeting/replay"
)

// The rig the tests of a meeting on a real server share: people in the
// channel or room, the published log, and the replay it must equal.

// gavelbotIn starts gavel as gavelbot in #meet on the server at port, its
// archive in root and its journal in jdir; each call is a new process's
// (nothing held in memory but what is on disk).
func gavelbotIn(t *testing.T, ctx context.Context, port int, root, jdir string) *gavelRun {
	t.Helper()
	return startGavel(t, ctx, gavelConfig(port, "", "gavelbot", "#meet"),
		Config{Archive: publish.New(root, meeting.StyleDefault, ""), JournalDir: jdir})
}

// saidAndSeen has c say each of lines in #meet and waits until g has
// handled it.
func saidAndSeen(t *testing.T, ctx context.Context, c *ircdtest.LineClient, g *gavelRun, lines ...string) {
	t.Helper()
	for _, l := range lines {
		must(t, c.Send("PRIVMSG #meet :"+l))
		waitSeen(t, ctx, g.seen, c.Nick+" "+l)
	}
}

// oldMeetingInHistory starts InspIRCd with chanhistory, where alice has
// #meet keep its last lines (+H) and holds a whole meeting, "long ago",
// before gavel comes.
func oldMeetingInHistory(t *testing.T, ctx context.Context) (*ircdtest.Server, *ircdtest.LineClient) {
	t.Helper()
	srv := ircdtest.StartInspIRCd(t, ircdtest.Options{ChanHistory: true})
	alice := ircdtest.Joined(t, ctx, srv.Addr(), "alice", "#meet")
	must(t, alice.Send("MODE #meet +H 50:1d"))
	sayAll(t, alice, "#meet", "#startmeeting long ago", "#info old", "#endmeeting")
	return srv, alice
}

// sayAll has c say lines in channel and returns once the server has
// handled them (a PING after them is answered).
func sayAll(t *testing.T, c *ircdtest.LineClient, channel string, lines ...string) {
	t.Helper()
	for _, l := range lines {
		must(t, c.Send("PRIVMSG "+channel+" :"+l))
	}
	must(t, c.Send("PING :stored"))
	c.WaitFor(func(l string) bool { return strings.Contains(l, "PONG") && strings.Contains(l, "stored") })
}

// noGapAnnounced fails if any line the channel saw announces a gap.
func noGapAnnounced(t *testing.T, said []string) {
	t.Helper()
	for _, l := range said {
		if strings.Contains(l, "gavel was away") {
			t.Errorf("a filled gap was announced: %q", l)
		}
	}
}

// chairedRoom registers the chair (shown as nirik), alice (Alice) and one
// user for each of others (a display name; the user is its first word in
// lower case) on s; alice creates the room name, the others join it, and
// alice gives the chair power 50 (it may set the topic) and herself 100.
func chairedRoom(t *testing.T, s *dendritetest.Server, name string, others ...string) (chair, alice *dendritetest.User, users []*dendritetest.User, roomID string) {
	t.Helper()
	ctx := dendritetest.Ctx(t)
	chair, alice = s.Register(t, "chair"), s.Register(t, "alice")
	names := map[*dendritetest.User]string{chair: "nirik", alice: "Alice"}
	for _, o := range others {
		u := s.Register(t, strings.ToLower(strings.Fields(o)[0]))
		names[u] = o
		users = append(users, u)
	}
	for u, name := range names {
		if err := u.SetDisplayName(ctx, name); err != nil {
			t.Fatal(err)
		}
	}
	roomID = alice.CreateRoom(t, name)
	for _, u := range users {
		u.Join(t, roomID)
	}
	pl := map[string]any{"users": map[string]any{alice.UserID: 100, chair.UserID: 50}}
	if _, err := alice.SendStateEvent(ctx, id.RoomID(roomID), event.StatePowerLevels, "", pl); err != nil {
		t.Fatal(err)
	}
	return chair, alice, users, roomID
}

// waitLog waits for the one published .log.txt matching pattern under root.
func waitLog(t *testing.T, root, pattern string) string {
	t.Helper()
	var logs []string
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) && len(logs) == 0 {
		logs, _ = filepath.Glob(filepath.Join(root, pattern))
		time.Sleep(20 * time.Millisecond)
	}
	if len(logs) != 1 {
		t.Fatalf("published logs: %v", logs)
	}
	return logs[0]
}

// sameAsReplay replays the published log logPath (under the archive
// root) with opts and fails unless each of the files exts of the live
// meeting equals the replay's.
func sameAsReplay(t *testing.T, ctx context.Context, root, logPath string, opts replay.Options, exts ...string) {
	t.Helper()
	logTxt, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	opts.Out = t.TempDir()
	if _, err := replay.Reader(ctx, bytes.NewReader(logTxt), filepath.Base(logPath), opts); err != nil {
		t.Fatal(err)
	}
	rel, err := filepath.Rel(root, strings.TrimSuffix(logPath, ".log.txt"))
	if err != nil {
		t.Fatal(err)
	}
	for _, ext := range exts {
		live, err := os.ReadFile(filepath.Join(root, rel+ext))
		if err != nil {
			t.Fatal(err)
		}
		replayed, err := os.ReadFile(filepath.Join(opts.Out, rel+ext))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(live, replayed) {
			t.Errorf("%s: live minutes differ from the replay of the live log:\n%s\n----\n%s", ext, live, replayed)
		}
	}
}
