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
	"time"

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

// Session is one meeting being published: its log streams into a partial
// file next to the final ones.
type Session struct {
	a       *Archive
	dir     string // the meeting's directory on disk
	channel string
	day     time.Time

	partial *os.File
	buf     *bufio.Writer
	log     *minutes.LogText
	lines   int
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
	f, err := os.CreateTemp(dir, "."+m.BaseNameFor("meeting")+".log.txt.partial-*")
	if err != nil {
		return nil, fmt.Errorf("publish %s: %w", dir, err)
	}
	s := &Session{a: a, dir: dir, channel: m.Channel, partial: f, day: m.Start}
	s.buf = bufio.NewWriterSize(f, 256<<10)
	s.log = minutes.NewLogText(s.buf)
	return s, nil
}

// Log appends one line of the meeting log.
func (s *Session) Log(l meeting.Line) error {
	if err := s.log.WriteLine(l); err != nil {
		return fmt.Errorf("publish %s: %w", s.partial.Name(), err)
	}
	s.lines++
	return nil
}

// Lines is the number of log lines streamed so far.
func (s *Session) Lines() int { return s.lines }

// Save writes every file of the meeting as it stands (#save, and the end).
func (s *Session) Save(m *meeting.Meeting) ([]File, error) {
	if err := s.buf.Flush(); err != nil {
		return nil, fmt.Errorf("publish %s: %w", s.partial.Name(), err)
	}
	base := m.BaseName()
	perm := os.FileMode(0o644)
	if m.Restrict {
		perm = 0o600
	}
	var files []File
	var errs []error
	add := func(name string, write func(io.Writer) error) {
		path := filepath.Join(s.dir, name)
		if err := writeAtomic(s.a.create, path, perm, write); err != nil {
			errs = append(errs, err)
			return
		}
		files = append(files, s.a.file(path, m.RelDir()+"/"+name))
	}
	add(base+".log.txt", func(w io.Writer) error { return s.copyLog(w, -1) })
	add(base+".log.html", func(w io.Writer) error {
		lw := minutes.NewLogHTML(w, m.Channel, s.a.Style)
		if err := s.eachLine(func(l meeting.Line) error { return lw.WriteLine(l) }); err != nil {
			return err
		}
		return lw.Close()
	})
	opts := minutes.Options{Style: s.a.Style, URLPrefix: s.a.URLPrefix, RelDir: m.RelDir()}
	for _, kind := range minutes.Kinds(s.a.Style) {
		if kind.IsLog() {
			continue
		}
		add(base+"."+kind.Ext(), func(w io.Writer) error { return minutes.Render(kind, w, m, base, opts) })
	}
	if s.a.Style == meeting.StyleZodbot {
		for _, stub := range m.Stubs {
			add(m.BaseNameFor(stub.Name)+".log.txt", func(w io.Writer) error { return s.copyLog(w, stub.Lines) })
		}
	}
	if err := syncDir(s.dir); err != nil && len(errs) == 0 {
		errs = append(errs, fmt.Errorf("publish %s: %w", s.dir, err))
	}
	return files, errors.Join(errs...)
}

// Finish writes the final files and removes the partial log. On error the
// partial log is kept, so nothing is lost and Finish can be retried.
func (s *Session) Finish(m *meeting.Meeting) ([]File, error) {
	files, err := s.Save(m)
	if err != nil {
		return files, err
	}
	return files, s.Close()
}

// Close drops the partial log without publishing.
func (s *Session) Close() error {
	name := s.partial.Name()
	s.partial.Close()
	if err := os.Remove(name); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("publish %s: %w", name, err)
	}
	return nil
}

func (a *Archive) file(path, rel string) File {
	f := File{Path: path, URL: a.URLPrefix + rel}
	if st, err := os.Stat(path); err == nil {
		f.Bytes = st.Size()
	}
	return f
}

// copyLog copies the first n lines of the streamed log (all when n < 0),
// with lines joined by "\n" and no trailing newline, as .log.txt is.
func (s *Session) copyLog(w io.Writer, n int) error {
	r, err := os.Open(s.partial.Name())
	if err != nil {
		return err
	}
	defer r.Close()
	if n < 0 {
		_, err = io.Copy(w, r)
		return err
	}
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

// eachLine reads the streamed log back as lines.
func (s *Session) eachLine(fn func(meeting.Line) error) error {
	r, err := os.Open(s.partial.Name())
	if err != nil {
		return err
	}
	defer r.Close()
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	n := 0
	for sc.Scan() {
		n++
		l, ok := parseLogLine(sc.Text(), s.day)
		if !ok {
			return fmt.Errorf("line %d of the streamed log is malformed: %q", n, sc.Text())
		}
		l.N = n
		if err := fn(l); err != nil {
			return err
		}
	}
	return sc.Err()
}

// parseLogLine reads back a line gavel wrote: "HH:MM:SS <nick> text" or
// "HH:MM:SS * nick text".
func parseLogLine(s string, day time.Time) (meeting.Line, bool) {
	if len(s) < 10 || s[2] != ':' || s[5] != ':' || s[8] != ' ' {
		return meeting.Line{}, false
	}
	hh, mm, ss := atoi2(s[0:2]), atoi2(s[3:5]), atoi2(s[6:8])
	if hh < 0 || mm < 0 || ss < 0 {
		return meeting.Line{}, false
	}
	t := time.Date(day.Year(), day.Month(), day.Day(), hh, mm, ss, 0, time.UTC)
	rest := s[9:]
	switch {
	case strings.HasPrefix(rest, "* "):
		nick, text, _ := strings.Cut(rest[2:], " ")
		return meeting.Line{Time: t, Nick: nick, Text: text, Action: true}, true
	case strings.HasPrefix(rest, "<"):
		end := strings.Index(rest, "> ")
		if end < 0 {
			if !strings.HasSuffix(rest, ">") {
				return meeting.Line{}, false
			}
			return meeting.Line{Time: t, Nick: rest[1 : len(rest)-1]}, true
		}
		return meeting.Line{Time: t, Nick: rest[1:end], Text: rest[end+2:]}, true
	}
	return meeting.Line{}, false
}

func atoi2(s string) int {
	if s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9' {
		return -1
	}
	return int(s[0]-'0')*10 + int(s[1]-'0')
}
