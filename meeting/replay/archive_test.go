package replay

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gavel/meeting"
	"gavel/meeting/publish"
)

// TestReplayedAgainWritesOverItsOwnFiles: the same log replayed into the
// same archive, through the archive the command line builds (a batch's)
// as through the one Reader builds, writes over its own files: the same
// set, never a "-2" copy, and a second meeting of the same name and minute
// keeps its own "-2" files run after run.
func TestReplayedAgainWritesOverItsOwnFiles(t *testing.T) {
	log := "10:00:00 <a> #startmeeting Twice\n10:00:01 <a> #info first\n10:00:02 <a> #endmeeting\n" +
		"10:00:30 <b> #startmeeting Twice\n10:00:31 <b> #info second\n10:00:32 <b> #endmeeting\n"
	for _, batched := range []bool{false, true} {
		out := t.TempDir()
		var first []string
		for run := range 3 {
			opts := Options{Channel: "#c", Date: time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC), Out: out}
			if batched {
				opts.Batch = publish.NewBatch()
			}
			res, err := Reader(context.Background(), strings.NewReader(log), "-", opts)
			if err == nil && batched {
				err = opts.Batch.Sync()
			}
			if err != nil || res.Meetings != 2 {
				t.Fatalf("batched %v, run %d: %v %+v", batched, run+1, err, res)
			}
			var files []string
			filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
				if err == nil && !d.IsDir() {
					rel, _ := filepath.Rel(out, p)
					files = append(files, rel)
				}
				return err
			})
			if run == 0 {
				first = files
				if len(files) != 12 {
					t.Fatalf("batched %v: %d files: %v", batched, len(files), files)
				}
				continue
			}
			if strings.Join(files, " ") != strings.Join(first, " ") {
				t.Errorf("batched %v, run %d: %v, want %v", batched, run+1, files, first)
			}
		}
		second, _ := os.ReadFile(filepath.Join(out, "c", "2026-11-24", "twice-2.2026-11-24-10.00.txt"))
		if !strings.Contains(string(second), "second") {
			t.Errorf("batched %v: the second meeting's files:\n%s", batched, second)
		}
	}
}

// TestStubs: zodbot's rename stub (a log without #meetingname whose first
// line is that of a renamed meeting's log in the same directory) is found,
// and nothing else is: not a log with the same first line elsewhere, not
// two logs that both lack #meetingname, not one that fails to be read.
func TestStubs(t *testing.T) {
	dir := t.TempDir()
	write := func(rel, content string) string {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	start := "12:02:26 <bcotton> #startmeeting Magazine editorial board"
	paths := []string{
		write("a/2020-06-10/magazine.2020-06-10-12.02.log.txt", start+"\n12:02:30 <bcotton> #MeetingName magazine\n12:03:00 <bcotton> #endmeeting"),
		write("a/2020-06-10/magazine_editorial_board.2020-06-10-12.02.log.txt", start),
		write("b/2020-06-10/magazine_editorial_board.2020-06-10-12.02.log.txt", start), // another directory
		write("c/2020-06-10/one.2020-06-10-12.02.log.txt", start+"\n12:03:00 <x> #endmeeting"),
		write("c/2020-06-10/two.2020-06-10-12.02.log.txt", start+"\n12:03:00 <x> #endmeeting"), // neither renamed
		write("a/2020-06-10/other.2020-06-10-14.00.log.txt", "14:00:00 <a> #startmeeting Other\n14:00:01 <a> #meetingname other"),
		filepath.Join(dir, "a", "2020-06-10", "missing.log.txt"),
	}
	got := Stubs(paths)
	if len(got) != 1 || got[1] != 0 {
		t.Errorf("stubs %v, want map[1:0]", got)
	}
	// A #meetingname that is not a command (said in passing) renames
	// nothing.
	paths[0] = write("a/2020-06-10/magazine.2020-06-10-12.02.log.txt", start+"\n12:02:30 <bcotton> use #meetingname next time")
	if got := Stubs(paths); len(got) != 0 {
		t.Errorf("stubs %v, want none", got)
	}
}

// TestArchiveInPlaceKeepsItsLogs: a log replayed into the archive it is
// in, in another style whose .log.txt differs from it (formatting codes
// kept by zodbot's, removed by the default style), is left as it is, and
// the replay says why.
func TestArchiveInPlaceKeepsItsLogs(t *testing.T) {
	out := t.TempDir()
	p := filepath.Join(out, "c", "2026-11-24", "bold.2026-11-24-10.00.log.txt")
	os.MkdirAll(filepath.Dir(p), 0o755)
	log := "10:00:00 <a> #startmeeting Bold\n10:00:01 <a> #info \x02bold\x02 words\n10:00:02 <a> #endmeeting"
	os.WriteFile(p, []byte(log), 0o644)
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	_, err = Reader(context.Background(), f, p, Options{Style: meeting.StyleDefault, Channel: "#c", Out: out})
	if err == nil || !strings.Contains(err.Error(), "left as it is") {
		t.Fatalf("err = %v", err)
	}
	if b, _ := os.ReadFile(p); string(b) != log {
		t.Errorf("the log changed:\n%q", b)
	}
	// In its own style it is the same log: the minutes are written.
	f.Seek(0, 0)
	if _, err := Reader(context.Background(), f, p, Options{Style: meeting.StyleZodbot, Channel: "#c", Out: out}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(out, "c", "2026-11-24", "bold.2026-11-24-10.00.html")); err != nil {
		t.Error(err)
	}
	if b, _ := os.ReadFile(p); string(b) != log {
		t.Errorf("the log changed:\n%q", b)
	}
}
