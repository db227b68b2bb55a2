//go:build unix

package main

import (
	"os"

	"golang.org/x/sys/unix"
)

// openNonblocking opens path for reading without waiting on a FIFO's
// writer, then makes its descriptor blocking again, so that the *os.File
// is a plain one: opened with O_NONBLOCK through os.OpenFile, a regular
// file would be offered to the poller and its flags asked and set four
// times, for every log of a regeneration.
func openNonblocking(path string) (*os.File, error) {
	for {
		fd, err := unix.Open(path, unix.O_RDONLY|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return nil, &os.PathError{Op: "open", Path: path, Err: err}
		}
		if _, err := unix.FcntlInt(uintptr(fd), unix.F_SETFL, 0); err != nil {
			unix.Close(fd)
			return nil, &os.PathError{Op: "fcntl", Path: path, Err: err}
		}
		return os.NewFile(uintptr(fd), path), nil
	}
}
