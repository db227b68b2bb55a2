package tui

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"gavel/ircclient/ircdtest"
)

// TestTmuxRefusedAndKickedOnHybrid drives the real binary in tmux against
// ircd-hybrid (no echo-message): a line the hung server has not taken
// shows the waiting mark until it does; a line refused in a moderated
// channel says why; after a kick a typed line is refused at once and the
// command line offers /join.
func TestTmuxRefusedAndKickedOnHybrid(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	srv := ircdtest.StartHybrid(t, ircdtest.HybridOptions{})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	op := participant(t, ctx, srv, "op", "#meet")
	bin := buildBinary(t, "gavel/cmd/gavel")
	dir := t.TempDir()
	config := gavConfig(t, dir, srv.Port, "")
	tm := startTmux(t, 110, 30, fmt.Sprintf("TERM=xterm-256color XDG_CONFIG_HOME=%s XDG_STATE_HOME=%s %s --config %s", dir, dir, bin, config))
	tm.waitFor(hybridReg, `you joined #meet`)

	srv.Pause()
	tm.line("said while the server hangs")
	sc := tm.waitFor(10*time.Second, `⧗ said while the server hangs`)
	if !strings.Contains(sc, "said while the server hangs") {
		t.Fatalf("no waiting line:\n%s", sc)
	}
	srv.Continue()
	tm.gone(10*time.Second, `⧗ said while the server hangs`)

	op.Send("MODE #meet +m")
	tm.waitFor(10*time.Second, `op sets mode \+m`)
	tm.line("#info said while muted")
	tm.waitFor(10*time.Second, `not sent: #info said while muted`)
	tm.waitFor(10*time.Second, `moderated`)

	op.Send("MODE #meet -m")
	op.Send("KICK #meet gav :enough")
	tm.waitFor(10*time.Second, `gavel was kicked from #meet by op`)
	tm.line("typed while kicked")
	sc = tm.waitFor(10*time.Second, `› /join #meet`)
	if !strings.Contains(sc, "the line was") {
		t.Errorf("the refusal is not on screen:\n%s", sc)
	}
	tm.keys("Enter")
	tm.waitFor(10*time.Second, `you joined #meet`)
}
