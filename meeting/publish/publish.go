// Package publish writes a meeting's files into the archive in the layout
// zodbot used:
//
//	<root>/<channel without #>/<YYYY-MM-DD>/<meetingname>.<YYYY-MM-DD-HH.MM>.<ext>
//
// The log is streamed to disk while the meeting runs (so memory does not
// grow with its length); #save and #endmeeting write every file atomically
// (temporary file, sync, rename). No path leaves the root, whatever the
// channel or meeting name, and every write error is returned.
package publish

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"gavel/meeting"
	"gavel/meeting/minutes"
)

// Archive is the root of the published minutes.
type Archive struct {
	Root      string
	URLPrefix string
	Style     meeting.Style

	create createTempFunc
}

// New returns an archive rooted at root.
func New(root string, style meeting.Style, urlPrefix string) *Archive {
	return &Archive{Root: root, URLPrefix: urlPrefix, Style: style, create: osCreateTemp}
}

// File is one file written.
type File struct {
	Path  string // absolute or root-relative path on disk
	URL   string // URLPrefix + archive-relative path
	Bytes int64
}

// Session is one meeting being published: its log streams into two partial
// files (.log.txt and .log.html) next to the final ones.
type Session struct {
	a   *Archive
	dir string // the meeting's directory on disk

	txt, html     *os.File // the partial logs
	logTxt        *minutes.LogText
	htmlW         *htmlLog
	logsFinalised bool // the partial logs were renamed into place
}

// dirFor resolves the meeting's directory and checks it stays in the root.
func (a *Archive) dirFor(m *meeting.Meeting) (string, error) {
	rel := filepath.FromSlash(m.RelDir())
	if !filepath.IsLocal(rel) {
		return "", fmt.Errorf("publish: meeting directory %q leaves the archive root", rel)
	}
	return filepath.Join(a.Root, rel), nil
}

// Open starts publishing a meeting that has just started (its channel and
// start time are set).
func (a *Archive) Open(m *meeting.Meeting) (*Session, error) {
	dir, err := a.dirFor(m)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("publish %s: %w", dir, err)
	}
	s := &Session{a: a, dir: dir}
	stem := "." + m.BaseNameFor("meeting")
	if s.txt, err = os.CreateTemp(dir, stem+".log.txt.partial-*"); err != nil {
		return nil, fmt.Errorf("publish %s: %w", dir, err)
	}
	if s.html, err = os.CreateTemp(dir, stem+".log.html.partial-*"); err != nil {
		s.Close()
		return nil, fmt.Errorf("publish %s: %w", dir, err)
	}
	s.logTxt = minutes.NewLogText(s.txt, a.Style)
	s.htmlW = newHTMLLog(minutes.NewLogHTML(s.html, m.Channel, a.Style))
	return s, nil
}

// Log appends one line of the meeting log.
func (s *Session) Log(l meeting.Line) error {
	if err := s.logTxt.WriteLine(l); err != nil {
		return fmt.Errorf("publish %s: %w", s.txt.Name(), err)
	}
	if err := s.htmlW.write(l); err != nil {
		return fmt.Errorf("publish %s: %w", s.html.Name(), err)
	}
	return nil
}

func (s *Session) perm(m *meeting.Meeting) os.FileMode {
	if m.Restrict {
		return 0o600
	}
	return 0o644
}

// Save writes every file of a running meeting as it stands (#save): copies
// of the logs so far, and the minutes.
func (s *Session) Save(m *meeting.Meeting) ([]File, error) {
	if s.logsFinalised {
		return s.writeMinutes(m, nil, nil)
	}
	if err := errors.Join(s.logTxt.Flush(), s.htmlW.flush()); err != nil {
		return nil, fmt.Errorf("publish %s: %w", s.dir, err)
	}
	base := m.BaseName()
	var files []File
	var errs []error
	for _, c := range []struct {
		ext, from, end string
	}{{".log.txt", s.txt.Name(), ""}, {".log.html", s.html.Name(), minutes.LogHTMLEnd}} {
		path := filepath.Join(s.dir, base+c.ext)
		err := writeAtomic(s.a.create, path, s.perm(m), func(w io.Writer) error {
			if err := copyFile(w, c.from); err != nil {
				return err
			}
			_, err := io.WriteString(w, c.end)
			return err
		})
		if err != nil {
			errs = append(errs, err)
			continue
		}
		files = append(files, s.a.file(path, m.RelDir()+"/"+base+c.ext))
	}
	return s.writeMinutes(m, files, errs)
}

// writeMinutes writes the minutes files (and zodbot's stubs), adding to the
// files and errors of the logs.
func (s *Session) writeMinutes(m *meeting.Meeting, files []File, errs []error) ([]File, error) {
	base := m.BaseName()
	// The files are independent views of m: render them in parallel.
	type job struct {
		name  string
		write func(io.Writer) error
		err   error
	}
	var jobs []*job
	r, err := minutes.NewRenderer(m, base, minutes.Options{Style: s.a.Style, URLPrefix: s.a.URLPrefix, RelDir: m.RelDir()})
	if err != nil {
		return files, errors.Join(append(errs, err)...)
	}
	for _, kind := range minutes.Kinds(s.a.Style) {
		if kind.IsLog() {
			continue
		}
		jobs = append(jobs, &job{name: base + "." + kind.Ext(), write: func(w io.Writer) error { return r.Render(kind, w) }})
	}
	if s.a.Style == meeting.StyleZodbot {
		logTxt := filepath.Join(s.dir, base+".log.txt")
		if !s.logsFinalised {
			logTxt = s.txt.Name()
		}
		for _, stub := range m.Stubs {
			jobs = append(jobs, &job{name: m.BaseNameFor(stub.Name) + ".log.txt", write: func(w io.Writer) error { return copyLines(w, logTxt, stub.Lines) }})
		}
	}
	var wg sync.WaitGroup
	for _, j := range jobs {
		wg.Go(func() { j.err = writeAtomic(s.a.create, filepath.Join(s.dir, j.name), s.perm(m), j.write) })
	}
	wg.Wait()
	for _, j := range jobs {
		if j.err != nil {
			errs = append(errs, j.err)
			continue
		}
		files = append(files, s.a.file(filepath.Join(s.dir, j.name), m.RelDir()+"/"+j.name))
	}
	if err := syncDir(s.dir); err != nil && len(errs) == 0 {
		errs = append(errs, fmt.Errorf("publish %s: %w", s.dir, err))
	}
	return files, errors.Join(errs...)
}

// Finish ends the logs, moves them into place, and writes the minutes. On
// error nothing is lost: the logs stay (partial or final) and Finish can be
// called again.
func (s *Session) Finish(m *meeting.Meeting) ([]File, error) {
	var files []File
	if !s.logsFinalised {
		if err := s.finaliseLogs(m); err != nil {
			return nil, err
		}
		base := m.BaseName()
		for _, ext := range []string{".log.txt", ".log.html"} {
			files = append(files, s.a.file(filepath.Join(s.dir, base+ext), m.RelDir()+"/"+base+ext))
		}
	}
	return s.writeMinutes(m, files, nil)
}

// finaliseLogs closes the streamed logs and renames them to their final
// names.
func (s *Session) finaliseLogs(m *meeting.Meeting) error {
	base := m.BaseName()
	for _, c := range []struct {
		f     *os.File
		close func() error
		ext   string
	}{{s.txt, s.logTxt.Close, ".log.txt"}, {s.html, s.htmlW.close, ".log.html"}} {
		path := filepath.Join(s.dir, base+c.ext)
		if err := c.close(); err != nil {
			return fmt.Errorf("publish %s: %w", path, err)
		}
		if err := c.f.Chmod(s.perm(m)); err != nil {
			return fmt.Errorf("publish %s: %w", path, err)
		}
		if err := c.f.Sync(); err != nil {
			return fmt.Errorf("publish %s: %w", path, err)
		}
	}
	for _, c := range []struct {
		f   *os.File
		ext string
	}{{s.txt, ".log.txt"}, {s.html, ".log.html"}} {
		path := filepath.Join(s.dir, base+c.ext)
		if err := os.Rename(c.f.Name(), path); err != nil {
			return fmt.Errorf("publish %s: %w", path, err)
		}
	}
	s.logsFinalised = true
	s.txt.Close()
	s.html.Close()
	return nil
}

// Close drops the partial logs without publishing (after Finish, it only
// releases the files).
func (s *Session) Close() error {
	if s.htmlW != nil {
		s.htmlW.stop()
	}
	var errs []error
	for _, f := range []*os.File{s.txt, s.html} {
		if f == nil {
			continue
		}
		f.Close()
		if s.logsFinalised {
			continue
		}
		if err := os.Remove(f.Name()); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, fmt.Errorf("publish %s: %w", f.Name(), err))
		}
	}
	return errors.Join(errs...)
}

func (a *Archive) file(path, rel string) File {
	f := File{Path: path, URL: a.URLPrefix + rel}
	if st, err := os.Stat(path); err == nil {
		f.Bytes = st.Size()
	}
	return f
}

// copyFile copies the file at path into w.
func copyFile(w io.Writer, path string) error {
	r, err := os.Open(path)
	if err != nil {
		return err
	}
	defer r.Close()
	_, err = io.Copy(w, r)
	return err
}

// copyLines copies the first n lines of a .log.txt (joined by "\n", no
// trailing newline) into w.
func copyLines(w io.Writer, path string, n int) error {
	r, err := os.Open(path)
	if err != nil {
		return err
	}
	defer r.Close()
	br := bufio.NewReaderSize(r, 64<<10)
	for i := 0; i < n; i++ {
		line, err := br.ReadString('\n')
		if i == n-1 || err != nil {
			line = strings.TrimSuffix(line, "\n")
		}
		if _, werr := io.WriteString(w, line); werr != nil {
			return werr
		}
		if err != nil {
			break
		}
	}
	return nil
}
