package minutes

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// This file emulates the text wrapping MeetBot 0.1.4 uses: a subclass of
// Python 2.7's textwrap.TextWrapper whose wordsep_re is `(\s+)`, with
// width=72 and break_long_words=False (writers.wrapList and replaceWRAP).
//
// The algorithm, as textwrap implements it:
//
//  1. expand tabs to 8-column stops (the column restarts after \n and \r),
//     then turn every ASCII whitespace character into a space;
//  2. split into chunks at whitespace runs, keeping the runs as chunks
//     (`\s` without re.UNICODE is ASCII whitespace only) and dropping
//     empty strings;
//  3. fill lines greedily: a chunk goes on the line if the line's length
//     plus the chunk's stays within width - len(indent); a whitespace
//     chunk that would start a line is dropped, except at the very start of
//     the text; a chunk longer than a whole line goes alone on a line of
//     its own when the line is still empty (long words are never broken);
//     a whitespace chunk that ends a line is dropped;
//  4. lines that end up empty are not emitted.
//
// "Whitespace chunk" is decided by unicode.strip() == "" in Python, so a
// chunk made only of, say, no-break spaces also counts as whitespace there.
// Lengths are counted in code points.

const wrapWidth = 72

// pyWrap returns the lines textwrap.TextWrapper(width, initial_indent,
// subsequent_indent, break_long_words=False).wrap(text) would return.
func pyWrap(text string, width int, initial, subsequent string) []string {
	if line, ok := fitsOneLine(text, width, initial); ok {
		if line == "" {
			return nil
		}
		return []string{line}
	}
	chunks := pyChunks(text)
	var lines []string
	var cur []string
	for i := 0; i < len(chunks); {
		cur = cur[:0]
		curLen := 0
		indent := initial
		if len(lines) > 0 {
			indent = subsequent
		}
		w := width - utf8.RuneCountInString(indent)
		if len(lines) > 0 && isPySpace(chunks[i]) {
			i++
		}
		for i < len(chunks) {
			l := utf8.RuneCountInString(chunks[i])
			if curLen+l > w {
				break
			}
			cur = append(cur, chunks[i])
			curLen += l
			i++
		}
		if i < len(chunks) && utf8.RuneCountInString(chunks[i]) > w && len(cur) == 0 {
			cur = append(cur, chunks[i])
			i++
		}
		if len(cur) > 0 && isPySpace(cur[len(cur)-1]) {
			cur = cur[:len(cur)-1]
		}
		if len(cur) > 0 {
			lines = append(lines, indent+strings.Join(cur, ""))
		}
	}
	return lines
}

// fitsOneLine is pyWrap's fast path for the common case: printable ASCII
// text that fits on the first line. The result is what the general
// algorithm gives: the text with its trailing spaces dropped ("" for
// blank text, which makes no line at all).
func fitsOneLine(text string, width int, initial string) (string, bool) {
	for i := 0; i < len(text); i++ {
		if c := text[i]; c < ' ' || c >= 0x7f {
			return "", false
		}
	}
	t := strings.TrimRight(text, " ")
	if len(t) > width-utf8.RuneCountInString(initial) {
		return "", false
	}
	if t == "" {
		return "", true
	}
	return initial + t, true
}

// pyFill is textwrap's fill: the wrapped lines joined with "\n".
func pyFill(text string, width int, initial, subsequent string) string {
	return strings.Join(pyWrap(text, width, initial, subsequent), "\n")
}

// wrapList is MeetBot's writers.wrapList: width 72, the given first-line
// indent and two more spaces on continuation lines.
func wrapList(item string, indent int) string {
	return pyFill(item, wrapWidth, spaces(indent), spaces(indent+2))
}

func spaces(n int) string { return "          "[:n] }

func isASCIISpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

// pyChunks munges whitespace and splits text as TextWrapper._split does.
func pyChunks(text string) []string {
	var b strings.Builder
	col := 0
	for _, r := range text {
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
			b.WriteRune(r)
			col++
		}
	}
	s := b.String()
	var chunks []string
	for i := 0; i < len(s); {
		j := i
		sp := s[i] == ' '
		for j < len(s) && (s[j] == ' ') == sp {
			j++
		}
		chunks = append(chunks, s[i:j])
		i = j
	}
	return chunks
}

// isPySpace reports whether Python's unicode.strip() would leave nothing
// of s.
func isPySpace(s string) bool {
	for _, r := range s {
		if !unicode.IsSpace(r) && (r < 0x1c || r > 0x1f) {
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
