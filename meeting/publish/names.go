package publish

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"

	"gavel/meeting"
	"gavel/meeting/minutes"
)

// This file decides where a meeting's files go: their names (the style's
// rules, see meeting.Meeting.NaturalRelBase), a distinct name when another
// meeting already has those files, and every write kept inside the
// archive root.

// ErrOutsideRoot is returned (wrapped) when a path in the archive leads
// outside its root, through a symbolic link: gavel refuses to write there.
var ErrOutsideRoot = errors.New("the path leads outside the archive root")

// maxSuffix bounds the "-N" suffixes tried before giving up on a name.
const maxSuffix = 1000

// openRoot creates the archive root if needed and opens it. Every file of
// the archive is then created, renamed and read through the returned
// *os.Root, which refuses to follow a symbolic link out of the root.
func (a *Archive) openRoot() (*os.Root, error) {
	if err := os.MkdirAll(a.Root, 0o755); err != nil {
		return nil, fmt.Errorf("publish %s: %w", a.Root, err)
	}
	r, err := os.OpenRoot(a.Root)
	if err != nil {
		return nil, fmt.Errorf("publish %s: %w", a.Root, err)
	}
	return r, nil
}

// pathError wraps an error of an operation on rel (relative to root),
// naming the path on disk and saying so plainly when a symbolic link led
// outside the root.
func pathError(root, rel string, err error) error {
	p := filepath.Join(root, filepath.FromSlash(rel))
	if err != nil && strings.Contains(err.Error(), "path escapes from parent") {
		return fmt.Errorf("publish %s: refusing to write: %w %s (a symbolic link in the archive points out of it)", p, ErrOutsideRoot, root)
	}
	return fmt.Errorf("publish %s: %w", p, err)
}

func (a *Archive) pathError(rel string, err error) error { return pathError(a.Root, rel, err) }

// checkRel refuses an archive-relative path that is not local.
func checkRel(rel string) error {
	if !filepath.IsLocal(filepath.FromSlash(rel)) {
		return fmt.Errorf("publish: path %q %w", rel, ErrOutsideRoot)
	}
	return nil
}

// resolve returns the archive-relative path (without extension) of the
// session's meeting under name, choosing it on first use: the natural one
// (see meeting.Meeting.NaturalRelBase), or, when another meeting holds
// it, the first free one with "-2", "-3"... after the meeting name. Live,
// a path is another meeting's when another session of this archive holds
// it or a file of it is on disk, a regular file. In a regeneration
// (Archive.Regenerate) a meeting is known by its channel and its first log
// line: a path is another meeting's when a session with another first
// line or channel holds it, or when its .log.txt does not start with this
// meeting's first line or its .log.html names another channel, so a
// replay writes over its own files. Either way two meetings with the same
// name in the same minute (or names that reduce to the same file name)
// keep apart. (Something else at the path, a directory say, is no meeting:
// writing there fails and is retried.) The choice is recorded in the
// meeting's Paths, so that the URLs the engine announces agree, and handed
// to the session's OnSettle.
//
// A path already in the meeting's Paths when the session first needs it
// (the live controller puts there what a crashed gavel chose, from the
// journal) is taken again if it is one of the name's candidates and free:
// a meeting published again after a crash writes the files it wrote
// before, even where the search would now choose another path (the
// meeting that held the natural one then is gone, or was never written).
func (s *Session) resolve(name string) (string, error) {
	preset, ok := s.paths[name]
	if ok && slices.Contains(s.claimed, preset) {
		return preset, nil
	}
	s.a.mu.Lock()
	p, err := s.choose(name, preset)
	s.a.mu.Unlock()
	if err != nil {
		return "", err
	}
	s.paths[name] = p
	if p != preset && s.onSettle != nil {
		s.onSettle(s.m, name, p)
	}
	return p, nil
}

// choose finds and claims the path of name (see resolve). Called with
// s.a.mu held.
func (s *Session) choose(name, preset string) (string, error) {
	a := s.a
	if preset != "" {
		for i := 1; i <= maxSuffix; i++ {
			if s.candidate(name, i) != preset {
				continue
			}
			// The journal placed this meeting's files there before any
			// was written: what is on disk there is its own, if its log
			// starts as this meeting's does (not another gavel's, say,
			// publishing to the same archive meanwhile).
			if checkRel(preset) == nil && s.unclaimed(preset) && !s.foreign(preset, true) {
				s.claim(preset)
				return preset, nil
			}
			break
		}
	}
	for i := 1; i <= maxSuffix; i++ {
		p := s.candidate(name, i)
		if err := checkRel(p); err != nil {
			return "", err
		}
		if !s.free(p) {
			continue
		}
		s.claim(p)
		return p, nil
	}
	return "", fmt.Errorf("publish %s: %d meetings already have this name", filepath.Join(a.Root, s.m.NaturalRelBase(name, "")), maxSuffix)
}

// candidate is the i-th path tried for name: the natural one, then "-2",
// "-3"...
func (s *Session) candidate(name string, i int) string {
	suffix := ""
	if i > 1 {
		suffix = "-" + strconv.Itoa(i)
	}
	return s.m.NaturalRelBase(name, suffix)
}

// free reports whether no other meeting holds p. Called with s.a.mu held.
func (s *Session) free(p string) bool {
	return s.unclaimed(p) && !s.foreign(p, s.a.Regenerate)
}

// unclaimed reports whether no other session of this archive holds p.
// Called with s.a.mu held.
func (s *Session) unclaimed(p string) bool {
	holder, ok := s.a.claims[p]
	return !ok || holder == s || s.a.Regenerate && bytes.Equal(holder.first, s.first) && holder.m.Channel == s.m.Channel
}

// claim records that the session writes p. Called with s.a.mu held.
func (s *Session) claim(p string) {
	if s.a.claims == nil {
		s.a.claims = map[string]*Session{}
	}
	s.a.claims[p] = s
	if !slices.Contains(s.claimed, p) {
		s.claimed = append(s.claimed, p)
	}
}

// foreign reports whether files of another meeting are at p. With
// byFirstLine, files whose .log.txt starts with this meeting's first line
// (and whose .log.html names its channel) are its own; without, any file
// there is another's.
func (s *Session) foreign(p string, byFirstLine bool) bool {
	dir, name := splitRel(p)
	d, err := s.openDir(dir, false)
	if errors.Is(err, fs.ErrNotExist) {
		return false // no directory yet: no files
	}
	if err != nil {
		return true // something else there: writing fails, and says why
	}
	if st, err := d.root.Lstat(name + ".log.txt"); err != nil || !st.Mode().IsRegular() {
		// No log: any other file of a meeting there is another's.
		for _, ext := range extsOf(s.a.Style) {
			if ext == "log.txt" {
				continue
			}
			if st, err := d.root.Lstat(name + "." + ext); err == nil && st.Mode().IsRegular() {
				return true
			}
		}
		return false
	}
	if !byFirstLine {
		return true
	}
	f, err := d.root.OpenFile(name+".log.txt", os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return true
	}
	defer f.Close()
	if st, err := f.Stat(); err != nil || !st.Mode().IsRegular() {
		return true
	}
	line, err := bufio.NewReaderSize(f, 4096).ReadSlice('\n')
	if err != nil && !errors.Is(err, bufio.ErrBufferFull) && len(line) == 0 {
		return true
	}
	if !bytes.Equal(bytes.TrimSuffix(line, []byte("\n")), s.first) {
		return true
	}
	// The same first line: the same meeting, unless the .log.html names
	// another channel (two channels whose directories are one).
	h, err := d.root.Open(name + ".log.html")
	if err != nil {
		return false
	}
	defer h.Close()
	if s.head == nil {
		s.head = logHead(s.m.Channel, s.a.Style)
	}
	got := make([]byte, len(s.head))
	n, _ := io.ReadFull(h, got)
	return !bytes.Equal(got[:n], s.head)
}

// logHead is the beginning of a meeting's .log.html, up to the end of its
// title, which names the channel.
func logHead(channel string, style meeting.Style) []byte {
	var b bytes.Buffer
	buf := logBuffer(&b)
	defer releaseLogBuffer(buf)
	w := minutes.NewLogHTML(buf, channel, style)
	w.Flush()
	head := b.Bytes()
	if i := bytes.Index(head, []byte("</title>")); i >= 0 {
		head = head[:i+len("</title>")]
	}
	return head
}

func extsOf(style meeting.Style) []string {
	var exts []string
	for _, k := range minutes.Kinds(style) {
		exts = append(exts, k.Ext())
	}
	return exts
}

// release gives up the session's claims on paths.
func (s *Session) release() {
	a := s.a
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, p := range s.claimed {
		if a.claims[p] == s {
			delete(a.claims, p)
		}
	}
	s.claimed = nil
}

// firstLine renders line 1 of the log as the .log.txt has it.
func firstLine(l meeting.Line, style meeting.Style) []byte {
	var b bytes.Buffer
	buf := logBuffer(&b)
	defer releaseLogBuffer(buf)
	w := minutes.NewLogText(buf, style)
	w.WriteLine(l)
	w.Close()
	return b.Bytes()
}
