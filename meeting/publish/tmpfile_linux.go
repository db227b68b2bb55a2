package publish

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"golang.org/x/sys/unix"
)

// createLocked creates a new file in d. Named, it is prefix<n>suffix and
// locked before it has that name: it is made unnamed (O_TMPFILE), locked,
// and only then linked under its name, so that a sweep of d (another
// session's, another process's) can never find it unlocked and take it
// for a dead process's; it is created with mode 0o600, for Chmod to open
// once whole. Not named (named false), it stays unnamed, created with
// perm (less the umask), and the caller gives it its name once written
// (see linkUnnamed): no sweep can ever find it. Where the file system
// cannot (no O_TMPFILE, no /proc), it falls back to createLockedNamed.
// The file is used through its descriptor alone (see fdFile).
func createLocked(d *dirHandle, prefix, suffix string, named bool, perm os.FileMode) (tempFile, string, error) {
	if !procFD() {
		return namedTemp(d, prefix, suffix)
	}
	mode := perm
	if named {
		mode = 0o600
	}
	fd, err := unix.Openat(int(d.f.Fd()), ".", unix.O_TMPFILE|unix.O_RDWR|unix.O_CLOEXEC, uint32(mode.Perm()))
	if err != nil {
		return namedTemp(d, prefix, suffix)
	}
	f := &fdFile{fd: fd, mode: mode.Perm() &^ umask()}
	if !named {
		f.path = filepath.Join(d.path, prefix+"(unnamed)"+suffix)
		return f, "", nil
	}
	name, err := linkTempFd(d, fd, prefix, suffix)
	if err != nil {
		unix.Close(fd)
		return nil, "", err
	}
	f.path = filepath.Join(d.path, name)
	return f, name, nil
}

// namedTemp is createLockedNamed as a tempFile.
func namedTemp(d *dirHandle, prefix, suffix string) (tempFile, string, error) {
	f, name, err := createLockedNamed(d, prefix, suffix)
	if err != nil {
		return nil, "", err
	}
	return f, name, nil
}

// fdFile is a temporary file of ours used through its descriptor, with
// one system call for each thing done: an *os.File would ask the
// descriptor's flags and the poller of it first, for every file.
type fdFile struct {
	fd   int
	path string      // for messages
	mode os.FileMode // its permission bits, as created or last set
}

func (f *fdFile) Name() string { return f.path }
func (f *fdFile) Fd() uintptr  { return uintptr(f.fd) }

func (f *fdFile) Write(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		k, err := unix.Write(f.fd, p[n:])
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return n, &os.PathError{Op: "write", Path: f.path, Err: err}
		}
		if k == 0 {
			return n, &os.PathError{Op: "write", Path: f.path, Err: io.ErrShortWrite}
		}
		n += k
	}
	return n, nil
}

func (f *fdFile) ReadAt(p []byte, off int64) (int, error) {
	n := 0
	for n < len(p) {
		k, err := unix.Pread(f.fd, p[n:], off+int64(n))
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return n, &os.PathError{Op: "read", Path: f.path, Err: err}
		}
		if k == 0 {
			return n, io.EOF
		}
		n += k
	}
	return n, nil
}

func (f *fdFile) Sync() error {
	for {
		err := unix.Fsync(f.fd)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return &os.PathError{Op: "sync", Path: f.path, Err: err}
		}
		return nil
	}
}

// Chmod sets the permission bits, unless the file has them already.
func (f *fdFile) Chmod(mode os.FileMode) error {
	if mode.Perm() == f.mode && mode&^os.ModePerm == 0 {
		return nil
	}
	if err := unix.Fchmod(f.fd, uint32(mode.Perm())); err != nil {
		return &os.PathError{Op: "chmod", Path: f.path, Err: err}
	}
	f.mode = mode.Perm()
	return nil
}

func (f *fdFile) Close() error {
	if f.fd < 0 {
		return &os.PathError{Op: "close", Path: f.path, Err: os.ErrClosed}
	}
	err := unix.Close(f.fd)
	f.fd = -1
	if err != nil {
		return &os.PathError{Op: "close", Path: f.path, Err: err}
	}
	return nil
}

// umask is the process's file mode creation mask, read once (from
// /proc, which reads it without changing it); all bits when unknown, so
// that Chmod always sets the mode.
var umask = sync.OnceValue(func() os.FileMode {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return os.ModePerm
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "Umask:"); ok {
			if m, err := strconv.ParseUint(strings.TrimSpace(v), 8, 32); err == nil {
				return os.FileMode(m) & os.ModePerm
			}
		}
	}
	return os.ModePerm
})

// emptyPathLinks says linkat(AT_EMPTY_PATH) may be tried (see linkFd).
var emptyPathLinks = func() *atomic.Bool { var b atomic.Bool; b.Store(true); return &b }()

// procFD reports whether /proc/self/fd can name an open file (linkUnnamed
// needs it).
var procFD = sync.OnceValue(func() bool {
	_, err := os.Stat("/proc/self/fd")
	return err == nil
})

// linkTemp locks the unnamed file f and links it in d as prefix<n>suffix.
func linkTemp(d *dirHandle, f tempFile, prefix, suffix string) (string, error) {
	return linkTempFd(d, int(f.Fd()), prefix, suffix)
}

func linkTempFd(d *dirHandle, fd int, prefix, suffix string) (string, error) {
	if err := unix.Flock(fd, unix.LOCK_EX|unix.LOCK_NB); err != nil {
		return "", os.NewSyscallError("flock", err)
	}
	for try := 0; ; try++ {
		name := prefix + randomDigits() + suffix
		err := linkFd(d, fd, name)
		if errors.Is(err, os.ErrExist) && try < 100 {
			continue
		}
		return name, err
	}
}

// linkUnnamed gives the unnamed file f the name name in d; it fails
// (os.ErrExist) if the name is taken.
func linkUnnamed(d *dirHandle, f tempFile, name string) error { return linkFd(d, int(f.Fd()), name) }

func linkFd(d *dirHandle, fd int, name string) error {
	var err error
	if emptyPathLinks.Load() {
		// Linking the descriptor itself skips resolving /proc; it
		// needs CAP_DAC_READ_SEARCH (or a kernel that allows it for
		// the file's owner): if refused, /proc from then on.
		err = unix.Linkat(fd, "", int(d.f.Fd()), name, unix.AT_EMPTY_PATH)
		if errors.Is(err, unix.ENOENT) || errors.Is(err, unix.EPERM) || errors.Is(err, unix.EINVAL) {
			emptyPathLinks.Store(false)
		} else if err == nil {
			return nil
		} else {
			return &os.PathError{Op: "linkat", Path: filepath.Join(d.path, name), Err: err}
		}
	}
	err = unix.Linkat(unix.AT_FDCWD, "/proc/self/fd/"+strconv.Itoa(fd), int(d.f.Fd()), name, unix.AT_SYMLINK_FOLLOW)
	if err != nil {
		return &os.PathError{Op: "linkat", Path: filepath.Join(d.path, name), Err: err}
	}
	return nil
}
