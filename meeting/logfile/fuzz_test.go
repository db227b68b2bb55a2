package logfile

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"gavel/meeting"
)

// fuzzRead reads data as format f and checks the invariants that hold for
// any input: no panic, events are well formed, the counts add up.
func fuzzRead(t *testing.T, f Format, data []byte) {
	r, err := NewReader(bytes.NewReader(data), Options{Format: f})
	if errors.Is(err, ErrEmptyLog) && isBlank(bytes.TrimPrefix(data, bom)) {
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	events := 0
	for {
		ev, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		events++
		checkEvent(t, ev)
	}
	st := r.Stats()
	if st.Events != events || st.Events+st.Skipped > st.Lines || st.TooLong > st.Skipped {
		t.Fatalf("stats %+v with %d events", st, events)
	}
	if lines := bytes.Count(data, []byte("\n")); st.Lines < lines || st.Lines > lines+1 {
		t.Fatalf("%d lines counted for %d newlines", st.Lines, lines)
	}
	if len(st.SkippedLines) > MaxSkippedRecorded || len(st.SkippedLines) > st.Skipped {
		t.Fatalf("skipped lines %v", st.SkippedLines)
	}
}

// checkText checks a text as readers pass it on: raw (formatting codes and
// invalid UTF-8 are the engine's to handle), one line, trimmed.
func checkText(t *testing.T, what, s string) {
	t.Helper()
	if strings.ContainsAny(s, "\n") {
		t.Fatalf("%s %q: newline", what, s)
	}
	if s != trimString(s) {
		t.Fatalf("%s %q: not trimmed", what, s)
	}
}

func checkNick(t *testing.T, what, s string) {
	t.Helper()
	if s == "" {
		t.Fatalf("%s: empty nick", what)
	}
	checkText(t, what, s)
}

func checkEvent(t *testing.T, ev meeting.Event) {
	t.Helper()
	if ev == nil || ev.When().IsZero() {
		t.Fatalf("event %#v", ev)
	}
	switch e := ev.(type) {
	case meeting.Message:
		checkNick(t, "nick", e.Nick)
		checkText(t, "text", e.Text)
	case meeting.Join:
		checkNick(t, "join", e.Nick)
	case meeting.Part:
		checkNick(t, "part", e.Nick)
		checkText(t, "reason", e.Reason)
	case meeting.Quit:
		checkNick(t, "quit", e.Nick)
		checkText(t, "reason", e.Reason)
	case meeting.NickChange:
		checkNick(t, "old", e.Old)
		checkNick(t, "new", e.New)
	case meeting.TopicChange:
		if e.Nick != "" {
			checkNick(t, "topic nick", e.Nick)
		}
		checkText(t, "topic", e.Topic)
	case meeting.Edit:
		checkNick(t, "editor", e.Nick)
		checkText(t, "edit", e.Text)
		if e.Line < 1 {
			t.Fatalf("edit of line %d", e.Line)
		}
	case meeting.Redaction:
		checkNick(t, "redactor", e.Nick)
		if e.Line < 1 {
			t.Fatalf("redaction of line %d", e.Line)
		}
	case meeting.Chaired:
		checkNick(t, "chaired", e.Nick)
		checkText(t, "why", e.Why)
	default:
		t.Fatalf("unexpected event %T", ev)
	}
}

func FuzzMeetBot(f *testing.F) {
	f.Add([]byte("18:00:03 <nirik> #startmeeting x\n18:00:04 * nirik waves\n[18:01] <@a> b\n<c> d"))
	f.Add([]byte("18:00:03 <nirik> !startmeeting x\n18:00:04 -!- nirik edited line 1: !info y\n18:00:05 -!- Bob redacted line 1\n" +
		"18:00:06 -!- Sam_(@sam:x) is a chair by power level\n18:00:07 -!- a edited line 99999999999999999999: z\n18:00:08 -!- a redacted line 0\n" +
		"18:00:09 -!- a edited line 3:\n18:00:10 -!- a is a chair \n18:00:11 -!- a redacted line 2 x"))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzRead(t, MeetBot, data) })
}

func FuzzIrssi(f *testing.F) {
	f.Add([]byte("--- Log opened Thu Apr 30 18:00:00 2015\n18:00 < a> hi\n18:01  * a waves\n18:02 -!- b [b@h] has quit [x]\n"))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzRead(t, Irssi, data) })
}

func FuzzWeeChat(f *testing.F) {
	f.Add([]byte("2015-04-30 18:00:03\t@a\thi\n2015-04-30 18:00:04\t--\ta has changed topic for #c from \"x\" to \"y\"\n"))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzRead(t, WeeChat, data) })
}

func FuzzZNC(f *testing.F) {
	f.Add([]byte("[18:00:03] <a> hi\n[18:00:04] *** Parts: a (a@h) (bye)\n[18:00:05] *** a changes topic to 'x'\n"))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzRead(t, ZNC, data) })
}

func FuzzHexChat(f *testing.F) {
	f.Add([]byte("**** BEGIN LOGGING AT Thu Apr 30 18:00:03 2015\nApr 30 18:00:03 <a>\thi\nApr 30 18:00:04 *\ta has quit (x)\n"))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzRead(t, HexChat, data) })
}

func FuzzDetect(f *testing.F) {
	f.Add([]byte("18:00:03 <nirik> hi\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		format, err := Detect(data)
		if err != nil {
			if _, err := NewReader(bytes.NewReader(data), Options{}); err == nil && len(data) <= MaxDetectBytes {
				t.Fatal("NewReader detected what Detect could not")
			}
			return
		}
		known := false
		for _, g := range Formats() {
			known = known || g == format
		}
		if !known {
			t.Fatalf("Detect returned %q", format)
		}
		fuzzRead(t, format, data)
	})
}

// FuzzNewReader reads any input as NewReader does for replay (format
// detected or given, the log's own date and channel learnt from its head,
// a file name's date as the fallback) and checks the invariants.
func FuzzNewReader(f *testing.F) {
	f.Add([]byte("18:00:03 <nirik> #startmeeting x\n18:00:03 <zodbot> Meeting started Thu Apr 30 18:00:03 2015 UTC.\n"), false, uint8(0))
	f.Add([]byte("--- Log opened Thu Apr 30 17:59:00 2015\n17:59 -!- a [a@h] has joined #c\n"), true, uint8(2))
	f.Fuzz(func(t *testing.T, data []byte, fallback bool, format uint8) {
		opts := Options{}
		if fallback {
			opts.FallbackDate = time.Date(2001, 2, 3, 0, 0, 0, 0, time.UTC)
		}
		if i := int(format); i > 0 && i <= len(Formats()) {
			opts.Format = Formats()[i-1]
		}
		r, err := NewReader(bytes.NewReader(data), opts)
		if err != nil {
			if !errors.Is(err, ErrUnknownFormat) && !errors.Is(err, ErrEmptyLog) {
				t.Fatalf("error %v", err)
			}
			if errors.Is(err, ErrEmptyLog) != isBlank(bytes.TrimPrefix(data, bom)) {
				t.Fatalf("%v for %q", err, data)
			}
			return
		}
		if fallback && !r.Dated() {
			t.Fatal("a fallback date given, yet not dated")
		}
		if ch := r.Channel(); ch != "" && (ch[0] != '#' && ch[0] != '&' || strings.ContainsAny(ch, " ,\x00\x07\r\n") || !utf8.ValidString(ch)) {
			t.Fatalf("channel %q", ch)
		}
		n := 0
		for {
			ev, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			checkEvent(t, ev)
			n++
		}
		if st := r.Stats(); st.Events != n {
			t.Fatalf("stats %+v with %d events", st, n)
		}
	})
}

// FuzzParseFileName checks that any name gives a channel with its prefix
// (or none), a UTC date (or none), and nothing when it matches no shape.
func FuzzParseFileName(f *testing.F) {
	f.Add("fedora-meeting/2020-06-10/magazine.2020-06-10-12.02.log.txt")
	f.Fuzz(func(t *testing.T, name string) {
		ch, d, ok := ParseFileName(name)
		if !ok && (ch != "" || !d.IsZero()) {
			t.Fatalf("not ok, yet %q %v", ch, d)
		}
		if ch != "" && ch[0] != '#' && ch[0] != '&' {
			t.Fatalf("channel %q", ch)
		}
		if strings.ContainsAny(ch, "/\\") {
			t.Fatalf("channel %q holds a separator", ch)
		}
		if !d.IsZero() && d.Location() != time.UTC {
			t.Fatalf("date %v", d)
		}
		mc, md := MeetingOf(name, "", time.Time{})
		if mc != ch || !md.Equal(d) {
			t.Fatalf("MeetingOf = %q %v, ParseFileName = %q %v", mc, md, ch, d)
		}
	})
}

// readEvents reads every event of data and the Reader's stats, or the error.
// With shared, it reads with NextShared and gives the messages as values.
func readEvents(data []byte, opts Options, shared bool) ([]meeting.Event, Stats, bool, string, error) {
	r, err := NewReader(bytes.NewReader(data), opts)
	if err != nil {
		return nil, Stats{}, false, "", err
	}
	var evs []meeting.Event
	for {
		next := r.Next
		if shared {
			next = r.NextShared
		}
		ev, err := next()
		if m, ok := ev.(*meeting.Message); ok && shared {
			ev = *m
		}
		if err == io.EOF {
			return evs, r.Stats(), r.Dated(), r.Channel(), nil
		}
		if err != nil {
			return evs, r.Stats(), r.Dated(), r.Channel(), err
		}
		evs = append(evs, ev)
	}
}

// sameReading checks that a log read in memory (it fits in the head), the
// same log read through the buffer, read in memory with NextShared, and
// read so into the memory a closed Reader of a bigger log gave back, give
// the same events, stats, date and channel.
func sameReading(t *testing.T, data []byte, opts Options) {
	t.Helper()
	sameReadings(t, data, opts, func(o *Options, shared *bool) { o.streamed = true })
	sameReadings(t, data, opts, func(o *Options, shared *bool) { *shared = true })
	sameReadings(t, data, opts, func(o *Options, shared *bool) {
		*shared = true
		bigger := bytes.Repeat([]byte("18:00:00 <zz> zzzz\n"), len(data)/19+2)
		r, err := NewReader(bytes.NewReader(bigger), Options{})
		if err != nil {
			t.Fatal(err)
		}
		for _, err := r.NextShared(); err == nil; _, err = r.NextShared() {
		}
		r.Close()
	})
}

// sameReadings compares reading data with opts and reading it with the
// options other changes.
func sameReadings(t *testing.T, data []byte, opts Options, other func(*Options, *bool)) {
	t.Helper()
	evs, st, dated, ch, err := readEvents(data, opts, false)
	shared := false
	other(&opts, &shared)
	evs2, st2, dated2, ch2, err2 := readEvents(data, opts, shared)
	if (err == nil) != (err2 == nil) || err != nil && err.Error() != err2.Error() {
		t.Fatalf("in memory: %v; streamed or shared: %v", err, err2)
	}
	if len(evs) != len(evs2) || dated != dated2 || ch != ch2 || st.Lines != st2.Lines || st.Events != st2.Events ||
		st.Skipped != st2.Skipped || st.TooLong != st2.TooLong || !slicesEqual(st.SkippedLines, st2.SkippedLines) {
		t.Fatalf("in memory: %d events %+v %v %q; streamed or shared: %d events %+v %v %q", len(evs), st, dated, ch, len(evs2), st2, dated2, ch2)
	}
	for i := range evs {
		if !eventsEqual(evs[i], evs2[i]) {
			t.Fatalf("event %d: in memory %#v, streamed or shared %#v", i, evs[i], evs2[i])
		}
	}
}

func slicesEqual(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// eventsEqual compares two events (their times by instant).
func eventsEqual(a, b meeting.Event) bool {
	if !a.When().Equal(b.When()) {
		return false
	}
	switch x := a.(type) {
	case meeting.Message:
		y, ok := b.(meeting.Message)
		x.Time, y.Time = time.Time{}, time.Time{}
		return ok && x == y
	case meeting.Join:
		y, ok := b.(meeting.Join)
		x.Time, y.Time = time.Time{}, time.Time{}
		return ok && x == y
	case meeting.Part:
		y, ok := b.(meeting.Part)
		x.Time, y.Time = time.Time{}, time.Time{}
		return ok && x == y
	case meeting.Quit:
		y, ok := b.(meeting.Quit)
		x.Time, y.Time = time.Time{}, time.Time{}
		return ok && x == y
	case meeting.NickChange:
		y, ok := b.(meeting.NickChange)
		x.Time, y.Time = time.Time{}, time.Time{}
		return ok && x == y
	case meeting.TopicChange:
		y, ok := b.(meeting.TopicChange)
		x.Time, y.Time = time.Time{}, time.Time{}
		return ok && x == y
	}
	return false
}

// FuzzReadInMemory: a log that fits in its head is read in memory, without
// a buffer; it must read exactly as through the buffer.
func FuzzReadInMemory(f *testing.F) {
	f.Add([]byte("18:00:03 <nirik> #startmeeting x\n18:00:03 <zodbot> Meeting started Thu Apr 30 18:00:03 2015 UTC.\n18:01:00 <a> hi\r\n18:02:00 <b> bye"), uint8(0))
	f.Add([]byte("--- Log opened Thu Apr 30 17:59:00 2015\n17:59 -!- a [a@h] has joined #c\n18:00 < a> x\n"), uint8(2))
	f.Add([]byte("\xef\xbb\xbf[18:00:00] <a> x\n\n[18:00:01] * a waves\n"), uint8(0))
	f.Fuzz(func(t *testing.T, data []byte, format uint8) {
		opts := Options{}
		if i := int(format); i > 0 && i <= len(Formats()) {
			opts.Format = Formats()[i-1]
		}
		sameReading(t, data, opts)
	})
}

// TestReadInMemoryLongLines: lines too long for the buffer are too long in
// memory as well, at the same lengths, ended or not (a log read further
// than its head while its format is unsure holds them in memory).
func TestReadInMemoryLongLines(t *testing.T) {
	for _, n := range []int{MaxLineLength - 2, MaxLineLength - 1, MaxLineLength, MaxLineLength + 1} {
		for _, end := range []string{"", "\n", "\r\n"} {
			long := strings.Repeat("x", n)
			for _, data := range [][]byte{
				[]byte(long + end),
				[]byte(long + end + "18:00:03 <a> #startmeeting x\n18:00:04 <a> y\n" + long + end),
				[]byte(long + end + "18:00:03 <a> #startmeeting x\n" + long + end + "18:00:06 <a> after\n"),
			} {
				r, err := NewReader(bytes.NewReader(data), Options{})
				if err == nil && !r.inMem {
					t.Fatalf("%d bytes: not read in memory", len(data))
				}
				sameReading(t, data, Options{})
			}
		}
	}
}
