package bus

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gavel/meeting"
	"gavel/meeting/publish"
)

var t0 = time.Date(2024, 3, 5, 16, 0, 0, 0, time.UTC)

// The bodies of a real meeting published into a real archive match the
// meetbot-messages schemas, and url is the published files' URL without
// extension: url + ".log.html" is the log in the archive.
func TestBodiesOfAPublishedMeeting(t *testing.T) {
	root := t.TempDir()
	r := &recorder{now: t0.Add(time.Hour)}
	d := newDriver(t, root, "#fedora-meeting", t0, r)
	d.standardMeeting()
	if len(r.started) != 1 || len(r.completed) != 1 {
		t.Fatalf("started %d, completed %d", len(r.started), len(r.completed))
	}
	start, done := r.started[0], r.completed[0]
	checkBody(t, start)
	checkBody(t, done)

	var sb StartBody
	if err := json.Unmarshal(start.Body, &sb); err != nil {
		t.Fatal(err)
	}
	want := StartBody{StartTime: "2024-03-05T16:00:01+00:00", StartUser: "alice", Location: "#fedora-meeting", MeetingName: "bus_check"}
	if sb != want {
		t.Errorf("start body %+v, want %+v", sb, want)
	}
	var cb CompleteBody
	if err := json.Unmarshal(done.Body, &cb); err != nil {
		t.Fatal(err)
	}
	if cb.EndUser != "bob" || cb.EndTime != "2024-03-05T16:00:08+00:00" || cb.MeetingName != "bus_check" {
		t.Errorf("end %q %q %q", cb.EndUser, cb.EndTime, cb.MeetingName)
	}
	if got := strings.Join(cb.Chairs, ","); got != "alice,bob" {
		t.Errorf("chairs %s", got)
	}
	wantAtt := []Attendee{{"alice", 3}, {"bob", 3}, {"carol", 2}}
	if len(cb.Attendees) != len(wantAtt) {
		t.Fatalf("attendees %+v", cb.Attendees)
	}
	for i, a := range wantAtt {
		if cb.Attendees[i] != a {
			t.Errorf("attendee %d: %+v, want %+v", i, cb.Attendees[i], a)
		}
	}
	wantURL := urlPrefix + "fedora-meeting/2024-03-05/bus_check.2024-03-05-16.00"
	if cb.URL != wantURL {
		t.Errorf("url %s, want %s", cb.URL, wantURL)
	}
	checkURLInArchive(t, root, cb.URL)
	types := map[string]string{}
	for _, l := range cb.Logs {
		types[l.LogType] = l.LogURL
	}
	for typ, ext := range map[string]string{"Text Log": ".log.txt", "HTML Log": ".log.html", "Text Minutes": ".txt", "HTML Minutes": ".html"} {
		if types[typ] != cb.URL+ext {
			t.Errorf("%s: %q, want %q", typ, types[typ], cb.URL+ext)
		}
	}
	if start.ID == done.ID || start.SentAt != t0.Add(time.Hour) {
		t.Errorf("ids %s %s, sent-at %v", start.ID, done.ID, start.SentAt)
	}
	if got := strings.Join(done.Users, ","); got != "alice,bob,carol" {
		t.Errorf("users %s", got)
	}
}

// checkBody holds a message's body to its schema.
func checkBody(t testing.TB, m Message) {
	t.Helper()
	if errs := loadSchema(t, m.Topic).validate("$", decodeNumbers(t, string(m.Body))); len(errs) > 0 {
		t.Errorf("%s body %s:\n%s", m.Topic, m.Body, strings.Join(errs, "\n"))
	}
}

// checkURLInArchive checks that url + ".log.html" is a file under root.
func checkURLInArchive(t testing.TB, root, url string) {
	t.Helper()
	rel, ok := strings.CutPrefix(url, urlPrefix)
	if !ok {
		t.Fatalf("url %s is not under %s", url, urlPrefix)
	}
	st, err := os.Stat(filepath.Join(root, filepath.FromSlash(rel)+".log.html"))
	if err != nil || !st.Mode().IsRegular() || st.Size() == 0 {
		t.Errorf("url + .log.html is not a file in the archive: %v", err)
	}
}

// Ids are stable: the same event always has the same version 4 UUID;
// another event (topic, channel or start) has another.
func TestEventIDs(t *testing.T) {
	a := EventID(TopicStart, "#fedora-meeting", t0)
	if !validID(a) {
		t.Fatalf("%s is not a v4 UUID", a)
	}
	if EventID(TopicStart, "#Fedora-Meeting", t0.Add(time.Millisecond)) != a {
		t.Error("channel case or a fraction of a second changes the id")
	}
	for _, b := range []string{
		EventID(TopicComplete, "#fedora-meeting", t0),
		EventID(TopicStart, "#fedora-qa", t0),
		EventID(TopicStart, "#fedora-meeting", t0.Add(time.Second)),
	} {
		if b == a || !validID(b) {
			t.Errorf("%s vs %s", b, a)
		}
	}
	for _, bad := range []string{"", "f81d4fae-7dec-11d0-a765-00a0c91e6bf6", "F81D4FAE-7DEC-41D0-A765-00A0C91E6BF6", "f81d4fae-7dec-41d0-c765-00a0c91e6bf6", "f81d4fae7dec41d0a76500a0c91e6bf6"} {
		if validID(bad) {
			t.Errorf("%q taken for a v4 UUID", bad)
		}
	}
}

// Without a published .log.html, or with a relative archive URL, there is
// nothing mote could find: the bus says so instead of sending a bad url.
func TestCompleteNeedsThePublishedLog(t *testing.T) {
	m := &meeting.Meeting{Channel: "#x", Owner: "a", Name: "x", Start: t0, End: t0.Add(time.Minute)}
	if _, err := CompleteMessage("#x", m, nil, t0); err == nil || !strings.Contains(err.Error(), ".log.html") {
		t.Errorf("no files: %v", err)
	}
	rel := []publish.File{{URL: m.RelBase() + ".log.html"}}
	if _, err := CompleteMessage("#x", m, rel, t0); err == nil || !strings.Contains(err.Error(), "url_prefix") {
		t.Errorf("relative: %v", err)
	}
	running := &meeting.Meeting{Channel: "#x", Owner: "a", Name: "x", Start: t0}
	if _, err := CompleteMessage("#x", running, rel, t0); err == nil {
		t.Error("running meeting announced as complete")
	}
	if _, err := StartMessage("#x", nil, t0); err == nil {
		t.Error("nil meeting announced")
	}
}

// The AMQP message follows fedora-messaging's wire format.
func TestPublishingWireFormat(t *testing.T) {
	r := &recorder{now: t0}
	newDriver(t, t.TempDir(), "#fedora-meeting", t0, r).standardMeeting()
	p := publishing(r.completed[0])
	if p.ContentType != "application/json" || p.ContentEncoding != "utf-8" || p.DeliveryMode != 2 || p.MessageId != r.completed[0].ID {
		t.Errorf("properties %+v", p)
	}
	h := map[string]any(p.Headers)
	for k, v := range map[string]any{
		"fedora_messaging_schema": TopicComplete, "fedora_messaging_schema_package": "meetbot_messages",
		"fedora_messaging_severity": 20, "sent-at": "2024-03-05T16:00:00+00:00", "priority": 0,
		"fedora_messaging_user_alice": true, "fedora_messaging_user_bob": true, "fedora_messaging_user_carol": true,
	} {
		if h[k] != v {
			t.Errorf("header %s = %#v, want %#v", k, h[k], v)
		}
	}
	if err := p.Headers.Validate(); err != nil {
		t.Error(err)
	}
	long := r.completed[0]
	long.Users = append(long.Users, strings.Repeat("n", 300))
	if len(publishing(long).Headers) != len(p.Headers) {
		t.Error("a user header too long for AMQP was kept")
	}
}
