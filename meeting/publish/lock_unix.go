//go:build unix

package publish

import (
	"os"
	"syscall"
)

// lockFile takes an exclusive lock on f that lasts until f is closed (or
// the process dies): a partial log is locked by the process writing it.
func lockFile(f tempFile) error {
	return syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
}

// stale reports whether the partial file at path belongs to no living
// process (nobody holds its lock), keeping it locked in the returned file
// so that it can be removed safely; the caller closes it.
func stale(path string) (*os.File, bool) {
	f, err := os.Open(path)
	if err != nil {
		return nil, false
	}
	if err := lockFile(f); err != nil { // EWOULDBLOCK: its writer lives
		f.Close()
		return nil, false
	}
	return f, true
}
