package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gavel/ircclient/ircdtest"
	"gavel/matrixclient/dendritetest"
)

// TestConsoleStatusBarOfBothNetworks runs the real binary's console in
// tmux on InspIRCd and Dendrite at once, with a meeting running on each:
// the status bar shows each network with its own nick and state; when the
// IRC server dies, IRC's state says so and only the IRC meeting is told
// that its lines wait (a line typed there is shown waiting), while Matrix
// stays connected and a line typed in its room goes out; a narrower terminal
// still shows both networks.
func TestConsoleStatusBarOfBothNetworks(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	w := startMatrixWorld(t, dir)
	srv := ircdtest.StartInspIRCd(t, ircdtest.Options{})
	bin := buildGavel(t)
	config := testConfig{Port: srv.Port, Nick: "chair", Archive: filepath.Join(dir, "archive"), Journal: filepath.Join(dir, "state", "journal"),
		Matrix: w.table(dendritetest.Alias("meet"))}.write(t, dir)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	tc := startConsole(t, dir, bin, config)
	both := "127.0.0.1: chair ● connected │ localhost: " + w.gavel.UserID + " ● connected"
	tc.waitScreen(ctx, "2:#meet ", "3:#meet:localhost", both)
	t.Logf("the screen:\n%s", tc.screen())

	tc.typeLine("/window 2")
	tc.typeLine("#startmeeting on IRC")
	tc.waitScreen(ctx, "● on_irc")
	tc.typeLine("/window 3")
	tc.typeLine("#startmeeting on Matrix")
	tc.waitScreen(ctx, "● on_matrix")
	waitRoom(t, ctx, w.alice, w.room, w.gavel.UserID, "Meeting started")

	srv.KillIRCd()
	// With the meeting's name on the left the nicks make room.
	tc.waitScreen(ctx, "127.0.0.1 ○ disconnected", "│ localhost ● connected")
	if s := tc.screen(); strings.Contains(s, "lines typed now are queued") {
		t.Errorf("the Matrix room's window says its lines wait:\n%s", s)
	}
	tc.typeLine("/window 2")
	tc.waitScreen(ctx, "disconnected: lines typed now are queued")
	// A line typed in the IRC meeting waits for IRC; one typed in the
	// Matrix meeting goes out.
	tc.typeLine("#info said while IRC is down")
	tc.waitScreen(ctx, "⧗ #info said while IRC is down")
	tc.typeLine("/window 3")
	tc.typeLine("#info Matrix goes on")
	waitRoom(t, ctx, w.alice, w.room, w.gavel.UserID, "#info Matrix goes on")
	tc.typeLine("/window 2")

	tc.tmux("resize-window", "-t", "s", "-x", "60", "-y", "20")
	tc.waitScreen(ctx, " #meet │ ● on_irc ", "127.0.0… ○ │ localho… ●") // the meeting keeps its place
	t.Logf("60 columns, IRC down:\n%s", tc.screen())
}
