package cmdline

import (
	"slices"
	"strings"

	"github.com/sahilm/fuzzy"
)

// Matcher ranks candidates against a pattern with sahilm/fuzzy. Typing one
// more letter only searches the previous matches (a match of "abc" is a
// match of "ab"), so narrowing a list of 25,000 package names costs far less
// than the first letter.
type Matcher struct {
	items []string

	lastPattern string
	lastIdx     []int // indexes into items of the last matches; nil: all
	scratch     subset
}

// NewMatcher returns a matcher over items (not copied; do not modify).
func NewMatcher(items []string) *Matcher { return &Matcher{items: items} }

// Items returns the candidates.
func (m *Matcher) Items() []string { return m.items }

type subset struct {
	items []string
	idx   []int
}

func (s *subset) String(i int) string {
	if s.idx == nil {
		return s.items[i]
	}
	return s.items[s.idx[i]]
}

func (s *subset) Len() int {
	if s.idx == nil {
		return len(s.items)
	}
	return len(s.idx)
}

// Match is a ranked candidate.
type Match struct {
	Str     string
	Index   int   // into the matcher's items
	Matched []int // byte offsets of the matched letters
}

// Find returns the candidates that match pattern, best first. An empty
// pattern returns every candidate in order (at most limit; limit <= 0 is
// unlimited).
func (m *Matcher) Find(pattern string, limit int) []Match {
	if pattern == "" {
		m.lastPattern, m.lastIdx = "", nil
		n := len(m.items)
		if limit > 0 && n > limit {
			n = limit
		}
		out := make([]Match, n)
		for i := range out {
			out[i] = Match{Str: m.items[i], Index: i}
		}
		return out
	}
	if len(pattern) <= 2 && isASCII(pattern) {
		return m.findShort(pattern, limit)
	}
	src := &m.scratch
	src.items = m.items
	src.idx = nil
	if m.lastPattern != "" && strings.HasPrefix(pattern, m.lastPattern) && m.lastIdx != nil {
		src.idx = m.lastIdx
	}
	found := fuzzy.FindFrom(pattern, src)
	idx := make([]int, len(found))
	n := len(found)
	if limit > 0 && n > limit {
		n = limit
	}
	out := make([]Match, 0, n)
	for i, f := range found {
		orig := f.Index
		if src.idx != nil {
			orig = src.idx[f.Index]
		}
		idx[i] = orig
		if limit <= 0 || len(out) < limit {
			out = append(out, Match{Str: f.Str, Index: orig, Matched: f.MatchedIndexes})
		}
	}
	// Keep the narrowed set in item order for the next keystroke.
	slices.Sort(idx)
	m.lastPattern, m.lastIdx = pattern, idx
	return out
}

// findShort serves the first two keystrokes. Almost every name matches one
// or two letters as a subsequence, so rather than scoring them all with
// sahilm/fuzzy it ranks names that start with the letters, then those where
// they start a word (after - _ . / or a space), then those that contain them
// together, then the other subsequence matches, each group in item order.
// The next keystroke hands only these names to sahilm/fuzzy.
func (m *Matcher) findShort(p string, limit int) []Match {
	idx := make([]int, 0, len(m.items)/2)
	var groups [4][]Match
	for i, s := range m.items {
		at, rank := -1, 4
		for j := 0; j+len(p) <= len(s); j++ {
			if !hasFoldAt(s, j, p) {
				continue
			}
			r := 2
			if j == 0 {
				r = 0
			} else if b := s[j-1]; b == '-' || b == '_' || b == '.' || b == ' ' || b == '/' {
				r = 1
			}
			if r < rank {
				at, rank = j, r
			}
			if r == 0 {
				break
			}
		}
		if at < 0 {
			if !isSubsequence(s, p) {
				continue
			}
			rank = 3
		}
		idx = append(idx, i)
		if limit > 0 && len(groups[rank]) >= limit {
			continue
		}
		var matched []int
		if at >= 0 {
			matched = make([]int, len(p))
			for k := range matched {
				matched[k] = at + k
			}
		} else {
			matched = subsequence(s, p)
		}
		groups[rank] = append(groups[rank], Match{Str: s, Index: i, Matched: matched})
	}
	out := append(append(append(groups[0], groups[1]...), groups[2]...), groups[3]...)
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	m.lastPattern, m.lastIdx = p, idx
	return out
}

func hasFoldAt(s string, j int, p string) bool {
	for k := 0; k < len(p); k++ {
		if lower(s[j+k]) != lower(p[k]) {
			return false
		}
	}
	return true
}

func isSubsequence(s, p string) bool {
	k := 0
	for j := 0; j < len(s) && k < len(p); j++ {
		if lower(s[j]) == lower(p[k]) {
			k++
		}
	}
	return k == len(p)
}

// subsequence returns the offsets of p's letters in s, in order, or nil.
func subsequence(s, p string) []int {
	var out []int
	k := 0
	for j := 0; j < len(s) && k < len(p); j++ {
		if lower(s[j]) == lower(p[k]) {
			out = append(out, j)
			k++
		}
	}
	if k < len(p) {
		return nil
	}
	return out
}

func lower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
