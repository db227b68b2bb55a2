package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gavel/ircclient/ircdtest"
)

// TestHeadlessReportsTheChairsTools: a headless run loads each channel's
// configured agenda as the console does and says on stderr that it was
// loaded, or why it could not be (agenda = "/nonexistent/agenda.md"), and
// says a vote's result when it ends.
func TestHeadlessReportsTheChairsTools(t *testing.T) {
	t.Parallel()
	srv := ircdtest.StartInspIRCd(t, ircdtest.Options{})
	bin := buildGavel(t)
	dir := t.TempDir()
	good := filepath.Join(dir, "agenda.md")
	if err := os.WriteFile(good, []byte("- Roll call [5m]\n- Votes\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	config := testConfig{Port: srv.Port, Nick: "gavelbot", Archive: filepath.Join(dir, "archive"),
		Journal: filepath.Join(dir, "state", "journal"), Channels: []string{"#meet", "#good"},
		Agendas: map[string]string{"#meet": "/nonexistent/agenda.md", "#good": good}}.write(t, dir)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	alice := ircdtest.Joined(t, ctx, srv.Addr(), "alice", "#meet")

	h := runHeadless(t, bin, []string{"XDG_STATE_HOME=" + dir}, "--config", config)
	h.next(t, ctx, "gavel: joined #meet")
	h.next(t, ctx, "gavel: joined #good")
	// The agendas are read as gavel starts, side by side: either may come
	// first, before or after the joins.
	h.nextN(t, ctx, "agenda: ", 2)
	bad, loaded := h.all[slicesIndex(h.all, "/nonexistent/agenda.md")], h.all[slicesIndex(h.all, "#good: agenda:")]
	if !strings.HasPrefix(bad, "gavel: error in #meet: agenda: ") || !strings.Contains(bad, "no such file or directory") {
		t.Errorf("the bad agenda: %q", bad)
	}
	if loaded != "gavel: #good: agenda: 2 items from "+good {
		t.Errorf("the good agenda: %q", loaded)
	}
	for _, l := range []string{"#startmeeting Votes", "#startvote Ship it? +1, 0, -1", "#vote +1"} {
		alice.Send("PRIVMSG #meet :" + l)
	}
	alice.Send("PRIVMSG #meet :#endvote")
	if l := h.next(t, ctx, "vote ended"); l != "gavel: #meet: vote ended: Ship it? (+1, 0, -0)" {
		t.Errorf("the vote's result: %q", l)
	}
	alice.Send("PRIVMSG #meet :#endmeeting")
	h.next(t, ctx, "gavel: meeting ended in #meet")
	if code := h.term(t, ctx); code != 0 {
		t.Errorf("exit status %d after SIGTERM", code)
	}
	for _, once := range []string{"/nonexistent/agenda.md", "#good: agenda:", "vote ended"} {
		if n := count(h.all, once); n != 1 {
			t.Errorf("%q said %d times:\n%s", once, n, strings.Join(h.all, "\n"))
		}
	}
}

// slicesIndex is the index of the first line containing sub (-1: none,
// which fails the test's indexing).
func slicesIndex(lines []string, sub string) int {
	for i, l := range lines {
		if strings.Contains(l, sub) {
			return i
		}
	}
	return -1
}
