package live

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"gavel/matrixclient"
	"gavel/matrixclient/dendritetest"
	"gavel/meeting"
	"gavel/meeting/publish"
)

// TestMain lets the test binary be gavel on Matrix in a child process
// (GAVEL_MATRIX_CHILD=1), so that a test can kill it with SIGKILL.
func TestMain(m *testing.M) {
	if os.Getenv("GAVEL_MATRIX_CHILD") == "1" {
		os.Exit(matrixChild())
	}
	os.Exit(m.Run())
}

// matrixChild runs the client, the adapter and the controller (journal
// and archive) from the environment and prints "joined" and "seen <nick>
// <text>" for each line once its batch is handled (journalled), until it
// is killed.
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
	net := NewMatrix(client, cancel)
	ctrl, err := New(Config{Network: net, Archive: publish.New(env("ARCHIVE"), meeting.StyleDefault, ""), JournalDir: env("JOURNAL")})
	if err != nil {
		fmt.Println("error", err)
		return 1
	}
	out := bufio.NewWriter(os.Stdout)
	for {
		batch, open := net.Next(ctx, 256)
		for _, up := range ctrl.HandleBatch(batch) {
			if up.Kind == UpdateResumed || up.Kind == UpdatePublished {
				fmt.Fprintf(out, "update %d %s\n", up.Kind, strings.ReplaceAll(up.Text, "\n", " "))
			}
		}
		for _, ev := range batch {
			switch ev := ev.(type) {
			case Join:
				if ev.From.Self {
					fmt.Fprintln(out, "joined")
				}
			case Message:
				if !ev.History {
					fmt.Fprintf(out, "seen %s %s\n", ev.From.Nick, ev.Text)
				}
			}
		}
		out.Flush()
		if !open {
			return 0
		}
	}
}

// child is gavel in a child process.
type child struct {
	cmd   *exec.Cmd
	lines chan string
}

func startChild(t *testing.T, env []string) *child {
	t.Helper()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), append(env, "GAVEL_MATRIX_CHILD=1")...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c := &child{cmd: cmd, lines: make(chan string, 1<<12)}
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			c.lines <- sc.Text()
		}
		close(c.lines)
	}()
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	c.wait(t, "joined")
	return c
}

func (c *child) wait(t *testing.T, want string) {
	t.Helper()
	deadline := time.After(20 * time.Second)
	for {
		select {
		case l, ok := <-c.lines:
			if !ok {
				t.Fatalf("gavel exited before %q", want)
			}
			if l == want {
				return
			}
		case <-deadline:
			t.Fatalf("gavel never printed %q", want)
		}
	}
}

// TestMatrixMeetingSurvivesKill kills gavel (SIGKILL) in the middle of a
// meeting, has lines said while it is down, and restarts it: the meeting
// resumes from its journal, the missed lines arrive from the homeserver in
// order, and the minutes hold every line once.
func TestMatrixMeetingSurvivesKill(t *testing.T) {
	s := dendritetest.Start(t)
	chair := s.Register(t, "chair")
	alice := s.Register(t, "alice")
	bob := s.Register(t, "bob")
	ctx := dendritetest.Ctx(t)
	for u, name := range map[*dendritetest.User]string{chair: "nirik", alice: "Alice", bob: "Bob"} {
		if err := u.SetDisplayName(ctx, name); err != nil {
			t.Fatal(err)
		}
	}
	roomID := alice.CreateRoom(t, "crashroom")
	bob.Join(t, roomID)
	pl := map[string]any{"users": map[string]any{alice.UserID: 100, chair.UserID: 50}}
	if _, err := alice.SendStateEvent(ctx, id.RoomID(roomID), event.StatePowerLevels, "", pl); err != nil {
		t.Fatal(err)
	}
	chair.Join(t, roomID) // the chair's other device (as Element would be) says the chair's lines
	pw := filepath.Join(t.TempDir(), "pw")
	if err := os.WriteFile(pw, []byte(chair.Password), 0o600); err != nil {
		t.Fatal(err)
	}
	archive := t.TempDir()
	env := []string{"HS=" + s.URL, "USER_ID=" + chair.UserID, "PWFILE=" + pw, "ROOM=" + dendritetest.Alias("crashroom"),
		"STATE=" + t.TempDir(), "JOURNAL=" + t.TempDir(), "ARCHIVE=" + archive}

	g := startChild(t, env)
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
	if err := g.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	g.cmd.Wait()

	say(nil, alice, "Alice", "#info said while gavel was down")
	say(nil, bob, "Bob", "#idea also while down\n#info and a second line")

	g = startChild(t, env)
	g.wait(t, "seen Alice #info said while gavel was down")
	g.wait(t, "seen Bob #idea also while down")
	g.wait(t, "seen Bob #info and a second line")
	say(g, alice, "Alice", "#info after the restart")
	say(g, chair, "nirik", "#endmeeting")

	var logs []string
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) && len(logs) == 0 {
		logs, _ = filepath.Glob(filepath.Join(archive, "crashroom_matrix_localhost", "*", "crash_test.*.log.txt"))
		time.Sleep(20 * time.Millisecond)
	}
	if len(logs) != 1 {
		t.Fatalf("published logs: %v", logs)
	}
	b, _ := os.ReadFile(logs[0])
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
