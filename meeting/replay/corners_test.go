package replay

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gavel/meeting"
	"gavel/meeting/logfile"
)

// The zodbot-style corner cases in testdata/zodbot-corners: each directory
// holds a meeting log (input.log.txt), its channel (and date, when not
// 2020-06-10), and what Fedora's MeetBot 0.1.4 on CPython 2.7 made of it
// (expected/: the
// four files, plus bot-replies.txt, what it said and the topics it set).
// They were found by differential testing against that runtime with random
// logs (see randomLog; random-seed-N are three of those logs); the
// expected files are its output, kept so that
// the tests need no Python. undo-non-ascii is the one log MeetBot's replay
// stops on (#undo of a non-ASCII item raises); its expected files are
// MeetBot's with the exception caught and the meeting going on, as
// Supybot does around the live plugin.
const cornersDir = "testdata/zodbot-corners"

var cornersDate = time.Date(2020, 6, 10, 0, 0, 0, 0, time.UTC)

func TestZodbotCorners(t *testing.T) {
	cases, err := os.ReadDir(cornersDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		t.Run(c.Name(), func(t *testing.T) {
			dir := filepath.Join(cornersDir, c.Name())
			log, err := os.ReadFile(filepath.Join(dir, "input.log.txt"))
			if err != nil {
				t.Fatal(err)
			}
			ch, err := os.ReadFile(filepath.Join(dir, "channel"))
			if err != nil {
				t.Fatal(err)
			}
			channel := strings.TrimSpace(string(ch))
			date := cornersDate
			if d, err := os.ReadFile(filepath.Join(dir, "date")); err == nil {
				if date, err = time.Parse("2006-01-02", strings.TrimSpace(string(d))); err != nil {
					t.Fatal(err)
				}
			}
			out := t.TempDir()
			if _, err := Reader(context.Background(), bytes.NewReader(log), "-", Options{
				Style: meeting.StyleZodbot, Channel: channel, Date: date, Out: out,
				URLPrefix: "https://meetbot.fedoraproject.org/",
			}); err != nil {
				t.Fatal(err)
			}
			want := readTree(t, filepath.Join(dir, "expected"))
			replies := string(want["bot-replies.txt"])
			delete(want, "bot-replies.txt")
			got := readTree(t, out)
			for name, w := range want {
				g, ok := got[name]
				switch {
				case !ok:
					t.Errorf("MeetBot wrote %q, gavel did not", name)
				case !bytes.Equal(g, w):
					t.Errorf("%q differs from MeetBot's:\n%s", name, firstDiff(string(g), string(w)))
				}
			}
			for name := range got {
				if _, ok := want[name]; !ok {
					t.Errorf("gavel wrote %q, MeetBot did not", name)
				}
			}
			checkReplies(t, log, channel, date, replies)
		})
	}
}

// checkReplies compares what the engine says and the topics it sets with
// MeetBot's replies, but for the start message (Fedora's zodbot had its
// own) and #undo's replies for TOPIC and LINK items (MeetBot printed the
// item object's address).
//
// MeetBot's replay prints what it would say even while it lurks (it has no
// channel to be quiet in), so logs with #lurk are not compared.
func checkReplies(t *testing.T, log []byte, channel string, date time.Time, replies string) {
	t.Helper()
	if bytes.Contains(bytes.ToLower(log), []byte("#lurk")) {
		return
	}
	var want []string
	for i, l := range strings.Split(strings.TrimSuffix(replies, "\n"), "\n") {
		if i < 2 || strings.HasPrefix(l, "REPLY: Removing item from minutes: <items.") {
			continue
		}
		want = append(want, l)
	}
	rd, err := logfile.NewReader(bytes.NewReader(log), logfile.Options{Format: logfile.MeetBot, Date: date})
	if err != nil {
		t.Fatal(err)
	}
	e := meeting.NewEngine(meeting.Options{Style: meeting.StyleZodbot, Channel: channel, URLPrefix: "https://meetbot.fedoraproject.org/"})
	var got []string
	says := 0
	for {
		ev, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		for _, eff := range e.Handle(ev) {
			switch eff.Kind {
			case meeting.EffectSay:
				if says++; says <= 4 || strings.HasPrefix(eff.Text, "Removing item from minutes: TOPIC") || strings.HasPrefix(eff.Text, "Removing item from minutes: LINK") {
					continue
				}
				got = append(got, "REPLY: "+eff.Text)
			case meeting.EffectTopic:
				got = append(got, "TOPIC: "+eff.Text)
			}
		}
	}
	if g, w := strings.Join(got, "\n"), strings.Join(want, "\n"); g != w {
		t.Errorf("replies and topics differ from MeetBot's:\n%s", firstDiff(g, w))
	}
}
