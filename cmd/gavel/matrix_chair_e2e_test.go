package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"gavel/matrixclient/dendritetest"
)

// TestMatrixChairsByIDAndByName runs the real binary headless on a real
// homeserver, as a bot others chair: Alice #chairs a user ID who is not in
// the room yet, who then joins and sets a topic, and it is taken; she
// #chairs Bob Smith by the name the room shows him ("Bob_Smith") and
// Dave by a mention of his user ID (a member with a two-word display
// name), and their chair's commands are taken too; a member nobody
// chaired is refused, and so is Carol once #unchaired by name. The minutes say so, and the log says how each chair
// came to be one, so that its replay gives the same minutes.
func TestMatrixChairsByIDAndByName(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	w := startMatrixWorld(t, dir)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	carol := w.s.Register(t, "carol") // not in the room when chaired
	dave := w.s.Register(t, "dave")
	eve := w.s.Register(t, "eve")
	for u, name := range map[*dendritetest.User]string{carol: "Carol", dave: "Dave Jones", eve: "Eve"} {
		if err := u.SetDisplayName(dendritetest.Ctx(t), name); err != nil {
			t.Fatal(err)
		}
	}
	dave.Join(t, w.room)
	eve.Join(t, w.room)
	bin := buildGavel(t)
	archive := filepath.Join(dir, "archive")
	config := testConfig{Archive: archive, Journal: filepath.Join(dir, "state", "journal"),
		Matrix: w.table(dendritetest.Alias("meet"))}.write(t, dir)

	h := runHeadless(t, bin, []string{"XDG_STATE_HOME=" + dir}, "--config", config)
	h.next(t, ctx, "gavel: joined #meet:localhost")

	w.alice.Text(t, w.room, "#startmeeting chairs by id and name")
	h.next(t, ctx, "gavel: meeting started in #meet:localhost")
	w.alice.Text(t, w.room, "#chair "+carol.UserID)
	reply := waitRoom(t, ctx, w.alice, w.room, w.gavel.UserID, "Current chairs:")
	if !strings.Contains(reply, carol.UserID) {
		t.Errorf("chairing %s, who is not in the room: %q", carol.UserID, reply)
	}
	carol.Join(t, w.room)
	carol.Text(t, w.room, "#topic Carol's topic")

	w.alice.Text(t, w.room, "#chair Bob_Smith "+dave.UserID)
	reply = waitRoom(t, ctx, w.alice, w.room, w.gavel.UserID, "Bob_Smith")
	if !strings.Contains(reply, "Dave_Jones") {
		t.Errorf("chairing Bob_Smith and the member %s: %q", dave.UserID, reply)
	}
	w.bob.Text(t, w.room, "#agreed Bob chairs by name")
	dave.Text(t, w.room, "#agreed Dave chairs by mention")
	eve.Text(t, w.room, "#agreed Eve chairs nothing")
	// Unchaired by name, Carol is no chair as her user ID either.
	w.alice.Text(t, w.room, "#unchair Carol")
	carol.Text(t, w.room, "#agreed Carol chairs no more")
	w.alice.Text(t, w.room, "#endmeeting")
	h.next(t, ctx, "gavel: meeting ended in #meet:localhost")
	h.next(t, ctx, ".log.txt")
	h.cmd.Process.Signal(syscall.SIGTERM)
	if code := h.wait(t, ctx); code != 0 {
		t.Errorf("exit status %d after SIGTERM:\n%s", code, strings.Join(h.all, "\n"))
	}

	log := publishedLog(t, archive, "meet*localhost")
	for _, want := range []string{
		"-!- Carol is a chair as " + carol.UserID,
		"<Carol> #topic Carol's topic",
		"<Alice> #chair Bob_Smith Dave_Jones",
		"<Bob_Smith> #agreed Bob chairs by name",
		"<Dave_Jones> #agreed Dave chairs by mention",
	} {
		if !strings.Contains(log, want) {
			t.Errorf("the log lacks %q:\n%s", want, log)
		}
	}
	logs, _ := filepath.Glob(filepath.Join(archive, "meet*localhost", "*", "*.log.txt"))
	minutesTxt, err := os.ReadFile(strings.TrimSuffix(logs[0], ".log.txt") + ".txt")
	if err != nil {
		t.Fatal(err)
	}
	minutes := string(minutesTxt)
	for _, want := range []string{"Carol's topic", "AGREED: Bob chairs by name", "AGREED: Dave chairs by mention"} {
		if !strings.Contains(minutes, want) {
			t.Errorf("the minutes lack %q:\n%s", want, minutes)
		}
	}
	for _, not := range []string{"Eve chairs nothing", "Carol chairs no more"} {
		if strings.Contains(minutes, not) {
			t.Errorf("a member who was no chair made an item (%q):\n%s", not, minutes)
		}
	}
	// Carol is one attendee, under her name; Dave one, under his.
	for _, not := range []string{carol.UserID + " (", "* Dave (", "* Jones ("} {
		if strings.Contains(minutes, not) {
			t.Errorf("the minutes' people have %q:\n%s", not, minutes)
		}
	}
	// The replay of the published log gives the same minutes.
	out := t.TempDir()
	if code, stdout, stderr := gavel(t, nil, "replay", "--channel", "#meet:localhost", logs[0], "--out", out); code != 0 {
		t.Fatalf("replay: %d\n%s\n%s", code, stdout, stderr)
	}
	rel, _ := filepath.Rel(archive, strings.TrimSuffix(logs[0], ".log.txt")+".txt")
	replayed, err := os.ReadFile(filepath.Join(out, rel))
	if err != nil {
		t.Fatal(err)
	}
	if string(replayed) != minutes {
		t.Errorf("the replay's minutes differ from the live ones:\n%s\n---\n%s", minutes, replayed)
	}
}
