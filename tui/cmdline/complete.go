package cmdline

import (
	"strings"

	"gavel/tui/common"
)

// Set is a named list of candidates for the word being completed.
type Set struct {
	Title   string   // shown above the popup: "commands", "nicks in #chan", "packages"
	Items   []string // candidates; the same slice across calls lets the matcher narrow
	Suffix  string   // appended after a chosen candidate (": " for a nick first in the line)
	Details []string // optional help per item, shown in the popup
}

// Source returns the candidates for the word being typed (tok at index among
// words); ok false means nothing completes here.
type Source func(words []string, tok string, index int) (Set, bool)

// Completer is the completion state of the command line.
type Completer struct {
	Source Source

	open     bool
	set      Set
	matcher  *Matcher
	pattern  string // what the user typed (cycling keeps it)
	start    int    // token start in bytes
	matches  []Match
	sel      int // -1: nothing applied yet
	cycling  bool
	MaxShown int
}

// Open reports whether the popup is showing.
func (c *Completer) Open() bool { return c.open }

// Close hides the popup.
func (c *Completer) Close() { c.open, c.cycling, c.matches, c.sel = false, false, nil, -1 }

// Matches returns the ranked matches shown.
func (c *Completer) Matches() []Match { return c.matches }

// Selected is the highlighted match (-1 for none).
func (c *Completer) Selected() int { return c.sel }

// Title of the candidate set.
func (c *Completer) Title() string { return c.set.Title }

// Start is where the completed word starts, in bytes of the line.
func (c *Completer) Start() int { return c.start }

// Pattern is the text being completed.
func (c *Completer) Pattern() string { return c.pattern }

const maxMatches = 200

// refresh recomputes the matches for the token under the cursor.
func (c *Completer) refresh(m *Model) bool {
	if c.Source == nil {
		return false
	}
	tok, start, index := m.Token()
	set, ok := c.Source(m.Words(), tok, index)
	if !ok || len(set.Items) == 0 {
		c.Close()
		return false
	}
	if c.matcher == nil || !sameSlice(c.matcher.Items(), set.Items) {
		c.matcher = NewMatcher(set.Items)
	}
	c.set, c.start, c.pattern = set, start, tok
	c.matches = c.matcher.Find(strings.TrimLeft(tok, "/"), maxMatches)
	if strings.HasPrefix(tok, "/") && !strings.HasPrefix(set.Title, "command") {
		c.matches = c.matcher.Find(tok, maxMatches)
	}
	c.sel = -1
	c.open = len(c.matches) > 0
	return c.open
}

func sameSlice(a, b []string) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}

// Tab completes: the first press opens the popup and applies the best
// match; further presses cycle (back when reverse).
func (c *Completer) Tab(m *Model, reverse bool) {
	if !c.cycling {
		if !c.refresh(m) {
			return
		}
		c.cycling = true
	}
	if len(c.matches) == 0 {
		return
	}
	switch {
	case c.sel < 0 && reverse:
		c.sel = len(c.matches) - 1
	case c.sel < 0:
		c.sel = 0
	case reverse:
		c.sel = (c.sel - 1 + len(c.matches)) % len(c.matches)
	default:
		c.sel = (c.sel + 1) % len(c.matches)
	}
	c.apply(m)
	if len(c.matches) == 1 {
		c.Close() // the only candidate: done
	}
}

func (c *Completer) apply(m *Model) {
	choice := c.matches[c.sel].Str
	suffix := c.set.Suffix
	if suffix == "" {
		suffix = " "
	}
	m.ReplaceToken(c.start, choice)
	// A suffix only when the candidate ends the line.
	if m.pos == len(m.text) {
		m.Insert(suffix)
	}
}

// Typed updates an open popup after the line changed (live filtering).
// With auto set, the popup opens for words that always complete (commands).
func (c *Completer) Typed(m *Model, auto bool) {
	c.cycling = false
	tok, _, index := m.Token()
	if tok == "" {
		c.Close()
		return
	}
	if !c.open && !(auto && index == 0 && strings.HasPrefix(tok, "/") && len(tok) > 1) {
		return
	}
	c.refresh(m)
}

// PopupRows renders the popup: a title row and up to max rows of matches,
// the matched letters highlighted; width is the popup's width.
func (c *Completer) PopupRows(st *common.Styles, maxRows, width int) []string {
	if !c.open || maxRows < 2 {
		return nil
	}
	n := min(len(c.matches), maxRows-1)
	first := 0
	if c.sel >= n {
		first = c.sel - n + 1
	}
	title := " " + c.set.Title
	if len(c.matches) >= maxMatches {
		title += " (best " + itoa(maxMatches) + ")"
	} else {
		title += " (" + itoa(len(c.matches)) + ")"
	}
	title += " · tab cycles "
	rows := []string{common.Line(st.PopupTitle, title, width)}
	for i := first; i < first+n; i++ {
		rows = append(rows, c.row(st, i, width))
	}
	return rows
}

func (c *Completer) row(st *common.Styles, i, width int) string {
	mt := c.matches[i]
	base, hi := st.Popup, st.PopupMatch
	if i == c.sel {
		base, hi = st.PopupSelect, st.PopupSelectMatch
	}
	var detail string
	if c.set.Details != nil && mt.Index < len(c.set.Details) {
		detail = c.set.Details[mt.Index]
	}
	return HighlightRow(base, hi, mt.Str, mt.Matched, detail, width)
}

// HighlightRow renders " text   detail" with the bytes at matched offsets
// of text in hi, padded to width.
func HighlightRow(base, hi common.Style, text string, matched []int, detail string, width int) string {
	var r common.Row
	r.Reset(width)
	r.Add(base, " ")
	textW := width - 2
	if detail != "" {
		textW = min(common.TextWidth(text), width-2)
	}
	text = common.Truncate(text, textW)
	isMatch := func(i int) bool {
		for _, m := range matched {
			if m == i {
				return true
			}
		}
		return false
	}
	for i := 0; i < len(text); {
		in := isMatch(i)
		j := i + 1
		for j < len(text) && (text[j]&0xc0 == 0x80 || isMatch(j) == in && text[j]&0xc0 != 0x80) {
			j++
		}
		if in {
			r.Add(hi, text[i:j])
		} else {
			r.Add(base, text[i:j])
		}
		i = j
	}
	if detail != "" && r.Left() > 4 {
		r.Add(base, "  ")
		r.Add(base, detail)
	}
	r.Pad(base)
	return r.String()
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}
