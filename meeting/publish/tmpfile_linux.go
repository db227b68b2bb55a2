package publish

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"

	"golang.org/x/sys/unix"
)

// createLocked creates a new file in d. Named, it is prefix<n>suffix and
// locked before it has that name: it is made unnamed (O_TMPFILE), locked,
// and only then linked under its name, so that a sweep of d (another
// session's, another process's) can never find it unlocked and take it
// for a dead process's. Not named (named false), it stays unnamed, and
// the caller gives it its name once written (see linkUnnamed): no sweep
// can ever find it. Where the file system cannot (no O_TMPFILE, no
// /proc), it falls back to createLockedNamed.
func createLocked(d *dirHandle, prefix, suffix string, named bool) (*os.File, string, error) {
	if !procFD() {
		return createLockedNamed(d, prefix, suffix)
	}
	fd, err := unix.Openat(int(d.f.Fd()), ".", unix.O_TMPFILE|unix.O_RDWR|unix.O_CLOEXEC, 0o600)
	if err != nil {
		return createLockedNamed(d, prefix, suffix)
	}
	if !named {
		return os.NewFile(uintptr(fd), filepath.Join(d.path, prefix+"(unnamed)"+suffix)), "", nil
	}
	name, err := linkTempFd(d, fd, prefix, suffix)
	if err != nil {
		unix.Close(fd)
		return nil, "", err
	}
	return os.NewFile(uintptr(fd), filepath.Join(d.path, name)), name, nil
}

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
