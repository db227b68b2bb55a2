package chair

import (
	"strings"
	"testing"
	"time"
)

// FuzzVoteLines feeds channel lines ("nick[*]: text", one a line) to a
// vote tally with a roster and a quorum, and checks what the console
// relies on: no panic, counts that add up, and one-line texts to say.
func FuzzVoteLines(f *testing.F) {
	f.Fuzz(func(t *testing.T, data string) {
		v := &Votes{Roster: Roster{Members: []string{"alice", "bob", "carol"}}, Quorum: Quorum{Percent: 50}}
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
		for i, l := range strings.Split(data, "\n") {
			who, text, _ := strings.Cut(l, ": ")
			ev := v.Message(Line{Voter: Voter{Nick: strings.TrimSuffix(who, "*")}, Text: text, Chair: strings.HasSuffix(who, "*"), Time: t0.Add(time.Duration(i) * time.Second)})
			if ev.Kind == Ended {
				check(*ev.Result)
			}
			if r, ok := v.Progress(); ok {
				check(r)
			}
		}
		for _, l := range VotersLines(v.Roster, v.Quorum) {
			if len(l) > LineBytes {
				t.Fatalf("voters line %q", l)
			}
		}
	})
}
