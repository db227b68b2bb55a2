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
	batch  *Batch // defers the syncs (see Batch); nil syncs at once
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
// files (.log.txt and .log.html) next to the final ones, locked while this
// process writes them (so that a later one can tell a dead process's
// partial files and remove them). A write the disk refuses waits in memory
// (see spool); Save and Finish report it, and can be called again: nothing
// is lost and a failed publish leaves the session usable.
type Session struct {
	a   *Archive
	m   *meeting.Meeting
	dir string // the meeting's directory on disk

	txt, html tempFile // the partial logs
	spools    [2]*spool
	logTxt    *minutes.LogText
	htmlW     *htmlLog
	reported  bool // Log has said the log is behind

	closed    bool    // both logs are ended (their last bytes may still wait in the spools)
	synced    [2]bool // a log is complete on disk, with its final mode
	renamed   [2]bool // a log is at its final name
	finalised bool    // both logs are in place
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
// start time are set). Partial logs left in the meeting's directory by a
// process that died are removed.
func (a *Archive) Open(m *meeting.Meeting) (*Session, error) {
	dir, err := a.dirFor(m)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("publish %s: %w", dir, err)
	}
	s := &Session{a: a, m: m, dir: dir}
	stem := "." + m.BaseNameFor("meeting")
	if s.txt, err = a.createPartial(dir, stem+".log.txt"+partialSuffix); err != nil {
		return nil, fmt.Errorf("publish %s: %w", dir, err)
	}
	if s.html, err = a.createPartial(dir, stem+".log.html"+partialSuffix); err != nil {
		s.Close()
		return nil, fmt.Errorf("publish %s: %w", dir, err)
	}
	removeStalePartials(dir)
	s.spools = [2]*spool{{f: s.txt}, {f: s.html}}
	s.logTxt = minutes.NewLogText(s.spools[0])
	s.htmlW = newHTMLLog(minutes.NewLogHTML(s.spools[1], m.Channel, a.Style))
	return s, nil
}

// partialSuffix marks a streamed log before it is renamed into place.
const partialSuffix = ".partial-"

func (a *Archive) createPartial(dir, pattern string) (tempFile, error) {
	f, err := a.create(dir, pattern+"*")
	if err != nil {
		if f != nil {
			f.Close()
		}
		return nil, err
	}
	if err := lockFile(f); err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, err
	}
	return f, nil
}

// removeStalePartials removes the partial logs in dir that no living
// process holds: those of a gavel that crashed or was killed. (Its
// meeting comes back from the journal, which holds every line.)
func removeStalePartials(dir string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), ".") || !strings.Contains(e.Name(), partialSuffix) {
			continue
		}
		path := filepath.Join(dir, e.Name())
		if f, ok := stale(path); ok {
			os.Remove(path)
			f.Close()
		}
	}
}

// Meeting is the meeting the session publishes.
func (s *Session) Meeting() *meeting.Meeting { return s.m }

// Log appends one line of the meeting log. It fails only after the log was
// ended; when the disk refuses the line it waits in memory, and the first
// such line returns an error saying so.
func (s *Session) Log(l meeting.Line) error {
	if s.closed {
		return fmt.Errorf("publish %s: %w", s.txt.Name(), errLogClosed)
	}
	s.logTxt.WriteLine(l) // writes to a spool: never fails
	if err := s.htmlW.write(l); err != nil {
		return fmt.Errorf("publish %s: %w", s.html.Name(), err)
	}
	if err := s.spools[0].behind(); err != nil && !s.reported {
		s.reported = true
		return err
	} else if err == nil {
		s.reported = false
	}
	return nil
}

func (s *Session) perm(m *meeting.Meeting) os.FileMode {
	if m.Restrict {
		return 0o600
	}
	return 0o644
}

// flushLogs writes every line so far to the partial files.
func (s *Session) flushLogs() error {
	if !s.closed {
		s.logTxt.Flush()
		if err := s.htmlW.flush(); err != nil {
			return fmt.Errorf("publish %s: %w", s.html.Name(), err)
		}
	}
	return errors.Join(s.spools[0].flush(), s.spools[1].flush())
}

// Save writes every file of a running meeting as it stands (#save): copies
// of the logs so far, and the minutes.
func (s *Session) Save(m *meeting.Meeting) ([]File, error) {
	if s.finalised {
		return s.writeMinutes(m, nil, nil)
	}
	if err := s.flushLogs(); err != nil {
		files, merr := s.writeMinutes(m, nil, nil)
		return files, errors.Join(err, merr)
	}
	base := m.BaseName()
	var files []File
	var errs []error
	for _, c := range []struct {
		ext, from, end string
	}{{".log.txt", s.txt.Name(), ""}, {".log.html", s.html.Name(), minutes.LogHTMLEnd}} {
		if s.closed {
			c.end = "" // the page is ended already
		}
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
		if !s.renamed[0] {
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
	if err := s.a.syncDir(s.dir); err != nil && len(errs) == 0 {
		errs = append(errs, fmt.Errorf("publish %s: %w", s.dir, err))
	}
	return files, errors.Join(errs...)
}

// Finish ends the logs, moves them into place, and writes the minutes. On
// error nothing is lost: the logs stay (partial or final) and Finish can be
// called again, as often as needed.
func (s *Session) Finish(m *meeting.Meeting) ([]File, error) {
	if !s.finalised {
		if err := s.finaliseLogs(m); err != nil {
			return nil, err
		}
	}
	base := m.BaseName()
	var files []File
	for _, ext := range []string{".log.txt", ".log.html"} {
		files = append(files, s.a.file(filepath.Join(s.dir, base+ext), m.RelDir()+"/"+base+ext))
	}
	return s.writeMinutes(m, files, nil)
}

// finaliseLogs ends the streamed logs, syncs them and renames them to
// their final names. Each step is done once: a retry goes on from the step
// that failed.
func (s *Session) finaliseLogs(m *meeting.Meeting) error {
	base := m.BaseName()
	if !s.closed {
		s.logTxt.Close()
		if err := s.htmlW.close(); err != nil {
			return fmt.Errorf("publish %s: %w", s.html.Name(), err)
		}
		s.closed = true
	}
	files := [2]tempFile{s.txt, s.html}
	exts := [2]string{".log.txt", ".log.html"}
	for i, f := range files {
		if s.synced[i] {
			continue
		}
		if err := s.spools[i].flush(); err != nil {
			return err
		}
		if err := f.Chmod(s.perm(m)); err != nil {
			return fmt.Errorf("publish %s: %w", f.Name(), err)
		}
		if err := s.a.syncFile(f); err != nil {
			return fmt.Errorf("publish %s: %w", f.Name(), err)
		}
		s.synced[i] = true
	}
	for i, f := range files {
		if s.renamed[i] {
			continue
		}
		path := filepath.Join(s.dir, base+exts[i])
		if err := os.Rename(f.Name(), path); err != nil {
			return fmt.Errorf("publish %s: %w", path, err)
		}
		s.renamed[i] = true
	}
	s.finalised = true
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
	for i, f := range []tempFile{s.txt, s.html} {
		if f == nil {
			continue
		}
		f.Close()
		if s.renamed[i] {
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
