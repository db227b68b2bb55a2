package dispatch

import (
	"slices"
	"testing"
	"time"

	"gavel/meeting"
	"gavel/meeting/dispatch/smtpdtest"
	"gavel/meeting/publish"
)

// BenchmarkDispatchFromEndmeeting: from the engine's #endmeeting (minutes
// published, deliveries planned and synced) to the last acknowledgement
// of all three destinations on loopback: OpenSMTPD's 250 for the mail (to
// and cc), the forum's topic, the ticket's comment and label removal.
func BenchmarkDispatchFromEndmeeting(b *testing.B) {
	srv := smtpdtest.Start(b)
	f := newFakeDiscourse(b)
	fg := newFakeForge(b, false)
	mail := mailSettings("127.0.0.1", srv.Port)
	mail.TLS = TLSNone
	evs := newEvents()
	d := open(b, b.TempDir(), Settings{Auto: true, Email: mail, Discourse: discourseSettings(f), Tickets: ticketSettings(fg)}, evs)
	root := b.TempDir()
	arch := publish.New(root, meeting.StyleDefault, urlPrefix)
	b.ReportAllocs()
	var publishT, planT time.Duration
	var took []time.Duration
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		fg.mu.Lock()
		fg.labels = []string{"meeting", "policy"}
		fg.mu.Unlock()
		start := time.Date(2026, 3, 5, 16, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Hour)
		eng := meeting.NewEngine(meeting.Options{Channel: "#chan", URLPrefix: urlPrefix})
		var sess *publish.Session
		at := start
		feed := func(nick, text string) []publish.File {
			at = at.Add(time.Second)
			var files []publish.File
			for _, eff := range eng.Handle(meeting.Message{Time: at, Nick: nick, Text: text}) {
				switch eff.Kind {
				case meeting.EffectLog:
					if sess == nil {
						s, err := arch.Open(eng.Meeting())
						if err != nil {
							b.Fatal(err)
						}
						sess = s
					}
					sess.Log(eff.Line)
				case meeting.EffectEnd:
					fs, err := sess.Finish(eng.Meeting())
					if err != nil {
						b.Fatal(err)
					}
					sess.Close()
					files = fs
				}
			}
			return files
		}
		lines := standardLines(fg.issueURL())
		for _, l := range lines[:len(lines)-1] {
			feed(l[0], l[1])
		}
		b.StartTimer()
		t0 := time.Now()
		last := lines[len(lines)-1]
		files := feed(last[0], last[1])
		t1 := time.Now()
		if _, err := d.Plan("#chan", eng.Meeting(), files); err != nil {
			b.Fatal(err)
		}
		t2 := time.Now()
		for range 3 {
			evs.wait(b, Sent, 30*time.Second)
		}
		took = append(took, time.Since(t0))
		publishT += t1.Sub(t0)
		planT += t2.Sub(t1)
	}
	for _, ev := range evs.all() {
		if ev.Err != nil {
			b.Fatalf("a delivery failed on the way: %s", ev)
		}
	}
	// OpenSMTPD looks the client's address up before its greeting; on a
	// machine without DNS one connection in some twenty waits for the
	// resolver's 5 s timeout: the median says what gavel takes.
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "median-ms")
	b.ReportMetric(float64(publishT.Microseconds())/1000/float64(b.N), "publish-ms")
	b.ReportMetric(float64(planT.Microseconds())/1000/float64(b.N), "plan-ms")
	b.StopTimer()
	if n := f.posts; n != b.N {
		b.Fatalf("%d topics for %d meetings", n, b.N)
	}
}
