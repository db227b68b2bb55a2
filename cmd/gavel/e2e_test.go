package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"gavel/ircclient/ircdtest"
)

// buildGavel builds the real binary once per test.
func buildGavel(t testing.TB) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "gavel")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// TestSIGKILLMidMeeting kills the headless binary with SIGKILL in the
// middle of a meeting on a real server, starts it again, and checks that
// the meeting resumes with nothing said before the crash lost, the time
// away marked in the channel, and the minutes published at #endmeeting.
func TestSIGKILLMidMeeting(t *testing.T) {
	srv := ircdtest.StartInspIRCd(t, ircdtest.Options{})
	bin := buildGavel(t)
	dir := t.TempDir()
	archive := filepath.Join(dir, "archive")
	config := testConfig{Port: srv.Port, Nick: "gavelbot", Archive: archive, Journal: filepath.Join(dir, "journal"),
		URLPrefix: "https://m.example/"}.write(t, dir)

	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	alice := ircdtest.Joined(t, ctx, srv.Addr(), "alice", "#meet")
	say := func(text string) { alice.Send("PRIVMSG #meet :" + text) }
	joined := func() { alice.Expect(t, ":gavelbot!") } // gavelbot's JOIN

	// Each start with a state directory of its own: the journal is the
	// config's.
	start := func() *headless {
		return runHeadless(t, bin, []string{"XDG_STATE_HOME=" + t.TempDir()}, "--config", config, "--log", filepath.Join(dir, "gavel.log"))
	}
	gavel := start()
	joined()
	say("#startmeeting Kill test")
	alice.Expect(t, "The meeting name has been set to 'kill_test'")
	say("#topic Before the crash")
	say("#info said before the crash")
	say("#action alice to survive")
	say("#commands") // its reply shows the lines above were handled
	alice.Expect(t, "Available commands:")

	gavel.cmd.Process.Signal(syscall.SIGKILL)
	gavel.wait(t, ctx)
	alice.Expect(t, " QUIT ")
	say("#info said while gavel was away")

	start()
	joined()
	say("#info said after the restart")
	alice.Expect(t, "gavel was away from")
	// The killed process's partial logs are gone; the new one's remain.
	if partials, _ := filepath.Glob(filepath.Join(archive, "meet", "*", ".*.partial-*")); len(partials) != 2 {
		t.Errorf("partial logs after the restart: %v", partials)
	}
	say("#endmeeting")
	alice.Expect(t, "Minutes:        https://m.example/meet/")

	logs, _ := filepath.Glob(filepath.Join(archive, "meet", "*", "kill_test.*.log.txt"))
	if len(logs) != 1 {
		t.Fatalf("published logs under %s: %v", archive, logs)
	}
	log, _ := os.ReadFile(logs[0])
	for _, want := range []string{"#topic Before the crash", "said before the crash", "#action alice to survive",
		"said after the restart", "gavel was away from", "#endmeeting"} {
		if !strings.Contains(string(log), want) {
			t.Errorf("final log lacks %q:\n%s", want, log)
		}
	}
	if strings.Contains(string(log), "said while gavel was away") {
		t.Errorf("a line said while gavel was away is in the log, yet gavel could not have seen it")
	}
	minutes, _ := os.ReadFile(strings.TrimSuffix(logs[0], ".log.txt") + ".txt")
	for _, want := range []string{"Before the crash", "said before the crash", "alice to survive", "said after the restart"} {
		if !strings.Contains(string(minutes), want) {
			t.Errorf("minutes lack %q:\n%s", want, minutes)
		}
	}
}

// testConfig is what the end-to-end tests put in gavel's config file:
// a plain-text server on loopback, pacing off (the test servers allow it),
// lookups from the snapshot unless Online.
type testConfig struct {
	Port             int
	Nick             string
	Archive, Journal string
	URLPrefix        string
	Online           bool
	// Channels are joined at start (nil: #meet); Agendas are their
	// [channel."#name"] agenda keys, by channel.
	Channels []string
	Agendas  map[string]string
	// Matrix is the [matrix] table (nil: none); with Port 0 gavel is on
	// Matrix alone.
	Matrix *testMatrix
	// Keys are more top-level keys, as TOML; Tables are more tables
	// ([bus], [dispatch.email], ...).
	Keys, Tables string
}

// testMatrix is the [matrix] table of a test's config: the account on a
// test homeserver and the rooms to join.
type testMatrix struct {
	Homeserver, UserID, PasswordFile string
	Rooms                            []string
}

// write writes the config file into dir and returns its path.
func (c testConfig) write(t testing.TB, dir string) string {
	t.Helper()
	var b strings.Builder
	channels := c.Channels
	if channels == nil {
		channels = []string{"#meet"}
	}
	quoted := make([]string, len(channels))
	for i, ch := range channels {
		quoted[i] = strconv.Quote(ch)
	}
	if c.Port != 0 {
		fmt.Fprintf(&b, "server = \"127.0.0.1\"\nport = %d\ntls = false\nnick = %q\nchannels = [%s]\n", c.Port, c.Nick, strings.Join(quoted, ", "))
	}
	fmt.Fprintf(&b, "archive = %q\n", c.Archive)
	if c.Journal != "" {
		fmt.Fprintf(&b, "journal_dir = %q\n", c.Journal)
	}
	if c.URLPrefix != "" {
		fmt.Fprintf(&b, "url_prefix = %q\n", c.URLPrefix)
	}
	b.WriteString("send_burst = 100\nsend_rate = 100\n")
	if !c.Online {
		b.WriteString("offline = true\n")
	}
	b.WriteString(c.Keys)
	for _, ch := range channels { // tables come after the top-level keys
		if a, ok := c.Agendas[ch]; ok {
			fmt.Fprintf(&b, "\n[channel.%q]\nagenda = %q\n", ch, a)
		}
	}
	if m := c.Matrix; m != nil {
		rooms := make([]string, len(m.Rooms))
		for i, r := range m.Rooms {
			rooms[i] = strconv.Quote(r)
		}
		fmt.Fprintf(&b, "\n[matrix]\nhomeserver = %q\nuser_id = %q\npassword_file = %q\nrooms = [%s]\n",
			m.Homeserver, m.UserID, m.PasswordFile, strings.Join(rooms, ", "))
	}
	if c.Tables != "" {
		b.WriteString("\n" + c.Tables)
	}
	path := filepath.Join(dir, "config.toml")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}
