package publish

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"

	"golang.org/x/sys/unix"
)

// createLocked creates a new file named prefix<n>suffix in d and locks it
// before it has a name: it is made unnamed (O_TMPFILE), locked, and only
// then linked under its name, so that a sweep of d (another session's,
// another process's) can never find it unlocked and take it for a dead
// process's. Where the file system cannot (no O_TMPFILE, no /proc), it
// falls back to createLockedNamed.
func createLocked(d *dirHandle, prefix, suffix string) (*os.File, string, error) {
	fd, err := unix.Openat(int(d.f.Fd()), ".", unix.O_TMPFILE|unix.O_RDWR|unix.O_CLOEXEC, 0o600)
	if err != nil {
		return createLockedNamed(d, prefix, suffix)
	}
	if err := unix.Flock(fd, unix.LOCK_EX|unix.LOCK_NB); err != nil {
		unix.Close(fd)
		return nil, "", os.NewSyscallError("flock", err)
	}
	proc := "/proc/self/fd/" + strconv.Itoa(fd)
	for try := 0; ; try++ {
		name := prefix + randomDigits() + suffix
		err := unix.Linkat(unix.AT_FDCWD, proc, int(d.f.Fd()), name, unix.AT_SYMLINK_FOLLOW)
		if err == nil {
			return os.NewFile(uintptr(fd), filepath.Join(d.path, name)), name, nil
		}
		if errors.Is(err, unix.EEXIST) && try < 100 {
			continue
		}
		unix.Close(fd)
		if errors.Is(err, unix.ENOENT) || errors.Is(err, unix.EXDEV) || errors.Is(err, unix.EPERM) {
			return createLockedNamed(d, prefix, suffix) // no /proc
		}
		return nil, "", &os.PathError{Op: "linkat", Path: filepath.Join(d.path, name), Err: err}
	}
}
