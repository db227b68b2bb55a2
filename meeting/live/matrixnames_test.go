package live

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gavel/matrixclient/dendritetest"
	"gavel/meeting"
	"gavel/meeting/chair"
	"gavel/meeting/publish"
	"gavel/meeting/replay"
)

// TestMatrixNamesCompareExactlyLiveAndReplayed runs a meeting on a real
// homeserver whose members' display names differ only in case ("Alice"
// and "alice"), with a #chair and action owners spelled in other cases:
// the room compares names exactly, so the live minutes (through the
// Matrix adapter and the controller) are byte for byte the replay of the
// log gavel wrote, and neither lets "Alice" chair as "ALICE" or count the
// two members as one.
func TestMatrixNamesCompareExactlyLiveAndReplayed(t *testing.T) {
	s := dendritetest.Start(t)
	chairU := s.Register(t, "chair")
	upper := s.Register(t, "alice")
	lower := s.Register(t, "alice2")
	carol := s.Register(t, "carol")
	ctx := dendritetest.Ctx(t)
	for _, un := range []struct {
		u    *dendritetest.User
		name string
	}{{chairU, "Chair"}, {upper, "Alice"}, {lower, "alice"}, {carol, "Carol"}} {
		if err := un.u.SetDisplayName(ctx, un.name); err != nil {
			t.Fatal(err)
		}
	}
	roomID := chairU.CreateRoom(t, "names")
	for _, u := range []*dendritetest.User{upper, lower, carol} {
		u.Join(t, roomID)
	}
	room := dendritetest.Alias("names")
	root := t.TempDir()
	g := startMatrixGavel(t, s, chairU, room, Config{Archive: publish.New(root, meeting.StyleDefault, ""), JournalDir: t.TempDir()})

	say := func(u *dendritetest.User, nick, text string) {
		t.Helper()
		g.say(t, chairU, u, room, roomID, nick, text)
	}
	say(chairU, "Chair", "#startmeeting names")
	say(chairU, "Chair", "#chair ALICE carol")
	say(upper, "Alice", "#topic by Alice, who is not ALICE")
	say(lower, "alice", "#info from the other alice")
	say(carol, "Carol", "#agreed Carol is not carol")
	say(chairU, "Chair", "#action ALICE fixes the mirror")
	say(chairU, "Chair", "#action alice writes the docs")
	say(chairU, "Chair", "#chair Carol")
	say(carol, "Carol", "#agreed now Carol chairs")
	say(chairU, "Chair", "#endmeeting")

	var logs []string
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) && len(logs) == 0 {
		logs, _ = filepath.Glob(filepath.Join(root, "names_matrix_localhost", "*", "names.*.log.txt"))
		time.Sleep(20 * time.Millisecond)
	}
	if len(logs) != 1 {
		t.Fatalf("published logs: %v", logs)
	}
	base := strings.TrimSuffix(logs[0], ".log.txt")
	txt, err := os.ReadFile(base + ".txt")
	if err != nil {
		t.Fatal(err)
	}
	minutes := string(txt)
	for _, bad := range []string{"by Alice, who is not ALICE", "Carol is not carol"} {
		if strings.Contains(minutes, bad) {
			t.Errorf("the minutes hold %q, an item of a member who was no chair by that exact name:\n%s", bad, minutes)
		}
	}
	// Each action under the member it names to the letter.
	for _, want := range []string{"now Carol chairs", "* Alice (", "* alice (",
		"* ALICE\n  * ALICE fixes the mirror\n* alice\n  * alice writes the docs\n* **UNASSIGNED**"} {
		if !strings.Contains(minutes, want) {
			t.Errorf("the minutes lack %q:\n%s", want, minutes)
		}
	}

	logTxt, err := os.ReadFile(logs[0])
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	if _, err := replay.Reader(ctx, bytes.NewReader(logTxt), filepath.Base(logs[0]), replay.Options{Channel: room, Out: out}); err != nil {
		t.Fatal(err)
	}
	day := filepath.Base(filepath.Dir(logs[0]))
	for _, ext := range []string{".txt", ".html", ".log.html"} {
		live, err := os.ReadFile(base + ext)
		if err != nil {
			t.Fatal(err)
		}
		replayed, err := os.ReadFile(filepath.Join(out, "names_matrix_localhost", day, filepath.Base(base)+ext))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(live, replayed) {
			t.Errorf("%s: the live minutes differ from the replay of the live log:\nlive:\n%s\nreplayed:\n%s", ext, live, replayed)
		}
	}
}

// TestChairToolsCompareNamesAsTheirMeeting: the chair's tools' roster
// compares names as the channel's meeting does (meeting.NickFold): in an
// IRC channel folded as its server folds them, in a Matrix room exactly,
// so that "alice" is not the roster's "Alice" there.
func TestChairToolsCompareNamesAsTheirMeeting(t *testing.T) {
	for _, tc := range []struct{ channel, want string }{
		{"#meet", "vote ended: Ship it? (+1, 0, -1) · quorum 2 met (2 voted) · the whole roster voted"},
		{"#meet:example.org", "vote ended: Ship it? (+0, 0, -0) · quorum 2 NOT met (0 voted) · did not vote: Alice, BOB · not counted (not on the roster): alice, bob"},
	} {
		t.Run(tc.channel, func(t *testing.T) {
			net := &recorder{nick: "chair"}
			c := chairController(t, t.TempDir(), t.TempDir(), t.TempDir(), net, nil)
			settle(t, c, net, online(c))
			j := join(0, "chair")
			j.Channel = tc.channel
			settle(t, c, net, handleIRC(c, j))
			say := func(sec int, nick, text string) []Update {
				m := msg(sec, nick, text)
				m.Target = tc.channel
				return settle(t, c, net, net.feed(c, m))
			}
			say(1, "chair", "#startmeeting roster")
			for _, cmd := range [][2]string{{"voters", "Alice BOB"}, {"quorum", "2"}} {
				ups, err := c.Chair(tc.channel, cmd[0], cmd[1], t0.Add(2*time.Second))
				if err != nil {
					t.Fatalf("/%s: %v", cmd[0], err)
				}
				settle(t, c, net, ups)
			}
			say(3, "chair", "#startvote Ship it? +1, 0, -1")
			say(4, "alice", "#vote +1")
			say(5, "bob", "#vote -1")
			ended := reports(say(6, "chair", "#endvote"), chair.VoteEnded)
			if len(ended) != 1 || ended[0] != tc.want {
				t.Errorf("the vote's end: %q, want %q", ended, tc.want)
			}
		})
	}
}

// TestMatrixRestartRenamesNobody: gavel restarted in the middle of a
// Matrix meeting resumes it under the name the room knows it by; the
// user ID its connection signs in as is no nick of its in the meeting, so
// the log says no nick change of ours ("@chair:localhost is now known as
// nirik").
func TestMatrixRestartRenamesNobody(t *testing.T) {
	s := dendritetest.Start(t)
	chairU := s.Register(t, "chair")
	alice := s.Register(t, "alice")
	ctx := dendritetest.Ctx(t)
	for u, name := range map[*dendritetest.User]string{chairU: "nirik", alice: "Alice"} {
		if err := u.SetDisplayName(ctx, name); err != nil {
			t.Fatal(err)
		}
	}
	roomID := alice.CreateRoom(t, "restart")
	room := dendritetest.Alias("restart")
	root, state, journal := t.TempDir(), t.TempDir(), t.TempDir()
	cfg := func() Config {
		return Config{Archive: publish.New(root, meeting.StyleDefault, ""), JournalDir: journal}
	}
	g := startMatrixGavelIn(t, s, chairU, room, state, cfg())
	alice.Text(t, roomID, "#startmeeting restart")
	g.waitSeen(t, "Alice #startmeeting restart")
	g.waitSeen(t, "nirik Meeting started …")
	g.stop()

	g = startMatrixGavelIn(t, s, chairU, room, state, cfg())
	alice.Text(t, roomID, "#info after the restart")
	alice.Text(t, roomID, "#endmeeting")
	g.waitSeen(t, "Alice #endmeeting")
	var logs []string
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline) && len(logs) == 0; time.Sleep(20 * time.Millisecond) {
		logs, _ = filepath.Glob(filepath.Join(root, "restart_matrix_localhost", "*", "restart.*.log.txt"))
	}
	if len(logs) != 1 {
		t.Fatalf("published logs: %v", logs)
	}
	b, err := os.ReadFile(logs[0])
	if err != nil {
		t.Fatal(err)
	}
	if log := string(b); strings.Contains(log, "known as") || !strings.Contains(log, "<Alice> #info after the restart") {
		t.Errorf("the log after the restart:\n%s", log)
	}
}
