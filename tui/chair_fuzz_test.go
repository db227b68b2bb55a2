package tui

import (
	"strings"
	"testing"
	"time"

	"gavel/meeting"
	"gavel/tui/chanlog"
)

// FuzzChairCommands types the chair's commands with any arguments in a
// running meeting (offline, so every line said reaches the engine at
// once): nothing panics, and every line the console says in the channel
// is one IRC line of text (no line breaks, NUL or other C0 controls but
// IRC's formatting codes) within the line budget.
func FuzzChairCommands(f *testing.F) {
	for _, s := range []string{
		"agenda add Open floor [10m]", "agenda add \x00\r\n#endmeeting", "agenda skip 99", "agenda skip -1",
		"agenda forge not-a-url", "agenda take", "agenda show", "agenda clear", "agenda load /nonexistent",
		"next", "timebox 10m", "timebox 25h", "timebox notice maybe", "timebox off",
		"voters nirik pingou,relrod", "voters a\x01b", "voters " + strings.Repeat("n ", 150), "quorum 50%", "quorum 0", "quorum 101%",
		"done 1", "carry x", "followup", "rollcall", "agenda add " + strings.Repeat("é", 2000),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		m, err := New(Options{Channels: []string{"#meet"}, Nick: "chair", Getenv: func(string) string { return "" }})
		if err != nil {
			t.Fatal(err)
		}
		m.Width, m.Height = 100, 30
		m.layout()
		t0 := time.Date(2025, 5, 13, 17, 0, 0, 0, time.UTC)
		m.opts.Glue.HandleEvent("#meet", meeting.Message{Time: t0, Nick: "chair", Text: "#startmeeting Fuzz"})
		m.chairOf("#meet").agenda = nil
		m.chairObserve(nil)
		m.command("/agenda add First item https://example.org/1 [5m]")
		m.command("/next")
		m.chairObserve(nil)
		m.command("/" + line)
		m.chairObserve(nil)
		m.Render()
		w := m.wins.Get("#meet")
		said := map[string]bool{}
		for i := 0; i < w.Log.Buf.Len(); i++ {
			l := w.Log.Buf.At(i)
			if l.Flags&chanlog.Self == 0 {
				continue
			}
			said[l.Text] = true
			if len(l.Text) > 512 {
				t.Errorf("said a line of %d bytes", len(l.Text))
			}
			for _, r := range l.Text {
				if r < 0x20 && r != 0x02 && r != 0x03 && r != 0x0f && r != 0x16 && r != 0x1d && r != 0x1e && r != 0x1f {
					t.Errorf("said %q", l.Text)
				}
			}
		}
		if !said["#topic First item"] || !said["#link https://example.org/1"] {
			t.Fatalf("/next said nothing: %v", said)
		}
	})
}
