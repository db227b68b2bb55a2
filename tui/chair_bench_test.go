package tui

import (
	"context"
	"fmt"
	"testing"
	"time"

	"gavel/ircclient"
	"gavel/meeting"
	"gavel/meeting/live"
	"gavel/tui/agenda"
	"gavel/tui/chair"
)

// chairBenchModel is an offline console with a running meeting in #meet,
// an agenda of 50 items, a roster of 40 voters, a vote and a roll call
// under way.
func chairBenchModel(b *testing.B) *Model {
	b.Helper()
	m, err := New(Options{Channels: []string{"#meet"}, Nick: "chair", Getenv: func(string) string { return "" }})
	if err != nil {
		b.Fatal(err)
	}
	m.Width, m.Height = 200, 60
	m.layout()
	t0 := time.Date(2025, 5, 13, 17, 0, 0, 0, time.UTC)
	for i, l := range []string{"#startmeeting FESCo", "#topic Roll call"} {
		m.opts.Glue.HandleEvent("#meet", meeting.Message{Time: t0.Add(time.Duration(i) * time.Second), Nick: "chair", Text: l})
	}
	cc := m.chairOf("#meet")
	var items []agenda.Item
	for i := range 50 {
		it, _ := agenda.NewItem(fmt.Sprintf("#%d Item number %d", 3000+i, i), "https://pagure.io/fesco/issue/1", 10*time.Minute)
		items = append(items, it)
	}
	cc.agenda = agenda.New(items)
	m.chairObserve(nil)
	var names []string
	for i := range 40 {
		names = append(names, fmt.Sprintf("voter%d", i))
	}
	r, err := chair.ParseVoters(context.Background(), nil, chair.Fold(m.Me.FoldName), names)
	if err != nil {
		b.Fatal(err)
	}
	cc.votes.Roster = r
	cc.votes.Message(chair.Line{Voter: chair.Voter{Nick: "chair"}, Text: "#startvote Approve? +1, 0, -1", Chair: true, Time: t0.Add(2 * time.Second)})
	return m
}

// BenchmarkChairObserve: a burst of MaxBatch channel lines (ballots and
// talk from 60 nicks) through the chair's tools after the live driver.
func BenchmarkChairObserve(b *testing.B) {
	m := chairBenchModel(b)
	at := time.Date(2025, 5, 13, 17, 1, 0, 0, time.UTC)
	batch := make([]ircclient.Event, MaxBatch)
	for i := range batch {
		text := "I think so"
		if i%2 == 0 {
			text = []string{"#vote +1", "#vote 0", "#vote -1"}[i%3]
		}
		batch[i] = ircclient.Message{Meta: ircclient.Meta{Time: at}, Source: ircclient.Source{Nick: fmt.Sprintf("voter%d", i%60)}, Target: "#meet", Text: text}
	}
	evs := live.NewIRC(nil).Translate(batch)
	b.ReportAllocs()
	for b.Loop() {
		m.chairObserve(evs)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(batch)), "ns/line")
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
