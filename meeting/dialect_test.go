package meeting

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// TestFedoraDialectCommands pins the commands of Fedora's Matrix meetbot
// (maubot-meetings: "!startmeeting", "!endmeeting", "!meetingname",
// "!topic" with their short forms "!sm", "!em", "!mn", "!t", and the tags
// action, info, agreed, rejected, idea, halp, link) and that each does in
// the Fedora dialect what its '#' form does in MeetBot's.
func TestFedoraDialectCommands(t *testing.T) {
	tests := []struct {
		fedora, meetbot string
	}{
		{"!startmeeting Infra", "#startmeeting Infra"},
		{"!sm Infra", "#startmeeting Infra"},
		{"!meetingname infra weekly", "#meetingname infra weekly"},
		{"!mn infra weekly", "#meetingname infra weekly"},
		{"!topic mirrors", "#topic mirrors"},
		{"!t mirrors", "#topic mirrors"},
		{"!info the mirror is down", "#info the mirror is down"},
		{"!action nirik to fix it", "#action nirik to fix it"},
		{"!agreed fix it today", "#agreed fix it today"},
		{"!rejected wait a week", "#rejected wait a week"},
		{"!idea a second mirror", "#idea a second mirror"},
		{"!halp who has access?", "#halp who has access?"},
		{"!link https://pagure.io/x the ticket", "#link https://pagure.io/x the ticket"},
		{"!endmeeting", "#endmeeting"},
		{"!em", "#endmeeting"},
	}
	for _, tt := range tests {
		t.Run(tt.fedora, func(t *testing.T) {
			m := runLines(t, DialectMeetBot, "#startmeeting Infra", tt.meetbot)
			f := runLines(t, DialectFedora, "!startmeeting Infra", tt.fedora)
			if strings.Contains(tt.meetbot, "startmeeting") {
				m = runLines(t, DialectMeetBot, tt.meetbot)
				f = runLines(t, DialectFedora, tt.fedora)
			}
			mm, fm := m.Meeting(), f.Meeting()
			if fm == nil || mm == nil {
				t.Fatalf("no meeting: meetbot %v, fedora %v", mm, fm)
			}
			if !slices.Equal(kinds(mm.Items), kinds(fm.Items)) || mm.Name != fm.Name || mm.Ended() != fm.Ended() {
				t.Errorf("fedora %q: items %q name %q ended %v; meetbot %q: items %q name %q ended %v",
					tt.fedora, kinds(fm.Items), fm.Name, fm.Ended(), tt.meetbot, kinds(mm.Items), mm.Name, mm.Ended())
			}
		})
	}
}

func runLines(t *testing.T, d Dialect, lines ...string) *Engine {
	t.Helper()
	e := NewEngine(Options{Channel: "#infra:fedora.im", Dialect: d})
	for i, l := range lines {
		e.Handle(Message{Time: t0.Add(time.Duration(i) * time.Second), Nick: "nirik", Text: l})
	}
	return e
}

// TestDialectsDoNotMix: in a Fedora room "#info" is an ordinary line, and
// in a MeetBot channel "!info" is.
func TestDialectsDoNotMix(t *testing.T) {
	f := runLines(t, DialectFedora, "!startmeeting x", "#info not here", "#endmeeting")
	if len(f.Meeting().Items) != 0 || !f.Active() {
		t.Errorf("fedora dialect ran '#' commands: items %q, active %v", kinds(f.Meeting().Items), f.Active())
	}
	m := runLines(t, DialectMeetBot, "#startmeeting x", "!info not here", "!em")
	if len(m.Meeting().Items) != 0 || !m.Active() {
		t.Errorf("meetbot dialect ran '!' commands: items %q, active %v", kinds(m.Meeting().Items), m.Active())
	}
	if n := runLines(t, DialectMeetBot, "!startmeeting x"); n.Meeting() != nil {
		t.Error("!startmeeting started a meeting in the MeetBot dialect")
	}
}

// TestFedoraDialectReplies: the replies name the commands as the room
// spells them.
func TestFedoraDialectReplies(t *testing.T) {
	e := NewEngine(Options{Channel: "#infra:fedora.im", Dialect: DialectFedora})
	got := says(e.Handle(Message{Time: t0, Nick: "nirik", Text: "!startmeeting Infra"}))
	if !slices.Contains(got, "Useful Commands: !action !agreed !halp !info !idea !link !topic.") {
		t.Errorf("start replies %q", got)
	}
	got = says(e.Handle(Message{Time: t0.Add(time.Second), Nick: "nirik", Text: "!commands"}))
	if len(got) != 1 || !strings.Contains(got[0], " !topic") || strings.Contains(got[0], "#") {
		t.Errorf("!commands replied %q", got)
	}
}

func TestParseDialect(t *testing.T) {
	for in, want := range map[string]Dialect{"": DialectMeetBot, "meetbot": DialectMeetBot, "#": DialectMeetBot,
		"fedora": DialectFedora, "Fedora": DialectFedora, "!": DialectFedora, "maubot": DialectFedora} {
		if got, ok := ParseDialect(in); !ok || got != want {
			t.Errorf("ParseDialect(%q) = %v, %v; want %v", in, got, ok, want)
		}
	}
	if _, ok := ParseDialect("slack"); ok {
		t.Error(`ParseDialect("slack") accepted`)
	}
	for _, d := range []Dialect{DialectMeetBot, DialectFedora} {
		if back, ok := ParseDialect(d.String()); !ok || back != d {
			t.Errorf("%v does not read back", d)
		}
	}
}
