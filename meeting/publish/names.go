package publish

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
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
// it, the first free one with "-2", "-3"... after the meeting name, so
// that two meetings with the same name in the same minute (or names that
// reduce to the same file name) keep apart. (Something else at the path,
// a directory say, is no meeting: writing there fails and is retried.)
// The choice is recorded in the meeting's Paths, so that the URLs the
// engine announces agree, and handed to the session's OnSettle.
//
// Live, a path is another meeting's when another session of this archive
// holds it or a file of it is on disk, a regular file. A path already in
// the meeting's Paths when the session first needs it (the live
// controller puts there what a crashed gavel chose, from the journal) is
// taken again if it is one of the name's candidates and its files are
// this meeting's (its .log.txt starts with this meeting's first line): a
// meeting published again after a crash writes the files it wrote before,
// even where the search would now choose another path (the meeting that
// held the natural one then is gone, or was never written).
//
// In a regeneration (Archive.Regenerate) the path is chosen when the
// first file is written (Save, Finish), once the log so far is on disk,
// and the files on disk are a meeting's own when their .log.txt is its
// Source (the log replayed, regenerating in place) or holds the bytes
// this meeting writes there (see mine): never by its first line alone,
// which two meetings of one name started in the same second share. A
// path whose .log.txt is named like the Source's file is tried first, so
// that "name-2.<stamp>.log.txt" becomes name-2's files again however the
// replays are ordered, and the search skips paths named like another
// input, which the meeting replayed from it will take.
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
	if a.Regenerate {
		// The path the source names, then for a stub (see
		// meeting.Meeting.Stubs) the suffix its meeting has.
		tries := [2]int{s.sourceIndex(name), 0}
		if name != s.m.Name && s.suffix > 1 {
			tries[1] = s.suffix
		}
		for _, i := range tries {
			if i == 0 {
				continue
			}
			if p := s.candidate(name, i); checkRel(p) == nil && s.free(p, name) {
				s.claimAs(p, name, i)
				return p, nil
			}
		}
	} else if preset != "" {
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
		if a.Regenerate && s.reserved(p) || !s.free(p, name) {
			continue
		}
		s.claimAs(p, name, i)
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

// claimAs claims p, the i-th candidate of name, recording i when name is
// the meeting's. Called with s.a.mu held.
func (s *Session) claimAs(p, name string, i int) {
	s.claim(p)
	if name == s.m.Name {
		s.suffix = i
	}
}

// sourceIndex is the index of the candidate of name (see candidate) whose
// .log.txt is named like one of the Source's files, or 0.
func (s *Session) sourceIndex(name string) int {
	if s.src == nil {
		return 0
	}
	natural := s.candidate(name, 1)
	dir, nat := splitRel(natural)
	const stampLen = len(".2006-01-02-15.04")
	if len(nat) < stampLen {
		return 0
	}
	stem, stamp := nat[:len(nat)-stampLen], nat[len(nat)-stampLen:]
	for _, fi := range s.src.files() {
		b, ok := strings.CutSuffix(fi.Name(), ".log.txt")
		if !ok {
			continue
		}
		if b == nat {
			return 1
		}
		rest, ok := strings.CutSuffix(b, stamp)
		if !ok {
			continue
		}
		// A name cut to fit (see NaturalRelBase) is cut further for
		// the suffix: compare the candidate itself.
		at := strings.LastIndexByte(rest, '-')
		k, err := strconv.Atoi(rest[at+1:])
		if at < 0 || err != nil || k < 2 || k > maxSuffix || !strings.HasPrefix(stem, rest[:at]) {
			continue
		}
		if p := s.candidate(name, k); p == dir+"/"+b || dir == "." && p == b {
			return k
		}
	}
	return 0
}

// reserved reports, in a regeneration, whether p's .log.txt is named like
// an input that is not one of the Source's files: the meeting replayed
// from that input takes p (see sourceIndex).
func (s *Session) reserved(p string) bool {
	name := path.Base(p) + ".log.txt"
	if !s.a.mayBeInput(name) {
		return false
	}
	if s.src != nil {
		for _, fi := range s.src.files() {
			if fi.Name() == name {
				return false
			}
		}
	}
	return true
}

// free reports whether no other meeting holds p (see resolve). Called with
// s.a.mu held.
func (s *Session) free(p, name string) bool {
	if !s.unclaimed(p) {
		return false
	}
	if s.a.Regenerate {
		return s.mine(p, name)
	}
	return !s.foreign(p, false)
}

// unclaimed reports whether no other session of this archive holds p.
// Called with s.a.mu held.
func (s *Session) unclaimed(p string) bool {
	holder, ok := s.a.claims[p]
	return !ok || holder == s
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

// foreign reports, live, whether files of another meeting are at p. With
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
		return s.otherFiles(d, name)
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
	return !s.sameChannel(d, name)
}

// otherFiles reports whether a file of a meeting other than its .log.txt
// is at name in d.
func (s *Session) otherFiles(d *dirHandle, name string) bool {
	for _, ext := range extsOf(s.a.Style) {
		if ext == "log.txt" {
			continue
		}
		if d.absent(name + "." + ext) {
			continue
		}
		if st, err := d.root.Lstat(name + "." + ext); err == nil && st.Mode().IsRegular() {
			return true
		}
	}
	return false
}

// sameChannel reports whether the .log.html at name in d, if any, names
// the session's channel (two channels whose directories are one keep
// apart).
func (s *Session) sameChannel(d *dirHandle, name string) bool {
	h, err := d.root.Open(name + ".log.html")
	if err != nil {
		return true
	}
	defer h.Close()
	if s.head == nil {
		s.head = logHead(s.m.Channel, s.a.Style)
	}
	got := make([]byte, len(s.head))
	n, _ := io.ReadFull(h, got)
	return bytes.Equal(got[:n], s.head)
}

// mine reports, in a regeneration, whether p holds no meeting's files or
// this meeting's own under name: its .log.txt is one of the Source's
// files (the log replayed in place, or one of its stubs), or, being no
// input of the regeneration, holds what this meeting writes there (see
// sameLog) beside a .log.html of its channel: what a replay of the same
// log wrote before. Called with s.a.mu held.
func (s *Session) mine(p, name string) bool {
	dir, base := splitRel(p)
	d, err := s.openDir(dir, false)
	if errors.Is(err, fs.ErrNotExist) {
		return true // no directory yet: no files
	}
	if err != nil {
		return false // something else there: writing fails, and says why
	}
	if d.absent(base + ".log.txt") {
		return !s.otherFiles(d, base)
	}
	st, err := d.root.Lstat(base + ".log.txt")
	if err != nil || !st.Mode().IsRegular() {
		return !s.otherFiles(d, base)
	}
	if s.src.has(st) {
		return true
	}
	if s.a.isInput(st) {
		return false
	}
	return s.sameLog(d, base+".log.txt", st.Size(), name) && s.sameChannel(d, base)
}

// sameLog reports whether the file name in d, of size bytes, holds what
// the session writes as the .log.txt of the meeting under name: the log
// (once ended; before, a file starting with the log so far, which a
// #save compares), or for a name the meeting had before a rename, the
// zodbot stub of its first lines (see meeting.Meeting.Stubs).
func (s *Session) sameLog(d *dirHandle, name string, size int64, as string) bool {
	if s.txt == nil {
		return false
	}
	want := s.spools[0].written()
	exact := s.closed
	if as != s.m.Name {
		lines := -1
		for _, st := range s.m.Stubs {
			if st.Name == as {
				lines = st.Lines
			}
		}
		if lines < 0 {
			return false
		}
		n, ok := s.stubLength(lines)
		if !ok {
			return false
		}
		want, exact = n, true
	}
	if size < want || exact && size != want {
		return false
	}
	mine := s.logReader(0)
	theirs, err := d.root.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return false
	}
	defer theirs.Close()
	return samePrefix(mine, theirs, want)
}

// stubLength is the length of the first lines lines of the session's
// .log.txt, without the newline after them (see copyLines).
func (s *Session) stubLength(lines int) (int64, bool) {
	r := bufio.NewReaderSize(s.logReader(0), 4<<10)
	var n int64
	if lines <= 0 {
		return 0, true
	}
	for i := 0; i < lines; i++ {
		line, err := r.ReadSlice('\n')
		for errors.Is(err, bufio.ErrBufferFull) {
			n += int64(len(line))
			line, err = r.ReadSlice('\n')
		}
		n += int64(len(line))
		if err != nil {
			return n, err == io.EOF
		}
	}
	return n - 1, true // the last line's newline
}

// samePrefix reports whether the first n bytes of a and b are the same.
func samePrefix(a, b io.Reader, n int64) bool {
	var ba, bb [16 << 10]byte
	for n > 0 {
		k := int(min(n, int64(len(ba))))
		if _, err := io.ReadFull(a, ba[:k]); err != nil {
			return false
		}
		if _, err := io.ReadFull(b, bb[:k]); err != nil {
			return false
		}
		if !bytes.Equal(ba[:k], bb[:k]) {
			return false
		}
		n -= int64(k)
	}
	return true
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
