package agenda

import (
	"bytes"
	"errors"
	"fmt"
	"html"
	"io"
	"net/url"
	"strings"
	"time"
)

// Limits of the parser. An agenda is a short list; anything beyond these
// is refused with a clear error rather than half-read.
const (
	MaxInputBytes = 1 << 20 // the whole file or page
	MaxLineBytes  = 4096    // one line of it
	MaxItems      = 200
	// MaxTitleBytes keeps "#topic <title>" in one IRC line whatever the
	// nick, host and channel; longer titles are cut with "…".
	MaxTitleBytes = 300
	// MaxURLBytes keeps "#link <url>" in one IRC line; longer links are
	// refused (a cut link is a broken link).
	MaxURLBytes = 380
)

// ParseError is a problem with the agenda as a whole (Line 0) or with one
// of its lines.
type ParseError struct {
	Line int // 1-based; 0 for the whole input
	Msg  string
}

func (e *ParseError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("agenda: line %d: %s", e.Line, e.Msg)
	}
	return "agenda: " + e.Msg
}

// maxErrors is how many line errors Parse reports at once.
const maxErrors = 5

// Parse reads an agenda: a Markdown or plain-text list with one item a
// line ("- Title", "* Title", "+ Title", "1. Title", "1) Title"). When the
// text has list items, only the top-level ones are items (headings, prose,
// nested items, code blocks and HTML comments are skipped); a text with no
// list markers at all is a plain list, one item per non-blank line,
// headings skipped.
//
// In an item, the first http(s) URL (bare, <autolink> or [text](url)) is
// its link and leaves the title, a "[10m]", "[1h]" or "[1h30m]" is its
// timebox, "[ ]"/"[x]" check boxes, inline HTML tags and Markdown emphasis
// are dropped, and entities are decoded. Titles are cleaned (see Clean)
// and cut to MaxTitleBytes.
//
// Parse is all or nothing: on error (binary data, an HTML page, a line or
// input over the limits, a bad timebox or link, too many items) it returns
// no items and an error naming the first few bad lines.
func Parse(r io.Reader) ([]Item, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxInputBytes+1))
	if err != nil {
		return nil, fmt.Errorf("agenda: %w", err)
	}
	return ParseBytes(data)
}

// ParseBytes is Parse for text in memory.
func ParseBytes(data []byte) ([]Item, error) {
	if len(data) > MaxInputBytes {
		return nil, &ParseError{Msg: fmt.Sprintf("more than %d KiB; an agenda is a short list", MaxInputBytes>>10)}
	}
	if bytes.IndexByte(data, 0) >= 0 {
		return nil, &ParseError{Msg: "binary data (NUL bytes), not a text list"}
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if looksLikeHTML(data) {
		return nil, &ParseError{Msg: "this is an HTML page, not a Markdown or plain-text list (give the address of the raw file)"}
	}
	lines := splitLines(data)
	var errs []error
	fail := func(n int, msg string) {
		if len(errs) < maxErrors {
			errs = append(errs, &ParseError{Line: n, Msg: msg})
		}
	}
	cands := candidates(lines, fail)
	var items []Item
	for _, c := range cands {
		it, skip, err := parseItem(c.text)
		if err != nil {
			fail(c.line, err.Error())
			continue
		}
		if skip {
			continue
		}
		if len(items) == MaxItems {
			fail(c.line, fmt.Sprintf("more than %d items", MaxItems))
			break
		}
		items = append(items, it)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return items, nil
}

func looksLikeHTML(data []byte) bool {
	head := bytes.TrimLeft(data, " \t\r\n")
	if len(head) > 64 {
		head = head[:64]
	}
	head = bytes.ToLower(head)
	for _, p := range []string{"<!doctype html", "<html", "<?xml", "<head", "<body"} {
		if bytes.HasPrefix(head, []byte(p)) {
			return true
		}
	}
	return false
}

func splitLines(data []byte) []string {
	s := string(data)
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSuffix(l, "\r")
	}
	return lines
}

// candidate is the text of a line that may be an item.
type candidate struct {
	line int
	text string
}

// candidates picks the item lines: top-level list items when there are
// any, else every non-blank line that is not markup.
func candidates(lines []string, fail func(int, string)) []candidate {
	var list, plain []candidate
	base := -1 // indentation of the first list item
	inFence, inComment := "", false
	for i, raw := range lines {
		n := i + 1
		if len(raw) > MaxLineBytes {
			fail(n, fmt.Sprintf("longer than %d bytes", MaxLineBytes))
			continue
		}
		line := expandIndent(raw)
		trimmed := strings.TrimSpace(line)
		switch {
		case inComment:
			if j := strings.Index(trimmed, "-->"); j >= 0 {
				inComment = false
			}
			continue
		case inFence != "":
			if strings.HasPrefix(trimmed, inFence) {
				inFence = ""
			}
			continue
		case strings.HasPrefix(trimmed, "```") || strings.HasPrefix(trimmed, "~~~"):
			inFence = trimmed[:3]
			continue
		case strings.HasPrefix(trimmed, "<!--"):
			if !strings.Contains(trimmed[4:], "-->") {
				inComment = true
			}
			continue
		case i == 0 && trimmed == "---":
			// YAML front matter: skip to its closing line.
			inFence = "---"
			continue
		case trimmed == "" || isRule(trimmed) || isHeading(trimmed):
			continue
		}
		if indent, text, ok := listItem(line); ok {
			if base < 0 {
				base = indent
			}
			if indent >= base+2 {
				continue // a nested item: a note under an item, not an item
			}
			list = append(list, candidate{n, text})
			continue
		}
		plain = append(plain, candidate{n, strings.TrimPrefix(strings.TrimPrefix(trimmed, ">"), " ")})
	}
	if base >= 0 {
		return list
	}
	return plain
}

// expandIndent turns leading tabs into 4 spaces.
func expandIndent(s string) string {
	i := 0
	for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	if !strings.Contains(s[:i], "\t") {
		return s
	}
	return strings.ReplaceAll(s[:i], "\t", "    ") + s[i:]
}

// isRule reports a thematic break: three or more of the same '-', '*' or
// '_', optionally spaced, or a setext underline of '='.
func isRule(s string) bool {
	c := s[0]
	if c != '-' && c != '*' && c != '_' && c != '=' {
		return false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case c:
			n++
		case ' ', '\t':
		default:
			return false
		}
	}
	return n >= 3
}

// isHeading reports an ATX heading: 1-6 '#' then a space or the end.
func isHeading(s string) bool {
	n := 0
	for n < len(s) && s[n] == '#' {
		n++
	}
	return n >= 1 && n <= 6 && (n == len(s) || s[n] == ' ' || s[n] == '\t')
}

// listItem recognises "- x", "* x", "+ x", "12. x", "12) x" and returns the
// marker's indentation and the text after it.
func listItem(line string) (indent int, text string, ok bool) {
	for indent < len(line) && line[indent] == ' ' {
		indent++
	}
	rest := line[indent:]
	if rest == "" {
		return 0, "", false
	}
	switch c := rest[0]; {
	case c == '-' || c == '*' || c == '+':
		rest = rest[1:]
	case c >= '0' && c <= '9':
		j := 0
		for j < len(rest) && j < 9 && rest[j] >= '0' && rest[j] <= '9' {
			j++
		}
		if j == len(rest) || rest[j] != '.' && rest[j] != ')' {
			return 0, "", false
		}
		rest = rest[j+1:]
	default:
		return 0, "", false
	}
	if rest != "" && rest[0] != ' ' && rest[0] != '\t' {
		return 0, "", false
	}
	return indent, strings.TrimSpace(rest), true
}

// parseItem turns the text of an item line into an Item. skip is set for
// items left empty by design ("- ", "- [ ]").
func parseItem(text string) (it Item, skip bool, err error) {
	text = Clean(text)
	for _, box := range []string{"[ ] ", "[x] ", "[X] "} {
		text = strings.TrimPrefix(text, box)
	}
	if text == "" || text == "[ ]" || text == "[x]" || text == "[X]" {
		return Item{}, true, nil
	}
	var link string
	text, link = extractLink(text)
	text, box, err := extractTimebox(text)
	if err != nil {
		return Item{}, false, err
	}
	text = html.UnescapeString(text)
	text = strings.NewReplacer("**", "", "__", "", "`", "").Replace(text)
	title := tidy(Clean(text))
	if link != "" {
		if err := checkURL(link); err != nil {
			return Item{}, false, err
		}
	}
	if title == "" {
		if link == "" {
			return Item{}, false, errors.New("the item has no title")
		}
		title = link
	}
	return Item{Title: Cut(title, MaxTitleBytes), URL: link, Timebox: box}, false, nil
}

// extractLink removes the first URL of text (a Markdown link keeps its
// text, an autolink or bare URL goes) and drops inline HTML tags and
// comments. Later URLs stay in the text.
func extractLink(s string) (rest, link string) {
	var b strings.Builder
	b.Grow(len(s))
	take := func(u string) bool {
		if link == "" {
			link = u
			return true
		}
		return false
	}
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '!' && strings.HasPrefix(s[i:], "!["):
			if text, u, n, ok := markdownLink(s[i+1:]); ok {
				take(u)
				b.WriteString(text)
				i += 1 + n
				continue
			}
		case c == '[':
			if text, u, n, ok := markdownLink(s[i:]); ok {
				b.WriteString(text)
				if !take(u) && text != u {
					b.WriteString(" " + u)
				}
				i += n
				continue
			}
		case c == '<':
			if u, n, ok := autolink(s[i:]); ok {
				if !take(u) {
					b.WriteString(u)
				}
				i += n
				continue
			}
			if n := htmlTag(s[i:]); n > 0 {
				b.WriteByte(' ')
				i += n
				continue
			}
		case (c == 'h' || c == 'H') && (i == 0 || s[i-1] == ' ' || s[i-1] == '(' || s[i-1] == '"' || s[i-1] == '\''):
			if u, n, ok := bareURL(s[i:]); ok {
				if !take(u) {
					b.WriteString(u)
				}
				i += n
				continue
			}
		}
		b.WriteByte(c)
		i++
	}
	return b.String(), link
}

// markdownLink reads "[text](url)" or "[text](url "title")" at the start
// of s, where url is an http(s) URL.
func markdownLink(s string) (text, u string, n int, ok bool) {
	close := strings.Index(s, "](")
	if close < 1 || strings.ContainsAny(s[1:close], "[]") {
		return "", "", 0, false
	}
	end := strings.IndexByte(s[close+2:], ')')
	if end < 0 {
		return "", "", 0, false
	}
	inner := strings.TrimSpace(s[close+2 : close+2+end])
	if sp := strings.IndexByte(inner, ' '); sp >= 0 {
		inner = inner[:sp] // drop a "title"
	}
	inner = strings.TrimSuffix(strings.TrimPrefix(inner, "<"), ">")
	if !isHTTP(inner) {
		return "", "", 0, false
	}
	return s[1:close], inner, close + 2 + end + 1, true
}

// autolink reads "<http://...>" at the start of s.
func autolink(s string) (u string, n int, ok bool) {
	end := strings.IndexByte(s, '>')
	if end < 0 {
		return "", 0, false
	}
	u = s[1:end]
	if !isHTTP(u) || strings.ContainsAny(u, " <") {
		return "", 0, false
	}
	return u, end + 1, true
}

// htmlTag returns the length of an HTML tag or comment at the start of s
// ("<b>", "</a>", "<br/>", "<a href=...>", "<!-- ... -->"), or 0.
func htmlTag(s string) int {
	if strings.HasPrefix(s, "<!--") {
		if end := strings.Index(s[4:], "-->"); end >= 0 {
			return 4 + end + 3
		}
		return len(s)
	}
	i := 1
	if i < len(s) && s[i] == '/' {
		i++
	}
	if i >= len(s) || !(s[i] >= 'a' && s[i] <= 'z' || s[i] >= 'A' && s[i] <= 'Z') {
		return 0
	}
	end := strings.IndexAny(s[i:], "<>")
	if end < 0 || s[i+end] != '>' {
		return 0
	}
	return i + end + 1
}

// bareURL reads an http(s) URL at the start of s, up to white space,
// without trailing punctuation or an unbalanced closing bracket.
func bareURL(s string) (u string, n int, ok bool) {
	if !isHTTP(s) {
		return "", 0, false
	}
	end := strings.IndexAny(s, " <>\"")
	if end < 0 {
		end = len(s)
	}
	u = s[:end]
	for u != "" {
		last := u[len(u)-1]
		if strings.IndexByte(".,;:!?'*_", last) >= 0 ||
			last == ')' && strings.Count(u, "(") < strings.Count(u, ")") ||
			last == ']' && strings.Count(u, "[") < strings.Count(u, "]") {
			u = u[:len(u)-1]
			continue
		}
		break
	}
	if !isHTTP(u) || len(u) <= len("https://") && !strings.Contains(u[len("http://"):], ".") {
		return "", 0, false
	}
	return u, len(u), true
}

func isHTTP(s string) bool {
	l := strings.ToLower(s[:min(len(s), 8)])
	return strings.HasPrefix(l, "http://") && len(s) > 7 || strings.HasPrefix(l, "https://") && len(s) > 8
}

// checkURL accepts absolute http(s) URLs with a host that fit in a #link
// line.
func checkURL(u string) error {
	if len(u) > MaxURLBytes {
		return fmt.Errorf("the link is longer than %d bytes", MaxURLBytes)
	}
	p, err := url.Parse(u)
	if err != nil || p.Host == "" || p.Scheme != "http" && p.Scheme != "https" {
		return fmt.Errorf("the link %q is not a valid http(s) URL", Cut(u, 80))
	}
	return nil
}

// extractTimebox finds one "[...]" that reads as a timebox and removes it.
func extractTimebox(s string) (rest string, box time.Duration, err error) {
	found := -1
	for i := 0; i < len(s); i++ {
		if s[i] != '[' {
			continue
		}
		end := strings.IndexByte(s[i:], ']')
		if end < 0 {
			break
		}
		d, ok, perr := ParseTimebox(s[i+1 : i+end])
		if !ok {
			continue
		}
		if perr != nil {
			return "", 0, perr
		}
		if found >= 0 {
			return "", 0, fmt.Errorf("two timeboxes (%s and %s)", FormatTimebox(box), FormatTimebox(d))
		}
		found, box = i, d
		s = s[:i] + " " + s[i+end+1:]
	}
	return s, box, nil
}

// tidy removes what a removed link or timebox leaves behind: empty
// brackets and separators at either end.
func tidy(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	s = strings.NewReplacer("( ", "(", " )", ")", "[ ", "[", " ]", "]").Replace(s)
	f := strings.Fields(s)
	out := f[:0]
	for _, w := range f {
		if strings.ContainsAny(w, "()[]<>") && strings.Trim(w, "()[]<>.,;:!?") == "" {
			continue // the brackets of a removed link
		}
		out = append(out, w)
	}
	s = strings.Join(out, " ")
	const seps = " -–—:|,;"
	for {
		t := strings.TrimRight(strings.TrimLeft(s, seps), seps)
		if t == s {
			return s
		}
		s = t
	}
}
