package logfile

import (
	"bytes"
	"errors"
	"io"
	"os"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
	"time"
	"unsafe"

	"gavel/meeting"
)

var day = time.Date(2015, 4, 30, 0, 0, 0, 0, time.UTC)

func at(h, m, s int) time.Time { return time.Date(2015, 4, 30, h, m, s, 0, time.UTC) }

func msg(t time.Time, nick, text string) meeting.Event {
	return meeting.Message{Time: t, Nick: nick, Text: text}
}

func act(t time.Time, nick, text string) meeting.Event {
	return meeting.Message{Time: t, Nick: nick, Text: text, Action: true}
}

// readAll reads every event of log.
func readAll(t *testing.T, log string, opts Options) ([]meeting.Event, Stats) {
	t.Helper()
	r, err := NewReader(strings.NewReader(log), opts)
	if err != nil {
		t.Fatalf("NewReader: %v", err)
	}
	var evs []meeting.Event
	for {
		ev, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		evs = append(evs, ev)
	}
	if _, err := r.Next(); err != io.EOF {
		t.Fatalf("Next after EOF: %v", err)
	}
	return evs, r.Stats()
}

type lineCase struct {
	name string
	line string
	want meeting.Event // nil: skipped
}

// runLines checks each line on its own after the given header lines.
func runLines(t *testing.T, f Format, header string, cases []lineCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			evs, st := readAll(t, header+c.line+"\n", Options{Format: f, Date: day})
			if c.want == nil {
				if len(evs) != 0 || st.Skipped != 1 {
					t.Fatalf("%q: got %#v, skipped %d; want skipped", c.line, evs, st.Skipped)
				}
				return
			}
			if len(evs) != 1 || st.Skipped != 0 {
				t.Fatalf("%q: got %#v, skipped %d; want %#v", c.line, evs, st.Skipped, c.want)
			}
			if !reflect.DeepEqual(evs[0], c.want) {
				t.Fatalf("%q:\n got %#v\nwant %#v", c.line, evs[0], c.want)
			}
		})
	}
}

func TestMeetBotLines(t *testing.T) {
	runLines(t, MeetBot, "", []lineCase{
		{"message", "18:00:03 <nirik> #startmeeting Infrastructure (2015-04-30)", msg(at(18, 0, 3), "nirik", "#startmeeting Infrastructure (2015-04-30)")},
		{"action", "18:00:03 * nirik waves", act(at(18, 0, 3), "nirik", "waves")},
		{"action no space", "18:00:03 *nirik waves", act(at(18, 0, 3), "nirik", "waves")},
		{"brackets", "[18:00:03] <nirik> hi", msg(at(18, 0, 3), "nirik", "hi")},
		{"brackets action", "[18:00:03] * nirik hi", act(at(18, 0, 3), "nirik", "hi")},
		{"HH:MM", "18:05 <nirik> hi", msg(at(18, 5, 0), "nirik", "hi")},
		{"no time", "<nirik> hi", msg(day, "nirik", "hi")},
		{"op", "18:00:03 <@nirik> hi", msg(at(18, 0, 3), "nirik", "hi")},
		{"voice", "18:00:03 <+nirik> hi", msg(at(18, 0, 3), "nirik", "hi")},
		{"irssi mode space", "18:00 < nirik> hi", msg(at(18, 0, 0), "nirik", "hi")},
		{"one-digit fields", "8:0:3 <nirik> hi", msg(at(8, 0, 3), "nirik", "hi")},
		{"bad time kept", "99:00:03 <nirik> hi", msg(day, "nirik", "hi")},
		{"star text is one message", "18:00:03 <nirik> * nirik waves", msg(at(18, 0, 3), "nirik", "* nirik waves")},
		{"text trimmed", "18:00:03 <nirik>   hi there  \t", msg(at(18, 0, 3), "nirik", "hi there")},
		// \x01 is the engine's to strip, after its style's decoding.
		{"ctcp kept", "18:00:03 <nirik>   \x01hi there\x01  \t", msg(at(18, 0, 3), "nirik", "\x01hi there\x01")},
		// gavel's default style records nick changes in its .log.txt.
		{"nick change", "18:00:03 -!- nirik is now known as nirik_away", nickc(at(18, 0, 3), "nirik", "nirik_away")},
		{"other -!- line", "18:00:03 -!- nirik has joined", nil},
		{"nick change with spaces", "18:00:03 -!- a b is now known as c", nil},
		// Texts come as they are: the engine decodes and strips them.
		{"formatting", "18:00:03 <nirik> \x02bold\x02 \x0304red\x03", msg(at(18, 0, 3), "nirik", "\x02bold\x02 \x0304red\x03")},
		{"invalid utf8", "18:00:03 <nirik> a\xffb", msg(at(18, 0, 3), "nirik", "a\xffb")},
		{"empty text", "18:00:03 <nirik>", msg(at(18, 0, 3), "nirik", "")},
		{"crlf", "18:00:03 <nirik> hi\r", msg(at(18, 0, 3), "nirik", "hi")},
		{"bom", "\uFEFF18:00:03 <nirik> hi", msg(at(18, 0, 3), "nirik", "hi")},
		{"join ignored", "18:00:03 -!- nirik [n@h] has joined #fedora-meeting", nil},
		// gavel's default style records nick changes so
		{"nick change", "18:00:05 -!- nirik is now known as nirik_away", meeting.NickChange{Time: at(18, 0, 5), Old: "nirik", New: "nirik_away"}},
		{"nick change, more after", "18:00:05 -!- nirik is now known as nirik_away too", nil},
		{"other -!- line", "18:00:05 -!- nirik [n@h] has quit [bye]", nil},
		{"junk", "hello world", nil},
		{"empty nick", "18:00:03 <> hi", nil},
		{"blank nick", "18:00:03 < > hi", nil},
		{"star alone", "18:00:03 * ", nil},
	})
}

func TestMeetBotFile(t *testing.T) {
	const name = "../../testdata/logs/fedora-meeting.infrastructure.2015-04-30-18.00.log.txt"
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ch, date, ok := ParseFileName(name)
	if !ok || ch != "#fedora-meeting" || !date.Equal(time.Date(2015, 4, 30, 18, 0, 0, 0, time.UTC)) {
		t.Fatalf("ParseFileName = %q %v %v", ch, date, ok)
	}
	r, err := NewReader(f, Options{Date: date}) // detected
	if err != nil {
		t.Fatal(err)
	}
	if r.Format() != MeetBot {
		t.Fatalf("format %q", r.Format())
	}
	var evs []meeting.Event
	for {
		ev, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		evs = append(evs, ev)
	}
	st := r.Stats()
	if st.Lines != 279 || st.Events != 279 || st.Skipped != 0 || len(evs) != 279 {
		t.Fatalf("stats %+v, %d events; want 279 lines, all events", st, len(evs))
	}
	first := msg(at(18, 0, 3), "nirik", "#startmeeting Infrastructure (2015-04-30)")
	last := msg(at(19, 1, 22), "nirik", "#endmeeting")
	if !reflect.DeepEqual(evs[0], first) || !reflect.DeepEqual(evs[len(evs)-1], last) {
		t.Fatalf("first %#v\nlast %#v", evs[0], evs[len(evs)-1])
	}
	nicks := map[string]bool{}
	for i, ev := range evs {
		m := ev.(meeting.Message)
		nicks[m.Nick] = true
		if i > 0 && m.Time.Before(evs[i-1].When()) {
			t.Fatalf("event %d goes back in time", i)
		}
	}
	if !nicks["zodbot"] || !nicks["nirik"] {
		t.Fatalf("nicks %v", nicks)
	}
}

func TestMidnightRollover(t *testing.T) {
	log := "23:59:58 <a> one\n00:00:02 <b> two\n00:00:01 <b> small step back stays\n23:59:59 <a> big step back\n"
	evs, _ := readAll(t, log, Options{Format: MeetBot, Date: day})
	want := []time.Time{
		at(23, 59, 58),
		time.Date(2015, 5, 1, 0, 0, 2, 0, time.UTC),
		time.Date(2015, 5, 1, 0, 0, 1, 0, time.UTC),
		time.Date(2015, 5, 1, 23, 59, 59, 0, time.UTC),
	}
	for i, ev := range evs {
		if !ev.When().Equal(want[i]) {
			t.Errorf("event %d at %v, want %v", i, ev.When(), want[i])
		}
	}
	// the time of a line without one is the previous line's
	evs, _ = readAll(t, "18:00:03 <a> x\n<b> y\n", Options{Format: MeetBot, Date: day})
	if !evs[1].When().Equal(at(18, 0, 3)) {
		t.Errorf("untimed line at %v", evs[1].When())
	}
}

func TestLocation(t *testing.T) {
	loc := time.FixedZone("X", 2*3600)
	evs, _ := readAll(t, "18:00:03 <a> x\n", Options{Format: MeetBot, Date: day, Location: loc})
	if want := time.Date(2015, 4, 30, 18, 0, 3, 0, loc); !evs[0].When().Equal(want) {
		t.Fatalf("got %v want %v", evs[0].When(), want)
	}
	evs, _ = readAll(t, "18:00:03 <a> x\n", Options{Format: MeetBot})
	if want := time.Date(1970, 1, 1, 18, 0, 3, 0, time.UTC); !evs[0].When().Equal(want) {
		t.Fatalf("no date: got %v want %v", evs[0].When(), want)
	}
}

func TestStatsAndLongLines(t *testing.T) {
	long := "18:00:04 <a> " + strings.Repeat("x", MaxLineLength+10)
	log := strings.Join([]string{
		"18:00:01 <a> one", // 1
		"junk",             // 2
		"",                 // 3 blank: not skipped
		long,               // 4
		"18:00:05 <b> two", // 5
		"more junk",        // 6
		"x", "y", "z", "w", // 7-10
		long, // 11, last, no newline
	}, "\n")
	evs, st := readAll(t, log, Options{Format: MeetBot, Date: day})
	if len(evs) != 2 || evs[1].(meeting.Message).Text != "two" {
		t.Fatalf("events %#v", evs)
	}
	want := Stats{Lines: 11, Events: 2, Skipped: 8, TooLong: 2, SkippedLines: []int{2, 4, 6, 7, 8}}
	if !reflect.DeepEqual(st, want) {
		t.Fatalf("stats %+v\nwant %+v", st, want)
	}
	// a line of exactly MaxLineLength bytes with its newline is read
	ok := "18:00:04 <a> " + strings.Repeat("y", MaxLineLength-len("18:00:04 <a> ")-1) + "\n"
	evs, st = readAll(t, ok, Options{Format: MeetBot, Date: day})
	if len(evs) != 1 || st.TooLong != 0 {
		t.Fatalf("max line: %d events, %+v", len(evs), st)
	}
}

func TestOneByteReads(t *testing.T) {
	data, err := os.ReadFile("../../testdata/logs/fedora-meeting.infrastructure.2015-04-30-18.00.log.txt")
	if err != nil {
		t.Fatal(err)
	}
	r, err := NewReader(iotest.OneByteReader(strings.NewReader(string(data))), Options{Date: day})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for {
		_, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 279 {
		t.Fatalf("%d events", n)
	}
}

func TestReadError(t *testing.T) {
	boom := errors.New("boom")
	r, err := NewReader(io.MultiReader(strings.NewReader("18:00:01 <a> x\n"), iotest.ErrReader(boom)), Options{Format: MeetBot})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Next(); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Next(); !errors.Is(err, boom) {
		t.Fatalf("got %v", err)
	}
	if _, err := r.Next(); !errors.Is(err, boom) {
		t.Fatalf("not sticky: %v", err)
	}
}

func TestNewReaderErrors(t *testing.T) {
	if _, err := NewReader(strings.NewReader("18:00 <a> x"), Options{Format: "mirc"}); !errors.Is(err, ErrUnknownFormat) {
		t.Fatalf("bad format: %v", err)
	}
	if _, err := NewReader(strings.NewReader("nothing here\n"), Options{}); !errors.Is(err, ErrUnknownFormat) {
		t.Fatalf("undetectable: %v", err)
	}
	for _, empty := range []string{"", "\n \n\t\r\n"} {
		if _, err := NewReader(strings.NewReader(empty), Options{}); !errors.Is(err, ErrEmptyLog) || err.Error() != "logfile: empty log" {
			t.Fatalf("empty: %v", err)
		}
		if _, err := NewReader(strings.NewReader(empty), Options{Format: MeetBot}); !errors.Is(err, ErrEmptyLog) {
			t.Fatalf("empty, format given: %v", err)
		}
	}
	for _, f := range Formats() {
		g, err := ParseFormat(string(f))
		if err != nil || g != f {
			t.Fatalf("ParseFormat(%q) = %q, %v", f, g, err)
		}
	}
	if _, err := ParseFormat("mirc"); !errors.Is(err, ErrUnknownFormat) {
		t.Fatal(err)
	}
}

// TestInternSharesNicks: read through the buffer, each line's nick is not
// a string of its own but the one string of that nick; read in memory,
// it is the log's own bytes.
func TestInternSharesNicks(t *testing.T) {
	const log = "18:00:01 <nirik> a\n18:00:02 <nirik> b\n"
	evs, _ := readAll(t, log, Options{Format: MeetBot, streamed: true})
	a, b := evs[0].(meeting.Message).Nick, evs[1].(meeting.Message).Nick
	if a != "nirik" || b != "nirik" || !sameString(a, b) {
		t.Fatalf("not interned: %q %q", a, b)
	}
	r, err := NewReader(strings.NewReader(log), Options{Format: MeetBot})
	if err != nil || !r.InMemory() {
		t.Fatalf("NewReader: %v, in memory %v", err, r.InMemory())
	}
	ev, _ := r.Next()
	if a := ev.(meeting.Message).Nick; a != "nirik" || !inside(unsafe.Slice(unsafe.StringData(a), len(a)), r.mem) {
		t.Fatalf("in memory, nick %q is a copy", a)
	}
}

// TestNextSharedGivesMessagesByReference: NextShared gives the events
// Next gives, messages as *meeting.Message, each its own.
func TestNextSharedGivesMessagesByReference(t *testing.T) {
	data, err := os.ReadFile("../../testdata/logs/fedora-meeting.infrastructure.2015-04-30-18.00.log.txt")
	if err != nil {
		t.Fatal(err)
	}
	for _, streamed := range []bool{false, true} {
		want, _ := readAll(t, string(data), Options{Format: MeetBot, streamed: streamed})
		r, err := NewReader(bytes.NewReader(data), Options{Format: MeetBot, streamed: streamed})
		if err != nil {
			t.Fatal(err)
		}
		var got []*meeting.Message
		for {
			ev, err := r.NextShared()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			m, ok := ev.(*meeting.Message)
			if !ok {
				t.Fatalf("event %d is a %T", len(got), ev)
			}
			got = append(got, m)
		}
		if len(got) != len(want) || len(got) < msgBlock+1 {
			t.Fatalf("%d events, want %d (more than %d)", len(got), len(want), msgBlock)
		}
		for i := range got {
			if *got[i] != want[i].(meeting.Message) {
				t.Fatalf("streamed %v: event %d is %#v, want %#v", streamed, i, *got[i], want[i])
			}
		}
	}
}

func sameString(a, b string) bool { return unsafe.StringData(a) == unsafe.StringData(b) }

// TestClockIsTimeDate: a line's time in UTC (the day's midnight plus its
// seconds) is time.Date's, over days and every second a stamp can say,
// 60 and 61 included.
func TestClockIsTimeDate(t *testing.T) {
	for _, day := range []time.Time{time.Date(2015, 4, 30, 0, 0, 0, 0, time.UTC), time.Date(2016, 2, 29, 0, 0, 0, 0, time.UTC),
		time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)} {
		r := &Reader{loc: time.UTC, prevSec: -1, cacheSec: -1, fullDate: true}
		r.setDay(day.Date())
		for sec := 0; sec <= 23*3600+59*60+61; sec += 7 {
			if got, want := r.clock(sec), time.Date(day.Year(), day.Month(), day.Day(), 0, 0, sec, 0, time.UTC); got != want {
				t.Fatalf("%v + %ds: %v, want %v", day, sec, got, want)
			}
		}
	}
}
