package live

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"gavel/ircclient/ircdtest"
	"gavel/meeting/replay"
)

// logLine is "HH:MM:SS <nick> text" of a .log.txt.
var logLine = regexp.MustCompile(`^(\d\d:\d\d:\d\d) <([^>]+)> (.*)$`)

// TestBouncerPlaybackFillsTheGap: a real ZNC in front of InspIRCd keeps
// its buffer (every attach plays it all back, with server-time, in a
// znc.in/playback batch). gavel, in a child process, is killed (SIGKILL)
// mid-meeting: its journal is all that is left; alice goes on. The restarted
// gavel feeds the lines said while it was away, in order and once; the
// lines of the buffer from before the meeting (a whole old meeting said
// before gavel ever joined) and those already journalled never run. A
// second kill and restart plays back the same buffer and nothing is
// doubled. No
// gap is announced, and the published log replays to the same minutes.
func TestBouncerPlaybackFillsTheGap(t *testing.T) {
	t.Parallel()
	srv := ircdtest.StartInspIRCd(t, ircdtest.Options{})
	z := ircdtest.StartZNC(t, srv, ircdtest.ZNCOptions{Nick: "chair", Channels: []string{"#meet"}, KeepBuffer: true})
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	alice := ircdtest.Joined(t, ctx, srv.Addr(), "alice", "#meet")
	say := func(lines ...string) {
		t.Helper()
		for _, l := range lines {
			must(t, alice.Send("PRIVMSG #meet :"+l))
		}
		if err := z.Barrier(alice); err != nil {
			t.Fatal(err)
		}
	}
	say("#startmeeting Before gavel", "#info never run", "#endmeeting")

	root, jdir := t.TempDir(), t.TempDir()
	env := []string{"PORT=" + strconv.Itoa(z.Port), "PASS=" + z.ServerPassword(), "NICK=chair", "CHANNEL=#meet",
		"ARCHIVE=" + root, "JOURNAL=" + jdir}
	g := startChild(t, "irc", env)
	g.wait(t, "seen alice #endmeeting") // the playback, not run
	live := []string{"#startmeeting Gap", "hello", "#info said live"}
	for _, l := range live {
		must(t, alice.Send("PRIVMSG #meet :"+l))
		g.wait(t, "seen alice "+l)
	}
	g.kill(t) // SIGKILL: the journal is what is left

	away := time.Now().UTC().Truncate(time.Second)
	gap := []string{"#info said while away", "hello", "hello", "#idea fill the gap"}
	say(gap...)
	time.Sleep(1100 * time.Millisecond) // the restart is seconds after the gap

	g = startChild(t, "irc", env)
	g.wait(t, "seen alice #idea fill the gap")
	must(t, alice.Send("PRIVMSG #meet :#info back live"))
	g.wait(t, "seen alice #info back live")
	g.kill(t)

	g = startChild(t, "irc", env)
	g.wait(t, "seen alice #info back live") // the same buffer again
	w := watch(alice, "#meet")
	must(t, alice.Send("PRIVMSG #meet :#endmeeting"))
	noGapAnnounced(t, w.until(t, ctx, "chair Log:"))

	logPath := waitLog(t, root, "meet/*/gap.*.log.txt")
	logTxt, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	var alices []string
	var last string
	for _, l := range strings.Split(strings.TrimSpace(string(logTxt)), "\n") {
		m := logLine.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		if m[1] < last {
			t.Errorf("out of order at %q", l)
		}
		last = m[1]
		if m[2] != "alice" {
			continue
		}
		alices = append(alices, m[3])
		if strings.Contains(m[3], "while away") || strings.Contains(m[3], "fill the gap") {
			if m[1] < away.Format("15:04:05") {
				t.Errorf("a gap line has a time before the gap: %q", l)
			}
		}
	}
	want := append(append(append([]string{}, live...), gap...), "#info back live", "#endmeeting")
	if strings.Join(alices, "\n") != strings.Join(want, "\n") {
		t.Errorf("alice's lines in the log:\n%s\nwant:\n%s\nlog:\n%s", strings.Join(alices, "\n"), strings.Join(want, "\n"), logTxt)
	}
	if files, _ := filepath.Glob(filepath.Join(root, "meet", "*", "before_gavel*")); len(files) != 0 {
		t.Errorf("the meeting from before gavel joined was published: %v", files)
	}
	minutes, _ := os.ReadFile(strings.TrimSuffix(logPath, ".log.txt") + ".txt")
	for _, fact := range []string{"said while away", "fill the gap", "said live", "back live"} {
		if c := strings.Count(string(minutes), fact); c != 1 {
			t.Errorf("the minutes hold %q %d times:\n%s", fact, c, minutes)
		}
	}
	// The log replays to the same minutes.
	sameAsReplay(t, ctx, root, logPath, replay.Options{Channel: "#meet"}, ".txt", ".html")
}

// TestChanHistoryFillsTheGap: InspIRCd's chanhistory plays the channel's
// last lines (server-time, message IDs) on join. gavel is stopped
// mid-meeting; the lines said while it was away are fed once, in order,
// after its restart; lines of the history from before the meeting and
// those the journal holds never run again; no gap is announced.
func TestChanHistoryFillsTheGap(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	srv, alice := oldMeetingInHistory(t, ctx)

	root, jdir := t.TempDir(), t.TempDir()
	g := gavelbotIn(t, ctx, srv.Port, root, jdir)
	waitSeen(t, ctx, g.seen, "alice #endmeeting")
	live := []string{"#startmeeting Now", "same words", "#info a fact said live"}
	saidAndSeen(t, ctx, alice, g, live...)
	g.stop()
	time.Sleep(1100 * time.Millisecond) // the gap starts in the next second
	gap := []string{"#info said while away", "same words", "#idea fill the gap"}
	sayAll(t, alice, "#meet", gap...)
	time.Sleep(1100 * time.Millisecond)

	g = gavelbotIn(t, ctx, srv.Port, root, jdir)
	defer g.stop()
	waitSeen(t, ctx, g.seen, "alice #idea fill the gap")
	seenByAlice := watch(alice, "#meet")
	must(t, alice.Send("PRIVMSG #meet :#endmeeting"))
	noGapAnnounced(t, seenByAlice.until(t, ctx, "gavelbot Log:"))
	logTxt, _ := os.ReadFile(waitLog(t, root, "meet/*/now.*.log.txt"))
	var alices []string
	for _, l := range strings.Split(string(logTxt), "\n") {
		if m := logLine.FindStringSubmatch(l); m != nil && m[2] == "alice" {
			alices = append(alices, m[3])
		}
	}
	want := append(append(append([]string{}, live...), gap...), "#endmeeting")
	if strings.Join(alices, "\n") != strings.Join(want, "\n") {
		t.Errorf("alice's lines in the log:\n%s\nwant:\n%s", strings.Join(alices, "\n"), strings.Join(want, "\n"))
	}
	if strings.Contains(string(logTxt), "long ago") {
		t.Errorf("history from before the meeting in the log:\n%s", logTxt)
	}
}

// TestNoPlaybackAnnouncesTheGap: ngircd plays nothing back. After a
// restart mid-meeting, the lines said while gavel was away are not in the
// minutes, and the first live line after gavel is back brings the notice
// that says so, once.
func TestNoPlaybackAnnouncesTheGap(t *testing.T) {
	t.Parallel()
	srv := ircdtest.StartNgircd(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	alice := ircdtest.Joined(t, ctx, srv.Addr(), "alice", "#meet")
	root, jdir := t.TempDir(), t.TempDir()
	g := gavelbotIn(t, ctx, srv.Port, root, jdir)
	saidAndSeen(t, ctx, alice, g, "#startmeeting Lost", "#info said live")
	g.stop()
	must(t, alice.Send("PRIVMSG #meet :#info said while away"))
	time.Sleep(1500 * time.Millisecond) // longer than the gap threshold

	g = gavelbotIn(t, ctx, srv.Port, root, jdir)
	defer g.stop()
	w := watch(alice, "#meet")
	must(t, alice.Send("PRIVMSG #meet :#info back"))
	said := w.until(t, ctx, "gavelbot gavel was away from")
	must(t, alice.Send("PRIVMSG #meet :#endmeeting"))
	said = append(said, w.until(t, ctx, "gavelbot Log:")...)
	if n := len(slices.DeleteFunc(said, func(l string) bool { return !strings.Contains(l, "gavel was away") })); n != 1 {
		t.Errorf("the gap was announced %d times", n)
	}
	logTxt, _ := os.ReadFile(waitLog(t, root, "meet/*/lost.*.log.txt"))
	if strings.Contains(string(logTxt), "said while away") || !strings.Contains(string(logTxt), "#info back") {
		t.Errorf("log:\n%s", logTxt)
	}
}
