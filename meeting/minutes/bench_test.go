package minutes

import (
	"io"
	"strconv"
	"testing"
	"time"

	"gavel/meeting"
)

// benchLines is a realistic mix: plain lines, highlights, commands, /me.
func benchLines() []meeting.Line {
	texts := []string{
		"okay, we're at the end, very productive meeting! everyone pat yourself on the back",
		"sysoplab: which one was that, do you remember? <ok> & more",
		"#info Looking at the 'review' column, let's decide which articles are good to go.",
		"#topic 3/ Finished articles to review",
		"is just +1'ing a few of the proposals",
	}
	lines := make([]meeting.Line, 1000)
	for i := range lines {
		lines[i] = meeting.Line{N: i + 1, Time: t0.Add(time.Duration(i) * time.Second), Nick: "gregbartholomew", Text: texts[i%len(texts)], Action: i%len(texts) == 4}
	}
	return lines
}

func benchLog(b *testing.B, w LogWriter) {
	lines := benchLines()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		w.WriteLine(lines[i%len(lines)])
	}
	w.Close()
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/line")
}

func BenchmarkLogText(b *testing.B) { benchLog(b, NewLogText(io.Discard, meeting.StyleZodbot)) }
func BenchmarkLogHTMLZodbot(b *testing.B) {
	benchLog(b, NewLogHTML(io.Discard, "#fedora-meeting", meeting.StyleZodbot))
}
func BenchmarkLogHTMLDefault(b *testing.B) {
	benchLog(b, NewLogHTML(io.Discard, "#fedora-meeting", meeting.StyleDefault))
}

// bigMeeting has 5,000 items under 250 topics, 300 attendees, 1,000 actions.
func bigMeeting() *meeting.Meeting {
	m := &meeting.Meeting{Channel: "#fedora-meeting", Owner: "bcotton", Title: "Big", Name: "big", Start: t0, End: t0.Add(5 * time.Hour)}
	for i := 0; i < 300; i++ {
		m.Attendees = append(m.Attendees, meeting.Attendee{Nick: "nick" + strconv.Itoa(i), Lines: i % 17})
	}
	kinds := []meeting.ItemKind{meeting.KindInfo, meeting.KindLink, meeting.KindAction, meeting.KindAgreed, meeting.KindIdea}
	for i := 0; i < 5000; i++ {
		it := meeting.Item{Nick: "bcotton", Time: t0.Add(time.Duration(i) * time.Second), Line: i + 1}
		if i%20 == 0 {
			it.Kind, it.Text = meeting.KindTopic, "Topic number "+strconv.Itoa(i/20)
		} else {
			it.Kind = kinds[i%len(kinds)]
			it.Text = "nick" + strconv.Itoa(i%300) + " to look at the 'in progress' column, https://pagure.io/fedora-magazine-proposals/issues/" + strconv.Itoa(i) + " and report back"
		}
		m.Items = append(m.Items, it)
	}
	return m
}

func BenchmarkRenderBigMeeting(b *testing.B) {
	m := bigMeeting()
	for _, style := range []meeting.Style{meeting.StyleZodbot, meeting.StyleDefault} {
		for _, kind := range Kinds(style) {
			if kind.IsLog() {
				continue
			}
			b.Run(style.String()+"/"+kind.Ext(), func(b *testing.B) {
				b.ReportAllocs()
				for i := 0; i < b.N; i++ {
					if err := Render(kind, io.Discard, m, "big.2026-03-01-15.00", Options{Style: style, URLPrefix: "https://x/"}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
