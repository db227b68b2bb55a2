package minutes

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"time"

	"gavel/meeting"
)

// TestGoldenReleng2015Text rebuilds the 2015 releng meeting (published
// minutes only, no log) from its own .txt and renders the .txt again: the
// text minutes carry no log line numbers, so everything they need is in
// them. Without the log, the attendees' first-seen order is unknown: the
// tie janeznemanic (1) before masta (1) depends on it (masta and tyll
// share a slot), so the test inserts them in an order consistent with the
// published minutes (owner, bot, then speakers; 900 of the 5,040 orders
// starting dgilmore, zodbot give all three published ties).
func TestGoldenReleng2015Text(t *testing.T) {
	const base = "releng.2015-02-09-16.31"
	want := readTestdata(t, base+".txt")
	day := time.Date(2015, 2, 9, 0, 0, 0, 0, time.UTC)
	clockAt := func(s string) time.Time {
		tm, err := time.Parse("15:04:05", s)
		if err != nil {
			t.Fatal(err)
		}
		return day.Add(time.Duration(tm.Hour())*time.Hour + time.Duration(tm.Minute())*time.Minute + time.Duration(tm.Second())*time.Second)
	}
	m := &meeting.Meeting{Channel: "#fedora-meeting-1", Title: "RELENG (2015-02-09)", Owner: "dgilmore",
		Start: clockAt("16:31:17"), End: clockAt("17:58:27")}

	summary := want[strings.Index(want, "---------------\n")+16 : strings.Index(want, "\n\nMeeting ended")]
	var entries []string
	for _, l := range strings.Split(summary, "\n") {
		switch {
		case l == "":
		case strings.HasPrefix(l, "* "), strings.HasPrefix(l, "  * "):
			entries = append(entries, l)
		default:
			entries[len(entries)-1] += " " + strings.TrimLeft(l, " ")
		}
	}
	entryRE := regexp.MustCompile(`^(  )?\* (.*?) +\((\S+), (\d\d:\d\d:\d\d)\)$`)
	for i, e := range entries {
		g := entryRE.FindStringSubmatch(e)
		if g == nil {
			t.Fatalf("entry %q", e)
		}
		it := meeting.Item{Kind: meeting.KindTopic, Text: g[2], Nick: g[3], Time: clockAt(g[4]), Line: i + 1}
		if g[1] != "" {
			it.Kind = meeting.KindInfo
			for _, k := range []meeting.ItemKind{meeting.KindLink, meeting.KindAction, meeting.KindAgreed, meeting.KindIdea, meeting.KindHelp} {
				if rest, ok := strings.CutPrefix(g[2], string(k)+": "); ok {
					it.Kind, it.Text = k, strings.TrimSpace(rest)
				}
			}
		}
		m.Items = append(m.Items, it)
	}
	people := want[strings.Index(want, "---------------------------\n")+28:]
	lines := map[string]int{}
	for _, g := range regexp.MustCompile(`(?m)^\* (\S+) \((\d+)\)$`).FindAllStringSubmatch(people, -1) {
		lines[g[1]] = atoi(g[2])
	}
	for _, nick := range []string{"dgilmore", "zodbot", "bochecha", "tyll", "pbrobinson", "masta", "nirik", "sharkcz", "janeznemanic"} {
		m.Attendees = append(m.Attendees, meeting.Attendee{Nick: nick, Lines: lines[nick]})
	}
	if len(lines) != len(m.Attendees) {
		t.Fatalf("people present: %v", lines)
	}
	var buf bytes.Buffer
	opts := Options{Style: meeting.StyleZodbot, URLPrefix: "http://meetbot.fedoraproject.org/", RelDir: "fedora-meeting-1/2015-02-09"}
	if err := Render(FileText, &buf, m, base, opts); err != nil {
		t.Fatal(err)
	}
	if got := buf.String(); got != want {
		t.Errorf("releng .txt differs:\n%s", firstDiff(got, want))
	}
}
