package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"gavel/ircclient/ircdtest"
	"gavel/matrixclient/dendritetest"
)

// matrixWorld is a test homeserver with gavel's account (display name
// "gavelbot"), Alice and Bob Smith, and the room #meet:localhost that
// Alice made and Bob joined.
type matrixWorld struct {
	s                 *dendritetest.Server
	gavel, alice, bob *dendritetest.User
	room              string // the room's ID
	pwFile            string // gavel's password, mode 0600
}

func startMatrixWorld(t *testing.T, dir string) *matrixWorld {
	t.Helper()
	w := &matrixWorld{s: dendritetest.Start(t)}
	w.gavel = w.s.Register(t, "gavelbot")
	w.alice = w.s.Register(t, "alice")
	w.bob = w.s.Register(t, "bob")
	ctx := dendritetest.Ctx(t)
	for u, name := range map[*dendritetest.User]string{w.gavel: "gavelbot", w.alice: "Alice", w.bob: "Bob Smith"} {
		if err := u.SetDisplayName(ctx, name); err != nil {
			t.Fatal(err)
		}
	}
	w.room = w.alice.CreateRoom(t, "meet")
	w.bob.Join(t, w.room)
	w.pwFile = filepath.Join(dir, "matrix-password")
	if err := os.WriteFile(w.pwFile, []byte(w.gavel.Password+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return w
}

// table is gavel's [matrix] table for rooms.
func (w *matrixWorld) table(rooms ...string) *testMatrix {
	return &testMatrix{Homeserver: w.s.URL, UserID: w.gavel.UserID, PasswordFile: w.pwFile, Rooms: rooms}
}

// meetConfig writes gavel's config into dir: on the world's
// #meet:localhost (and on the IRC server at port as gavelbot, unless port
// is 0), its archive in dir/archive and its journal under dir/state. It
// returns the config's path and the archive.
func (w *matrixWorld) meetConfig(t *testing.T, dir string, port int) (config, archive string) {
	t.Helper()
	archive = filepath.Join(dir, "archive")
	c := testConfig{Archive: archive, Journal: filepath.Join(dir, "state", "journal"), Matrix: w.table(dendritetest.Alias("meet"))}
	if port != 0 {
		c.Port, c.Nick = port, "gavelbot"
	}
	return c.write(t, dir), archive
}

// waitRoom waits until the room's timeline, as u reads it, has an
// m.room.message from sender (any sender when "") whose body contains
// want, and returns that body.
func waitRoom(t *testing.T, ctx context.Context, u *dendritetest.User, room, sender, want string) string {
	t.Helper()
	for {
		resp, err := u.Messages(ctx, id.RoomID(room), "", "", mautrix.DirectionBackward, nil, 200)
		if err == nil {
			for _, e := range resp.Chunk {
				if e.Type != event.EventMessage || sender != "" && string(e.Sender) != sender {
					continue
				}
				if body, _ := e.Content.Raw["body"].(string); strings.Contains(body, want) {
					return body
				}
			}
		}
		select {
		case <-ctx.Done():
			t.Fatalf("%s never saw %q from %q in %s (last error %v)", u.UserID, want, sender, room, err)
		case <-time.After(150 * time.Millisecond):
		}
	}
}

// bodies are the m.room.message bodies of a room, oldest first.
func bodies(t *testing.T, ctx context.Context, u *dendritetest.User, room string) []string {
	t.Helper()
	resp, err := u.Messages(ctx, id.RoomID(room), "", "", mautrix.DirectionBackward, nil, 500)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for i := len(resp.Chunk) - 1; i >= 0; i-- {
		if e := resp.Chunk[i]; e.Type == event.EventMessage {
			body, _ := e.Content.Raw["body"].(string)
			out = append(out, body)
		}
	}
	return out
}

// publishedLog is the one .log.txt published under the archive's
// directories matching roomDir (a glob: how a room's directory is named is
// the engine's), read.
func publishedLog(t *testing.T, archive, roomDir string) string {
	t.Helper()
	logs, _ := filepath.Glob(filepath.Join(archive, roomDir, "*", "*.log.txt"))
	if len(logs) != 1 {
		all, _ := filepath.Glob(filepath.Join(archive, "*", "*", "*"))
		t.Fatalf("published logs under %s/%s: %v (archive holds %v)", archive, roomDir, logs, all)
	}
	b, err := os.ReadFile(logs[0])
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestHeadlessMatrixBotOthersChair runs the real binary headless on
// Matrix alone, as a bot: Alice starts and chairs a meeting in a room of
// a real homeserver, Bob speaks, the replies go out as m.notice, stderr
// says what happens one line each, and the minutes are published.
func TestHeadlessMatrixBotOthersChair(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	w := startMatrixWorld(t, dir)
	bin := buildGavel(t)
	config, archive := w.meetConfig(t, dir, 0)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()

	start := time.Now()
	h := runHeadless(t, bin, []string{"XDG_STATE_HOME=" + dir}, "--config", config)
	h.next(t, ctx, "gavel: connected to "+w.s.URL+" as "+w.gavel.UserID)
	h.next(t, ctx, "gavel: joined #meet:localhost")
	t.Logf("start-up to the room joined: %v", time.Since(start).Round(time.Millisecond))

	w.alice.Text(t, w.room, "#startmeeting Matrix bots")
	h.next(t, ctx, "gavel: meeting started in #meet:localhost")
	waitRoom(t, ctx, w.alice, w.room, w.gavel.UserID, "Meeting started")
	w.alice.Text(t, w.room, "#topic Roll call")
	w.bob.Text(t, w.room, "#info Bob is here")
	w.bob.Text(t, w.room, "#action Bob writes the notes")
	w.alice.Text(t, w.room, "#endmeeting")
	h.next(t, ctx, "gavel: meeting ended in #meet:localhost")
	h.next(t, ctx, ".log.txt")
	waitRoom(t, ctx, w.alice, w.room, w.gavel.UserID, "Meeting ended")

	if code := h.term(t, ctx); code != 0 {
		t.Errorf("exit status %d after SIGTERM:\n%s", code, strings.Join(h.all, "\n"))
	}
	log := publishedLog(t, archive, "meet*localhost")
	for _, want := range []string{"<Alice> #startmeeting Matrix bots", "<Bob_Smith> #info Bob is here",
		"<Bob_Smith> #action Bob writes the notes", "<Alice> #endmeeting"} {
		if !strings.Contains(log, want) {
			t.Errorf("the log lacks %q:\n%s", want, log)
		}
	}
	// gavel's replies are m.notice, as a bot's should be.
	resp, err := w.alice.Messages(dendritetest.Ctx(t), id.RoomID(w.room), "", "", mautrix.DirectionBackward, nil, 200)
	if err != nil {
		t.Fatal(err)
	}
	notices := 0
	for _, e := range resp.Chunk {
		if string(e.Sender) == w.gavel.UserID && e.Type == event.EventMessage {
			if mt, _ := e.Content.Raw["msgtype"].(string); mt != "m.notice" {
				t.Errorf("gavel sent a %s: %v", mt, e.Content.Raw["body"])
			}
			notices++
		}
	}
	if notices == 0 {
		t.Error("gavel replied nothing in the room")
	}
}

// TestMatrixRefusalsAreOneLine: a room gavel may not join, one that does
// not exist and an end-to-end encrypted one are each said once, on one
// line naming the room, and gavel goes on in the rooms it could join.
func TestMatrixRefusalsAreOneLine(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	w := startMatrixWorld(t, dir)
	if _, err := w.alice.Client.CreateRoom(dendritetest.Ctx(t), &mautrix.ReqCreateRoom{Preset: "private_chat", RoomAliasName: "secret"}); err != nil {
		t.Fatal(err)
	}
	w.alice.CreateRoom(t, "crypt", &event.Event{Type: event.StateEncryption, StateKey: new(string),
		Content: event.Content{Parsed: &event.EncryptionEventContent{Algorithm: id.AlgorithmMegolmV1}}})
	bin := buildGavel(t)
	rooms := []string{dendritetest.Alias("secret"), dendritetest.Alias("crypt"), dendritetest.Alias("nosuch"), dendritetest.Alias("meet")}
	config := testConfig{Archive: filepath.Join(dir, "archive"), Journal: filepath.Join(dir, "state", "journal"),
		Matrix: w.table(rooms...)}.write(t, dir)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	h := runHeadless(t, bin, []string{"XDG_STATE_HOME=" + dir}, "--config", config)
	h.next(t, ctx, "gavel: joined #meet:localhost")
	h.nextN(t, ctx, "gavel: error: ", 3)
	// It goes on in the room it joined.
	w.alice.Text(t, w.room, "#startmeeting Still here")
	h.next(t, ctx, "gavel: meeting started in #meet:localhost")
	time.Sleep(2 * time.Second) // a retry loop would have said more by now
	if code := h.term(t, ctx); code != 0 {
		t.Errorf("exit status %d", code)
	}
	t.Logf("stderr:\n%s", strings.Join(h.all, "\n"))
	for room, why := range map[string]string{"#secret:localhost": "refused", "#crypt:localhost": "end-to-end encrypted",
		"#nosuch:localhost": "no such room"} {
		var said []string
		for _, l := range h.all {
			if strings.Contains(l, room) {
				said = append(said, l)
			}
		}
		if len(said) != 1 || !strings.HasPrefix(said[0], "gavel: error: ") || !strings.Contains(said[0], why) {
			t.Errorf("%s (%s) said %d times: %q", room, why, len(said), said)
		}
	}
}

// TestMatrixWrongAccountIsOneLine: a wrong password, and a homeserver URL
// that is no homeserver, end a headless run at once with one line saying
// why, and no retry.
func TestMatrixWrongAccountIsOneLine(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	w := startMatrixWorld(t, dir)
	bin := buildGavel(t)
	notHS := httptest.NewServer(http.NotFoundHandler())
	defer notHS.Close()
	wrong := filepath.Join(dir, "wrong-password")
	if err := os.WriteFile(wrong, []byte("not-the-password\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		subject string
		table   testMatrix
		want    string
	}{
		{"wrong password", testMatrix{Homeserver: w.s.URL, UserID: w.gavel.UserID, PasswordFile: wrong, Rooms: []string{dendritetest.Alias("meet")}}, "M_FORBIDDEN"},
		{"no homeserver at the URL", testMatrix{Homeserver: notHS.URL, UserID: w.gavel.UserID, PasswordFile: w.pwFile}, notHS.URL},
	} {
		t.Run(c.subject, func(t *testing.T) {
			sub := t.TempDir()
			config := testConfig{Archive: filepath.Join(sub, "archive"), Journal: filepath.Join(sub, "state", "journal"), Matrix: &c.table}.write(t, sub)
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			h := runHeadless(t, bin, []string{"XDG_STATE_HOME=" + sub}, "--config", config)
			if code := h.wait(t, ctx); code != 1 {
				t.Errorf("exit status %d, want 1", code)
			}
			t.Logf("stderr: %q", h.all)
			if len(h.all) != 1 || !strings.HasPrefix(h.all[0], "gavel: fatal: matrix: ") || !strings.Contains(h.all[0], c.want) {
				t.Errorf("stderr, want one line with %q:\n%s", c.want, strings.Join(h.all, "\n"))
			}
			if strings.Contains(strings.Join(h.all, ""), w.gavel.Password) {
				t.Error("the password was said")
			}
		})
	}
}

// TestMatrixSIGKILLMidMeeting kills the headless binary with SIGKILL in
// the middle of a meeting in a Matrix room, lets Bob say lines while it
// is down, and starts it again: the lines said while it was down reach
// the meeting from the homeserver's timeline, with no gap, and nothing
// handled before the kill is run or logged twice.
func TestMatrixSIGKILLMidMeeting(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	w := startMatrixWorld(t, dir)
	bin := buildGavel(t)
	config, archive := w.meetConfig(t, dir, 0)
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	env := []string{"XDG_STATE_HOME=" + dir}

	h := runHeadless(t, bin, env, "--config", config)
	h.next(t, ctx, "gavel: joined #meet:localhost")
	w.alice.Text(t, w.room, "#startmeeting Kill test")
	w.alice.Text(t, w.room, "#topic Before the crash")
	w.bob.Text(t, w.room, "#info said before the crash")
	w.alice.Text(t, w.room, "#action Bob survives")
	w.alice.Text(t, w.room, "#commands") // its reply shows the lines above were handled
	waitRoom(t, ctx, w.alice, w.room, w.gavel.UserID, "Available commands")

	h.cmd.Process.Signal(syscall.SIGKILL)
	h.wait(t, ctx)
	w.bob.Text(t, w.room, "#info said while gavel was down")
	w.bob.Text(t, w.room, "#idea a second line while down")

	h = runHeadless(t, bin, env, "--config", config)
	h.next(t, ctx, "gavel: joined #meet:localhost")
	w.alice.Text(t, w.room, "#info said after the restart")
	w.alice.Text(t, w.room, "#endmeeting")
	h.next(t, ctx, "gavel: meeting ended in #meet:localhost")
	h.next(t, ctx, ".log.txt")
	h.term(t, ctx)

	log := publishedLog(t, archive, "meet*localhost")
	t.Logf("the published log:\n%s", log)
	order := []string{"#startmeeting Kill test", "#topic Before the crash", "#info said before the crash",
		"#action Bob survives", "#info said while gavel was down", "#idea a second line while down",
		"#info said after the restart", "#endmeeting"}
	last := -1
	for _, want := range order {
		if n := strings.Count(log, "> "+want); n != 1 {
			t.Errorf("%q is in the log %d times:\n%s", want, n, log)
			continue
		}
		at := strings.Index(log, "> "+want)
		if at < last {
			t.Errorf("%q is out of order:\n%s", want, log)
		}
		last = at
	}
	// The room got each of gavel's replies once: nothing was run twice.
	var started int
	for _, b := range bodies(t, dendritetest.Ctx(t), w.alice, w.room) {
		if strings.HasPrefix(b, "Meeting started") {
			started++
		}
	}
	if started != 1 {
		t.Errorf("the meeting was started %d times", started)
	}
	minutes, _ := filepath.Glob(filepath.Join(archive, "meet*localhost", "*", "kill_test.*.txt"))
	var text string
	for _, m := range minutes {
		if !strings.HasSuffix(m, ".log.txt") {
			b, _ := os.ReadFile(m)
			text = string(b)
		}
	}
	for _, want := range []string{"said before the crash", "said while gavel was down", "a second line while down", "said after the restart"} {
		if !strings.Contains(text, want) {
			t.Errorf("the minutes lack %q:\n%s", want, text)
		}
	}
}

// TestBothNetworksAtOnce runs the real binary headless on an IRC server
// (InspIRCd) and a Matrix homeserver (Dendrite) at once: a meeting in the
// IRC channel and one in the Matrix room, side by side, each network's
// replies on its own network, the minutes of both in the same archive.
func TestBothNetworksAtOnce(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	w := startMatrixWorld(t, dir)
	srv := ircdtest.StartInspIRCd(t, ircdtest.Options{})
	bin := buildGavel(t)
	config, archive := w.meetConfig(t, dir, srv.Port)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	carol := ircdtest.Joined(t, ctx, srv.Addr(), "carol", "#meet")

	start := time.Now()
	h := runHeadless(t, bin, []string{"XDG_STATE_HOME=" + dir}, "--config", config)
	h.nextN(t, ctx, "gavel: joined ", 2)
	t.Logf("start-up to the channel and the room joined: %v", time.Since(start).Round(time.Millisecond))
	if slicesIndex(h.all, "joined #meet:localhost") < 0 || slicesIndex(h.all, "joined #meet") < 0 {
		t.Fatalf("joins: %q", h.all)
	}

	carol.Send("PRIVMSG #meet :#startmeeting IRC side")
	w.alice.Text(t, w.room, "#startmeeting Matrix side")
	carol.Expect(t, "The meeting name has been set to 'irc_side'")
	waitRoom(t, ctx, w.alice, w.room, w.gavel.UserID, "The meeting name has been set to 'matrix_side'")
	carol.Send("PRIVMSG #meet :#info on IRC")
	w.bob.Text(t, w.room, "#info on Matrix")
	carol.Send("PRIVMSG #meet :#endmeeting")
	w.alice.Text(t, w.room, "#endmeeting")
	h.nextN(t, ctx, "gavel: meeting ended in ", 2)
	h.nextN(t, ctx, ".log.txt", 2)
	if code := h.term(t, ctx); code != 0 {
		t.Errorf("exit status %d:\n%s", code, strings.Join(h.all, "\n"))
	}

	ircLog := publishedLog(t, archive, "meet")
	mxLog := publishedLog(t, archive, "meet?*localhost")
	if !strings.Contains(ircLog, "<carol> #info on IRC") || strings.Contains(ircLog, "on Matrix") {
		t.Errorf("the IRC meeting's log:\n%s", ircLog)
	}
	if !strings.Contains(mxLog, "<Bob_Smith> #info on Matrix") || strings.Contains(mxLog, "on IRC") {
		t.Errorf("the Matrix meeting's log:\n%s", mxLog)
	}
	// Nothing of one network's meeting went out on the other.
	for _, b := range bodies(t, dendritetest.Ctx(t), w.alice, w.room) {
		if strings.Contains(b, "irc_side") {
			t.Errorf("the Matrix room got %q", b)
		}
	}
}

// TestMatrixRefusedIRCGoesOn: with both networks configured, a wrong
// Matrix password is said once, as it happens, and gavel goes on on IRC;
// the run's exit status still says a network failed.
func TestMatrixRefusedIRCGoesOn(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	w := startMatrixWorld(t, dir)
	srv := ircdtest.StartInspIRCd(t, ircdtest.Options{})
	bin := buildGavel(t)
	wrong := filepath.Join(dir, "wrong-password")
	os.WriteFile(wrong, []byte("not-the-password\n"), 0o600)
	config := testConfig{Port: srv.Port, Nick: "gavelbot", Archive: filepath.Join(dir, "archive"), Journal: filepath.Join(dir, "state", "journal"),
		Matrix: &testMatrix{Homeserver: w.s.URL, UserID: w.gavel.UserID, PasswordFile: wrong, Rooms: []string{dendritetest.Alias("meet")}}}.write(t, dir)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	carol := ircdtest.Joined(t, ctx, srv.Addr(), "carol", "#meet")

	h := runHeadless(t, bin, []string{"XDG_STATE_HOME=" + dir}, "--config", config)
	for count(h.all, "gavel: fatal: matrix: login as "+w.gavel.UserID) == 0 || count(h.all, "gavel: joined #meet") == 0 {
		h.next(t, ctx, "gavel: ") // either first
	}
	carol.Send("PRIVMSG #meet :#startmeeting Still on IRC")
	h.next(t, ctx, "gavel: meeting started in #meet: still_on_irc")
	if code := h.term(t, ctx); code != 1 {
		t.Errorf("exit status %d, want 1", code)
	}
	if n := count(h.all, "gavel: fatal:"); n != 1 {
		t.Errorf("the refusal said %d times:\n%s", n, strings.Join(h.all, "\n"))
	}
}
