package tui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"gavel/ircclient"
)

// TestDemoChairToolsSeeTypedLines: in the offline demo the chair's typed
// lines take the live path (the demo network echoes them, the live driver
// and then the chair's tools take them), so a typed #topic starts the
// tools' topic and a typed vote is tallied.
func TestDemoChairToolsSeeTypedLines(t *testing.T) {
	m := seedDemo(t, 20, fixedOpts())
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	send(m, "#topic Deploys")
	drainDemo(m)
	tools := m.tools("#fedora-meeting")
	if tools == nil {
		t.Fatal("no chair's tools for the demo's channel")
	}
	if c, ok := tools.Clock(m.clock()); !ok || c.Topic != "Deploys" {
		t.Fatalf("the chair's tools did not see the typed #topic: %+v %v", c, ok)
	}
	send(m, "#startvote Deploy today? yes, no")
	drainDemo(m)
	send(m, "#vote yes")
	drainDemo(m)
	res, ok, _ := tools.Vote()
	if !ok || res.Question != "Deploy today?" || res.Yes != 1 {
		t.Fatalf("vote: running %v, %+v", ok, res)
	}
	if l := m.wins.Get("#fedora-meeting").Log.Buf.Last(); l == nil || l.Text != "#vote yes" || l.Nick != "nirik" {
		t.Errorf("the typed vote is not the window's last line, as nirik's: %+v", l)
	}
}

// TestColouredTopicDrawnWithoutCodes: a channel topic with IRC colours is
// read by the one scanner for the title bar: the text shows, the colour
// numbers do not.
func TestColouredTopicDrawnWithoutCodes(t *testing.T) {
	m, f := liveModel(t)
	f.deliver(ircclient.Topic{Meta: at(1), Source: ircclient.Source{Nick: "alice"}, Channel: "#meet", Text: "\x0304,01red\x03 agenda \x02today\x02 \x1fplease\x1f"})
	pump(m, f)
	title := strings.Split(screen(m), "\n")[1]
	if !strings.Contains(title, "red agenda today please") {
		t.Fatalf("the title bar does not show the topic:\n%s", title)
	}
	if strings.Contains(title, "04") || strings.Contains(title, ",01") {
		t.Errorf("colour codes drawn in the title bar:\n%s", title)
	}
}

// TestDemoChairToolsSay: in the offline demo the chair's tools say their
// lines as the chair's own, through the demo network: /agenda add, then
// /next posts the item, which the tools then take as the current topic.
func TestDemoChairToolsSay(t *testing.T) {
	m := seedDemo(t, 20, fixedOpts())
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	send(m, "/agenda add Deploys [5m]")
	drainDemo(m)
	send(m, "/next")
	drainDemo(m)
	tools := m.tools("#fedora-meeting")
	if tools == nil {
		t.Fatal("no chair's tools for the demo's channel")
	}
	if c, ok := tools.Clock(m.clock()); !ok || c.Topic != "Deploys" || c.Box != 5*time.Minute {
		t.Fatalf("the tools' topic after /next: %+v %v", c, ok)
	}
	if !strings.Contains(texts(m, "#fedora-meeting"), "#topic Deploys") {
		t.Errorf("/next said nothing in the window:\n%s", texts(m, "#fedora-meeting"))
	}
}
