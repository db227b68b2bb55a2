// Package publish writes a meeting's files into the archive in the layout
// zodbot used:
//
//	<root>/<channel without #>/<YYYY-MM-DD>/<meetingname>.<YYYY-MM-DD-HH.MM>.<ext>
//
// The log is streamed to disk while the meeting runs (so memory does not
// grow with its length); #save and #endmeeting write every file atomically
// (temporary file, sync, rename). No write leaves the root, whatever the
// channel or meeting name, and not through a symbolic link either (every
// file is written through an os.Root); every file name fits in 255 bytes;
// a meeting never overwrites another's files (see resolve); every write
// error is returned.
package publish

import (
	"bufio"
	"errors"
	"io"
	"os"
	"path"
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

	mu     sync.Mutex
	claims map[string]*Session // archive-relative base path -> the session writing it
}

// New returns an archive rooted at root.
func New(root string, style meeting.Style, urlPrefix string) *Archive {
	return &Archive{Root: root, URLPrefix: urlPrefix, Style: style, create: rootCreateTemp}
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
	a    *Archive
	root *os.Root
	m    *meeting.Meeting
	dir  string // archive-relative directory of the partial logs

	paths   map[string]string // meeting name -> archive-relative base path (the meeting's Paths)
	claimed []string          // base paths claimed in the archive
	first   []byte            // line 1 of the .log.txt, which tells this meeting's files from others'

	txt, html     *os.File // the partial logs
	txtName       string   // their archive-relative names
	htmlName      string
	logTxt        *minutes.LogText
	htmlW         *htmlLog
	logsFinalised bool // the partial logs were renamed into place
}

// Open starts publishing a meeting that has just started (its channel and
// start time are set).
func (a *Archive) Open(m *meeting.Meeting) (*Session, error) {
	dir := path.Dir(m.NaturalRelBase(m.Name, ""))
	if err := checkRel(dir); err != nil {
		return nil, err
	}
	root, err := a.openRoot()
	if err != nil {
		return nil, err
	}
	if err := root.MkdirAll(dir, 0o755); err != nil {
		root.Close()
		return nil, a.pathError(dir, err)
	}
	if m.Paths == nil {
		m.Paths = map[string]string{}
	}
	s := &Session{a: a, root: root, m: m, dir: dir, paths: m.Paths}
	stem := "." + m.BaseNameFor("meeting")
	if s.txt, s.txtName, err = createTemp(root, dir, stem+".log.txt.partial-*"); err != nil {
		s.Close()
		return nil, a.pathError(dir, err)
	}
	if s.html, s.htmlName, err = createTemp(root, dir, stem+".log.html.partial-*"); err != nil {
		s.Close()
		return nil, a.pathError(dir, err)
	}
	s.logTxt = minutes.NewLogText(s.txt, a.Style)
	s.htmlW = newHTMLLog(minutes.NewLogHTML(s.html, m.Channel, a.Style))
	return s, nil
}

// base returns the archive-relative path, without extension, of the
// meeting's files under its current name, and makes sure its directory
// exists.
func (s *Session) base(m *meeting.Meeting) (string, error) {
	return s.baseFor(m, m.Name)
}

func (s *Session) baseFor(m *meeting.Meeting, name string) (string, error) {
	if m != s.m {
		return "", errors.New("publish: a session publishes the meeting it was opened for")
	}
	if s.first == nil {
		// Nothing logged yet: the first line will say whose files these are.
		return m.RelBaseFor(name), nil
	}
	p, err := s.resolve(name)
	if err != nil {
		return "", err
	}
	if err := s.root.MkdirAll(path.Dir(p), 0o755); err != nil {
		return "", s.a.pathError(path.Dir(p), err)
	}
	return p, nil
}

// Log appends one line of the meeting log. The first line, and the first
// line after the meeting's name changed, also settle the file names (see
// resolve), before the engine announces them.
func (s *Session) Log(l meeting.Line) error {
	if s.first == nil {
		s.first = firstLine(l, s.a.Style)
	}
	if _, ok := s.paths[s.m.Name]; !ok {
		if _, err := s.base(s.m); err != nil {
			return err
		}
	}
	if err := s.logTxt.WriteLine(l); err != nil {
		return s.a.pathError(s.txtName, err)
	}
	if err := s.htmlW.write(l); err != nil {
		return s.a.pathError(s.htmlName, err)
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
		return nil, s.a.pathError(s.dir, err)
	}
	base, err := s.base(m)
	if err != nil {
		return nil, err
	}
	var files []File
	var errs []error
	for _, c := range []struct {
		ext, from, end string
	}{{".log.txt", s.txtName, ""}, {".log.html", s.htmlName, minutes.LogHTMLEnd}} {
		err := s.a.writeAtomic(s.root, base+c.ext, s.perm(m), func(w io.Writer) error {
			if err := s.copyFile(w, c.from); err != nil {
				return err
			}
			_, err := io.WriteString(w, c.end)
			return err
		})
		if err != nil {
			errs = append(errs, err)
			continue
		}
		files = append(files, s.file(base+c.ext))
	}
	return s.writeMinutes(m, files, errs)
}

// writeMinutes writes the minutes files (and zodbot's stubs), adding to the
// files and errors of the logs.
func (s *Session) writeMinutes(m *meeting.Meeting, files []File, errs []error) ([]File, error) {
	rel, err := s.base(m)
	if err != nil {
		return files, errors.Join(append(errs, err)...)
	}
	dir, base := path.Split(rel)
	// The files are independent views of m: render them in parallel.
	type job struct {
		rel   string
		write func(io.Writer) error
		err   error
	}
	var jobs []*job
	r, err := minutes.NewRenderer(m, base, minutes.Options{Style: s.a.Style, URLPrefix: s.a.URLPrefix, RelDir: path.Dir(rel)})
	if err != nil {
		return files, errors.Join(append(errs, err)...)
	}
	for _, kind := range minutes.Kinds(s.a.Style) {
		if kind.IsLog() {
			continue
		}
		jobs = append(jobs, &job{rel: rel + "." + kind.Ext(), write: func(w io.Writer) error { return r.Render(kind, w) }})
	}
	dirs := []string{dir}
	if s.a.Style == meeting.StyleZodbot {
		logTxt := rel + ".log.txt"
		if !s.logsFinalised {
			logTxt = s.txtName
		}
		for _, stub := range m.Stubs {
			sb, err := s.baseFor(m, stub.Name)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			if sb == rel {
				continue
			}
			jobs = append(jobs, &job{rel: sb + ".log.txt", write: func(w io.Writer) error { return s.copyLines(w, logTxt, stub.Lines) }})
			dirs = append(dirs, path.Dir(sb))
		}
	}
	var wg sync.WaitGroup
	for _, j := range jobs {
		wg.Go(func() { j.err = s.a.writeAtomic(s.root, j.rel, s.perm(m), j.write) })
	}
	wg.Wait()
	for _, j := range jobs {
		if j.err != nil {
			errs = append(errs, j.err)
			continue
		}
		files = append(files, s.file(j.rel))
	}
	for _, d := range dirs {
		if err := syncDir(s.root, d); err != nil && len(errs) == 0 {
			errs = append(errs, s.a.pathError(d, err))
		}
	}
	return files, errors.Join(errs...)
}

// Finish ends the logs, moves them into place, and writes the minutes. On
// error nothing is lost: the logs stay (partial or final) and Finish can be
// called again.
func (s *Session) Finish(m *meeting.Meeting) ([]File, error) {
	var files []File
	if !s.logsFinalised {
		base, err := s.base(m)
		if err != nil {
			return nil, err
		}
		if err := s.finaliseLogs(m, base); err != nil {
			return nil, err
		}
		for _, ext := range []string{".log.txt", ".log.html"} {
			files = append(files, s.file(base+ext))
		}
	}
	return s.writeMinutes(m, files, nil)
}

// finaliseLogs closes the streamed logs and renames them to their final
// names, base plus extension.
func (s *Session) finaliseLogs(m *meeting.Meeting, base string) error {
	for _, c := range []struct {
		f     *os.File
		close func() error
		ext   string
	}{{s.txt, s.logTxt.Close, ".log.txt"}, {s.html, s.htmlW.close, ".log.html"}} {
		rel := base + c.ext
		if err := c.close(); err != nil {
			return s.a.pathError(rel, err)
		}
		if err := c.f.Chmod(s.perm(m)); err != nil {
			return s.a.pathError(rel, err)
		}
		if err := c.f.Sync(); err != nil {
			return s.a.pathError(rel, err)
		}
	}
	for _, c := range []struct {
		from, ext string
	}{{s.txtName, ".log.txt"}, {s.htmlName, ".log.html"}} {
		if err := s.root.Rename(c.from, base+c.ext); err != nil {
			return s.a.pathError(base+c.ext, err)
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
	for _, c := range []struct {
		f    *os.File
		name string
	}{{s.txt, s.txtName}, {s.html, s.htmlName}} {
		if c.f == nil {
			continue
		}
		c.f.Close()
		if s.logsFinalised {
			continue
		}
		if err := s.root.Remove(c.name); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, s.a.pathError(c.name, err))
		}
	}
	s.release()
	if s.root != nil {
		s.root.Close()
	}
	return errors.Join(errs...)
}

// file describes the archive-relative file rel, written.
func (s *Session) file(rel string) File {
	f := File{Path: filepath.Join(s.a.Root, filepath.FromSlash(rel)), URL: urlJoin(s.a.URLPrefix, rel)}
	if st, err := s.root.Stat(rel); err == nil {
		f.Bytes = st.Size()
	}
	return f
}

// urlJoin is the URL prefix and an archive-relative path, with a '/' between
// them unless the prefix ends in one (as MeetBot's os.path.join did).
func urlJoin(prefix, rel string) string {
	if prefix == "" || strings.HasSuffix(prefix, "/") {
		return prefix + rel
	}
	return prefix + "/" + rel
}

// copyFile copies the archive-relative file rel into w.
func (s *Session) copyFile(w io.Writer, rel string) error {
	r, err := s.root.Open(rel)
	if err != nil {
		return err
	}
	defer r.Close()
	_, err = io.Copy(w, r)
	return err
}

// copyLines copies the first n lines of a .log.txt (joined by "\n", no
// trailing newline) into w.
func (s *Session) copyLines(w io.Writer, rel string, n int) error {
	r, err := s.root.Open(rel)
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
