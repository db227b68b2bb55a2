package minutes

import (
	"bytes"
	"strconv"
	"time"

	"gavel/meeting"
)

// escZodbot is MeetBot's writers.html: &, < and > only.
var escZodbot = byteTable("&", "&amp;", "<", "&lt;", ">", "&gt;")

// escFull escapes text for HTML content and attribute values.
var escFull = byteTable("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&#39;")

// escZodbotHref and escFullHref escape a URL for an href: its '"' as
// %22, then the rest as escZodbot and escFull do.
var (
	escZodbotHref = byteTable("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "%22")
	escFullHref   = byteTable("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "%22", "'", "&#39;")
)

// esc appends user text escaped in the style's rules.
func (v *view) esc(b []byte, s string) []byte { return appendHTMLEsc(b, s, !v.zod) }

// raw appends text MeetBot inserts unescaped (the title, the owner, the
// log file name); the default style escapes it too.
func (v *view) raw(b []byte, s string) []byte {
	if v.zod {
		return append(b, s...)
	}
	return appendReplaced(b, s, escFull)
}

// href appends a URL escaped for an href attribute.
func (v *view) href(b []byte, url string) []byte {
	if v.zod {
		return appendReplaced(b, url, escZodbotHref)
	}
	return appendReplaced(b, url, escFullHref)
}

// details appends the "(nick, time)" span linking to the command's log
// line.
func (v *view) details(b []byte, nick string, t time.Time, line int) []byte {
	b = append(b, `<span class="details">(<a href='`...)
	b = v.raw(b, v.logHref)
	b = append(b, `#l-`...)
	b = strconv.AppendInt(b, int64(line), 10)
	b = append(b, `'>`...)
	b = v.esc(b, nick)
	b = append(b, `</a>, `...)
	b = appendClock(b, t)
	return append(b, `)</span>`...)
}

// itemHTML appends an item in the HTML minutes: MeetBot's html2_template.
func (v *view) itemHTML(b []byte, it meeting.Item) []byte {
	switch it.Kind {
	case meeting.KindTopic:
		b = append(b, `<b class="TOPIC">`...)
		b = v.esc(b, it.Text)
		b = append(b, `</b> `...)
		return v.details(b, it.Nick, it.Time, it.Line)
	case meeting.KindInfo:
		b = append(b, `<span class="INFO">`...)
		b = v.esc(b, it.Text)
		b = append(b, `</span> `...)
		return v.details(b, it.Nick, it.Time, it.Line)
	case meeting.KindLink:
		if v.zod {
			url, rest := zodbotLink(it.Text)
			b = append(b, `<a href="`...)
			b = v.href(b, url)
			b = append(b, `">`...)
			b = v.esc(b, url)
			b = append(b, `</a> `...)
			b = v.esc(b, rest)
			b = append(b, ' ')
			return v.details(b, it.Nick, it.Time, it.Line)
		}
		b = append(b, `<span class="LINK">`...)
		i, j, ok := findURL(it.Text)
		if !ok {
			b = v.esc(b, it.Text)
		} else {
			url := it.Text[i:j]
			b = v.esc(b, it.Text[:i])
			b = append(b, `<a href="`...)
			b = v.href(b, url)
			b = append(b, `">`...)
			b = v.esc(b, url)
			b = append(b, `</a>`...)
			b = v.esc(b, it.Text[j:])
		}
		b = append(b, `</span> `...)
		return v.details(b, it.Nick, it.Time, it.Line)
	}
	start, end := "", ""
	switch it.Kind {
	case meeting.KindAccepted:
		start, end = `<font color="green">`, `</font>`
	case meeting.KindRejected:
		start, end = `<font color="red">`, `</font>`
	}
	b = append(b, `<i class="itemtype">`...)
	b = v.esc(b, string(it.Kind))
	b = append(b, `</i>: <span class="`...)
	b = v.esc(b, string(it.Kind))
	b = append(b, `">`...)
	b = append(b, start...)
	b = v.esc(b, it.Text)
	b = append(b, end...)
	b = append(b, `</span> `...)
	return v.details(b, it.Nick, it.Time, it.Line)
}

// appendHTML appends B.html (MeetBot's HTML2 writer). Its body is made of
// sections, each of lines joined with "\n", joined with htmlSectionSep.
func (v *view) appendHTML(b []byte) []byte {
	m := v.m
	b = append(b, htmlHead...)
	b = v.raw(b, v.title)
	b = append(b, "</title>\n"+cssMinutes+"</head>\n\n<body>\n"...)
	body := len(b)

	logs := func(b []byte) []byte {
		b = append(b, `(<a href="`...)
		b = v.raw(b, v.logHref)
		return append(b, `">full logs</a>).</span>`+"\n"...)
	}
	b = append(b, `<h1>`...)
	b = v.raw(b, v.title)
	b = append(b, "</h1>\n"+`<span class="details">`+"\n"+"Meeting started by "...)
	b = v.raw(b, m.Owner)
	b = append(b, " at "...)
	b = appendClock(b, m.Start)
	b = append(b, " "+timeZone+"\n"...)
	b = logs(b)
	b = append(b, htmlSectionSep...)

	// Meeting summary.
	b = append(b, "<h3>Meeting summary</h3>\n<ol>"...)
	scratch := getBuf()
	defer putBuf(scratch)
	haveTopic, inSublist := false, false
	for _, it := range m.Items {
		if it.Kind == meeting.KindTopic {
			if inSublist {
				b = append(b, "\n</ol>"...)
				inSublist = false
			}
			if haveTopic {
				b = append(b, "\n<br></li>"...)
			}
			haveTopic = true
			b = append(b, "\n<li>"...)
			b = v.itemHTML(b, it)
			continue
		}
		if !inSublist {
			if !haveTopic {
				b = append(b, "\n<li>"...)
				haveTopic = true
			}
			b = append(b, "\n"+`<ol type="a">`...)
			inSublist = true
		}
		*scratch = v.itemHTML(append((*scratch)[:0], "<li>"...), it)
		b = append(b, '\n')
		b = appendWrapList(b, bytesString(*scratch), 2)
		b = append(b, "</li>"...)
	}
	if inSublist {
		b = append(b, "\n</ol>"...)
	}
	if haveTopic {
		b = append(b, "\n</li>"...)
	}
	b = append(b, "\n</ol>"...)
	b = append(b, htmlSectionSep...)

	b = append(b, `<span class="details">`+"\n"...)
	b = append(b, v.endedLine()...)
	b = append(b, '\n')
	b = logs(b)
	b = append(b, htmlSectionSep...)

	// Action items.
	b = append(b, "<h3>Action items</h3>\n<ol>"...)
	for _, a := range v.actions {
		b = append(b, "\n  <li>"...)
		b = v.esc(b, a.Text)
		b = append(b, "</li>"...)
	}
	if len(v.actions) == 0 {
		b = append(b, "\n  <li>(none)</li>"...)
	}
	b = append(b, "\n</ol>"...)

	// Action items, by person: zodbot omits the section when no action
	// matched a nick and lists UNASSIGNED only with two or more.
	showPerson := v.assigned > 0
	minUnassigned := 2
	if !v.zod {
		showPerson = len(v.actions) > 0
		minUnassigned = 1
	}
	if showPerson {
		b = append(b, htmlSectionSep+"<h3>Action items, by person</h3>\n<ol>"...)
		for _, p := range v.byPerson {
			b = append(b, "\n  <li> "...)
			b = v.esc(b, p.nick)
			b = append(b, " <ol>"...)
			for _, a := range p.items {
				b = append(b, "\n    <li>"...)
				b = v.esc(b, a.Text)
				b = append(b, "</li>"...)
			}
			b = append(b, "\n  </ol></li>"...)
		}
		if len(v.unassigned) >= minUnassigned {
			b = append(b, "\n  <li><b>UNASSIGNED</b><ol>"...)
			for _, a := range v.unassigned {
				b = append(b, "\n    <li>"...)
				b = v.esc(b, a.Text)
				b = append(b, "</li>"...)
			}
			b = append(b, "\n  </ol>\n</li>"...)
		}
		b = append(b, "\n</ol>"...)
	}

	if !v.zod && len(m.Votes) > 0 {
		b = append(b, htmlSectionSep+"<h3>Votes</h3>\n<ol>"...)
		for _, vote := range m.Votes {
			b = append(b, "\n  <li>"...)
			b = v.esc(b, vote.Question)
			b = append(b, ' ')
			b = v.details(b, vote.Nick, vote.Time, vote.Line)
			b = append(b, " <ol>"...)
			res := vote.Results()
			for i, o := range vote.Options {
				b = append(b, "\n    <li>"...)
				b = v.esc(b, o)
				b = append(b, " ("...)
				b = strconv.AppendInt(b, int64(len(res[i])), 10)
				b = append(b, "): "...)
				for k, n := range res[i] {
					if k > 0 {
						b = append(b, ", "...)
					}
					b = v.esc(b, n)
				}
				b = append(b, "</li>"...)
			}
			b = append(b, "\n  </ol></li>"...)
		}
		b = append(b, "\n</ol>"...)
	}

	b = append(b, htmlSectionSep+"<h3>People present (lines said)</h3>\n<ol>"...)
	for _, p := range v.people {
		b = append(b, "\n  <li>"...)
		b = v.esc(b, p.Nick)
		b = append(b, " ("...)
		b = strconv.AppendInt(b, int64(p.Lines), 10)
		b = append(b, ")</li>"...)
	}
	b = append(b, "\n</ol>"+htmlSectionSep...)

	if v.zod {
		b = append(b, `<span class="details">Generated by <a href="`+meetBotInfoURL+`">MeetBot</a> `+meetBotVersion+`.</span>`...)
		if bytes.Contains(b[body:], []byte("sWRAPs")) {
			// MeetBot fills the text between the markers over the whole
			// body (a marker never spans two lines: the lines hold no
			// newline).
			*scratch = appendReplaceWRAP((*scratch)[:0], bytesString(b[body:]))
			b = append(b[:body], *scratch...)
		}
	} else {
		b = append(b, `<span class="details">Generated by gavel in the layout of <a href="`+meetBotInfoURL+`">MeetBot</a> `+meetBotVersion+`.</span>`...)
	}
	return append(b, "\n</body></html>\n"...)
}

// htmlSectionSep is between the sections of B.html.
const htmlSectionSep = "\n<br><br>\n\n\n\n"

const htmlHead = `<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">
<html>
<head>
<meta http-equiv="Content-type" content="text/html;charset=UTF-8">
<title>`
