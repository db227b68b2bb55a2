package dispatch

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"gavel/meeting"
)

// TestRenderMailShape: CRLF lines within RFC 5322's 998 bytes, long
// recipient lists folded, the same bytes and ids for the same meeting
// however often it is rendered, and a different Message-ID for another
// meeting.
func TestRenderMailShape(t *testing.T) {
	start := time.Date(2026, 3, 5, 16, 0, 0, 0, time.UTC)
	m, files := runMeeting(t, t.TempDir(), "#chan", start, standardLines("https://pagure.io/fesco/issue/12")...)
	s := mailSettings("h", 1)
	for i := range 60 {
		s.Cc = append(s.Cc, fmt.Sprintf("Person Number %d <person%d@lists.example.org>", i, i))
	}
	render := func(m *meeting.Meeting) Delivery {
		ds, err := Render("#chan", m, files, Settings{Email: s}, time.Now())
		if err != nil || len(ds) != 1 {
			t.Fatalf("Render: %v %v", ds, err)
		}
		return ds[0]
	}
	d := render(m)
	data := d.Email.Data
	if bytes.Contains(bytes.ReplaceAll(data, []byte("\r\n"), nil), []byte("\n")) {
		t.Error("a bare LF in the message")
	}
	for _, l := range bytes.Split(data, []byte("\r\n")) {
		if len(l) > 998 {
			t.Fatalf("a line of %d bytes", len(l))
		}
	}
	if len(d.Email.To) != 62 { // to, cc and the sixty
		t.Errorf("%d envelope recipients", len(d.Email.To))
	}
	again := render(m)
	if !bytes.Equal(again.Email.Data, data) || again.ID != d.ID {
		t.Error("the same meeting renders differently")
	}
	if !strings.Contains(string(data), "Message-ID: "+d.Email.MessageID+"\r\n") {
		t.Error("no Message-ID header")
	}
	m2, files2 := runMeeting(t, t.TempDir(), "#chan", start.Add(time.Hour), standardLines("")...)
	ds2, err := Render("#chan", m2, files2, Settings{Email: s}, time.Now())
	if err != nil || ds2[0].Email.MessageID == d.Email.MessageID || ds2[0].ID == d.ID {
		t.Errorf("another meeting, the same ids: %v", err)
	}
}

// TestRenderZodbotStyle: a zodbot-style meeting (four files, no .md)
// still gets its Markdown topic and its text mail.
func TestRenderZodbotStyle(t *testing.T) {
	start := time.Date(2026, 3, 5, 16, 0, 0, 0, time.UTC)
	m, files := runMeeting(t, t.TempDir(), "#chan", start, standardLines("")...)
	m.Style = meeting.StyleZodbot
	ds, err := Render("#chan", m, files, Settings{Email: mailSettings("h", 1), Discourse: &DiscourseSettings{URL: "https://f.example", Username: "g", Key: "k"}}, time.Now())
	if err != nil || len(ds) != 2 || !strings.Contains(ds[1].Discourse.Raw, "the outbox is durable") {
		t.Fatalf("%v %v", ds, err)
	}
}

// TestTemplates: every placeholder expands; an unknown one or an open
// brace is refused.
func TestTemplates(t *testing.T) {
	vars := map[string]string{"name": "fesco", "Name": "Fesco", "title": "FESCo", "channel": "#fedora-meeting", "date": "2026-03-05"}
	got, err := expand("{Name} ({title}) in {channel} on {date}: {name}", vars)
	if err != nil || got != "Fesco (FESCo) in #fedora-meeting on 2026-03-05: fesco" {
		t.Errorf("%q %v", got, err)
	}
	for _, bad := range []string{"{when}", "{Name", "{}"} {
		if CheckTemplate(bad) == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
