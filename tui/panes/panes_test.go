package panes

import (
	"fmt"
	"testing"
	"time"

	"gavel/meeting"
)

func TestNamesNick(t *testing.T) {
	for _, c := range []struct {
		text, nick string
		want       bool
	}{
		{"bob to deploy", "bob", true},
		{"bobby to deploy", "bob", false},
		{"ask BOB.", "bob", true},
		{"nick-name", "nick", false},
	} {
		if got := NamesNick(c.text, c.nick); got != c.want {
			t.Errorf("NamesNick(%q, %q) = %v", c.text, c.nick, got)
		}
	}
}

func TestEntries(t *testing.T) {
	e := meeting.NewEngine(meeting.Options{Channel: "#m"})
	now := time.Date(2020, 1, 1, 10, 0, 0, 0, time.UTC)
	for i, s := range []string{"#startmeeting test", "#topic one", "#info fact", "#topic two",
		"#action zed fixes it", "#action nobody knows", "#action amy and zed pair"} {
		e.Handle(meeting.Message{Time: now.Add(time.Duration(i) * time.Second), Nick: "chair", Text: s})
	}
	e.Handle(meeting.Message{Time: now, Nick: "zed", Text: "hi"})
	m := e.Meeting()
	topics, anchor := TopicEntries(m)
	if anchor < 0 || topics[anchor][0].Text != "▶ two" {
		t.Errorf("current topic: %v at %d", topics, anchor)
	}
	acts := ActionEntries(m, "amy")
	got := ""
	for _, a := range acts {
		for _, s := range a {
			got += s.Text
		}
		got += "|"
	}
	want := "amy (1)|  • amy and zed pair|zed (2)|  • zed fixes it|  • amy and zed pair|unassigned (1)|  • nobody knows|"
	if got != want {
		t.Errorf("actions\n got %s\nwant %s", got, want)
	}
	people := AttendeeEntries(m, func(n string) (string, bool) {
		if n == "chair" {
			return "@", true
		}
		return "", false
	}, nil)
	if fmt.Sprint(people[0]) != fmt.Sprint(Entry{{RPresent, "● "}, {RChair, "★ "}, {RPrefix, "@"}, {RNick, "chair"}, {RMuted, " 7"}}) {
		t.Errorf("attendees %v", people)
	}
}
