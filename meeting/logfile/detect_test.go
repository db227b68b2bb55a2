package logfile

import (
	"errors"
	"os"
	"testing"
	"time"
)

func TestDetect(t *testing.T) {
	file, err := os.ReadFile("../../testdata/logs/fedora-meeting.infrastructure.2015-04-30-18.00.log.txt")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		sample string
		want   Format
	}{
		{"meetbot file", string(file), MeetBot},
		{"meetbot", "18:00:03 <nirik> #startmeeting x\n18:00:04 * nirik waves\n", MeetBot},
		{"meetbot crlf bom", "\uFEFF18:00:03 <nirik> hi\r\n18:00:04 <b> yo\r\n", MeetBot},
		{"meetbot HH:MM", "18:00 <nirik> hi\n18:01 <b> yo\n", MeetBot},
		{"irssi header", "--- Log opened Thu Apr 30 18:00:00 2015\n18:00 <@nirik> hi\n", Irssi},
		{"irssi no header", "18:00 < nirik> hi\n18:00 -!- a [a@b] has joined #c\n18:01 <@nirik> x\n", Irssi},
		{"irssi seconds", "18:00:01 < nirik> hi\n18:00:02  * nirik waves\n18:00:03 <zodbot> ok\n", Irssi},
		{"weechat", "2015-04-30 18:00:03\tnirik\thi\n2015-04-30 18:00:04\t-->\ta (a@b) has joined #c\n", WeeChat},
		{"znc", "[18:00:03] *** Joins: a (a@b)\n[18:00:04] <nirik> hi\n", ZNC},
		{"znc messages", "[18:00:03] <nirik> hi\n[18:00:04] * nirik waves\n", ZNC},
		{"hexchat", "**** BEGIN LOGGING AT Thu Apr 30 18:00:03 2015\n\nApr 30 18:00:03 <nirik>\thi\n", HexChat},
		{"hexchat no header", "Apr 30 18:00:03 <nirik>\thi\nApr 30 18:00:04 *\tnirik waves\n", HexChat},
		{"partial last line", "18:00:03 <nirik> hi\n18:00:0", MeetBot},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := Detect([]byte(c.sample))
			if err != nil || got != c.want {
				t.Fatalf("Detect = %q, %v; want %q", got, err, c.want)
			}
		})
	}
	for _, empty := range []string{"", "\n\n", " \r\n\t\n"} {
		if f, err := Detect([]byte(empty)); !errors.Is(err, ErrEmptyLog) {
			t.Errorf("Detect(%q) = %q, %v; want ErrEmptyLog", empty, f, err)
		}
	}
	for _, bad := range []string{"hello\nworld\n", "Apr 30 <nirik> hi", "2015-04-30 18:00:03 nirik hi"} {
		if f, err := Detect([]byte(bad)); !errors.Is(err, ErrUnknownFormat) {
			t.Errorf("Detect(%q) = %q, %v; want ErrUnknownFormat", bad, f, err)
		}
	}
}

func TestParseFileName(t *testing.T) {
	utc := func(y int, m time.Month, d, h, mi int) time.Time { return time.Date(y, m, d, h, mi, 0, 0, time.UTC) }
	cases := []struct {
		name    string
		channel string
		date    time.Time
		ok      bool
	}{
		{"fedora-meeting.infrastructure.2015-04-30-18.00.log.txt", "#fedora-meeting", utc(2015, 4, 30, 18, 0), true},
		{"/srv/meetbot/fedora-meeting/2015-04-30/fedora-meeting.infrastructure.2015-04-30-18.00.log.txt", "#fedora-meeting", utc(2015, 4, 30, 18, 0), true},
		// A published name holds the meeting's name, never the channel:
		// that comes from the archive path, or nowhere.
		{"magazine.2020-06-10-12.02.log.txt", "", utc(2020, 6, 10, 12, 2), true},
		{"fedora-meeting/2020-06-10/magazine.2020-06-10-12.02.log.txt", "#fedora-meeting", utc(2020, 6, 10, 12, 2), true},
		{"/srv/meetbot/fedora-meeting/2020-06-10/magazine.2020-06-10-12.02.log.txt", "#fedora-meeting", utc(2020, 6, 10, 12, 2), true},
		{`D:\meetbot\fedora-meeting\2020-06-10\magazine.2020-06-10-12.02.html`, "#fedora-meeting", utc(2020, 6, 10, 12, 2), true},
		{"fedora-meeting/2020-06-11/magazine.2020-06-10-12.02.log.txt", "", utc(2020, 6, 10, 12, 2), true},
		{"2020-06-10/magazine.2020-06-10-12.02.log.txt", "", utc(2020, 6, 10, 12, 2), true},
		{"../2020-06-10/magazine.2020-06-10-12.02.log.txt", "", utc(2020, 6, 10, 12, 2), true},
		{"magazine_editorial_board.2020-06-10-12.02.log.txt", "", utc(2020, 6, 10, 12, 2), true},
		// MeetBot's default layout: <channel>/<YYYY>/<channel>.<date>
		{"debian-meeting/2015/debian-meeting.2015-04-30-18.00.log.txt", "#debian-meeting", utc(2015, 4, 30, 18, 0), true},
		{"other/2015/debian-meeting.2015-04-30-18.00.log.txt", "", utc(2015, 4, 30, 18, 0), true},
		{"fedora-meeting.2015-04-30-18.00.txt", "", utc(2015, 4, 30, 18, 0), true},
		{`C:\logs\fedora-meeting.2015-04-30-18.00.log.html`, "", utc(2015, 4, 30, 18, 0), true},
		{"fedora-meeting..2015-04-30-18.00.log.txt", "", utc(2015, 4, 30, 18, 0), true},
		{"#fedora-meeting_20150430.log", "#fedora-meeting", utc(2015, 4, 30, 0, 0), true},
		{"libera_#fedora-meeting_20150430.log", "#fedora-meeting", utc(2015, 4, 30, 0, 0), true},
		{"someone_20150430.log", "", utc(2015, 4, 30, 0, 0), true},
		{"fedora-meeting/2015-04-30.log", "#fedora-meeting", utc(2015, 4, 30, 0, 0), true},
		{"znc/libera/#fedora-meeting/2015-04-30.log", "#fedora-meeting", utc(2015, 4, 30, 0, 0), true},
		{"2015-04-30.log", "", utc(2015, 4, 30, 0, 0), true},
		{"irclogs/libera/#fedora-meeting.log", "#fedora-meeting", time.Time{}, true},
		{"irc.libera.#fedora-meeting.weechatlog", "#fedora-meeting", time.Time{}, true},
		{"fedora-meeting.2015-04-31-18.00.log.txt", "", time.Time{}, false},
		{"fedora-meeting.log.txt", "", time.Time{}, false},
		{".2015-04-30-18.00.log.txt", "", time.Time{}, false},
		{"notes.txt", "", time.Time{}, false},
		{"", "", time.Time{}, false},
		{"x_2015043.log", "", time.Time{}, false},
	}
	for _, c := range cases {
		ch, d, ok := ParseFileName(c.name)
		if ch != c.channel || !d.Equal(c.date) || ok != c.ok {
			t.Errorf("ParseFileName(%q) = %q, %v, %v; want %q, %v, %v", c.name, ch, d, ok, c.channel, c.date, c.ok)
		}
	}
}
