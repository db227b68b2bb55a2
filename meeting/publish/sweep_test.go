package publish

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"gavel/meeting"
)

// writeMeetings publishes n meetings named <prefix>-<k> in the channel
// #meet on the test's day, each opening its session (and so sweeping the
// day's directory) while the others write, and returns the errors.
func writeMeetings(root, prefix string, n int) []error {
	a := New(root, meeting.StyleDefault, "") // live: every Open sweeps
	var errs []error
	for k := range n {
		e := meeting.NewEngine(meeting.Options{Channel: "#meet"})
		w := a.Writer()
		at := start.Add(time.Duration(k) * time.Minute)
		_, ferrs := feed(e, w, at, "#startmeeting "+prefix+" "+strconv.Itoa(k), "#info one", "#info two", "#endmeeting")
		errs = append(errs, ferrs...)
		if s := w.Session(); s != nil {
			s.Close()
		}
	}
	return errs
}

// checkMeetings reports the meetings of writeMeetings missing a file, and
// any temporary file left.
func checkMeetings(t *testing.T, root string, prefixes []string, n int) {
	t.Helper()
	dir := filepath.Join(root, "meet", "2026-11-24")
	for _, p := range prefixes {
		for k := range n {
			at := start.Add(time.Duration(k) * time.Minute)
			base := strings.ReplaceAll(p, " ", "_") + "_" + strconv.Itoa(k) + "." + at.Format("2006-01-02-15.04")
			for _, ext := range extsOf(meeting.StyleDefault) {
				if _, err := os.Stat(filepath.Join(dir, base+"."+ext)); err != nil {
					t.Errorf("lost: %v", err)
				}
			}
		}
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".*")); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

// TestManyWritersOneDirectory: many sessions publish into one day
// directory at once, each sweeping it for a dead process's temporary files
// as it opens: none ever removes another's partial log or temporary file
// (a file is locked before the sweep can find it), so every meeting has
// all its files and nothing is left over. In one process, then in several.
func TestManyWritersOneDirectory(t *testing.T) {
	const writers, meetings = 12, 15
	t.Run("goroutines", func(t *testing.T) {
		root := t.TempDir()
		var wg sync.WaitGroup
		var mu sync.Mutex
		var prefixes []string
		for i := range writers {
			p := "writer " + strconv.Itoa(i)
			prefixes = append(prefixes, p)
			wg.Go(func() {
				errs := writeMeetings(root, p, meetings)
				mu.Lock()
				defer mu.Unlock()
				for _, err := range errs {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		checkMeetings(t, root, prefixes, meetings)
	})
	t.Run("processes", func(t *testing.T) {
		root := t.TempDir()
		var prefixes []string
		var cmds []*exec.Cmd
		for i := range 4 {
			p := "process " + strconv.Itoa(i)
			prefixes = append(prefixes, p)
			cmd := exec.Command(os.Args[0], "-test.run=^TestManyWritersHelper$", "-test.count=1")
			cmd.Env = append(os.Environ(), "GAVEL_WRITERS_ROOT="+root, "GAVEL_WRITERS_PREFIX="+p, fmt.Sprintf("GAVEL_WRITERS_N=%d", meetings))
			cmds = append(cmds, cmd)
		}
		outs := make([][]byte, len(cmds))
		var wg sync.WaitGroup
		for i, cmd := range cmds {
			wg.Go(func() { outs[i], _ = cmd.CombinedOutput() })
		}
		errs := writeMeetings(root, "parent", meetings)
		wg.Wait()
		for _, err := range errs {
			t.Error(err)
		}
		for i, cmd := range cmds {
			if !cmd.ProcessState.Success() {
				t.Errorf("writer process %d: %s\n%s", i, cmd.ProcessState, outs[i])
			}
		}
		checkMeetings(t, root, append(prefixes, "parent"), meetings)
	})
}

// TestManyWritersHelper is a writer process of TestManyWritersOneDirectory.
func TestManyWritersHelper(t *testing.T) {
	root := os.Getenv("GAVEL_WRITERS_ROOT")
	if root == "" {
		t.Skip("a writer process of TestManyWritersOneDirectory")
	}
	n, _ := strconv.Atoi(os.Getenv("GAVEL_WRITERS_N"))
	for _, err := range writeMeetings(root, os.Getenv("GAVEL_WRITERS_PREFIX"), n) {
		t.Error(err)
	}
}

// TestStaleTemporaryFilesAreRemoved: the temporary files of an atomic
// write that a dead process left (".<name>.tmp-N", unlocked) are removed
// when a session opens in their directory, as stale partial logs are;
// one another process still holds (locked) is not.
func TestStaleTemporaryFilesAreRemoved(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "meet", "2026-11-24")
	os.MkdirAll(dir, 0o755)
	dead := []string{".old.2026-11-24-17.00.json.tmp-123", ".old.2026-11-24-17.00.html.tmp-9", ".old.2026-11-24-17.00.log.txt.partial-77"}
	for _, d := range dead {
		os.WriteFile(filepath.Join(dir, d), []byte("a dead process's bytes"), 0o644)
	}
	held := filepath.Join(dir, ".other.2026-11-24-17.00.txt.tmp-5")
	os.WriteFile(held, []byte("a living writer's"), 0o644)
	f, err := os.Open(held)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		t.Fatal(err)
	}
	// Not temporary files of gavel's: kept.
	keep := []string{".htaccess", "notes.tmp-1", ".x.tmp"}
	for _, k := range keep {
		os.WriteFile(filepath.Join(dir, k), []byte("keep"), 0o644)
	}
	_, s, _ := meetingOf(t, New(root, meeting.StyleDefault, ""), "#startmeeting Sweep")
	defer s.Close()
	for _, d := range dead {
		if _, err := os.Stat(filepath.Join(dir, d)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("stale %s kept: %v", d, err)
		}
	}
	for _, k := range append(keep, filepath.Base(held)) {
		if _, err := os.Stat(filepath.Join(dir, k)); err != nil {
			t.Errorf("%s removed: %v", k, err)
		}
	}
}

// TestInputLogIsNeverRewritten: a regeneration writes over a .log.txt
// that is one of its inputs only with the same bytes (then the file is
// left as it is, the same inode); with other bytes it refuses, says so,
// and leaves the log, and nothing else of the meeting is written.
func TestInputLogIsNeverRewritten(t *testing.T) {
	for _, c := range []struct {
		subject, input string
		same           bool
	}{
		{"the same bytes", "18:00:00 <chair> #startmeeting Input\n18:00:01 <chair> #endmeeting", true},
		{"other bytes", "18:00:00 <chair> #startmeeting Input\n18:00:01 <chair> something else", false},
	} {
		t.Run(c.subject, func(t *testing.T) {
			root := t.TempDir()
			dir := filepath.Join(root, "meet", "2026-11-24")
			os.MkdirAll(dir, 0o755)
			in := filepath.Join(dir, "input.2026-11-24-18.00.log.txt")
			os.WriteFile(in, []byte(c.input), 0o644)
			before, _ := os.Stat(in)
			a := New(root, meeting.StyleZodbot, "")
			a.Regenerate = true
			a.KeepInputs(before)
			e := meeting.NewEngine(meeting.Options{Channel: "#meet", Style: meeting.StyleZodbot})
			w := a.Writer()
			w.Source = &Source{Log: before}
			_, errs := feed(e, w, start, "#startmeeting Input", "#endmeeting")
			after, err := os.Stat(in)
			if err != nil || !os.SameFile(before, after) {
				t.Fatalf("the input log was replaced: %v", err)
			}
			if b, _ := os.ReadFile(in); string(b) != c.input {
				t.Errorf("the input log changed: %q", b)
			}
			if c.same {
				if len(errs) != 0 {
					t.Fatalf("errors: %v", errs)
				}
				if _, err := os.Stat(filepath.Join(dir, "input.2026-11-24-18.00.html")); err != nil {
					t.Error(err)
				}
			} else {
				if len(errs) != 1 || !errors.Is(errs[0], ErrInputChanged) || !strings.Contains(errs[0].Error(), in) {
					t.Fatalf("errors: %v", errs)
				}
				if _, err := os.Stat(filepath.Join(dir, "input.2026-11-24-18.00.html")); !errors.Is(err, os.ErrNotExist) {
					t.Errorf("minutes written beside a log they do not match: %v", err)
				}
				w.Discard()
			}
			if left, _ := filepath.Glob(filepath.Join(dir, ".*")); len(left) != 0 {
				t.Errorf("temporary files left: %v", left)
			}
		})
	}
}

// TestSameBytesLeftAsTheyAre: a regeneration that writes a file with the
// bytes and mode it already has leaves it as it is (the same file, not a
// new one: nothing written); a file of the meeting with other bytes, or
// another mode, is replaced.
func TestSameBytesLeftAsTheyAre(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "meet", "2026-11-24")
	publishOnce := func(lines ...string) {
		t.Helper()
		a := New(root, meeting.StyleDefault, "")
		a.Regenerate = true
		e := meeting.NewEngine(meeting.Options{Channel: "#meet"})
		w := a.Writer()
		if _, errs := feed(e, w, start, lines...); len(errs) != 0 {
			t.Fatal(errs)
		}
		if err := a.Close(); err != nil {
			t.Fatal(err)
		}
	}
	stat := func(ext string) os.FileInfo {
		t.Helper()
		st, err := os.Stat(filepath.Join(dir, "same.2026-11-24-18.00."+ext))
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	publishOnce("#startmeeting Same", "#info one", "#endmeeting")
	before := map[string]os.FileInfo{}
	for _, ext := range []string{"html", "txt", "md", "json", "log.html", "log.txt"} {
		before[ext] = stat(ext)
	}
	publishOnce("#startmeeting Same", "#info one", "#endmeeting")
	for ext, st := range before {
		if !os.SameFile(st, stat(ext)) {
			t.Errorf("%s with the same bytes was written again", ext)
		}
	}
	// Not the meeting's .log.txt, nor the start of its .log.html: with
	// other bytes there, the files are another meeting's.
	delete(before, "log.txt")
	for ext := range before {
		p := filepath.Join(dir, "same.2026-11-24-18.00."+ext)
		b, _ := os.ReadFile(p)
		os.WriteFile(p, append(b, "other bytes"...), 0o644)
	}
	os.Chmod(filepath.Join(dir, "same.2026-11-24-18.00.txt"), 0o600)
	publishOnce("#startmeeting Same", "#info one", "#endmeeting")
	for ext, st := range before {
		now := stat(ext)
		if os.SameFile(st, now) {
			t.Errorf("%s with other bytes was left", ext)
		}
		if now.Mode().Perm() != 0o644 {
			t.Errorf("%s: mode %v", ext, now.Mode())
		}
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "same.2026-11-24-18.00.txt")); !strings.Contains(string(b), "one") {
		t.Errorf("txt:\n%s", b)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".*")); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
}
