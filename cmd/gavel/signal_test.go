package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"gavel/ircclient/ircdtest"
)

// TestHeadlessSignalsKeepTheMeeting: in --headless mode there
// is no one to ask, so SIGINT and SIGTERM end gavel cleanly (status 0, no
// error) with the running meeting kept in its journal; the next start
// resumes it, and its minutes hold what was said before the signal.
func TestHeadlessSignalsKeepTheMeeting(t *testing.T) {
	srv := ircdtest.StartNgircd(t)
	bin := buildGavel(t)
	dir := t.TempDir()
	archive := filepath.Join(dir, "archive")
	config := testConfig{Port: srv.Port, Nick: "gavelbot", Archive: archive, Journal: filepath.Join(dir, "journal")}.write(t, dir)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	alice, err := ircdtest.Dial(ctx, srv.Addr(), "alice")
	if err != nil {
		t.Fatal(err)
	}
	defer alice.Close()
	env := []string{"XDG_STATE_HOME=" + dir}

	h := runHeadless(t, bin, env, "--config", config)
	h.next(t, ctx, "gavel: joined #meet")
	alice.Send("JOIN #meet")
	alice.Send("PRIVMSG #meet :#startmeeting Signals")
	h.next(t, ctx, "gavel: meeting started in #meet")
	for i, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		line := fmt.Sprintf("#info said before signal %d", i)
		alice.Send("PRIVMSG #meet :" + line)
		// gavel has the line once it answers a line sent after it.
		alice.Send("PRIVMSG #meet :.fas nirik")
		alice.Expect(t, "alice: nirik")
		h.cmd.Process.Signal(sig)
		if code := h.wait(t, ctx); code != 0 {
			t.Fatalf("exit status %d after %v:\n%s", code, sig, strings.Join(h.all, "\n"))
		}
		for _, l := range h.all {
			if strings.Contains(l, "error") || strings.Contains(l, "meeting ended") {
				t.Errorf("after %v: %q", sig, l)
			}
		}
		h = runHeadless(t, bin, env, "--config", config)
		if l := h.next(t, ctx, "resumed meeting"); !strings.Contains(l, "signals") {
			t.Errorf("resume line %q", l)
		}
		h.next(t, ctx, "gavel: joined #meet")
	}
	alice.Send("PRIVMSG #meet :#endmeeting")
	h.next(t, ctx, "gavel: meeting ended in #meet")
	var txt string
	for {
		l := h.next(t, ctx, "gavel: published ")
		if f := strings.Fields(l); len(f) >= 3 && strings.HasSuffix(f[2], ".log.txt") {
			txt = f[2]
			break
		}
	}
	b, err := os.ReadFile(txt)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		if n := strings.Count(string(b), fmt.Sprintf("#info said before signal %d", i)); n != 1 {
			t.Errorf("line before signal %d is %d times in the log:\n%s", i, n, b)
		}
	}
	h.cmd.Process.Signal(syscall.SIGTERM)
	h.wait(t, ctx)
}
