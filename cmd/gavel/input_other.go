//go:build !unix

package main

import (
	"os"
	"syscall"
)

// openNonblocking opens path for reading without waiting on a FIFO's
// writer.
func openNonblocking(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
}
