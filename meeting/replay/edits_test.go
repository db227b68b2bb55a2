package replay

import (
	"bytes"
	"errors"
	"io"
	"slices"
	"testing"
	"time"

	"gavel/meeting"
	"gavel/meeting/logfile"
	"gavel/meeting/minutes"
)

// TestMatrixEditsReplay: a Fedora-dialect meeting with edits, redactions,
// a multi-line paste and chairs by power level and by user ID, written
// to a .log.txt, replays to the same items, chairs and log.
func TestMatrixEditsReplay(t *testing.T) {
	at := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
	mods := map[string]bool{"@mattdm:fedora.im": true}
	live := meeting.NewEngine(meeting.Options{Channel: "#infra:fedora.im", Dialect: meeting.DialectFedora,
		Moderator: func(_, id string) bool { return mods[id] }})
	var logTxt bytes.Buffer
	w := minutes.NewLogText(&logTxt, meeting.StyleDefault)
	var said []string
	feed := func(ev meeting.Event) {
		for _, eff := range live.Handle(ev) {
			switch eff.Kind {
			case meeting.EffectLog:
				if err := w.WriteLine(eff.Line); err != nil {
					t.Fatal(err)
				}
			case meeting.EffectSay:
				said = append(said, eff.Text)
			}
		}
		at = at.Add(time.Second)
	}
	msg := func(nick, id string, part int, text string) {
		feed(meeting.Message{Time: at, Nick: nick, Account: "@" + nick + ":fedora.im", ID: id, Part: part, Text: text})
	}
	msg("nirik", "$1", 0, "!startmeeting infra")
	msg("nirik", "$2", 0, "!topic mirrors")
	msg("nirik", "$3", 0, "!info the mirror is down")
	feed(meeting.Edit{Time: at, Nick: "nirik", Account: "@nirik:fedora.im", ID: "$3", Text: "!info the mirror is back"})
	msg("adamw", "$4", 0, "!idea a second mirror")
	msg("adamw", "$4", 1, "!action adamw to ask")
	feed(meeting.Redaction{Time: at, Nick: "adamw", ID: "$4"})
	msg("mattdm", "$5", 0, "!agreed keep one")
	msg("nirik", "$6", 0, "!chair @kevin:fedora.im")
	msg("kevin", "$7", 0, "!t next")
	feed(meeting.Edit{Time: at, Nick: "kevin", Account: "@kevin:fedora.im", ID: "$7", Text: "!topic the next one"})
	msg("nirik", "$8", 0, "!endmeeting")
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}

	rd, err := logfile.NewReader(bytes.NewReader(logTxt.Bytes()), logfile.Options{Date: at})
	if err != nil {
		t.Fatal(err)
	}
	again := meeting.NewEngine(meeting.Options{Channel: "#infra:fedora.im", Dialect: meeting.DialectFedora})
	var lines []meeting.Line
	for {
		ev, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		for _, eff := range again.Handle(ev) {
			if eff.Kind == meeting.EffectLog {
				lines = append(lines, eff.Line)
			}
		}
	}
	a, b := live.Meeting(), again.Meeting()
	if b == nil || !b.Ended() {
		t.Fatalf("the replay has no ended meeting:\n%s", logTxt.Bytes())
	}
	items := func(m *meeting.Meeting) (out []string) {
		for _, it := range m.Items {
			out = append(out, string(it.Kind)+":"+it.Nick+":"+it.Text)
		}
		return out
	}
	want := []string{"TOPIC:nirik:mirrors", "INFO:nirik:the mirror is back", "AGREED:mattdm:keep one", "TOPIC:kevin:the next one"}
	if got := items(a); !slices.Equal(got, want) {
		t.Errorf("live items %q, want %q", got, want)
	}
	if !slices.Equal(items(a), items(b)) || !slices.Equal(a.ChairList(), b.ChairList()) || a.LineCount != b.LineCount {
		t.Errorf("replay differs:\nlive   %q %q %d\nreplay %q %q %d\nlog:\n%s", items(a), a.ChairList(), a.LineCount,
			items(b), b.ChairList(), b.LineCount, logTxt.Bytes())
	}
	var again2 bytes.Buffer
	w2 := minutes.NewLogText(&again2, meeting.StyleDefault)
	for _, l := range lines {
		w2.WriteLine(l)
	}
	w2.Flush()
	if !bytes.Equal(again2.Bytes(), logTxt.Bytes()) {
		t.Errorf("the replay's .log.txt differs:\n%s\n---\n%s", logTxt.Bytes(), again2.Bytes())
	}
}
