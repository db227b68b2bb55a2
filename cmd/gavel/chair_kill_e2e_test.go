package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"gavel/ircclient/ircdtest"
)

// pid is the process id of the binary in the terminal (the pane's shell
// runs it as its one child).
func (tc *tmuxConsole) pid(ctx context.Context) int {
	tc.t.Helper()
	shell := strings.TrimSpace(tc.tmux("list-panes", "-t", "s", "-F", "#{pane_pid}"))
	for {
		b, err := os.ReadFile(filepath.Join("/proc", shell, "task", shell, "children"))
		if err == nil {
			if f := strings.Fields(string(b)); len(f) == 1 {
				n, err := strconv.Atoi(f[0])
				if err == nil {
					return n
				}
			}
		}
		select {
		case <-ctx.Done():
			tc.t.Fatalf("no gavel process under the pane's shell %s", shell)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// chairState cuts what the chair's tools show out of a screen: the Agenda
// pane's items, the Votes pane's lines, and the status bar's timebox.
var chairState = regexp.MustCompile(`(▶ \d\. \S+|[✓·] \d\. \S+|✓ \w+ [+-]\d|· carol|\d/\d voted · quorum \d [✓✗] (?:not )?met|topic \d+:\d\d/20:00)`)

func shownTools(screen string) []string {
	var out []string
	for _, m := range chairState.FindAllString(screen, -1) {
		if strings.HasPrefix(m, "topic ") {
			m = "timebox /20:00" // the elapsed time moves on
		}
		out = append(out, m)
	}
	return out
}

// TestChairToolsSurviveSIGKILL kills the real binary with SIGKILL in a
// real terminal, on InspIRCd, during a vote with a roster and a quorum on
// the current item of an agenda with a timebox: after the restart the
// screen shows the same agenda item and position, timebox, roster,
// quorum and open vote as before the kill; /next goes on to the next item
// and never posts the current one a second time; the vote's end gives the
// tally, the quorum's verdict and the #agreed line.
func TestChairToolsSurviveSIGKILL(t *testing.T) {
	srv := ircdtest.StartInspIRCd(t, ircdtest.Options{})
	bin := buildGavel(t)
	dir := t.TempDir()
	agendaFile := filepath.Join(dir, "agenda.md")
	if err := os.WriteFile(agendaFile, []byte("- Alpha [10m]\n- Beta\n- Gamma\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	config := testConfig{Port: srv.Port, Nick: "chair", Archive: filepath.Join(dir, "archive"),
		Journal: filepath.Join(dir, "state", "journal"), Agendas: map[string]string{"#meet": agendaFile}}.write(t, dir)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	meet := observe(t, ctx, srv.Addr(), "observer", "#meet")
	alice := speaker(t, ctx, srv.Addr(), "alice", "#meet")
	bob := speaker(t, ctx, srv.Addr(), "bob", "#meet")

	tc := startConsole(t, dir, bin, config)
	meet.waitFor(t, ctx, "chair JOIN", false)
	tc.waitScreen(ctx, "Agenda (3)", "1. Alpha")
	var seen []string // every line of the channel
	say := func(line string) {
		t.Helper()
		tc.typeLine(line)
		seen = append(seen, meet.waitFor(t, ctx, "chair "+line, false)...)
	}
	say("#startmeeting Kill")
	tc.key("F2")
	seen = append(seen, meet.waitFor(t, ctx, "chair #topic Alpha", false)...)
	tc.typeLine("/timebox 20m")
	tc.waitScreen(ctx, "timebox 20m for Alpha", "/20:00")
	tc.typeLine("/voters alice bob carol")
	seen = append(seen, meet.waitFor(t, ctx, "chair #info Voters: alice, bob, carol", false)...)
	tc.typeLine("/quorum 2")
	seen = append(seen, meet.waitFor(t, ctx, "chair #info Voters: alice, bob, carol; quorum 2", false)...)
	say("#startvote Ship it? +1, 0, -1")
	alice("#meet", "#vote +1")
	bob("#meet", "#vote -1")
	tc.waitScreen(ctx, "✓ alice +1", "✓ bob -1", "· carol", "2/3 voted · quorum 2 ✓ met", "▶ 1. Alpha")
	before := shownTools(tc.screen())
	t.Logf("the chair's tools on the screen before the kill: %q", before)

	pid := tc.pid(ctx)
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	tc.waitScreen(ctx, "GAVEL-EXITED rc=137")
	waitNickFree(t, ctx, srv.Addr(), "chair")

	tc2 := startConsole(t, dir, bin, config)
	seen = append(seen, meet.waitFor(t, ctx, "chair JOIN", false)...)
	tc2.waitScreen(ctx, "meeting resumed from the journal", "✓ alice +1", "✓ bob -1", "· carol", "2/3 voted · quorum 2 ✓ met", "▶ 1. Alpha", "/20:00")
	after := shownTools(tc2.screen())
	if strings.Join(after, "\n") != strings.Join(before, "\n") {
		t.Errorf("the chair's tools after the kill:\n%s\nbefore it:\n%s\nscreen:\n%s", strings.Join(after, "\n"), strings.Join(before, "\n"), tc2.screen())
	}
	tc2.typeLine("/next")
	seen = append(seen, meet.waitFor(t, ctx, "chair #topic Beta", false)...)
	tc2.typeLine("#endvote")
	seen = append(seen, meet.waitFor(t, ctx, "chair #endvote", false)...)
	tc2.waitScreen(ctx, "vote ended: Ship it? (+1, 0, -1)", "quorum 2 met (2 voted) · did not vote: carol", "› #agreed Ship it? (+1, 0, -1)")
	tc2.key("Enter")
	seen = append(seen, meet.waitFor(t, ctx, "chair #agreed Ship it? (+1, 0, -1)", false)...)
	tc2.typeLine("#endmeeting")
	seen = append(seen, meet.waitFor(t, ctx, "chair #endmeeting", false)...)
	if n := count(seen, "chair #topic Alpha"); n != 1 {
		t.Errorf("the channel saw #topic Alpha %d times:\n%s", n, strings.Join(seen, "\n"))
	}
}

// waitNickFree waits until the server no longer has nick (a killed
// process's connection is gone), asking with ISON.
func waitNickFree(t *testing.T, ctx context.Context, addr, nick string) {
	t.Helper()
	lc, err := ircdtest.Dial(ctx, addr, "prober")
	if err != nil {
		t.Fatal(err)
	}
	defer lc.Close()
	for {
		lc.Send("ISON " + nick)
		l, err := lc.WaitFor(func(l string) bool { return strings.Contains(l, " 303 ") })
		if err != nil {
			t.Fatal(err)
		}
		if _, names, _ := strings.Cut(strings.SplitN(l, " 303 ", 2)[1], ":"); !strings.EqualFold(strings.TrimSpace(names), nick) {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("%s is still on the server", nick)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// TestHeadlessTakesOverTheChairsVote: the console is killed with SIGKILL
// during a vote with a roster and a quorum; `gavel --headless` started in
// its place resumes the meeting with the chair's tools, and says the
// vote's result with the quorum's verdict on stderr when it ends.
func TestHeadlessTakesOverTheChairsVote(t *testing.T) {
	srv := ircdtest.StartInspIRCd(t, ircdtest.Options{})
	bin := buildGavel(t)
	dir := t.TempDir()
	config := testConfig{Port: srv.Port, Nick: "chair", Archive: filepath.Join(dir, "archive"),
		Journal: filepath.Join(dir, "state", "journal")}.write(t, dir)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	meet := observe(t, ctx, srv.Addr(), "observer", "#meet")
	alice := speaker(t, ctx, srv.Addr(), "alice", "#meet")
	bob := speaker(t, ctx, srv.Addr(), "bob", "#meet")

	tc := startConsole(t, dir, bin, config)
	meet.waitFor(t, ctx, "chair JOIN", false)
	for _, l := range []string{"#startmeeting Takeover", "#chair alice"} {
		tc.typeLine(l)
		meet.waitFor(t, ctx, "chair "+l, false)
	}
	tc.typeLine("/voters alice bob carol")
	meet.waitFor(t, ctx, "chair #info Voters: alice, bob, carol", false)
	tc.typeLine("/quorum 2")
	meet.waitFor(t, ctx, "chair #info Voters: alice, bob, carol; quorum 2", false)
	tc.typeLine("#startvote Ship it? +1, 0, -1")
	meet.waitFor(t, ctx, "chair #startvote Ship it? +1, 0, -1", false)
	alice("#meet", "#vote +1")
	tc.waitScreen(ctx, "✓ alice +1", "1/3 voted · quorum 2 ✗ not met")
	if err := syscall.Kill(tc.pid(ctx), syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	tc.waitScreen(ctx, "GAVEL-EXITED rc=137")
	waitNickFree(t, ctx, srv.Addr(), "chair")

	h := runHeadless(t, bin, []string{"XDG_STATE_HOME=" + dir, "XDG_CONFIG_HOME=" + dir}, "--config", config)
	h.next(t, ctx, "gavel: #meet: resumed meeting")
	h.next(t, ctx, "gavel: joined #meet")
	bob("#meet", "#vote -1")
	alice("#meet", "#endvote")
	if l := h.next(t, ctx, "vote ended"); l != "gavel: #meet: vote ended: Ship it? (+1, 0, -1) · quorum 2 met (2 voted) · did not vote: carol" {
		t.Errorf("the vote's result on stderr: %q", l)
	}
}
