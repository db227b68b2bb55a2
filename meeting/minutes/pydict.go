package minutes

import (
	"unicode/utf8"

	"gavel/meeting"
)

// zodbot ran MeetBot on CPython 2.7, where "People present" lists the
// attendees dictionary sorted (stably) by line count, so ties keep the
// dictionary's slot order. py27DictOrder emulates a 64-bit CPython 2.7
// dict of unicode keys (MeetBot decodes every nick) that only ever grows:
//
//   - hash: x = c[0] << 7; x = (1000003*x) ^ c for every code point c
//     (a wide build: one code point each, not UTF-8 bytes; for ASCII nicks
//     the same as a str's hash); x ^= the number of code points; -1
//     becomes -2 (hash randomization off, as in 2.7 by default);
//   - table of 8 slots at first; a key goes to slot hash & mask, or else
//     probes i = 5*i + perturb + 1 (perturb starts at the hash and is
//     shifted right by 5 after each probe);
//   - after an insertion that makes fill*3 >= size*2 the table grows to the
//     smallest power of two above 4*used (2*used once used is above
//     50000, as dictobject.c does) and the keys are re-inserted in the old
//     slot order;
//   - iteration walks the slots in order.

func py27StrHash(s string) uint64 {
	if len(s) == 0 {
		return 0
	}
	var x, n uint64
	for i := 0; i < len(s); n++ {
		c := uint64(s[i])
		if c < utf8.RuneSelf {
			i++
		} else {
			r, size := meeting.DecodePyRune(s[i:])
			c = uint64(r)
			i += size
		}
		if n == 0 {
			x = c << 7
		}
		x = (1000003 * x) ^ c
	}
	x ^= n
	if x == ^uint64(0) {
		x = ^uint64(1)
	}
	return x
}

// py27DictOrder returns the indexes of keys (distinct, in insertion order)
// in the order CPython 2.7 iterates a dict built by inserting them in that
// order. It costs O(len(keys)) (each resize at least doubles the table),
// no more than sorting the attendees does.
func py27DictOrder(keys []string) []int {
	hashes := make([]uint64, len(keys))
	for i, k := range keys {
		hashes[i] = py27StrHash(k)
	}
	table := newPyTable(8)
	fill := 0
	for k := range keys {
		table.insert(k, hashes[k])
		fill++
		if fill*3 >= len(table)*2 {
			used := fill
			factor := 4
			if used > 50000 {
				factor = 2
			}
			size := 8
			for size <= factor*used {
				size <<= 1
			}
			old := table
			table = newPyTable(size)
			for _, idx := range old {
				if idx >= 0 {
					table.insert(idx, hashes[idx])
				}
			}
		}
	}
	out := make([]int, 0, len(keys))
	for _, idx := range table {
		if idx >= 0 {
			out = append(out, idx)
		}
	}
	return out
}

type pyTable []int

func newPyTable(size int) pyTable {
	t := make(pyTable, size)
	for i := range t {
		t[i] = -1
	}
	return t
}

// insert places a key that is not yet in the table (keys are distinct, so
// the lookup stops at the first empty slot).
func (t pyTable) insert(idx int, hash uint64) {
	mask := uint64(len(t) - 1)
	i := hash & mask
	perturb := hash
	for t[i&mask] >= 0 {
		i = i*5 + perturb + 1
		perturb >>= 5
	}
	t[i&mask] = idx
}
