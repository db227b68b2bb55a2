package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"gavel/ircclient/ircdtest"
	"gavel/matrixclient/dendritetest"
)

// TestConsoleChairsAMatrixMeeting runs the real binary's console in tmux
// as the chair's own Matrix account: the room's window is titled by its
// alias, the members pane shows display names with their power, the chair
// types the meeting's commands and two others speak in the room; the
// chair's lines reach the room as the chair's, and the minutes are
// published when the chair ends the meeting.
func TestConsoleChairsAMatrixMeeting(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	w := startMatrixWorld(t, dir)
	// Alice makes the chair a moderator.
	pl := map[string]any{"users": map[string]any{w.alice.UserID: 100, w.gavel.UserID: 50}}
	if _, err := w.alice.SendStateEvent(dendritetest.Ctx(t), id.RoomID(w.room), event.StatePowerLevels, "", pl); err != nil {
		t.Fatal(err)
	}
	bin := buildGavel(t)
	archive := filepath.Join(dir, "archive")
	config := testConfig{Archive: archive, Journal: filepath.Join(dir, "state", "journal"),
		Matrix: w.table(dendritetest.Alias("meet"))}.write(t, dir)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	start := time.Now()
	tc := startConsole(t, dir, bin, config)
	// Power 50 and up is "@" (Alice 100, the chair 50), Bob none; the
	// power level follows the display name.
	tc.waitScreen(ctx, "2:#meet:localhost", "Members (3)", "● @Alice 100", "● @gavelbot 50", "●  Bob_Smith ")
	t.Logf("console start-up to the room's window with its members: %v", time.Since(start).Round(time.Millisecond))
	t.Logf("the screen:\n%s", tc.screen())

	tc.typeLine("#startmeeting Console on Matrix")
	waitRoom(t, ctx, w.alice, w.room, w.gavel.UserID, "#startmeeting Console on Matrix")
	tc.waitScreen(ctx, "Meeting started")
	w.alice.Text(t, w.room, "#info Alice reports in")
	w.bob.Text(t, w.room, "#idea Bob has an idea")
	tc.waitScreen(ctx, "Bob has an idea")
	tc.typeLine("#action Bob_Smith writes it up")
	tc.typeLine("#endmeeting")
	waitRoom(t, ctx, w.alice, w.room, w.gavel.UserID, "Meeting ended")
	tc.waitScreen(ctx, "Meeting ended")

	var log string
	for deadline := time.Now().Add(15 * time.Second); ; {
		logs, _ := filepath.Glob(filepath.Join(archive, "meet*localhost", "*", "*.log.txt"))
		if len(logs) == 1 {
			log = publishedLog(t, archive, "meet*localhost")
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no log published: %v", logs)
		}
		time.Sleep(50 * time.Millisecond)
	}
	for _, want := range []string{"<gavelbot> #startmeeting Console on Matrix", "<Alice> #info Alice reports in",
		"<Bob_Smith> #idea Bob has an idea", "<gavelbot> #action Bob_Smith writes it up", "<gavelbot> #endmeeting"} {
		if !strings.Contains(log, want) {
			t.Errorf("the log lacks %q:\n%s", want, log)
		}
	}
	// The chair's lines went out as the chair's own m.text, once each.
	n := 0
	for _, b := range bodies(t, dendritetest.Ctx(t), w.alice, w.room) {
		if b == "#action Bob_Smith writes it up" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("the chair's #action reached the room %d times", n)
	}
}

// TestConsoleWindowsForChannelsAndRooms runs the console on InspIRCd and
// Dendrite at once: the IRC channel and the Matrix room each get a
// window, side by side, and what the chair types in each goes to its own
// network only.
func TestConsoleWindowsForChannelsAndRooms(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	w := startMatrixWorld(t, dir)
	srv := ircdtest.StartInspIRCd(t, ircdtest.Options{})
	bin := buildGavel(t)
	config := testConfig{Port: srv.Port, Nick: "chair", Archive: filepath.Join(dir, "archive"), Journal: filepath.Join(dir, "state", "journal"),
		Matrix: w.table(dendritetest.Alias("meet"))}.write(t, dir)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	meet := observe(t, ctx, srv.Addr(), "observer", "#meet")

	tc := startConsole(t, dir, bin, config)
	meet.waitFor(t, ctx, "chair JOIN", false)
	tc.waitScreen(ctx, "2:#meet ", "3:#meet:localhost", "● @observer")

	tc.typeLine("/window 2")
	tc.typeLine("hello IRC")
	meet.waitFor(t, ctx, "chair hello IRC", false)
	tc.typeLine("/window 3")
	tc.waitScreen(ctx, "Members (3)", "● @Alice 100", "●  Bob_Smith", "●  gavelbot")
	tc.typeLine("hello Matrix")
	waitRoom(t, ctx, w.alice, w.room, w.gavel.UserID, "hello Matrix")
	for _, b := range bodies(t, dendritetest.Ctx(t), w.alice, w.room) {
		if b == "hello IRC" {
			t.Error("the IRC line reached the Matrix room")
		}
	}
	// The IRC channel saw only its own line.
	select {
	case l := <-meet.Lines:
		t.Errorf("the IRC channel saw %q", l)
	case <-time.After(300 * time.Millisecond):
	}
}

// TestConsoleSaysAWrongPasswordOnce: in the console a refused Matrix login
// is one line in gavel's own window, said once, and nothing retries.
func TestConsoleSaysAWrongPasswordOnce(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	w := startMatrixWorld(t, dir)
	bin := buildGavel(t)
	wrong := filepath.Join(dir, "wrong-password")
	os.WriteFile(wrong, []byte("not-the-password\n"), 0o600)
	config := testConfig{Archive: filepath.Join(dir, "archive"), Journal: filepath.Join(dir, "state", "journal"),
		Matrix: &testMatrix{Homeserver: w.s.URL, UserID: w.gavel.UserID, PasswordFile: wrong, Rooms: []string{dendritetest.Alias("meet")}}}.write(t, dir)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	tc := startConsole(t, dir, bin, config)
	tc.waitScreen(ctx, "1:gavel", "stopped") // the console is up, the client stopped
	tc.typeLine("/window 1")
	tc.waitScreen(ctx, "matrix: login as "+w.gavel.UserID, "refused", "stopped")
	time.Sleep(2 * time.Second) // a retry would say it again by now
	if n := strings.Count(tc.screen(), "matrix: login as"); n != 1 {
		t.Errorf("said %d times:\n%s", n, tc.screen())
	}
}
