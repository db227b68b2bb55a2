package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"gavel/ircclient/ircdtest"
)

// headless is `gavel --headless` with its stderr read line by line.
type headless struct {
	cmd   *exec.Cmd
	lines chan string
	all   []string // every line read so far
	exit  chan error
}

func runHeadless(t *testing.T, bin string, env []string, args ...string) *headless {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"--headless"}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	pipe, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	h := &headless{cmd: cmd, lines: make(chan string, 1024), exit: make(chan error, 1)}
	go func() {
		sc := bufio.NewScanner(pipe)
		for sc.Scan() {
			h.lines <- sc.Text()
		}
		close(h.lines)
		h.exit <- cmd.Wait()
	}()
	t.Cleanup(func() { cmd.Process.Kill(); <-h.exit })
	return h
}

// next reads stderr up to a line containing want.
func (h *headless) next(t *testing.T, ctx context.Context, want string) string {
	t.Helper()
	for {
		select {
		case l, ok := <-h.lines:
			if !ok {
				t.Fatalf("gavel exited before saying %q; it said:\n%s", want, strings.Join(h.all, "\n"))
			}
			h.all = append(h.all, l)
			if strings.Contains(l, want) {
				return l
			}
		case <-ctx.Done():
			t.Fatalf("gavel never said %q; it said:\n%s", want, strings.Join(h.all, "\n"))
		}
	}
}

// nextN reads stderr until n of the lines read so far contain want (in
// any order with other lines).
func (h *headless) nextN(t *testing.T, ctx context.Context, want string, n int) {
	t.Helper()
	for count(h.all, want) < n {
		h.next(t, ctx, want)
	}
}

// term ends gavel with SIGTERM and returns its exit status, once it has
// said all it had to.
func (h *headless) term(t *testing.T, ctx context.Context) int {
	t.Helper()
	h.cmd.Process.Signal(syscall.SIGTERM)
	return h.wait(t, ctx)
}

// wait reads stderr to the end and returns the exit status.
func (h *headless) wait(t *testing.T, ctx context.Context) int {
	t.Helper()
	for l := range h.lines {
		h.all = append(h.all, l)
	}
	select {
	case err := <-h.exit:
		h.exit <- err // for the cleanup
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode()
		}
		if err != nil {
			t.Fatal(err)
		}
		return 0
	case <-ctx.Done():
		t.Fatalf("gavel did not exit; it said:\n%s", strings.Join(h.all, "\n"))
	}
	return -1
}

func count(lines []string, sub string) int {
	n := 0
	for _, l := range lines {
		if strings.Contains(l, sub) {
			n++
		}
	}
	return n
}

// TestHeadlessSaysWhatHappens: a headless run on a real
// server says on stderr, one line each, that it connected and joined,
// that a meeting started and ended, every file published (path and URL),
// every error (the topic it may not set, a journal it cannot write), and
// when the journal has caught up.
func TestHeadlessSaysWhatHappens(t *testing.T) {
	t.Parallel()
	srv := ircdtest.StartInspIRCd(t, ircdtest.Options{})
	bin := buildGavel(t)
	dir := t.TempDir()
	archive := filepath.Join(dir, "archive")
	// The journal's directory cannot be made: a file stands in its way.
	blocker := filepath.Join(dir, "state")
	os.WriteFile(blocker, []byte("not a directory"), 0o644)
	config := testConfig{Port: srv.Port, Nick: "gavelbot", Archive: archive, Journal: filepath.Join(blocker, "journal"),
		URLPrefix: "https://m.example/"}.write(t, dir)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	// alice makes the channel first: gavel is no operator there.
	alice := ircdtest.Joined(t, ctx, srv.Addr(), "alice", "#meet")

	h := runHeadless(t, bin, []string{"XDG_STATE_HOME=" + dir}, "--config", config)
	h.next(t, ctx, "gavel: connected to 127.0.0.1:"+fmt.Sprint(srv.Port)+" as gavelbot")
	h.next(t, ctx, "gavel: joined #meet")
	alice.Send("PRIVMSG #meet :#startmeeting Reported")
	// The journal is synced before the meeting's effects: its error first.
	if l := h.next(t, ctx, "NOT crash-safe"); !strings.HasPrefix(l, "gavel: error") || !strings.Contains(l, "not a directory") {
		t.Errorf("journal error line: %q", l)
	}
	h.next(t, ctx, "gavel: meeting started in #meet: reported")
	alice.Send("PRIVMSG #meet :#topic Something")
	if l := h.next(t, ctx, "cannot set the topic of #meet"); !strings.HasPrefix(l, "gavel: error") {
		t.Errorf("topic error line: %q", l)
	}
	// The disk is mended: within a clock tick the journal catches up.
	os.Remove(blocker)
	os.Mkdir(blocker, 0o700)
	h.next(t, ctx, "has caught up: the meeting is crash-safe again")
	alice.Send("PRIVMSG #meet :#endmeeting")
	h.next(t, ctx, "gavel: meeting ended in #meet: reported")
	var published []string
	for len(published) < 6 {
		published = append(published, h.next(t, ctx, "gavel: published "))
	}
	for _, l := range published {
		f := strings.Fields(l)
		if len(f) != 4 || !strings.HasPrefix(f[2], filepath.Join(archive, "meet")) || !strings.HasPrefix(f[3], "https://m.example/meet/") {
			t.Errorf("published line: %q", l)
		} else if _, err := os.Stat(f[2]); err != nil {
			t.Errorf("published %s, but: %v", f[2], err)
		}
	}
	if code := h.term(t, ctx); code != 0 {
		t.Errorf("exit status %d after SIGTERM", code)
	}
	for _, once := range []string{"connected to", "joined #meet", "meeting started", "meeting ended", "NOT crash-safe", "caught up"} {
		if n := count(h.all, once); n != 1 {
			t.Errorf("%q said %d times:\n%s", once, n, strings.Join(h.all, "\n"))
		}
	}
	for _, l := range h.all {
		if !strings.HasPrefix(l, "gavel: ") {
			t.Errorf("a line that is not gavel's: %q", l)
		}
	}
}

// TestHeadlessFatalErrorsExit: a SASL failure ends a
// headless run at once, non-zero, with one clear line; a bad config file
// too. sasl_password_file = "~/…" is found in the home directory, and a
// password file others can read is warned about.
func TestHeadlessFatalErrorsExit(t *testing.T) {
	t.Parallel()
	srv := ircdtest.StartInspIRCd(t, ircdtest.Options{})
	srv.RegisterAccounts(map[string]string{"chair": "the-right-pass"})
	bin := buildGavel(t)
	home := t.TempDir()
	os.WriteFile(filepath.Join(home, "sasl-pass"), []byte("a-wrong-pass\n"), 0o644)
	config := filepath.Join(home, "config.toml")
	os.WriteFile(config, []byte(fmt.Sprintf(`server = "127.0.0.1"
port = %d
tls = false
nick = "chair"
channels = ["#meet"]
sasl_account = "chair"
sasl_password_file = "~/sasl-pass"
archive = "~/archive"
offline = true
`, srv.Port)), 0o644)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	h := runHeadless(t, bin, []string{"HOME=" + home, "XDG_STATE_HOME=" + home}, "--config", config)
	if code := h.wait(t, ctx); code == 0 {
		t.Fatalf("exit status 0 after a SASL failure:\n%s", strings.Join(h.all, "\n"))
	}
	warn := filepath.Join(home, "sasl-pass") + " can be read by other users (mode 0644): chmod 600"
	if count(h.all, warn) != 1 || count(h.all, "SASL authentication failed") != 1 || count(h.all, "gavel: fatal:") != 1 || len(h.all) != 2 {
		t.Errorf("stderr:\n%s", strings.Join(h.all, "\n"))
	}

	// A config file gavel cannot use.
	bad := filepath.Join(home, "bad.toml")
	os.WriteFile(bad, []byte("server = \"127.0.0.1\"\nnickname = \"typo\"\n"), 0o644)
	h = runHeadless(t, bin, []string{"HOME=" + home}, "--config", bad)
	if code := h.wait(t, ctx); code == 0 || len(h.all) != 1 || !strings.Contains(h.all[0], "unknown keys: nickname") {
		t.Errorf("bad config: exit %d, stderr:\n%s", code, strings.Join(h.all, "\n"))
	}
}

func TestExpandHome(t *testing.T) {
	t.Setenv("HOME", "/home/chair")
	for _, tc := range []struct{ in, want, err string }{
		{"~/.config/gavel/pass", "/home/chair/.config/gavel/pass", ""},
		{"~", "/home/chair", ""},
		{"~root/pass", "/root/pass", ""},
		{"/etc/gavel/pass", "/etc/gavel/pass", ""},
		{"relative/~/pass", "relative/~/pass", ""},
		{"~no-such-user-here/pass", "", "cannot expand ~no-such-user-here"},
	} {
		got, err := expandHome(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("expandHome(%q): err %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("expandHome(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}

// TestCustomLookupPrefix: lookup_prefix reaches the router,
// which alone decides what a channel lookup is: with "!", "!fas" said in a
// channel is answered there and ".fas" is not (a custom prefix used to
// stop channel lookups silently).
func TestCustomLookupPrefix(t *testing.T) {
	t.Parallel()
	srv := ircdtest.StartNgircd(t)
	bin := buildGavel(t)
	dir := t.TempDir()
	config := testConfig{Port: srv.Port, Nick: "gavelbot", Archive: filepath.Join(dir, "archive"), Keys: "lookup_prefix = \"!\"\n"}.write(t, dir)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	obs := observe(t, ctx, srv.Addr(), "alice", "#meet")
	h := runHeadless(t, bin, []string{"XDG_STATE_HOME=" + dir}, "--config", config)
	obs.waitFor(t, ctx, "gavelbot JOIN", false)
	h.next(t, ctx, "gavel: joined #meet")
	lc := ircdtest.Joined(t, ctx, srv.Addr(), "asker", "#meet")
	lc.Send("PRIVMSG #meet :.fas nirik")
	lc.Send("PRIVMSG #meet :!fas pingou")
	seen := obs.waitFor(t, ctx, "gavelbot asker: pingou 'Pierre-Yves Chibon' <pingou@fedoraproject.org> (offline snapshot of 2025-05-20)", false)
	for _, l := range seen {
		if strings.Contains(l, "nirik") && strings.HasPrefix(l, "gavelbot") {
			t.Errorf("answered the default prefix: %q", l)
		}
	}
}
