package publish

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"sync"
)

// createTempFunc creates a new temporary file prefix<n>suffix in d, locked
// (see createLocked), and returns it with its name; unless named is
// false, where the system can: then the file has no name ("") until it is
// linked (see writeAtomic), and has the mode perm from the start. It is a
// variable of the Archive so that tests can make writes fail as a full
// disk does.
type createTempFunc func(d *dirHandle, prefix, suffix string, named bool, perm os.FileMode) (tempFile, string, error)

// tempFile is what atomic writes and partial logs need of an *os.File.
type tempFile interface {
	io.Writer
	io.ReaderAt
	Name() string
	Sync() error
	Close() error
	Chmod(os.FileMode) error
	Fd() uintptr
}

func lockedCreateTemp(d *dirHandle, prefix, suffix string, named bool, perm os.FileMode) (tempFile, string, error) {
	return createLocked(d, prefix, suffix, named, perm)
}

// randomDigits is a random number of up to ten digits, as os.CreateTemp
// puts in its names.
func randomDigits() string {
	var b [4]byte
	rand.Read(b[:])
	return strconv.FormatUint(uint64(binary.LittleEndian.Uint32(b[:])), 10)
}

// keepLimit is the largest file writeAtomic first renders in memory, to
// leave the file on disk as it is when it already holds those bytes (a
// regeneration writing over its own files mostly writes what is there):
// no new file, no write. Larger files are streamed to disk as they come.
const keepLimit = 1 << 20

// renders are the memory buffers of atomic writes, and writers the
// buffers of those larger than keepLimit, reused: a regeneration writes
// thousands of files a second.
var (
	renders = sync.Pool{New: func() any { return bytes.NewBuffer(make([]byte, 0, 64<<10)) }}
	writers = sync.Pool{New: func() any { return bufio.NewWriterSize(nil, 32<<10) }}
)

// spill holds what is written in memory up to keepLimit, then goes on
// to the file open gives it.
type spill struct {
	buf  *bytes.Buffer
	open func() (io.Writer, error)
	w    *bufio.Writer // to the file, once spilled
	n    int64
}

func (s *spill) Write(p []byte) (int, error) {
	if s.w == nil && s.buf.Len()+len(p) > keepLimit {
		if err := s.toFile(); err != nil {
			return 0, err
		}
	}
	s.n += int64(len(p))
	if s.w != nil {
		return s.w.Write(p)
	}
	return s.buf.Write(p)
}

// WriteString is Write without copying p to a byte slice first (the
// minutes are rendered as strings).
func (s *spill) WriteString(p string) (int, error) {
	if s.w == nil && s.buf.Len()+len(p) > keepLimit {
		if err := s.toFile(); err != nil {
			return 0, err
		}
	}
	s.n += int64(len(p))
	if s.w != nil {
		return s.w.WriteString(p)
	}
	return s.buf.WriteString(p)
}

// toFile opens the file and writes what is held to it; what comes after
// goes through a buffer (from writers), given back by flush.
func (s *spill) toFile() error {
	f, err := s.open()
	if err != nil {
		return err
	}
	if _, err := f.Write(s.buf.Bytes()); err != nil {
		return err
	}
	s.buf.Reset()
	s.w = writers.Get().(*bufio.Writer)
	s.w.Reset(f)
	return nil
}

// flush writes what the buffer holds and gives it back.
func (s *spill) flush() error {
	if s.w == nil {
		return nil
	}
	err := s.w.Flush()
	s.w.Reset(nil)
	writers.Put(s.w)
	s.w = nil
	return err
}

// sameBytes reports whether the file name in d is a regular file with the
// mode perm and the bytes b.
func sameBytes(d *dirHandle, name string, perm os.FileMode, b []byte) bool {
	if d.absent(name) {
		return false
	}
	st, err := d.root.Lstat(name)
	if err != nil || !st.Mode().IsRegular() || st.Mode().Perm() != perm || st.Size() != int64(len(b)) {
		return false
	}
	f, err := d.root.Open(name)
	if err != nil {
		return false
	}
	defer f.Close()
	var chunk [16 << 10]byte
	for off := 0; off < len(b); {
		k, err := io.ReadFull(f, chunk[:min(len(chunk), len(b)-off)])
		if err != nil || !bytes.Equal(chunk[:k], b[off:off+k]) {
			return false
		}
		off += k
	}
	k, _ := f.Read(chunk[:1])
	return k == 0
}

// writeAtomic writes the file name of d by writing a temporary file in the
// same directory, syncing it and renaming it over name, so that readers
// see the old file or the new one, never half of one (a, when not nil,
// says whether it may be written over: see Archive.replace). Where the
// system can, the temporary file has no name until it is whole (see
// createLocked). A file that already holds the bytes (and mode) to write
// is left as it is. Errors are returned with the path; the temporary
// file is removed on failure. A named temporary file is ".<name>.tmp-<up
// to ten digits>": with base names of at most meeting.MaxBaseName bytes,
// every name fits in 255.
func writeAtomic(a *Archive, create createTempFunc, d *dirHandle, name string, perm os.FileMode, write func(io.Writer) error) (n int64, err error) {
	if err := checkName(name); err != nil {
		return 0, err
	}
	prefix := "." + name + tmpSuffix
	var f tempFile
	var tmp string
	closed := false
	defer func() {
		if err != nil && f != nil {
			if tmp != "" {
				d.root.Remove(tmp)
			}
			if !closed {
				f.Close()
			}
		}
	}()
	buf := renders.Get().(*bytes.Buffer)
	buf.Reset()
	defer func() {
		if buf.Cap() <= keepLimit {
			renders.Put(buf)
		}
	}()
	sp := &spill{buf: buf, open: func() (io.Writer, error) {
		var err error
		if f, tmp, err = create(d, prefix, "", false, perm); err != nil {
			f = nil
			return nil, err
		}
		return f, nil
	}}
	if err := write(sp); err != nil {
		return 0, pathError(d.path, name, err)
	}
	if sp.w == nil {
		if sameBytes(d, name, perm, buf.Bytes()) {
			return sp.n, nil
		}
		if err := sp.toFile(); err != nil {
			return 0, pathError(d.path, name, err)
		}
	}
	if err := sp.flush(); err != nil {
		return 0, pathError(d.path, name, err)
	}
	if err := f.Chmod(perm); err != nil {
		return 0, pathError(d.path, name, err)
	}
	if err := f.Sync(); err != nil {
		return 0, pathError(d.path, name, err)
	}
	if tmp == "" {
		// Unnamed: it appears whole at its name, if that is free; else
		// it takes a temporary name, locked, to be renamed over it.
		err := linkUnnamed(d, f, name)
		if err == nil {
			d.placed(name)
			closed = true
			return sp.n, f.Close()
		}
		if !errors.Is(err, os.ErrExist) {
			return 0, pathError(d.path, name, err)
		}
		if tmp, err = linkTemp(d, f, prefix, ""); err != nil {
			return 0, pathError(d.path, name, err)
		}
	}
	// The lock goes with the close: the file is renamed first, so that
	// no sweep finds it unlocked under its temporary name.
	if err := a.replace(d.root, d, tmp, d, name); err != nil {
		return 0, err
	}
	closed = true
	if err := f.Close(); err != nil {
		return 0, pathError(d.path, name, err)
	}
	return sp.n, nil
}

// ErrInputChanged is returned (wrapped) when a regeneration would write a
// log that is one of its own inputs (see Archive.KeepInputs) with other
// bytes: the log is left as it is.
var ErrInputChanged = errors.New("it is a log being replayed, and the new one differs: left as it is (replay into another --out, or in the style it was written in)")

// replace renames tmp in from over name in to (root holds both). A file
// that is an input of the archive's regeneration (see KeepInputs) is
// never written over with other bytes: when it holds the same bytes tmp
// is dropped and the file left alone; else tmp is dropped and the error
// says why. On error tmp is left to the caller.
func (a *Archive) replace(root *os.Root, from *dirHandle, tmp string, to *dirHandle, name string) error {
	if a != nil && !to.absent(name) && a.mayBeInput(name) {
		if st, err := to.root.Lstat(name); err == nil && a.isInput(st) {
			same, err := sameContent(from.root, tmp, to.root, name)
			if err != nil {
				return pathError(to.path, name, err)
			}
			if !same {
				return pathError(to.path, name, ErrInputChanged)
			}
			if err := from.root.Remove(tmp); err != nil {
				return pathError(from.path, tmp, err)
			}
			return nil
		}
	}
	var err error
	if from == to {
		err = from.root.Rename(tmp, name)
	} else {
		err = root.Rename(from.relOf(tmp), to.relOf(name))
	}
	if err != nil {
		return pathError(to.path, name, err)
	}
	to.placed(name)
	return nil
}

// sameContent reports whether two files hold the same bytes.
func sameContent(ra *os.Root, a string, rb *os.Root, b string) (bool, error) {
	fa, err := ra.Open(a)
	if err != nil {
		return false, err
	}
	defer fa.Close()
	fb, err := rb.Open(b)
	if err != nil {
		return false, err
	}
	defer fb.Close()
	sa, err1 := fa.Stat()
	sb, err2 := fb.Stat()
	if err := errors.Join(err1, err2); err != nil {
		return false, err
	}
	if sa.Size() != sb.Size() {
		return false, nil
	}
	ba, bb := make([]byte, 32<<10), make([]byte, 32<<10)
	for {
		na, ea := io.ReadFull(fa, ba)
		nb, eb := io.ReadFull(fb, bb)
		if na != nb || !bytes.Equal(ba[:na], bb[:nb]) {
			return false, nil
		}
		if ea == io.EOF || ea == io.ErrUnexpectedEOF {
			return eb == ea, nil
		}
		if ea != nil || eb != nil {
			return false, fmt.Errorf("compare: %w", errors.Join(ea, eb))
		}
	}
}

// syncDir makes a rename durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
