package publish

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"gavel/meeting"
	"gavel/meeting/minutes"
)

// feed runs lines through the engine and the writer, as live and replay
// do, and returns the errors of the effects.
func feed(e *meeting.Engine, w *Writer, at time.Time, lines ...string) (files []File, errs []error) {
	for i, text := range lines {
		for _, eff := range e.Handle(meeting.Message{Time: at.Add(time.Duration(i) * time.Second), Nick: "chair", Text: text}) {
			f, err := w.Apply(e.Meeting(), eff)
			files = append(files, f...)
			if err != nil {
				errs = append(errs, err)
			}
		}
	}
	return files, errs
}

// TestFailedFinishCanBeRetried: the final rename of the logs fails (a
// directory stands at the name); finishing again, saving, and finishing
// once the way is clear never panic, and the published log is whole.
func TestFailedFinishCanBeRetried(t *testing.T) {
	root := t.TempDir()
	a := New(root, meeting.StyleDefault, "")
	e := meeting.NewEngine(meeting.Options{Channel: "#meet"})
	w := a.Writer()
	dir := filepath.Join(root, "meet", "2026-11-24")
	blockers := []string{"retry.2026-11-24-18.00.log.txt", "retry.2026-11-24-18.00.log.html"}
	for _, b := range blockers {
		os.MkdirAll(filepath.Join(dir, b, "x"), 0o755)
	}
	_, errs := feed(e, w, start, "#startmeeting Retry", "#info one", "#endmeeting")
	if len(errs) != 1 {
		t.Fatalf("errors: %v", errs)
	}
	s := w.Session()
	if s == nil {
		t.Fatal("the session of a failed finish was dropped")
	}
	m := s.Meeting()
	for i := 0; i < 3; i++ {
		if _, err := s.Finish(m); err == nil {
			t.Fatal("Finish with the way still blocked succeeded")
		}
		if _, err := s.Save(m); err == nil {
			t.Fatal("Save with the way still blocked succeeded")
		}
	}
	for _, b := range blockers {
		os.RemoveAll(filepath.Join(dir, b))
	}
	files, err := s.Finish(m)
	if err != nil || len(files) != 6 {
		t.Fatalf("Finish once the way is clear: %d files, %v", len(files), err)
	}
	s.Close()
	logTxt, _ := os.ReadFile(filepath.Join(dir, blockers[0]))
	if !strings.HasSuffix(string(logTxt), "<chair> #endmeeting") || strings.Count(string(logTxt), "#info one") != 1 {
		t.Errorf("log:\n%s", logTxt)
	}
	logHTML, _ := os.ReadFile(filepath.Join(dir, blockers[1]))
	if !strings.HasSuffix(string(logHTML), minutes.LogHTMLEnd) || strings.Count(string(logHTML), minutes.LogHTMLEnd) != 1 {
		t.Errorf("log.html does not end once:\n%s", logHTML)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".*")); len(left) != 0 {
		t.Errorf("leftovers: %v", left)
	}
}

// toggledDisk is a file that fails writes with ENOSPC while full is set,
// as a full disk does.
type toggledDisk struct {
	tempFile
	full *atomic.Bool
}

func (f *toggledDisk) Write(p []byte) (int, error) {
	if f.full.Load() {
		return 0, &os.PathError{Op: "write", Path: f.Name(), Err: syscall.ENOSPC}
	}
	return f.tempFile.Write(p)
}

// TestFullDiskWhileStreaming: the disk fills during the meeting; the log
// lines wait in memory (the first says so), publishing fails while the
// disk is full, and every line is in the files once it is not.
func TestFullDiskWhileStreaming(t *testing.T) {
	root := t.TempDir()
	a := New(root, meeting.StyleDefault, "")
	var full atomic.Bool
	a.create = func(d *dirHandle, prefix, suffix string, named bool, perm os.FileMode) (tempFile, string, error) {
		f, name, err := createLocked(d, prefix, suffix, named, perm)
		if err != nil {
			return nil, "", err
		}
		return &toggledDisk{tempFile: f, full: &full}, name, nil
	}
	e := meeting.NewEngine(meeting.Options{Channel: "#meet"})
	w := a.Writer()
	if _, errs := feed(e, w, start, "#startmeeting Full", "#info before"); len(errs) != 0 {
		t.Fatal(errs)
	}
	full.Store(true)
	var lines []string
	for i := 0; i < 3000; i++ { // more than the writers buffer
		lines = append(lines, "#info while full "+strings.Repeat("x", i%50))
	}
	_, errs := feed(e, w, start.Add(time.Minute), lines...)
	if len(errs) != 1 || !errors.Is(errs[0], syscall.ENOSPC) || !strings.Contains(errs[0].Error(), "wait in memory") {
		t.Fatalf("errors while the disk is full: %v", errs)
	}
	_, errs = feed(e, w, start.Add(time.Hour), "#endmeeting")
	if len(errs) != 1 || !errors.Is(errs[0], syscall.ENOSPC) {
		t.Fatalf("#endmeeting on a full disk: %v", errs)
	}
	full.Store(false)
	s := w.Detach()
	files, err := s.Finish(s.Meeting())
	if err != nil || len(files) != 6 {
		t.Fatalf("Finish once there is space: %d files, %v", len(files), err)
	}
	s.Close()
	logTxt, _ := os.ReadFile(filepath.Join(root, "meet", "2026-11-24", "full.2026-11-24-18.00.log.txt"))
	if n := strings.Count(string(logTxt), "#info while full"); n != 3000 {
		t.Errorf("the log holds %d of the 3000 lines said while the disk was full", n)
	}
	if !strings.HasSuffix(string(logTxt), "<chair> #endmeeting") {
		t.Errorf("the log does not end with #endmeeting")
	}
}

// TestStalePartialsAreRemoved: partial logs nobody holds (a dead process's)
// are removed when a session opens in their directory; those of a living
// session are not.
func TestStalePartialsAreRemoved(t *testing.T) {
	root := t.TempDir()
	a := New(root, meeting.StyleDefault, "")
	e1 := meeting.NewEngine(meeting.Options{Channel: "#meet"})
	w1 := a.Writer()
	feed(e1, w1, start, "#startmeeting Living")
	dir := filepath.Join(root, "meet", "2026-11-24")
	dead := []string{".meeting.2026-11-24-18.00.log.txt.partial-123", ".meeting.2026-11-24-18.00.log.html.partial-456"}
	for _, d := range dead {
		os.WriteFile(filepath.Join(dir, d), []byte("a dead process's lines"), 0o644)
	}
	e2 := meeting.NewEngine(meeting.Options{Channel: "#meet"})
	w2 := a.Writer()
	feed(e2, w2, start.Add(2*time.Minute), "#startmeeting Second")
	for _, d := range dead {
		if _, err := os.Stat(filepath.Join(dir, d)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("stale partial %s kept: %v", d, err)
		}
	}
	left, _ := filepath.Glob(filepath.Join(dir, ".*.partial-*"))
	if len(left) != 4 {
		t.Errorf("partials of the two living sessions: %v", left)
	}
	w1.Discard()
	w2.Discard()
}
