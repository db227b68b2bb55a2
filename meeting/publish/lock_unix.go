//go:build unix

package publish

import (
	"errors"
	"os"
	"syscall"
)

// lockFile takes an exclusive lock on f that lasts until f is closed (or
// the process dies): a temporary file is locked by the process writing it.
func lockFile(f interface{ Fd() uintptr }) error {
	return syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
}

func errWouldBlock(err error) bool { return errors.Is(err, syscall.EWOULDBLOCK) }

// removeIfStale removes the temporary file name of d if nobody holds its
// lock: it opens it (without following a symbolic link or waiting on a
// FIFO), locks it, checks that the name still leads to it, removes it and
// only then lets the lock go.
func removeIfStale(d *dirHandle, name string) bool {
	f, err := d.root.OpenFile(name, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
	if err != nil {
		return false
	}
	defer f.Close()
	if st, err := f.Stat(); err != nil || !st.Mode().IsRegular() {
		return false
	}
	if lockFile(f) != nil { // EWOULDBLOCK: its writer lives
		return false
	}
	if !sameFile(d, name, f) {
		return false
	}
	return d.root.Remove(name) == nil
}
