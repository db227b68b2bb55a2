package minutes

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"gavel/meeting"
)

// TestSubstringHits checks the substring index against checking every
// nick in every action, on random texts over a small alphabet (so that
// nicks overlap, repeat and nest), with few nicks and with many.
func TestSubstringHits(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	word := func(max int) string {
		b := make([]byte, 1+r.IntN(max))
		for i := range b {
			b[i] = "abc_é"[r.IntN(5)]
		}
		return string(b)
	}
	for round := 0; round < 200; round++ {
		var actions []meeting.Item
		for range r.IntN(20) {
			actions = append(actions, meeting.Item{Text: word(40)})
		}
		nicks := map[string]bool{}
		for range 1 + r.IntN(300) {
			nicks[word(6)] = true
		}
		list := slices.Sorted(func(yield func(string) bool) {
			for n := range nicks {
				if !yield(n) {
					return
				}
			}
		})
		got := substringHits(actions, list)
		for _, n := range list {
			var want []int
			for i, a := range actions {
				if strings.Contains(a.Text, n) {
					want = append(want, i)
				}
			}
			if !slices.Equal(got[n], want) {
				t.Fatalf("round %d, nick %q: %v, want %v", round, n, got[n], want)
			}
		}
	}
}

// BenchmarkSubstringHits: 20,000 attendees and 6,600 actions, as in a
// million-line meeting.
func BenchmarkSubstringHits(b *testing.B) {
	nicks := make([]string, 20_000)
	for i := range nicks {
		nicks[i] = fmt.Sprintf("person%02d", i)
	}
	actions := make([]meeting.Item, 6_600)
	for i := range actions {
		actions[i] = meeting.Item{Text: fmt.Sprintf("%s to follow up on ticket %d", nicks[(i*31)%len(nicks)], i)}
	}
	for i := 0; i < b.N; i++ {
		substringHits(actions, nicks)
	}
}
