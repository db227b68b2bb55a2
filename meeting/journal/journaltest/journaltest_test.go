package journaltest_test

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"gavel/meeting"
	"gavel/meeting/journal"
	"gavel/meeting/journal/journaltest"
)

// tinyTmpfs mounts a tmpfs of size bytes for the test (root only; skipped
// where mounting is not allowed, as in most containers).
func tinyTmpfs(t *testing.T, size int) string {
	t.Helper()
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", fmt.Sprintf("size=%d,mode=0700", size), "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs here (%v: %s); the fault tests use journaltest.FS alone", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", "-l", dir).Run() })
	return dir
}

func remount(t *testing.T, dir, mode string) {
	t.Helper()
	if out, err := exec.Command("mount", "-o", "remount,"+mode, dir).CombinedOutput(); err != nil {
		t.Fatalf("remount %s: %v: %s", mode, err, out)
	}
}

// errnoOf returns the op and errno of err as os reports them.
func errnoOf(err error) (string, syscall.Errno) {
	var errno syscall.Errno
	errors.As(err, &errno)
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Op, errno
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Op, errno
	}
	return "", errno
}

// TestFaultsMatchARealFileSystem does the same operations on a real full
// and a real read-only tmpfs and on journaltest.FS, and compares the
// errors.
func TestFaultsMatchARealFileSystem(t *testing.T) {
	dir := tinyTmpfs(t, 64<<10)
	fake := &journaltest.FS{}
	fakeDir := t.TempDir()

	// Full: a write stops part-way with ENOSPC.
	real, err := journal.OS.OpenFile(filepath.Join(dir, "fill"), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	_, realErr := real.WriteAt(make([]byte, 1<<20), 0)
	real.Close()
	fake.Set(journaltest.Full)
	ff, _ := fake.OpenFile(filepath.Join(fakeDir, "fill"), os.O_RDWR|os.O_CREATE, 0o600)
	n, fakeErr := ff.WriteAt(make([]byte, 1<<10), 0)
	ff.Close()
	if n == 0 {
		t.Errorf("the fake full disk stores nothing of a write; a real one stores what fits")
	}
	ro, re := errnoOf(realErr)
	fo, fe := errnoOf(fakeErr)
	if realErr == nil || ro != fo || re != fe {
		t.Errorf("full disk: real %v, fake %v", realErr, fakeErr)
	}
	os.Remove(filepath.Join(dir, "fill"))

	// Read-only: creating, renaming, removing and making directories fail
	// with EROFS.
	os.WriteFile(filepath.Join(dir, "old"), []byte("x"), 0o600)
	os.WriteFile(filepath.Join(fakeDir, "old"), []byte("x"), 0o600)
	remount(t, dir, "ro")
	defer remount(t, dir, "rw")
	fake.Set(journaltest.ReadOnly)
	for _, op := range []struct {
		name string
		do   func(fsys journal.FS, dir string) error
	}{
		{"create", func(fsys journal.FS, dir string) error {
			_, err := fsys.OpenFile(filepath.Join(dir, "new"), os.O_RDWR|os.O_CREATE, 0o600)
			return err
		}},
		{"open for writing", func(fsys journal.FS, dir string) error {
			_, err := fsys.OpenFile(filepath.Join(dir, "old"), os.O_RDWR, 0)
			return err
		}},
		{"rename", func(fsys journal.FS, dir string) error {
			return fsys.Rename(filepath.Join(dir, "old"), filepath.Join(dir, "older"))
		}},
		{"remove", func(fsys journal.FS, dir string) error { return fsys.Remove(filepath.Join(dir, "old")) }},
		{"mkdir", func(fsys journal.FS, dir string) error { return fsys.MkdirAll(filepath.Join(dir, "d"), 0o700) }},
	} {
		realErr := op.do(journal.OS, dir)
		fakeErr := op.do(fake, fakeDir)
		ro, re := errnoOf(realErr)
		fo, fe := errnoOf(fakeErr)
		if realErr == nil || ro != fo || re != fe {
			t.Errorf("%s on a read-only file system: real %v, fake %v", op.name, realErr, fakeErr)
		}
	}
	// Reading still works on both.
	if _, err := fake.OpenFile(filepath.Join(fakeDir, "old"), os.O_RDONLY, 0); err != nil {
		t.Errorf("reading a read-only fake: %v", err)
	}
}

// TestJournalOnARealFullDisk: the journal on a real tmpfs that fills up
// keeps its records and writes them all once space is freed.
func TestJournalOnARealFullDisk(t *testing.T) {
	dir := tinyTmpfs(t, 64<<10)
	path := filepath.Join(dir, "c.journal")
	j, _, err := journal.Open(nil, path)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 24, 18, 0, 0, 0, time.UTC)
	ev := func(i int) meeting.Event {
		return meeting.Message{Time: at, Nick: "nirik", Text: fmt.Sprintf("line %d", i)}
	}
	j.Append(ev(0))
	if err := j.Sync(); err != nil {
		t.Fatal(err)
	}
	// Fill the disk.
	os.WriteFile(filepath.Join(dir, "filler"), make([]byte, 1<<20), 0o600)
	var failed bool
	for i := 1; i <= 200; i++ {
		j.Append(ev(i))
		err := j.Sync()
		if err != nil && !errors.Is(err, syscall.ENOSPC) {
			t.Fatalf("Sync: %v", err)
		}
		failed = failed || err != nil
	}
	if !failed || j.Pending() == 0 {
		t.Fatalf("the full disk never failed a Sync (%d waiting)", j.Pending())
	}
	os.Remove(filepath.Join(dir, "filler"))
	if err := j.Sync(); err != nil || j.Pending() != 0 {
		t.Fatalf("after freeing space: %v, %d waiting", err, j.Pending())
	}
	_, rec, err := journal.Open(nil, path)
	if err != nil || len(rec.Events) != 201 || rec.Unreadable != 0 {
		t.Fatalf("read back %d events, %d unreadable, %v", len(rec.Events), rec.Unreadable, err)
	}
	for i, e := range rec.Events {
		if e != ev(i) {
			t.Fatalf("event %d = %v", i, e)
		}
	}
}
