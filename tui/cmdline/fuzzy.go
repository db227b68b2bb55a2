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
