package tui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"gavel/meeting"
)

// chairBenchModel is an offline console with a running meeting in #meet,
// an agenda of 50 items, a roster of 40 voters, a vote and a roll call
// under way, all through the chair's commands.
func chairBenchModel(b *testing.B) *Model {
	b.Helper()
	m, err := New(Options{Channels: []string{"#meet"}, Nick: "chair", Getenv: func(string) string { return "" }})
	if err != nil {
		b.Fatal(err)
	}
	m.Width, m.Height = 200, 60
	m.layout()
	m.say("#meet", "#startmeeting FESCo")
	m.command("/rollcall")
	for i := range 50 {
		m.command(fmt.Sprintf("/agenda add #%d Item number %d https://pagure.io/fesco/issue/1 [10m]", 3000+i, i))
	}
	var names []string
	for i := range 40 {
		names = append(names, fmt.Sprintf("voter%d", i))
	}
	m.command("/voters " + strings.Join(names, " "))
	m.say("#meet", "#startvote Approve? +1, 0, -1")
	t0 := time.Now().UTC()
	for i := range 60 {
		m.opts.Glue.HandleEvent("#meet", meeting.Message{Time: t0, Nick: fmt.Sprintf("voter%d", i), Text: []string{"#vote +1", "#vote 0", "#vote -1"}[i%3]})
	}
	if a, _ := m.tools("#meet").Agenda(); a == nil || a.Len() != 50 {
		b.Fatal("the agenda was not set up")
	}
	return m
}

// BenchmarkRefreshChair: filling the Agenda, Votes, Actions and
// Attendees panes of a meeting with 50 agenda items and 40 voters.
func BenchmarkRefreshChair(b *testing.B) {
	m := chairBenchModel(b)
	b.ReportAllocs()
	for b.Loop() {
		m.refreshPanes()
	}
}
