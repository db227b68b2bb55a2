package minutes

import (
	"strconv"
	"strings"
	"time"

	"gavel/meeting"
)

// mdEscaper backslash-escapes the characters that make Markdown markup
// anywhere in a line (CommonMark allows a backslash before any ASCII
// punctuation): emphasis, code, links, images, headings, tables, HTML and
// entities.
var mdEscaper = strings.NewReplacer(
	`\`, `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "{", `\{`, "}", `\}`,
	"[", `\[`, "]", `\]`, "(", `\(`, ")", `\)`, "#", `\#`, "|", `\|`,
	"<", `\<`, ">", `\>`, "&", `\&`, "~", `\~`, "!", `\!`,
	"\r", " ", "\n", " ",
)

// mdEsc escapes user text for Markdown. Besides the inline characters it
// escapes what would start a block at the beginning of the text (list
// markers, "1." / "1)" ordered-list markers, setext underlines).
func mdEsc(s string) string {
	s = mdEscaper.Replace(s)
	if s == "" {
		return s
	}
	switch s[0] {
	case '-', '+', '=':
		return `\` + s
	}
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i > 0 && i < len(s) && (s[i] == '.' || s[i] == ')') {
		return s[:i] + `\` + s[i:]
	}
	return s
}

// mdLink is a link target safe inside <...> autolinks: only linkable
// schemes, and none of the characters that would end it.
func mdLink(url string) string {
	if strings.ContainsAny(url, "<> \t\r\n\"`") {
		return mdEsc(url)
	}
	return "<" + url + ">"
}

func mdTime(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05") + " " + timeZone }

// mdLogLink links to a line of the HTML log.
func (v *view) mdLogLink(line int) string {
	return "[" + strconv.Itoa(line) + "](" + mdDest(v.logsURL+"#l-"+strconv.Itoa(line)) + ")"
}

// mdDest makes a link destination: spaces and parentheses escaped.
func mdDest(u string) string { return mdDestEscaper.Replace(u) }

var mdDestEscaper = strings.NewReplacer(" ", "%20", "(", "%28", ")", "%29", "<", "%3C", ">", "%3E")

// mdItem is an item's Markdown text (without the list marker).
func (v *view) mdItem(it meeting.Item) string {
	var b strings.Builder
	switch it.Kind {
	case meeting.KindInfo:
	case meeting.KindLink:
		b.WriteString("**LINK:** ")
		if i, j, ok := findURL(it.Text); ok {
			b.WriteString(mdEsc(it.Text[:i]))
			b.WriteString(mdLink(it.Text[i:j]))
			b.WriteString(mdEscaper.Replace(it.Text[j:]))
		} else {
			b.WriteString(mdEsc(it.Text))
		}
		goto details
	default:
		b.WriteString("**" + mdEsc(string(it.Kind)) + ":** ")
	}
	b.WriteString(mdEsc(it.Text))
details:
	b.WriteString(" (" + mdEsc(it.Nick) + ", " + clock(it.Time) + ", log " + v.mdLogLink(it.Line) + ")")
	return b.String()
}

// markdown renders B.md: for pasting into a wiki or a forum post.
func (v *view) markdown() string {
	m := v.m
	var b strings.Builder
	b.Grow(v.sizeHint(64 + len(v.logsURL)))
	b.WriteString("# " + mdEsc(v.title) + "\n\n")
	b.WriteString("- **Started:** " + mdTime(m.Start) + " by " + mdEsc(m.Owner) + "\n")
	if m.Ended() {
		b.WriteString("- **Ended:** " + mdTime(m.End) + "\n")
	} else if !m.LastLine.IsZero() {
		b.WriteString("- **Written:** " + mdTime(m.LastLine) + ", while the meeting was running\n")
	}
	if chairs := m.ChairList(); len(chairs) > 0 {
		esc := make([]string, len(chairs))
		for i, c := range chairs {
			esc[i] = mdEsc(c)
		}
		b.WriteString("- **Chairs:** " + strings.Join(esc, ", ") + "\n")
	}
	b.WriteString("- **Full log:** [" + mdEsc(v.logHref) + "](" + mdDest(v.logsURL) + ")\n\n")

	b.WriteString("## Meeting summary\n\n")
	for _, s := range sections(m.Items) {
		if s.topic != nil {
			b.WriteString("### " + mdEsc(s.topic.Text) + "\n\n")
			b.WriteString("_(" + mdEsc(s.topic.Nick) + ", " + clock(s.topic.Time) + ", log " + v.mdLogLink(s.topic.Line) + ")_\n\n")
		}
		for _, it := range s.items {
			b.WriteString("- " + v.mdItem(it) + "\n")
		}
		if len(s.items) > 0 {
			b.WriteString("\n")
		}
	}

	b.WriteString("## Action items\n\n")
	for _, a := range v.actions {
		b.WriteString("- " + mdEsc(a.Text) + "\n")
	}
	if len(v.actions) == 0 {
		b.WriteString("- (none)\n")
	}
	b.WriteString("\n")

	if len(v.actions) > 0 {
		b.WriteString("## Action items, by person\n\n")
		for _, p := range v.byPerson {
			b.WriteString("- **" + mdEsc(p.nick) + "**\n")
			for _, a := range p.items {
				b.WriteString("  - " + mdEsc(a.Text) + "\n")
			}
		}
		if len(v.unassigned) > 0 {
			b.WriteString("- **UNASSIGNED**\n")
			for _, a := range v.unassigned {
				b.WriteString("  - " + mdEsc(a.Text) + "\n")
			}
		}
		b.WriteString("\n")
	}

	if len(m.Votes) > 0 {
		b.WriteString("## Votes\n\n")
		for _, vote := range m.Votes {
			b.WriteString("- " + mdEsc(vote.Question) + " (" + mdEsc(vote.Nick) + ", " + clock(vote.Time) + ", log " + v.mdLogLink(vote.Line) + ")\n")
			res := vote.Results()
			for i, o := range vote.Options {
				esc := make([]string, len(res[i]))
				for k, n := range res[i] {
					esc[k] = mdEsc(n)
				}
				b.WriteString("  - " + mdEsc(o) + " (" + strconv.Itoa(len(res[i])) + "): " + strings.Join(esc, ", ") + "\n")
			}
		}
		b.WriteString("\n")
	}

	b.WriteString("## People present (lines said)\n\n")
	for _, p := range v.people {
		b.WriteString("- " + mdEsc(p.Nick) + " (" + strconv.Itoa(p.Lines) + ")\n")
	}
	b.WriteString("\n_Generated by gavel._\n")
	return b.String()
}
