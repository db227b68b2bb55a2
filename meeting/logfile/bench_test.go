package logfile

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"testing"
	"time"
)

// genMeetBotLog makes a MeetBot .log.txt of n lines: a few dozen speakers,
// commands, actions and ordinary chat, one to three lines a second.
func genMeetBotLog(n int) []byte {
	nicks := make([]string, 40)
	for i := range nicks {
		nicks[i] = fmt.Sprintf("user%02d", i)
	}
	nicks[0], nicks[1] = "nirik", "zodbot"
	texts := []string{
		"#topic New folks introductions",
		"#info the mirror list is back to normal after the outage yesterday",
		"#action smooge to look at the proxy logs and report next week",
		"I think we should move the builders to the new datacentre before the freeze",
		"+1",
		"ok, anything else on this one?",
		"#link https://pagure.io/fedora-infrastructure/issue/4711",
		"we could also just ask releng, they have been doing the same for a while now and it works",
	}
	var b bytes.Buffer
	sec := 18 * 3600
	for i := range n {
		if i%2 == 0 {
			sec++
		}
		h, m, s := sec/3600%24, sec/60%60, sec%60
		nick := nicks[(i*7)%len(nicks)]
		if i > 0 {
			b.WriteByte('\n')
		}
		if i%50 == 49 {
			fmt.Fprintf(&b, "%02d:%02d:%02d * %s %s", h, m, s, nick, "waves at everyone")
		} else {
			fmt.Fprintf(&b, "%02d:%02d:%02d <%s> %s", h, m, s, nick, texts[i%len(texts)])
		}
	}
	return b.Bytes()
}

func BenchmarkReadMeetBot(b *testing.B) {
	const lines = 100_000
	data := genMeetBotLog(lines)
	date := time.Date(2015, 4, 30, 0, 0, 0, 0, time.UTC)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	start := time.Now()
	for b.Loop() {
		r, err := NewReader(bytes.NewReader(data), Options{Format: MeetBot, Date: date})
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for {
			_, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != lines {
			b.Fatalf("%d events, want %d", n, lines)
		}
	}
	elapsed := time.Since(start)
	b.ReportMetric(float64(lines)*float64(b.N)/elapsed.Seconds(), "lines/s")
}

func TestGeneratedLogReads(t *testing.T) {
	data := genMeetBotLog(1000)
	if f, err := Detect(data); err != nil || f != MeetBot {
		t.Fatalf("Detect = %q, %v", f, err)
	}
	evs, st := readAll(t, string(data), Options{Format: MeetBot, Date: day})
	if len(evs) != 1000 || st.Skipped != 0 {
		t.Fatalf("%d events, %+v", len(evs), st)
	}
}

func TestReadMeetBotAllocs(t *testing.T) {
	if testing.Short() {
		t.Skip()
	}
	data := genMeetBotLog(10_000)
	allocs := testing.AllocsPerRun(3, func() {
		r, _ := NewReader(bytes.NewReader(data), Options{Format: MeetBot, Date: day})
		for {
			if _, err := r.Next(); err != nil {
				break
			}
		}
	})
	if perLine := allocs / 10_000; perLine > 2.05 {
		t.Fatalf("%.2f allocations per line, want at most 2", perLine)
	}
}

// BenchmarkReadSeedLog reads the seed log (a real hour-long zodbot log of
// 279 lines) as a regeneration reads each of its meetings: a whole small
// file, in memory; with Next and with NextShared.
func BenchmarkReadSeedLog(b *testing.B) {
	data, err := os.ReadFile("../../testdata/logs/fedora-meeting.infrastructure.2015-04-30-18.00.log.txt")
	if err != nil {
		b.Fatal(err)
	}
	for _, shared := range []bool{false, true} {
		name := "Next"
		if shared {
			name = "NextShared"
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				r, err := NewReader(bytes.NewReader(data), Options{Format: MeetBot})
				if err != nil {
					b.Fatal(err)
				}
				next := r.Next
				if shared {
					next = r.NextShared
				}
				n := 0
				for {
					_, err := next()
					if err == io.EOF {
						break
					}
					if err != nil {
						b.Fatal(err)
					}
					n++
				}
				if n != 279 || !r.InMemory() {
					b.Fatalf("%d events (in memory: %v), want 279", n, r.InMemory())
				}
			}
		})
	}
}
