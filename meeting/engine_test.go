package meeting

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2020, 6, 10, 12, 2, 26, 0, time.UTC)

// step is one line fed to the engine in a test script.
type step struct {
	nick, text string
	account    string
}

// run feeds lines one second apart and returns the effects of the last line
// (copied) and the engine.
func run(t *testing.T, opts Options, steps ...step) (*Engine, []Effect) {
	t.Helper()
	if opts.Channel == "" {
		opts.Channel = "#fedora-meeting"
	}
	e := NewEngine(opts)
	var last []Effect
	for i, s := range steps {
		ev := Message{Time: t0.Add(time.Duration(i) * time.Second), Nick: s.nick, Text: s.text, Account: s.account}
		if strings.HasPrefix(s.text, "/me ") {
			ev.Action, ev.Text = true, strings.TrimPrefix(s.text, "/me ")
		}
		last = append([]Effect(nil), e.Handle(ev)...)
	}
	return e, last
}

func says(effects []Effect) []string {
	var out []string
	for _, f := range effects {
		if f.Kind == EffectSay {
			out = append(out, f.Text)
		}
	}
	return out
}

func kinds(items []Item) []string {
	var out []string
	for _, it := range items {
		out = append(out, string(it.Kind)+":"+it.Text)
	}
	return out
}

func TestStartMeetingReplies(t *testing.T) {
	_, eff := run(t, Options{}, step{"bcotton", "#startmeeting Magazine editorial board", ""})
	want := []string{
		"Meeting started Wed Jun 10 12:02:26 2020 UTC.",
		"This meeting is logged and archived in a public location.",
		"The chair is bcotton. Information about MeetBot at http://wiki.debian.org/MeetBot.",
		"Useful Commands: #action #agreed #halp #info #idea #link #topic.",
		"The meeting name has been set to 'magazine_editorial_board'",
	}
	if got := says(eff); !reflect.DeepEqual(got, want) {
		t.Fatalf("replies:\n%q\nwant\n%q", got, want)
	}
	if eff[0].Kind != EffectLog || eff[0].Line.N != 1 || eff[0].Line.Text != "#startmeeting Magazine editorial board" {
		t.Fatalf("first effect = %+v, want the logged #startmeeting line", eff[0])
	}
}

func TestAsctimePadsTheDay(t *testing.T) {
	if got := asctime(time.Date(2015, 4, 3, 8, 0, 3, 0, time.UTC)); got != "Fri Apr  3 08:00:03 2015" {
		t.Fatalf("asctime = %q", got)
	}
}

func TestCommands(t *testing.T) {
	start := step{"chair", "#startmeeting Weekly", ""}
	tests := []struct {
		name      string
		style     Style
		steps     []step
		wantSay   []string
		wantItems []string
		check     func(t *testing.T, e *Engine, eff []Effect)
	}{
		{name: "second start refused", steps: []step{start, {"bob", "#startmeeting again", ""}},
			wantSay: []string{"bob: Error: Can't start another meeting, one is in progress."}},
		{name: "zodbot requires a topic", style: StyleZodbot, steps: []step{{"chair", "#startmeeting", ""}},
			wantSay: []string{"chair: Error: A meeting topic is required, e.g., '#startmeeting Infrastructure'"},
			check: func(t *testing.T, e *Engine, _ []Effect) {
				if e.Active() {
					t.Error("meeting started without a topic in zodbot style")
				}
			}},
		{name: "default allows no topic, name is the channel", steps: []step{{"chair", "#startmeeting", ""}},
			wantSay: []string{"Meeting started Wed Jun 10 12:02:26 2020 UTC.", "This meeting is logged and archived in a public location.",
				"The chair is chair. Information about MeetBot at http://wiki.debian.org/MeetBot.", "Useful Commands: #action #agreed #halp #info #idea #link #topic."},
			check: func(t *testing.T, e *Engine, _ []Effect) {
				if !e.Active() || e.Meeting().Name != "fedora-meeting" || e.Meeting().Title != "" {
					t.Errorf("meeting = %+v", e.Meeting())
				}
			}},
		{name: "topic sets the channel topic", steps: []step{start, {"chair", "#topic Roll call", ""}},
			wantItems: []string{"TOPIC:Roll call"},
			check: func(t *testing.T, e *Engine, eff []Effect) {
				if eff[len(eff)-1] != (Effect{Kind: EffectTopic, Text: "Roll call (Meeting topic: Weekly)"}) {
					t.Errorf("effects = %+v", eff)
				}
			}},
		{name: "topic is chair only", steps: []step{start, {"bob", "#topic mine", ""}}},
		{name: "anyone adds info idea help link action",
			steps: []step{start, {"bob", "#info fact", ""}, {"bob", "#IDEA thought", ""}, {"bob", "#halp me", ""},
				{"bob", "#help too", ""}, {"bob", "#link http://x.example/ a page", ""}, {"bob", "#action bob to do it", ""}},
			wantItems: []string{"INFO:fact", "IDEA:thought", "HELP:me", "HELP:too", "LINK:http://x.example/ a page", "ACTION:bob to do it"}},
		{name: "bare URL line is a link", steps: []step{start, {"bob", "https://example.org/x see", ""}, {"bob", "see https://example.org/y", ""}},
			wantItems: []string{"LINK:https://example.org/x see"}},
		{name: "agreed accepted rejected are chair only",
			steps: []step{start, {"bob", "#agreed no", ""}, {"chair", "#agreed yes", ""}, {"chair", "#agree yes2", ""},
				{"chair", "#accepted a", ""}, {"chair", "#accept b", ""}, {"chair", "#rejected c", ""}, {"chair", "#reject d", ""}},
			wantItems: []string{"AGREED:yes", "AGREED:yes2", "ACCEPTED:a", "ACCEPTED:b", "REJECTED:c", "REJECTED:d"}},
		{name: "zodbot lost the #reject alias", style: StyleZodbot,
			steps:     []step{start, {"chair", "#reject d", ""}, {"chair", "#rejected c", ""}},
			wantItems: []string{"REJECTED:c"}},
		{name: "chair and unchair", steps: []step{start, {"chair", "#chair zed, Alice bob", ""}},
			wantSay: []string{"Current chairs: Alice bob chair zed"}},
		{name: "owner cannot be unchaired", steps: []step{start, {"chair", "#chair alice bob", ""}, {"chair", "#unchair chair,alice", ""}},
			wantSay: []string{"Current chairs: bob chair"}},
		{name: "zodbot unchair splits on spaces only", style: StyleZodbot,
			steps:   []step{start, {"chair", "#chair alice bob", ""}, {"chair", "#unchair alice,bob", ""}},
			wantSay: []string{"Current chairs: alice bob chair"}},
		{name: "new chair may use chair commands", steps: []step{start, {"chair", "#chair bob", ""}, {"bob", "#agreed fine", ""}},
			wantItems: []string{"AGREED:fine"}},
		{name: "undo says what it removed",
			steps:     []step{start, {"chair", "#action bob to edit #175", ""}, {"chair", "#undo", ""}},
			wantSay:   []string{"Removing item from minutes: ACTION by chair at 12:02:27 : bob to edit #175"},
			wantItems: nil},
		{name: "undo removes a topic", steps: []step{start, {"chair", "#topic a", ""}, {"chair", "#topic b", ""}, {"chair", "#undo", ""}},
			wantSay: []string{"Removing item from minutes: TOPIC by chair at 12:02:28 : b"}, wantItems: []string{"TOPIC:a"}},
		{name: "undo on empty minutes is silent", steps: []step{start, {"chair", "#undo", ""}}},
		{name: "undo is chair only", steps: []step{start, {"bob", "#info x", ""}, {"bob", "#undo", ""}}, wantItems: []string{"INFO:x"}},
		{name: "meetingname", steps: []step{start, {"chair", "#meetingname Fedora  IoT/../x", ""}},
			wantSay: []string{"The meeting name has been set to 'fedora_iot____x'"}},
		{name: "zodbot meetingname", style: StyleZodbot, steps: []step{start, {"bob", "#meetingname Fedora  IoT/../x", ""}},
			wantSay: []string{"The meeting name has been set to 'fedora_iot/../x'"},
			check: func(t *testing.T, e *Engine, _ []Effect) {
				if got := e.Meeting().BaseName(); got != "fedora_iot..x.2020-06-10-12.02" {
					t.Errorf("base name %q", got)
				}
			}},
		{name: "meetingname is chair only by default", steps: []step{start, {"bob", "#meetingname mine", ""}},
			check: func(t *testing.T, e *Engine, _ []Effect) {
				if e.Meeting().Name != "weekly" {
					t.Errorf("name = %q", e.Meeting().Name)
				}
			}},
		{name: "restrictlogs works", steps: []step{start, {"chair", "#restrictlogs", ""}},
			wantSay: []string{"Restricting permissions on minutes: -077 on next #save"},
			check: func(t *testing.T, e *Engine, _ []Effect) {
				if !e.Meeting().Restrict {
					t.Error("Restrict not set")
				}
			}},
		{name: "lurk silences replies and topics", steps: []step{start, {"chair", "#lurk", ""}, {"chair", "#chair bob", ""}, {"chair", "#topic quiet", ""}},
			wantItems: []string{"TOPIC:quiet"},
			check: func(t *testing.T, e *Engine, eff []Effect) {
				for _, f := range eff {
					if f.Kind == EffectTopic {
						t.Errorf("topic set while lurking: %+v", f)
					}
				}
			}},
		{name: "save", steps: []step{start, {"chair", "#save", ""}},
			check: func(t *testing.T, e *Engine, eff []Effect) {
				if eff[len(eff)-1].Kind != EffectSave {
					t.Errorf("effects = %+v", eff)
				}
			}},
		{name: "save is chair only", steps: []step{start, {"bob", "#save", ""}},
			check: func(t *testing.T, e *Engine, eff []Effect) {
				if len(eff) != 1 {
					t.Errorf("effects = %+v", eff)
				}
			}},
		{name: "commands", steps: []step{start, {"bob", "#commands", ""}},
			wantSay: []string{"Available commands: #accept #accepted #action #agree #agreed #chair #commands #endmeeting #endvote #halp #help #idea #info #link #lurk #meetingname #meetingtopic #nick #reject #rejected #restrictlogs #save #showvote #startmeeting #startvote #topic #unchair #undo #unlurk #vote"}},
		{name: "unknown commands are ignored", steps: []step{start, {"chair", "#proposed #agreed x", ""}, {"chair", "#123", ""}}},
		{name: "meetingtopic", steps: []step{start, {"chair", "#topic t", ""}, {"chair", "#meetingtopic Other", ""}},
			wantItems: []string{"TOPIC:t"},
			check: func(t *testing.T, e *Engine, eff []Effect) {
				if e.Meeting().Title != "Other" || eff[len(eff)-1].Text != "t (Meeting topic: Other)" {
					t.Errorf("title %q effects %+v", e.Meeting().Title, eff)
				}
			}},
		{name: "meetingtopic unset", steps: []step{start, {"chair", "#meetingtopic none", ""}},
			check: func(t *testing.T, e *Engine, _ []Effect) {
				if e.Meeting().Title != "" {
					t.Errorf("title %q", e.Meeting().Title)
				}
			}},
		{name: "actions are not commands", steps: []step{start, {"chair", "/me #topic waves", ""}}},
		{name: "vote", steps: []step{start, {"chair", "#startvote Ship it? yes, no, later", ""}, {"bob", "#vote YES", ""},
			{"amy", "#vote no", ""}, {"bob", "#vote later", ""}, {"cy", "#vote maybe", ""}, {"chair", "#endvote", ""}},
			wantSay:   []string{`Voted on "Ship it?" Results are`, "no (1): amy", "later (1): bob"},
			wantItems: []string{`VOTE:Voted on "Ship it?" Results are, yes: 0, no: 1, later: 1`}},
		{name: "invalid vote", steps: []step{start, {"chair", "#startvote Go?", ""}, {"cy", "#vote maybe", ""}},
			wantSay: []string{"cy: maybe is not a valid option. Valid options are Yes, No."}},
		{name: "vote needs a question", steps: []step{start, {"chair", "#startvote pizza", ""}},
			wantSay: []string{"Unable to parse vote topic and options."}},
		{name: "vote start is chair only", steps: []step{start, {"bob", "#startvote Go?", ""}}},
		{name: "second vote refused", steps: []step{start, {"chair", "#startvote Go?", ""}, {"chair", "#startvote Stop?", ""}},
			wantSay: []string{"Already voting on 'Go?'"}},
		{name: "endmeeting", steps: []step{start, {"chair", "#topic t", ""}, {"chair", "#endmeeting", ""}},
			wantSay: []string{
				"Meeting ended Wed Jun 10 12:02:28 2020 UTC.  Information about MeetBot at http://wiki.debian.org/MeetBot . (v 0.1.4)",
				"Minutes:        https://m.example/fedora-meeting/2020-06-10/weekly.2020-06-10-12.02.html",
				"Minutes (text): https://m.example/fedora-meeting/2020-06-10/weekly.2020-06-10-12.02.txt",
				"Log:            https://m.example/fedora-meeting/2020-06-10/weekly.2020-06-10-12.02.log.html",
			},
			wantItems: []string{"TOPIC:t"},
			check: func(t *testing.T, e *Engine, eff []Effect) {
				if e.Active() || !e.Meeting().Ended() {
					t.Error("meeting still active")
				}
				var order []EffectKind
				for _, f := range eff {
					order = append(order, f.Kind)
				}
				want := []EffectKind{EffectLog, EffectTopic, EffectEnd, EffectSay, EffectSay, EffectSay, EffectSay}
				if !reflect.DeepEqual(order, want) {
					t.Errorf("effect order %v, want %v", order, want)
				}
			}},
		{name: "endmeeting is chair only", steps: []step{start, {"bob", "#endmeeting", ""}},
			check: func(t *testing.T, e *Engine, _ []Effect) {
				if !e.Active() {
					t.Error("bob ended the meeting")
				}
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e, eff := run(t, Options{Style: tc.style, URLPrefix: "https://m.example/"}, tc.steps...)
			if got := says(eff); !reflect.DeepEqual(got, tc.wantSay) {
				t.Errorf("replies:\n%q\nwant\n%q", got, tc.wantSay)
			}
			if m := e.Meeting(); m != nil {
				if got := kinds(m.Items); !reflect.DeepEqual(got, tc.wantItems) {
					t.Errorf("items:\n%q\nwant\n%q", got, tc.wantItems)
				}
			}
			if tc.check != nil {
				tc.check(t, e, eff)
			}
		})
	}
}

func TestAttendance(t *testing.T) {
	e, _ := run(t, Options{},
		step{"chair", "#startmeeting x", ""},
		step{"bob", "hi", ""},
		step{"chair", "#chair amy bob", ""},
		step{"chair", "#nick zed,yan", ""},
		step{"bob", "/me waves", ""},
	)
	e.Handle(NickChange{Time: t0, Old: "bob", New: "bobby"})
	e.Handle(Message{Time: t0, Nick: "bobby", Text: "back"})
	want := []Attendee{{"chair", 3}, {"bobby", 3}, {"amy", 0}, {"zed", 0}, {"yan", 0}}
	if got := e.Meeting().Attendees; !reflect.DeepEqual(got, want) {
		t.Fatalf("attendees = %v, want %v", got, want)
	}
	if !e.Meeting().IsChair("bobby") {
		t.Error("chair rights did not follow the nick change")
	}
}

func TestEchoedRepliesAreLoggedButNotSavePoints(t *testing.T) {
	e := NewEngine(Options{Style: StyleZodbot, Channel: "#fedora-meeting"})
	lines := []step{
		{"bcotton", "#startmeeting Magazine editorial board", ""},
		{"zodbot", "Meeting started Wed Jun 10 12:02:26 2020 UTC.", ""},
		{"zodbot", "This meeting is logged and archived in a public location.", ""},
		{"zodbot", "The chair is bcotton. Information about MeetBot at http://wiki.debian.org/MeetBot.", ""},
		{"zodbot", "Useful Commands: #action #agreed #halp #info #idea #link #topic.", ""},
		{"zodbot", "The meeting name has been set to 'magazine_editorial_board'", ""},
		{"bcotton", "#meetingname magazine", ""},
	}
	for _, s := range lines {
		e.Handle(Message{Time: t0, Nick: s.nick, Text: s.text})
	}
	m := e.Meeting()
	if want := []Stub{{Name: "magazine_editorial_board", Lines: 1}}; !reflect.DeepEqual(m.Stubs, want) {
		t.Fatalf("stubs = %+v, want %+v", m.Stubs, want)
	}
	if m.LineCount != 7 || m.Name != "magazine" {
		t.Fatalf("lines %d name %q", m.LineCount, m.Name)
	}
}

func TestBindAccounts(t *testing.T) {
	opts := Options{BindAccounts: true}
	e, _ := run(t, opts,
		step{"chair", "#startmeeting x", "chairacct"},
		step{"chair", "#chair bob", "chairacct"},
		step{"bob", "#info bound now", "bobacct"},
		step{"bob", "#agreed real bob", "bobacct"},
		step{"bob", "#agreed impostor", "mallory"},
		step{"bob", "#agreed nobody", ""},
		step{"chair", "#agreed impostor chair", ""},
	)
	if got, want := kinds(e.Meeting().Items), []string{"INFO:bound now", "AGREED:real bob"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("items = %q, want %q", got, want)
	}
}

func TestPathsNeverLeaveTheRoot(t *testing.T) {
	for _, name := range []string{"../../x", "..", ".", "", "/etc/passwd", `..\..\x`, "a\x00b", "#..", "#../..", "ÿ/./"} {
		for _, got := range []string{ChannelDir(name), SafeName(name)} {
			if got == "" || got == "." || got == ".." || strings.ContainsAny(got, "/\\\x00") {
				t.Errorf("%q gave unsafe component %q", name, got)
			}
		}
	}
	m := &Meeting{Channel: "#../..", Name: "../../etc", Start: t0}
	rb := m.RelBase()
	if !filepath.IsLocal(rb) || len(strings.Split(rb, "/")) != 3 {
		t.Errorf("RelBase = %q is not three local path components", rb)
	}
}
