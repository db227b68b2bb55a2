package minutes

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"gavel/meeting"
)

// TestNickWordsFoundAlikeByIndexAndScan: the two ways the default style
// finds the actions naming a nick (an index of every word, for many
// actions; a scan of each lower-cased text, for few) find the same ones.
func TestNickWordsFoundAlikeByIndexAndScan(t *testing.T) {
	words := []string{"alice", "Alice", "ALICE", "bob", "bob_", "[bob]", "x|y", "élodie", "ÉLODIE", "İlkay", "ß", "SS",
		"to", "review", "the", "alice's", "alice:", "bob,", "(alice)", "alicebob", "a-b", "\xff", "ǅ", "k"}
	nicks := []string{"alice", "ALICE", "bob", "bob_", "x|y", "élodie", "ilkay", "i̇lkay", "ß", "ss", "k", "a-b", "alicebob", "x", "z"}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 300 {
		actions := make([]meeting.Item, 1+rng.IntN(6))
		for i := range actions {
			var b strings.Builder
			for j := range 1 + rng.IntN(8) {
				if j > 0 {
					b.WriteString([]string{" ", "  ", ", ", "\t"}[rng.IntN(4)])
				}
				b.WriteString(words[rng.IntN(len(words))])
			}
			actions[i] = meeting.Item{Kind: meeting.KindAction, Text: b.String()}
		}
		index := wordIndex(actions)
		for _, n := range nicks {
			if !isNickWord(n) {
				continue
			}
			var scanned []int
			for i, a := range actions {
				if mentionsLower(strings.ToLower(a.Text), strings.ToLower(n)) {
					scanned = append(scanned, i)
				}
			}
			if indexed := index[strings.ToLower(n)]; !slices.Equal(indexed, scanned) {
				t.Fatalf("%q in %+v: index %v, scan %v", n, actions, indexed, scanned)
			}
		}
	}
}
