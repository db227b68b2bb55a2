package minutes

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"gavel/meeting"
)

// encodingJSON is the reference appendJSON must match byte for byte.
func encodingJSON(t testing.TB, d *JSONMinutes) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(d); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// docOf is a document with s in every string and as a map key, with lists
// empty, nil and full.
func docOf(s string, n int) *JSONMinutes {
	d := &JSONMinutes{Schema: JSONSchema, Channel: s, Title: s, Topic: s, Name: s, Owner: s, Start: s, End: s, LogsURL: s}
	if n == 0 {
		return d // every list and map nil
	}
	d.Chairs = []string{}
	d.Files = map[string]string{}
	d.Items = []JSONItem{}
	d.Attendees = []JSONAttendee{}
	d.ActionsByPerson = []JSONPersonActions{}
	d.UnassignedAction = []string{}
	d.Votes = []JSONVote{}
	for i := 1; i < n; i++ {
		d.Chairs = append(d.Chairs, s, "b")
		d.Files[s] = s
		d.Files["log.txt"] = "x.log.txt"
		d.Items = append(d.Items, JSONItem{Type: "LINK", Nick: s, Time: s, Text: s, Topic: s, URL: s, Line: i - 5},
			JSONItem{Type: "INFO", Line: 1 << 40})
		d.Attendees = append(d.Attendees, JSONAttendee{Nick: s, Lines: -i})
		d.ActionsByPerson = append(d.ActionsByPerson, JSONPersonActions{Nick: s, Actions: []string{}},
			JSONPersonActions{Nick: s, Actions: []string{s, s}}, JSONPersonActions{Nick: s})
		d.UnassignedAction = append(d.UnassignedAction, s)
		d.Votes = append(d.Votes, JSONVote{Question: s, Options: []string{s, "No"}, Results: map[string][]string{s: {s}, "No": {}, "": nil}, Ended: i%2 == 0},
			JSONVote{})
	}
	return d
}

func TestAppendJSONMatchesEncodingJSON(t *testing.T) {
	for _, s := range []string{
		"", "plain text", `quote " backslash \ slash /`, "<script>&amp;</script>",
		"controls \x00\x01\b\f\n\r\t\x1f\x7f", "é ü 日本 😀", "line\u2028para\u2029",
		"invalid \xff\xfe utf-8 \xe2\x82", "surrogate \xed\xa0\x80", "zz", "\xf4\x90\x80\x80",
	} {
		for n := range 4 {
			d := docOf(s, n)
			if got, want := appendJSON(nil, d), encodingJSON(t, d); !bytes.Equal(got, want) {
				t.Errorf("%q, %d of each:\ngot  %s\nwant %s", s, n, got, want)
			}
		}
	}
}

func FuzzAppendJSON(f *testing.F) {
	for _, s := range []string{"", "a<b>&c", "\x00\u2028\xff", "é\"\\", "a plain text long enough for words <b> & \"q\" \\ é\x7f\x01 then more"} {
		f.Add(s, uint8(2))
	}
	f.Fuzz(func(t *testing.T, s string, n uint8) {
		d := docOf(s, int(n%4))
		if got, want := appendJSON(nil, d), encodingJSON(t, d); !bytes.Equal(got, want) {
			t.Fatalf("%q:\ngot  %s\nwant %s", s, got, want)
		}
	})
}

// meetingOf builds a meeting from the pieces of s (split at '|'): items
// of every kind, attendees and chairs named by the pieces, actions naming
// them; ended or still running.
func meetingOf(s string, n int) *meeting.Meeting {
	parts := strings.Split(s, "|")
	at := time.Date(2020, 6, 10, 12, 2, 26, 0, time.UTC)
	m := &meeting.Meeting{Channel: "#" + parts[0], Owner: parts[len(parts)-1], Title: parts[0], Name: "n", Start: at, LastLine: at.Add(time.Minute)}
	if n%2 == 0 {
		m.End = at.Add(time.Hour)
	}
	kinds := []meeting.ItemKind{meeting.KindTopic, meeting.KindInfo, meeting.KindLink, meeting.KindAction, meeting.KindAgreed,
		meeting.KindIdea, meeting.KindHelp, meeting.KindAccepted, meeting.KindRejected}
	for i, p := range parts {
		m.Chairs = append(m.Chairs, p)
		m.Attendees = append(m.Attendees, meeting.Attendee{Nick: p, Lines: (i * 7) % 5})
		text := p + " to https://x.example/" + p + " and " + parts[(i+n)%len(parts)]
		m.Items = append(m.Items, meeting.Item{Kind: kinds[(i+n)%len(kinds)], Nick: p, Time: at.Add(time.Duration(i) * time.Second), Text: text, Line: i + 2})
	}
	return m
}

// FuzzJSONMinutes: B.json written from the view is the document that
// jsonDoc builds, as appendJSON writes it.
func FuzzJSONMinutes(f *testing.F) {
	for _, s := range []string{"", "alice|bob", "a<b>|\"q\"|\xff|é|alice", "x|x|X|x", "http://a|https://b c"} {
		f.Add(s, uint8(0))
		f.Add(s, uint8(3))
	}
	f.Fuzz(func(t *testing.T, s string, n uint8) {
		m := meetingOf(s, int(n))
		v := newView(m, "base.x", Options{Style: meeting.StyleDefault, URLPrefix: "https://m.example/", RelDir: "c/" + s})
		if got, want := v.appendJSONMinutes([]byte("x")), appendJSON([]byte("x"), v.jsonDoc()); !bytes.Equal(got, want) {
			t.Fatalf("%q:\ngot  %s\nwant %s", s, got, want)
		}
	})
}
