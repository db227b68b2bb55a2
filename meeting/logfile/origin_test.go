package logfile

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
)

// firstTimes reads log with opts and returns whether it is dated, its
// channel and the times of its events.
func firstTimes(t *testing.T, log string, opts Options) (bool, string, []time.Time) {
	t.Helper()
	r, err := NewReader(strings.NewReader(log), opts)
	if err != nil {
		t.Fatalf("NewReader: %v", err)
	}
	var times []time.Time
	for {
		ev, err := r.Next()
		if err != nil {
			break
		}
		times = append(times, ev.When())
	}
	return r.Dated(), r.Channel(), times
}

func TestDatesFromTheLog(t *testing.T) {
	utc := func(y int, m time.Month, d, h, mi, s int) time.Time { return time.Date(y, m, d, h, mi, s, 0, time.UTC) }
	named := utc(2001, 1, 1, 0, 0, 0) // a file name's date: used only when the log says none
	cases := []struct {
		name  string
		log   string
		opts  Options
		dated bool
		want  []time.Time
	}{
		{"meetbot reply", "18:00:03 <nirik> #startmeeting x\n18:00:03 <zodbot> Meeting started Thu Apr 30 18:00:03 2015 UTC.  The chair is nirik.\n18:01:00 <a> hi\n",
			Options{}, true, []time.Time{utc(2015, 4, 30, 18, 0, 3), utc(2015, 4, 30, 18, 0, 3), utc(2015, 4, 30, 18, 1, 0)}},
		{"meetbot reply beats the file name", "18:00:03 <zodbot> Meeting started Thu Apr 30 18:00:03 2015 UTC.\n",
			Options{FallbackDate: named}, true, []time.Time{utc(2015, 4, 30, 18, 0, 3)}},
		{"reply with a padded day", "09:00:00 <zodbot> Meeting started Wed Apr  1 09:00:00 2015 UTC.\n",
			Options{}, true, []time.Time{utc(2015, 4, 1, 9, 0, 0)}},
		// The log's clock is UTC-5: 21:00 on Apr 30 is 02:00 UTC on May 1.
		{"reply in another zone", "20:59:00 <a> before\n21:00:03 <zodbot> Meeting started Fri May 01 02:00:03 2015 UTC.\n",
			Options{}, true, []time.Time{utc(2015, 4, 30, 20, 59, 0), utc(2015, 4, 30, 21, 0, 3)}},
		// Lines before the reply that crossed midnight: the day before.
		{"reply after midnight", "23:59:00 <a> late\n00:00:05 <zodbot> Meeting started Fri May 01 00:00:05 2015 UTC.\n",
			Options{}, true, []time.Time{utc(2015, 4, 30, 23, 59, 0), utc(2015, 5, 1, 0, 0, 5)}},
		// Each meeting's reply dates it, however long the log's gaps.
		{"two meetings, months apart", "18:00:03 <z> Meeting started Thu Apr 30 18:00:03 2015 UTC.\n18:30:00 <a> x\n" +
			"10:00:00 <z> Meeting started Mon Jun 01 10:00:00 2015 UTC.\n10:01:00 <a> y\n",
			Options{}, true, []time.Time{utc(2015, 4, 30, 18, 0, 3), utc(2015, 4, 30, 18, 30, 0), utc(2015, 6, 1, 10, 0, 0), utc(2015, 6, 1, 10, 1, 0)}},
		{"--date wins over the reply", "18:00:03 <z> Meeting started Thu Apr 30 18:00:03 2015 UTC.\n",
			Options{Date: utc(2026, 11, 24, 0, 0, 0)}, true, []time.Time{utc(2026, 11, 24, 18, 0, 3)}},
		{"a reply quoted in a message is no reply", "18:00:03 <a> Meeting started sometime\n",
			Options{}, false, []time.Time{utc(1970, 1, 1, 18, 0, 3)}},
		{"the file name when the log says nothing", "18:00:03 <a> hi\n", Options{FallbackDate: named}, true, []time.Time{utc(2001, 1, 1, 18, 0, 3)}},
		{"nothing says", "18:00:03 <a> hi\n", Options{}, false, []time.Time{utc(1970, 1, 1, 18, 0, 3)}},
		{"irssi log opened", "--- Log opened Thu Apr 30 17:59:00 2015\n18:00 < a> hi\n", Options{FallbackDate: named}, true, []time.Time{utc(2015, 4, 30, 18, 0, 0)}},
		{"irssi day changed first", "23:58 < a> late\n--- Day changed Fri May 01 2015\n00:01 < a> early\n",
			Options{}, true, []time.Time{utc(2015, 4, 30, 23, 58, 0), utc(2015, 5, 1, 0, 1, 0)}},
		{"irssi day changed at the top", "--- Day changed Fri May 01 2015\n00:01 < a> early\n",
			Options{}, true, []time.Time{utc(2015, 5, 1, 0, 1, 0)}},
		{"weechat", "2015-04-30 18:00:03\ta\thi\n", Options{}, true, []time.Time{utc(2015, 4, 30, 18, 0, 3)}},
		{"hexchat", "**** BEGIN LOGGING AT Thu Apr 30 17:00:00 2015\n\nApr 30 18:00:03 <a>\thi\n", Options{}, true, []time.Time{utc(2015, 4, 30, 18, 0, 3)}},
		{"znc dated file", "[18:00:03] <a> hi\n", Options{Format: ZNC, FallbackDate: utc(2015, 4, 30, 0, 0, 0)}, true, []time.Time{utc(2015, 4, 30, 18, 0, 3)}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dated, _, times := firstTimes(t, c.log, c.opts)
			if dated != c.dated || fmt.Sprint(times) != fmt.Sprint(c.want) {
				t.Fatalf("dated %v, times %v\nwant %v, %v", dated, times, c.dated, c.want)
			}
		})
	}
}

func TestDateFromSeedLog(t *testing.T) {
	dated, _, times := firstTimes(t, readSeed(t), Options{})
	if !dated || !times[0].Equal(time.Date(2015, 4, 30, 18, 0, 3, 0, time.UTC)) {
		t.Fatalf("dated %v, first line at %v", dated, times[0])
	}
}

func TestChannelFromTheLog(t *testing.T) {
	for _, c := range []struct{ log, want string }{
		{"--- Log opened Thu Apr 30 17:59:00 2015\n17:59 -!- nirik [n@h] has joined #fedora-meeting\n18:00 < nirik> hi\n", "#fedora-meeting"},
		{"--- Log opened Thu Apr 30 17:59:00 2015\n17:59 -!- Topic for #fedora-meeting: Infra\n", "#fedora-meeting"},
		{"2015-04-30 18:00:03\t-->\ta (a@b) has joined #fedora-admin\n", "#fedora-admin"},
		{"**** BEGIN LOGGING AT Thu Apr 30 17:00:00 2015\nApr 30 18:00:04 *\tsmooge (~s@h) has joined #fedora-meeting\n", "#fedora-meeting"},
		{"18:00:03 <nirik> has joined #not-a-join\n", ""},
		{"--- Log opened Thu Apr 30 17:59:00 2015\n17:59 -!- a [a@h] has joined #bad\x01name\n", ""},
	} {
		if _, got, _ := firstTimes(t, c.log, Options{}); got != c.want {
			t.Errorf("%q: channel %q, want %q", c.log, got, c.want)
		}
	}
}

func TestDetectCorners(t *testing.T) {
	noise := strings.Repeat("This is the server's message of the day, not chat.\n", 60)
	for _, c := range []struct {
		name, sample string
		want         Format
	}{
		{"irssi two spaces", "18:00  < nirik> hi\n18:00  -!- a [a@b] has joined #c\n18:01  <@nirik> x\n", Irssi},
		{"irssi two spaces, no mode slot", "18:00  <nirik> hi\n18:01  <bob> x\n", Irssi},
		{"meetbot with gavel's nick changes", "18:00:03 <a> hi\n18:00:04 -!- a is now known as b\n18:00:05 <b> x\n", MeetBot},
		{"meetbot indented", "    18:00:03 <nirik> #startmeeting x\n    18:00:04 * nirik waves\n", MeetBot},
		{"meetbot indented with tabs", "\t18:00:03 <nirik> hi\n\t18:00:04 <b> yo\n", MeetBot},
		{"meetbot indented, no times", "  <nirik> #startmeeting x\n  <nirik> #endmeeting\n", MeetBot},
		{"noise first", noise + "[18:00:03] *** Joins: a (a@b)\n[18:00:04] <nirik> hi\n", ZNC},
		{"hexchat spaces", "Apr 30 18:00:03 <nirik> hi\nApr 30 18:00:04 * nirik waves\n", HexChat},
		{"xchat spaces", "Apr 30 18:00:03 --> a (a@b) has joined #c\nApr 30 18:00:04 <a> hi\n", HexChat},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got, err := Detect([]byte(c.sample)); err != nil || got != c.want {
				t.Fatalf("Detect = %q, %v; want %q", got, err, c.want)
			}
		})
	}
}

// TestReaderLooksFurther: NewReader reads past a long preamble that is not
// chat (more than HeadBytes of it) to find the format.
func TestReaderLooksFurther(t *testing.T) {
	var b strings.Builder
	for b.Len() < 3*HeadBytes {
		b.WriteString("-irc.example.org- *** Looking up your hostname, and other notes that are not chat\n")
	}
	b.WriteString("--- Log opened Thu Apr 30 17:59:00 2015\n18:00 < nirik> hi\n")
	r, err := NewReader(strings.NewReader(b.String()), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Format() != Irssi {
		t.Fatalf("format %q", r.Format())
	}
	ev, err := r.Next()
	if err != nil || !ev.When().Equal(time.Date(2015, 4, 30, 18, 0, 0, 0, time.UTC)) {
		t.Fatalf("%v %v", ev, err)
	}
	if st := r.Stats(); st.Skipped < 100 {
		t.Fatalf("the preamble was not read: %+v", st)
	}
}

func readSeed(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../../testdata/logs/fedora-meeting.infrastructure.2015-04-30-18.00.log.txt")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
