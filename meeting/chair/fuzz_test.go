package chair

import (
	"strings"
	"testing"
)

// FuzzVoteLines feeds channel lines ("nick[*]: text", one a line) through
// the engine to the tools, with a roster and a quorum, and checks what
// the console relies on: no panic, counts that add up, and one-line
// texts to say.
func FuzzVoteLines(f *testing.F) {
	f.Fuzz(func(t *testing.T, data string) {
		lines := strings.Split(data, "\n")
		if len(lines) > 200 {
			lines = lines[:200]
		}
		v := newTally(t, Votes{Roster: Roster{Members: []string{"alice", "bob", "carol"}}, Quorum: Quorum{Percent: 50}})
		check := func(r Result) {
			total := 0
			for i, n := range r.Counts {
				total += n
				if len(r.Voters[i]) != n {
					t.Fatalf("option %d: %d voters, count %d", i, len(r.Voters[i]), n)
				}
			}
			if total != r.Voted || r.Voted+len(r.Missing) != 3 || r.Signed && r.Yes+r.Abstain+r.No != total {
				t.Fatalf("counts %+v", r)
			}
			if len(r.Agreed) > LineBytes || strings.ContainsAny(r.Agreed, "\r\n\x00") || !strings.HasPrefix(r.Agreed, "#agreed ") {
				t.Fatalf("agreed %q", r.Agreed)
			}
		}
		for _, l := range lines {
			if ended := v.say(l)[0]; ended != nil {
				check(*ended)
			}
			if r, ok := v.progress(); ok {
				check(r)
			}
		}
		for _, l := range VotersLines(v.tl.votes.Roster, v.tl.votes.Quorum) {
			if len(l) > LineBytes {
				t.Fatalf("voters line %q", l)
			}
		}
	})
}
