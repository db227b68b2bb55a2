package minutes

import (
	"strconv"
	"strings"
	"time"

	"gavel/meeting"
)

// mdTable backslash-escapes the characters that make Markdown markup
// anywhere in a line (CommonMark allows a backslash before any ASCII
// punctuation): emphasis, code, links, images, headings, tables, HTML and
// entities.
var mdTable = byteTable(
	`\`, `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "{", `\{`, "}", `\}`,
	"[", `\[`, "]", `\]`, "(", `\(`, ")", `\)`, "#", `\#`, "|", `\|`,
	"<", `\<`, ">", `\>`, "&", `\&`, "~", `\~`, "!", `\!`,
	"\r", " ", "\n", " ",
)

// appendMdEsc appends user text escaped for Markdown. Besides the inline
// characters it escapes what would start a block at the beginning of the
// text (list markers, "1." / "1)" ordered-list markers, setext
// underlines).
func appendMdEsc(b []byte, s string) []byte {
	start := len(b)
	b = appendReplaced(b, s, mdTable)
	e := b[start:]
	if len(e) == 0 {
		return b
	}
	switch e[0] {
	case '-', '+', '=':
		return insertByte(b, start, '\\')
	}
	i := 0
	for i < len(e) && e[i] >= '0' && e[i] <= '9' {
		i++
	}
	if i > 0 && i < len(e) && (e[i] == '.' || e[i] == ')') {
		return insertByte(b, start+i, '\\')
	}
	return b
}

// insertByte inserts c into b at i.
func insertByte(b []byte, i int, c byte) []byte {
	b = append(b, 0)
	copy(b[i+1:], b[i:len(b)-1])
	b[i] = c
	return b
}

// appendMdLink appends a link target safe inside <...> autolinks: only
// linkable schemes, and none of the characters that would end it.
func appendMdLink(b []byte, url string) []byte {
	if strings.ContainsAny(url, "<> \t\r\n\"`") {
		return appendMdEsc(b, url)
	}
	b = append(b, '<')
	b = append(b, url...)
	return append(b, '>')
}

// appendMdSaid appends who said an item, when, and a link to its line of
// the HTML log: "nick, HH:MM:SS, log [N](dest#l-N)".
func appendMdSaid(b []byte, dest, nick string, t time.Time, line int) []byte {
	b = appendMdEsc(b, nick)
	b = append(b, ", "...)
	b = appendClock(b, t)
	b = append(b, ", log "...)
	return appendMdLogLink(b, dest, line)
}

// appendMdLogLink appends a link to a line of the HTML log; dest is the
// log's URL as a link destination (mdDest).
func appendMdLogLink(b []byte, dest string, line int) []byte {
	b = append(b, '[')
	b = strconv.AppendInt(b, int64(line), 10)
	b = append(b, "]("...)
	b = append(b, dest...)
	b = append(b, "#l-"...)
	b = strconv.AppendInt(b, int64(line), 10)
	return append(b, ')')
}

// mdDestTable makes a link destination: spaces and parentheses escaped.
var mdDestTable = byteTable(" ", "%20", "(", "%28", ")", "%29", "<", "%3C", ">", "%3E")

// appendMdItem appends an item's Markdown text (without the list marker).
func appendMdItem(b []byte, it meeting.Item, dest string) []byte {
	switch it.Kind {
	case meeting.KindInfo:
		b = appendMdEsc(b, it.Text)
	case meeting.KindLink:
		b = append(b, "**LINK:** "...)
		if i, j, ok := findURL(it.Text); ok {
			b = appendMdEsc(b, it.Text[:i])
			b = appendMdLink(b, it.Text[i:j])
			b = appendReplaced(b, it.Text[j:], mdTable)
		} else {
			b = appendMdEsc(b, it.Text)
		}
	default:
		b = append(b, "**"...)
		b = appendMdEsc(b, string(it.Kind))
		b = append(b, ":** "...)
		b = appendMdEsc(b, it.Text)
	}
	b = append(b, " ("...)
	b = appendMdSaid(b, dest, it.Nick, it.Time, it.Line)
	return append(b, ')')
}

// appendMarkdown appends B.md: for pasting into a wiki or a forum post.
func (v *view) appendMarkdown(b []byte) []byte {
	m := v.m
	dest := bytesString(appendReplaced(make([]byte, 0, len(v.logsURL)+8), v.logsURL, mdDestTable))
	b = append(b, "# "...)
	b = appendMdEsc(b, v.title)
	b = append(b, "\n\n- **Started:** "...)
	b = appendMdTime(b, m.Start)
	b = append(b, " by "...)
	b = appendMdEsc(b, m.Owner)
	b = append(b, '\n')
	if m.Ended() {
		b = append(b, "- **Ended:** "...)
		b = appendMdTime(b, m.End)
		b = append(b, '\n')
	} else if !m.LastLine.IsZero() {
		b = append(b, "- **Written:** "...)
		b = appendMdTime(b, m.LastLine)
		b = append(b, ", while the meeting was running\n"...)
	}
	if chairs := m.ChairList(); len(chairs) > 0 {
		b = append(b, "- **Chairs:** "...)
		for i, c := range chairs {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = appendMdEsc(b, c)
		}
		b = append(b, '\n')
	}
	b = append(b, "- **Full log:** ["...)
	b = appendMdEsc(b, v.logHref)
	b = append(b, "]("...)
	b = append(b, dest...)
	b = append(b, ")\n\n"...)

	b = append(b, "## Meeting summary\n\n"...)
	items := m.Items
	for i := 0; i < len(items); {
		if it := items[i]; it.Kind == meeting.KindTopic {
			b = append(b, "### "...)
			b = appendMdEsc(b, it.Text)
			b = append(b, "\n\n_("...)
			b = appendMdSaid(b, dest, it.Nick, it.Time, it.Line)
			b = append(b, ")_\n\n"...)
			i++
		}
		n := 0
		for ; i < len(items) && items[i].Kind != meeting.KindTopic; i++ {
			b = append(b, "- "...)
			b = appendMdItem(b, items[i], dest)
			b = append(b, '\n')
			n++
		}
		if n > 0 {
			b = append(b, '\n')
		}
	}

	b = append(b, "## Action items\n\n"...)
	for _, a := range v.actions {
		b = append(b, "- "...)
		b = appendMdEsc(b, a.Text)
		b = append(b, '\n')
	}
	if len(v.actions) == 0 {
		b = append(b, "- (none)\n"...)
	}
	b = append(b, '\n')

	if len(v.actions) > 0 {
		b = append(b, "## Action items, by person\n\n"...)
		for _, p := range v.byPerson {
			b = append(b, "- **"...)
			b = appendMdEsc(b, p.nick)
			b = append(b, "**\n"...)
			for _, a := range p.items {
				b = append(b, "  - "...)
				b = appendMdEsc(b, a.Text)
				b = append(b, '\n')
			}
		}
		if len(v.unassigned) > 0 {
			b = append(b, "- **UNASSIGNED**\n"...)
			for _, a := range v.unassigned {
				b = append(b, "  - "...)
				b = appendMdEsc(b, a.Text)
				b = append(b, '\n')
			}
		}
		b = append(b, '\n')
	}

	if len(m.Votes) > 0 {
		b = append(b, "## Votes\n\n"...)
		for _, vote := range m.Votes {
			b = append(b, "- "...)
			b = appendMdEsc(b, vote.Question)
			b = append(b, " ("...)
			b = appendMdSaid(b, dest, vote.Nick, vote.Time, vote.Line)
			b = append(b, ")\n"...)
			res := vote.Results()
			for i, o := range vote.Options {
				b = append(b, "  - "...)
				b = appendMdEsc(b, o)
				b = append(b, " ("...)
				b = strconv.AppendInt(b, int64(len(res[i])), 10)
				b = append(b, "): "...)
				for k, n := range res[i] {
					if k > 0 {
						b = append(b, ", "...)
					}
					b = appendMdEsc(b, n)
				}
				b = append(b, '\n')
			}
		}
		b = append(b, '\n')
	}

	b = append(b, "## People present (lines said)\n\n"...)
	for _, p := range v.people {
		b = append(b, "- "...)
		b = appendMdEsc(b, p.Nick)
		b = append(b, " ("...)
		b = strconv.AppendInt(b, int64(p.Lines), 10)
		b = append(b, ")\n"...)
	}
	return append(b, "\n_Generated by gavel._\n"...)
}
