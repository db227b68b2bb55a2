package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gavel/matrixclient/dendritetest"
)

// BenchmarkStartupToRoomsJoined times the real binary, headless on a
// Matrix account with 50 rooms (by alias) on a loopback Dendrite, from its
// exec to all 50 rooms joined and synced: a "joined" line on its stderr
// for every room, and its session file saved anew with a sync position
// (the client saves it once the first sync's events are handed on).
// "first start" is a new account, which logs in and joins the 50 rooms
// (each op registers its account off the clock); "restart" is the same
// account and state directory again: the saved session, the rooms found
// joined, the sync resumed from the saved position.
func BenchmarkStartupToRoomsJoined(b *testing.B) {
	const rooms = 50
	s := dendritetest.Start(b)
	owner := s.Register(b, "owner")
	refs := make([]string, rooms)
	for i := range refs {
		owner.CreateRoom(b, fmt.Sprintf("room%02d", i))
		refs[i] = dendritetest.Alias(fmt.Sprintf("room%02d", i))
	}
	bin := buildGavel(b)
	accounts := 0
	// setup registers an account and writes its config in a directory of
	// its own; it returns the config and the session file's path.
	setup := func(b *testing.B) (config, session string) {
		accounts++
		bot := s.Register(b, fmt.Sprintf("gavelbot%d", accounts))
		dir := b.TempDir()
		pw := filepath.Join(dir, "pw")
		if err := os.WriteFile(pw, []byte(bot.Password), 0o600); err != nil {
			b.Fatal(err)
		}
		config = testConfig{Archive: filepath.Join(dir, "archive"), Journal: filepath.Join(dir, "state", "journal"),
			Matrix: &testMatrix{Homeserver: s.URL, UserID: bot.UserID, PasswordFile: pw, Rooms: refs}}.write(b, dir)
		return config, filepath.Join(dir, "state", "matrix", accountDir(bot.UserID), "session.json")
	}
	b.Run("first start", func(b *testing.B) {
		for range b.N {
			b.StopTimer()
			config, session := setup(b)
			startToSynced(b, bin, config, session, rooms, true)
		}
	})
	b.Run("restart", func(b *testing.B) {
		b.StopTimer()
		config, session := setup(b)
		startToSynced(b, bin, config, session, rooms, false)
		for range b.N {
			startToSynced(b, bin, config, session, rooms, true)
		}
	})
}

// startToSynced starts the binary, with the timer on when timed, and
// stops the timer when it has said "joined" for every room and saved a
// new session with a sync position; then it kills the binary.
func startToSynced(b *testing.B, bin, config, session string, rooms int, timed bool) {
	b.Helper()
	before, _ := os.Stat(session)
	cmd := exec.Command(bin, "--headless", "--config", config)
	cmd.Env = append(os.Environ(), "XDG_STATE_HOME="+filepath.Dir(config))
	stderr, err := cmd.StderrPipe()
	if err != nil {
		b.Fatal(err)
	}
	if timed {
		b.StartTimer()
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() {
		cmd.Process.Kill()
		cmd.Wait()
	}()
	synced := make(chan error, 1)
	stop := make(chan struct{})
	defer close(stop)
	go func() { synced <- waitSaved(session, before, stop) }()
	joined := 0
	var said []string
	sc := bufio.NewScanner(stderr)
	for joined < rooms && sc.Scan() {
		said = append(said, sc.Text())
		if strings.HasPrefix(sc.Text(), "gavel: joined #room") {
			joined++
		}
	}
	if joined < rooms {
		b.Fatalf("joined %d of %d rooms; the binary said:\n%s", joined, rooms, strings.Join(said, "\n"))
	}
	select {
	case err := <-synced:
		b.StopTimer()
		if err != nil {
			b.Fatal(err)
		}
	case <-time.After(time.Minute):
		b.Fatal("no sync within a minute of the last join")
	}
}

// waitSaved polls the session file (every 2 ms, for at most two minutes)
// until it is another file than before (the client writes a new one and
// renames it over the old) and holds a sync position.
func waitSaved(session string, before fs.FileInfo, stop <-chan struct{}) error {
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		select {
		case <-stop:
			return nil
		case <-time.After(2 * time.Millisecond):
		}
		st, err := os.Stat(session)
		if err != nil || before != nil && os.SameFile(before, st) {
			continue
		}
		data, err := os.ReadFile(session)
		if err != nil {
			continue
		}
		var s struct {
			Since string `json:"since"`
		}
		if json.Unmarshal(data, &s) == nil && s.Since != "" {
			return nil
		}
		before = st // the login's session, before the first sync
	}
	return fmt.Errorf("%s was not saved with a sync position", session)
}
