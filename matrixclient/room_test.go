package matrixclient

import (
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"

	"maunium.net/go/mautrix/event"
)

// loadState applies a file of state events (as GET /rooms/{id}/state gives
// them) to a new room.
func loadState(t *testing.T, file string, members ...string) *room {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var evs []*event.Event
	if err := json.Unmarshal(b, &evs); err != nil {
		t.Fatal(err)
	}
	r := newRoom("!r", "!r", "@me:example.org")
	for _, e := range evs {
		r.apply(stateEvent{Type: e.Type.Type, StateKey: *e.StateKey, Sender: string(e.Sender), Content: e.Content.VeryRaw})
	}
	for _, m := range members {
		r.setMember(m, "join", "")
	}
	return r
}

func TestPowerLevelsFromCreateAndPowerLevelsEvents(t *testing.T) {
	// Recorded from Dendrite v0.13.8 (a version-10 room alice made, bob joined).
	v10 := loadState(t, "testdata/dendrite-v10-state.json")
	// Version 12 (hand-written to the v12 rules, which Dendrite v0.13.8
	// cannot make): the creator and additional_creators outrank every level
	// and are not listed in users.
	v12 := loadState(t, "testdata/v12-create-power.json", "@alice:example.org", "@bob:example.org", "@carol:example.org", "@dave:example.org")
	for _, tc := range []struct {
		room    *room
		user    string
		power   int
		creator bool
	}{
		{v10, "@alice:localhost", 100, false},
		{v10, "@bob:localhost", 0, false},
		{v12, "@alice:example.org", CreatorPower, true},
		{v12, "@bob:example.org", CreatorPower, true},
		{v12, "@carol:example.org", 50, false},
		{v12, "@dave:example.org", 0, false},
	} {
		p, c := tc.room.power(tc.user)
		if p != tc.power || c != tc.creator {
			t.Errorf("room v%s: %s has power %d creator %v, want %d %v", tc.room.version, tc.user, p, c, tc.power, tc.creator)
		}
	}
	if v10.version != "10" || v12.version != "12" {
		t.Errorf("versions %q %q", v10.version, v12.version)
	}
	var order []string
	for _, m := range v12.info().Members {
		order = append(order, m.UserID)
	}
	if want := []string{"@alice:example.org", "@bob:example.org", "@carol:example.org", "@dave:example.org"}; !slices.Equal(order, want) {
		t.Errorf("members pane order %q, want %q", order, want)
	}
	if m, _ := v10.info().Member("@bob:localhost"); m.Name != "bob" {
		t.Errorf("bob's name in the recorded room: %q", m.Name)
	}
}

func TestPowerLevelValues(t *testing.T) {
	for in, want := range map[string]int{
		`50`: 50, `"50"`: 50, `" 75 "`: 75, `50.9`: 50, `-10`: -10, `1e12`: 1<<31 - 2,
		`null`: 0, `true`: 0, `"x"`: 0, `{}`: 0, ``: 0,
	} {
		if got := level(json.RawMessage(in)); got != want {
			t.Errorf("level(%s) = %d, want %d", in, got, want)
		}
	}
	pl := parsePowerLevels(json.RawMessage(`{"users":{"@a:x":"100","@b:x":[1]},"users_default":"10"}`))
	if pl.users["@a:x"] != 100 || pl.users["@b:x"] != 0 || pl.usersDefault != 10 {
		t.Errorf("lenient power levels %+v", pl)
	}
	for v, want := range map[string]bool{"1": false, "10": false, "11": false, "12": true, "13": true, "org.matrix.hydra.11": true, "": false, "x12": false} {
		if got := creatorsHavePower(v); got != want {
			t.Errorf("creatorsHavePower(%q) = %v", v, got)
		}
	}
}

func TestDisplayNamesToldApartAsElementDoes(t *testing.T) {
	r := newRoom("!r", "!r", "@me:x")
	r.setMember("@alice:x", "join", "Alice")
	r.setMember("@bob:x", "join", "Bob")
	r.setMember("@nobody:x", "join", "")
	r.setMember("@fake:x", "join", "@alice:x")
	for uid, want := range map[string]string{
		"@alice:x": "Alice", "@bob:x": "Bob", "@nobody:x": "@nobody:x",
		"@fake:x": "@alice:x (@fake:x)", "@stranger:x": "@stranger:x",
	} {
		if got := r.name(uid); got != want {
			t.Errorf("name(%s) = %q, want %q", uid, got, want)
		}
	}
	// An invited member with the same name makes both ambiguous.
	r.setMember("@alice2:y", "invite", "Alice")
	if r.name("@alice:x") != "Alice (@alice:x)" || r.name("@alice2:y") != "Alice (@alice2:y)" {
		t.Errorf("collision: %q %q", r.name("@alice:x"), r.name("@alice2:y"))
	}
	// Once she leaves, Alice is Alice again.
	r.setMember("@alice2:y", "leave", "Alice")
	if r.name("@alice:x") != "Alice" {
		t.Errorf("after the leave: %q", r.name("@alice:x"))
	}
	if r.names["Alice"] != 1 {
		t.Errorf("name count %d", r.names["Alice"])
	}
}

func TestBodyLines(t *testing.T) {
	members := map[string]string{"@carol:example.org": "Carol", "@d-2:x.y": "D"}
	name := func(uid string) (string, bool) { n, ok := members[uid]; return n, ok }
	lim := limits{maxBytes: 64, maxLines: 3}
	for _, tc := range []struct {
		name, body string
		reply      bool
		want       string
		truncated  bool
	}{
		{"one line", "#info hello", false, "#info hello", false},
		{"paste", "#topic a\n\n  \n#info b\r\n#idea c\r", false, "#topic a|#info b|#idea c", false},
		{"reply fallback", "> <@a:x> #topic a\n> more\n\n#agreed yes", true, "#agreed yes", false},
		{"quote that is no reply stays", "> quoted\n\ntext", false, "> quoted|text", false},
		{"reply that is only a quote", "> <@a:x> hi", true, "> <@a:x> hi", false},
		{"mentions", "thanks @carol:example.org, @d-2:x.y. and @eve:x", false, "thanks Carol, D. and @eve:x", false},
		{"too many lines", "1\n2\n3\n4", false, "1|2|3", true},
		{"too long", strings.Repeat("é", 40), false, strings.Repeat("é", 32), true},
		{"bad UTF-8", "a\xffb", false, "a\uFFFDb", false},
		{"trailing spaces", "#info x  \t", false, "#info x", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lines, tr := bodyLines(tc.body, tc.reply, lim, name)
			if got := strings.Join(lines, "|"); got != tc.want || tr != tc.truncated {
				t.Errorf("bodyLines(%q) = %q, %v; want %q, %v", tc.body, got, tr, tc.want, tc.truncated)
			}
		})
	}
}

func TestConvertMessageContent(t *testing.T) {
	r := newRoom("!r", "!r", "@me:x")
	r.setMember("@a:x", "join", "Ann")
	lim := limits{maxBytes: 100, maxLines: 10}
	conv := func(typ, content string, redacted bool) Event {
		e := &event.Event{Type: event.Type{Type: typ}, ID: "$e", Sender: "@a:x", Timestamp: 1700000000000}
		e.Content.VeryRaw = json.RawMessage(content)
		if redacted {
			e.Unsigned.RedactedBecause = &event.Event{}
		}
		return r.convert(e, how{}, lim)
	}
	for _, tc := range []struct {
		name, typ, content string
		redacted           bool
		want               string
	}{
		{"text", "m.room.message", `{"msgtype":"m.text","body":"hi","formatted_body":"<b>x</b>"}`, false, "Message m.text [hi] Ann"},
		{"emote", "m.room.message", `{"msgtype":"m.emote","body":"waves"}`, false, "Message m.emote [waves] Ann"},
		{"notice", "m.room.message", `{"msgtype":"m.notice","body":"bot"}`, false, "Message m.notice [bot] Ann"},
		{"image", "m.room.message", `{"msgtype":"m.image","body":"cat.png"}`, false, "Placeholder [image: cat.png]"},
		{"file name", "m.room.message", `{"msgtype":"m.file","body":"see","filename":"a.pdf"}`, false, "Placeholder [file: a.pdf]"},
		{"unknown msgtype", "m.room.message", `{"msgtype":"org.x.poll","body":"vote"}`, false, "Placeholder [org.x.poll: vote]"},
		{"no msgtype", "m.room.message", `{"body":"x"}`, false, "Placeholder [message without msgtype]"},
		{"body not text", "m.room.message", `{"msgtype":"m.text","body":5}`, false, "Placeholder [message without text]"},
		{"not JSON object", "m.room.message", `[1]`, false, "Placeholder [unreadable message]"},
		{"redacted", "m.room.message", `{}`, true, "Placeholder [redacted]"},
		{"sticker", "m.sticker", `{"body":"thumbs up"}`, false, "Placeholder [sticker: thumbs up]"},
		{"edit", "m.room.message", `{"msgtype":"m.text","body":"* new","m.new_content":{"msgtype":"m.text","body":"new\nlines"},"m.relates_to":{"rel_type":"m.replace","event_id":"$o"}}`, false, "Edit $o [new lines]"},
		{"edit without new content", "m.room.message", `{"msgtype":"m.text","body":"* fixed","m.relates_to":{"rel_type":"m.replace","event_id":"$o"}}`, false, "Edit $o [fixed]"},
		{"redaction v11", "m.room.redaction", `{"redacts":"$o","reason":"oops"}`, false, "Redaction $o oops"},
		{"empty body", "m.room.message", `{"msgtype":"m.text","body":"  \n "}`, false, "<nil>"},
		{"reaction", "m.reaction", `{"m.relates_to":{"rel_type":"m.annotation","event_id":"$o","key":"👍"}}`, false, "<nil>"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := "<nil>"
			switch ev := conv(tc.typ, tc.content, tc.redacted).(type) {
			case Message:
				got = "Message " + ev.Kind.String() + " [" + strings.Join(ev.Lines, " ") + "] " + ev.Name
			case Placeholder:
				got = "Placeholder " + ev.Text
			case Edit:
				got = "Edit " + ev.Original + " [" + strings.Join(ev.Lines, " ") + "]"
			case Redaction:
				got = "Redaction " + ev.Redacts + " " + ev.Reason
			case nil:
			default:
				got = "?"
			}
			if got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}
