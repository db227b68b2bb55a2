package replay

import (
	"bytes"
	"context"
	"fmt"
	"runtime"
	"runtime/metrics"
	"sync"
	"testing"
	"time"

	"gavel/meeting"
)

// genLog writes a realistic MeetBot .log.txt of n lines: 40 people
// chattering, a topic every 200 lines, #info, #link, #action, #agreed,
// bare URLs, /me lines and an #undo now and then.
func genLog(n int) []byte {
	var b bytes.Buffer
	b.Grow(n * 64)
	nicks := make([]string, 40)
	for i := range nicks {
		nicks[i] = fmt.Sprintf("person%02d", i)
	}
	t := time.Date(2026, 11, 24, 8, 0, 0, 0, time.UTC)
	line := func(nick, text string, action bool) {
		b.WriteString(t.Format("15:04:05"))
		if action {
			b.WriteString(" * " + nick + " " + text + "\n")
		} else {
			b.WriteString(" <" + nick + "> " + text + "\n")
		}
	}
	line("chair", "#startmeeting Load test meeting", false)
	line("chair", "#meetingname loadtest", false)
	line("chair", "#chair person00 person01", false)
	for i := 3; i < n-1; i++ {
		if i%37 == 0 {
			t = t.Add(time.Second)
		}
		nick := nicks[(i*7)%len(nicks)]
		switch {
		case i%200 == 0:
			line("chair", fmt.Sprintf("#topic Agenda item %d", i/200), false)
		case i%97 == 0:
			line(nick, fmt.Sprintf("#info item %d is on track, see the tracker for the details", i), false)
		case i%151 == 0:
			line(nick, fmt.Sprintf("#action %s to follow up on ticket %d", nicks[(i+3)%len(nicks)], i), false)
		case i%173 == 0:
			line(nick, fmt.Sprintf("#link https://tracker.example.org/issue/%d the tracker <entry>", i), false)
		case i%211 == 0:
			line("chair", "#agreed ship it & tell the list", false)
		case i%401 == 0:
			line("chair", "#undo", false)
		case i%59 == 0:
			line(nick, fmt.Sprintf("https://pagure.example.org/pr/%d", i), false)
		case i%23 == 0:
			line(nick, "nods in agreement", true)
		default:
			line(nick, fmt.Sprintf("%s: I think line %d is about right, but let's check the numbers", nicks[(i+1)%len(nicks)], i), false)
		}
	}
	line("chair", "#endmeeting", false)
	return b.Bytes()
}

var (
	bigLogOnce sync.Once
	bigLog     []byte
)

// BenchmarkReplay replays a generated 1,000,000-line meeting end to end:
// read, engine, every writer of the default style, files on disk. It
// reports lines/s and the peak live heap, which must not grow with the
// log's length (the log is streamed).
func BenchmarkReplay(b *testing.B) {
	const lines = 1_000_000
	bigLogOnce.Do(func() { bigLog = genLog(lines) })
	for _, style := range []meeting.Style{meeting.StyleDefault, meeting.StyleZodbot} {
		b.Run(style.String(), func(b *testing.B) {
			b.SetBytes(int64(len(bigLog)))
			b.ReportAllocs()
			peak := watchHeap()
			for i := 0; i < b.N; i++ {
				res, err := Reader(context.Background(), bytes.NewReader(bigLog), "loadtest.log.txt", Options{
					Style: style, Channel: "#load", Date: time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC), Out: b.TempDir(),
				})
				if err != nil || res.Meetings != 1 {
					b.Fatalf("replay: %v %+v", err, res)
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(lines)*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
			b.ReportMetric(float64(peak())/(1<<20), "peak-heap-MiB")
		})
	}
}

// watchHeap samples the live heap every few milliseconds until the returned
// function is called, which returns the largest sample.
func watchHeap() func() uint64 {
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	var mu sync.Mutex
	var peak uint64
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(sample)
			mu.Lock()
			peak = max(peak, sample[0].Value.Uint64())
			mu.Unlock()
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	return func() uint64 {
		close(done)
		<-stopped
		mu.Lock()
		defer mu.Unlock()
		return peak
	}
}
