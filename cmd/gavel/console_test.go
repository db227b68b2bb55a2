package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gavel/ircclient/ircdtest"
)

// tmuxConsole runs the real binary in a real terminal (tmux on a private
// socket), killed in cleanup. keys types into it as the chair does.
type tmuxConsole struct {
	t    *testing.T
	sock string
}

// startConsole runs the binary bin's console in tmux with config, its
// state and configuration under dir (XDG_STATE_HOME, XDG_CONFIG_HOME) and
// its log in dir/gavel.log, as every console test starts it.
func startConsole(t *testing.T, dir, bin, config string) *tmuxConsole {
	t.Helper()
	return startTmux(t, []string{"XDG_STATE_HOME=" + dir, "XDG_CONFIG_HOME=" + dir}, bin, "--config", config, "--log", filepath.Join(dir, "gavel.log"))
}

func startTmux(t *testing.T, env []string, args ...string) *tmuxConsole {
	t.Helper()
	ircdtest.Require(t, "tmux")
	tc := &tmuxConsole{t: t, sock: fmt.Sprintf("gavel-test-%d-%d", os.Getpid(), time.Now().UnixNano())}
	var cmd strings.Builder
	cmd.WriteString("env TERM=xterm-256color")
	for _, e := range env {
		cmd.WriteString(" " + shellQuote(e))
	}
	for _, a := range args {
		cmd.WriteString(" " + shellQuote(a))
	}
	cmd.WriteString("; echo GAVEL-EXITED rc=$?; sleep 3600") // the screen stays readable until cleanup kills the server
	tc.tmux("new-session", "-d", "-s", "s", "-x", "140", "-y", "40", cmd.String())
	t.Cleanup(func() { exec.Command("tmux", "-L", tc.sock, "kill-server").Run() })
	return tc
}

func (tc *tmuxConsole) tmux(args ...string) string {
	tc.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-L", tc.sock}, args...)...).CombinedOutput()
	if err != nil {
		tc.t.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// typeLine types text and Enter.
func (tc *tmuxConsole) typeLine(text string) {
	tc.t.Helper()
	tc.tmux("send-keys", "-t", "s", "-l", text)
	tc.tmux("send-keys", "-t", "s", "Enter")
}

func (tc *tmuxConsole) screen() string {
	out, _ := exec.Command("tmux", "-L", tc.sock, "capture-pane", "-p", "-t", "s").CombinedOutput()
	return string(out)
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// channelReader collects the PRIVMSGs (and joins) an observer sees in a
// channel.
type channelReader struct{ *ircdtest.Watcher }

func observe(t *testing.T, ctx context.Context, addr, nick, channel string) channelReader {
	t.Helper()
	return channelReader{ircdtest.Joined(t, ctx, addr, nick, channel).Watch(channel, true)}
}

// waitFor reads until a line equal to want (or, with prefix, starting with
// it) and returns every line read, that one included.
func (cr channelReader) waitFor(t *testing.T, ctx context.Context, want string, prefix bool) []string {
	t.Helper()
	return cr.Until(t, ctx, fmt.Sprintf("%q", want), func(l string) bool { return l == want || prefix && strings.HasPrefix(l, want) })
}

// TestChairTypesOnNgircd: on ngircd, which has no
// echo-message (like OFTC), the chair types a meeting into the real console
// in a real terminal. Every line is in the channel once (as a second client
// sees it), in the .log.txt once and in the minutes once, and gavel does not
// answer its own #startmeeting.
func TestChairTypesOnNgircd(t *testing.T) {
	t.Parallel()
	srv := ircdtest.StartNgircd(t)
	bin := buildGavel(t)
	dir := t.TempDir()
	archive := filepath.Join(dir, "archive")
	config := testConfig{Port: srv.Port, Nick: "chair", Archive: archive, Journal: filepath.Join(dir, "journal")}.write(t, dir)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	obs := observe(t, ctx, srv.Addr(), "observer", "#meet")

	tc := startConsole(t, dir, bin, config)
	obs.waitFor(t, ctx, "chair JOIN", false)

	typed := []string{
		"#startmeeting Echo test",
		"#topic The first topic",
		"#info a fact said once",
		"#action alice to count the lines",
		"#agreed one owner for the echo",
		"#endmeeting",
	}
	var seen []string
	for _, l := range typed {
		tc.typeLine(l)
		seen = append(seen, obs.waitFor(t, ctx, "chair "+l, false)...)
	}
	seen = append(seen, obs.waitFor(t, ctx, "chair Log:", true)...)
	// A last line: whatever gavel sent before it has arrived by then.
	tc.typeLine("that is all")
	seen = append(seen, obs.waitFor(t, ctx, "chair that is all", false)...)

	count := func(lines []string, want string) int {
		n := 0
		for _, l := range lines {
			if l == want {
				n++
			}
		}
		return n
	}
	for _, l := range typed {
		if n := count(seen, "chair "+l); n != 1 {
			t.Errorf("the channel saw %q %d times", l, n)
		}
	}
	for _, l := range seen {
		if strings.Contains(l, "Can't start another meeting") {
			t.Errorf("gavel answered its own #startmeeting: %q", l)
		}
	}
	if n := count(seen, "chair The meeting name has been set to 'echo_test'"); n != 1 {
		t.Errorf("the name reply was said %d times", n)
	}

	logs, _ := filepath.Glob(filepath.Join(archive, "meet", "*", "echo_test.*.log.txt"))
	if len(logs) != 1 {
		t.Fatalf("published logs: %v\nscreen:\n%s", logs, tc.screen())
	}
	logTxt, _ := os.ReadFile(logs[0])
	var logLines []string
	for _, l := range strings.Split(string(logTxt), "\n") {
		if len(l) > 9 {
			logLines = append(logLines, l[9:]) // drop "HH:MM:SS "
		}
	}
	for _, l := range typed {
		if n := count(logLines, "<chair> "+l); n != 1 {
			t.Errorf(".log.txt holds %q %d times:\n%s", l, n, logTxt)
		}
	}
	if n := count(logLines, "<chair> The meeting name has been set to 'echo_test'"); n != 1 {
		t.Errorf(".log.txt holds gavel's name reply %d times", n)
	}
	minutes, _ := os.ReadFile(strings.TrimSuffix(logs[0], ".log.txt") + ".txt")
	// Each item once in the summary (the action is also listed under
	// Action Items, from the same one item).
	for _, want := range []string{"* The first topic  (chair", "* a fact said once  (chair",
		"* ACTION: alice to count the lines  (chair", "* AGREED: one owner for the echo  (chair"} {
		if n := strings.Count(string(minutes), want); n != 1 {
			t.Errorf("minutes hold %q %d times:\n%s", want, n, minutes)
		}
	}
}
