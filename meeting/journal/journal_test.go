package journal_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"

	"gavel/meeting"
	"gavel/meeting/journal"
	"gavel/meeting/journal/journaltest"
)

var at = time.Date(2026, 11, 24, 18, 0, 0, 0, time.UTC)

func line(i int) meeting.Event {
	return meeting.Message{Time: at.Add(time.Duration(i) * time.Second), Nick: "nirik", Text: fmt.Sprintf("line %d of the meeting", i)}
}

func open(t testing.TB, fsys journal.FS, path string) (*journal.Journal, journal.Recovered) {
	t.Helper()
	j, rec, err := journal.Open(fsys, path)
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	return j, rec
}

func appendSync(t *testing.T, j *journal.Journal, events ...meeting.Event) {
	t.Helper()
	for _, ev := range events {
		if err := j.Append(ev); err != nil {
			t.Fatal(err)
		}
	}
	if err := j.Sync(); err != nil {
		t.Fatal(err)
	}
}

func texts(events []meeting.Event) []string {
	var out []string
	for _, ev := range events {
		if m, ok := ev.(meeting.Message); ok {
			out = append(out, m.Text)
		}
	}
	return out
}

func TestRoundTrip(t *testing.T) {
	path := journal.Path(t.TempDir(), "#Fedora-Meeting")
	j, rec := open(t, nil, path)
	if len(rec.Events) != 0 {
		t.Fatalf("new journal holds %v", rec.Events)
	}
	events := []meeting.Event{
		meeting.Message{Time: at, Nick: "nirik", Account: "kevin", Text: "#startmeeting x <b>&\n"},
		meeting.Message{Time: at.Add(time.Second), Nick: "pingou", Text: "here", Action: true},
		meeting.NickChange{Time: at, Old: "pingou", New: "pingou_"},
		meeting.TopicChange{Time: at, Nick: "nirik", Topic: "t"},
		meeting.Join{Time: at, Nick: "a"},
		meeting.Part{Time: at, Nick: "a", Reason: "bye"},
		meeting.Quit{Time: at, Nick: "b", Reason: "gone"},
		meeting.Note{Time: at, Kind: "voters", Text: `{"members":["a","b\u00e9"]}`},
		meeting.Message{Time: at, Nick: "Kevin_Fenzi", Account: "@kevin:fedora.im", Text: "!info two", ID: "$ev1:fedora.im", Part: 1},
		meeting.Edit{Time: at, Nick: "Kevin_Fenzi", Account: "@kevin:fedora.im", ID: "$ev1:fedora.im", Text: "!info 2\n!info 3", EventID: "$ed"},
		meeting.Edit{Time: at, Nick: "nirik", Line: 12, Text: "fixed"},
		meeting.Redaction{Time: at, Nick: "nirik", Account: "@nirik:fedora.im", ID: "$ev2", Reason: "spam", EventID: "$red"},
		meeting.Redaction{Time: at, Nick: "nirik", Line: 7},
		meeting.Chaired{Time: at, Nick: "mattdm", Why: "by power level"},
	}
	appendSync(t, j, events...)
	// No Close: the process "dies" here.
	_, rec = open(t, nil, path)
	if !reflect.DeepEqual(rec.Events, events) || rec.Unreadable != 0 {
		t.Fatalf("read back\n%v (%d unreadable)\nwant\n%v", rec.Events, rec.Unreadable, events)
	}
}

func TestNoFileUntilSomethingIsWritten(t *testing.T) {
	dir := t.TempDir()
	j, _ := open(t, nil, journal.Path(dir, "#quiet"))
	if err := j.Sync(); err != nil {
		t.Fatal(err)
	}
	j.Close()
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("files for a journal that holds nothing: %v", entries)
	}
}

func TestTornTailIsDroppedAndAppendingContinues(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.journal")
	j, _ := open(t, nil, path)
	appendSync(t, j, line(1))
	j.Close()
	f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`00000040 1234abcd {"k":"msg","t":"2026-11-24T18:00:00Z","n":"a","x":"tw`)
	f.Close()

	j, rec := open(t, nil, path)
	if len(rec.Events) != 1 || rec.Unreadable != 0 || rec.KeptAt != "" {
		t.Fatalf("torn tail: %+v", rec)
	}
	appendSync(t, j, line(2))
	_, rec = open(t, nil, path)
	if got := texts(rec.Events); !reflect.DeepEqual(got, []string{"line 1 of the meeting", "line 2 of the meeting"}) || rec.Unreadable != 0 {
		t.Fatalf("after the torn tail: %q, %d unreadable", got, rec.Unreadable)
	}
}

func TestResetRemovesTheFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.journal")
	j, _ := open(t, nil, path)
	appendSync(t, j, line(1))
	if err := j.Reset(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("after Reset: %v", err)
	}
	appendSync(t, j, meeting.Message{Time: at, Nick: "a", Text: "next meeting"})
	_, rec := open(t, nil, path)
	if got := texts(rec.Events); !reflect.DeepEqual(got, []string{"next meeting"}) {
		t.Fatalf("after reset: %q", got)
	}
}

func TestPathsNeverCollide(t *testing.T) {
	dir := t.TempDir()
	if p := journal.Path(dir, "#../../etc"); filepath.Dir(p) != dir {
		t.Fatalf("Path escaped %s: %s", dir, p)
	}
	seen := map[string]string{}
	for _, ch := range []string{"#x/y", "#x_y", "#x?y", "#x.y", "#a[", "#a{", "#É", "#é", "&x_y", strings.Repeat("#long", 60), strings.Repeat("#long", 60) + "!"} {
		p := journal.Path(dir, ch)
		if other, ok := seen[p]; ok {
			t.Errorf("%q and %q share the journal %s", ch, other, p)
		}
		seen[p] = ch
		if len(filepath.Base(p)) > 255 {
			t.Errorf("%q: file name too long: %d bytes", ch, len(filepath.Base(p)))
		}
	}
	if journal.Path(dir, "#Meet") != journal.Path(dir, "#meet") {
		t.Error("#Meet and #meet have different journals")
	}
}

func TestLegacyJournalMovesToTheChannelsFile(t *testing.T) {
	dir := t.TempDir()
	legacy := `{"k":"msg","t":"2026-11-24T18:00:00Z","n":"a","x":"#startmeeting old"}` + "\n" +
		`{"k":"msg","t":"2026-11-24T18:00:01Z","n":"a","x":"#info kept"}` + "\n"
	os.WriteFile(filepath.Join(dir, "meet.journal"), []byte(legacy), 0o600)
	j, rec, err := journal.OpenChannel(nil, dir, "#meet")
	if err != nil {
		t.Fatal(err)
	}
	if got := texts(rec.Events); !reflect.DeepEqual(got, []string{"#startmeeting old", "#info kept"}) {
		t.Fatalf("legacy journal: %q", got)
	}
	appendSync(t, j, line(3))
	_, rec = open(t, nil, journal.Path(dir, "#meet"))
	if len(rec.Events) != 3 || rec.Unreadable != 0 {
		t.Fatalf("after appending to a legacy journal: %+v", rec)
	}
}

// damage writes a journal of n lines, then applies hurt to its bytes.
func damage(t *testing.T, n int, hurt func(data []byte, offsets []int) []byte) (string, []byte) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "c.journal")
	j, _ := open(t, nil, path)
	var offsets []int
	for i := 1; i <= n; i++ {
		st, _ := os.Stat(path)
		if st != nil {
			offsets = append(offsets, int(st.Size()))
		} else {
			offsets = append(offsets, 0)
		}
		appendSync(t, j, line(i))
	}
	j.Close()
	data, _ := os.ReadFile(path)
	data = hurt(data, offsets)
	os.WriteFile(path, data, 0o600)
	return path, data
}

func TestDamagedRecordsAreSkippedCountedAndKept(t *testing.T) {
	for _, tc := range []struct {
		name       string
		hurt       func(data []byte, off []int) []byte
		unreadable int
		lost       []int // lines that cannot be read back
		clean      bool  // nothing to keep aside
	}{
		{"flipped byte in a payload", func(d []byte, off []int) []byte { d[off[4]+30] ^= 0x20; return d }, 1, []int{5}, false},
		{"flipped byte in a header", func(d []byte, off []int) []byte { d[off[4]+3] ^= 0x01; return d }, 1, []int{5}, false},
		{"lost newline", func(d []byte, off []int) []byte { d[off[5]-1] = 'x'; return d }, 0, nil, true},
		{"NULs over three records", func(d []byte, off []int) []byte {
			copy(d[off[3]+20:off[5]+10], make([]byte, off[5]+10-off[3]-20))
			return d
		}, 3, []int{4, 5, 6}, false},
		{"the first record", func(d []byte, off []int) []byte { d[0] = 'z'; return d }, 1, []int{1}, false},
		{"the last record", func(d []byte, off []int) []byte { d[len(d)-3] ^= 1; return d }, 1, []int{10}, false},
		{"a block of NULs inside one record", func(d []byte, off []int) []byte {
			copy(d[off[7]+5:off[7]+25], make([]byte, 20))
			return d
		}, 1, []int{8}, false},
		{"garbage line inserted", func(d []byte, off []int) []byte {
			return append(d[:off[2]:off[2]], append([]byte("\x00\x00garbage\n"), d[off[2]:]...)...)
		}, 0, nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path, damaged := damage(t, 10, tc.hurt)
			j, rec, err := journal.Open(nil, path)
			if err != nil {
				t.Fatal(err)
			}
			var want []string
			for i := 1; i <= 10; i++ {
				lost := false
				for _, l := range tc.lost {
					lost = lost || l == i
				}
				if !lost {
					want = append(want, fmt.Sprintf("line %d of the meeting", i))
				}
			}
			if got := texts(rec.Events); !reflect.DeepEqual(got, want) || rec.Unreadable != tc.unreadable {
				t.Fatalf("read %q, %d unreadable; want %q, %d", got, rec.Unreadable, want, tc.unreadable)
			}
			if tc.clean {
				if rec.KeptAt != "" {
					t.Errorf("kept aside with nothing unreadable: %s", rec.KeptAt)
				}
				return
			}
			kept, err := os.ReadFile(rec.KeptAt)
			if err != nil || !bytes.Equal(kept, damaged) {
				t.Fatalf("the damaged file is not kept as it was (%v)", err)
			}
			// The journal is rewritten with what could be read, and goes on.
			appendSync(t, j, line(11))
			_, rec2 := open(t, nil, path)
			if got := texts(rec2.Events); !reflect.DeepEqual(got, append(want, "line 11 of the meeting")) || rec2.Unreadable != 0 {
				t.Fatalf("after the rewrite: %q, %d unreadable", got, rec2.Unreadable)
			}
		})
	}
}

// TestFullDiskKeepsRecordsAndCatchesUp: writes fail part-way with ENOSPC;
// every record waits and is written, once and in order, when space comes
// back.
func TestFaultsKeepRecordsAndCatchUp(t *testing.T) {
	for _, tc := range []struct {
		fault journaltest.Fault
		errno syscall.Errno
	}{{journaltest.Full, syscall.ENOSPC}, {journaltest.IOError, syscall.EIO}, {journaltest.ReadOnly, syscall.EROFS}} {
		t.Run(tc.errno.Error(), func(t *testing.T) {
			fsys := &journaltest.FS{}
			path := filepath.Join(t.TempDir(), "c.journal")
			j, _ := open(t, fsys, path)
			appendSync(t, j, line(1), line(2))
			fsys.Set(tc.fault)
			for i := 3; i <= 6; i++ {
				j.Append(line(i))
				err := j.Sync()
				if !errors.Is(err, tc.errno) || !strings.Contains(err.Error(), path) {
					t.Fatalf("Sync on a failing disk: %v", err)
				}
			}
			if j.Pending() != 4 {
				t.Fatalf("%d records waiting, want 4", j.Pending())
			}
			fsys.Set(journaltest.Healthy)
			j.Append(line(7))
			if err := j.Sync(); err != nil || j.Pending() != 0 {
				t.Fatalf("the disk is back: %v, %d waiting", err, j.Pending())
			}
			_, rec := open(t, nil, path)
			var want []string
			for i := 1; i <= 7; i++ {
				want = append(want, fmt.Sprintf("line %d of the meeting", i))
			}
			if got := texts(rec.Events); !reflect.DeepEqual(got, want) || rec.Unreadable != 0 {
				t.Fatalf("after catching up: %q, %d unreadable", got, rec.Unreadable)
			}
		})
	}
}

// TestReadOnlyFromTheStart: the journal directory is read-only before the
// first record; nothing is lost once it is writable.
func TestReadOnlyFromTheStart(t *testing.T) {
	fsys := &journaltest.FS{}
	fsys.Set(journaltest.ReadOnly)
	path := filepath.Join(t.TempDir(), "sub", "c.journal")
	j, _ := open(t, fsys, path)
	j.Append(line(1))
	if err := j.Sync(); !errors.Is(err, syscall.EROFS) {
		t.Fatalf("Sync: %v", err)
	}
	fsys.Set(journaltest.Healthy)
	appendSync(t, j, line(2))
	_, rec := open(t, nil, path)
	if len(rec.Events) != 2 {
		t.Fatalf("read back %v", rec.Events)
	}
}

func TestDetachMovesAnEndedMeetingAside(t *testing.T) {
	fsys := &journaltest.FS{}
	path := filepath.Join(t.TempDir(), "c.journal")
	j, _ := open(t, fsys, path)
	appendSync(t, j, line(1), line(2))
	// The disk fails as the meeting ends unpublished: its last record is
	// only in memory when it is detached.
	fsys.Set(journaltest.Full)
	j.Append(line(3))
	old, err := j.Detach()
	if !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("Detach on a full disk: %v", err)
	}
	j.Append(line(100)) // the next meeting
	if err := j.Sync(); !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("Sync: %v", err)
	}
	fsys.Set(journaltest.Healthy)
	if err := j.Sync(); err != nil {
		t.Fatal(err)
	}
	detached, _ := journal.Detached(nil, path)
	if len(detached) != 1 || old.Path() != detached[0] {
		t.Fatalf("detached: %v (old at %s)", detached, old.Path())
	}
	_, rec := open(t, nil, detached[0])
	if got := texts(rec.Events); len(got) != 3 || got[2] != "line 3 of the meeting" {
		t.Fatalf("the ended meeting's journal: %q", got)
	}
	_, rec = open(t, nil, path)
	if got := texts(rec.Events); len(got) != 1 || got[0] != "line 100 of the meeting" {
		t.Fatalf("the channel journal: %q", got)
	}
	if err := old.Discard(); err != nil {
		t.Fatal(err)
	}
	if detached, _ := journal.Detached(nil, path); len(detached) != 0 {
		t.Fatalf("after Discard: %v", detached)
	}
}

func BenchmarkAppendSync(b *testing.B) {
	j, _, err := journal.Open(nil, filepath.Join(b.TempDir(), "c.journal"))
	if err != nil {
		b.Fatal(err)
	}
	defer j.Close()
	ev := meeting.Message{Time: at, Nick: "nirik", Text: "a typical line of a meeting, about sixty bytes long"}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		j.Append(ev)
		if i%64 == 63 { // one sync per coalesced batch
			j.Sync()
		}
	}
}

// TestInvalidUTF8SurvivesTheJournal: texts reach the engine raw, and zodbot
// style decodes invalid UTF-8 as CPython 2.7 did, so a meeting resumed from
// its journal must get the very bytes again.
func TestInvalidUTF8SurvivesTheJournal(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.journal")
	j, _, err := journal.Open(nil, path)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 24, 18, 0, 0, 0, time.UTC)
	want := []meeting.Event{
		meeting.Message{Time: at, Nick: "b\xe2\x82ob", Text: "trunc\xe2\x82! \x02bold\x02 \xff"},
		meeting.NickChange{Time: at, Old: "b\xe2\x82ob", New: "\xc3"},
		meeting.TopicChange{Time: at, Topic: "t\xed\xa0\x80"},
		meeting.Message{Time: at, Nick: "ok", Text: "valid é"},
	}
	for _, ev := range want {
		if err := j.Append(ev); err != nil {
			t.Fatal(err)
		}
	}
	if err := j.Sync(); err != nil {
		t.Fatal(err)
	}
	j.Close()
	_, rec, err := journal.Open(nil, path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(rec.Events, want) {
		t.Fatalf("read back\n%#v\nwant\n%#v", rec.Events, want)
	}
}

// TestPlacedPathsKept: where the archive put a meeting's files is read
// back with its events (names and paths byte for byte, invalid UTF-8
// included, as zodbot style writes them), also after a damaged record
// made the journal be rewritten, and a detached meeting keeps its own.
func TestPlacedPathsKept(t *testing.T) {
	path := journal.Path(t.TempDir(), "#Meet")
	j, _ := open(t, nil, path)
	placed := []journal.Placed{
		{Channel: "#Meet", Name: "crash", Path: "meet/2026-11-24/crash-2.2026-11-24-18.00"},
		{Channel: "#Meet", Name: "caf\xe9", Path: "meet/2026-11-24/caf\xe9.2026-11-24-18.00"},
	}
	appendSync(t, j, line(1))
	if err := j.AppendPath(placed[0]); err != nil {
		t.Fatal(err)
	}
	appendSync(t, j, line(2), line(3))
	if err := j.AppendPath(placed[1]); err != nil {
		t.Fatal(err)
	}
	appendSync(t, j, line(4))
	_, rec := open(t, nil, path)
	if !reflect.DeepEqual(rec.Placed, placed) || len(rec.Events) != 4 || rec.Unreadable != 0 {
		t.Fatalf("read back: %+v", rec)
	}

	data, _ := os.ReadFile(path)
	i := bytes.Index(data, []byte("line 2"))
	data[i] ^= 0x01
	os.WriteFile(path, data, 0o600)
	j, rec = open(t, nil, path)
	if !reflect.DeepEqual(rec.Placed, placed) || len(rec.Events) != 3 || rec.Unreadable != 1 || rec.KeptAt == "" {
		t.Fatalf("damaged: %+v", rec)
	}
	_, rec = open(t, nil, path)
	if !reflect.DeepEqual(rec.Placed, placed) || len(rec.Events) != 3 || rec.Unreadable != 0 {
		t.Fatalf("rewritten: %+v", rec)
	}

	old, err := j.Detach()
	if err != nil {
		t.Fatal(err)
	}
	appendSync(t, j, line(5))
	if _, rec = open(t, nil, path); len(rec.Placed) != 0 || len(rec.Events) != 1 {
		t.Fatalf("the next meeting's journal: %+v", rec)
	}
	if _, rec = open(t, nil, old.Path()); !reflect.DeepEqual(rec.Placed, placed) {
		t.Fatalf("the detached meeting's journal: %+v", rec)
	}
}

// BenchmarkAppend is the journal's cost per line of a live meeting:
// framing and encoding one channel message (the live controller appends
// every line, then syncs once per batch).
func BenchmarkAppend(b *testing.B) {
	j, _ := open(b, nil, filepath.Join(b.TempDir(), "c.journal"))
	ev := meeting.Message{Time: at.Add(123456789), Nick: "talker1_12", Account: "talker", Text: "line of the load meeting, number xxxxxxxxxxxx"}
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		if err := j.Append(ev); err != nil {
			b.Fatal(err)
		}
		if n++; n%256 == 0 {
			j.Discard() // keep the buffer from growing without bound
		}
	}
}
