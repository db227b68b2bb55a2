package matrixclient

import (
	"strings"
	"unicode/utf8"
)

// limits bound what one message may bring in.
type limits struct {
	maxBytes int // of a body; more is cut and flagged
	maxLines int // lines of a body; more are cut and flagged
}

// bodyLines turns a plain message body into the lines of a meeting: a
// reply's quoted fallback removed (when reply is set), \r\n and \r read as
// line ends, blank lines dropped, member user IDs written as display names
// (name), and the body cut to lim (truncated reports a cut).
func bodyLines(body string, reply bool, lim limits, name func(string) (string, bool)) (lines []string, truncated bool) {
	if reply {
		body = stripReplyFallback(body)
	}
	if lim.maxBytes > 0 && len(body) > lim.maxBytes {
		body = cutUTF8(body, lim.maxBytes)
		truncated = true
	}
	body = strings.ReplaceAll(body, "\r\n", "\n")
	body = strings.ReplaceAll(body, "\r", "\n")
	for l := range strings.SplitSeq(body, "\n") {
		l = strings.TrimRight(strings.ToValidUTF8(l, "\uFFFD"), " \t")
		if strings.TrimSpace(l) == "" {
			continue
		}
		if lim.maxLines > 0 && len(lines) == lim.maxLines {
			truncated = true
			break
		}
		lines = append(lines, mentionsAsNames(l, name))
	}
	return lines, truncated
}

// stripReplyFallback removes the quoted fallback that clients put before a
// reply's text: leading lines that start with '>' and the blank line after
// them.
func stripReplyFallback(body string) string {
	if !strings.HasPrefix(body, ">") {
		return body
	}
	rest := body
	for strings.HasPrefix(rest, ">") {
		i := strings.IndexByte(rest, '\n')
		if i < 0 {
			return body // only a quote: keep it rather than lose the line
		}
		rest = rest[i+1:]
	}
	if strings.HasPrefix(rest, "\n") {
		rest = rest[1:]
	} else if strings.HasPrefix(rest, "\r\n") {
		rest = rest[2:]
	}
	return rest
}

// mentionsAsNames writes each user ID in s that name knows (a member of the
// room) as that member's display name.
func mentionsAsNames(s string, name func(string) (string, bool)) string {
	if name == nil || !strings.Contains(s, "@") {
		return s
	}
	var b strings.Builder
	i := 0
	for i < len(s) {
		j := strings.IndexByte(s[i:], '@')
		if j < 0 {
			break
		}
		j += i
		end := userIDEnd(s, j)
		if end > j {
			if n, ok := name(s[j:end]); ok {
				b.WriteString(s[i:j])
				b.WriteString(n)
				i = end
				continue
			}
		}
		b.WriteString(s[i : j+1])
		i = j + 1
	}
	if b.Len() == 0 {
		return s
	}
	b.WriteString(s[i:])
	return b.String()
}

// userIDEnd returns the end of a user ID "@local:server" that starts at s[at],
// or at when there is none. The server part ends before trailing
// punctuation that cannot end a host name.
func userIDEnd(s string, at int) int {
	i := at + 1
	for i < len(s) && isLocalpart(s[i]) {
		i++
	}
	if i == at+1 || i >= len(s) || s[i] != ':' {
		return at
	}
	i++
	start := i
	for i < len(s) && isServerChar(s[i]) {
		i++
	}
	for i > start && (s[i-1] == '.' || s[i-1] == ':') {
		i--
	}
	if i == start {
		return at
	}
	return i
}

func isLocalpart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '=' || c == '-' || c == '/' || c == '+' || c >= 'A' && c <= 'Z'
}

func isServerChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == ':' || c == '[' || c == ']'
}

// cutUTF8 cuts s to at most n bytes without splitting a UTF-8 sequence.
func cutUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// oneLine is s on one line (line ends and tabs as spaces, control
// characters dropped), cut to n bytes.
func oneLine(s string, n int) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\r' || r == '\t':
			return ' '
		case r < 0x20 || r == 0x7f:
			return -1
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
	return cutUTF8(s, n)
}
