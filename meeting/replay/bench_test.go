package replay

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"gavel/meeting"
	"gavel/meeting/publish"
	"gavel/meeting/replay/replaytest"
)

// genLog returns a realistic MeetBot .log.txt of n lines, produced as it is
// read so that the benchmark's input takes no memory: 40 people chattering,
// a topic every 200 lines, #info, #link, #action, #agreed, bare URLs, /me
// lines and an #undo now and then.
func genLog(n int) io.Reader { return genLogSpeakers(n, 40) }

// genLogSpeakers is genLog with the given number of distinct speakers.
func genLogSpeakers(n, speakers int) io.Reader {
	nicks := make([]string, speakers)
	for i := range nicks {
		nicks[i] = fmt.Sprintf("person%02d", i)
	}
	// A pool of distinct bodies, cycled, keeps generation cheap.
	pool := max(4096, 2*speakers)
	bodies := make([]string, pool)
	for i := range bodies {
		nick := nicks[(i*7)%len(nicks)]
		switch {
		case i%200 == 0:
			bodies[i] = fmt.Sprintf("<chair> #topic Agenda item %d", i/200)
		case i%97 == 0:
			bodies[i] = fmt.Sprintf("<%s> #info item %d is on track, see the tracker for the details", nick, i)
		case i%151 == 0:
			bodies[i] = fmt.Sprintf("<%s> #action %s to follow up on ticket %d", nick, nicks[(i+3)%len(nicks)], i)
		case i%173 == 0:
			bodies[i] = fmt.Sprintf("<%s> #link https://tracker.example.org/issue/%d the tracker <entry>", nick, i)
		case i%211 == 0:
			bodies[i] = "<chair> #agreed ship it & tell the list"
		case i%401 == 0:
			bodies[i] = "<chair> #undo"
		case i%59 == 0:
			bodies[i] = fmt.Sprintf("<%s> https://pagure.example.org/pr/%d", nick, i)
		case i%23 == 0:
			bodies[i] = "* " + nick + " nods in agreement"
		default:
			bodies[i] = fmt.Sprintf("<%s> %s: I think line %d is about right, but let's check the numbers", nick, nicks[(i+1)%len(nicks)], i)
		}
	}
	head := []string{"<chair> #startmeeting Load test meeting", "<chair> #meetingname loadtest", "<chair> #chair person00 person01"}
	return &logGen{n: n, head: head, bodies: bodies}
}

// logGen produces the lines of genLog on demand.
type logGen struct {
	n, i   int
	head   []string
	bodies []string
	buf    []byte
}

func (g *logGen) Read(p []byte) (int, error) {
	for len(g.buf) < len(p) && g.i < g.n {
		sec := 8*3600 + g.i/37
		h, m, s := sec/3600%24, sec/60%60, sec%60
		g.buf = append(g.buf, byte('0'+h/10), byte('0'+h%10), ':', byte('0'+m/10), byte('0'+m%10), ':', byte('0'+s/10), byte('0'+s%10), ' ')
		switch {
		case g.i < len(g.head):
			g.buf = append(g.buf, g.head[g.i]...)
		case g.i == g.n-1:
			g.buf = append(g.buf, "<chair> #endmeeting"...)
		default:
			g.buf = append(g.buf, g.bodies[g.i%len(g.bodies)]...)
		}
		g.buf = append(g.buf, '\n')
		g.i++
	}
	if len(g.buf) == 0 {
		return 0, io.EOF
	}
	n := copy(p, g.buf)
	g.buf = g.buf[:copy(g.buf, g.buf[n:])]
	return n, nil
}

// BenchmarkReplay replays a generated meeting log end to end: read,
// engine, every writer of the style, files on disk. It reports lines/s and
// the peak live heap (as of each GC), which must not grow with the log's
// length: compare the 100k and 1M sizes.
func BenchmarkReplay(b *testing.B) {
	dir := b.TempDir()
	for _, lines := range []int{100_000, 1_000_000} {
		// The log is written to a file first, as users replay files: the
		// benchmark then times replay, not the generator.
		path := filepath.Join(dir, fmt.Sprintf("load-%d.log.txt", lines))
		f, err := os.Create(path)
		if err == nil {
			_, err = io.Copy(f, genLog(lines))
			f.Close()
		}
		if err != nil {
			b.Fatal(err)
		}
		for _, style := range []meeting.Style{meeting.StyleDefault, meeting.StyleZodbot} {
			b.Run(fmt.Sprintf("%s/lines=%d", style, lines), func(b *testing.B) {
				b.ReportAllocs()
				peak := replaytest.WatchHeap()
				for i := 0; i < b.N; i++ {
					in, err := os.Open(path)
					if err != nil {
						b.Fatal(err)
					}
					res, err := Reader(context.Background(), in, "loadtest.log.txt", Options{
						Style: style, Channel: "#load", Date: time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC), Out: benchOut(b),
					})
					in.Close()
					if err != nil || res.Meetings != 1 || res.Stats.Lines != lines {
						b.Fatalf("replay: %v %+v", err, res)
					}
				}
				b.StopTimer()
				b.ReportMetric(float64(lines)*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
				b.ReportMetric(float64(peak())/(1<<20), "peak-live-MiB")
			})
		}
	}
}

// benchOut is where the benchmark writes: GAVEL_BENCH_OUT (say, a tmpfs,
// to leave the disk out of the figure), else a temporary directory.
func benchOut(b *testing.B) string {
	if d := os.Getenv("GAVEL_BENCH_OUT"); d != "" {
		dir, err := os.MkdirTemp(d, "replay-bench-")
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { os.RemoveAll(dir) })
		return dir
	}
	return b.TempDir()
}

// BenchmarkManySpeakers replays a 1,000,000-line meeting with 20,000
// distinct speakers in both styles: zodbot style's emulation of CPython's
// dict order (for the attendee tie order) must cost no more per speaker
// than the default style's sort.
func BenchmarkManySpeakers(b *testing.B) {
	const lines, speakers = 1_000_000, 20_000
	path := filepath.Join(b.TempDir(), "many.log.txt")
	f, err := os.Create(path)
	if err == nil {
		_, err = io.Copy(f, genLogSpeakers(lines, speakers))
		f.Close()
	}
	if err != nil {
		b.Fatal(err)
	}
	for _, style := range []meeting.Style{meeting.StyleDefault, meeting.StyleZodbot} {
		b.Run(fmt.Sprintf("%s/lines=%d/speakers=%d", style, lines, speakers), func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				in, err := os.Open(path)
				if err != nil {
					b.Fatal(err)
				}
				res, err := Reader(context.Background(), in, "many.log.txt", Options{
					Style: style, Channel: "#load", Date: time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC), Out: benchOut(b),
				})
				in.Close()
				if err != nil || res.Meetings != 1 {
					b.Fatalf("replay: %v %+v", err, res)
				}
			}
			b.ReportMetric(float64(lines)*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
		})
	}
}

// BenchmarkRegenerate replays one log of 10,000 seed-sized meetings (as
// gavel replay does, with the syncs deferred to one batch and the files
// reported per meeting), and 1,000 of them with a sync per file as before,
// on the disk of GAVEL_BENCH_OUT or the temporary directory (not a tmpfs,
// where syncs cost nothing). It reports meetings/s, the peak live heap and
// the process's peak RSS during the run: neither may grow with the
// meetings (compare meetings=1000 and 10000).
func BenchmarkRegenerate(b *testing.B) {
	cases := []struct {
		meetings int
		batch    bool
	}{{1_000, true}, {10_000, true}, {1_000, false}}
	if os.Getenv("CI") == "true" {
		cases = cases[:1] // CI runs each benchmark once so that none rots
	}
	for _, c := range cases {
		name := "batch"
		if !c.batch {
			name = "sync-each-file"
		}
		// The log is read from a file, as users replay files: its bytes
		// are not part of the figures.
		path := filepath.Join(b.TempDir(), "meetings.log.txt")
		if err := os.WriteFile(path, replaytest.SeedMeetings(b, c.meetings), 0o644); err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("%s/meetings=%d", name, c.meetings), func(b *testing.B) {
			replaytest.ResetPeakRSS()
			peak := replaytest.WatchHeap()
			cpu0 := replaytest.CPUTime()
			for i := 0; i < b.N; i++ {
				opts := Options{Channel: "#fedora-meeting", Date: time.Date(2015, 4, 30, 0, 0, 0, 0, time.UTC), Out: benchOut(b),
					Files: func([]publish.File) {}}
				if c.batch {
					opts.Batch = publish.NewBatch()
				}
				in, err := os.Open(path)
				if err != nil {
					b.Fatal(err)
				}
				res, err := Reader(context.Background(), in, "-", opts)
				in.Close()
				if err == nil && c.batch {
					err = opts.Batch.Sync()
				}
				if err != nil || res.Meetings != c.meetings {
					b.Fatalf("replay: %v %+v", err, res.Meetings)
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(c.meetings)*float64(b.N)/b.Elapsed().Seconds(), "meetings/s")
			b.ReportMetric(float64((replaytest.CPUTime()-cpu0).Microseconds())/1000/float64(c.meetings*b.N), "cpu-ms/meeting")
			b.ReportMetric(float64(peak())/(1<<20), "peak-live-MiB")
			if rss := replaytest.PeakRSS(); rss > 0 {
				b.ReportMetric(float64(rss)/(1<<20), "peak-RSS-MiB")
			}
		})
	}
}
