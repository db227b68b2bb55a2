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
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"syscall"

	"gavel/meeting"
	"gavel/meeting/minutes"
)

// Archive is the root of the published minutes.
type Archive struct {
	Root      string
	URLPrefix string
	Style     meeting.Style
	// Regenerate says the archive is being rebuilt from logs (replay):
	// files whose .log.txt is the log replayed, or holds what the replay
	// writes there, are that meeting's own, and a replay writes over
	// them. Off (live), files already published are never another
	// meeting's to take: a meeting resumed after a crash finds its own
	// paths in its journal instead (see Session.resolve).
	Regenerate bool
	// Serial writes a meeting's files one after another on the caller's
	// goroutine instead of in parallel: for callers that keep every core
	// busy already, like a replay of many logs, for which more goroutines
	// only cost.
	Serial bool

	create createTempFunc
	batch  *Batch // defers the syncs (see Batch); nil syncs at once

	mu     sync.Mutex
	claims map[string]*Session // archive-relative base path -> the session writing it

	aux         sync.Mutex      // guards what follows (taken with or without mu, never the other way)
	swept       map[string]bool // directories swept (see Session.dir)
	inputs      []fileKey       // the inputs, sorted unless inputsDirty (see KeepInputs)
	inputNames  []uint64        // their names, without their directories, hashed (see nameHash), sorted likewise
	inputsDirty bool            // inputs were added since the lists were sorted
	otherInputs []os.FileInfo   // inputs without a fileKey (see KeepInputs)
	handles     handles         // what a regenerating archive keeps open (see handles)
}

// New returns an archive rooted at root.
func New(root string, style meeting.Style, urlPrefix string) *Archive {
	return &Archive{Root: root, URLPrefix: urlPrefix, Style: style, create: lockedCreateTemp}
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
	a    *Archive
	root *os.Root // every file is written through it
	m    *meeting.Meeting

	dirs     map[string]*dirHandle // the directories written, by archive-relative path
	paths    map[string]string     // meeting name -> archive-relative base path (the meeting's Paths)
	claimed  []string              // base paths claimed in the archive
	first    []byte                // line 1 of the .log.txt, which tells this meeting's files from others'
	head     []byte                // the beginning of its .log.html (see logHead), once needed
	named    string                // the meeting's name when its paths were last settled
	settled  bool                  // named is set
	onSettle SettleFunc            // told each path resolve chooses; may be nil
	src      *Source               // in a regeneration, the log replayed (see Writer.Source)
	suffix   int                   // in a regeneration, the candidate the meeting's name took (see choose)

	txt, html         tempFile   // the partial logs
	logDir            *dirHandle // their directory
	txtName, htmlName string     // their names in it ("" while unnamed: see Open)
	stem              string     // the start of their names
	spools            [2]*spool
	bufs              [2]*bufio.Writer // the log writers' buffers (see logBuffer)
	logTxt            *minutes.LogText
	htmlW             *htmlLog
	reported          bool // Log has said the log is behind

	closed    bool    // both logs are ended (their last bytes may still wait in the spools)
	synced    [2]bool // a log is complete on disk, with its final mode
	renamed   [2]bool // a log is at its final name
	finalised bool    // both logs are in place
}

// Open starts publishing a meeting that has just started (its channel and
// start time are set). Partial logs left in the meeting's directory by a
// process that died are removed.
func (a *Archive) Open(m *meeting.Meeting) (*Session, error) {
	dir := path.Dir(m.NaturalRelBase(m.Name, ""))
	if err := checkRel(dir); err != nil {
		return nil, err
	}
	var root *os.Root
	var err error
	if a.Regenerate {
		root, err = a.sharedRoot()
	} else {
		root, err = a.openRoot()
	}
	if err != nil {
		return nil, err
	}
	if m.Paths == nil {
		m.Paths = map[string]string{}
	}
	s := &Session{a: a, root: root, m: m, paths: m.Paths}
	d, err := s.dir(dir)
	if err != nil {
		s.Close()
		return nil, err
	}
	s.logDir = d
	s.stem = "." + m.BaseNameFor("meeting")
	if s.txt, s.txtName, err = a.createPartial(d, s.stem+".log.txt", s.perm(m)); err != nil {
		s.Close()
		return nil, a.pathError(dir, err)
	}
	if s.html, s.htmlName, err = a.createPartial(d, s.stem+".log.html", s.perm(m)); err != nil {
		s.Close()
		return nil, a.pathError(dir, err)
	}
	s.spools = [2]*spool{{f: s.txt}, {f: s.html}}
	s.bufs = [2]*bufio.Writer{logBuffer(s.spools[0]), logBuffer(s.spools[1])}
	s.logTxt = minutes.NewLogText(s.bufs[0], a.Style)
	s.htmlW = newHTMLLog(minutes.NewLogHTML(s.bufs[1], m.Channel, a.Style), a.Serial)
	return s, nil
}

// logBufSize is the buffer of the log writers: that of minutes.NewLogText
// and NewLogHTML, which then use the one they are given (bufio.NewWriterSize
// returns a *bufio.Writer it is given when it is large enough).
const logBufSize = 64 << 10

// logBuffers are the buffers of the streamed logs, reused from meeting to
// meeting: a regeneration opens thousands of sessions a second.
var logBuffers = sync.Pool{New: func() any { return bufio.NewWriterSize(nil, logBufSize) }}

// logBuffer is a buffered writer to w, from logBuffers.
func logBuffer(w io.Writer) *bufio.Writer {
	b := logBuffers.Get().(*bufio.Writer)
	b.Reset(w)
	return b
}

// releaseLogBuffer gives b back; nothing may use it after.
func releaseLogBuffer(b *bufio.Writer) {
	b.Reset(nil)
	logBuffers.Put(b)
}

// dir returns the archive-relative directory rel, created if need be and
// opened once per session. The first time an archive meets a directory
// (each time a session opens one, unless the archive regenerates), it
// removes the temporary files a dead process left there (see sweep).
func (s *Session) dir(rel string) (*dirHandle, error) { return s.openDir(rel, true) }

// openDir is dir, or with mkdir unset, the directory if it exists
// (fs.ErrNotExist if not).
func (s *Session) openDir(rel string, mkdir bool) (*dirHandle, error) {
	if d, ok := s.dirs[rel]; ok {
		return d, nil
	}
	if err := checkRel(rel); err != nil {
		return nil, err
	}
	a := s.a
	var d *dirHandle
	var err error
	var names []string
	if a.Regenerate {
		d, names, err = a.acquireDir(s.root, rel, mkdir)
		if err == nil && names == nil {
			if s.dirs == nil {
				s.dirs = map[string]*dirHandle{}
			}
			s.dirs[rel] = d
			return d, nil
		}
	} else {
		d, err = openDirHandle(s.root, a.Root, rel, mkdir)
	}
	if err != nil {
		return nil, a.pathError(rel, err)
	}
	if s.dirs == nil {
		s.dirs = map[string]*dirHandle{}
	}
	s.dirs[rel] = d
	if !a.Regenerate {
		sweep(d)
		return d, nil
	}
	// The temporary files to sweep, the first time, from the listing
	// acquireDir read.
	a.aux.Lock()
	sweepIt := !a.swept[rel]
	if a.swept == nil {
		a.swept = map[string]bool{}
	}
	a.swept[rel] = true
	a.aux.Unlock()
	if sweepIt {
		sweepNames(d, names)
	}
	return d, nil
}

// at is the directory and the name of the archive-relative path rel.
func (s *Session) at(rel string) (*dirHandle, string, error) {
	dir, name := splitRel(rel)
	d, err := s.dir(dir)
	return d, name, err
}

// base returns the archive-relative path, without extension, of the
// meeting's files under its current name, and makes sure its directory
// exists.
func (s *Session) base(m *meeting.Meeting) (string, error) { return s.baseFor(m, m.Name) }

func (s *Session) baseFor(m *meeting.Meeting, name string) (string, error) {
	if m != s.m {
		return "", errors.New("publish: a session publishes the meeting it was opened for")
	}
	if s.first == nil && !s.a.Regenerate {
		// Nothing logged yet: the first line will say whose files these are.
		return m.RelBaseFor(name), nil
	}
	p, err := s.resolve(name)
	if err != nil {
		return "", err
	}
	if _, err := s.dir(path.Dir(p)); err != nil {
		return "", err
	}
	return p, nil
}

// createPartial creates a streamed log in d, locked (see createLocked).
// In a regeneration it stays unnamed (where the system can) until it is
// whole, created with perm: nobody needs to find it before, the log
// replayed holds every line, and a crash leaves nothing behind.
func (a *Archive) createPartial(d *dirHandle, stem string, perm os.FileMode) (tempFile, string, error) {
	return a.create(d, stem+partialSuffix, "", !a.Regenerate, perm)
}

// Meeting is the meeting the session publishes.
func (s *Session) Meeting() *meeting.Meeting { return s.m }

// SettleFunc is told, before any file is written there, each path (the
// archive-relative base, without extension) the archive chooses for a
// meeting under one of its names (see Session.resolve). The live
// controller journals it, so that a meeting published again after a crash
// writes the same files.
type SettleFunc func(m *meeting.Meeting, name, relBase string)

// OnSettle sets the function told of the paths the session chooses from
// now on (nil: none).
func (s *Session) OnSettle(f SettleFunc) { s.onSettle = f }

// Log appends one line of the meeting log. It fails only after the log was
// ended; when the disk refuses the line it waits in memory, and the first
// such line returns an error saying so. The first line, and the first line
// after the meeting's name changed, also settle the file names (see
// resolve), before the engine announces them.
func (s *Session) Log(l meeting.Line) error {
	if s.closed {
		return fmt.Errorf("publish %s: %w", s.txt.Name(), errLogClosed)
	}
	// In a regeneration, the paths are settled when the first file is
	// written (see resolve).
	if s.first == nil && !s.a.Regenerate {
		s.first = firstLine(l, s.a.Style)
	}
	if !s.a.Regenerate && (!s.settled || s.m.Name != s.named) {
		if _, err := s.base(s.m); err != nil {
			return err
		}
		s.named, s.settled = s.m.Name, true
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
	base, err := s.base(m)
	if err != nil {
		return nil, err
	}
	var files []File
	var errs []error
	for i, c := range []struct {
		ext, end string
	}{{".log.txt", ""}, {".log.html", minutes.LogHTMLEnd}} {
		if s.closed {
			c.end = "" // the page is ended already
		}
		n, err := s.writeAtomic(base+c.ext, s.perm(m), func(w io.Writer) error {
			if _, err := io.Copy(w, s.logReader(i)); err != nil {
				return err
			}
			_, err := io.WriteString(w, c.end)
			return err
		})
		if err != nil {
			errs = append(errs, err)
			continue
		}
		files = append(files, s.fileSized(base+c.ext, n))
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
		n     int64
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
		for _, stub := range m.Stubs {
			sb, err := s.baseFor(m, stub.Name)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			if sb == rel {
				continue
			}
			jobs = append(jobs, &job{rel: sb + ".log.txt", write: func(w io.Writer) error { return copyLines(w, s.logReader(0), stub.Lines) }})
			dirs = append(dirs, path.Dir(sb))
		}
	}
	var wg sync.WaitGroup
	for _, j := range jobs {
		if s.a.Serial {
			j.n, j.err = s.writeAtomic(j.rel, s.perm(m), j.write)
			continue
		}
		wg.Go(func() { j.n, j.err = s.writeAtomic(j.rel, s.perm(m), j.write) })
	}
	wg.Wait()
	for _, j := range jobs {
		if j.err != nil {
			errs = append(errs, j.err)
			continue
		}
		files = append(files, s.fileSized(j.rel, j.n))
	}
	for _, d := range dirs {
		if err := s.a.syncDir(filepath.Join(s.a.Root, filepath.FromSlash(path.Clean(d)))); err != nil && len(errs) == 0 {
			errs = append(errs, s.a.pathError(d, err))
		}
	}
	return files, errors.Join(errs...)
}

// errAppeared says a file appeared, written by another process, where a
// regeneration had chosen to write a meeting's files.
var errAppeared = errors.New("written by another process meanwhile, where this meeting's files were to go: replay the log again")

// Finish ends the logs, moves them into place, and writes the minutes. On
// error nothing is lost: the logs stay (partial or final) and Finish can be
// called again, as often as needed.
func (s *Session) Finish(m *meeting.Meeting) ([]File, error) {
	if !s.finalised && s.a.Regenerate {
		// The whole log tells this meeting's files from others' (see
		// resolve).
		if err := s.completeLogs(m); err != nil {
			return nil, err
		}
	}
	base, err := s.base(m)
	if err != nil {
		return nil, err
	}
	if !s.finalised {
		if err := s.finaliseLogs(m, base); err != nil {
			return nil, err
		}
	}
	var files []File
	for i, ext := range []string{".log.txt", ".log.html"} {
		files = append(files, s.fileSized(base+ext, s.spools[i].written()))
	}
	return s.writeMinutes(m, files, nil)
}

// finaliseLogs ends the streamed logs, syncs them and renames them to
// their final names, base plus extension. Each step is done once: a retry
// goes on from the step that failed.
func (s *Session) finaliseLogs(m *meeting.Meeting, base string) error {
	if err := s.completeLogs(m); err != nil {
		return err
	}
	exts := [2]string{".log.txt", ".log.html"}
	files := [2]tempFile{s.txt, s.html}
	names := [2]*string{&s.txtName, &s.htmlName}
	for i, f := range files {
		if s.renamed[i] {
			continue
		}
		d, name, err := s.at(base + exts[i])
		if err != nil {
			return err
		}
		if s.a.Regenerate && s.onDisk(d, name, i, s.perm(m)) {
			// The file there holds these bytes already (a regeneration
			// run again, or in place): left as it is, nothing written.
			s.renamed[i] = true
			continue
		}
		if *names[i] == "" {
			// Unnamed: it appears whole at its name, if that is free;
			// else it takes a partial's name, locked, to be renamed
			// over it.
			absent := d.absent(name)
			err := linkUnnamed(d, f, name)
			if err == nil {
				d.placed(name)
				s.renamed[i] = true
				continue
			}
			if !errors.Is(err, os.ErrExist) {
				return pathError(d.path, name, err)
			}
			if absent {
				// The meeting's paths were chosen without this file,
				// which another process wrote since the directory was
				// listed: it may be another meeting's. Tried again, the
				// choice sees it.
				d.placed(name)
				return pathError(d.path, name, errAppeared)
			}
			if *names[i], err = linkTemp(s.logDir, f, s.stem+exts[i]+partialSuffix, ""); err != nil {
				return pathError(s.logDir.path, s.stem+exts[i], err)
			}
		}
		if err := s.a.replace(s.root, s.logDir, *names[i], d, name); err != nil {
			return err
		}
		s.renamed[i] = true
	}
	// The files stay open, for the stubs' copies (see writeMinutes),
	// until Close.
	s.finalised = true
	return nil
}

// onDisk reports whether the file name in d is a regular file with the
// mode perm and the bytes of the session's log i (0 .log.txt, 1
// .log.html), ended.
func (s *Session) onDisk(d *dirHandle, name string, i int, perm os.FileMode) bool {
	if d.absent(name) {
		return false
	}
	st, err := d.root.Lstat(name)
	n := s.spools[i].written()
	if err != nil || !st.Mode().IsRegular() || st.Mode().Perm() != perm || st.Size() != n {
		return false
	}
	f, err := d.root.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return false
	}
	defer f.Close()
	return samePrefix(s.logReader(i), f, n)
}

// completeLogs ends the streamed logs and syncs them, with their final
// mode, under their partial names.
func (s *Session) completeLogs(m *meeting.Meeting) error {
	if !s.closed {
		s.logTxt.Close()
		if err := s.htmlW.close(); err != nil {
			return fmt.Errorf("publish %s: %w", s.html.Name(), err)
		}
		s.closed = true
	}
	for i, f := range [2]tempFile{s.txt, s.html} {
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
	return nil
}

// Close drops the partial logs without publishing (after Finish, it only
// releases the files).
func (s *Session) Close() error {
	if s.htmlW != nil {
		s.htmlW.stop()
	}
	var errs []error
	names := []string{s.txtName, s.htmlName}
	for i, f := range []tempFile{s.txt, s.html} {
		if f == nil {
			continue
		}
		if !s.renamed[i] && names[i] != "" {
			// Removed while still locked: no sweep takes it meanwhile.
			if err := s.logDir.root.Remove(names[i]); err != nil && !errors.Is(err, os.ErrNotExist) {
				errs = append(errs, pathError(s.logDir.path, names[i], err))
			}
		}
		f.Close()
	}
	for _, d := range s.dirs {
		if s.a.Regenerate {
			s.a.releaseDir(d)
		} else {
			d.close()
		}
	}
	s.dirs = nil
	for i, b := range s.bufs {
		if b != nil {
			releaseLogBuffer(b)
			s.bufs[i] = nil
		}
	}
	s.release()
	if s.root != nil && !s.a.Regenerate {
		s.root.Close()
	}
	return errors.Join(errs...)
}

// fileSized describes the archive-relative file rel, written with n
// bytes.
func (s *Session) fileSized(rel string, n int64) File {
	return File{Path: filepath.Join(s.a.Root, filepath.FromSlash(rel)), URL: urlJoin(s.a.URLPrefix, rel), Bytes: n}
}

// urlJoin is the URL prefix and an archive-relative path, with a '/' between
// them unless the prefix ends in one (as MeetBot's os.path.join did).
func urlJoin(prefix, rel string) string {
	if prefix == "" || strings.HasSuffix(prefix, "/") {
		return prefix + rel
	}
	return prefix + "/" + rel
}

// logReader reads the session's .log.txt (i 0) or .log.html (i 1) from
// its descriptor, as written so far.
func (s *Session) logReader(i int) io.Reader {
	f := [2]tempFile{s.txt, s.html}[i]
	return io.NewSectionReader(f, 0, s.spools[i].written())
}

// copyLines copies the first n lines of a .log.txt (joined by "\n", no
// trailing newline) into w.
func copyLines(w io.Writer, r io.Reader, n int) error {
	br := bufio.NewReaderSize(r, 4<<10) // a stub is a few lines
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

// writeAtomic writes the archive-relative file rel atomically (see
// writeAtomic).
func (s *Session) writeAtomic(rel string, perm os.FileMode, write func(io.Writer) error) (int64, error) {
	d, name, err := s.at(rel)
	if err != nil {
		return 0, err
	}
	return writeAtomic(s.a, s.a.create, d, name, perm, write)
}
