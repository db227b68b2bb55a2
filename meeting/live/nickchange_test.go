package live

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gavel/ircclient"
	"gavel/meeting"
	"gavel/meeting/publish"
	"gavel/meeting/replay"
)

// TestReplayFollowsTheChairsNickChange: the chair changes nick
// in the middle of a live meeting and goes on chairing. The default
// style's .log.txt records the change, so replaying it gives the same six
// files: the chair's later commands kept, one attendee under the new nick.
func TestReplayFollowsTheChairsNickChange(t *testing.T) {
	root := t.TempDir()
	net := &recorder{nick: "gavel"}
	c := newController(t, root, t.TempDir(), net)
	online(c)
	net.feed(c, msg(1, "chair", "#startmeeting Renamed chair"))
	net.feed(c, msg(2, "chair", "#topic before"))
	net.feed(c, msg(3, "bob", "hello"))
	net.feed(c, ircclient.NickChange{Meta: ircclient.Meta{Time: t0.Add(4e9)}, Source: ircclient.Source{Nick: "chair"}, NewNick: "chair_away", Channels: []string{"#meet"}})
	net.feed(c, msg(5, "chair_away", "#topic after the nick change"))
	net.feed(c, msg(6, "chair_away", "#agreed still the chair"))
	net.feed(c, msg(7, "chair_away", "#endmeeting"))

	live := readFiles(t, root)
	var logTxt string
	for name := range live {
		if strings.HasSuffix(name, ".log.txt") {
			logTxt = name
		}
	}
	if len(live) != 6 || logTxt == "" {
		t.Fatalf("published %d files: %v", len(live), keys(live))
	}
	if want := "18:00:04 -!- chair is now known as chair_away"; !strings.Contains(string(live[logTxt]), want+"\n") {
		t.Fatalf("the .log.txt does not record the nick change (%q):\n%s", want, live[logTxt])
	}
	txt := string(live[strings.TrimSuffix(logTxt, ".log.txt")+".txt"])
	for _, want := range []string{"after the nick change", "AGREED: still the chair", "chair_away (5)"} {
		if !strings.Contains(txt, want) {
			t.Errorf("live minutes lack %q:\n%s", want, txt)
		}
	}

	out := t.TempDir()
	res, err := replay.Reader(context.Background(), bytes.NewReader(live[logTxt]), "-", replay.Options{
		Channel: "#meet", Date: t0, Out: out, URLPrefix: "https://m.example/",
	})
	if err != nil || res.Stats.Skipped != 0 {
		t.Fatalf("replay: %v, %+v", err, res.Stats)
	}
	replayed := readFiles(t, out)
	for name, data := range live {
		if !bytes.Equal(replayed[name], data) {
			t.Errorf("replay differs in %s:\n got %s\nwant %s", name, replayed[name], data)
		}
	}
}

func readFiles(t *testing.T, root string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasPrefix(d.Name(), ".") {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		files[rel], err = os.ReadFile(p)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func keys(m map[string][]byte) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestZodbotLogHasNoNickChanges: zodbot style keeps MeetBot's .log.txt
// byte for byte, which has no nick change lines (the live meeting still
// follows the chair; a replay of its log does not, as MeetBot's did not).
func TestZodbotLogHasNoNickChanges(t *testing.T) {
	root := t.TempDir()
	net := &recorder{nick: "gavel"}
	c, err := New(Config{Archive: publish.New(root, meeting.StyleZodbot, ""), Style: meeting.StyleZodbot, Network: net})
	if err != nil {
		t.Fatal(err)
	}
	online(c)
	net.feed(c, msg(1, "chair", "#startmeeting Renamed chair"))
	net.feed(c, ircclient.NickChange{Meta: ircclient.Meta{Time: t0.Add(2e9)}, Source: ircclient.Source{Nick: "chair"}, NewNick: "chair_away", Channels: []string{"#meet"}})
	net.feed(c, msg(3, "chair_away", "#topic after"))
	net.feed(c, msg(4, "chair_away", "#endmeeting"))
	files := readFiles(t, root)
	for name, data := range files {
		if strings.HasSuffix(name, ".log.txt") && strings.Contains(string(data), "-!-") {
			t.Errorf("%s records the nick change:\n%s", name, data)
		}
		if strings.HasSuffix(name, ".txt") && !strings.HasSuffix(name, ".log.txt") && !strings.Contains(string(data), "after") {
			t.Errorf("the live meeting lost the chair at the nick change:\n%s", data)
		}
	}
	if len(files) != 4 {
		t.Errorf("files: %v", keys(files))
	}
}

// TestTwoLiveMeetingsOneMinuteOneName: live, a second meeting
// with the same name in the same minute gets its own files ("-2"), and its
// #endmeeting announces them.
func TestTwoLiveMeetingsOneMinuteOneName(t *testing.T) {
	root := t.TempDir()
	net := &recorder{nick: "gavel"}
	c := newController(t, root, t.TempDir(), net)
	online(c)
	net.feed(c, msg(1, "chair", "#startmeeting Twice"))
	net.feed(c, msg(2, "chair", "#info first"))
	net.feed(c, msg(3, "chair", "#endmeeting"))
	net.feed(c, msg(4, "chair", "#startmeeting Twice"))
	net.feed(c, msg(5, "chair", "#info second"))
	ups := net.feed(c, msg(6, "chair", "#endmeeting"))
	dir := filepath.Join(root, "meet", "2026-11-24")
	first, _ := os.ReadFile(filepath.Join(dir, "twice.2026-11-24-18.00.txt"))
	second, _ := os.ReadFile(filepath.Join(dir, "twice-2.2026-11-24-18.00.txt"))
	if !strings.Contains(string(first), "first") || strings.Contains(string(first), "second") || !strings.Contains(string(second), "second") {
		t.Errorf("first:\n%s\nsecond:\n%s", first, second)
	}
	announced := false
	for _, u := range ups {
		if u.Kind == UpdateSaid && strings.Contains(u.Text, "/meet/2026-11-24/twice-2.2026-11-24-18.00.html") {
			announced = true
		}
	}
	if !announced {
		t.Errorf("the second meeting's URLs were not announced: %+v", ups)
	}
}
