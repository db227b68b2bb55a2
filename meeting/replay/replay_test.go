package replay

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"gavel/meeting"
	"gavel/meeting/publish"
)

// published is the project's copy of minutes Fedora's zodbot really published.
const published = "../../testdata/zodbot-published"

func TestZodbotStyleIsByteExact(t *testing.T) {
	sets := []struct{ dir, log string }{
		{"fedora-meeting_2020-06-10_magazine", "magazine.2020-06-10-12.02.log.txt"},
		{"fedora-meeting_2020-06-10_fedora_iot_working_group_meeting", "fedora_iot_working_group_meeting.2020-06-10-14.10.log.txt"},
	}
	for _, set := range sets {
		t.Run(set.dir, func(t *testing.T) {
			src := filepath.Join(published, set.dir)
			out := t.TempDir()
			f, err := os.Open(filepath.Join(src, set.log))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			res, err := Reader(context.Background(), f, set.log, Options{
				Style: meeting.StyleZodbot, Channel: "#fedora-meeting", Out: out,
				URLPrefix: "https://meetbot.fedoraproject.org/",
			})
			if err != nil {
				t.Fatal(err)
			}
			if res.Meetings != 1 || res.Unfinished != 0 || res.Stats.Skipped != 0 {
				t.Errorf("result = %+v", res)
			}
			want, err := os.ReadDir(src)
			if err != nil {
				t.Fatal(err)
			}
			gotDir := filepath.Join(out, "fedora-meeting", "2020-06-10")
			got, _ := os.ReadDir(gotDir)
			if len(got) != len(want) {
				var names []string
				for _, g := range got {
					names = append(names, g.Name())
				}
				t.Errorf("wrote %d files %v, zodbot published %d", len(got), names, len(want))
			}
			for _, w := range want {
				wb, _ := os.ReadFile(filepath.Join(src, w.Name()))
				gb, err := os.ReadFile(filepath.Join(gotDir, w.Name()))
				if err != nil {
					t.Errorf("%s: %v", w.Name(), err)
					continue
				}
				if !bytes.Equal(gb, wb) {
					t.Errorf("%s differs from the published file:\n%s", w.Name(), firstDiff(string(gb), string(wb)))
				}
			}
		})
	}
}

// firstDiff shows the first differing line of two texts.
func firstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return "line " + strconv.Itoa(i+1) + ":\n got: " + gl + "\nwant: " + wl
		}
	}
	return "(same lines; trailing bytes differ)"
}

func TestDefaultStyleWritesSixFilesAndTheSeedLog(t *testing.T) {
	out := t.TempDir()
	name := "../../testdata/logs/fedora-meeting.infrastructure.2015-04-30-18.00.log.txt"
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	res, err := Reader(context.Background(), f, name, Options{Out: out})
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(out, "fedora-meeting", "2015-04-30")
	for _, ext := range []string{".log.txt", ".log.html", ".txt", ".html", ".md", ".json"} {
		p := filepath.Join(dir, "infrastructure.2015-04-30-18.00"+ext)
		if _, err := os.Stat(p); err != nil {
			t.Errorf("missing %s: %v", p, err)
		}
	}
	if len(res.Files) != 6 {
		t.Errorf("files = %d, want 6: %+v", len(res.Files), res.Files)
	}
	// The replayed .log.txt is the input's meeting, line for line.
	in, _ := os.ReadFile(name)
	logged, _ := os.ReadFile(filepath.Join(dir, "infrastructure.2015-04-30-18.00.log.txt"))
	if !bytes.Equal(bytes.TrimRight(in, "\n"), logged) {
		t.Errorf("replayed log differs from the input:\n%s", firstDiff(string(logged), string(in)))
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, ".*"))
	if len(leftovers) > 0 {
		t.Errorf("temporary files left behind: %v", leftovers)
	}
}

func TestReplayNeedsADate(t *testing.T) {
	_, err := Reader(context.Background(), strings.NewReader("10:00:00 <a> #startmeeting x\n"), "-", Options{Channel: "#x", Out: t.TempDir()})
	if !errors.Is(err, ErrNoDate) {
		t.Fatalf("err = %v, want ErrNoDate", err)
	}
	_, err = Reader(context.Background(), strings.NewReader("10:00:00 <a> #startmeeting x\n"), "-", Options{Date: time.Now(), Out: t.TempDir()})
	if !errors.Is(err, ErrNoChannel) {
		t.Fatalf("err = %v, want ErrNoChannel", err)
	}
}

func TestHostileNamesStayInTheRoot(t *testing.T) {
	out := t.TempDir()
	root := filepath.Join(out, "root")
	log := "10:00:00 <a> #startmeeting ../../../escape\n10:00:01 <a> #meetingname ../../x\n10:00:02 <a> #endmeeting\n"
	for _, style := range []meeting.Style{meeting.StyleDefault, meeting.StyleZodbot} {
		_, err := Reader(context.Background(), strings.NewReader(log), "-", Options{
			Style: style, Channel: "#../..", Date: time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC), Out: root,
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	err := filepath.Walk(out, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		if !info.IsDir() && !strings.HasPrefix(p, root+string(filepath.Separator)) {
			t.Errorf("file written outside the root: %s", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestUnfinishedMeetingIsPublished(t *testing.T) {
	out := t.TempDir()
	log := "10:00:00 <a> #startmeeting x\n10:00:01 <a> #topic t\n10:00:02 <b> hello\n"
	res, err := Reader(context.Background(), strings.NewReader(log), "-", Options{Channel: "#c", Date: time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC), Out: out})
	if err != nil {
		t.Fatal(err)
	}
	if res.Unfinished != 1 || len(res.Files) == 0 {
		t.Fatalf("result = %+v", res)
	}
}

// TestChannelAndDateFromThePath: a published name holds the meeting's
// name; the channel and date come from the archive path around it, and
// without one replay asks for --channel instead of filing the meeting
// under its own name.
func TestChannelAndDateFromThePath(t *testing.T) {
	src, err := os.ReadFile(filepath.Join(published, "fedora-meeting_2020-06-10_magazine", "magazine.2020-06-10-12.02.log.txt"))
	if err != nil {
		t.Fatal(err)
	}
	in := t.TempDir()
	path := filepath.Join(in, "fedora-meeting", "2020-06-10", "magazine.2020-06-10-12.02.log.txt")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, src, 0o644); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	res, err := Reader(context.Background(), bytes.NewReader(src), path, Options{Out: out})
	if err != nil {
		t.Fatal(err)
	}
	if res.Channel != "#fedora-meeting" || res.Meetings != 1 {
		t.Fatalf("%+v", res)
	}
	if _, err := os.Stat(filepath.Join(out, "fedora-meeting", "2020-06-10", "magazine.2020-06-10-12.02.html")); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(out, "magazine")); err == nil {
		t.Fatal("the meeting name was taken for the channel")
	}
	_, err = Reader(context.Background(), bytes.NewReader(src), "magazine.2020-06-10-12.02.log.txt", Options{Out: out})
	if !errors.Is(err, ErrNoChannel) || !strings.Contains(err.Error(), "--channel") {
		t.Fatalf("err = %v, want ErrNoChannel", err)
	}
}

// TestChannelAndDateFromTheLog: standard input has no name, yet the log
// names its channel (a join) and its date (irssi's header), or its date
// (MeetBot's "Meeting started" reply).
func TestChannelAndDateFromTheLog(t *testing.T) {
	out := t.TempDir()
	irssi := "--- Log opened Thu Apr 30 17:59:00 2015\n17:59 -!- nirik [n@h] has joined #fedora-meeting\n" +
		"18:00 < nirik> #startmeeting Infra\n18:10 < nirik> #endmeeting\n"
	res, err := Reader(context.Background(), strings.NewReader(irssi), "-", Options{Out: out})
	if err != nil {
		t.Fatal(err)
	}
	if res.Channel != "#fedora-meeting" {
		t.Fatalf("channel %q", res.Channel)
	}
	if _, err := os.Stat(filepath.Join(out, "fedora-meeting", "2015-04-30", "infra.2015-04-30-18.00.log.txt")); err != nil {
		t.Fatal(err)
	}
	seed, err := os.ReadFile("../../testdata/logs/fedora-meeting.infrastructure.2015-04-30-18.00.log.txt")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Reader(context.Background(), bytes.NewReader(seed), "-", Options{Channel: "#x", Out: out}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(out, "x", "2015-04-30", "infrastructure.2015-04-30-18.00.txt")); err != nil {
		t.Fatal(err)
	}
}

func TestEmptyLog(t *testing.T) {
	_, err := Reader(context.Background(), strings.NewReader("\n\n"), "x.log.txt", Options{Channel: "#c", Out: t.TempDir()})
	if err == nil || !strings.Contains(err.Error(), "empty log") || strings.Contains(err.Error(), "unknown log format") {
		t.Fatalf("err = %v", err)
	}
}

// TestBareStartInZodbotStyle: Fedora's MeetBot refuses #startmeeting
// without a topic; the result says so instead of finding no meeting.
func TestBareStartInZodbotStyle(t *testing.T) {
	log := "10:00:00 <a> #startmeeting\n10:00:01 <a> hello\n10:00:02 <a> #endmeeting\n"
	opts := Options{Style: meeting.StyleZodbot, Channel: "#c", Date: time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC), Out: t.TempDir()}
	res, err := Reader(context.Background(), strings.NewReader(log), "-", opts)
	if err != nil {
		t.Fatal(err)
	}
	if res.Meetings != 0 || len(res.BareStarts) != 1 || !res.BareStarts[0].Equal(time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)) {
		t.Fatalf("%+v", res)
	}
	opts.Style = meeting.StyleDefault
	if res, err := Reader(context.Background(), strings.NewReader(log), "-", opts); err != nil || res.Meetings != 1 || len(res.BareStarts) != 0 {
		t.Fatalf("default style: %+v %v", res, err)
	}
}

// TestFilesReportedPerMeeting: with Options.Files, each meeting's files
// are handed over once each (a #save and the end rewrite the same paths)
// as the meeting is written, and nothing accumulates in the Result.
func TestFilesReportedPerMeeting(t *testing.T) {
	log := "10:00:00 <a> #startmeeting one\n10:00:01 <a> #save\n10:00:02 <a> #endmeeting\n" +
		"11:00:00 <a> #startmeeting two\n11:00:01 <a> #endmeeting\n"
	var got [][]publish.File
	res, err := Reader(context.Background(), strings.NewReader(log), "-", Options{
		Channel: "#c", Date: time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC), Out: t.TempDir(),
		Files: func(f []publish.File) { got = append(got, slices.Clone(f)) },
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Meetings != 2 || len(res.Files) != 0 || len(got) != 2 {
		t.Fatalf("%+v, %d reports", res, len(got))
	}
	for i, files := range got {
		seen := map[string]bool{}
		for _, f := range files {
			if seen[f.Path] {
				t.Errorf("meeting %d: %s twice", i, f.Path)
			}
			seen[f.Path] = true
		}
		if len(files) != 6 || !strings.Contains(files[0].Path, []string{"one.", "two."}[i]) {
			t.Errorf("meeting %d: %v", i, files)
		}
	}
}

// TestTwoMeetingsOneMinuteOneName: a log with two meetings of
// the same name in the same minute publishes both; the second is "-2".
func TestTwoMeetingsOneMinuteOneName(t *testing.T) {
	for _, style := range []meeting.Style{meeting.StyleDefault, meeting.StyleZodbot} {
		out := t.TempDir()
		log := "10:00:00 <a> #startmeeting Twice\n10:00:01 <a> #info first\n10:00:02 <a> #endmeeting\n" +
			"10:00:30 <b> #startmeeting Twice\n10:00:31 <b> #info second\n10:00:32 <b> #endmeeting\n"
		res, err := Reader(context.Background(), strings.NewReader(log), "-", Options{
			Style: style, Channel: "#c", Date: time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC), Out: out,
		})
		if err != nil || res.Meetings != 2 {
			t.Fatalf("%s: %v %+v", style, err, res)
		}
		dir := filepath.Join(out, "c", "2026-11-24")
		first, _ := os.ReadFile(filepath.Join(dir, "twice.2026-11-24-10.00.txt"))
		second, _ := os.ReadFile(filepath.Join(dir, "twice-2.2026-11-24-10.00.txt"))
		if !strings.Contains(string(first), "first") || !strings.Contains(string(second), "second") {
			t.Errorf("%s: first:\n%s\nsecond:\n%s", style, first, second)
		}
	}
}

// TestControlBytesNeverPublished: in the default style no
// published file holds a terminal control character (a `cat` of the
// .log.txt cannot retitle or clear a terminal): C0 controls and DEL are
// shown as their control pictures, C1 controls and invalid UTF-8 as
// U+FFFD, formatting codes are removed. zodbot style keeps the bytes, as
// MeetBot did.
func TestControlBytesNeverPublished(t *testing.T) {
	log := "10:00:00 <a\x1b[31m> #startmeeting Esc\x1b]0;pwned\x07 title\n" +
		"10:00:01 <a\x1b[31m> #topic \x1b[2Jclear \x9b\xc2\x9b31m \x02bold\x02 \xff\xfe del\x7f nul\x00\n" +
		"10:00:02 <bob> #info bell\x07 \x0304red\x03\n" +
		"10:00:03 <a\x1b[31m> #endmeeting\n"
	for _, style := range []meeting.Style{meeting.StyleDefault, meeting.StyleZodbot} {
		out := t.TempDir()
		if _, err := Reader(context.Background(), strings.NewReader(log), "-", Options{
			Style: style, Channel: "#c", Date: time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC), Out: out,
		}); err != nil {
			t.Fatal(err)
		}
		files := readTree(t, out)
		if want := len(minutesKinds(style)); len(files) != want {
			t.Fatalf("%s: %d files: %v", style, len(files), files)
		}
		for name, data := range files {
			hasESC := bytes.IndexByte(data, 0x1b) >= 0
			if style == meeting.StyleZodbot {
				if strings.HasSuffix(name, ".log.txt") && !hasESC {
					t.Errorf("zodbot %s lost the escape MeetBot kept", name)
				}
				continue
			}
			if !utf8.Valid(data) {
				t.Errorf("%s is not valid UTF-8", name)
			}
			for _, r := range string(data) {
				if r < 0x20 && r != '\t' && r != '\n' || r == 0x7f || r >= 0x80 && r <= 0x9f {
					t.Errorf("%s holds %U", name, r)
				}
			}
			if strings.HasSuffix(name, ".log.txt") {
				want := "10:00:01 <a␛[31m> #topic ␛[2Jclear \uFFFD\uFFFD31m bold \uFFFD\uFFFD del␡ nul␀\n"
				if !strings.Contains(string(data), want) {
					t.Errorf("%s:\n%s\nwant the line %q", name, data, want)
				}
			}
		}
	}
}

func minutesKinds(style meeting.Style) []string {
	if style == meeting.StyleZodbot {
		return []string{"log.txt", "log.html", "txt", "html"}
	}
	return []string{"log.txt", "log.html", "txt", "html", "md", "json"}
}

// TestNickChangeInTheLog: a nick change recorded in a .log.txt (as gavel's
// default style writes it) is read back, so the chair's commands after it
// still count and the meeting ends.
func TestNickChangeInTheLog(t *testing.T) {
	log := "10:00:00 <chair> #startmeeting x\n10:00:01 -!- chair is now known as chair_\n" +
		"10:00:02 <chair_> #topic after the change\n10:00:03 <chair_> #endmeeting\n"
	out := t.TempDir()
	res, err := Reader(context.Background(), strings.NewReader(log), "-", Options{Channel: "#c", Date: time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC), Out: out})
	if err != nil {
		t.Fatal(err)
	}
	if res.Meetings != 1 || res.Unfinished != 0 {
		t.Fatalf("%+v", res)
	}
	b, err := os.ReadFile(filepath.Join(out, "c", "2026-11-24", "x.2026-11-24-10.00.txt"))
	if err != nil || !strings.Contains(string(b), "after the change") {
		t.Fatalf("%v\n%s", err, b)
	}
}

// TestSaveShowsItsTime: minutes written by #save
// say the meeting ended at the save, not at 00:00:00.
func TestSaveShowsItsTime(t *testing.T) {
	for _, style := range []meeting.Style{meeting.StyleDefault, meeting.StyleZodbot} {
		out := t.TempDir()
		log := "10:00:00 <a> #startmeeting Saved\n10:05:07 <a> #save\n10:06:00 <a> #meetingname later\n10:07:00 <a> #endmeeting\n"
		if _, err := Reader(context.Background(), strings.NewReader(log), "-", Options{
			Style: style, Channel: "#c", Date: time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC), Out: out,
		}); err != nil {
			t.Fatal(err)
		}
		txt, err := os.ReadFile(filepath.Join(out, "c", "2026-11-24", "saved.2026-11-24-10.00.txt"))
		// zodbot style says what MeetBot's #save said, with the save's
		// time; the default style says the meeting was still running.
		want := "Meeting ended at 10:05:07 UTC."
		if style == meeting.StyleDefault {
			want = "Meeting in progress (started at 10:00:00, minutes as of 10:05:07 UTC)."
		}
		if err != nil || !strings.Contains(string(txt), want) {
			t.Errorf("%s: %v\n%s", style, err, txt)
		}
	}
}
