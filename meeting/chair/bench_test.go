package chair

import (
	"fmt"
	"testing"
	"time"

	"gavel/meeting"
)

// BenchmarkToolsSaw is the tools' cost per channel line, after the
// engine: every line goes through Tools.Saw, most of them not votes.
func BenchmarkToolsSaw(b *testing.B) {
	v := newTally(b, Votes{Roster: Roster{Members: []string{"alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan"}}, Quorum: Quorum{Percent: 50}})
	v.say("chair: #startvote Ship it? +1, 0, -1")
	lines := make([]meeting.Message, 64)
	for i := range lines {
		text := "I think we should ship it, the blockers are fixed"
		if i%8 == 0 {
			text = []string{"#vote +1", "#vote 0", "#vote -1"}[i%3]
		}
		lines[i] = meeting.Message{Nick: fmt.Sprintf("nick%d", i%12), Text: text, Time: t0.Add(time.Duration(i) * time.Second)}
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		ev := lines[i%len(lines)]
		v.e.Handle(ev)
		v.tl.Saw(ev, v.e)
		i++
	}
}

// BenchmarkVoteResult reads the engine's ballots against a roster (the
// Votes pane, after every line of a vote).
func BenchmarkVoteResult(b *testing.B) {
	v := newTally(b, Votes{Roster: Roster{Members: []string{"alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan"}}, Quorum: Quorum{N: 5}})
	v.say("chair: #startvote Ship it? +1, 0, -1")
	for i, m := range v.tl.votes.Roster.Members {
		v.say(m + ": #vote " + []string{"+1", "0", "-1"}[i%3])
	}
	b.ReportAllocs()
	for b.Loop() {
		v.progress()
	}
}

func BenchmarkRollCallSpoke(b *testing.B) {
	r := NewRollCall(t0, nil)
	nicks := make([]string, 50)
	for i := range nicks {
		nicks[i] = fmt.Sprintf("Nick%d", i)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		r.Spoke(nicks[i%len(nicks)], t0.Add(time.Second))
		i++
	}
}
