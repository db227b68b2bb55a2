package chair

import (
	"fmt"
	"testing"
	"time"
)

// BenchmarkVotesMessage is the console's cost per channel line: every
// line goes through Votes.Message, most of them not votes.
func BenchmarkVotesMessage(b *testing.B) {
	v := &Votes{Roster: Roster{Members: []string{"alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan"}}, Quorum: Quorum{Percent: 50}}
	v.Message(Line{Voter: Voter{Nick: "chair"}, Text: "#startvote Ship it? +1, 0, -1", Chair: true, Time: t0})
	lines := make([]Line, 64)
	for i := range lines {
		text := "I think we should ship it, the blockers are fixed"
		if i%8 == 0 {
			text = []string{"#vote +1", "#vote 0", "#vote -1"}[i%3]
		}
		lines[i] = Line{Voter: Voter{Nick: fmt.Sprintf("nick%d", i%12)}, Text: text, Time: t0.Add(time.Duration(i) * time.Second)}
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		v.Message(lines[i%len(lines)])
		i++
	}
}

func BenchmarkVotesProgress(b *testing.B) {
	v := &Votes{Roster: Roster{Members: []string{"alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan"}}, Quorum: Quorum{N: 5}}
	v.Message(Line{Voter: Voter{Nick: "chair"}, Text: "#startvote Ship it? +1, 0, -1", Chair: true, Time: t0})
	for i, m := range v.Roster.Members {
		v.Cast(Voter{Nick: m}, []string{"+1", "0", "-1"}[i%3], t0)
	}
	b.ReportAllocs()
	for b.Loop() {
		v.Progress()
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
