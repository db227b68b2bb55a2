package minutes

import (
	"strings"

	"gavel/meeting"
)

// substringHits returns, for each nick, the indexes (ascending) of the
// actions whose text holds it as a case-sensitive substring: MeetBot
// 0.1.4's "Action items, by person" (`if nick in item.line`), which zodbot
// style keeps.
//
// Checking every nick against every action costs attendees × actions; a
// meeting with 20,000 speakers made zodbot style several times slower
// than the default style. Instead, every substring of an action whose
// length is one of the nicks' lengths is looked up in the set of nicks:
// the cost grows with the actions' text times the number of distinct nick
// lengths (a few dozen at most), not with the attendees. Few nicks are
// checked directly, which is faster then.
func substringHits(actions []meeting.Item, nicks []string) map[string][]int {
	hits := make(map[string][]int)
	lengths := map[int]bool{}
	for _, n := range nicks {
		lengths[len(n)] = true
	}
	if len(nicks) <= 32*len(lengths) {
		for _, n := range nicks {
			for i, a := range actions {
				if strings.Contains(a.Text, n) {
					hits[n] = append(hits[n], i)
				}
			}
		}
		return hits
	}
	set := make(map[string]bool, len(nicks))
	for _, n := range nicks {
		set[n] = true
	}
	for i, a := range actions {
		t := a.Text
		for l := range lengths {
			for j := 0; j+l <= len(t); j++ {
				s := t[j : j+l]
				if !set[s] {
					continue
				}
				if h := hits[s]; len(h) == 0 || h[len(h)-1] != i {
					hits[s] = append(h, i)
				}
			}
		}
	}
	return hits
}
