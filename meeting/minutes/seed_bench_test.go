package minutes

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"testing"
	"time"

	"gavel/ircclient"
	"gavel/meeting"
	"gavel/meeting/logfile"
)

// seedLogPath is the project's copy of a real zodbot log: an hour-long
// Fedora Infrastructure meeting of 279 lines, the meeting a regeneration
// benchmark repeats.
const seedLogPath = "../../testdata/logs/fedora-meeting.infrastructure.2015-04-30-18.00.log.txt"

// seedEngine is the engine gavel replay runs for a style.
func seedEngine(style meeting.Style) *meeting.Engine {
	return meeting.NewEngine(meeting.Options{Style: style, Channel: "#fedora-meeting", Fold: ircclient.CaseFold("rfc1459")})
}

// seedLines replays the seed log through the reader and the engine, as
// gavel replay does: its log lines and the ended meeting.
func seedLines(tb testing.TB, data []byte, style meeting.Style) ([]meeting.Line, *meeting.Meeting) {
	tb.Helper()
	var lines []meeting.Line
	m, _ := runSeed(tb, data, style, func(l meeting.Line) { lines = append(lines, l) })
	if m == nil || !m.Ended() || len(lines) < 250 {
		tb.Fatalf("the seed log gave %d lines and meeting %v", len(lines), m)
	}
	return lines, m
}

// runSeed reads data with logfile as gavel replay does, feeds the engine
// and gives each log line to line; it returns the meeting, and the reader,
// whose Close the lines must not outlive.
func runSeed(tb testing.TB, data []byte, style meeting.Style, line func(meeting.Line)) (*meeting.Meeting, *logfile.Reader) {
	rd, err := logfile.NewReader(bytes.NewReader(data), logfile.Options{Format: logfile.MeetBot, Date: time.Date(2015, 4, 30, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		tb.Fatal(err)
	}
	e := seedEngine(style)
	for {
		ev, err := rd.NextShared() // as gavel replay reads
		if err == io.EOF {
			break
		}
		if err != nil {
			tb.Fatal(err)
		}
		for _, eff := range e.Handle(ev) {
			if eff.Kind == meeting.EffectLog {
				line(eff.Line)
			}
		}
	}
	return e.Meeting(), rd
}

func readSeed(tb testing.TB) []byte {
	data, err := os.ReadFile(seedLogPath)
	if err != nil {
		tb.Fatal(err)
	}
	return data
}

// writeSeedFiles writes every file of the meeting as publish does: the
// two logs line by line into buffers of the size publish gives them, then
// the minutes.
func writeSeedFiles(tb testing.TB, bufs *[2]*bufio.Writer, lines []meeting.Line, m *meeting.Meeting, style meeting.Style) {
	lt := NewLogText(bufs[0], style)
	lh := NewLogHTML(bufs[1], m.Channel, style)
	for _, l := range lines {
		lt.WriteLine(l)
		if err := lh.WriteLine(l); err != nil {
			tb.Fatal(err)
		}
	}
	if err := lt.Close(); err != nil {
		tb.Fatal(err)
	}
	if err := lh.Close(); err != nil {
		tb.Fatal(err)
	}
	writeSeedMinutes(tb, bufs[0], m, style)
}

func writeSeedMinutes(tb testing.TB, w *bufio.Writer, m *meeting.Meeting, style meeting.Style) {
	r, err := NewRenderer(m, "infrastructure.2015-04-30-18.00", Options{Style: style, URLPrefix: "https://meetbot.fedoraproject.org/", RelDir: "fedora-meeting/2015-04-30"})
	if err != nil {
		tb.Fatal(err)
	}
	for _, k := range Kinds(style) {
		if k.IsLog() {
			continue
		}
		if err := r.Render(k, w); err != nil {
			tb.Fatal(err)
		}
		w.Flush()
	}
}

func discardBuffers() *[2]*bufio.Writer {
	return &[2]*bufio.Writer{bufio.NewWriterSize(io.Discard, logBufSize), bufio.NewWriterSize(io.Discard, logBufSize)}
}

// BenchmarkSeedMeetingFiles writes the files of the seed meeting (the two
// logs from its 279 lines, and the minutes): four in zodbot style, six in
// the default style.
func BenchmarkSeedMeetingFiles(b *testing.B) {
	data := readSeed(b)
	for _, style := range []meeting.Style{meeting.StyleDefault, meeting.StyleZodbot} {
		lines, m := seedLines(b, data, style)
		b.Run(style.String(), func(b *testing.B) {
			bufs := discardBuffers()
			b.ReportAllocs()
			for b.Loop() {
				writeSeedFiles(b, bufs, lines, m, style)
			}
		})
	}
}

// BenchmarkSeedMeetingMinutes renders the minutes of the seed meeting
// (not its logs).
func BenchmarkSeedMeetingMinutes(b *testing.B) {
	data := readSeed(b)
	for _, style := range []meeting.Style{meeting.StyleDefault, meeting.StyleZodbot} {
		_, m := seedLines(b, data, style)
		b.Run(style.String(), func(b *testing.B) {
			w := bufio.NewWriterSize(io.Discard, logBufSize)
			b.ReportAllocs()
			for b.Loop() {
				writeSeedMinutes(b, w, m, style)
			}
		})
	}
}

// BenchmarkSeedMeetingCPU is the work a regeneration does per meeting
// apart from the file system: read the seed log, run the engine, write
// its files (into buffers, as publish does, which are then discarded).
func BenchmarkSeedMeetingCPU(b *testing.B) {
	data := readSeed(b)
	for _, style := range []meeting.Style{meeting.StyleDefault, meeting.StyleZodbot} {
		b.Run(style.String(), func(b *testing.B) {
			bufs := discardBuffers()
			var lines []meeting.Line
			b.ReportAllocs()
			for b.Loop() {
				lines = lines[:0]
				m, rd := runSeed(b, data, style, func(l meeting.Line) { lines = append(lines, l) })
				writeSeedFiles(b, bufs, lines, m, style)
				rd.Close() // as replay does: the next meeting reuses its memory
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/meeting")
		})
	}
}

// TestEngineLinesWriteAsAnyLines: the log writers skip making the
// engine's lines plain text again (meeting.Line.IsPlain); they write the
// same bytes as for the same lines made by hand, for the seed log and for
// hostile lines.
func TestEngineLinesWriteAsAnyLines(t *testing.T) {
	hostile := "18:00:00 <chair> #startmeeting Hostile \x02bold\x02\n" +
		"18:00:01 <b\x03" + "04ob> \x1b[2J esc & <b>\"quoted\"</b> it's \xff\xfe bad\n" +
		"18:00:02 * chair waves \x07\x7f \u009b\n" +
		"18:00:03 -!- chair is now known as ch\x02air2\n" +
		"18:00:04 <ch\x02air2> #topic \x0304red\x03 topic\n" +
		"18:00:05 <ch\x02air2> #endmeeting\n"
	for _, data := range [][]byte{readSeed(t), []byte(hostile)} {
		for _, style := range []meeting.Style{meeting.StyleDefault, meeting.StyleZodbot} {
			var plain, made [2]bytes.Buffer
			lt, lh := NewLogText(&plain[0], style), NewLogHTML(&plain[1], "#c\x02", style)
			mt, mh := NewLogText(&made[0], style), NewLogHTML(&made[1], "#c\x02", style)
			n := 0
			runSeed(t, data, style, func(l meeting.Line) {
				if l.IsPlain() != (style == meeting.StyleDefault) {
					t.Fatalf("%s style: line %+v plain %v", style, l, l.IsPlain())
				}
				c := meeting.Line{N: l.N, Time: l.Time, Nick: l.Nick, Text: l.Text, Action: l.Action, NewNick: l.NewNick, Op: l.Op, Target: l.Target}
				lt.WriteLine(l)
				lh.WriteLine(l)
				mt.WriteLine(c)
				mh.WriteLine(c)
				n++
			})
			lt.Close()
			lh.Close()
			mt.Close()
			mh.Close()
			if n < 4 || plain[0].String() != made[0].String() || plain[1].String() != made[1].String() {
				t.Fatalf("%s style, %d lines: the engine's lines write\n%s\n%s\nlines made by hand\n%s\n%s", style, n, &plain[0], &plain[1], &made[0], &made[1])
			}
		}
	}
}
