package minutes

import (
	"bytes"
	"encoding/json"
	"io"
	"regexp"
	"strings"
	"testing"
	"time"

	"gavel/meeting"
)

var t0 = time.Date(2026, 3, 1, 15, 0, 0, 0, time.UTC)

func at(sec int) time.Time { return t0.Add(time.Duration(sec) * time.Second) }

func render(t testing.TB, kind FileKind, m *meeting.Meeting, style meeting.Style) string {
	t.Helper()
	var buf bytes.Buffer
	if err := Render(kind, &buf, m, "test.2026-03-01-15.00", Options{Style: style, URLPrefix: "https://example.org/", RelDir: "test/2026-03-01"}); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// unwrap joins the 72-column continuation lines of list items.
func unwrap(s string) string { return regexp.MustCompile(`\n    +`).ReplaceAllString(s, " ") }

func hostileMeeting() *meeting.Meeting {
	evil := `<b>evil"'&`
	m := &meeting.Meeting{
		Channel: "#c<h>",
		Owner:   `o"wner<i>`,
		Title:   `<script>alert("x")</script> & 'q'`,
		Name:    "test",
		Start:   at(0),
		End:     at(3600),
		Chairs:  []string{evil},
		Attendees: []meeting.Attendee{
			{Nick: `o"wner<i>`, Lines: 5}, {Nick: evil, Lines: 5}, {Nick: "javascript:alert(1)", Lines: 1},
		},
	}
	item := func(kind meeting.ItemKind, nick, text string) {
		m.Items = append(m.Items, meeting.Item{Kind: kind, Nick: nick, Time: at(len(m.Items) + 1), Text: text, Line: len(m.Items) + 2})
	}
	item(meeting.KindInfo, evil, `before any topic <script>alert(1)</script>`)
	item(meeting.KindTopic, evil, `<img src=x onerror=alert(1)> "topic"`)
	item(meeting.KindLink, evil, `javascript:alert(1) click me`)
	item(meeting.KindLink, evil, `JaVaScRiPt:alert(document.cookie)`)
	item(meeting.KindLink, evil, `see https://example.com/?a=1&b="2"<script>x</script> now.`)
	item(meeting.KindLink, evil, `"><script>alert(1)</script> http://x.org/"onmouseover="alert(1)`)
	item(meeting.KindAction, evil, `"quoted" & <tag> for <b>evil"'& and [md](javascript:alert(1))`)
	item(meeting.KindAccepted, evil, `<u>accepted</u>`)
	item(meeting.KindVote, evil, `Voted on "<q>?" Results are, Yes: 1`)
	m.Votes = []*meeting.Vote{{
		Question: `<q>?`, Options: []string{`<yes>`, "No"}, Ballots: map[string]string{evil: `<yes>`},
		Voters: []string{evil}, Nick: evil, Time: at(30), Line: 40, Ended: true,
	}}
	return m
}

var (
	rawTag       = regexp.MustCompile(`(?i)<(script|img|b>|i>|u>|tag|q>|yes>|h>)`)
	jsHref       = regexp.MustCompile(`(?i)href\s*=\s*["']?\s*javascript:`)
	unescapedMD  = regexp.MustCompile(`(^|[^\\])<(script|img|b>|i>|u>|tag|q>|yes>|h>)`)
	jsMarkdown   = regexp.MustCompile(`(?i)(\]\(\s*javascript:|<javascript:)`)
	quoteInText  = regexp.MustCompile(`alert\("x"\)|"quoted"|"topic"`)
	attrBreakout = regexp.MustCompile(`"onmouseover=`)
)

func TestHostileDefaultStyle(t *testing.T) {
	m := hostileMeeting()
	for _, kind := range []FileKind{FileHTML, FileMarkdown} {
		out := render(t, kind, m, meeting.StyleDefault)
		if kind == FileHTML {
			out = unwrap(out)
			if loc := rawTag.FindStringIndex(out); loc != nil {
				t.Errorf("html: unescaped markup at %q", out[max(0, loc[0]-40):loc[1]])
			}
			if jsHref.MatchString(out) {
				t.Error("html: javascript: link")
			}
			if quoteInText.MatchString(out) || attrBreakout.MatchString(out) {
				t.Error("html: unescaped quote")
			}
			if !strings.Contains(out, `<a href="https://example.com/?a=1&amp;b=">https://example.com/?a=1&amp;b=</a>&quot;2&quot;&lt;script&gt;`) {
				t.Errorf("html: link to the https URL missing")
			}
			if !strings.Contains(out, `<title>#c&lt;h&gt;: &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;</title>`) {
				t.Error("html: escaped title missing")
			}
		} else {
			if loc := unescapedMD.FindStringIndex(out); loc != nil {
				t.Errorf("md: unescaped markup at %q", out[max(0, loc[0]-40):loc[1]])
			}
			if jsMarkdown.MatchString(out) {
				t.Error("md: javascript: link")
			}
			if !strings.Contains(out, "<https://example.com/?a=1&b=>") {
				t.Errorf("md: autolink missing:\n%s", out)
			}
		}
	}
	// The log too.
	var buf bytes.Buffer
	lw := NewLogHTML(&buf, "#c<h>", meeting.StyleDefault)
	for i, text := range []string{`<script>alert("x")</script>`, `#topic <img src=x onerror="a">`, `#link "><script>`, `nick: <b>'hi'</b>`} {
		lw.WriteLine(meeting.Line{N: i + 1, Time: at(i), Nick: `<b>evil"'&`, Text: text})
		lw.WriteLine(meeting.Line{N: i + 1, Time: at(i), Nick: `<b>evil"'&`, Text: text, Action: true})
	}
	lw.Close()
	out := buf.String()
	if loc := rawTag.FindStringIndex(out); loc != nil {
		t.Errorf("log.html: unescaped markup at %q", out[max(0, loc[0]-40):loc[1]])
	}
	if strings.Contains(out, `"x"`) || strings.Contains(out, `'hi'`) || strings.Contains(out, `evil"`) {
		t.Error("log.html: unescaped quote")
	}
	// JSON is valid and keeps the text as typed.
	var doc JSONMinutes
	if err := json.Unmarshal([]byte(render(t, FileJSON, m, meeting.StyleDefault)), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Title != `#c<h>: <script>alert("x")</script> & 'q'` || doc.Items[2].URL != "" || doc.Items[4].URL != `https://example.com/?a=1&b=` {
		t.Errorf("json: %+v", doc)
	}
	if strings.Contains(render(t, FileJSON, m, meeting.StyleDefault), "<script") {
		t.Error("json: raw <script")
	}
}

// TestZodbotQuirks pins the MeetBot 0.1.4 behaviour the zodbot style keeps.
func TestZodbotQuirks(t *testing.T) {
	m := hostileMeeting()
	html := unwrap(render(t, FileHTML, m, meeting.StyleZodbot))
	if !strings.Contains(html, `<title>#c<h>: <script>alert("x")</script> & 'q'</title>`) {
		t.Error("zodbot title is not raw")
	}
	if !strings.Contains(html, `<a href="javascript:alert(1)">javascript:alert(1)</a> click me`) {
		t.Error("zodbot #link does not take the first word")
	}
	if !strings.Contains(html, `<span class="ACTION">"quoted" &amp; &lt;tag&gt;`) {
		t.Error("zodbot escaping is not &<> only")
	}
}

func defaultMeeting() *meeting.Meeting {
	m := &meeting.Meeting{
		Channel: "#gavel", Owner: "alice", Title: "Weekly", Name: "weekly", Start: at(0), End: at(600),
		Attendees: []meeting.Attendee{{Nick: "alice", Lines: 3}, {Nick: "bob", Lines: 2}, {Nick: "bobby", Lines: 2}, {Nick: "Carol", Lines: 2}, {Nick: "dave", Lines: 0}},
	}
	add := func(kind meeting.ItemKind, text string) {
		m.Items = append(m.Items, meeting.Item{Kind: kind, Nick: "alice", Time: at(len(m.Items) + 1), Text: text, Line: len(m.Items) + 2})
	}
	add(meeting.KindTopic, "Links")
	add(meeting.KindLink, "Board: https://example.org/board).")
	add(meeting.KindLink, "ftp://example.org/x, and mailto:a@example.org")
	add(meeting.KindTopic, "Work")
	add(meeting.KindAction, "bobby to fix the build")
	add(meeting.KindAction, "nobody in particular")
	add(meeting.KindAction, "BOB: review it")
	add(meeting.KindVote, `Voted on "Ship?" Results are, Yes: 2`)
	m.Votes = []*meeting.Vote{{Question: "Ship?", Options: []string{"Yes", "No"},
		Ballots: map[string]string{"bob": "Yes", "alice": "Yes"}, Voters: []string{"bob", "alice"}, Nick: "alice", Time: at(9), Line: 11, Ended: true}}
	return m
}

func TestDefaultStyle(t *testing.T) {
	m := defaultMeeting()
	html := unwrap(render(t, FileHTML, m, meeting.StyleDefault))
	for _, want := range []string{
		`Board: <a href="https://example.org/board">https://example.org/board</a>).`,
		`<a href="ftp://example.org/x">ftp://example.org/x</a>, and mailto:a@example.org`,
		"<li> bob <ol> <li>BOB: review it</li>",
		"<li> bobby <ol> <li>bobby to fix the build</li>",
		"<li><b>UNASSIGNED</b><ol> <li>nobody in particular</li>", // a single unassigned action
		`<i class="itemtype">VOTE</i>`,
		"<h3>Votes</h3>",
		"<li>Yes (2): bob, alice</li>",
		"<li>alice (3)</li>\n  <li>bob (2)</li>\n  <li>bobby (2)</li>\n  <li>Carol (2)</li>\n  <li>dave (0)</li>",
	} {
		if !strings.Contains(html, want) {
			t.Errorf("html lacks %q", want)
		}
	}
	if strings.Contains(html, "<li> bob <ol> <li>bobby") {
		t.Error("bob matched bobby")
	}
	txt := render(t, FileText, m, meeting.StyleDefault)
	for _, want := range []string{
		"* bob\n  * BOB: review it\n* bobby\n  * bobby to fix the build\n* **UNASSIGNED**\n  * nobody in particular\n",
		"Votes\n-----\n* Ship?  (alice, 15:00:09)\n  * Yes (2): bob, alice\n  * No (0):\n",
		"\nhttps://example.org/test/2026-03-01/test.2026-03-01-15.00.log.html .\n",
	} {
		if !strings.Contains(txt, want) {
			t.Errorf("txt lacks %q:\n%s", want, txt)
		}
	}
	md := render(t, FileMarkdown, m, meeting.StyleDefault)
	logURL := "https://example.org/test/2026-03-01/test.2026-03-01-15.00.log.html"
	for _, want := range []string{"# \\#gavel: Weekly\n", "<https://example.org/board>", "## Votes", "- **bobby**\n  - bobby to fix the build\n",
		// who said a topic, an item and a vote, when, and the line in the log
		"### Work\n\n_(alice, 15:00:04, log [5](" + logURL + "#l-5))_\n\n",
		"- **ACTION:** bobby to fix the build (alice, 15:00:05, log [6](" + logURL + "#l-6))\n",
		"- Ship? (alice, 15:00:09, log [11](" + logURL + "#l-11))\n  - Yes (2): bob, alice\n",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("md lacks %q:\n%s", want, md)
		}
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(render(t, FileJSON, m, meeting.StyleDefault)), &doc); err != nil {
		t.Fatal(err)
	}
	if doc["schema"] != JSONSchema || doc["start"] != "2026-03-01T15:00:00Z" {
		t.Errorf("json: %v", doc)
	}
	items := doc["items"].([]any)
	if it := items[1].(map[string]any); it["url"] != "https://example.org/board" || it["topic"] != "Links" || it["line"] != 3.0 {
		t.Errorf("json link item: %v", it)
	}
}

func TestKindsAndErrors(t *testing.T) {
	if got := len(Kinds(meeting.StyleZodbot)); got != 4 {
		t.Errorf("zodbot kinds: %d", got)
	}
	var exts []string
	for _, k := range Kinds(meeting.StyleDefault) {
		exts = append(exts, k.Ext())
	}
	if strings.Join(exts, " ") != "log.txt log.html txt html md json" {
		t.Errorf("default kinds: %v", exts)
	}
	if err := Render(FileLogHTML, io.Discard, defaultMeeting(), "b", Options{}); err != ErrStreamed {
		t.Errorf("log kind: %v", err)
	}
	// An empty log still makes a complete page; the text log is empty.
	var buf bytes.Buffer
	if err := RenderLog(FileLogHTML, &buf, "#x", meeting.StyleZodbot, sliceSeq[meeting.Line](nil)); err != nil || !strings.HasSuffix(buf.String(), "<pre></pre>\n</body></html>\n") {
		t.Errorf("empty log.html: %v %q", err, buf.String())
	}
}

func TestLogHTMLLineShapes(t *testing.T) {
	var buf bytes.Buffer
	lw := NewLogHTML(&buf, "#x", meeting.StyleZodbot)
	for _, text := range []string{"#topic", "#topicfoo bar", "#TOPIC x", "#", "# x", "#cmd\targ", "a: b", "a:b c", ": x", "a:\tb", "x"} {
		lw.WriteLine(meeting.Line{Time: t0, Nick: "n", Text: text})
	}
	lw.Close()
	body := buf.String()
	body = body[strings.Index(body, "<pre>")+5 : strings.Index(body, "</pre>")]
	want := []string{
		`<span class="topic">#topic</span><span class="topicline"></span>`,
		`<span class="topic">#topic</span><span class="topicline">foo bar</span>`,
		`<span class="cmd">#TOPIC </span><span class="cmdline">x</span>`,
		`#`,
		`# x`,
		`<span class="cmd">#cmd	</span><span class="cmdline">arg</span>`,
		`<span class="hi">a:</span> b`,
		`a:b c`,
		`: x`,
		"a:\tb",
		`x`,
	}
	for i, line := range strings.Split(body, "\n") {
		prefix := `<a name="l-` + itoa(i+1) + `"></a><span class="tm">15:00:00</span><span class="nk"> &lt;n&gt;</span> `
		if line != prefix+want[i] {
			t.Errorf("line %d: %q, want %q", i+1, line, prefix+want[i])
		}
	}
}

func TestLogWritersAllocs(t *testing.T) {
	line := meeting.Line{N: 12, Time: t0, Nick: "bcotton", Text: "sysoplab: <b>hi</b> & #topic"}
	act := meeting.Line{N: 13, Time: t0, Nick: "bcotton", Text: "waves", Action: true}
	cmd := meeting.Line{N: 14, Time: t0, Nick: "bcotton", Text: "#topic Something"}
	lt := NewLogText(io.Discard, meeting.StyleDefault)
	lh := NewLogHTML(io.Discard, "#x", meeting.StyleZodbot)
	ld := NewLogHTML(io.Discard, "#x", meeting.StyleDefault)
	n := testing.AllocsPerRun(1000, func() {
		for _, l := range []meeting.Line{line, act, cmd} {
			lt.WriteLine(l)
			lh.WriteLine(l)
			ld.WriteLine(l)
		}
	})
	if n != 0 {
		t.Errorf("%v allocations per run", n)
	}
}

// TestLogHTMLDefaultLineBoxes pins the default style's .log.html lines:
// each is zodbot's line (anchor, time, nick, text spans) inside a
// <span class="ln"> box, one per "\n"-separated line, and every flush ends
// after a whole box, so a copy of the page so far plus LogHTMLEnd is
// complete. Zodbot style has neither the boxes nor their stylesheet.
func TestLogHTMLDefaultLineBoxes(t *testing.T) {
	lines := []meeting.Line{
		{Time: t0, Nick: "n", Text: "#topic Budget"},
		{Time: t0, Nick: "n", Text: "#info <b> & more"},
		{Time: t0, Nick: "n", Text: "bob: a highlight"},
		{Time: t0, Nick: "n", Text: "waves", Action: true},
		{N: 9, Time: t0, Nick: "n", Text: "Z\u0300\u0301\u0302\u0303 marks"},
	}
	var def, zod bytes.Buffer
	ld, lz := NewLogHTML(&def, "#x", meeting.StyleDefault), NewLogHTML(&zod, "#x", meeting.StyleZodbot)
	for _, l := range lines {
		ld.WriteLine(l)
		lz.WriteLine(l)
		ld.Flush()
		if so := def.String(); strings.Count(so, "<span") != strings.Count(so, "</span>") || !strings.HasSuffix(so, "</span>") {
			t.Fatalf("a flush ends inside a line box: %q", so[max(0, len(so)-60):])
		}
	}
	ld.WriteLine(meeting.Line{Time: t0, Nick: "old", NewNick: "new"})
	ld.Close()
	lz.Close()
	body := func(page string) string { return page[strings.Index(page, "<pre>")+5 : strings.Index(page, "</pre>")] }
	want := `<span class="ln"><a name="l-1"></a><span class="tm">15:00:00</span><span class="nk"> &lt;n&gt;</span> <span class="topic">#topic </span><span class="topicline">Budget</span></span>
<span class="ln"><a name="l-2"></a><span class="tm">15:00:00</span><span class="nk"> &lt;n&gt;</span> <span class="cmd">#info </span><span class="cmdline">&lt;b&gt; &amp; more</span></span>
<span class="ln"><a name="l-3"></a><span class="tm">15:00:00</span><span class="nk"> &lt;n&gt;</span> <span class="hi">bob:</span> a highlight</span>
<span class="ln"><a name="l-4"></a><span class="tm">15:00:00 </span><span class="nka">* n</span> <span class="ac">waves</span></span>
<span class="ln"><a name="l-9"></a><span class="tm">15:00:00</span><span class="nk"> &lt;n&gt;</span> Z` + "\u0300\u0301\u0302\u0303" + ` marks</span>
<span class="ln"><a name="l-6"></a><span class="tm">15:00:00 </span><span class="nka">-!- old</span> <span class="ac">is now known as new</span></span>`
	if got := body(def.String()); got != want {
		t.Errorf("default style's lines:\n%s\nwant:\n%s", got, want)
	}
	// Without its boxes (and the nick change zodbot has no line for), a
	// default line is zodbot's.
	unboxed := strings.Split(body(def.String()), "\n")[:len(lines)]
	for i, l := range unboxed {
		unboxed[i] = strings.TrimSuffix(strings.TrimPrefix(l, `<span class="ln">`), `</span>`)
	}
	if got := strings.Join(unboxed, "\n"); got != body(zod.String()) {
		t.Errorf("unboxed default lines:\n%s\nzodbot's:\n%s", got, body(zod.String()))
	}
	if !strings.Contains(def.String(), cssLogDefault) || !strings.Contains(cssLogDefault, "pre .ln {") {
		t.Error("the default style's page lacks the line boxes' stylesheet")
	}
	if strings.Contains(zod.String(), ".ln") || strings.Contains(zod.String(), `class="ln"`) || !strings.Contains(zod.String(), cssLog) {
		t.Error("zodbot style's page is not MeetBot's")
	}
}

// TestActionOwnersInAMatrixRoom: an action is listed under each attendee
// it names; in an IRC channel in any case, in a Matrix room (whose names
// compare exactly, meeting.NickFold) only to the letter.
func TestActionOwnersInAMatrixRoom(t *testing.T) {
	for _, tt := range []struct{ channel, want string }{
		{"#gavel", "* Alice\n  * alice writes the docs\n  * ALICE fixes it\n* alice\n  * alice writes the docs\n  * ALICE fixes it\n* **UNASSIGNED**"},
		{"#gavel:example.org", "-----------------------\n* alice\n  * alice writes the docs\n* **UNASSIGNED**\n  * ALICE fixes it"},
	} {
		m := &meeting.Meeting{Channel: tt.channel, Owner: "Alice", Title: "Weekly", Name: "weekly", Start: at(0), End: at(600),
			Attendees: []meeting.Attendee{{Nick: "Alice", Lines: 3}, {Nick: "alice", Lines: 2}},
			Items: []meeting.Item{{Kind: meeting.KindAction, Nick: "Alice", Time: at(1), Text: "alice writes the docs", Line: 2},
				{Kind: meeting.KindAction, Nick: "Alice", Time: at(2), Text: "ALICE fixes it", Line: 3}}}
		if got := render(t, FileText, m, meeting.StyleDefault); !strings.Contains(got, tt.want) {
			t.Errorf("%s: the actions by person are not\n%s\nin\n%s", tt.channel, tt.want, got)
		}
	}
}
