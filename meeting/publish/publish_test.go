package publish

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"gavel/meeting"
)

var start = time.Date(2026, 11, 24, 18, 0, 0, 0, time.UTC)

// meetingOf runs lines through an engine and streams the log into a
// session, as replay and the live controller do.
func meetingOf(t *testing.T, a *Archive, lines ...string) (*meeting.Meeting, *Session, *meeting.Engine) {
	t.Helper()
	e := meeting.NewEngine(meeting.Options{Channel: "#meet", Style: a.Style})
	var s *Session
	for i, text := range lines {
		for _, eff := range e.Handle(meeting.Message{Time: start.Add(time.Duration(i) * time.Second), Nick: "chair", Text: text}) {
			if eff.Kind != meeting.EffectLog {
				continue
			}
			if s == nil {
				var err error
				if s, err = a.Open(e.Meeting()); err != nil {
					t.Fatal(err)
				}
			}
			if err := s.Log(eff.Line); err != nil {
				t.Fatal(err)
			}
		}
	}
	return e.Meeting(), s, e
}

// fullDisk is a temp file that fails with ENOSPC once it holds limit bytes.
type fullDisk struct {
	tempFile
	limit, n int
}

func (f *fullDisk) Write(p []byte) (int, error) {
	if f.n+len(p) > f.limit {
		return 0, &os.PathError{Op: "write", Path: f.Name(), Err: syscall.ENOSPC}
	}
	f.n += len(p)
	return f.tempFile.Write(p)
}

func TestFullDiskLosesNothing(t *testing.T) {
	root := t.TempDir()
	a := New(root, meeting.StyleDefault, "")
	m, s, e := meetingOf(t, a, "#startmeeting Full disk", "#topic one", "#info kept")
	a.create = func(d *dirHandle, prefix, suffix string, named bool, perm os.FileMode) (tempFile, string, error) {
		f, name, err := createLocked(d, prefix, suffix, named, perm)
		return &fullDisk{tempFile: f, limit: 100}, name, err
	}
	_, err := s.Save(m)
	if !errors.Is(err, syscall.ENOSPC) || !strings.Contains(err.Error(), "publish ") {
		t.Fatalf("Save on a full disk: err = %v", err)
	}
	dir := filepath.Join(root, "meet", "2026-11-24")
	entries, _ := os.ReadDir(dir)
	for _, en := range entries {
		if strings.Contains(en.Name(), ".tmp-") {
			t.Errorf("temporary file left behind: %s", en.Name())
		}
		// Only files that fitted may be there, and then whole.
		b, _ := os.ReadFile(filepath.Join(dir, en.Name()))
		switch {
		case strings.HasPrefix(en.Name(), "."):
		case strings.HasSuffix(en.Name(), ".log.html") && strings.HasSuffix(string(b), "</html>\n"):
		case strings.HasSuffix(en.Name(), ".log.txt") && strings.HasSuffix(string(b), "#info kept"):
		default:
			t.Errorf("half-written file published: %s", en.Name())
		}
	}
	// Space comes back: the meeting goes on and ends with every line.
	a.create = lockedCreateTemp
	e.Handle(meeting.Message{Time: start.Add(time.Minute), Nick: "chair", Text: "#info after"})
	for _, eff := range e.Handle(meeting.Message{Time: start.Add(time.Minute), Nick: "chair", Text: "#endmeeting"}) {
		if eff.Kind == meeting.EffectLog {
			s.Log(eff.Line)
		}
	}
	files, err := s.Finish(m)
	if err != nil || len(files) != 6 {
		t.Fatalf("Finish: %d files, %v", len(files), err)
	}
	s.Close()
	txt, _ := os.ReadFile(filepath.Join(dir, "full_disk.2026-11-24-18.00.txt"))
	for _, want := range []string{"kept", "after"} {
		if !strings.Contains(string(txt), want) {
			t.Errorf("minutes lack %q", want)
		}
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".*")); len(left) != 0 {
		t.Errorf("leftovers: %v", left)
	}
}

func TestUnwritableRootIsAClearError(t *testing.T) {
	parent := t.TempDir()
	root := filepath.Join(parent, "file")
	os.WriteFile(root, []byte("x"), 0o644)
	a := New(root, meeting.StyleDefault, "")
	e := meeting.NewEngine(meeting.Options{Channel: "#meet"})
	e.Handle(meeting.Message{Time: start, Nick: "chair", Text: "#startmeeting x"})
	_, err := a.Open(e.Meeting())
	if err == nil || !strings.Contains(err.Error(), "publish "+root) {
		t.Fatalf("err = %v", err)
	}
}

func TestSaveThenFinish(t *testing.T) {
	root := t.TempDir()
	a := New(root, meeting.StyleZodbot, "https://m.example/")
	m, s, e := meetingOf(t, a, "#startmeeting Save me", "#restrictlogs", "#topic one", "#save")
	files, err := s.Save(m)
	if err != nil || len(files) != 4 {
		t.Fatalf("Save: %v %v", files, err)
	}
	dir := filepath.Join(root, "meet", "2026-11-24")
	mid, _ := os.ReadFile(filepath.Join(dir, "save_me.2026-11-24-18.00.log.html"))
	if !strings.HasSuffix(string(mid), "</pre>\n</body></html>\n") || !strings.Contains(string(mid), "#save") {
		t.Errorf("mid-meeting .log.html is not a whole page:\n%s", mid)
	}
	for _, eff := range e.Handle(meeting.Message{Time: start.Add(time.Hour), Nick: "chair", Text: "#endmeeting"}) {
		if eff.Kind == meeting.EffectLog {
			s.Log(eff.Line)
		}
	}
	files, err = s.Finish(m)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	for _, f := range files {
		st, err := os.Stat(f.Path)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v after #restrictlogs, want 0600", f.Path, st.Mode().Perm())
		}
		if !strings.HasPrefix(f.URL, "https://m.example/meet/2026-11-24/save_me.2026-11-24-18.00.") {
			t.Errorf("URL %q", f.URL)
		}
	}
	log, _ := os.ReadFile(filepath.Join(dir, "save_me.2026-11-24-18.00.log.txt"))
	if n := strings.Count(string(log), "\n"); n != 4 || strings.HasSuffix(string(log), "\n") {
		t.Errorf("final log has %d newlines:\n%q", n, log)
	}
}
