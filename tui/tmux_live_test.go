package tui

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"gavel/ircclient/ircdtest"
)

// tmuxSession drives a program in a real terminal: tmux on a private
// socket, killed at the end of the test.
type tmuxSession struct {
	t    testing.TB
	sock string
}

func startTmux(t testing.TB, w, h int, command string) *tmuxSession {
	t.Helper()
	ircdtest.Require(t, "tmux")
	s := &tmuxSession{t: t, sock: fmt.Sprintf("gavel-test-%d-%d", os.Getpid(), time.Now().UnixNano())}
	s.run("new-session", "-d", "-s", "g", "-x", fmt.Sprint(w), "-y", fmt.Sprint(h), command+"; echo GAVEL-EXITED rc=$?; sleep 60")
	t.Cleanup(func() { exec.Command("tmux", "-L", s.sock, "kill-server").Run() })
	return s
}

func (s *tmuxSession) run(args ...string) string {
	s.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-L", s.sock}, args...)...).CombinedOutput()
	if err != nil {
		s.t.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// keys sends tmux key names (Enter, C-c, Tab, F1…).
func (s *tmuxSession) keys(keys ...string) {
	s.run(append([]string{"send-keys", "-t", "g:0"}, keys...)...)
}

// text types text literally.
func (s *tmuxSession) text(text string) { s.run("send-keys", "-t", "g:0", "-l", text) }

// line types text and Enter.
func (s *tmuxSession) line(text string) {
	s.text(text)
	s.keys("Enter")
}

func (s *tmuxSession) screen() string { return s.run("capture-pane", "-p", "-t", "g:0") }

func (s *tmuxSession) screenANSI() string { return s.run("capture-pane", "-p", "-e", "-t", "g:0") }

// waitFor polls the screen (every 50 ms, at most d) for a regular
// expression and returns the screen.
func (s *tmuxSession) waitFor(d time.Duration, re string) string {
	s.t.Helper()
	rx := regexp.MustCompile(re)
	deadline := time.Now().Add(d)
	for {
		sc := s.screen()
		if rx.MatchString(sc) {
			return sc
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("no %q on screen within %v:\n%s", re, d, sc)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// gone polls until a regular expression is no longer on screen.
func (s *tmuxSession) gone(d time.Duration, re string) string {
	s.t.Helper()
	rx := regexp.MustCompile(re)
	deadline := time.Now().Add(d)
	for {
		sc := s.screen()
		if !rx.MatchString(sc) {
			return sc
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("%q still on screen after %v:\n%s", re, d, sc)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// changed polls until the screen is no longer before.
func (s *tmuxSession) changed(d time.Duration, before, what string) string {
	s.t.Helper()
	deadline := time.Now().Add(d)
	for {
		sc := s.screen()
		if sc != before {
			return sc
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("%s:\n%s", what, sc)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// width is how many cells the terminal (tmux) gives text: it prints the
// text in a window of its own and reads where the cursor ends up.
func (s *tmuxSession) width(text string) int {
	s.t.Helper()
	f := filepath.Join(s.t.TempDir(), "text")
	if err := os.WriteFile(f, []byte(text), 0o644); err != nil {
		s.t.Fatal(err)
	}
	s.run("new-window", "-d", "-t", "g:9", "cat "+f+"; tmux -L "+s.sock+" wait-for -S printed; sleep 60")
	defer s.run("kill-window", "-t", "g:9")
	s.run("wait-for", "printed")
	var n int
	fmt.Sscan(s.run("display-message", "-p", "-t", "g:9", "#{cursor_x}"), &n)
	return n
}

// buildBinary builds a command of this module into the test's temp dir.
func buildBinary(t testing.TB, pkg string) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), filepath.Base(pkg))
	out, err := exec.Command("go", "build", "-o", bin, pkg).CombinedOutput()
	if err != nil {
		t.Fatalf("go build %s: %v\n%s", pkg, err, out)
	}
	return bin
}

// colourOf returns the foreground colour (its SGR parameters) of each
// occurrence of word, as a whole word, in a row of tmux's capture-pane -e.
func colourOf(row, word string) []string {
	var out []string
	fg := ""
	prev := byte(' ') // the text byte before, escape sequences left out
	for i := 0; i < len(row); {
		if row[i] == 0x1b && i+1 < len(row) && row[i+1] == '[' {
			j := i + 2
			for j < len(row) && (row[j] < 0x40 || row[j] > 0x7e) {
				j++
			}
			if j < len(row) && row[j] == 'm' {
				params := strings.Split(row[i+2:j], ";")
				for k := 0; k < len(params); k++ {
					switch p := params[k]; {
					case p == "" || p == "0" || p == "39":
						fg = ""
					case p == "38" && k+2 < len(params) && params[k+1] == "5":
						fg, k = "5;"+params[k+2], k+2
					case p == "38" && k+4 < len(params) && params[k+1] == "2":
						fg, k = "2;"+strings.Join(params[k+2:k+5], ";"), k+4
					case len(p) == 2 && p[0] == '3' && p[1] >= '0' && p[1] <= '7', len(p) == 2 && p[0] == '9':
						fg = p
					}
				}
			}
			i = j + 1
			continue
		}
		if strings.HasPrefix(row[i:], word) && !isWordByte(prev) && (i+len(word) == len(row) || !isWordByte(row[i+len(word)])) {
			out = append(out, fg)
			i += len(word)
			prev = word[len(word)-1]
			continue
		}
		prev = row[i]
		i++
	}
	return out
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

// rowWith returns the screen row containing s.
func rowWith(screen, s string) string {
	for _, r := range strings.Split(screen, "\n") {
		if strings.Contains(r, s) {
			return r
		}
	}
	return ""
}

// gavConfig writes the console's config into dir: gav in #meet on the
// server at port, the archive and journal under dir, lookups offline, and
// the top-level keys more; it returns the file's path.
func gavConfig(t *testing.T, dir string, port int, more string) string {
	t.Helper()
	config := filepath.Join(dir, "config.toml")
	text := fmt.Sprintf("server = \"127.0.0.1\"\nport = %d\ntls = false\nnick = \"gav\"\nchannels = [\"#meet\"]\narchive = %q\njournal_dir = %q\noffline = true\n%s",
		port, filepath.Join(dir, "archive"), filepath.Join(dir, "journal"), more)
	if err := os.WriteFile(config, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return config
}

// TestTmuxLiveConsole runs the real binary in tmux against a real
// InspIRCd with two other people, and checks what a chair sees for the
// points that a terminal decides: text in every script at
// the widths the terminal uses, URLs, the members pane, the keys, a
// meeting with its panes and preview, search, the bell, window numbers,
// a lost connection, and leaving a running meeting.
func TestTmuxLiveConsole(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	srv := ircdtest.StartInspIRCd(t, ircdtest.Options{})
	bin := buildBinary(t, "gavel/cmd/gavel")
	dir := t.TempDir()
	config := gavConfig(t, dir, srv.Port, `url_prefix = "https://m.example/"
send_burst = 100
send_rate = 100
`)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	people := dialAll(t, ctx, srv, "alice", "bob")
	alice, bob := people["alice"], people["bob"]

	const W, H = 100, 30
	tm := startTmux(t, W, H, fmt.Sprintf("TERM=xterm-256color XDG_CONFIG_HOME=%s XDG_STATE_HOME=%s %s --config %s", dir, dir, bin, config))
	tm.waitFor(10*time.Second, `connected · lag`)
	tm.waitFor(10*time.Second, `you joined #meet`)
	joinAndWait(t, alice, "#meet")
	joinAndWait(t, bob, "#meet")
	tm.waitFor(10*time.Second, `Members \(3\)`)

	t.Run("text in every script", func(t *testing.T) {
		// Hundreds of marks on one letter, within IRC's 512 bytes.
		zalgo := "Z" + strings.Repeat("\u0336\u0335\u0334\u0337\u0338", 40) + "algo"
		lines := []struct{ send, shown string }{
			{"नमस्ते", "नमस्ते"},
			{"สวัสดี", "สวัสดี"},
			{"cafe\u0301", "cafe\u0301"},
			{zalgo, "algo"},
			{"after the zalgo line", "after the zalgo line"},
		}
		for _, l := range lines {
			alice.Send("PRIVMSG #meet :" + l.send)
		}
		sc := tm.waitFor(10*time.Second, `after the zalgo line`)
		for _, l := range lines[:4] {
			row := rowWith(sc, l.shown)
			if row == "" {
				t.Errorf("%q not on screen (combining marks dropped?):\n%s", l.shown, sc)
				continue
			}
			// What gavel drew is as wide in the terminal as gavel laid it
			// out, so the panes to its right stay in their columns.
			_, text, _ := strings.Cut(row, "alice │ ")
			shown, _, _ := strings.Cut(text, "  ")
			if tw, gw := tm.width(shown), ansi.StringWidthWc(shown); tw != gw {
				t.Errorf("%q: %d cells in the terminal, %d in gavel's layout", shown, tw, gw)
			}
			if strings.Count(shown, "\u0336") > 1 {
				t.Errorf("zalgo marks not capped on screen: %d", strings.Count(shown, "\u0336"))
			}
		}
		// The zalgo line is one row: the next line is on the next row.
		rows := strings.Split(sc, "\n")
		for i, r := range rows {
			if strings.Contains(r, "algo") && !strings.Contains(r, "after") {
				if i+1 >= len(rows) || !strings.Contains(rows[i+1], "after the zalgo line") {
					t.Errorf("the zalgo line takes more than one row:\n%s", strings.Join(rows[i:min(i+3, len(rows))], "\n"))
				}
			}
		}
	})

	t.Run("URL whole on a row", func(t *testing.T) {
		url := "https://pagure.io/fedora-infra/issue/12345" // fits the 47-cell text column
		alice.Send("PRIVMSG #meet :please look at this ticket before we vote on it: " + url)
		sc := tm.waitFor(10*time.Second, `12345`)
		if !strings.Contains(sc, url) {
			t.Errorf("URL broken across rows:\n%s", sc)
		}
	})

	t.Run("members pane shows status; own nick one colour", func(t *testing.T) {
		tm.line("/voice bob")
		sc := tm.waitFor(10*time.Second, `\+bob`)
		if !strings.Contains(sc, "@gav") {
			t.Errorf("no @gav in the members pane:\n%s", sc)
		}
		tm.line("my own line")
		tm.waitFor(10*time.Second, `gav │ my own line`)
		// The foreground colour of every "gav" on screen: the log's
		// nick column, the members pane (not the status bar's "as gav").
		seen := map[string]int{}
		for _, row := range strings.Split(tm.screenANSI(), "\n") {
			plain := ansi.Strip(row)
			if strings.Contains(plain, "as gav") || strings.Contains(plain, " -- │") {
				continue // the status bar; an event line's text
			}
			for _, fg := range colourOf(row, "gav") {
				seen[fg]++
			}
		}
		if len(seen) != 1 {
			t.Errorf("our nick is drawn in %d colours: %v", len(seen), seen)
		}
	})

	t.Run("question mark types, F1 helps", func(t *testing.T) {
		tm.text("?")
		tm.waitFor(5*time.Second, `(?m)^› \?`)
		tm.keys("C-u")
		tm.keys("F1")
		sc := tm.waitFor(5*time.Second, `Help · esc closes`)
		for _, r := range strings.Split(sc, "\n") {
			if ansi.StringWidthWc(r) > W {
				t.Errorf("row wider than the terminal: %q", r)
			}
		}
		tm.keys("Escape")
		tm.gone(5*time.Second, `Help · esc closes`)
	})

	t.Run("completion ranks chair commands", func(t *testing.T) {
		tm.text("#ac")
		tm.keys("Tab")
		tm.waitFor(5*time.Second, `(?m)^› #action\s*$`)
		tm.keys("C-u")
	})

	t.Run("a meeting: panes, preview, search", func(t *testing.T) {
		tm.line("#startmeeting Tmux test")
		expect(t, alice, "PRIVMSG #meet :#startmeeting Tmux test")
		tm.line("#topic First things")
		tm.waitFor(10*time.Second, `▶ First things`)
		for i := range 30 {
			bob.Send(fmt.Sprintf("PRIVMSG #meet :filler line %d", i))
			bob.Send(fmt.Sprintf("PRIVMSG #meet :#info fact number %d for the minutes", i))
		}
		tm.waitFor(10*time.Second, `filler line 29`)
		tm.line("/minutes")
		sc := tm.waitFor(10*time.Second, `Minutes of tmux_test · in progress`)
		tm.keys("PageDown")
		tm.changed(5*time.Second, sc, "PgDn did not scroll the preview")
		tm.keys("Escape")
		tm.gone(5*time.Second, `Minutes of tmux_test`)
		tm.keys("C-r")
		tm.text("filler line 3")
		tm.waitFor(5*time.Second, `search: filler line 3`)
		tm.keys("Escape")
		tm.gone(5*time.Second, `search: `)
		tm.gone(5*time.Second, `newer lines`)
		if path := os.Getenv("GAVEL_SCREENSHOT"); path != "" {
			// The README's screenshot: a meeting under way.
			tm.line("#action bob to review the ticket before Thursday")
			tm.line("#agreed we ship on Thursday if the ticket is closed")
			tm.line("#topic Open floor")
			alice.Send("PRIVMSG #meet :gav: can I add one thing about the mirrors?")
			tm.line("alice: go ahead")
			tm.waitFor(10*time.Second, `gav │ alice: go ahead`)
			if err := os.WriteFile(path, []byte(tm.screen()), 0o644); err != nil {
				t.Error(err)
			}
		}
	})

	t.Run("bell on a highlight", func(t *testing.T) {
		tm.run("new-window", "-d", "-t", "g:1") // the bell flag marks windows other than the current one
		tm.run("select-window", "-t", "g:1")
		alice.Send("PRIVMSG #meet :gav: can we go on?")
		deadline := time.Now().Add(10 * time.Second)
		for strings.TrimSpace(tm.run("display-message", "-p", "-t", "g:0", "#{window_bell_flag}")) != "1" {
			if time.Now().After(deadline) {
				t.Fatal("no terminal bell for a highlight")
			}
			time.Sleep(50 * time.Millisecond)
		}
		tm.run("select-window", "-t", "g:0")
	})

	t.Run("window numbers stay", func(t *testing.T) {
		tm.line("/join #other")
		tm.waitFor(10*time.Second, `3:#other`)
		tm.line("/close")
		tm.gone(10*time.Second, `3:#other`)
		tm.line("/join #other")
		tm.waitFor(10*time.Second, `3:#other`)
		tm.keys("M-2")
		tm.waitFor(5*time.Second, `(?m)^ #meet`)
	})

	t.Run("disconnected", func(t *testing.T) {
		srv.KillIRCd()
		tm.waitFor(15*time.Second, `disconnected`)
		tm.line("said while the server is down")
		sc := tm.waitFor(10*time.Second, `⧗ said while the server is down`)
		if strings.Contains(rowWith(sc, "disconnected"), "lag") || !strings.Contains(sc, "1 queued") {
			t.Errorf("status bar while disconnected:\n%s", sc)
		}
		srv.RestartIRCd()
		tm.waitFor(30*time.Second, `connected · lag`)
		tm.gone(15*time.Second, `⧗`)
	})

	t.Run("ctrl+c asks, then ends the meeting and quits", func(t *testing.T) {
		watcher, err := ircdtest.Dial(ctx, srv.Addr(), "watcher")
		if err != nil {
			t.Fatal(err)
		}
		defer watcher.Close()
		joinAndWait(t, watcher, "#meet")
		defer func() {
			if t.Failed() {
				t.Logf("screen:\n%s", tm.screen())
			}
		}()
		tm.text("half typed")
		tm.keys("C-c")
		tm.waitFor(5*time.Second, `(?m)^› *$`)
		tm.keys("C-c")
		tm.waitFor(5*time.Second, `Leave a running meeting`)
		tm.keys("e")
		expect(t, watcher, "PRIVMSG #meet :#endmeeting")
		expect(t, watcher, "Meeting ended")
		expect(t, watcher, "QUIT")
		tm.waitFor(10*time.Second, `GAVEL-EXITED rc=0`)
	})
}
