package minutes

import (
	"strings"

	"gavel/meeting"
)

// This file emulates the text wrapping MeetBot 0.1.4 uses: a subclass of
// Python 2.7's textwrap.TextWrapper whose wordsep_re is `(\s+)`, with
// width=72 and break_long_words=False (writers.wrapList and replaceWRAP).
//
// The algorithm, as textwrap implements it:
//
//  1. expand tabs to 8-column stops (the column restarts after \n and \r),
//     then turn every ASCII whitespace character into a space;
//  2. split into chunks at whitespace runs, keeping the runs as chunks,
//     and dropping empty strings. The text is unicode, for which
//     TextWrapper uses wordsep_re_uni: MeetBot's `(\s+)` recompiled with
//     re.UNICODE, so the runs are of Python's unicode white space (no-break
//     spaces, U+3000, the separators 0x1c–0x1f...), which step 1 leaves
//     as they are;
//  3. fill lines greedily: a chunk goes on the line if the line's length
//     plus the chunk's stays within width - len(indent); a whitespace
//     chunk that would start a line is dropped, except at the very start of
//     the text; a chunk longer than a whole line goes alone on a line of
//     its own when the line is still empty (long words are never broken);
//     a whitespace chunk that ends a line is dropped;
//  4. lines that end up empty are not emitted.
//
// "Whitespace chunk" is decided by unicode.strip() == "" in Python, which
// holds exactly for the white space runs of step 2. Lengths are counted in
// code points.

const wrapWidth = 72

// pyWrap returns the lines textwrap.TextWrapper(width, initial_indent,
// subsequent_indent, break_long_words=False).wrap(text) would return.
func pyWrap(text string, width int, initial, subsequent string) []string {
	filled := pyFill(text, width, initial, subsequent)
	if filled == "" {
		return nil
	}
	return strings.Split(filled, "\n") // munging left no newline in the text
}

// fitsOneLine is pyWrap's fast path for the common case: printable ASCII
// text that fits on the first line. The result is what the general
// algorithm gives: the text with its trailing spaces dropped ("" for
// blank text, which makes no line at all).
func fitsOneLine(text string, width int, initial string) (string, bool) {
	t, ok := fitsOneLineText(text, width, initial)
	if !ok || t == "" {
		return t, ok
	}
	return initial + t, true
}

// fitsOneLineText is fitsOneLine without the indent: the text of the
// line ("" for none).
func fitsOneLineText(text string, width int, initial string) (string, bool) {
	for i := 0; i < len(text); i++ {
		if c := text[i]; c < ' ' || c >= 0x7f {
			return "", false
		}
	}
	t := strings.TrimRight(text, " ")
	if len(t) > width-meeting.PyLen(initial) {
		return "", false
	}
	return t, true
}

// pyFill is textwrap's fill: the wrapped lines joined with "\n". It walks
// the chunks (runs of spaces, runs of anything else) in place, without
// building them.
func pyFill(text string, width int, initial, subsequent string) string {
	if line, ok := fitsOneLine(text, width, initial); ok {
		return line
	}
	s := munge(text)
	return fillMunged(s, width, initial, subsequent, isASCII(s))
}

// appendFill appends pyFill(text, width, initial, subsequent), whose
// indents are spaces.
func appendFill(b []byte, text string, width int, initial, subsequent string) []byte {
	if !isPrintableASCII(text) {
		s := munge(text)
		return appendFillMunged(b, s, width, initial, subsequent, isASCII(s))
	}
	if t := strings.TrimRight(text, " "); len(t) <= width-len(initial) {
		// fitsOneLine
		if t == "" {
			return b
		}
		return append(append(b, initial...), t...)
	}
	return appendFillPrintable(b, text, width, initial, subsequent)
}

// isPrintableASCII reports whether s is all printable ASCII (0x20 to
// 0x7e): nothing to munge, its only white space ' '.
func isPrintableASCII(s string) bool {
	i := 0
	for ; i+8 <= len(s); i += 8 {
		if !printable8(s, i) {
			return false
		}
	}
	for ; i < len(s); i++ {
		if c := s[i]; c < ' ' || c >= 0x7f {
			return false
		}
	}
	return true
}

// printable8 reports whether the eight bytes of s from i on are all
// printable ASCII.
func printable8(s string, i int) bool {
	w := word8(s, i)
	below := (w - 0x20*ones) & ^w & highs       // a byte < 0x20
	above := (w + (0x80-0x7f)*ones | w) & highs // a byte >= 0x7f
	return below|above == 0
}

// appendFillPrintable is appendFillMunged of printable ASCII text (whose
// chunks are runs of ' ' and runs of anything else, a byte a code point)
// and indents of spaces. A line's chunks are contiguous and a byte long
// each per byte, so the greedy fill ends a line at the last chunk end
// within the width: found by looking back from there, not by walking
// every chunk.
func appendFillPrintable(b []byte, s string, width int, initial, subsequent string) []byte {
	lines := 0
	for pos := 0; pos < len(s); {
		indent := initial
		if lines > 0 {
			indent = subsequent
			// A whitespace chunk that would start a line is dropped.
			for pos < len(s) && s[pos] == ' ' {
				pos++
			}
			if pos >= len(s) {
				break
			}
		}
		start := pos
		e := len(s)
		if limit := start + width - len(indent); limit < len(s) {
			// The last chunk end at or before limit: where a space
			// and a non-space meet.
			e = max(limit, start)
			for e > start && (s[e-1] == ' ') == (s[e] == ' ') {
				e--
			}
		}
		if e == start {
			// Nothing fitted: a chunk longer than the line goes alone
			// (long words are never broken).
			sp := s[e] == ' '
			for e++; e < len(s) && (s[e] == ' ') == sp; e++ {
			}
		}
		pos = e
		end := pos
		for end > start && s[end-1] == ' ' {
			end-- // a whitespace chunk that ends a line is dropped
		}
		if end > start {
			if lines > 0 {
				b = append(b, '\n')
			}
			b = append(b, indent...)
			b = append(b, s[start:end]...)
			lines++
		}
	}
	return b
}

// fillMunged is pyFill after munging, with a faster walk when the text is
// all ASCII (ascii true).
func fillMunged(s string, width int, initial, subsequent string, ascii bool) string {
	return string(appendFillMunged(make([]byte, 0, len(s)+len(initial)+(len(s)/max(width, 1)+1)*(len(subsequent)+1)), s, width, initial, subsequent, ascii))
}

// appendFillMunged appends fillMunged(s, width, initial, subsequent, ascii).
func appendFillMunged(b []byte, s string, width int, initial, subsequent string, ascii bool) []byte {
	chunkEnd := func(i int) int {
		if ascii {
			// One byte a code point; munge left no white space but ' '
			// and 0x1c–0x1f.
			sp := isASCIIChunkSpace(s[i])
			for i++; i < len(s) && isASCIIChunkSpace(s[i]) == sp; i++ {
			}
			return i
		}
		sp := spaceAt(s, i)
		for i < len(s) {
			if c := s[i]; c < 0x80 {
				// munge left no ASCII white space but ' ' and 0x1c–0x1f.
				if (c == ' ' || c >= 0x1c && c <= 0x1f) != sp {
					break
				}
				i++
				continue
			}
			if spaceAt(s, i) != sp {
				break
			}
			_, size := meeting.DecodePyRune(s[i:])
			i += size
		}
		return i
	}
	lines := 0
	for pos := 0; pos < len(s); {
		indent := initial
		if lines > 0 {
			indent = subsequent
		}
		w := width - meeting.PyLen(indent)
		// A whitespace chunk that would start a line is dropped, except
		// at the very start of the text.
		if lines > 0 {
			if e := chunkEnd(pos); isPySpace(s[pos:e]) {
				if pos = e; pos >= len(s) {
					break
				}
			}
		}
		start, curLen, last := pos, 0, -1 // last: start of the line's last chunk
		for pos < len(s) {
			e := chunkEnd(pos)
			l := e - pos
			if !ascii {
				l = meeting.PyLen(s[pos:e])
			}
			if curLen+l > w {
				break
			}
			last, curLen, pos = pos, curLen+l, e
		}
		if last < 0 && pos < len(s) {
			// Nothing fitted: a chunk longer than the line goes alone
			// (long words are never broken).
			last, pos = pos, chunkEnd(pos)
		}
		end := pos
		if last >= 0 && isPySpace(s[last:pos]) {
			end = last // a whitespace chunk that ends a line is dropped
		}
		if end > start {
			if lines > 0 {
				b = append(b, '\n')
			}
			b = append(b, indent...)
			b = append(b, s[start:end]...)
			lines++
		}
	}
	return b
}

// wrapList is MeetBot's writers.wrapList: width 72, the given first-line
// indent and two more spaces on continuation lines.
func wrapList(item string, indent int) string {
	return pyFill(item, wrapWidth, spaces(indent), spaces(indent+2))
}

// appendWrapList appends wrapList(item, indent).
func appendWrapList(b []byte, item string, indent int) []byte {
	return appendFill(b, item, wrapWidth, spaces(indent), spaces(indent+2))
}

func spaces(n int) string { return "          "[:n] }

// isASCIIChunkSpace reports whether the ASCII byte c, in munged text, is
// white space for textwrap: ' ' and the separators 0x1c–0x1f.
func isASCIIChunkSpace(c byte) bool { return c == ' ' || c >= 0x1c && c <= 0x1f }

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func isASCIISpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

// munge expands tabs and turns other whitespace into spaces, as
// TextWrapper._munge_whitespace does.
func munge(text string) string {
	if !hasMungeable(text) {
		return text
	}
	var b strings.Builder
	col := 0
	for i := 0; i < len(text); {
		r, size := meeting.DecodePyRune(text[i:])
		switch r {
		case '\t':
			n := 8 - col%8
			b.WriteString("        "[:n])
			col += n
		case '\n', '\r':
			b.WriteByte(' ')
			col = 0
		case '\v', '\f':
			b.WriteByte(' ')
			col++
		default:
			// The bytes as they are: invalid UTF-8 and surrogates too.
			b.WriteString(text[i : i+size])
			col++
		}
		i += size
	}
	return b.String()
}

// hasMungeable reports whether text holds a tab, \n, \r, \v or \f: a
// byte scan, as those bytes never occur inside a multi-byte sequence.
func hasMungeable(text string) bool {
	for i := 0; i < len(text); i++ {
		if c := text[i]; c >= '\t' && c <= '\r' {
			return true
		}
	}
	return false
}

// spaceAt reports whether the code point at s[i:] is Python white space.
func spaceAt(s string, i int) bool {
	if c := s[i]; c < 0x80 {
		return c == ' ' || (c >= 0x1c && c <= 0x1f) || (c >= '\t' && c <= '\r')
	}
	r, _ := meeting.DecodePyRune(s[i:])
	return meeting.PyIsSpace(r)
}

// isPySpace reports whether Python's unicode.strip() would leave nothing
// of s.
func isPySpace(s string) bool {
	for _, r := range s {
		if !meeting.PyIsSpace(r) {
			return false
		}
	}
	return true
}

// replaceWRAP emulates writers.replaceWRAP: the text between the first
// "sWRAPs" and the last following "eWRAPe" (regular expression
// `sWRAPs(.*)eWRAPe` with DOTALL, greedy) is filled at 72 columns and the
// markers removed. MeetBot runs it over the whole Text and HTML2 output,
// so markers typed by users take effect too.
func replaceWRAP(s string) string {
	i := strings.Index(s, "sWRAPs")
	if i < 0 {
		return s
	}
	j := strings.LastIndex(s, "eWRAPe")
	if j < i+len("sWRAPs") {
		return s
	}
	return s[:i] + pyFill(s[i+len("sWRAPs"):j], wrapWidth, "", "") + s[j+len("eWRAPe"):]
}

// appendReplaceWRAP appends replaceWRAP(s).
func appendReplaceWRAP(b []byte, s string) []byte {
	i := strings.Index(s, "sWRAPs")
	if i < 0 {
		return append(b, s...)
	}
	j := strings.LastIndex(s, "eWRAPe")
	if j < i+len("sWRAPs") {
		return append(b, s...)
	}
	b = append(b, s[:i]...)
	b = appendFill(b, s[i+len("sWRAPs"):j], wrapWidth, "", "")
	return append(b, s[j+len("eWRAPe"):]...)
}
