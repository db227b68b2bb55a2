package live

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"gavel/ircclient/ircdtest"
	"gavel/meeting"
	"gavel/meeting/publish"
)

// tmpfs mounts a tmpfs of size bytes for the test. Mounting needs root
// (or CAP_SYS_ADMIN): where it is not allowed (most containers) the test
// is skipped.
func tmpfs(t testing.TB, size int) string {
	t.Helper()
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", fmt.Sprintf("size=%d,mode=0755", size), "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs here: %v: %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", "-l", dir).Run() })
	return dir
}

func remount(t testing.TB, dir, mode string) {
	t.Helper()
	if out, err := exec.Command("mount", "-o", "remount,"+mode, dir).CombinedOutput(); err != nil {
		t.Fatalf("remount %s %s: %v: %s", mode, dir, err, out)
	}
}

// readOnlyArchive is an archive directory that cannot be written, and the
// function that makes it writable: a tmpfs mounted read-only (root
// ignores file modes), or a directory of mode 0555 for anyone else.
func readOnlyArchive(t testing.TB) (dir string, writable func()) {
	t.Helper()
	if os.Geteuid() != 0 {
		dir = t.TempDir()
		os.Chmod(dir, 0o555)
		t.Cleanup(func() { os.Chmod(dir, 0o755) })
		return dir, func() { os.Chmod(dir, 0o755) }
	}
	dir = tmpfs(t, 8<<20)
	remount(t, dir, "ro")
	return dir, func() { remount(t, dir, "rw") }
}

// TestPublishFaultsSayWhatAndWhere: the minutes cannot be written, on a
// real read-only archive and a real full disk. The chair's error says what
// is wrong and where, never a partial file's name; once the disk allows
// it, /publish writes them and the channel hears their URLs.
func TestPublishFaultsSayWhatAndWhere(t *testing.T) {
	for _, c := range []struct {
		name  string
		errno []syscall.Errno
		what  string
		setup func(t *testing.T) (root string, fix func())
	}{
		{"read-only", []syscall.Errno{syscall.EROFS, syscall.EACCES}, "", func(t *testing.T) (string, func()) {
			return readOnlyArchive(t)
		}},
		{"full", []syscall.Errno{syscall.ENOSPC}, "the disk is full", func(t *testing.T) (string, func()) {
			root := tmpfs(t, 256<<10)
			filler := filepath.Join(root, "filler")
			f, _ := os.Create(filler)
			for {
				if _, err := f.Write(make([]byte, 4096)); err != nil {
					break
				}
			}
			f.Close()
			return root, func() { os.Remove(filler) }
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			root, fix := c.setup(t)
			net := &recorder{nick: "chair"}
			ctrl := newController(t, root, t.TempDir(), net)
			online(ctrl)
			var ups []Update
			ups = append(ups, net.feed(ctrl, msg(0, "chair", "#startmeeting Faulty disk"))...)
			ups = append(ups, net.feed(ctrl, msg(1, "alice", "#info "+strings.Repeat("a fact worth keeping ", 20)))...)
			ups = append(ups, net.feed(ctrl, msg(2, "chair", "#endmeeting"))...)
			errs := kinds(ups, UpdateError)
			if len(errs) == 0 {
				t.Fatalf("no error: %+v", ups)
			}
			for _, u := range errs {
				msg := u.Err.Error()
				if strings.Contains(msg, ".partial") || !strings.HasPrefix(msg, "the minutes could not be written: ") ||
					!strings.Contains(msg, "("+root) {
					t.Errorf("the chair reads %q", msg)
				}
				if !slices.ContainsFunc(c.errno, func(e syscall.Errno) bool { return errors.Is(u.Err, e) }) {
					t.Errorf("%q is none of %v", msg, c.errno)
				}
				what := c.what
				if what == "" && errors.Is(u.Err, syscall.EROFS) {
					what = "the archive is read-only"
				} else if what == "" {
					what = "gavel may not write there (permission denied)"
				}
				if !strings.Contains(msg, what) {
					t.Errorf("%q does not say %q", msg, what)
				}
			}
			if !slices.Contains(net.said, "#meet The minutes could not be written; gavel keeps the meeting and will retry on /publish.") {
				t.Fatalf("the channel heard %q", net.said)
			}
			said := len(net.said)
			fix()
			if ups := ctrl.Publish("#meet"); len(kinds(ups, UpdateError)) != 0 || len(kinds(ups, UpdatePublished)) == 0 {
				t.Fatalf("/publish once the disk allows it: %+v", ups)
			}
			base := "https://m.example/meet/2026-11-24/faulty_disk.2026-11-24-18.00"
			want := []string{"#meet The minutes are written now.", "#meet Minutes:        " + base + ".html",
				"#meet Minutes (text): " + base + ".txt", "#meet Log:            " + base + ".log.html"}
			if got := net.said[said:]; !slices.Equal(got, want) {
				t.Fatalf("after the retry the channel heard\n%q\nwant\n%q", got, want)
			}
			log, err := os.ReadFile(filepath.Join(root, "meet", "2026-11-24", "faulty_disk.2026-11-24-18.00.log.txt"))
			if err != nil || !strings.HasPrefix(string(log), "18:00:00 <chair> #startmeeting Faulty disk") ||
				!strings.Contains(string(log), "a fact worth keeping") || !strings.HasSuffix(string(log), "<chair> #endmeeting") {
				t.Fatalf("the log (%v):\n%s", err, log)
			}
			if ups := ctrl.Publish("#meet"); len(kinds(ups, UpdateError)) == 0 || len(net.said) != said+len(want) {
				t.Errorf("a second /publish: %+v, said %q", ups, net.said[said:])
			}
		})
	}
}

// TestMinutesURLsSaidAfterRetryOnARealServer: on InspIRCd, a meeting
// whose archive is read-only ends; the channel hears that the minutes
// could not be written. The archive is made writable and /publish writes
// them: the channel hears their URLs, as a meeting's end gives them.
func TestMinutesURLsSaidAfterRetryOnARealServer(t *testing.T) {
	srv := ircdtest.StartInspIRCd(t, ircdtest.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	root, writable := readOnlyArchive(t)
	ctrl, mu, seen, _ := gavelOn(t, ctx, srv, "chair", []string{"#meet"}, Config{
		Archive: publish.New(root, meeting.StyleDefault, "https://m.example/"), JournalDir: t.TempDir(), URLPrefix: "https://m.example/",
	})
	observer, err := ircdtest.Dial(ctx, srv.Addr(), "observer")
	if err != nil {
		t.Fatal(err)
	}
	defer observer.Close()
	observer.Send("JOIN #meet")
	observer.Expect(t, " 366 ")
	hear := func(text string) {
		t.Helper()
		if _, err := observer.WaitFor(func(l string) bool { return strings.HasSuffix(l, "PRIVMSG #meet :"+text) }); err != nil {
			t.Fatalf("the channel never heard %q: %v", text, err)
		}
	}
	say := func(text string) {
		t.Helper()
		mu.Lock()
		ctrl.Say("#meet", text)
		mu.Unlock()
		for got := ""; got != "chair "+text; {
			select {
			case got = <-seen:
			case <-ctx.Done():
				t.Fatalf("gavel never saw %q", text)
			}
		}
	}
	say("#startmeeting Read only")
	say("#info kept in memory until the archive takes it")
	say("#endmeeting")
	hear("The minutes could not be written; gavel keeps the meeting and will retry on /publish.")
	writable()
	mu.Lock()
	ups := ctrl.Publish("#meet")
	mu.Unlock()
	if errs := kinds(ups, UpdateError); len(errs) != 0 {
		t.Fatalf("/publish: %+v", errs)
	}
	files, _ := filepath.Glob(filepath.Join(root, "meet", "*", "read_only.*.html"))
	if len(files) != 2 { // the minutes and the log
		t.Fatalf("published: %v", files)
	}
	rel, _ := filepath.Rel(root, files[0])
	base := "https://m.example/" + strings.TrimSuffix(strings.TrimSuffix(filepath.ToSlash(rel), ".html"), ".log")
	hear("The minutes are written now.")
	hear("Minutes:        " + base + ".html")
	hear("Minutes (text): " + base + ".txt")
	hear("Log:            " + base + ".log.html")
}

// TestReadOnlyArchiveAcrossARestart: the archive is read-only from the
// start and stays so across a restart of gavel. A running meeting resumes
// and, once the archive is writable, its log opens with every line from
// its start; an ended meeting is set aside on resume and /publish writes
// it whole, the channel hearing its URLs once gavel is in it.
func TestReadOnlyArchiveAcrossARestart(t *testing.T) {
	root, writable := readOnlyArchive(t)
	jdir := t.TempDir()
	net := &recorder{nick: "chair"}
	c := newController(t, root, jdir, net)
	online(c)
	net.feed(c, msg(0, "chair", "#startmeeting Ended early"))
	net.feed(c, msg(1, "alice", "#info first meeting's fact"))
	net.feed(c, msg(2, "chair", "#endmeeting"))
	net.feed(c, msg(60, "chair", "#startmeeting Running"))
	net.feed(c, msg(61, "alice", "#info said before the crash"))
	// Crash; gavel starts again, the archive still read-only.
	net2 := &recorder{nick: "chair"}
	c2 := newController(t, root, jdir, net2)
	ups := c2.Resume("#meet")
	if len(kinds(ups, UpdateResumed)) != 1 || len(kinds(ups, UpdateError)) == 0 {
		t.Fatalf("resume: %+v", ups)
	}
	for _, u := range kinds(ups, UpdateError) {
		if strings.Contains(u.Err.Error(), ".partial") {
			t.Errorf("the chair reads %q", u.Err)
		}
	}
	onlineAt(c2, 62)
	net2.feed(c2, msg(63, "alice", "#info said while the archive is read-only"))
	writable()
	net2.feed(c2, msg(64, "alice", "#info said once it is writable"))
	if ups := c2.Publish("#meet"); len(kinds(ups, UpdateError)) != 0 {
		t.Fatalf("/publish: %+v", ups)
	}
	if !slices.Contains(net2.said, "#meet Minutes:        https://m.example/meet/2026-11-24/ended_early.2026-11-24-18.00.html") {
		t.Errorf("the channel never heard the first meeting's URLs: %q", net2.said)
	}
	net2.feed(c2, msg(65, "chair", "#endmeeting"))
	dir := filepath.Join(root, "meet", "2026-11-24")
	first, _ := os.ReadFile(filepath.Join(dir, "ended_early.2026-11-24-18.00.log.txt"))
	second, _ := os.ReadFile(filepath.Join(dir, "running.2026-11-24-18.01.log.txt"))
	if !strings.HasPrefix(string(first), "18:00:00 <chair> #startmeeting Ended early") || !strings.Contains(string(first), "first meeting's fact") ||
		!strings.HasSuffix(string(first), "<chair> #endmeeting") {
		t.Errorf("first log:\n%s", first)
	}
	for _, want := range []string{"18:01:00 <chair> #startmeeting Running", "said before the crash", "said while the archive is read-only",
		"said once it is writable", "<chair> #endmeeting"} {
		if !strings.Contains(string(second), want) {
			t.Errorf("second log lacks %q:\n%s", want, second)
		}
	}
	if !strings.HasPrefix(string(second), "18:01:00 <chair> #startmeeting Running") {
		t.Errorf("second log starts late:\n%s", second)
	}
	if left, _ := os.ReadDir(jdir); len(left) != 0 {
		t.Errorf("journals left: %v", left)
	}
}
