package live

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gavel/matrixclient"
	"gavel/matrixclient/dendritetest"
)

// matrixChild runs gavel on Matrix (client, adapter, controller with
// journal and archive) from the environment, printing the live lines it
// handles (runChild), until it is killed.
func matrixChild() int {
	env := os.Getenv
	client, err := matrixclient.New(matrixclient.Config{Homeserver: env("HS"), UserID: env("USER_ID"), PasswordFile: env("PWFILE"),
		Rooms: []string{env("ROOM")}, StateDir: env("STATE"), SyncTimeout: 5 * time.Second,
		MinBackoff: 50 * time.Millisecond, MaxBackoff: time.Second}, nil)
	if err != nil {
		fmt.Println("error", err)
		return 1
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go client.Run(ctx)
	return runChild(ctx, NewMatrix(client, cancel), false)
}

// TestMatrixMeetingSurvivesKill kills gavel (SIGKILL) in the middle of a
// meeting, has lines said while it is down, and restarts it: the meeting
// resumes from its journal, the missed lines arrive from the homeserver in
// order, and the minutes hold every line once.
func TestMatrixMeetingSurvivesKill(t *testing.T) {
	s := dendritetest.Start(t)
	chair, alice, others, roomID := chairedRoom(t, s, "crashroom", "Bob")
	bob := others[0]
	chair.Join(t, roomID) // the chair's other device (as Element would be) says the chair's lines
	pw := filepath.Join(t.TempDir(), "pw")
	if err := os.WriteFile(pw, []byte(chair.Password), 0o600); err != nil {
		t.Fatal(err)
	}
	archive := t.TempDir()
	env := []string{"HS=" + s.URL, "USER_ID=" + chair.UserID, "PWFILE=" + pw, "ROOM=" + dendritetest.Alias("crashroom"),
		"STATE=" + t.TempDir(), "JOURNAL=" + t.TempDir(), "ARCHIVE=" + archive}

	g := startChild(t, "matrix", env)
	say := func(g *child, u *dendritetest.User, nick, text string) {
		t.Helper()
		u.Text(t, roomID, text)
		if g != nil {
			for _, l := range strings.Split(text, "\n") {
				g.wait(t, "seen "+nick+" "+l)
			}
		}
	}
	say(g, chair, "nirik", "#startmeeting crash test")
	say(g, alice, "Alice", "#topic before the crash")
	say(g, bob, "Bob", "#info one")
	// Journalled (the child prints a line only after its batch is synced);
	// now it dies without a chance to save anything more.
	g.kill(t)

	say(nil, alice, "Alice", "#info said while gavel was down")
	say(nil, bob, "Bob", "#idea also while down\n#info and a second line")

	g = startChild(t, "matrix", env)
	g.wait(t, "seen Alice #info said while gavel was down")
	g.wait(t, "seen Bob #idea also while down")
	g.wait(t, "seen Bob #info and a second line")
	say(g, alice, "Alice", "#info after the restart")
	say(g, chair, "nirik", "#endmeeting")

	b, _ := os.ReadFile(waitLog(t, archive, "crashroom_matrix_localhost/*/crash_test.*.log.txt"))
	log := string(b)
	pos := 0
	for _, want := range []string{
		"<nirik> #startmeeting crash test",
		"<Alice> #topic before the crash",
		"<Bob> #info one",
		"<Alice> #info said while gavel was down",
		"<Bob> #idea also while down",
		"<Bob> #info and a second line",
		"<Alice> #info after the restart",
		"<nirik> #endmeeting",
	} {
		if n := strings.Count(log, want); n != 1 {
			t.Errorf("log has %q %d times, want once:\n%s", want, n, log)
			continue
		}
		i := strings.Index(log, want)
		if i < pos {
			t.Errorf("log has %q out of order:\n%s", want, log)
		}
		pos = i
	}
	if strings.Contains(log, "not in the minutes") {
		t.Errorf("the controller said lines were missing, though the homeserver gave them all back:\n%s", log)
	}
}
