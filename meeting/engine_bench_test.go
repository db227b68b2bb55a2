package meeting_test

import (
	"bytes"
	"io"
	"os"
	"testing"
	"time"

	"gavel/ircclient"
	"gavel/meeting"
	"gavel/meeting/logfile"
)

// BenchmarkEngineSeedMeeting runs the engine over the events of the seed
// log (a real hour-long zodbot meeting, 279 lines), as gavel replay does
// for each meeting of an archive.
func BenchmarkEngineSeedMeeting(b *testing.B) {
	data, err := os.ReadFile("../testdata/logs/fedora-meeting.infrastructure.2015-04-30-18.00.log.txt")
	if err != nil {
		b.Fatal(err)
	}
	rd, err := logfile.NewReader(bytes.NewReader(data), logfile.Options{Format: logfile.MeetBot, Date: time.Date(2015, 4, 30, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		b.Fatal(err)
	}
	var events []meeting.Event
	for {
		ev, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			b.Fatal(err)
		}
		events = append(events, ev)
	}
	for _, style := range []meeting.Style{meeting.StyleDefault, meeting.StyleZodbot} {
		b.Run(style.String(), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				e := meeting.NewEngine(meeting.Options{Style: style, Channel: "#fedora-meeting", Fold: ircclient.CaseFold("rfc1459")})
				lines := 0
				for _, ev := range events {
					for _, eff := range e.Handle(ev) {
						if eff.Kind == meeting.EffectLog {
							lines++
						}
					}
				}
				if m := e.Meeting(); m == nil || !m.Ended() || lines < 250 {
					b.Fatalf("%d lines logged, meeting %v", lines, m)
				}
			}
		})
	}
}
