package minutes

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"gavel/meeting"
)

// encodingJSON is the reference appendJSONMinutes must match byte for
// byte.
func encodingJSON(t testing.TB, d *JSONMinutes) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(d); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// jsonDoc builds the JSON document of the view (default-style rules for
// attendee order and action attribution) field by field: encoding/json's
// bytes for it are what appendJSONMinutes must write.
func (v *view) jsonDoc() *JSONMinutes {
	m := v.m
	d := &JSONMinutes{
		Schema:           JSONSchema,
		Channel:          m.Channel,
		Title:            v.title,
		Topic:            m.Title,
		Name:             m.Name,
		Owner:            m.Owner,
		Chairs:           append([]string{}, m.ChairList()...),
		Start:            rfc3339(m.Start),
		End:              rfc3339(m.End),
		LogsURL:          v.logsURL,
		Files:            map[string]string{},
		Items:            []JSONItem{},
		Attendees:        []JSONAttendee{},
		ActionsByPerson:  []JSONPersonActions{},
		UnassignedAction: []string{},
		Votes:            []JSONVote{},
	}
	for _, k := range Kinds(meeting.StyleDefault) {
		d.Files[k.Ext()] = v.base + "." + k.Ext()
	}
	topic := ""
	for _, it := range m.Items {
		if it.Kind == meeting.KindTopic {
			topic = it.Text
		}
		ji := JSONItem{Type: string(it.Kind), Nick: it.Nick, Time: rfc3339(it.Time), Text: it.Text, Topic: topic, Line: it.Line}
		if it.Kind == meeting.KindLink {
			ji.URL = linkURL(it.Text)
		}
		d.Items = append(d.Items, ji)
	}
	for _, p := range v.people {
		d.Attendees = append(d.Attendees, JSONAttendee{Nick: p.Nick, Lines: p.Lines})
	}
	for _, p := range v.byPerson {
		pa := JSONPersonActions{Nick: p.nick, Actions: []string{}}
		for _, a := range p.items {
			pa.Actions = append(pa.Actions, a.Text)
		}
		d.ActionsByPerson = append(d.ActionsByPerson, pa)
	}
	for _, a := range v.unassigned {
		d.UnassignedAction = append(d.UnassignedAction, a.Text)
	}
	for _, vote := range m.Votes {
		jv := JSONVote{Question: vote.Question, Options: append([]string{}, vote.Options...), Results: map[string][]string{},
			Nick: vote.Nick, Time: rfc3339(vote.Time), Line: vote.Line, Ended: vote.Ended}
		res := vote.Results()
		for i, o := range vote.Options {
			jv.Results[o] = append([]string{}, res[i]...)
		}
		d.Votes = append(d.Votes, jv)
	}
	return d
}

func rfc3339(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// meetingWith is a meeting with s in every string it has (the channel,
// the names, every item's nick and text, a vote's question, options and
// voters), with n of each thing it holds.
func meetingWith(s string, n int) *meeting.Meeting {
	at := time.Date(2020, 6, 10, 12, 2, 26, 0, time.UTC)
	m := &meeting.Meeting{Channel: s, Owner: s, Title: s, Name: s, Start: at, LastLine: at.Add(time.Minute)}
	if n%2 == 1 {
		m.End = at.Add(time.Hour)
	}
	for i := range n {
		m.Chairs = append(m.Chairs, s, "b")
		m.Attendees = append(m.Attendees, meeting.Attendee{Nick: s, Lines: i}, meeting.Attendee{Nick: "b", Lines: 1 << 40})
		m.Items = append(m.Items,
			meeting.Item{Kind: meeting.KindLink, Nick: s, Time: at, Text: s, Line: i - 5},
			meeting.Item{Kind: meeting.KindLink, Nick: s, Time: at, Text: "https://x.example/" + s, Line: i},
			meeting.Item{Kind: meeting.KindTopic, Nick: "b", Text: s, Line: 1 << 40},
			meeting.Item{Kind: meeting.KindAction, Nick: s, Time: at, Text: s + " and b", Line: i},
			meeting.Item{Kind: meeting.KindInfo, Text: s})
		m.Votes = append(m.Votes,
			&meeting.Vote{Question: s, Options: []string{s, "No", s, ""}, Ballots: map[string]string{s: s, "b": "No", "c": ""},
				Voters: []string{s, "b", "c"}, Nick: s, Time: at, Line: i, Ended: i%2 == 0},
			&meeting.Vote{})
	}
	return m
}

func TestAppendJSONMatchesEncodingJSON(t *testing.T) {
	for _, s := range []string{
		"", "plain text", `quote " backslash \ slash /`, "<script>&amp;</script>",
		"controls \x00\x01\b\f\n\r\t\x1f\x7f", "é ü 日本 😀", "line\u2028para\u2029",
		"invalid \xff\xfe utf-8 \xe2\x82", "surrogate \xed\xa0\x80", "zz", "\xf4\x90\x80\x80",
	} {
		for n := range 4 {
			v := newView(meetingWith(s, n), "base.x", Options{Style: meeting.StyleDefault, URLPrefix: s, RelDir: s})
			if got, want := v.appendJSONMinutes(nil), encodingJSON(t, v.jsonDoc()); !bytes.Equal(got, want) {
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
		v := newView(meetingWith(s, int(n%4)), "base.x", Options{Style: meeting.StyleDefault, URLPrefix: "https://m.example/", RelDir: s})
		if got, want := v.appendJSONMinutes(nil), encodingJSON(t, v.jsonDoc()); !bytes.Equal(got, want) {
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
// jsonDoc builds, as encoding/json writes it.
func FuzzJSONMinutes(f *testing.F) {
	for _, s := range []string{"", "alice|bob", "a<b>|\"q\"|\xff|é|alice", "x|x|X|x", "http://a|https://b c"} {
		f.Add(s, uint8(0))
		f.Add(s, uint8(3))
	}
	f.Fuzz(func(t *testing.T, s string, n uint8) {
		m := meetingOf(s, int(n))
		v := newView(m, "base.x", Options{Style: meeting.StyleDefault, URLPrefix: "https://m.example/", RelDir: "c/" + s})
		if got, want := v.appendJSONMinutes([]byte("x")), append([]byte("x"), encodingJSON(t, v.jsonDoc())...); !bytes.Equal(got, want) {
			t.Fatalf("%q:\ngot  %s\nwant %s", s, got, want)
		}
	})
}
