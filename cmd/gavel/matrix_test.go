package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gavel/meeting"
)

// TestMatrixTable reads [matrix] tables: the password from a file (warned
// when others can read it, never said), from the environment, or a token;
// the session's default directory; and each mistake as one error.
func TestMatrixTable(t *testing.T) {
	dir := t.TempDir()
	private := filepath.Join(dir, "private")
	open := filepath.Join(dir, "open")
	os.WriteFile(private, []byte("hunter2\n"), 0o600)
	os.WriteFile(open, []byte("hunter2\n"), 0o644)
	t.Setenv("GAVEL_TEST_MATRIX_PASSWORD", "hunter2")
	head := "[matrix]\nhomeserver = \"https://matrix.example.org\"\nuser_id = \"@nirik:example.org\"\nrooms = [\"#meet:example.org\", \"!AbCd:example.org\"]\n"
	for _, c := range []struct {
		subject  string
		table    string
		err      string // "" when it is good
		warn     string
		stateDir string
	}{
		{subject: "password file", table: head + "password_file = " + q(private), stateDir: filepath.Join(dir, "state", "matrix", "nirik_example.org")},
		{subject: "password file others can read", table: head + "password_file = " + q(open), warn: "can be read by other users (mode 0644): chmod 600 " + open},
		{subject: "password from the environment", table: head + "password_env = \"GAVEL_TEST_MATRIX_PASSWORD\""},
		{subject: "access token", table: head + "access_token_file = " + q(private)},
		{subject: "own state directory", table: head + "password_file = " + q(private) + "\nstate_dir = " + q(filepath.Join(dir, "mx")), stateDir: filepath.Join(dir, "mx")},
		{subject: "empty environment variable", table: head + "password_env = \"GAVEL_TEST_MATRIX_UNSET\"", err: "GAVEL_TEST_MATRIX_UNSET is empty or unset"},
		{subject: "no password", table: head, err: "no password file, password environment variable or access token file"},
		{subject: "password and token", table: head + "password_file = " + q(private) + "\naccess_token_file = " + q(private), err: "not both"},
		{subject: "file and environment", table: head + "password_file = " + q(private) + "\npassword_env = \"GAVEL_TEST_MATRIX_PASSWORD\"", err: "password_file or password_env, not both"},
		{subject: "missing password file", table: head + "password_file = " + q(filepath.Join(dir, "nope")), err: "password file: stat"},
		{subject: "no URL", table: strings.Replace(head, "https://matrix.example.org", "matrix.example.org", 1) + "password_file = " + q(private), err: "is no http(s) URL"},
		{subject: "bad user ID", table: strings.Replace(head, "@nirik:example.org", "nirik", 1) + "password_file = " + q(private), err: "user ID"},
		{subject: "unknown dialect", table: head + "password_file = " + q(private) + "\ndialect = \"zulip\"", err: `dialect "zulip": want meetbot or fedora`},
		{subject: "unknown room dialect", table: head + "password_file = " + q(private) + "\n[matrix.room.\"#meet:example.org\"]\ndialect = \"x\"", err: `room #meet:example.org: dialect "x"`},
		{subject: "room setting for no room", table: head + "password_file = " + q(private) + "\n[matrix.room.\"meet\"]\ndialect = \"fedora\"", err: `a room is`},
		{subject: "negative chair power", table: head + "password_file = " + q(private) + "\nchair_power_level = -1", err: "below 0"},
		{subject: "bad room", table: strings.Replace(head, "#meet:example.org", "#meet", 1) + "password_file = " + q(private), err: "neither #alias:server nor !roomid"},
	} {
		t.Run(c.subject, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "config.toml")
			os.WriteFile(path, []byte(c.table+"\n"), 0o600)
			cfg, _, err := loadConfig(path, true)
			if err != nil {
				t.Fatal(err)
			}
			if !cfg.Matrix.enabled() {
				t.Fatal("not enabled")
			}
			var warnings []string
			mc, err := cfg.Matrix.clientConfig(filepath.Join(dir, "state"), func(w string) { warnings = append(warnings, w) })
			switch {
			case c.err == "" && err != nil:
				t.Fatalf("error %v", err)
			case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
				t.Fatalf("error %v, want %q", err, c.err)
			}
			if c.err != "" {
				return
			}
			if got := strings.Join(warnings, "\n"); c.warn == "" && got != "" || c.warn != "" && !strings.Contains(got, c.warn) {
				t.Errorf("warnings %q, want %q", warnings, c.warn)
			}
			if strings.Contains(strings.Join(warnings, ""), "hunter2") {
				t.Error("a warning says the password")
			}
			if c.stateDir != "" && mc.StateDir != c.stateDir {
				t.Errorf("state dir %q, want %q", mc.StateDir, c.stateDir)
			}
			if len(mc.Rooms) != 2 || mc.UserID != "@nirik:example.org" {
				t.Errorf("read as %+v", mc)
			}
		})
	}
}

// TestMatrixTableUnknownKey: a key the table does not have is an error
// naming it (a typo never silently drops a setting).
func TestMatrixTableUnknownKey(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.toml")
	os.WriteFile(path, []byte("[matrix]\nhomeserver = \"https://m.example.org\"\npasword_file = \"x\"\n"), 0o600)
	if _, _, err := loadConfig(path, true); err == nil || !strings.Contains(err.Error(), "matrix.pasword_file") {
		t.Errorf("error %v", err)
	}
}

// TestMatrixAloneIsNoDemo: a config with a [matrix] table and no IRC
// server runs live (no demo); with neither, the demo.
func TestMatrixAloneIsNoDemo(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config.toml")
	os.WriteFile(path, []byte("[matrix]\nhomeserver = \"https://m.example.org\"\nuser_id = \"@a:m.example.org\"\npassword_env = \"GAVEL_TEST_MATRIX_UNSET\"\n"), 0o600)
	code, _, stderr := gavel(t, nil, "--headless", "--config", path)
	if code != 2 || !strings.Contains(stderr, "gavel: matrix: environment variable GAVEL_TEST_MATRIX_UNSET is empty or unset") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}

func q(s string) string { return `"` + s + `"` }

// TestMatrixDialects: a room's own dialect, else the table's, else
// MeetBot's; IRC channels are always MeetBot's.
func TestMatrixDialects(t *testing.T) {
	m := matrixConfig{Dialect: "fedora", Room: map[string]matrixRoomConfig{
		"#meetbot:example.org": {Dialect: "meetbot"}, "#plain:example.org": {}}}
	d, err := m.dialects()
	if err != nil {
		t.Fatal(err)
	}
	for channel, want := range map[string]meeting.Dialect{
		"#meetbot:example.org": meeting.DialectMeetBot,
		"#plain:example.org":   meeting.DialectFedora,
		"#other:example.org":   meeting.DialectFedora,
		"!AbCd:example.org":    meeting.DialectFedora,
		"#fedora-meeting":      meeting.DialectMeetBot, // IRC
	} {
		if got := d(channel); got != want {
			t.Errorf("%s: %v, want %v", channel, got, want)
		}
	}
	d, _ = matrixConfig{}.dialects()
	if d("#meet:example.org") != meeting.DialectMeetBot {
		t.Error("the default dialect is not MeetBot's")
	}
}
