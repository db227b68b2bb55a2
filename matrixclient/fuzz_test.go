package matrixclient

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"maunium.net/go/mautrix/event"
)

// FuzzRoomEvent feeds arbitrary event content of each type the client
// reads through convert: it never panics, a message's lines are single,
// non-blank, valid UTF-8 lines within the limits, and names stay on one line.
func FuzzRoomEvent(f *testing.F) {
	for _, s := range []struct {
		typ     string
		state   bool
		content string
	}{
		{"m.room.message", false, `{"msgtype":"m.text","body":"#topic a\n#info b"}`},
		{"m.room.message", false, `{"msgtype":"m.text","body":"> <@a:x> q\n\nreply","m.relates_to":{"m.in_reply_to":{"event_id":"$x"}}}`},
		{"m.room.message", false, `{"msgtype":"m.text","body":"* e","m.new_content":{"msgtype":"m.text","body":"e"},"m.relates_to":{"rel_type":"m.replace","event_id":"$o"}}`},
		{"m.room.message", false, `{"msgtype":"m.image","body":"a.png"}`},
		{"m.room.redaction", false, `{"redacts":"$o"}`},
		{"m.room.member", true, `{"membership":"join","displayname":"A\nB"}`},
		{"m.room.power_levels", true, `{"users":{"@a:x":"50"},"users_default":1e400}`},
		{"m.room.create", true, `{"room_version":"12","additional_creators":["@b:x",5]}`},
		{"m.room.topic", true, `{"topic":"t\u0000"}`},
	} {
		f.Add(s.typ, s.state, s.content)
	}
	lim := limits{maxBytes: 256, maxLines: 5}
	f.Fuzz(func(t *testing.T, typ string, state bool, content string) {
		r := newRoom("!r", "!r", "@me:x")
		r.setMember("@a:x", "join", "Ann")
		e := &event.Event{Type: event.Type{Type: typ}, ID: "$e", Sender: "@a:x"}
		if state {
			sk := "@a:x"
			e.StateKey = &sk
		}
		e.Content.VeryRaw = json.RawMessage(content)
		var lines []string
		switch ev := r.convert(e, how{}, lim).(type) {
		case Message:
			lines = ev.Lines
			if len(lines) == 0 {
				t.Fatal("message without lines")
			}
		case Edit:
			lines = ev.Lines
		case Placeholder:
			if strings.ContainsAny(ev.Text, "\n\r") {
				t.Fatalf("placeholder on two lines: %q", ev.Text)
			}
		}
		if len(lines) > lim.maxLines {
			t.Fatalf("%d lines", len(lines))
		}
		total := 0
		for _, l := range lines {
			total += len(l)
			if strings.ContainsAny(l, "\n\r") || strings.TrimSpace(l) == "" || !utf8.ValidString(l) {
				t.Fatalf("bad line %q", l)
			}
		}
		if total > lim.maxBytes*2 { // mentions may lengthen a line; bounded by the cut body
			t.Fatalf("%d bytes of lines", total)
		}
		for _, m := range r.info().Members {
			if strings.ContainsAny(m.Name, "\n\r") || len(m.DisplayName) > maxName {
				t.Fatalf("member name %q", m.Name)
			}
		}
		if strings.ContainsAny(r.topic, "\n\r\x00") {
			t.Fatalf("topic %q", r.topic)
		}
	})
}
