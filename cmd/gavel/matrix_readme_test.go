package main

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"gavel/matrixclient/dendritetest"
)

// The README's "Matrix: setting up" config, as written, is read with every
// key known, the password found where it says and no warning; pointed at a
// Dendrite on this machine (its URL, its server name for example.org and
// an archive in a temporary directory, nothing else), the real binary runs
// a meeting in the room it names, the .log.txt's name column is what the
// README says, and `gavel replay` of that log with the README's --channel
// gives the same minutes.
func TestMatrixREADME(t *testing.T) {
	sec := readmeSection(t, "Matrix: setting up")
	_, block, ok := strings.Cut(sec, "```toml\n")
	block, _, ok2 := strings.Cut(block, "```")
	if !ok || !ok2 {
		t.Fatal("no toml block in the Matrix section")
	}
	for _, key := range []string{"homeserver", "user_id", "password_file", "password_env", "access_token_file", "rooms",
		"dialect", "chair_power_level", `[matrix.room."#alias:server"]`, "state_dir"} {
		if !strings.Contains(sec, "| `"+key+"` |") {
			t.Errorf("the README's table lacks %s", key)
		}
	}
	began := time.Now()
	s := dendritetest.Start(t) // before HOME moves: Dendrite's binaries are cached under it
	home := t.TempDir()
	t.Setenv("HOME", home)
	conf := filepath.Join(home, ".config", "gavel")
	os.MkdirAll(conf, 0o700)
	nirik := s.Register(t, "nirik")
	kevin := s.Register(t, "kevin") // makes the rooms: power 100
	alice := s.Register(t, "alice")
	bob := s.Register(t, "bob")
	ctx := dendritetest.Ctx(t)
	for u, name := range map[*dendritetest.User]string{kevin: "Kevin Fenzi", alice: "Alice", bob: "Bob"} {
		if err := u.SetDisplayName(ctx, name); err != nil {
			t.Fatal(err)
		}
	}
	room := kevin.CreateRoom(t, "fedora-meeting")
	kevin.CreateRoom(t, "fedora-admin")
	alice.Join(t, room)
	bob.Join(t, room)
	os.WriteFile(filepath.Join(conf, "matrix-password"), []byte(nirik.Password+"\n"), 0o600)

	archive := filepath.Join(t.TempDir(), "meetbot")
	local := strings.NewReplacer(
		`"https://matrix.example.org"`, strconv.Quote(s.URL),
		":example.org", ":"+dendritetest.ServerName,
		`"/srv/meetbot"`, strconv.Quote(archive),
	).Replace(block)
	path := filepath.Join(conf, "config.toml")
	if err := os.WriteFile(path, []byte(local), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, _, err := loadConfig(path, true)
	if err != nil {
		t.Fatalf("the README's config: %v", err)
	}
	var warnings []string
	mc, err := cfg.Matrix.clientConfig(defaultStateDir(), func(w string) { warnings = append(warnings, w) })
	if err != nil || len(warnings) > 0 {
		t.Fatalf("the README's [matrix]: %v %q", err, warnings)
	}
	if mc.UserID != nirik.UserID || len(mc.Rooms) != 2 || mc.Rooms[0] != dendritetest.Alias("fedora-meeting") {
		t.Fatalf("the README's [matrix] reads as %+v", mc)
	}

	bin := buildGavel(t)
	rctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	h := runHeadless(t, bin, []string{"HOME=" + home, "XDG_CONFIG_HOME=", "XDG_STATE_HOME="})
	h.next(t, rctx, "gavel: connected to "+s.URL+" as "+nirik.UserID)
	started := time.Now()
	for count(h.all, "gavel: joined #fedora-") < 2 { // both rooms, in either order
		h.next(t, rctx, "gavel: joined #fedora-")
	}
	t.Logf("start-up to both rooms joined: %v (the test %v in)", time.Since(started).Round(time.Millisecond), time.Since(began).Round(time.Millisecond))
	// The room's own dialect is Fedora's: Alice starts the meeting and
	// chairs it; Kevin chairs by his power level, Bob (power 0) does not.
	alice.Text(t, room, "!startmeeting Infrastructure")
	h.next(t, rctx, "gavel: meeting started in #fedora-meeting:localhost")
	kevin.Text(t, room, "!topic Builders")
	bob.Text(t, room, "!topic Bob's own topic")
	kevin.Text(t, room, "!info the new builders are up")
	kevin.Text(t, room, "#info is no command in this room")
	alice.Text(t, room, "!endmeeting")
	h.next(t, rctx, "gavel: meeting ended in #fedora-meeting:localhost")
	for count(h.all, "gavel: published ") < 6 {
		h.next(t, rctx, "gavel: published ")
	}
	h.cmd.Process.Signal(syscall.SIGTERM)
	h.wait(t, rctx)
	// The session is kept where the README says.
	if _, err := os.Stat(filepath.Join(home, ".local", "state", "gavel", "matrix", "nirik_localhost", "session.json")); err != nil {
		t.Errorf("the session: %v", err)
	}

	logs, _ := filepath.Glob(filepath.Join(archive, "*", "*", "*.log.txt"))
	if len(logs) != 1 {
		t.Fatalf("logs: %v", logs)
	}
	log, _ := os.ReadFile(logs[0])
	t.Logf("%s:\n%s", logs[0], log)
	if !strings.Contains(string(log), "<Kevin_Fenzi> !info the new builders are up") {
		t.Errorf("the log's name column is not the README's:\n%s", log)
	}
	minutes, _ := os.ReadFile(strings.TrimSuffix(logs[0], ".log.txt") + ".txt")
	for _, want := range []string{"Builders", "the new builders are up"} {
		if !strings.Contains(string(minutes), want) {
			t.Errorf("the minutes lack %q:\n%s", want, minutes)
		}
	}
	for _, not := range []string{"Bob's own topic", "* is no command"} {
		if strings.Contains(string(minutes), not) {
			t.Errorf("the minutes have %q:\n%s", not, minutes)
		}
	}
	out := t.TempDir()
	// The README's replay flags, with the room's server name as above.
	code, stdout, stderr := gavel(t, nil, "replay", "--channel", "#fedora-meeting:localhost", "--dialect", "fedora", "--url-prefix", "https://meetbot.example.org/", logs[0], "--out", out)
	if code != 0 {
		t.Fatalf("replay: %d\n%s\n%s", code, stdout, stderr)
	}
	live, _ := os.ReadFile(strings.TrimSuffix(logs[0], ".log.txt") + ".txt")
	rel, _ := filepath.Rel(archive, strings.TrimSuffix(logs[0], ".log.txt")+".txt")
	replayed, err := os.ReadFile(filepath.Join(out, rel))
	if err != nil {
		all, _ := filepath.Glob(filepath.Join(out, "*", "*", "*"))
		t.Fatalf("replay wrote %v: %v", all, err)
	}
	if string(live) != string(replayed) {
		t.Errorf("the replay's minutes differ from the live ones:\n%s\n---\n%s", live, replayed)
	}
}
