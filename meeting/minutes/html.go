package minutes

import (
	"io"
	"strconv"
	"strings"

	"gavel/meeting"
)

// escZodbot is MeetBot's writers.html: &, < and > only.
var escZodbot = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// escFull escapes text for HTML content and attribute values.
var escFull = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&#39;")

// esc escapes user text in the style's rules.
func (v *view) esc(s string) string {
	if v.zod {
		return escZodbot.Replace(s)
	}
	return escFull.Replace(s)
}

// raw is text MeetBot inserts unescaped (the title, the owner, the log
// file name); the default style escapes it too.
func (v *view) raw(s string) string {
	if v.zod {
		return s
	}
	return escFull.Replace(s)
}

// details is the "(nick, time)" span linking to the command's log line.
func (v *view) details(it meeting.Item) string {
	return `<span class="details">(<a href='` + v.raw(v.logHref) + `#l-` + strconv.Itoa(it.Line) + `'>` +
		v.esc(it.Nick) + `</a>, ` + clock(it.Time) + `)</span>`
}

// itemHTML is an item in the HTML minutes: MeetBot's html2_template.
func (v *view) itemHTML(it meeting.Item) string {
	switch it.Kind {
	case meeting.KindTopic:
		return `<b class="TOPIC">` + v.esc(it.Text) + `</b> ` + v.details(it)
	case meeting.KindInfo:
		return `<span class="INFO">` + v.esc(it.Text) + `</span> ` + v.details(it)
	case meeting.KindLink:
		if v.zod {
			url, rest := zodbotLink(it.Text)
			return `<a href="` + v.esc(strings.ReplaceAll(url, `"`, "%22")) + `">` + v.esc(url) + `</a> ` +
				v.esc(rest) + ` ` + v.details(it)
		}
		i, j, ok := findURL(it.Text)
		if !ok {
			return `<span class="LINK">` + v.esc(it.Text) + `</span> ` + v.details(it)
		}
		url := it.Text[i:j]
		return `<span class="LINK">` + v.esc(it.Text[:i]) + `<a href="` + v.esc(strings.ReplaceAll(url, `"`, "%22")) + `">` +
			v.esc(url) + `</a>` + v.esc(it.Text[j:]) + `</span> ` + v.details(it)
	}
	start, end := "", ""
	switch it.Kind {
	case meeting.KindAccepted:
		start, end = `<font color="green">`, `</font>`
	case meeting.KindRejected:
		start, end = `<font color="red">`, `</font>`
	}
	kind := v.esc(string(it.Kind))
	return `<i class="itemtype">` + kind + `</i>: <span class="` + kind + `">` + start + v.esc(it.Text) + end + `</span> ` + v.details(it)
}

// html renders B.html (MeetBot's HTML2 writer) to w: the sections,
// each a list of lines, are written as they are, not joined in memory.
func (v *view) html(w io.StringWriter) error {
	m := v.m
	var body [][]string
	logs := `(<a href="` + v.raw(v.logHref) + `">full logs</a>).</span>` + "\n"
	body = append(body, []string{`<h1>` + v.raw(v.title) + "</h1>\n" + `<span class="details">` + "\n" +
		"Meeting started by " + v.raw(m.Owner) + " at " + clock(m.Start) + " " + timeZone + "\n" + logs})

	// Meeting summary.
	items := []string{"<h3>Meeting summary</h3>", "<ol>"}
	haveTopic, inSublist := false, false
	for _, it := range m.Items {
		item := "<li>" + v.itemHTML(it)
		if it.Kind == meeting.KindTopic {
			if inSublist {
				items = append(items, "</ol>")
				inSublist = false
			}
			if haveTopic {
				items = append(items, "<br></li>")
			}
			haveTopic = true
		} else {
			if !inSublist {
				if !haveTopic {
					items = append(items, "<li>")
					haveTopic = true
				}
				items = append(items, `<ol type="a">`)
				inSublist = true
			}
			item = wrapList(item, 2) + "</li>"
		}
		items = append(items, item)
	}
	if inSublist {
		items = append(items, "</ol>")
	}
	if haveTopic {
		items = append(items, "</li>")
	}
	items = append(items, "</ol>")
	body = append(body, items)

	body = append(body, []string{`<span class="details">` + "\n" + v.endedLine() + "\n" + logs})

	// Action items.
	items = []string{"<h3>Action items</h3>", "<ol>"}
	for _, a := range v.actions {
		items = append(items, "  <li>"+v.esc(a.Text)+"</li>")
	}
	if len(v.actions) == 0 {
		items = append(items, "  <li>(none)</li>")
	}
	items = append(items, "</ol>")
	body = append(body, items)

	// Action items, by person: zodbot omits the section when no action
	// matched a nick and lists UNASSIGNED only with two or more.
	showPerson := v.assigned > 0
	minUnassigned := 2
	if !v.zod {
		showPerson = len(v.actions) > 0
		minUnassigned = 1
	}
	if showPerson {
		items = []string{"<h3>Action items, by person</h3>", "<ol>"}
		for _, p := range v.byPerson {
			items = append(items, "  <li> "+v.esc(p.nick)+" <ol>")
			for _, a := range p.items {
				items = append(items, "    <li>"+v.esc(a.Text)+"</li>")
			}
			items = append(items, "  </ol></li>")
		}
		if len(v.unassigned) >= minUnassigned {
			items = append(items, "  <li><b>UNASSIGNED</b><ol>")
			for _, a := range v.unassigned {
				items = append(items, "    <li>"+v.esc(a.Text)+"</li>")
			}
			items = append(items, "  </ol>\n</li>")
		}
		items = append(items, "</ol>")
		body = append(body, items)
	}

	if !v.zod && len(m.Votes) > 0 {
		items = []string{"<h3>Votes</h3>", "<ol>"}
		for _, vote := range m.Votes {
			items = append(items, "  <li>"+v.esc(vote.Question)+" "+v.details(meeting.Item{Nick: vote.Nick, Time: vote.Time, Line: vote.Line})+" <ol>")
			res := vote.Results()
			for i, o := range vote.Options {
				items = append(items, "    <li>"+v.esc(o)+" ("+strconv.Itoa(len(res[i]))+"): "+v.esc(strings.Join(res[i], ", "))+"</li>")
			}
			items = append(items, "  </ol></li>")
		}
		items = append(items, "</ol>")
		body = append(body, items)
	}

	items = []string{"<h3>People present (lines said)</h3>", "<ol>"}
	for _, p := range v.people {
		items = append(items, "  <li>"+v.esc(p.Nick)+" ("+strconv.Itoa(p.Lines)+")</li>")
	}
	items = append(items, "</ol>")
	body = append(body, items)

	if v.zod {
		body = append(body, []string{`<span class="details">Generated by <a href="` + meetBotInfoURL + `">MeetBot</a> ` + meetBotVersion + `.</span>`})
	} else {
		body = append(body, []string{`<span class="details">Generated by gavel in the layout of <a href="` + meetBotInfoURL + `">MeetBot</a> ` + meetBotVersion + `.</span>`})
	}
	sw := stickyWriter{w: w}
	sw.WriteString(htmlHead + v.raw(v.title) + "</title>\n" + cssMinutes + "</head>\n\n<body>\n")
	if v.zod && hasWRAP(body) {
		// MeetBot fills the text between the markers over the whole
		// body: join it first.
		sw.WriteString(replaceWRAP(joinSections(body, htmlSectionSep)))
	} else {
		sw.writeSections(body, htmlSectionSep)
	}
	sw.WriteString("\n</body></html>\n")
	return sw.err
}

// htmlSectionSep is between the sections of B.html.
const htmlSectionSep = "\n<br><br>\n\n\n\n"

const htmlHead = `<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">
<html>
<head>
<meta http-equiv="Content-type" content="text/html;charset=UTF-8">
<title>`
