package tui

import (
	"strings"
	"testing"

	"gavel/meeting"
	"gavel/meeting/chair"
	"gavel/meeting/live"
)

// saidGlue is the offline live driver, recording every line the console
// says in a channel as the chair's own (offline, what is said reaches the
// engine through HandleEvent): what the channel would see, whatever the
// console's scrollback holds after /clear.
type saidGlue struct {
	*live.Controller
	nick string
	said []string
}

func (g *saidGlue) HandleEvent(channel string, ev meeting.Event) []live.Update {
	if m, ok := ev.(meeting.Message); ok && m.Nick == g.nick {
		g.said = append(g.said, m.Text)
	}
	return g.Controller.HandleEvent(channel, ev)
}

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
		"done 1", "carry x", "followup", "rollcall", "agenda add " + strings.Repeat("é", 2000), "clear",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		ctl, err := live.New(live.Config{Chair: &chair.Config{}})
		if err != nil {
			t.Fatal(err)
		}
		g := &saidGlue{Controller: ctl, nick: "chair"}
		m, err := New(Options{Channels: []string{"#meet"}, Nick: "chair", Glue: g, Getenv: func(string) string { return "" }})
		if err != nil {
			t.Fatal(err)
		}
		m.Width, m.Height = 100, 30
		m.layout()
		m.say("#meet", "#startmeeting Fuzz")
		m.command("/agenda clear")
		m.command("/agenda add First item https://example.org/1 [5m]")
		m.command("/next")
		m.command("/" + line)
		m.Render()
		said := map[string]bool{}
		for _, l := range g.said {
			said[l] = true
			if len(l) > 512 {
				t.Errorf("said a line of %d bytes", len(l))
			}
			for _, r := range l {
				if r < 0x20 && r != 0x02 && r != 0x03 && r != 0x0f && r != 0x16 && r != 0x1d && r != 0x1e && r != 0x1f {
					t.Errorf("said %q", l)
				}
			}
		}
		if !said["#topic First item"] || !said["#link https://example.org/1"] {
			t.Fatalf("/next said nothing: %v", said)
		}
	})
}
